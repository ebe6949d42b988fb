//! End-to-end: real C kernels (the protocol's reference implementation, compiled by the
//! tests with `cc` under compile-time switches) through the whole harness: build, gate,
//! ABBA timing, verdicts, calibration, JSONL, boundary.

use std::path::{Path, PathBuf};
use std::time::Instant;

use perfpilot_kernel::report::Phase;
use perfpilot_kernel::session::TimingOverrides;
use perfpilot_kernel::{
    AbOptions, CalibrateOptions, CheckOptions, InitOptions, init_task, results_report, run_ab,
    run_calibrate, run_check,
};
use perfpilot_report::{NoProgress, Report};
use perfpilot_stats::Verdict;

fn kernel_c() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/kernel-protocol/kernel.c")
}

/// A two-command task: baseline = plain kernel, candidate = kernel.c with `flags`.
fn two_command_task(flags: &str, extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = kernel_c();
    let task = format!(
        r#"protocol = "perfpilot.kernel.protocol/1"
name = "test {flags}"
[baseline]
command = "./baseline"
build = ["cc -O2 -o baseline '{src}' -lm"]
[candidate]
command = "./candidate"
build = ["cc -O2 {flags} -o candidate '{src}' -lm"]
[[shapes]]
id = "n16k"
dims = {{ n = 16384 }}
dtype = "fp32"
seeds = [1, 2]
{extra}"#,
        src = src.display()
    );
    std::fs::write(dir.path().join("task.toml"), task).unwrap();
    dir
}

fn ab(dir: &Path) -> perfpilot_kernel::AbReport {
    run_ab(&AbOptions { dir: dir.to_path_buf(), ..AbOptions::default() }, &NoProgress).unwrap()
}

#[test]
fn extra_pass_is_slower_and_fails_the_check() {
    let d = two_command_task("-DEXTRA_PASS", "");
    let r = ab(d.path());
    assert!(r.gate_passed, "{:?}", r.gate);
    let c = r.shapes[0].comparison.as_ref().unwrap();
    assert_eq!(c.verdict, Verdict::Slower, "{c:?}");
    assert!(c.ratio > 1.4 && c.ratio < 3.0, "≈2x by construction: {c:?}");
    assert_eq!((c.runs, c.samples), ([7, 7], [1400, 1400]), "defaults 10/200/7");
    assert!(r.check_failed() && !r.outcome.passed);
    assert_eq!(r.outcome.verdict, Some(Verdict::Slower));
    // The JSONL record holds every run and ends with the report.
    let back = results_report(Path::new(&r.results_jsonl)).unwrap();
    assert_eq!(back, r);
    let text = std::fs::read_to_string(&r.results_jsonl).unwrap();
    assert_eq!(text.lines().filter(|l| l.contains("\"type\":\"run\"")).count(), 14);
}

#[test]
fn five_percent_more_work_is_not_faster() {
    let d = two_command_task("-DMORE_WORK=5", "");
    let r = ab(d.path());
    let c = r.shapes[0].comparison.as_ref().unwrap();
    // On the loaded 2-core machine the 5% effect is SLOWER in only part of the runs (see
    // docs/performance.md for the measured rates) and NOISY otherwise; never FASTER or
    // SAME. The interval must reach above 1 (the effect's side).
    assert!(matches!(c.verdict, Verdict::Slower | Verdict::Noisy), "{c:?}");
    assert!(c.ci_high > 1.0, "{c:?}");
}

fn gate_failure(flags: &str, expect: &str) {
    let d = two_command_task(flags, "");
    let r = ab(d.path());
    assert!(!r.gate_passed, "{flags}: {:?}", r.gate);
    assert!(r.shapes.is_empty(), "{flags}: a candidate that fails the gate is never timed");
    assert!(r.check_failed());
    let bad = r.gate.iter().find(|g| !g.passed).unwrap();
    assert!(bad.reason.contains(expect), "{flags}: {}", bad.reason);
    let text = std::fs::read_to_string(&r.results_jsonl).unwrap();
    assert!(!text.contains("\"type\":\"run\""), "{flags}: no timed run recorded");
}

#[test]
fn wrong_last_element_fails_the_gate() {
    gate_failure("-DWRONG_LAST", "at flat index 16383");
}

#[test]
fn nan_never_passes() {
    gate_failure("-DWRITE_NAN", "are NaN/Inf (first at flat index 8192)");
}

