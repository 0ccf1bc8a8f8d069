//! The ledger as a blueprint: a static site that a browser opens offline (`grok check --html DIR`).
//!
//! `index.html` holds the dependency graph of the theorems (drawn from the `uses:` line of each note's
//! front matter, each node coloured by the status labels of its checks and framed by its verdict) and
//! one card per registered theorem: its id and name, its verdict, its status line in the note's own
//! words, the label of every check with its prediction, measurement, tolerance and verdict, and links
//! to its note, its module, its test, what it uses and what uses it. A theorem the ledger did not run
//! keeps its card and its node, marked *not run*.
//!
//! Every note is rendered to a page (`notes/<stem>.html`, the math typeset by the site's own KaTeX),
//! every theorem's module and test to a source page, and the figures are copied: nothing is fetched at
//! view time, and the pages report to the browser's console anything that did not render (see
//! `render.js`), which `notes/scripts/blueprint_check.sh` checks in headless Chromium. The site is a
//! function of the ledger rows alone (no clock, no paths of this machine), so the same ledger writes
//! the same bytes.

mod assets;
mod front_matter;
mod graph;
mod note;

pub use front_matter::FrontMatter;

use crate::{LedgerRow, Theorem, REGISTRY, SOURCES};
use graph::{Node, LABELS, NOT_RUN_COLOUR, STATUS_COLOURS};
use grokking::error::{Error, Result};
use note::Resolver;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

/// The text of a registered theorem's note, module and test (see [`crate::SOURCES`]).
pub struct Sources {
    /// The module's name, also the stem of its note and its test.
    pub stem: &'static str,
    /// `notes/<stem>.md`.
    pub note: &'static str,
    /// `theorems/<stem>.rs`.
    pub module: &'static str,
    /// `tests/<stem>.rs`.
    pub test: &'static str,
}

/// A theorem's verdict in the ledger being drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every check agrees with its label.
    Pass,
    /// Some check does not.
    Fail,
    /// The ledger did not run its checks.
    NotRun,
}

impl Verdict {
    fn of(row: Option<&LedgerRow>) -> Self {
        match row {
            Some(r) if r.pass => Verdict::Pass,
            Some(_) => Verdict::Fail,
            None => Verdict::NotRun,
        }
    }

    /// Its CSS class.
    pub fn class(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::NotRun => "not-run",
        }
    }

    /// Its word on the page.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::NotRun => "not run",
        }
    }
}

/// `text` with `<`, `>`, `&`, `"` and `'` escaped for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html(&mut out, text).expect("writing to a String");
    out
}

/// The site: each file's path in it, and its bytes.
pub struct Site {
    files: Vec<(String, Vec<u8>)>,
}

impl Site {
    /// Every file, in the order written.
    pub fn files(&self) -> &[(String, Vec<u8>)] {
        &self.files
    }

    /// The file at `path` in the site.
    pub fn file(&self, path: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, b)| b.as_slice())
    }

    /// Writes the site into `dir` (created if missing), each file through a temporary file and a
    /// rename, so that no file is left half-written.
    pub fn write(&self, dir: &Path) -> Result<()> {
        for (path, bytes) in &self.files {
            let path = dir.join(path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            grokking::report::write_atomic(&path, bytes)?;
        }
        Ok(())
    }
}

/// A registered theorem with its note and its row of the ledger, if it ran.
struct Entry<'a> {
    theorem: &'static Theorem,
    sources: &'static Sources,
    front: FrontMatter,
    body: &'static str,
    uses: Vec<usize>,
    row: Option<&'a LedgerRow>,
}

