//! `kernel ncu` on real Nsight Compute exports (`tests/fixtures/ncu`, see SOURCES.md):
//! every committed CSV digests, the bound type equals NCU's own SOLBottleneck verdict
//! wherever the export carries it, two reports pair up, and malformed or truncated files
//! are errors naming the file and line, never panics.

use std::path::{Path, PathBuf};

use perfpilot_kernel::ncu::parse_export;
use perfpilot_kernel::ncu_rules::Bound;
use perfpilot_kernel::{NcuOptions, run_ncu};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ncu");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    v.sort();
    assert!(v.len() >= 4, "{v:?}");
    v
}

/// RTX 5090 (the upstream report's GPU): 170 SMs.
const RTX5090_SMS: u32 = 170;

#[test]
fn every_committed_csv_digests_and_agrees_with_ncus_own_rule() {
    let mut with_rule = 0;
    for path in fixtures() {
        let r = run_ncu(&NcuOptions {
            reports: vec![path.clone()],
            sm_count: Some(RTX5090_SMS),
            ..NcuOptions::default()
        })
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!r.kernels.is_empty(), "{}", path.display());
        for k in &r.kernels {
            assert!(k.duration_us.is_some_and(|d| d > 0.0), "{}: {k:?}", k.id);
            assert!(k.sm_pct.is_some() && k.mem_pct.is_some(), "{}", k.id);
            assert_ne!(k.bound, Bound::Unknown, "{}", k.id);
            assert!(!k.advice.next_edit.is_empty() && !k.evidence.is_empty());
            if let Some(rule) = &k.ncu_rule {
                with_rule += 1;
                let ncu = rule.bound.unwrap_or_else(|| {
                    panic!("{}: unrecognised NCU message {:?}", k.id, rule.description)
                });
                assert_eq!(k.bound, ncu, "{} {}: {:?}", path.display(), k.id, k.evidence);
                assert_eq!(k.agrees_with_ncu, Some(true));
            }
        }
    }
    assert!(with_rule >= 4, "every details fixture carries SOLBottleneck");
}

#[test]
fn values_of_a_real_export() {
    let p = fixtures().into_iter().find(|p| p.to_string_lossy().contains("0013")).unwrap();
    let r = run_ncu(&NcuOptions {
        reports: vec![p],
        sm_count: Some(RTX5090_SMS),
        ..NcuOptions::default()
    })
    .unwrap();
    let k = &r.kernels[0];
    assert!(
        k.kernel.starts_with("void flash_fwd_splitkv_kernel<"),
        "commas inside the quoted name"
    );
    assert_eq!(k.duration_us, Some(10.34));
    assert_eq!(
        (k.sm_pct, k.mem_pct, k.achieved_occupancy_pct),
        (Some(8.77), Some(26.0), Some(8.24))
    );
    // (1, 8, 10) = 80 blocks, 1 block per SM (shared memory), 170 SMs: NCU says "0.5 waves".
    let w = k.waves.unwrap();
    assert!((w - 80.0 / 170.0).abs() < 1e-9, "{w}");
    assert_eq!(k.occupancy_limiter.as_deref(), Some("shared_mem"));
    assert_eq!(k.bound, Bound::SmallGrid);
    assert_eq!(k.advice_key, "small_grid");
    // Without the SM count waves are unknown and the rule can only say latency.
    let r =
        run_ncu(&NcuOptions { reports: vec![PathBuf::from(&k.report)], ..NcuOptions::default() })
            .unwrap();
    assert_eq!(r.kernels[0].bound, Bound::Latency);
    assert_eq!(r.kernels[0].agrees_with_ncu, Some(false));
    assert!(r.warnings.iter().any(|w| w.code == "disagrees-with-ncu"));
}

#[test]
fn two_reports_are_baseline_and_candidate_side_by_side() {
    let f = fixtures();
    let r = run_ncu(&NcuOptions {
        reports: vec![f[0].clone(), f[1].clone()],
        sm_count: Some(RTX5090_SMS),
        ..NcuOptions::default()
    })
    .unwrap();
    assert_eq!(r.reports[0].role, "baseline");
    assert_eq!(r.comparison.len(), 1);
    let p = &r.comparison[0];
    let (b, c) = (&r.kernels[0], &r.kernels[1]);
    assert_eq!((p.baseline.as_str(), p.candidate.as_str()), ("0/0", "1/0"));
    let ratio = c.duration_us.unwrap() / b.duration_us.unwrap();
    assert!((p.duration_ratio.unwrap() - ratio).abs() < 1e-12);
}

