//! `grok collect`: the summaries of one or more sweep directories (every shard of a sweep, on one file
//! system or gathered from many) merged into one CSV table that `pandas.read_csv` reads as it is.
//!
//! One row per run, sorted by run name, so the table of a sharded sweep is the table of the same sweep
//! unsharded. Columns: `run` (the run's directory name), then every field of its `summary.json`
//! flattened with dotted names (`config.optimizer.lr`, `phases.…`, `fourier.ipr`), sorted; lists of
//! numbers as `;`-separated values, absent values empty. The timing fields (`wall_s`, `ms_per_step`,
//! `threads`) are left out unless `--timing`, since they differ between machines and runs.
//!
//! Reported on stderr: runs found twice (the first directory given wins), and, from the shards'
//! manifests, missing shards and runs a manifest lists that have no summary.

use crate::sweep::Manifest;
use anyhow::{bail, Context, Result};
use clap::Args;
use grokking::report::{self, Summary};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct CollectArgs {
    /// Sweep directories: each holds run sub-directories (with summary.json) and the shards' manifests.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// The merged table (CSV), written atomically.
    #[arg(long)]
    pub out: PathBuf,
    /// Also the timing columns (wall_s, ms_per_step, threads).
    #[arg(long)]
    pub timing: bool,
}

/// Fields of a summary that are timing, not results.
const TIMING: [&str; 3] = ["wall_s", "ms_per_step", "threads"];

pub fn collect(a: CollectArgs) -> Result<()> {
    let mut rows: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut duplicates = Vec::new();
    let mut manifests = Vec::new();
    for dir in &a.dirs {
        if !dir.is_dir() {
            bail!("{} is not a directory", dir.display());
        }
        for entry in sorted_entries(dir)? {
            let name = file_name(&entry);
            if entry.is_file() && name.starts_with("sweep_shard_") && name.ends_with(".json") {
                let text = std::fs::read_to_string(&entry)
                    .with_context(|| format!("reading {}", entry.display()))?;
                let manifest: Manifest = serde_json::from_str(&text)
                    .with_context(|| format!("parsing {}", entry.display()))?;
                manifests.push(manifest);
            }
            let summary = entry.join(report::SUMMARY_FILE);
            if entry.is_dir() && summary.exists() {
                let s = Summary::read(&summary)?;
                if rows.contains_key(&name) {
                    duplicates.push(format!("{name} (also in {})", dir.display()));
                    continue;
                }
                rows.insert(name, flatten_summary(&s, a.timing)?);
            }
        }
    }
    if rows.is_empty() {
        bail!(
            "no run summaries (DIR/<run>/summary.json) in {}",
            a.dirs
                .iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let columns: BTreeSet<&String> = rows.values().flat_map(|r| r.keys()).collect();
    let mut table = csv::Writer::from_writer(Vec::new());
    table.write_record(std::iter::once("run").chain(columns.iter().map(|c| c.as_str())))?;
    for (name, row) in &rows {
        let cells = columns
            .iter()
            .map(|c| row.get(*c).map_or("", String::as_str));
        table.write_record(std::iter::once(name.as_str()).chain(cells))?;
    }
    let bytes = table.into_inner().context("writing the table")?;
    if let Some(parent) = a.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("create {}", parent.display()))?;
    }
    report::write_atomic(&a.out, &bytes)?;

    eprintln!(
        "grok collect: {} runs, {} columns, from {} directories into {}",
        rows.len(),
        columns.len() + 1,
        a.dirs.len(),
        a.out.display()
    );
    if !duplicates.is_empty() {
        eprintln!(
            "warning: {} runs found twice (kept the first): {}",
            duplicates.len(),
            duplicates.join(", ")
        );
    }
    for line in missing(&manifests, &rows) {
        eprintln!("warning: {line}");
    }
    Ok(())
}

/// What the manifests promise and the directories lack: shards without a manifest, and runs listed
/// without a summary.
fn missing(
    manifests: &[Manifest],
    rows: &BTreeMap<String, BTreeMap<String, String>>,
) -> Vec<String> {
    let mut lines = Vec::new();
    let counts: BTreeSet<usize> = manifests.iter().map(|m| m.shard_count).collect();
    for n in counts {
        let present: BTreeSet<usize> = manifests
            .iter()
            .filter(|m| m.shard_count == n)
            .map(|m| m.shard_index)
            .collect();
        let absent: Vec<String> = (0..n)
            .filter(|i| !present.contains(i))
            .map(|i| format!("{i}/{n}"))
            .collect();
        if !absent.is_empty() {
            lines.push(format!(
                "{} of {n} shards have no manifest (never started here): {}",
                absent.len(),
                absent.join(", ")
            ));
        }
    }
    let listed: BTreeSet<&String> = manifests.iter().flat_map(|m| &m.runs).collect();
    let lacking: Vec<&&String> = listed.iter().filter(|r| !rows.contains_key(**r)).collect();
    if !lacking.is_empty() {
        let shown: Vec<&str> = lacking.iter().take(10).map(|r| r.as_str()).collect();
        lines.push(format!(
            "{} runs listed by a manifest have no summary (unfinished or failed): {}{}",
            lacking.len(),
            shown.join(", "),
            if lacking.len() > 10 { ", …" } else { "" }
        ));
    }
    lines
}

/// The entries of `dir`, sorted by name.
fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut entries = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()
        .with_context(|| format!("reading {}", dir.display()))?;
    entries.sort();
    Ok(entries)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The cells of one summary: every field, flattened (see the module docs).
fn flatten_summary(s: &Summary, timing: bool) -> Result<BTreeMap<String, String>> {
    let mut cells = BTreeMap::new();
    flatten("", &serde_json::to_value(s)?, &mut cells);
    if !timing {
        cells.retain(|k, _| !TIMING.contains(&k.as_str()));
    }
    Ok(cells)
}

fn flatten(prefix: &str, value: &Value, cells: &mut BTreeMap<String, String>) {
    let key = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| flatten(&key(k), v, cells)),
        Value::Array(items) if items.iter().all(|v| !v.is_object() && !v.is_array()) => {
            let parts: Vec<String> = items.iter().map(scalar).collect();
            cells.insert(prefix.to_string(), parts.join(";"));
        }
        Value::Array(_) => {
            cells.insert(prefix.to_string(), value.to_string());
        }
        v => {
            cells.insert(prefix.to_string(), scalar(v));
        }
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
