//! The notes and the README point at things that exist: relative links and images resolve, each
//! note's front matter names an existing module and test file, and the reproduction map of
//! `notes/README.md` covers every figure of the notes, names existing scripts, and is the list that
//! `notes/scripts/regenerate.sh --list` rebuilds.

use grokking_theorems::Status;
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
        let status_line = front
            .lines()
            .find_map(|l| l.strip_prefix("status:"))
            .unwrap_or_else(|| panic!("{}: front matter has no status line", t.id))
            .replace('-', " ");
        let module = std::fs::read_to_string(root().join(t.module)).unwrap();
        for status in statuses_used(&module) {
            let label = status.to_string().replace('-', " ");
            assert!(
                status_line.contains(&label),
                "{}: the module's checks use the label {label:?}, which the note's status line does not name",
                t.id
            );
        }
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

/// The status labels that a module's checks carry (`Status::Name` in its source).
fn statuses_used(module: &str) -> Vec<Status> {
    Status::ALL
        .into_iter()
        .filter(|s| {
            let name = format!("Status::{s:?}");
            module.match_indices(&name).any(|(i, _)| {
                !module[i + name.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
            })
        })
        .collect()
}

#[test]
fn statuses_used_tells_a_label_from_its_prefix() {
    let used =
        statuses_used("status: Status::ProvedUnderAssumptions,\nstatus: Status::Empirical }");
    assert_eq!(used, [Status::ProvedUnderAssumptions, Status::Empirical]);
}

/// The rows of the reproduction map in `notes/README.md`: (target, outputs, scripts named in the row).
fn reproduction_map(readme: &str) -> Vec<(String, Vec<String>, Vec<String>)> {
    let section = readme
        .split("## Reproduction map")
        .nth(1)
        .expect("notes/README.md has a section \"Reproduction map\"");
    let section = section.split("\n## ").next().unwrap();
    let code = |cell: &str| -> Vec<String> {
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(String::from)
            .collect()
    };
    section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').collect();
            let target = code(cells[1]).first().cloned().expect("a target name");
            let outputs = code(cells[2]);
            let scripts = cells
                .iter()
                .flat_map(|c| code(c))
                .flat_map(|c| {
                    c.split_whitespace()
                        .filter(|w| w.starts_with("notes/scripts/"))
                        .map(String::from)
                        .collect::<Vec<_>>()
                })
                .collect();
            (target, outputs, scripts)
        })
        .collect()
}

/// Every `![…](figures/…)` image of the notes.
fn figures_shown() -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for file in markdown_files() {
        if file.parent().is_none_or(|d| !d.ends_with("notes")) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for piece in text.split("![").skip(1) {
            if let Some(target) = link_targets(piece).first() {
                if target.starts_with("figures/") {
                    out.push((file.clone(), target.clone()));
                }
            }
        }
    }
    out
}

#[test]
fn the_reproduction_map_covers_every_figure_and_is_what_regenerate_rebuilds() {
    let readme = std::fs::read_to_string(root().join("notes/README.md")).unwrap();
    let map = reproduction_map(&readme);
    assert!(
        map.len() >= 10,
        "{} rows in the reproduction map",
        map.len()
    );
    let outputs: Vec<&String> = map.iter().flat_map(|(_, o, _)| o).collect();
    for (file, figure) in figures_shown() {
        assert!(
            outputs.contains(&&figure),
            "{} shows {figure}, which the reproduction map does not rebuild",
            file.display()
        );
    }
    for (target, outs, scripts) in &map {
        for out in outs.iter().filter(|o| o.starts_with("figures/")) {
            assert!(
                root().join("notes").join(out).exists(),
                "{target}: {out} does not exist in notes/"
            );
        }
        for script in scripts {
            assert!(root().join(script).exists(), "{target}: no {script}");
        }
    }
    let listed = std::process::Command::new("bash")
        .arg(root().join("notes/scripts/regenerate.sh"))
        .arg("--list")
        .output()
        .expect("bash runs notes/scripts/regenerate.sh --list");
    assert!(listed.status.success(), "{listed:?}");
    let listed: Vec<(String, Vec<String>)> = String::from_utf8(listed.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let mut words = l.split_whitespace().map(String::from);
            (words.next().unwrap(), words.collect())
        })
        .collect();
    let mapped: Vec<(String, Vec<String>)> = map.into_iter().map(|(t, o, _)| (t, o)).collect();
    assert_eq!(
        mapped, listed,
        "the reproduction map against regenerate.sh --list"
    );
}