#[test]
fn unwritten_output_is_caught_by_the_poison() {
    gate_failure("-DWRITE_NOTHING", "16384 of 16384 elements still hold the poison value");
}

#[test]
fn a_crash_is_a_failure_row() {
    let d = two_command_task("-DCRASH", "");
    let r = ab(d.path());
    assert!(!r.gate_passed && r.check_failed());
    let f = &r.failures[0];
    assert_eq!((f.phase, f.side.as_str()), (Phase::Gate, "candidate"));
    assert!(f.reason.contains("killed by signal 11 (SIGSEGV)"), "{}", f.reason);
}

#[test]
fn a_hang_is_a_timeout_row_and_the_test_finishes_fast() {
    let d = two_command_task("-DHANG", "[timing]\ntimeout_s = 1.0\n");
    let t = Instant::now();
    let r = ab(d.path());
    assert!(t.elapsed().as_secs_f64() < 15.0, "{:?}", t.elapsed());
    assert!(r.check_failed());
    assert!(r.failures[0].reason.contains("timed out after 1 s"), "{:?}", r.failures);
}

#[test]
fn a_a_calibration_is_not_a_difference_and_is_used_by_ab() {
    // max_noise 0.9: this test is about the mechanics, not about how quiet the machine is.
    let d = two_command_task("", "[timing]\nmax_noise = 0.9\n");
    let cal = run_calibrate(
        &CalibrateOptions { dir: d.path().to_path_buf(), ..Default::default() },
        &NoProgress,
    )
    .unwrap();
    assert!(cal.failures.is_empty(), "{:?}", cal.failures);
    let v = cal.shapes[0].verdict;
    assert!(matches!(v, Verdict::Same | Verdict::Noisy), "A/A said {v}: {cal:?}");
    assert!(d.path().join("calibration.json").exists());
    // An identical candidate: correct, not slower, exit 0; the calibration is used.
    let r = ab(d.path());
    assert_eq!(r.calibration.state, "used");
    let s = &r.shapes[0];
    assert_eq!(s.calibrated_noise, Some(cal.shapes[0].noise));
    assert!(s.threshold >= 0.02 && s.threshold >= cal.shapes[0].noise);
    assert!(!matches!(s.comparison.as_ref().unwrap().verdict, Verdict::Slower | Verdict::Faster));
    assert!(!r.check_failed(), "{:?}", r.outcome);
    // Other timing → the calibration is stale and ignored, with a warning.
    let quick = AbOptions {
        dir: d.path().to_path_buf(),
        overrides: TimingOverrides { iterations: Some(20), ..Default::default() },
        ..Default::default()
    };
    let r = run_ab(&quick, &NoProgress).unwrap();
    assert_eq!(r.calibration.state, "stale");
    assert_eq!(r.warnings[0].code, "stale-calibration");
}

#[test]
fn a_calibration_noisier_than_max_noise_is_not_stored() {
    let d = two_command_task("", "[timing]\nmax_noise = 0.0\ntrials = 3\niterations = 20\n");
    let opts = CalibrateOptions { dir: d.path().to_path_buf(), ..Default::default() };
    let cal = run_calibrate(&opts, &NoProgress).unwrap();
    assert!(cal.check_failed());
    assert!(cal.not_stored.contains("above max_noise 0%"), "{}", cal.not_stored);
    assert!(!d.path().join("calibration.json").exists());
    assert_eq!(ab(d.path()).calibration.state, "missing");
}

#[test]
fn variant_mode_alternates_in_one_process() {
    let dir = tempfile::tempdir().unwrap();
    let task = format!(
        r#"protocol = "perfpilot.kernel.protocol/1"
name = "variant"
[variant]
command = "PERFPILOT_VARIANT={{variant}} ./kernel"
build = ["cc -O2 -DEXTRA_PASS -o kernel '{}' -lm"]
[[shapes]]
id = "a"
dims = {{ n = 8192 }}
dtype = "fp32"
[[shapes]]
id = "b"
dims = {{ n = 32768 }}
weight = 3
dtype = "fp32"
"#,
        kernel_c().display()
    );
    std::fs::write(dir.path().join("task.toml"), task).unwrap();
    let r = ab(dir.path());
    assert!(r.gate_passed, "{:?} {:?}", r.gate, r.failures);
    for s in &r.shapes {
        let c = s.comparison.as_ref().unwrap();
        assert_eq!(c.verdict, Verdict::Slower, "{}: {c:?}", s.id);
        assert_eq!(c.runs, [7, 7]);
    }
    let g = r.geomean_ratio.unwrap();
    assert!(g > 1.5, "{g}");
}

