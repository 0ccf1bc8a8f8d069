//! The `grok` binary: outputs, `--json`, determinism across thread counts, sweeps, and errors.

use crate::common::{grok, numbers, SMALL};
use grokking::report::{read_metrics, read_spectra, Summary};
use std::path::Path;
use std::process::Output;

fn train_into(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["train", "--out", dir.to_str().unwrap()];
    args.extend_from_slice(SMALL);
    args.extend_from_slice(extra);
    grok(&args)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn train_writes_metrics_summary_and_plot() {
    let dir = tempfile::tempdir().unwrap();
    let out = train_into(dir.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("t_mem") && text.contains("t_grok"), "{text}");
    let s = Summary::read(&dir.path().join("summary.json")).unwrap();
    assert_eq!((s.n_train, s.n_test, s.steps_run), (370, 159, 300));
    assert_eq!(s.config.seed, 0);
    assert_eq!(s.crate_version, env!("CARGO_PKG_VERSION"));
    assert!(s.t_mem.is_some() && s.ms_per_step.is_some_and(|m| m > 0.0));
    let rows = read_metrics(&dir.path().join("metrics.csv")).unwrap();
    assert_eq!(rows.len(), 31);
    assert_eq!(rows.last().unwrap().test_acc, s.final_test_acc);
    let f = s
        .fourier
        .as_ref()
        .expect("Fourier statistics on a Z_p task");
    assert!(!s.key_frequencies.is_empty() && s.key_frequencies == f.key_frequencies);
    assert_eq!(
        f.neurons_per_key_frequency.iter().sum::<usize>(),
        256,
        "every neuron has a dominant frequency"
    );
    assert!(rows.iter().all(|r| r.fourier_concentration.is_some()));
    assert!(f.diagonal_logit_energy.is_some_and(|d| d > 0.0 && d <= 1.0));
    let svg = std::fs::read_to_string(dir.path().join("curves.svg")).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("test accuracy") && svg.contains("t_mem = "),
        "curves.svg has curves and marks"
    );
    let svg = std::fs::read_to_string(dir.path().join("progress.svg")).unwrap();
    assert!(svg.contains("restricted loss") && svg.contains("excluded loss"));
    let svg = std::fs::read_to_string(dir.path().join("fourier.svg")).unwrap();
    assert!(svg.contains("frequency k"));
    let spectra = read_spectra(&dir.path().join("spectrum.csv")).unwrap();
    assert_eq!(spectra.len(), rows.len());
    assert!(spectra.iter().all(|(_, s)| s.len() == 23 / 2 + 1));
}

