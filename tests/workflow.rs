//! The research workflow through the `grok` binary: checkpoints and `--resume`, a sweep killed with
//! SIGKILL and resumed, `grok collect` over shards, and bad inputs that leave nothing behind.

use crate::common::{grok, numbers, SMALL};
use grokking::report::Summary;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn same_files(a: &Path, b: &Path, files: &[&str]) {
    for f in files {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
    assert_eq!(numbers(a), numbers(b));
}

/// Every file of a run, the checkpoints included.
const RUN_FILES: &[&str] = &[
    "metrics.csv",
    "weights.safetensors",
    "spectrum.csv",
    "curves.svg",
    "progress.svg",
    "fourier.svg",
    "checkpoints/step_300.safetensors",
];

#[test]
fn a_run_resumed_from_a_checkpoint_is_bit_identical() {
    for extra in [&[][..], &["--opt", "muon", "--batch", "64"][..]] {
        let tmp = tempfile::tempdir().unwrap();
        let (whole, cut) = (tmp.path().join("whole"), tmp.path().join("cut"));
        let mut args = vec!["train", "--out", path(&whole), "--save-every", "100"];
        args.extend_from_slice(SMALL);
        args.extend_from_slice(extra);
        ok(grok(&args));
        // The interrupted run: only its first checkpoint survived.
        std::fs::create_dir_all(cut.join("checkpoints")).unwrap();
        std::fs::copy(
            whole.join("checkpoints/step_100.safetensors"),
            cut.join("checkpoints/step_100.safetensors"),
        )
        .unwrap();
        let out = ok(grok(&["train", "--resume", path(&cut)]));
        assert!(String::from_utf8_lossy(&out.stdout).contains("from step 100"));
        same_files(&whole, &cut, RUN_FILES);
    }
}

#[test]
fn resume_refuses_flags_and_fourier_reads_any_checkpoint() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    let mut args = vec!["train", "--out", path(&run), "--save-at", "50,200"];
    args.extend_from_slice(SMALL);
    ok(grok(&args));
    let o = grok(&["train", "--resume", path(&run), "--lr", "0.1"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("drop --lr"));

    let report = |step: Option<&str>| -> serde_json::Value {
        let mut args = vec!["fourier", "--run", path(&run), "--json"];
        if let Some(s) = step {
            args.extend(["--step", s]);
        }
        serde_json::from_slice(&ok(grok(&args)).stdout).unwrap()
    };
    let (early, last) = (report(Some("50")), report(None));
    assert_eq!(early["step"], 50);
    assert_eq!(last["step"], 300);
    assert_ne!(early["fourier"], last["fourier"], "other weights");
    let o = grok(&["fourier", "--run", path(&run), "--step", "51"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && err.contains("checkpoints at: 50, 200"),
        "{err}"
    );
}

fn sweep_args<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "sweep",
        "--seeds",
        "0..3",
        "--lr",
        "3e-3,1e-2",
        "--out",
        out,
        "--jobs",
        "1",
        "--threads",
        "1",
    ];
    args.extend_from_slice(SMALL);
    args.extend_from_slice(extra);
    args
}

