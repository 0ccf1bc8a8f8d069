//! The math in doc comments survives rustdoc's Markdown, so that KaTeX (`docs/katex-header.html`)
//! renders what the source says. Markdown runs first and rewrites TeX in three ways, which the doc
//! comments avoid (checked here on every `//!` and `///` line of `src/` and `theorems/`, inside `$…$`
//! and `$$…$$`):
//!
//! * a backslash before ASCII punctuation is an escape, so `\,` `\{` `\}` `\|` `\%` `\;` `\!` `\:` `\>`
//!   and the line break `\\` lose their backslash: they are written doubled (`\\,`, `\\|`, `\\\\`);
//!   `\[` and `\]` stay single (Markdown gives `[`, `]`, which is what TeX needs, and no link forms);
//! * an underscore after a non-alphanumeric character (`}_p`, `\|_F`) can open emphasis and is written
//!   `\_` (after a letter or digit, `W_1`, it cannot);
//! * every `*` can open emphasis and is written `\*`.
//!
//! In table rows (`| … |`) a norm is `\Vert`, since `\\|` would end the cell.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("theorems/ lies in the repository")
        .to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Markdown punctuation that a single backslash escapes away inside math.
const CONSUMED: &[char] = &[',', '{', '}', '%', ';', '!', ':', '>', '|'];

/// The problems of one doc line's body; `math` carries the open `$`/`$$` state across lines.
fn problems(body: &str, math: &mut bool) -> Vec<String> {
    let chars: Vec<char> = body.chars().collect();
    let table = body.trim_start().starts_with('|');
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if !*math && c == '`' {
            match chars[i + 1..].iter().position(|&d| d == '`') {
                Some(j) => i += j + 2,
                None => break,
            }
            continue;
        }
        if c == '\\' && i + 1 < chars.len() {
            let next = chars[i + 1];
            if *math {
                if next == '\\' {
                    // `\\` is an escaped backslash: fine if it is followed by a consumed character or by
                    // another `\\` (a TeX line break written `\\\\`).
                    let after = chars.get(i + 2).copied();
                    let line_break = after == Some('\\') && chars.get(i + 3) == Some(&'\\');
                    if !line_break && !after.is_some_and(|a| CONSUMED.contains(&a)) {
                        found.push(format!(
                            "`\\\\` at column {i}: a TeX line break is `\\\\\\\\`"
                        ));
                    }
                    i += if line_break { 4 } else { 3 };
                    continue;
                }
                if CONSUMED.contains(&next) {
                    let hint = if table && next == '|' {
                        "use \\Vert in a table"
                    } else {
                        "double the backslash"
                    };
                    found.push(format!(
                        "`\\{next}` at column {i}: Markdown eats the backslash ({hint})"
                    ));
                }
            }
            i += 2;
            continue;
        }
        if c == '$' {
            *math = !*math;
            i += if chars.get(i + 1) == Some(&'$') { 2 } else { 1 };
            continue;
        }
        if *math {
            let prev = if i > 0 { chars[i - 1] } else { ' ' };
            if c == '_' && !prev.is_alphanumeric() {
                found.push(format!("`{prev}_` at column {i}: write `\\_`"));
            }
            if c == '*' {
                found.push(format!("`*` at column {i}: write `\\*`"));
            }
        }
        i += 1;
    }
    found
}

#[test]
fn doc_comment_math_survives_markdown() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    rust_files(&root().join("theorems"), &mut files);
    files.sort();
    let mut all = Vec::new();
    let mut formulas = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let mut math = false;
        for (n, line) in text.lines().enumerate() {
            let trimmed = line.trim_start();
            let Some(body) = trimmed
                .strip_prefix("//!")
                .or_else(|| trimmed.strip_prefix("///"))
            else {
                math = false;
                continue;
            };
            formulas += body.matches('$').count();
            for p in problems(body, &mut math) {
                all.push(format!("{}:{}: {p}", file.display(), n + 1));
            }
        }
    }
    assert!(formulas > 1000, "the scan sees the doc comments' math");
    assert!(
        all.is_empty(),
        "{} problems:\n{}",
        all.len(),
        all.join("\n")
    );
}

/// The lint can fail: each rewrite Markdown would make is caught.
#[test]
fn the_doc_math_lint_catches_each_markdown_rewrite() {
    for bad in [
        r"$\|\theta\\|$",
        r"$a\,b$",
        r"$\{x\\}$",
        r"$5\%$",
        r"$\mathbb{Z}_p$",
        r"$x^*$",
        r"$\begin{cases}a\\b\end{cases}$",
    ] {
        assert!(!problems(bad, &mut false).is_empty(), "{bad} passes");
    }
    for good in [
        r"$\\|\theta\\|\_2$",
        r"$W_1x = W_1\[:,a\]$",
        r"$\begin{cases}a\\\\b\end{cases}$",
        r"`x_*` outside math",
    ] {
        assert!(problems(good, &mut false).is_empty(), "{good} fails");
    }
}
