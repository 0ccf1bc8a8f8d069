//! A note rendered to HTML (pulldown-cmark, GitHub's dialect: tables, footnotes, `$…$` and `$$…$$`
//! math), its links rewritten for the site: a note to its page, a theorem's module or test to its source
//! page, a figure to its copy; a link to a file the site does not hold keeps its text, marked as
//! outside the site, with the repository path in its tooltip. Headings get GitHub's anchors, so
//! `note.md#a-heading` lands where it does on GitHub.

use super::escape;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use std::collections::{BTreeMap, BTreeSet};

/// Where a repository-relative path lives in the site, if it does: the site's files (notes' pages,
/// source pages, figures), keyed by the repository path they stand for.
pub struct Resolver {
    /// Repository path (`notes/t1_kernel_regime.md`, `theorems/t2_drift.rs`, `notes/figures/a.svg`)
    /// → its path in the site (`notes/t1_kernel_regime.html`, `theorems/t2_drift.rs.html`, …).
    pub pages: BTreeMap<String, String>,
}

/// What a link in a note points to.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A URL to write, relative to the page (or absolute, for the web).
    Url(String),
    /// A repository path the site does not hold.
    Outside(String),
}

impl Resolver {
    /// The target of `url`, written in the repository file `from` (e.g. `notes/t2_drift.md`).
    pub fn resolve(&self, from: &str, url: &str) -> Target {
        if url.starts_with('#') || url.contains("://") || url.starts_with("mailto:") {
            return Target::Url(url.to_string());
        }
        let (path, fragment) = match url.split_once('#') {
            Some((p, f)) => (p, format!("#{f}")),
            None => (url, String::new()),
        };
        let from_dir: Vec<&str> = from.split('/').collect();
        let from_dir = &from_dir[..from_dir.len() - 1];
        let Some(repo_path) = join(from_dir, path) else {
            return Target::Outside(url.to_string());
        };
        match self.pages.get(&repo_path) {
            Some(site_path) => {
                let from_site = self.pages.get(from).map_or(from, String::as_str);
                Target::Url(format!("{}{fragment}", relative(from_site, site_path)))
            }
            None => Target::Outside(repo_path),
        }
    }
}

/// `dir/path` with `.` and `..` resolved; `None` if it climbs out of the repository.
fn join(dir: &[&str], path: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.to_vec();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// The URL of site file `to` from the page `from` (both site paths).
fn relative(from: &str, to: &str) -> String {
    let depth = from.matches('/').count();
    let from_dir: Vec<&str> = from.split('/').take(depth).collect();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut url = "../".repeat(depth - common);
    url.push_str(&to_parts[common..].join("/"));
    url
}

/// GitHub's anchor for a heading: lower case, spaces to `-`, punctuation other than `-` and `_`
/// dropped.
pub fn slug(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The HTML of a note's body, `from` being its repository path (for its links).
pub fn render(body: &str, from: &str, resolver: &Resolver) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_MATH;
    let mut events: Vec<Event> = Parser::new_ext(body, options).collect();
    anchor_headings(&mut events);
    let mut outside = Vec::new();
    let events = events.into_iter().map(|event| match event {
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            match resolver.resolve(from, &dest_url) {
                Target::Url(url) => {
                    outside.push(false);
                    Event::Start(Tag::Link { link_type, dest_url: url.into(), title, id })
                }
                Target::Outside(path) => {
                    outside.push(true);
                    Event::InlineHtml(
                        format!(
                            "<span class=\"outside\" title=\"in the repository (not in this site): {}\">",
                            escape(&path)
                        )
                        .into(),
                    )
                }
            }
        }
        Event::End(TagEnd::Link) if outside.pop() == Some(true) => Event::InlineHtml("</span>".into()),
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            let dest_url = match resolver.resolve(from, &dest_url) {
                Target::Url(url) => url.into(),
                Target::Outside(_) => dest_url,
            };
            Event::Start(Tag::Image { link_type, dest_url, title, id })
        }
        other => other,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// Gives every heading GitHub's anchor (`-1`, `-2`, … for repeats).
fn anchor_headings(events: &mut [Event]) {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { .. }) = events[i] {
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) | Event::InlineMath(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let base = slug(&text);
            let mut anchor = base.clone();
            let mut k = 1;
            while !seen.insert(anchor.clone()) {
                anchor = format!("{base}-{k}");
                k += 1;
            }
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(anchor));
            }
            i = j;
        }
        i += 1;
    }
}