fn summaries(stdout: &[u8]) -> Vec<Summary> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn run_dirs(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut dirs: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn complete_runs(dir: &Path) -> usize {
    run_dirs(dir)
        .iter()
        .filter(|d| d.join("summary.json").exists())
        .count()
}

#[test]
fn a_sweep_killed_with_sigkill_resumes_to_the_uninterrupted_result() {
    let tmp = tempfile::tempdir().unwrap();
    let (whole, killed) = (tmp.path().join("whole"), tmp.path().join("killed"));
    let save = ["--save-every", "50"];
    ok(grok(&sweep_args(path(&whole), &save)));

    // Kill the second sweep once its first run is complete and the second is under way.
    let mut child = Command::new(env!("CARGO_BIN_EXE_grok"))
        .args(sweep_args(path(&killed), &save))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        let complete = killed.is_dir() && complete_runs(&killed) >= 1;
        if complete || started.elapsed() > Duration::from_secs(120) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed before the end");
    let before = complete_runs(&killed);
    assert!(
        (1..6).contains(&before),
        "{before} runs complete at the kill"
    );

    let resumed = ok(grok(&sweep_args(path(&killed), &save)));
    let log = String::from_utf8_lossy(&resumed.stderr);
    assert!(
        log.contains(&format!("{before} complete (skipped)")),
        "{log}"
    );
    let mut lines = summaries(&resumed.stdout);
    assert_eq!(lines.len(), 6, "every run printed once");
    lines.dedup_by(|a, b| a.config == b.config);
    assert_eq!(lines.len(), 6);
    let (a, b) = (run_dirs(&whole), run_dirs(&killed));
    assert_eq!(
        a.iter().map(|d| d.file_name()).collect::<Vec<_>>(),
        b.iter().map(|d| d.file_name()).collect::<Vec<_>>(),
        "the same runs, each once"
    );
    for (x, y) in a.iter().zip(&b) {
        same_files(x, y, RUN_FILES);
        assert!(!y.join("metrics.csv.partial").exists());
    }
}

#[test]
fn collect_gives_the_same_table_for_a_sharded_sweep_and_reports_what_is_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let (one, shards) = (tmp.path().join("one"), tmp.path().join("shards"));
    ok(grok(&sweep_args(path(&one), &[])));
    for shard in ["0/3", "1/3", "2/3"] {
        ok(grok(&sweep_args(path(&shards), &["--shard", shard])));
    }
    let table = |dirs: &[&Path], name: &str| -> (String, String) {
        let out = tmp.path().join(name);
        let mut args = vec!["collect", "--out", path(&out)];
        args.extend(dirs.iter().map(|d| path(d)));
        let o = ok(grok(&args));
        (
            std::fs::read_to_string(out).unwrap(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (a, log) = table(&[&one], "a.csv");
    let (b, _) = table(&[&shards], "b.csv");
    assert_eq!(a, b, "sharded and unsharded tables agree");
    assert!(!log.contains("warning"), "{log}");
    let rows: Vec<&str> = a.lines().collect();
    assert_eq!(rows.len(), 7, "a header and one row per run");
    let header: Vec<&str> = rows[0].split(',').collect();
    for column in [
        "run",
        "config.optimizer.lr",
        "config.seed",
        "t_mem",
        "final_test_acc",
    ] {
        assert!(header.contains(&column), "column {column}");
    }
    assert!(!header.contains(&"wall_s"), "no timing without --timing");

    // A lost shard and a lost run are reported.
    std::fs::remove_file(shards.join("sweep_shard_2_of_3.json")).unwrap();
    let lost = run_dirs(&shards)[0].clone();
    std::fs::remove_dir_all(&lost).unwrap();
    let (_, log) = table(&[&shards], "c.csv");
    assert!(log.contains("2/3"), "{log}");
    let (_, log) = table(&[&one, &shards], "d.csv");
    assert!(log.contains("found twice"), "{log}");
}

#[test]
fn impossible_or_empty_outputs_fail_cleanly_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let cases: &[(&[&str], &str)] = &[
        (&["--width", "4294967296"], "memory"),
        (&["--width", "18446744073709551615", "--f64"], "memory"),
    ];
    for (extra, needle) in cases {
        for command in ["train", "singular"] {
            let mut args = vec![command, "--out", path(&out)];
            args.extend_from_slice(extra);
            let o = Command::new(env!("CARGO_BIN_EXE_grok"))
                .args(&args)
                .env("RUST_BACKTRACE", "1")
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
            assert!(err.contains(needle) && err.starts_with("error: "), "{err}");
            assert!(
                !err.contains("backtrace") && err.lines().count() == 1,
                "{err}"
            );
            assert!(!out.exists(), "{args:?} wrote {}", out.display());
        }
    }
    let o = grok(&["singular", "--out", path(&out), "--p", "11", "--steps", "0"]);
    assert!(!o.status.success() && !out.exists());
    let o = grok(&["sweep", "--out", path(&out), "--seeds", "0..20000"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && err.contains("--yes") && !out.exists(),
        "{err}"
    );
    let o = grok(&["sweep", "--out", path(&out), "--p", "11,11"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && err.contains("twice") && !out.exists(),
        "{err}"
    );
}

/// Runs of earlier versions saved `weights.json`; `grok fourier` still reads it, with the numbers of the
/// same weights read from `weights.safetensors`.
#[test]
fn fourier_still_reads_the_legacy_weights_json() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    let mut args = vec!["train", "--out", path(&run)];
    args.extend_from_slice(SMALL);
    ok(grok(&args));
    let report = || -> serde_json::Value {
        serde_json::from_slice(&ok(grok(&["fourier", "--run", path(&run), "--json"])).stdout)
            .unwrap()
    };
    let current = report();
    let weights = grokking::report::checkpoint::read_final_weights(&run).unwrap();
    std::fs::write(
        run.join("weights.json"),
        serde_json::to_string(&weights).unwrap(),
    )
    .unwrap();
    std::fs::remove_file(run.join("weights.safetensors")).unwrap();
    assert_eq!(report(), current);
}