#[test]
fn truncated_exports_error_with_file_and_line_never_panic() {
    for path in fixtures() {
        let text = std::fs::read_to_string(&path).unwrap();
        let n = text.len();
        let mut errors = 0;
        for cut in (0..n).step_by(97).chain([n - 1, n - 2]) {
            if !text.is_char_boundary(cut) {
                continue;
            }
            match parse_export(&text[..cut], "t.csv") {
                Ok(e) => assert!(!e.launches.is_empty()),
                Err(e) => {
                    errors += 1;
                    let s = e.to_string();
                    let line: usize = s
                        .strip_prefix("t.csv:")
                        .and_then(|r| r.split(':').next())
                        .and_then(|l| l.parse().ok())
                        .unwrap_or_else(|| panic!("no file:line in {s:?}"));
                    assert!(line >= 1 && line <= text[..cut].lines().count().max(1), "{s}");
                    assert!(s.contains("expected"), "says what was expected: {s}");
                }
            }
        }
        assert!(errors > 0);
    }
}

#[test]
fn malformed_exports_name_what_was_expected() {
    let e = parse_export("", "e.csv").unwrap_err().to_string();
    assert!(e.starts_with("e.csv:1: empty"), "{e}");
    let e = parse_export("a,b\n1,2\n", "e.csv").unwrap_err().to_string();
    assert!(e.contains("e.csv:1: not an `ncu --csv` header: expected a `ID` column"), "{e}");
    let e = parse_export("\"ID\",\"Kernel Name\",\"Metric Name\",\"Metric Value\"\n", "e.csv")
        .unwrap_err()
        .to_string();
    assert!(e.contains("no kernel launches"), "{e}");
    let head = "\"ID\",\"Kernel Name\",\"Section Name\",\"Metric Name\",\"Metric Unit\",\"Metric Value\"\n";
    let e =
        parse_export(&format!("{head}\"0\",\"k\",\"S\",\"Duration\",\"parsec\",\"3\"\n"), "e.csv")
            .map(|_| ())
            .and_then(|_| {
                let dir = tempfile::tempdir().unwrap();
                let p = dir.path().join("u.csv");
                std::fs::write(
                    &p,
                    format!("{head}\"0\",\"k\",\"S\",\"Duration\",\"parsec\",\"3\"\n"),
                )
                .unwrap();
                run_ncu(&NcuOptions { reports: vec![p], ..NcuOptions::default() }).map(|_| ())
            })
            .unwrap_err()
            .to_string();
    assert!(e.contains("u.csv:2: launch 0: duration has unit `parsec`"), "{e}");
}

/// Section 4.4: a latency-bound launch is sub-typed by its top warp stall (raw-page stall
/// metrics), and the next edit follows it.
#[test]
fn latency_bound_raw_launch_is_subtyped_by_its_top_stall() {
    let head = "\"ID\",\"Kernel Name\",\"Grid Size\",\"gpu__time_duration.sum\",\"sm__throughput.avg.pct_of_peak_sustained_elapsed\",\"gpu__compute_memory_throughput.avg.pct_of_peak_sustained_elapsed\",\"launch__waves_per_multiprocessor\",\"smsp__average_warps_issue_stalled_barrier_per_issue_active.ratio\",\"smsp__average_warps_issue_stalled_long_scoreboard_per_issue_active.ratio\"\n\"\",\"\",\"\",\"nsecond\",\"%\",\"%\",\"\",\"ratio\",\"ratio\"\n";
    let dir = tempfile::tempdir().unwrap();
    for (barrier, long_sb, key) in
        [("0.4", "6.1", "latency_memory"), ("5.0", "1.2", "latency_sync")]
    {
        let p = dir.path().join(format!("{key}.csv"));
        let row = format!(
            "\"0\",\"k\",\"(264, 1, 1)\",\"12,480\",\"31.5\",\"44.0\",\"2.00\",\"{barrier}\",\"{long_sb}\"\n"
        );
        std::fs::write(&p, format!("{head}{row}")).unwrap();
        let r = run_ncu(&NcuOptions { reports: vec![p], ..NcuOptions::default() }).unwrap();
        let k = &r.kernels[0];
        assert_eq!((k.bound, k.advice_key.as_str()), (Bound::Latency, key));
        assert_eq!(k.duration_us, Some(12.48));
        assert_eq!(k.top_stalls.len(), 2);
        assert!(k.waves_source.starts_with("metric launch__waves_per_multiprocessor"));
    }
}
