//! The blueprint site (`grok check --html`), checked without a browser: a card and a node for every
//! registered theorem, an edge for every `uses:` of the notes (read here from the files, not through the
//! site's parser), every local link and anchor resolving inside the site, every note and figure shipped,
//! the checks escaped, the same ledger giving the same bytes, and bad input refused.
//! `notes/scripts/blueprint_check.py` loads the same pages in headless Chromium.

use super::front_matter;
use super::graph::{levels, Node, LABELS};
use super::note::{slug, Resolver, Target};
use super::*;
use crate::{Check, LedgerRow, Status, REGISTRY};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("theorems/ lies in the repository")
        .to_path_buf()
}

fn check(claim: &str, status: Status, pass: bool) -> Check {
    Check {
        claim: claim.into(),
        status,
        prediction: "0.5".into(),
        measured: "0.49".into(),
        tolerance: "0.02 (from the note)".into(),
        pass,
    }
}

fn row(id: &str, checks: Vec<Check>) -> LedgerRow {
    LedgerRow {
        id: id.into(),
        name: "a name".into(),
        note: "a note".into(),
        pass: checks.iter().all(|c| c.pass),
        checks,
    }
}

/// A ledger of two theorems, one passing and one failing, the rest not run.
fn rows() -> Vec<LedgerRow> {
    vec![
        row(
            "T6-algebra",
            vec![
                check("affine iff minimum support", Status::Proved, true),
                check("learnable", Status::Empirical, true),
            ],
        ),
        row(
            "T3-norm",
            vec![check("bound <b>&amp; tight", Status::Proved, false)],
        ),
    ]
}

fn text(site: &Site, path: &str) -> String {
    String::from_utf8(
        site.file(path)
            .unwrap_or_else(|| panic!("no {path}"))
            .to_vec(),
    )
    .unwrap()
}

#[test]
fn every_registered_theorem_has_a_card_and_a_node_with_its_verdict() {
    let site = site(&rows(), "grok check T6 T3 --quick").unwrap();
    let index = text(&site, "index.html");
    for t in REGISTRY {
        let verdict = match t.id {
            "T6-algebra" => "pass",
            "T3-norm" => "fail",
            _ => "not-run",
        };
        assert!(
            index.contains(&format!(
                "<article class=\"card {verdict}\" id=\"{}\">",
                t.id
            )),
            "{}: no {verdict} card",
            t.id
        );
        assert!(
            index.contains(&format!("class=\"node {verdict}\" data-id=\"{}\"", t.id)),
            "{}: no {verdict} node",
            t.id
        );
    }
    assert_eq!(
        index.matches("<article class=\"card ").count(),
        REGISTRY.len()
    );
    assert!(index.contains("3 checks, 2 agree with their labels, 1 do not (failing: T3-norm)"));
    assert_eq!(index.matches("<tr class=\"check\">").count(), 3);
}

/// The edges (used, user) that the notes' front matter declares, read from the files.
fn declared_edges() -> BTreeSet<(String, String)> {
    let mut edges = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("notes")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let note = std::fs::read_to_string(&path).unwrap();
        let line = |key: &str| {
            note.lines()
                .take_while(|l| !l.starts_with("# "))
                .find_map(|l| l.strip_prefix(key).map(str::trim))
        };
        let (Some(id), Some(uses)) = (line("id: "), line("uses: ")) else {
            continue;
        };
        for used in uses.trim_matches(['[', ']']).split(',').map(str::trim) {
            if !used.is_empty() {
                edges.insert((used.to_string(), id.to_string()));
            }
        }
    }
    edges
}

#[test]
fn the_graph_draws_every_uses_of_the_notes() {
    let index = text(&site(&[], "grok check").unwrap(), "index.html");
    let mut drawn = BTreeSet::new();
    for piece in index.split("<path class=\"edge\" data-from=\"").skip(1) {
        let (from, rest) = piece.split_once('"').unwrap();
        let to = rest
            .split_once("data-to=\"")
            .unwrap()
            .1
            .split_once('"')
            .unwrap()
            .0;
        drawn.insert((from.to_string(), to.to_string()));
    }
    let declared = declared_edges();
    assert!(
        declared.len() >= 8,
        "the notes declare {} uses",
        declared.len()
    );
    assert_eq!(drawn, declared);
}