#[test]
fn python_reference_gates_the_c_candidate() {
    if std::process::Command::new("python3").arg("--version").output().is_err() {
        eprintln!("skipped: python3 is not installed");
        return;
    }
    let py = kernel_c().with_file_name("kernel.py");
    let extra = format!(
        "[reference]\ncommand = \"python3 '{}'\"\n[timing]\ntrials = 3\niterations = 30\n",
        py.display()
    );
    let d = two_command_task("", &extra);
    let r = ab(d.path());
    assert!(r.gate_passed, "{:?} {:?}", r.gate, r.failures);
    assert!(r.gate.iter().all(|g| g.against == "reference"));
    let d = two_command_task("-DWRONG_LAST", &extra);
    assert!(!ab(d.path()).gate_passed);
}

#[test]
fn init_check_and_boundary() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("task");
    let rep = init_task(&InitOptions { dir: dir.clone(), force: false }).unwrap();
    assert_eq!(rep.files.len(), 4);
    assert!(init_task(&InitOptions { dir: dir.clone(), force: false }).is_err(), "no overwrite");
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .arg("-C")
            .arg(&dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@t"])
            .args(args)
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "base"]);
    let check = || run_check(&CheckOptions { dir: dir.clone(), ..Default::default() }).unwrap();
    assert!(check().passed);
    std::fs::write(dir.join("candidate.c"), "/* edited */\n").unwrap();
    let c = check();
    assert!(c.passed && c.boundary.changed.len() == 1, "{:?}", c.boundary);
    std::fs::write(dir.join("baseline.c"), "/* edited */\n").unwrap();
    std::fs::write(dir.join("new.h"), "\n").unwrap();
    let c = check();
    assert!(!c.passed && c.check_failed());
    assert_eq!(c.boundary.violations, 2, "{:?}", c.boundary);
    // A bad task names file, line and key.
    std::fs::write(dir.join("task.toml"), "protocol = \"perfpilot.kernel.protocol/1\"\nname = 3\n")
        .unwrap();
    let e = run_check(&CheckOptions { dir: dir.clone(), ..Default::default() }).unwrap_err();
    assert!(e.to_string().contains("task.toml:2:"), "{e}");
}

#[test]
fn the_init_example_runs_end_to_end() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("t");
    init_task(&InitOptions { dir: dir.clone(), force: false }).unwrap();
    let quick = TimingOverrides { warmups: Some(3), iterations: Some(50), trials: Some(3) };
    let r = run_ab(
        &AbOptions { dir: dir.clone(), overrides: quick, ..Default::default() },
        &NoProgress,
    )
    .unwrap();
    assert!(r.gate_passed && r.failures.is_empty(), "{:?} {:?}", r.gate, r.failures);
    assert_eq!(r.gate.len(), 3);
    assert_eq!(r.shapes.len(), 2);
    assert!(r.geomean_ratio.is_some());
}

/// `kernel ab` checks build-flag parity first: a candidate built with `-ffast-math`
/// (the baseline without) fails before anything is built, naming the flag; a define on
/// one side is only reported and the run goes on.
#[test]
fn ab_refuses_a_one_sided_numerics_flag_before_building() {
    let d = two_command_task("-ffast-math", "");
    let r = ab(d.path());
    let f = r.flags.as_ref().expect("both sides compile: checked");
    assert_eq!((f.errors, f.findings[0].key.as_str()), (1, "fast-math"));
    assert!(r.builds.is_empty() && r.gate.is_empty() && r.shapes.is_empty());
    assert!(!r.outcome.passed && r.outcome.reason.contains("fast-math"), "{}", r.outcome.reason);
    assert!(!d.path().join("candidate").exists(), "nothing was built");
    let jsonl = std::fs::read_to_string(d.path().join("results.jsonl")).unwrap();
    assert!(jsonl.lines().any(|l| l.contains("\"type\":\"flags\"")));
    let back = results_report(&d.path().join("results.jsonl")).unwrap();
    assert_eq!(back.flags, r.flags);
}
