//! The arrows of the crate: the machinery (`src/`) never reaches the claims (`theorems/`), no claim
//! imports another, and the machinery's modules import each other without a cycle.
//!
//! Cargo already forbids the first (the claims are a package that depends on the machinery); these tests
//! say it in words and also check the two rules that Cargo cannot see.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("theorems/ lies in the repository")
        .to_path_buf()
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The code of a file without its comments (line comments and doc comments), so that prose may name
/// anything.
fn code(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_machinery_never_reaches_the_claims() {
    let src = root().join("src");
    for file in rust_files(&src) {
        if file.components().any(|c| c.as_os_str() == "bin") {
            continue; // the grok binary: the ledger's entry point
        }
        let text = code(&file);
        for needle in ["grokking_theorems", "crate::theorems", "theorems/"] {
            assert!(
                !text.contains(needle),
                "{} mentions {needle:?}: the machinery must not depend on the claims",
                file.display()
            );
        }
    }
}

#[test]
fn no_theorem_module_imports_another() {
    let dir = root().join("theorems");
    for file in rust_files(&dir) {
        let name = file.file_stem().unwrap().to_string_lossy().to_string();
        if !name.starts_with('t') {
            continue;
        }
        let text = code(&file);
        for (i, m) in text
            .match_indices("super::t")
            .chain(text.match_indices("crate::t"))
        {
            let next = text[i + m.len()..].chars().next();
            assert!(
                !next.is_some_and(|c| c.is_ascii_digit()),
                "{} imports another theorem module near {:?}",
                file.display(),
                &text[i..(i + 40).min(text.len())]
            );
        }
    }
}

/// The module path of a file under `src/` (`measure/ablation.rs` is `measure::ablation`, a `mod.rs` is
/// its directory's module).
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

/// The modules a file's code refers to through `crate::…` and `super::…` paths, resolved to the longest
/// known module (an item of `lib.rs` such as `crate::Error` resolves to the module it re-exports).
fn imports(text: &str, module: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let parent = module.rsplit_once("::").map_or("", |(p, _)| p).to_string();
    let mut out = BTreeSet::new();
    for (prefix, base) in [("crate::", String::new()), ("super::", parent)] {
        for (i, _) in text.match_indices(prefix) {
            let before = text[..i].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let rest: String = text[i + prefix.len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let mut path: Vec<&str> = if base.is_empty() {
                Vec::new()
            } else {
                base.split("::").collect()
            };
            let mut best = None;
            for seg in rest.split("::").filter(|s| !s.is_empty()) {
                path.push(seg);
                let candidate = path.join("::");
                if modules.contains(&candidate) {
                    best = Some(candidate);
                }
            }
            if rest.starts_with("Error") || rest.starts_with("Result") {
                best = Some("error".into());
            }
            if let Some(m) = best.filter(|m| m != module) {
                out.insert(m);
            }
        }
    }
    out
}

#[test]
fn the_machinery_has_no_import_cycle() {
    let src = root().join("src");
    let files: Vec<PathBuf> = rust_files(&src)
        .into_iter()
        .filter(|f| !f.starts_with(src.join("bin")) && !f.ends_with("lib.rs"))
        .collect();
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(&src, f)).collect();
    let graph: BTreeMap<String, BTreeSet<String>> = files
        .iter()
        .map(|f| {
            let m = module_of(&src, f);
            let deps = imports(&code(f), &m, &modules);
            (m, deps)
        })
        .collect();
    // Depth-first search for a back edge; a cycle is reported with its path.
    fn visit(
        m: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) {
        state.insert(m.to_string(), 1);
        stack.push(m.to_string());
        for d in graph.get(m).into_iter().flatten() {
            match state.get(d.as_str()).copied().unwrap_or(0) {
                1 => {
                    let start = stack.iter().position(|s| s == d).unwrap();
                    panic!(
                        "import cycle in src/: {} -> {d}",
                        stack[start..].join(" -> ")
                    );
                }
                0 => visit(d, graph, state, stack),
                _ => {}
            }
        }
        stack.pop();
        state.insert(m.to_string(), 2);
    }
    let mut state = BTreeMap::new();
    for m in graph.keys() {
        if state.get(m.as_str()).copied().unwrap_or(0) == 0 {
            visit(m, &graph, &mut state, &mut Vec::new());
        }
    }
    // The test can fail: the graph it reads has the arrows the crate documents.
    assert!(graph["train"].contains("evaluation"));
    assert!(graph["evaluation"].contains("measure::ablation"));
}
