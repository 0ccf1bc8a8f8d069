//! A fuzz test of the `grok` command line: random commands with random flags and values — valid small
//! ones, and bad ones (overflow, NaN, infinities, negatives, empty lists, unknown names, huge sizes and
//! grids, missing files). For every case: no panic (exit status 101), no abort or other signal, a
//! non-zero exit comes with an `error:` message and no backtrace (even under `RUST_BACKTRACE=1`), and
//! a failed command leaves nothing in its working directory (a diverged run's `metrics.csv` apart).
//!
//! The suite runs [`QUICK_CASES`] cases; `GROK_FUZZ_CASES=1000 cargo test --release cli_fuzz` runs the
//! full mode (`GROK_FUZZ_SEED` picks another sequence).

use grokking::rng;
use rand::seq::IndexedRandom;
use rand::Rng;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Cases in the suite.
const QUICK_CASES: u64 = 40;
/// Longest a case may take: every valid case is small.
const CASE_TIMEOUT: Duration = Duration::from_secs(120);

/// Flags of the training commands and the values drawn for them (`None`: a switch).
const TRAIN_FLAGS: &[(&str, &[&str])] = &[
    (
        "--task",
        &["add", "div", "mul", "parity", "pow", "", "add,sub"],
    ),
    (
        "--p",
        &[
            "11",
            "13",
            "2",
            "0",
            "1",
            "12",
            "4097",
            "4294967296",
            "-3",
            "nan",
            "",
            "11,13",
        ],
    ),
    (
        "--width",
        &[
            "8",
            "16",
            "0",
            "4294967296",
            "18446744073709551615",
            "18446744073709551616",
            "-1",
            "1e3",
            "",
        ],
    ),
    (
        "--train-frac",
        &["0.5", "0.3,0.6", "0", "1", "1.5", "nan", "-0.2", "inf", ""],
    ),
    (
        "--lr",
        &["1e-2", "0", "-1", "nan", "inf", "1e308", "3e-3,1e-2", ""],
    ),
    ("--wd", &["0", "1", "-1", "nan", "inf", "1e300"]),
    ("--alpha", &["1", "0", "-1", "nan", "1e300", "0.5,2"]),
    ("--kappa", &["1", "0", "nan", "-2", "inf"]),
    ("--eps", &["1e-8", "0", "-1", "nan"]),
    ("--beta1", &["0.9", "1", "-0.1", "nan"]),
    ("--beta2", &["0.98", "1", "2"]),
    ("--momentum", &["0.9", "1", "nan", "-0.5"]),
    ("--ns-steps", &["5", "0", "1000", "-1"]),
    ("--batch", &["8", "0", "100000", "-1"]),
    ("--eval-every", &["10", "0", "1", "18446744073709551615"]),
    ("--bits", &["4", "0", "21", "64"]),
    ("--k", &["2", "0", "5", "99"]),
    ("--act", &["relu", "quad", "gelu", "tanh"]),
    ("--loss", &["ce", "mse", "stablemax", "l1"]),
    ("--opt", &["adamw", "sgd", "muon", "egd", "adam"]),
    ("--seed", &["0", "18446744073709551615", "-1", "x"]),
    ("--exact-polar", &[]),
    ("--nesterov", &[]),
    ("--f64", &[]),
    ("--stop-at-grok", &[]),
    ("--stop-after-grok", &["1.5", "1", "0.5", "NaN", "inf", "x"]),
    ("--fourier-every", &["50", "10", "15", "0", "x"]),
    ("--egd-layers", &["embedding", "both", "x"]),
    ("--perp-grad", &[]),
];
/// Steps: small valid counts, and bad values (a huge valid count would only be slow).
const STEPS: &[&str] = &["0", "1", "5", "20", "-1", "18446744073709551616", "abc", ""];
const SAVE_FLAGS: &[(&str, &[&str])] = &[
    ("--save-every", &["1", "0", "5", "-1"]),
    ("--save-at", &["0", "3,7", "", "x", "2,2"]),
];
const SWEEP_FLAGS: &[(&str, &[&str])] = &[
    (
        "--seeds",
        &[
            "0",
            "0..3",
            "5..5",
            "0..18446744073709551615",
            "0..20000",
            "x",
            "",
        ],
    ),
    ("--shard", &["0/1", "1/2", "2/2", "0/0", "x"]),
    ("--jobs", &["1", "0", "2"]),
];