#[test]
fn a_used_theorem_sits_above_its_users() {
    validate().unwrap();
    let entries = entries(&[]).unwrap();
    let nodes: Vec<Node> = entries.iter().map(node).collect();
    let level = levels(&nodes).unwrap();
    for (i, node) in nodes.iter().enumerate() {
        for &u in &node.uses {
            assert!(level[u] < level[i], "{} uses {}", node.id, nodes[u].id);
        }
        if !node.uses.is_empty() {
            assert!(node.uses.iter().any(|&u| level[u] + 1 == level[i]));
        } else {
            assert_eq!(level[i], 0, "{}", node.id);
        }
    }
}

#[test]
fn a_cycle_of_uses_is_an_error() {
    let node = |id, uses| Node {
        id,
        name: "",
        uses,
        shares: [0; LABELS],
        verdict: Verdict::NotRun,
    };
    let nodes = vec![node("A", vec![2]), node("B", vec![0]), node("C", vec![1])];
    let err = levels(&nodes).unwrap_err().to_string();
    assert!(err.contains("cycle"), "{err}");
    assert!(levels(&[node("A", vec![]), node("B", vec![0])]).is_ok());
}

#[test]
fn checks_are_escaped() {
    let index = text(&site(&rows(), "grok check").unwrap(), "index.html");
    assert!(index.contains("bound &lt;b&gt;&amp;amp; tight"));
    assert!(!index.contains("<b>&amp; tight"));
}

/// Every `href` and `src` of every page that points inside the site, with the target missing (a file,
/// or an `id` in the target page for a `#fragment`).
fn dangling_links(site: &Site) -> Vec<String> {
    let mut missing = Vec::new();
    for (path, bytes) in site.files() {
        if !path.ends_with(".html") {
            continue;
        }
        let page = String::from_utf8_lossy(bytes);
        let dir: Vec<&str> = path.split('/').collect();
        let dir = &dir[..dir.len() - 1];
        for attr in ["href=\"", "src=\""] {
            for piece in page.split(attr).skip(1) {
                let url = piece.split_once('"').map_or(piece, |(u, _)| u);
                if url.contains("://") || url.starts_with("mailto:") || url.starts_with("data:") {
                    continue;
                }
                let (file, fragment) = url.split_once('#').unwrap_or((url, ""));
                let target = if file.is_empty() {
                    path.clone()
                } else {
                    let mut parts: Vec<&str> = dir.to_vec();
                    for part in file.split('/') {
                        if part == ".." {
                            parts.pop();
                        } else {
                            parts.push(part);
                        }
                    }
                    parts.join("/")
                };
                match site.file(&target) {
                    None => missing.push(format!("{path}: {url} (no {target})")),
                    Some(t) if !fragment.is_empty() => {
                        let t = String::from_utf8_lossy(t);
                        if !t.contains(&format!("id=\"{fragment}\"")) {
                            missing.push(format!("{path}: {url} (no id {fragment:?} in {target})"));
                        }
                    }
                    Some(_) => {}
                }
            }
        }
    }
    missing
}

#[test]
fn every_link_inside_the_site_resolves() {
    let mut site = site(&rows(), "grok check").unwrap();
    let missing = dangling_links(&site);
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    // The checker finds what it should: a missing page, a missing anchor.
    site.files.push((
        "notes/bad.html".into(),
        b"<a href=\"nowhere.html\">x</a> <a href=\"../index.html#T9-none\">y</a>".to_vec(),
    ));
    assert_eq!(dangling_links(&site).len(), 2);
}

