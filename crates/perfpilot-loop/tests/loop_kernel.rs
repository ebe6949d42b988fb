//! `loop init --kernel-task`: a real `kernel ab` task (the protocol's reference C kernel,
//! `examples/kernel-protocol/kernel.c`) versioned in a temporary git repository; rounds
//! change the candidate's compile-time switches and `kernel ab` runs as a library call.

mod common;

use std::path::Path;

use common::{commit, git, init_options, write};
use perfpilot_loop::plan::{BenchKind, Plan};
use perfpilot_loop::state::Outcome;
use perfpilot_loop::{InitOptions, RoundOptions, init_loop, run_round};

const TASK: &str = r#"protocol = "perfpilot.kernel.protocol/1"
name = "loop kernel task"
[baseline]
command = "./baseline"
build = ["cc -O2 -o baseline kernel.c -lm"]
[candidate]
command = "./candidate"
build = ["cc -O2 -o candidate cand.c -lm"]
[[shapes]]
id = "n64k"
dims = { n = 65536 }
dtype = "fp32"
seeds = [1, 2]
[timing]
trials = 5
iterations = 100
"#;

/// The candidate: the reference kernel with these compile-time switches.
fn cand(defines: &[&str]) -> String {
    let mut s: String = defines.iter().map(|d| format!("#define {d}\n")).collect();
    s.push_str("#include \"kernel.c\"\n");
    s
}

fn kernel_fixture() -> (common::Fixture, InitOptions) {
    let f = common::fixture(10);
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/kernel-protocol/kernel.c");
    write(&f.repo, "kernel/kernel.c", &std::fs::read_to_string(src).unwrap());
    write(&f.repo, "kernel/task.toml", TASK);
    // The baseline's candidate does a whole extra pass: about 2x the baseline's time.
    write(&f.repo, "kernel/cand.c", &cand(&["EXTRA_PASS"]));
    write(&f.repo, ".gitignore", "kernel/baseline\nkernel/candidate\n");
    commit(&f.repo, "kernel task");
    let mut o = init_options(&f);
    o.bench = None;
    o.better = None;
    o.kernel_task = Some(f.repo.join("kernel"));
    // A target no round of this test reaches: the candidate without the extra pass does the
    // baseline's work (ratio about 1), and a 0.9 target let run-to-run noise under load end the
    // loop early (TargetMet after round 1), so round 2 never ran.
    o.target = "kernel_time_ratio=0.5".into();
    o.bench_config = vec![];
    o.tests = vec![];
    o.negative_tests = vec![];
    o.allowed = vec!["kernel/cand.c".into()];
    o.forbidden = vec!["kernel/task.toml".into()];
    (f, o)
}

fn round(dir: &Path) -> RoundOptions {
    RoundOptions {
        dir: dir.to_path_buf(),
        candidate: None,
        implement: None,
        review: None,
        command_timeout_s: 120.0,
        profile: None,
    }
}

#[test]
fn kernel_task_pins_kernel_ab_and_rounds_advance_and_regress() {
    let (f, o) = kernel_fixture();
    let init = init_loop(&o).unwrap();
    let plan = Plan::load(&f.dir).unwrap();
    assert_eq!(plan.benchmark.kind, BenchKind::KernelAb);
    assert_eq!(plan.benchmark.command, "perfpilot kernel ab kernel");
    assert_eq!(plan.benchmark.config_files, vec!["kernel/task.toml".to_string()]);
    assert_eq!(init.baseline.runs.len(), 5, "one run per trial");
    let base = init.baseline.median;
    assert!(base > 1.4 && base < 3.0, "extra pass ≈ 2x: {base}");
    // Round 1: the extra pass removed: ratio ≈ 1, ADVANCED.
    write(&f.repo, "kernel/cand.c", &cand(&[]));
    let c1 = commit(&f.repo, "drop the extra pass");
    let r1 = run_round(&round(&f.dir)).unwrap();
    let rec = r1.round.unwrap();
    assert_eq!(rec.outcome, Outcome::Advanced, "{rec:?}");
    let m = rec.measurement.unwrap();
    assert!(m.median < 1.3, "{}", m.median);
    assert_eq!(r1.best_commit, c1);
    assert!(rec.vs_best.unwrap().ratio < 0.75);
    // Round 2: an extra pass and double work: REGRESSED against the best.
    write(&f.repo, "kernel/cand.c", &cand(&["EXTRA_PASS", "MORE_WORK 100"]));
    commit(&f.repo, "two extra passes");
    let r2 = run_round(&round(&f.dir)).unwrap();
    let rec2 = r2.round.unwrap();
    assert_eq!(rec2.outcome, Outcome::Regressed, "{:?}", rec2.reasons);
    assert_eq!(r2.best_commit, c1);
    // Round 3: a wrong candidate fails the harness's correctness gate: REJECTED.
    write(&f.repo, "kernel/cand.c", &cand(&["WRONG_LAST"]));
    commit(&f.repo, "wrong last element");
    let r3 = run_round(&round(&f.dir)).unwrap().round.unwrap();
    assert_eq!(r3.outcome, Outcome::Rejected);
    assert!(r3.reasons.iter().any(|r| r.contains("kernel ab kernel")), "{:?}", r3.reasons);
    // Changing the task (its shapes) is refused as benchmark misalignment.
    write(&f.repo, "kernel/cand.c", &cand(&[]));
    let t = TASK.replace("n = 65536", "n = 4096");
    write(&f.repo, "kernel/task.toml", &t);
    commit(&f.repo, "smaller shape");
    let r4 = run_round(&round(&f.dir)).unwrap().round.unwrap();
    assert_eq!(r4.outcome, Outcome::Rejected);
    assert!(r4.reasons.iter().any(|r| r.contains("benchmark alignment")), "{:?}", r4.reasons);
    let _ = git(&f.repo, &["log", "--oneline"]);
}

#[test]
fn kernel_task_refuses_another_metric_or_a_task_outside_the_repo() {
    let (f, mut o) = kernel_fixture();
    o.target = "time_ms=1".into();
    let e = init_loop(&o).unwrap_err().to_string();
    assert!(e.contains("kernel_time_ratio"), "{e}");
    o.target = "kernel_time_ratio=0.9".into();
    let outside = tempfile::tempdir().unwrap();
    o.kernel_task = Some(outside.path().to_path_buf());
    let e = init_loop(&o).unwrap_err().to_string();
    assert!(e.contains("not inside the repository"), "{e}");
    o.kernel_task = Some(f.repo.join("kernel"));
    o.bench = Some("sh bench/run.sh".into());
    let e = init_loop(&o).unwrap_err().to_string();
    assert!(e.contains("exactly one of"), "{e}");
}
