//! `kernel dispatch` on a real CPU A/B: the protocol's C kernel built with
//! `-DCROSSOVER=N` (the baseline does an extra pass for n >= N, the candidate for n < N),
//! timed by `kernel ab` over six sizes: the dispatch table's one threshold lies between the
//! measured sizes around N, the candidate range is all FASTER, the baseline range holds
//! the SLOWER shapes, and the snippets encode the same threshold.

use std::path::Path;

use perfpilot_kernel::dispatch::Winner;
use perfpilot_kernel::session::TimingOverrides;
use perfpilot_kernel::{AbOptions, DispatchOptions, run_ab, run_dispatch};
use perfpilot_report::NoProgress;
use perfpilot_stats::Verdict;

const SIZES: [i64; 6] = [2048, 4096, 8192, 32768, 65536, 131072];
const CROSSOVER: i64 = 16384;

fn crossover_task() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/kernel-protocol/kernel.c");
    let mut task = format!(
        r#"protocol = "perfpilot.kernel.protocol/1"
name = "crossover"
[variant]
command = "./kernel {{variant}}"
build = ["cc -O2 -DCROSSOVER={CROSSOVER} -o kernel '{}' -lm"]
"#,
        src.display()
    );
    for n in SIZES {
        task.push_str(&format!(
            "[[shapes]]\nid = \"n{n}\"\ndims = {{ n = {n}, hidden = 64 }}\ndtype = \"fp32\"\n"
        ));
    }
    std::fs::write(dir.path().join("task.toml"), task).unwrap();
    dir
}

#[test]
fn a_cpu_ab_whose_winner_changes_with_size_yields_the_threshold() {
    let d = crossover_task();
    let overrides = TimingOverrides { warmups: Some(3), iterations: Some(40), trials: Some(3) };
    let ab = run_ab(
        &AbOptions { dir: d.path().to_path_buf(), overrides, ..AbOptions::default() },
        &NoProgress,
    )
    .unwrap();
    assert!(ab.gate_passed, "{:?}", ab.gate);
    let r = run_dispatch(&DispatchOptions {
        dir: d.path().to_path_buf(),
        ..DispatchOptions::default()
    })
    .unwrap();
    assert_eq!(r.dim, "n", "hidden is constant: n is the dimension that separates");
    assert_eq!(
        r.thresholds,
        vec![32768],
        "first measured size above the crossover: {:#?}",
        r.ranges
    );
    assert_eq!(r.ranges.len(), 2);
    let (lo, hi) = (&r.ranges[0], &r.ranges[1]);
    assert_eq!((lo.winner, lo.lo, lo.hi), (Winner::Baseline, None, Some(32768)));
    assert_eq!((hi.winner, hi.lo, hi.hi), (Winner::Candidate, Some(32768), None));
    assert!(hi.evidence.iter().all(|e| e.verdict == Some(Verdict::Faster)));
    assert!(lo.evidence.iter().all(|e| e.verdict != Some(Verdict::Faster)));
    assert!(lo.evidence.iter().any(|e| e.verdict == Some(Verdict::Slower)), "{:?}", lo.evidence);
    assert!(hi.geomean_speedup.unwrap() > 1.3 && lo.geomean_speedup.unwrap() < 0.8);
    assert!(r.snippets.rust.contains("if n < 32768 {"), "{}", r.snippets.rust);
    assert!(r.snippets.cpp.contains("if (n < 32768) return \"baseline\";"), "{}", r.snippets.cpp);
    assert!(
        r.snippets.python.contains("    if n < 32768:\n        return \"baseline\""),
        "{}",
        r.snippets.python
    );
    // Splitting on a dimension that does not separate is possible but conflicts.
    let h = run_dispatch(&DispatchOptions {
        dir: d.path().to_path_buf(),
        dim: Some("hidden".into()),
        ..DispatchOptions::default()
    })
    .unwrap();
    assert_eq!(h.conflicts.len(), SIZES.len());
    assert!(h.ranges.iter().all(|r| r.winner == Winner::Baseline));
    let e = run_dispatch(&DispatchOptions {
        dir: d.path().to_path_buf(),
        dim: Some("k".into()),
        ..DispatchOptions::default()
    })
    .unwrap_err()
    .to_string();
    assert!(e.contains("--dim k: not a dimension"), "{e}");
}