/// `grok fourier` reloads the weights and agrees with what the run measured online (in f32).
#[test]
fn fourier_reanalyses_a_finished_run_consistently() {
    let dir = tempfile::tempdir().unwrap();
    assert!(train_into(dir.path(), &[]).status.success());
    let s = Summary::read(&dir.path().join("summary.json")).unwrap();
    let out = grok(&["fourier", "--run", dir.path().to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["phases"],
        serde_json::to_value(s.phases).unwrap(),
        "same phases as the run"
    );
    let f = s.fourier.unwrap();
    assert_eq!(
        report["fourier"]["key_frequencies"],
        serde_json::to_value(&f.key_frequencies).unwrap()
    );
    // The last ablation keeps every key frequency (all 11 here): the online measure of the last step.
    let last = read_metrics(&dir.path().join("metrics.csv"))
        .unwrap()
        .pop()
        .unwrap();
    let all = report["ablations"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(all["frequencies"].as_array().unwrap().len(), 11);
    for (offline, online) in [
        (&all["restricted_loss"], last.restricted_loss.unwrap()),
        (&all["excluded_loss"], last.excluded_loss.unwrap()),
    ] {
        let offline = offline.as_f64().unwrap();
        assert!(
            (offline - online).abs() <= 1e-4 * online.max(1.0),
            "f64 re-analysis {offline} vs online f32 {online}"
        );
    }
}

#[test]
fn sparse_parity_trains_end_to_end_without_fourier_statistics() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "train",
        "--task",
        "parity",
        "--bits",
        "8",
        "--k",
        "2",
        "--train-frac",
        "0.5",
        "--width",
        "64",
    ];
    let out = grok(
        &[
            &args[..],
            &[
                "--steps",
                "50",
                "--eval-every",
                "10",
                "--json",
                "--out",
                dir.path().to_str().unwrap(),
            ],
        ]
        .concat(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let s: Summary = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((s.n_train, s.n_test), (128, 128));
    assert!(s.fourier.is_none() && s.key_frequencies.is_empty());
    assert!(read_metrics(&dir.path().join("metrics.csv"))
        .unwrap()
        .iter()
        .all(|r| r.fourier_concentration.is_none()));
}

#[test]
fn json_flag_prints_exactly_one_json_object() {
    let dir = tempfile::tempdir().unwrap();
    let out = train_into(dir.path(), &["--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    let s: Summary = serde_json::from_str(&text).unwrap();
    assert_eq!(s, Summary::read(&dir.path().join("summary.json")).unwrap());
}

/// AdamW with a tiny epsilon drives the f32 training loss to exactly 0 (softmax collapse): the summary
/// records the step and the command warns; the same run in f64 does neither.
#[test]
fn f32_softmax_collapse_is_recorded_and_warned_about() {
    let collapse = |precision: &[&str]| {
        let dir = tempfile::tempdir().unwrap();
        let mut args = vec!["train", "--out", dir.path().to_str().unwrap()];
        args.extend_from_slice(&[
            "--p",
            "23",
            "--train-frac",
            "0.7",
            "--wd",
            "0.5",
            "--eps",
            "1e-12",
            "--steps",
            "1600",
            "--eval-every",
            "100",
        ]);
        args.extend_from_slice(precision);
        let out = grok(&args);
        assert!(out.status.success(), "{}", stderr(&out));
        let s = Summary::read(&dir.path().join("summary.json")).unwrap();
        (
            s.train_loss_zero_at,
            stderr(&out).contains("softmax collapse"),
        )
    };
    let (step, warned) = collapse(&[]);
    assert!(
        step.is_some_and(|s| s <= 1600) && warned,
        "{step:?} {warned}"
    );
    assert_eq!(collapse(&["--f64"]), (None, false));
}

#[test]
fn same_seed_same_summary_at_one_and_two_threads() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for (dir, threads) in [(a.path(), "1"), (b.path(), "2")] {
        let out = train_into(dir, &["--threads", threads, "--seed", "4"]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert_eq!(numbers(a.path()), numbers(b.path()));
    let metrics = |d: &Path| std::fs::read_to_string(d.join("metrics.csv")).unwrap();
    assert_eq!(metrics(a.path()), metrics(b.path()));
}

#[test]
fn sweep_prints_one_json_line_per_run_of_its_shard() {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec![
        "sweep",
        "--seeds",
        "0..3",
        "--lr",
        "3e-3,1e-2",
        "--shard",
        "1/2",
        "--out",
        dir.path().to_str().unwrap(),
    ];
    args.extend_from_slice(SMALL);
    let out = grok(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<Summary> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // The grid has 2 lr × 3 seeds = 6 runs in the order (lr, seed); shard 1/2 takes indices 1, 3, 5.
    let mut got: Vec<(u64, f64)> = lines
        .iter()
        .map(|s| (s.seed, s.config.optimizer.lr()))
        .collect();
    got.sort_by(|x, y| x.partial_cmp(y).unwrap());
    assert_eq!(got, vec![(0, 1e-2), (1, 3e-3), (2, 1e-2)]);
    let entries: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(
        entries.iter().filter(|p| p.is_dir()).count(),
        3,
        "one directory per run"
    );
    assert!(
        dir.path().join("sweep_shard_1_of_2.json").is_file(),
        "the shard's manifest"
    );
}

/// `grok singular`: the four CSVs hold every recorded step's descending, finite singular values (and the
/// fifth 16 Fourier concentrations in [0, 1] per step), the plot
/// is written, and the printed final operator norm is the CSV's largest final singular value. The
/// gradient files hold gradients, not weights: softmax cross-entropy gives $\mathbf 1^\top\nabla_{W_2}L=0$
/// (the logit gradients of an example sum to zero over classes), so the $p\times N$ gradient of $W_2$ has
/// rank at most $p-1$ and its smallest singular value vanishes, while $W_2$ itself has full rank $p$.
#[test]
fn singular_writes_descending_spectra_and_a_plot() {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["singular", "--out", dir.path().to_str().unwrap()];
    args.extend_from_slice(SMALL);
    let o = grok(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    for layer in [
        "singular_w1.csv",
        "singular_w2.csv",
        "singular_g1.csv",
        "singular_g2.csv",
    ] {
        let rows = read_spectra(&dir.path().join(layer)).unwrap();
        assert_eq!(rows.len(), 31, "{layer}: steps 0, 10, ..., 300");
        assert_eq!(rows.last().unwrap().0, 300);
        for (_, s) in &rows {
            assert!(
                s.windows(2).all(|w| w[0] >= w[1]) && s.iter().all(|v| v.is_finite() && *v >= 0.0)
            );
        }
    }
    let smallest_over_largest = |file: &str| -> Vec<f64> {
        read_spectra(&dir.path().join(file))
            .unwrap()
            .iter()
            .map(|(_, s)| s.last().unwrap() / s[0])
            .collect()
    };
    let fourier = read_spectra(&dir.path().join("singular_g1_fourier.csv")).unwrap();
    assert_eq!(fourier.len(), 31);
    assert!(fourier
        .iter()
        .all(|(_, c)| c.len() == 16 && c.iter().all(|&x| (0.0..=1.0).contains(&x))));
    assert!(smallest_over_largest("singular_g2.csv")
        .iter()
        .all(|&r| r < 1e-10));
    assert!(smallest_over_largest("singular_w2.csv")
        .iter()
        .all(|&r| r > 1e-3));
    let svg = std::fs::read_to_string(dir.path().join("singular.svg")).unwrap();
    assert!(svg.contains("<svg") && svg.contains("singular values of W1"));
    let stdout = String::from_utf8_lossy(&o.stdout);
    let w1 = read_spectra(&dir.path().join("singular_w1.csv")).unwrap();
    let printed = format!("|W1|_op {:.3}", w1.last().unwrap().1[0]);
    assert!(stdout.contains(&printed), "{stdout}");
}

#[test]
fn bad_arguments_fail_with_a_clear_message_and_no_panic() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().to_str().unwrap();
    let missing = format!("{out_dir}/missing");
    let cases: &[(&[&str], &str)] = &[
        (&["train", "--out", out_dir, "--p", "1"], "at least 2"),
        (
            &["train", "--out", out_dir, "--train-frac", "1.5"],
            "(0, 1)",
        ),
        (
            &["train", "--out", out_dir, "--task", "div", "--p", "12"],
            "not prime",
        ),
        (&["train", "--out", out_dir, "--lr", "-1"], "learning rate"),
        (
            &["train", "--out", out_dir, "--task", "pow"],
            "unknown operation",
        ),
        (
            &["train", "--out", out_dir, "--lr", "1e-3,3e-3"],
            "grok sweep",
        ),
        (&["train", "--out", out_dir, "--width", "0"], "width"),
        (&["train", "--out", out_dir, "--wd", "-0.5"], "weight decay"),
        (&["train", "--out", out_dir, "--alpha", "-1"], "alpha"),
        (
            &["train", "--out", out_dir, "--opt", "adam"],
            "unknown optimizer",
        ),
        (&["train", "--out", out_dir, "--exact-polar"], "muon"),
        (
            &["train", "--out", out_dir, "--egd-layers", "both"],
            "--opt egd only",
        ),
        (
            &[
                "train",
                "--out",
                out_dir,
                "--opt",
                "egd",
                "--momentum",
                "0.9",
            ],
            "no momentum",
        ),
        (
            &[
                "train",
                "--out",
                out_dir,
                "--opt",
                "egd",
                "--egd-layers",
                "all",
            ],
            "embedding or both",
        ),
        (
            &["train", "--out", out_dir, "--stop-after-grok", "1"],
            "stop_after_grok",
        ),
        (
            &[
                "train",
                "--out",
                out_dir,
                "--eval-every",
                "10",
                "--fourier-every",
                "15",
            ],
            "fourier_every",
        ),
        (&["train", "--out", out_dir, "--batch", "0"], "batch"),
        (&["train"], "--out"),
        (
            &["singular", "--out", out_dir, "--batch", "32"],
            "full batch",
        ),
        (
            &["singular", "--out", out_dir, "--wd", "0.1,1"],
            "grok sweep",
        ),
        (&["sweep", "--out", out_dir, "--shard", "2/2"], "shard"),
        (
            &["sweep", "--out", out_dir, "--seeds", "5..5"],
            "empty seed range",
        ),
        (&["--threads", "0"], "threads"),
        (&["fourier", "--run", &missing], "summary.json"),
        (&["check", "T99"], "unknown theorem"),
    ];
    for (args, needle) in cases {
        let out = grok(args);
        let err = stderr(&out);
        assert!(!out.status.success(), "{args:?} must fail");
        assert!(
            err.contains(needle),
            "{args:?}: stderr {err:?} should mention {needle:?}"
        );
        assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    }
    let written: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        written.is_empty(),
        "a rejected configuration writes nothing, found {written:?}"
    );
}

/// `grok check` in text mode: one header per theorem, in registry order, with the seconds its checks took
/// (the rows are written as each theorem finishes); the progress bar stays off a non-terminal stderr.
#[test]
fn check_streams_one_block_per_theorem() {
    let out = grok(&["check", "T5-democracy", "T6", "--quick"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    let headers: Vec<&str> = text.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(headers.len(), 2, "{text}");
    assert!(headers[0].starts_with("T5-democracy — ") && headers[1].starts_with("T6-algebra — "));
    assert!(
        headers
            .iter()
            .all(|h| h.contains("[PASS]") && h.ends_with(" s)")),
        "{headers:?}"
    );
    assert!(
        !stderr(&out).contains("theorems; running"),
        "{}",
        stderr(&out)
    );
}

/// `grok check --quick --json`: one JSON object with a row per selected theorem, in registry order, all
/// passing; ids are case-insensitive. Two cheap theorems: the whole quick ledger runs in-process in
/// tests/ledger.rs, and running it a second time here would double the suite's longest test.
#[test]
fn check_prints_the_ledger_as_json() {
    let out = grok(&["check", "t5-DEMOCRACY", "T1-kernel", "--quick", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let ledger: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = ledger["ledger"].as_array().unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let registered: Vec<&str> = grokking_theorems::REGISTRY
        .iter()
        .map(|t| t.id)
        .filter(|id| ["T1-kernel", "T5-democracy"].contains(id))
        .collect();
    assert_eq!(ids, registered, "registry order, whatever the order asked");
    for row in rows {
        assert_eq!(row["pass"], true, "{row}");
        let checks = row["checks"].as_array().unwrap();
        assert!(!checks.is_empty());
        for c in checks {
            for field in ["claim", "status", "prediction", "measured", "pass"] {
                assert!(!c[field].is_null(), "{field} missing in {c}");
            }
        }
    }
}

/// `grok plot`: a figure from its spec, and a bad spec refused with one line, nothing written.
#[test]
fn plot_draws_a_spec_and_refuses_a_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("fig.json");
    let out = dir.path().join("fig.svg");
    let good = r#"{"title": "t_grok against lambda", "panels": [
        {"title": "left", "x": {"label": "lambda", "log": true}, "y": {"label": "t_grok", "log": true},
         "series": [{"label": "runs", "style": "points", "colour": "blue", "points": [[0.25, 9000], [1, 2400]]},
                    {"label": "never", "style": "crosses", "colour": "red", "points": [[4, 40000]]},
                    {"label": "law", "style": "dashed", "colour": "gray", "points": [[0.2, 12000], [4, 600]]}]},
        {"x": {"label": "n"}, "y": {"label": "E"},
         "series": [{"label": "", "style": "line_points", "colour": "orange", "points": [[1, 2], [2, 3]]}]}]}"#;
    std::fs::write(&spec, good).unwrap();
    let o = grok(&[
        "plot",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let svg = std::fs::read_to_string(&out).unwrap();
    for text in [
        "t_grok against lambda",
        "left",
        "lambda",
        "runs",
        "never",
        "law",
    ] {
        assert!(svg.contains(text), "the figure lacks {text:?}");
    }
    let bad = [
        (good.replace("[0.25, 9000]", "[0, 9000]"), "logarithmic"),
        (good.replace("\"blue\"", "\"teal\""), "unknown colour"),
        (
            good.replace(
                "\"points\", \"colour\": \"blue\"",
                "\"dots\", \"colour\": \"blue\"",
            ),
            "dots",
        ),
        (r#"{"title": "x", "panels": []}"#.to_string(), "no panels"),
        (
            good.replace("\"title\": \"left\"", "\"titel\": \"left\""),
            "titel",
        ),
        (good.replace("[[1, 2], [2, 3]]", "[]"), "no points"),
    ];
    for (k, (text, why)) in bad.iter().enumerate() {
        let out = dir.path().join(format!("bad{k}.svg"));
        std::fs::write(&spec, text).unwrap();
        let o = grok(&[
            "plot",
            spec.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "case {k}: {err}");
        assert!(
            err.starts_with("error: ") && err.contains(why),
            "case {k}: {err}"
        );
        assert!(!out.exists(), "case {k} wrote a figure");
    }
}

/// `grok phase`: a 2 × 2 grid trained shard by shard draws nothing until every run is there, then writes
/// the CSV (one row per run) and the SVG; `--json` prints one object; bad axes and thresholds are errors
/// before anything is written.
#[test]
fn phase_draws_the_diagram_once_every_shard_is_done_and_rejects_bad_grids() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("phase");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "phase",
            "--x",
            "lr",
            "--y",
            "wd",
            "--lr",
            "3e-3,1e-2",
            "--wd",
            "0.5,1",
            "--out",
            out_dir.to_str().unwrap(),
        ];
        args.extend_from_slice(SMALL);
        args.extend_from_slice(extra);
        grok(&args)
    };
    let first = run(&["--shard", "0/2"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stderr(&first).contains("not in"), "{}", stderr(&first));
    assert!(
        !out_dir.join("phase_diagram.csv").exists(),
        "half a grid draws nothing"
    );
    let second = run(&["--shard", "1/2", "--json"]);
    assert!(second.status.success(), "{}", stderr(&second));
    let text = String::from_utf8(second.stdout).unwrap();
    let json: serde_json::Value = serde_json::from_str(text.trim()).expect("one JSON object");
    assert_eq!(json["diagram"]["cells"].as_array().unwrap().len(), 4);
    let csv = std::fs::read_to_string(out_dir.join("phase_diagram.csv")).unwrap();
    assert!(
        csv.starts_with("lr,wd,seed,regime,t_fit,t_gen,ratio\n"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 5);
    let svg = std::fs::read_to_string(out_dir.join("phase_diagram.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("t_gen / t_fit"));

    let bad = dir.path().join("bad");
    // The pieces of the grid of the run above; each case changes one of them or adds a flag.
    let (axes, lr, wd): (&[&str], &[&str], &[&str]) = (
        &["--x", "lr", "--y", "wd"],
        &["--lr", "3e-3,1e-2"],
        &["--wd", "0.5,1"],
    );
    for (args, message) in [
        ([axes, &["--lr", "3e-3"], wd].concat(), "at least two"),
        ([axes, lr, &["--wd", "0,1"]].concat(), "positive"),
        ([&["--x", "lr", "--y", "lr"], lr].concat(), "same"),
        ([axes, lr, wd, &["--threshold", "1.5"]].concat(), "(0, 1)"),
        (
            [axes, lr, wd, &["--alpha", "1,2"]].concat(),
            "--alpha has 2 values",
        ),
    ] {
        let mut all = vec!["phase", "--out", bad.to_str().unwrap()];
        all.extend_from_slice(SMALL);
        all.extend_from_slice(&args);
        let out = grok(&all);
        assert!(!out.status.success(), "{args:?} must fail");
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
        assert!(!bad.exists(), "{args:?}: nothing written");
    }
}