/// The site of the ledger `rows` (any subset of the registered theorems, e.g. from
/// [`crate::run`]); `command` is the command that produced them, shown on the page.
pub fn site(rows: &[LedgerRow], command: &str) -> Result<Site> {
    let entries = entries(rows)?;
    let mut pages = BTreeMap::new();
    for e in &entries {
        let stem = e.sources.stem;
        pages.insert(format!("notes/{stem}.md"), format!("notes/{stem}.html"));
        pages.insert(
            format!("theorems/{stem}.rs"),
            format!("theorems/{stem}.rs.html"),
        );
        pages.insert(format!("tests/{stem}.rs"), format!("tests/{stem}.rs.html"));
    }
    for (stem, _) in assets::OTHER_NOTES {
        pages.insert(format!("notes/{stem}.md"), format!("notes/{stem}.html"));
    }
    for (path, _) in assets::FIGURES {
        pages.insert(path.to_string(), path.to_string());
    }
    let resolver = Resolver { pages };

    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let index = page(
        "index.html",
        "the claims ledger",
        &index(&entries, command)?,
        false,
    );
    files.push(("index.html".into(), index.into_bytes()));
    let ledger = serde_json::json!({ "command": command, "ledger": rows });
    files.push((
        "ledger.json".into(),
        serde_json::to_vec_pretty(&ledger).map_err(|e| Error::output("ledger.json", e))?,
    ));
    for e in &entries {
        let stem = e.sources.stem;
        let path = format!("notes/{stem}.html");
        let html = theorem_note(e, &entries, &resolver);
        files.push((
            path.clone(),
            page(&path, e.theorem.id, &html, true).into_bytes(),
        ));
        for (dir, text, what) in [
            ("theorems", e.sources.module, "module"),
            ("tests", e.sources.test, "test"),
        ] {
            let path = format!("{dir}/{stem}.rs.html");
            let title = format!("{dir}/{stem}.rs");
            let body = format!(
                "<nav class=\"crumbs\"><a href=\"../index.html#{id}\">{id}</a> · <a href=\"../notes/{stem}.html\">note</a> · {what}</nav>\n\
                 <h1><code>{title}</code></h1>\n<pre class=\"source\"><code>{}</code></pre>\n",
                escape(text),
                id = escape(e.theorem.id),
            );
            files.push((path.clone(), page(&path, &title, &body, false).into_bytes()));
        }
    }
    for (stem, text) in assets::OTHER_NOTES {
        let path = format!("notes/{stem}.html");
        let body = text
            .strip_prefix("---\n")
            .and_then(|t| t.split_once("\n---\n"))
            .map_or(*text, |(_, body)| body);
        let html = format!(
            "<nav class=\"crumbs\"><a href=\"../index.html\">ledger</a> · <code>notes/{stem}.md</code></nav>\n\
             <article class=\"note\">\n{}</article>\n",
            note::render(body, &format!("notes/{stem}.md"), &resolver)
        );
        files.push((path.clone(), page(&path, stem, &html, true).into_bytes()));
    }
    for (path, bytes) in assets::KATEX
        .iter()
        .chain(assets::PAGE)
        .chain(assets::FIGURES)
    {
        files.push((path.to_string(), bytes.to_vec()));
    }
    Ok(Site { files })
}

/// Checks what the site is drawn from, before any theorem runs: every note's front matter, and that its
/// `uses:` lines name registered theorems and form no cycle.
pub fn validate() -> Result<()> {
    let entries = entries(&[])?;
    let nodes: Vec<Node> = entries.iter().map(|e| node(e)).collect();
    graph::levels(&nodes).map(|_| ())
}

fn node<'a>(e: &'a Entry) -> Node<'a> {
    Node {
        id: e.theorem.id,
        name: e.theorem.name,
        uses: e.uses.clone(),
        shares: shares(e.row),
        verdict: Verdict::of(e.row),
    }
}