#[test]
fn a_link_in_a_note_goes_to_its_page_or_is_marked_outside() {
    let site = site(&[], "grok check").unwrap();
    let mut pages = BTreeMap::new();
    for (path, _) in site.files() {
        if let Some(stem) = path.strip_suffix(".html") {
            let repo = if let Some(s) = stem.strip_prefix("notes/") {
                format!("notes/{s}.md")
            } else {
                stem.to_string()
            };
            pages.insert(repo, path.clone());
        }
    }
    let resolver = Resolver { pages };
    let from = "notes/t2_drift.md";
    let url = |u: &str| Target::Url(u.into());
    assert_eq!(
        resolver.resolve(from, "t1_dichotomy.md#a-b"),
        url("t1_dichotomy.html#a-b")
    );
    assert_eq!(
        resolver.resolve(from, "../theorems/t2_drift.rs"),
        url("../theorems/t2_drift.rs.html")
    );
    assert_eq!(resolver.resolve(from, "#here"), url("#here"));
    assert_eq!(
        resolver.resolve(from, "https://arxiv.org/abs/1"),
        url("https://arxiv.org/abs/1")
    );
    assert_eq!(
        resolver.resolve(from, "scripts/t2_sweeps.sh"),
        Target::Outside("notes/scripts/t2_sweeps.sh".into())
    );
    assert_eq!(
        resolver.resolve(from, "../../shared/brief/QUESTIONS.md"),
        Target::Outside("../../shared/brief/QUESTIONS.md".into())
    );
    assert_eq!(
        slug("Progress measures and phases, over seeds"),
        "progress-measures-and-phases-over-seeds"
    );
    // The scripts' directory, which notes/README.md links to, is named, not linked.
    let readme = text(&site, "notes/README.html");
    assert!(readme.contains(
        "class=\"outside\" title=\"in the repository (not in this site): notes/scripts\""
    ));
    assert!(text(&site, "notes/t2_drift.html").contains("class=\"math math-inline\""));
}

fn names_in(dir: &str, ext: Option<&str>) -> BTreeSet<String> {
    std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && ext.is_none_or(|x| p.extension().is_some_and(|e| e == x)))
        .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
        .collect()
}

#[test]
fn the_site_holds_every_note_and_every_figure() {
    let shipped: BTreeSet<String> = SOURCES
        .iter()
        .map(|s| s.stem)
        .chain(assets::OTHER_NOTES.iter().map(|(stem, _)| *stem))
        .map(|stem| format!("{stem}.md"))
        .collect();
    assert_eq!(shipped, names_in("notes", Some("md")));
    let figures: BTreeSet<String> = assets::FIGURES
        .iter()
        .map(|(path, _)| path.strip_prefix("notes/figures/").unwrap().to_string())
        .collect();
    assert_eq!(figures, names_in("notes/figures", None));
    for (theorem, sources) in REGISTRY.iter().zip(SOURCES) {
        assert_eq!(theorem.note, format!("notes/{}.md", sources.stem));
        assert_eq!(theorem.module, format!("theorems/{}.rs", sources.stem));
    }
}

#[test]
fn the_same_ledger_writes_the_same_bytes_and_nothing_of_this_machine() {
    let a = site(&rows(), "grok check").unwrap();
    let b = site(&rows(), "grok check").unwrap();
    assert!(a.files() == b.files());
    let here = root().display().to_string();
    for (path, bytes) in a.files() {
        if path.ends_with(".html") {
            assert!(
                !String::from_utf8_lossy(bytes).contains(&here),
                "{path} names {here}"
            );
        }
    }
}

#[test]
fn the_site_is_written_whole_and_can_be_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let site = site(&rows(), "grok check").unwrap();
    site.write(dir.path()).unwrap();
    site.write(dir.path()).unwrap();
    for (path, bytes) in site.files() {
        assert_eq!(
            &std::fs::read(dir.path().join(path)).unwrap(),
            bytes,
            "{path}"
        );
    }
    let mut leftovers = Vec::new();
    let mut stack = vec![dir.path().to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "tmp") {
                leftovers.push(p);
            }
        }
    }
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // A file where a directory must go: an error naming it, not a panic.
    let blocked = tempfile::tempdir().unwrap();
    std::fs::write(blocked.path().join("notes"), b"").unwrap();
    let err = site.write(blocked.path()).unwrap_err().to_string();
    assert!(err.contains("notes"), "{err}");
}

#[test]
fn bad_input_is_refused() {
    let err = site(&[row("T99-none", vec![])], "grok check")
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("T99-none"), "{err}");
    assert!(front_matter::parse("n.md", "# no front matter\n").is_err());
    assert!(front_matter::parse("n.md", "---\nid: X\nuses: []\nstatus: s\n").is_err());
    assert!(front_matter::parse("n.md", "---\nid: X\nuses: A, B\nstatus: s\n---\n").is_err());
    assert!(front_matter::parse("n.md", "---\nid: X\nuses: [A]\n---\n").is_err());
    let (front, body) = front_matter::parse(
        "n.md",
        "---\nid: X\nuses: [A, B]\nstatus: proved\n---\nbody",
    )
    .unwrap();
    assert_eq!(front.uses, ["A", "B"]);
    assert_eq!(
        (front.id.as_str(), front.status.as_str(), body),
        ("X", "proved", "body")
    );
}