/// One random command line, run in `dir` (outputs under `dir/out`).
fn case(rng: &mut impl Rng) -> Vec<String> {
    let pick =
        |rng: &mut dyn rand::RngCore, values: &[&str]| values.choose(rng).unwrap().to_string();
    let mut args: Vec<String> = Vec::new();
    if rng.random_bool(0.2) {
        args.extend(["--threads".into(), pick(rng, &["1", "2", "0", "x"])]);
    }
    let command = pick(
        rng,
        &[
            "train",
            "train",
            "train",
            "sweep",
            "sweep",
            "singular",
            "fourier",
            "collect",
            "check",
            "reproduce",
            "bogus",
        ],
    );
    args.push(command.clone());
    let flags = |rng: &mut dyn rand::RngCore,
                 table: &[(&str, &[&str])],
                 n: usize,
                 args: &mut Vec<String>| {
        for _ in 0..n {
            let (flag, values) = table.choose(rng).unwrap();
            args.push(flag.to_string());
            if !values.is_empty() {
                args.push(values.choose(rng).unwrap().to_string());
            }
        }
    };
    match command.as_str() {
        "train" | "sweep" | "singular" | "reproduce" => {
            if command != "reproduce" {
                let n = rng.random_range(0..6);
                flags(rng, TRAIN_FLAGS, n, &mut args);
            }
            if command == "train" || command == "sweep" {
                let n = rng.random_range(0..2);
                flags(rng, SAVE_FLAGS, n, &mut args);
            }
            if command == "sweep" {
                let n = rng.random_range(0..3);
                flags(rng, SWEEP_FLAGS, n, &mut args);
            }
            if command == "train" && rng.random_bool(0.1) {
                args.extend(["--resume".into(), pick(rng, &["out", "", "missing"])]);
            } else if rng.random_bool(0.95) {
                args.extend(["--out".into(), "out".into()]);
            }
            if rng.random_bool(0.95) {
                args.extend(["--steps".into(), pick(rng, STEPS)]);
            } else if command != "reproduce" {
                // Without --steps a valid run trains 10,000 steps: keep it small otherwise.
                args.extend([
                    "--p".into(),
                    "5".into(),
                    "--width".into(),
                    "4".into(),
                    "--steps".into(),
                    "50".into(),
                ]);
            } else {
                args.extend(["--steps".into(), "3".into()]);
            }
            if command != "reproduce" && !args.iter().any(|a| a == "--p") {
                args.extend(["--p".into(), "11".into()]);
            }
        }
        "fourier" => {
            args.extend(["--run".into(), pick(rng, &["missing", "", "out"])]);
            if rng.random_bool(0.5) {
                args.extend(["--step".into(), pick(rng, &["0", "7", "-1", "x"])]);
            }
        }
        "collect" => {
            if rng.random_bool(0.8) {
                args.push(pick(rng, &["missing", ".", ""]));
            }
            if rng.random_bool(0.8) {
                args.extend(["--out".into(), pick(rng, &["out/t.csv", ""])]);
            }
        }
        "check" => {
            args.push(pick(rng, &["T99", "X", "T1-nope"]));
            args.push("--quick".into());
        }
        _ => args.push(pick(rng, &["--help-me", "x"])),
    }
    args
}

/// Every file under `dir`, relative.
fn files(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p.clone());
            }
            found.push(p.strip_prefix(dir).unwrap().display().to_string());
        }
    }
    found.sort();
    found
}

fn cases() -> u64 {
    std::env::var("GROK_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(QUICK_CASES)
}

#[test]
fn random_command_lines_never_panic_and_leave_nothing_on_error() {
    let seed: u64 = std::env::var("GROK_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let (mut failed, mut succeeded) = (0, 0);
    for i in 0..cases() {
        let mut rng = rng::indexed(seed, i);
        let args = case(&mut rng);
        let tmp = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_grok"))
            .args(&args)
            .current_dir(tmp.path())
            .env("RUST_BACKTRACE", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > CASE_TIMEOUT {
                child.kill().unwrap();
                panic!("case {i} {args:?} ran past {CASE_TIMEOUT:?}");
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        let code = status.code();
        assert!(
            code.is_some(),
            "case {i} {args:?} died by a signal: {stderr}"
        );
        assert_ne!(code, Some(101), "case {i} {args:?} panicked: {stderr}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("stack backtrace"),
            "case {i} {args:?}: {stderr}"
        );
        if status.success() {
            succeeded += 1;
            continue;
        }
        failed += 1;
        assert!(
            !stderr.trim().is_empty(),
            "case {i} {args:?} failed silently"
        );
        let left = files(tmp.path());
        if stderr.contains("training diverged") || stderr.contains("runs failed") {
            // A diverged run keeps its valid metrics.csv, a sweep whose runs failed its manifest and
            // complete runs: nothing half-written.
            assert!(
                !left
                    .iter()
                    .any(|f| f.ends_with(".partial") || f.ends_with(".tmp")),
                "case {i} {args:?} diverged and left {left:?}"
            );
        } else {
            assert!(
                left.is_empty(),
                "case {i} {args:?} failed ({stderr}) and left {left:?}"
            );
        }
    }
    eprintln!(
        "cli fuzz: {} cases, {succeeded} succeeded, {failed} failed cleanly",
        cases()
    );
}
