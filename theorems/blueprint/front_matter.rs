//! The front matter of a note: the lines between its leading `---` and the next `---`, each
//! `key: value`, with `uses: [A, B]` a list of theorem ids.

use grokking::error::{Error, Result};

/// What a theorem's note says about itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrontMatter {
    /// The theorem's id (`T1-kernel`).
    pub id: String,
    /// The ids of the theorems its proof uses.
    pub uses: Vec<String>,
    /// Its status line, in the note's own words.
    pub status: String,
}

/// Splits `note` into its front matter and its body; `name` names the note in errors.
pub fn parse<'a>(name: &str, note: &'a str) -> Result<(FrontMatter, &'a str)> {
    let bad = |what: &str| Error::InvalidConfig(format!("note {name}: {what}"));
    let rest = note
        .strip_prefix("---\n")
        .ok_or_else(|| bad("no front matter (a first line `---`)"))?;
    let (front, body) = rest
        .split_once("\n---\n")
        .ok_or_else(|| bad("front matter not closed by a line `---`"))?;
    let field = |key: &str| -> Result<String> {
        let prefix = format!("{key}:");
        front
            .lines()
            .find_map(|line| line.strip_prefix(&prefix))
            .map(|v| v.trim().to_string())
            .ok_or_else(|| bad(&format!("front matter lacks `{key}:`")))
    };
    let uses = field("uses")?;
    let uses = uses
        .strip_prefix('[')
        .and_then(|u| u.strip_suffix(']'))
        .ok_or_else(|| bad(&format!("`uses: {uses}` is not a list [A, B]")))?;
    Ok((
        FrontMatter {
            id: field("id")?,
            uses: uses
                .split(',')
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(String::from)
                .collect(),
            status: field("status")?,
        },
        body,
    ))
}