/// The registered theorems with their notes' front matter, checked: each note's id is its theorem's,
/// each `uses:` names a registered theorem, and each row names one.
fn entries(rows: &[LedgerRow]) -> Result<Vec<Entry<'_>>> {
    if let Some(row) = rows.iter().find(|r| !REGISTRY.iter().any(|t| t.id == r.id)) {
        return Err(Error::InvalidConfig(format!(
            "the ledger row {:?} names no registered theorem",
            row.id
        )));
    }
    let mut entries = Vec::new();
    for (theorem, sources) in REGISTRY.iter().zip(SOURCES) {
        let (front, body) = front_matter::parse(theorem.note, sources.note)?;
        if front.id != theorem.id {
            return Err(Error::InvalidConfig(format!(
                "{} gives id {:?}, its theorem's is {:?}",
                theorem.note, front.id, theorem.id
            )));
        }
        let uses = front
            .uses
            .iter()
            .map(|u| {
                REGISTRY.iter().position(|t| t.id == u).ok_or_else(|| {
                    Error::InvalidConfig(format!(
                        "{}: `uses:` names {u:?}, which is not a registered theorem",
                        theorem.note
                    ))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        entries.push(Entry {
            theorem,
            sources,
            front,
            body,
            uses,
            row: rows.iter().find(|r| r.id == theorem.id),
        });
    }
    Ok(entries)
}

/// A complete page: `path` is its place in the site (for the relative links to the assets).
fn page(path: &str, title: &str, body: &str, math: bool) -> String {
    let root = "../".repeat(path.matches('/').count());
    let katex = if math {
        format!(
            "<link rel=\"stylesheet\" href=\"{root}katex/katex.min.css\">\n\
             <script defer src=\"{root}katex/katex.min.js\"></script>\n\
             <script defer src=\"{root}render.js\"></script>\n"
        )
    } else {
        String::new()
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} · grokking ledger</title>\n\
         <script>window.addEventListener(\"error\", function (e) {{ var t = e.target; \
         if (t && t !== window && (t.src || t.href)) {{ console.error(\"did not load: \" + (t.src || t.href)); }} }}, true);</script>\n\
         <link rel=\"stylesheet\" href=\"{root}style.css\">\n{katex}</head>\n<body>\n\
         <header class=\"top\"><a href=\"{root}index.html\">grokking — the claims ledger</a></header>\n<main>\n{body}</main>\n</body>\n</html>\n",
        escape(title)
    )
}

/// How many of a row's checks carry each label of [`STATUS_COLOURS`].
fn shares(row: Option<&LedgerRow>) -> [usize; LABELS] {
    let mut shares = [0; LABELS];
    for check in row.map_or(&[][..], |r| &r.checks) {
        let k = STATUS_COLOURS
            .iter()
            .position(|(s, _)| *s == check.status)
            .expect("every status has a colour");
        shares[k] += 1;
    }
    shares
}

fn label_chips(shares: [usize; LABELS]) -> String {
    STATUS_COLOURS
        .iter()
        .zip(shares)
        .filter(|(_, n)| *n > 0)
        .map(|((status, _), n)| format!("<span class=\"label {status}\">{status} ×{n}</span>"))
        .collect()
}

/// Links to the cards of the theorems at `indices`.
fn card_links(indices: &[usize], entries: &[Entry], root: &str) -> String {
    if indices.is_empty() {
        return "none".into();
    }
    indices
        .iter()
        .map(|&i| {
            let id = escape(entries[i].theorem.id);
            format!("<a href=\"{root}index.html#{id}\">{id}</a>")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn used_by(i: usize, entries: &[Entry]) -> Vec<usize> {
    (0..entries.len())
        .filter(|&j| entries[j].uses.contains(&i))
        .collect()
}

fn index(entries: &[Entry], command: &str) -> Result<String> {
    let nodes: Vec<Node> = entries.iter().map(node).collect();
    let ran: Vec<&LedgerRow> = entries.iter().filter_map(|e| e.row).collect();
    let checks: usize = ran.iter().map(|r| r.checks.len()).sum();
    let failed_checks: usize = ran
        .iter()
        .map(|r| r.checks.iter().filter(|c| !c.pass).count())
        .sum();
    let failed: Vec<&str> = ran
        .iter()
        .filter(|r| !r.pass)
        .map(|r| r.id.as_str())
        .collect();
    let mut s = String::new();
    let w =
        |s: &mut String, args: std::fmt::Arguments| s.write_fmt(args).expect("writing to a String");
    w(
        &mut s,
        format_args!(
            "<h1>The claims ledger</h1>\n<p class=\"summary\" id=\"summary\">{} registered theorems, {} checked: \
             {checks} checks, {} agree with their labels, {failed_checks} do not{}.</p>\n\
             <p>Written by <code>{}</code>. Each check states what its theorem predicts, what was measured, and the \
             tolerance; its verdict says whether they agree. A <em>false-as-stated</em> check passes when the \
             measurement refutes the claim as first stated. The notes say what each label means for each claim \
             (<a href=\"notes/README.html\">notes/README</a>); the raw ledger is <a href=\"ledger.json\">ledger.json</a>.</p>\n",
            entries.len(),
            ran.len(),
            checks - failed_checks,
            if failed.is_empty() {
                String::new()
            } else {
                format!(" (failing: {})", escape(&failed.join(", ")))
            },
            escape(command),
        ),
    );
    s.push_str("<h2>Dependencies</h2>\n<p>An arrow runs from a theorem to one whose note uses it. Click a node for its card.</p>\n");
    s.push_str(&graph::svg(&nodes)?);
    s.push_str("\n<p class=\"legend\">");
    for (status, colour) in STATUS_COLOURS {
        w(
            &mut s,
            format_args!(
                "<span><i class=\"swatch\" style=\"background:{colour}\"></i>{status}</span>"
            ),
        );
    }
    w(
        &mut s,
        format_args!(
            "<span><i class=\"swatch\" style=\"background:{NOT_RUN_COLOUR}\"></i>not run</span><br>\
             <span><i class=\"frame-swatch\" style=\"border:2px solid #1b5e20\"></i>every check agrees</span>\
             <span><i class=\"frame-swatch\" style=\"border:3px dashed #c62828\"></i>a check fails</span>\
             <span><i class=\"frame-swatch\" style=\"border:2px dotted #9e9e9e\"></i>not run</span></p>\n\
             <p class=\"legend\">The bar at a node's foot is split among the labels of its checks, in proportion to their numbers.</p>\n\
             <h2>Theorems</h2>\n"
        ),
    );
    for (i, e) in entries.iter().enumerate() {
        s.push_str(&card(i, e, entries, command));
    }
    Ok(s)
}

fn card(i: usize, e: &Entry, entries: &[Entry], command: &str) -> String {
    let verdict = Verdict::of(e.row);
    let id = escape(e.theorem.id);
    let stem = e.sources.stem;
    let mut s = format!(
        "<article class=\"card {}\" id=\"{id}\">\n<h3><span class=\"id\">{id}</span>{} <span class=\"verdict\">{}</span></h3>\n\
         <p class=\"labels\">{}</p>\n<p class=\"status-line\"><b>Status, in the note's words:</b> {}</p>\n\
         <p class=\"links\"><a href=\"notes/{stem}.html\">note</a> · <a href=\"theorems/{stem}.rs.html\">module</a> · \
         <a href=\"tests/{stem}.rs.html\">test</a> · uses: {} · used by: {}</p>\n",
        verdict.class(),
        escape(e.theorem.name),
        verdict.word(),
        label_chips(shares(e.row)),
        escape(&e.front.status),
        card_links(&e.uses, entries, ""),
        card_links(&used_by(i, entries), entries, ""),
    );
    match e.row {
        None => s.push_str(&format!(
            "<p class=\"not-run-note\">Not run by <code>{}</code>.</p>\n",
            escape(command)
        )),
        Some(row) => {
            s.push_str(
                "<table class=\"checks\">\n<thead><tr><th>verdict</th><th>label</th><th>claim</th><th>predicted</th>\
                 <th>measured</th><th>tolerance</th></tr></thead>\n<tbody>\n",
            );
            for c in &row.checks {
                let verdict = if c.pass { Verdict::Pass } else { Verdict::Fail };
                s.push_str(&format!(
                    "<tr class=\"check\"><td class=\"verdict {}\">{}</td><td><span class=\"label {}\">{}</span></td>\
                     <td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                    verdict.class(),
                    verdict.word(),
                    c.status,
                    c.status,
                    escape(&c.claim),
                    escape(&c.prediction),
                    escape(&c.measured),
                    escape(&c.tolerance),
                ));
            }
            s.push_str("</tbody>\n</table>\n");
        }
    }
    s.push_str("</article>\n");
    s
}

/// A theorem's note page: links to its card, module and test, its front matter, then the note.
fn theorem_note(e: &Entry, entries: &[Entry], resolver: &Resolver) -> String {
    let id = escape(e.theorem.id);
    let stem = e.sources.stem;
    format!(
        "<nav class=\"crumbs\"><a href=\"../index.html#{id}\">{id} in the ledger</a> · \
         <a href=\"../theorems/{stem}.rs.html\">module</a> · <a href=\"../tests/{stem}.rs.html\">test</a> · \
         uses: {}</nav>\n<p class=\"status-line\"><b>Status:</b> {}</p>\n<article class=\"note\">\n{}</article>\n",
        card_links(&e.uses, entries, "../"),
        escape(&e.front.status),
        note::render(e.body, &format!("notes/{stem}.md"), resolver)
    )
}

#[cfg(test)]
#[path = "../../tests/blueprint.rs"]
mod tests;
