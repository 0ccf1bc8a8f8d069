//! The notes and the README point at things that exist: relative links and images resolve, and each
//! note's front matter names an existing module and test file.

use std::path::{Path, PathBuf};

/// The repository root (the suite belongs to the `theorems/` package).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("theorems/ lies in the repository")
        .to_path_buf()
}

fn markdown_files() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md")];
    for dir in ["notes", "theorems"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files
}

/// Targets of `[text](target)` and `![alt](target)` links.
fn link_targets(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        rest = &rest[i + 2..];
        if let Some(end) = rest.find(')') {
            out.push(rest[..end].to_string());
        }
    }
    out
}

#[test]
fn relative_links_resolve() {
    for file in markdown_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let dir = file.parent().unwrap();
        for target in link_targets(&text) {
            if target.starts_with("http") || target.starts_with('#') {
                continue;
            }
            let path = target.split('#').next().unwrap();
            assert!(
                dir.join(path).exists(),
                "{}: link to {target:?} does not resolve",
                file.display()
            );
        }
    }
}

#[test]
fn front_matter_names_existing_files() {
    for file in markdown_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let Some(front) = text
            .strip_prefix("---\n")
            .and_then(|t| t.split("\n---").next())
        else {
            continue;
        };
        for line in front.lines() {
            if let Some(target) = line
                .strip_prefix("module: ")
                .or_else(|| line.strip_prefix("test: "))
            {
                assert!(
                    Path::new(&root()).join(target.trim()).exists(),
                    "{}: {line:?} names a missing file",
                    file.display()
                );
            }
        }
    }
}

/// Every theorem in the ledger has its module and a note whose front matter carries its id and module
/// and names the statuses its checks use.
#[test]
fn every_registered_theorem_has_a_note_and_a_module() {
    for t in grokking_theorems::REGISTRY {
        assert!(
            root().join(t.module).exists(),
            "{}: no module {}",
            t.id,
            t.module
        );
        let note = std::fs::read_to_string(root().join(t.note))
            .unwrap_or_else(|e| panic!("{}: note {}: {e}", t.id, t.note));
        let front = note
            .strip_prefix("---\n")
            .and_then(|n| n.split("\n---").next())
            .unwrap_or_else(|| panic!("{}: the note has no front matter", t.id));
        assert!(
            front.contains(&format!("id: {}", t.id)),
            "{}: front matter id",
            t.id
        );
        assert!(
            front.contains(&format!("module: {}", t.module)),
            "{}: front matter module",
            t.id
        );
        for heading in [
            "## Statement",
            "## Assumptions",
            "## Proof",
            "## Numerical check",
            "## References",
        ] {
            assert!(
                note.contains(heading),
                "{}: the note lacks {heading:?}",
                t.id
            );
        }
    }
}
