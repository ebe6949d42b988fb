//! `trace triage` across every rank, on real rank traces (HTA's `sampled_rank-0/1`, two
//! ranks of one 128-rank A100 job):
//! - the merged tables are the sums of the single-rank runs, and each rank-skew row is
//!   that rank's single-rank totals;
//! - per-rank step time, idle time and communication/computation overlap agree with
//!   HTA 0.5's `get_temporal_breakdown` / `get_comm_comp_overlap` on the same events
//!   (reference CSVs in `tests/fixtures/trace/hta_reference/hta_sampled_rank0_rank1`);
//! - rank files of different runs and duplicate rank ids are refused unless `force`;
//!   prefill and decode files pair by rank; a broken rank file is reported with its path
//!   while the other ranks keep their tables.

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use perfpilot_report::NoProgress;
use perfpilot_trace::analysis::stage::Stage;
use perfpilot_trace::{RanksReport, TraceError, TriageOptions, TriageOutput, triage, triage_any};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/trace").join(rel)
}

const R0: &str = "hta_sampled_rank0/sampled_rank-0.json.gz";
const R1: &str = "hta_sampled_rank1/sampled_rank-1.json.gz";

fn ranks_of(mut o: TriageOptions) -> RanksReport {
    o.min_share_pct = 0.0;
    match triage_any(&o, &NoProgress).unwrap_or_else(|e| panic!("{e}")) {
        TriageOutput::Ranks(r) => *r,
        TriageOutput::Rank(_) => panic!("expected a multi-rank report"),
    }
}

fn two_ranks() -> TriageOptions {
    let mut o = TriageOptions::new(fixture(R0));
    o.more_inputs = vec![fixture(R1)];
    o
}

#[test]
fn merged_tables_are_the_sums_of_single_rank_runs() {
    let merged = ranks_of(two_ranks());
    assert_eq!(merged.ranks, vec![0, 1]);
    assert!(merged.failures.is_empty() && merged.forced.is_empty());
    assert_eq!(merged.world_size, Some(128));
    let singles: Vec<_> = [R0, R1]
        .iter()
        .map(|f| triage(&TriageOptions::new(fixture(f)), &NoProgress).unwrap())
        .collect();
    for s in &merged.stages {
        let per: Vec<_> =
            singles.iter().filter_map(|r| r.stages.iter().find(|x| x.stage == s.stage)).collect();
        assert_eq!(s.ranks as usize, per.len());
        assert_eq!(s.kernel_time_ns, per.iter().map(|p| p.kernel_time_ns).sum::<i64>());
        assert_eq!(s.busy_time_ns, per.iter().map(|p| p.busy_time_ns).sum::<i64>());
        assert_eq!(s.launches, per.iter().map(|p| p.launches).sum::<u64>());
        let mut want: BTreeMap<String, (i64, u64)> = BTreeMap::new();
        let mut cats: BTreeMap<String, i64> = BTreeMap::new();
        for p in &per {
            for k in &p.kernels {
                let e = want.entry(k.id.clone()).or_default();
                e.0 += k.gpu_time_ns;
                e.1 += k.launches;
                *cats.entry(k.category.as_str().to_string()).or_default() += k.gpu_time_ns;
            }
        }
        assert_eq!(s.kernels.len(), want.len());
        for k in &s.kernels {
            assert_eq!((k.gpu_time_ns, k.launches), want[&k.id], "{}", k.display);
            assert!((k.mean_per_rank_ns - k.gpu_time_ns as f64 / per.len() as f64).abs() < 1e-6);
        }
        for c in &s.categories {
            assert_eq!(c.gpu_time_ns, cats[c.category.as_str()], "{}", c.id);
        }
    }
    for (row, single) in merged.rank_skew.iter().zip(&singles) {
        let st = &single.stages;
        assert_eq!(row.step_time_ns, st.iter().map(|s| s.span_ns).sum::<i64>());
        assert_eq!(row.gpu_busy_ns, st.iter().map(|s| s.busy_time_ns).sum::<i64>());
        assert_eq!(row.idle_ns, row.step_time_ns - row.gpu_busy_ns);
        assert_eq!(
            row.exposed_communication_ns,
            st.iter().map(|s| s.overlap.exposed_communication_ns).sum::<i64>()
        );
        assert_eq!(row.collective_ns, st.iter().map(|s| s.overlap.communication_ns).sum::<i64>());
    }
    // Ten SendRecv collectives on each rank, matched in order; every instance has a last
    // rank, and the per-rank counts add up to the instances.
    let g = &merged.collectives.groups;
    assert_eq!(g.len(), 1, "{g:?}");
    assert_eq!((g[0].instances, g[0].unmatched), (10, 0));
    assert_eq!(merged.collectives.instances.len(), 10);
    assert_eq!(merged.rank_skew.iter().map(|r| r.last_arrivals).sum::<u64>(), 10);
    for i in &merged.collectives.instances {
        assert!(i.shortest_ns <= i.longest_ns && i.last_rank != i.first_rank, "{i:?}");
    }
    // Spread: CV is population sd / mean of the two per-rank times; flags follow it.
    for k in &merged.kernel_spread {
        let (a, b) = (k.min_ns as f64, k.max_ns as f64);
        let mean = (a + b) / 2.0;
        let cv = if mean > 0.0 { (b - a) / 2.0 / mean } else { 0.0 };
        assert!((k.cv - cv).abs() < 1e-9, "{}: {} vs {cv}", k.id, k.cv);
        assert_eq!(k.flagged, k.cv > 0.1);
    }
    assert!(merged.kernel_spread.iter().any(|k| k.flagged));
    let mut o = two_ranks();
    o.cv_threshold = 10.0;
    assert!(ranks_of(o).kernel_spread.iter().all(|k| !k.flagged));
}

/// Read a `.json.gz` trace as JSON.
fn load(path: &Path) -> serde_json::Value {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// HTA 0.5 keeps only GPU events launched before the last `ProfilerStep` starts (its
/// trace filter, shared/docs/hta.md §4): write that subset, so both tools see the same
/// events. Both sampled traces have whole-µs times, so HTA's rounding changes nothing.
fn hta_window(src: &Path, dst: &Path) {
    let mut v = load(src);
    let events = v["traceEvents"].as_array().unwrap().clone();
    let name = |e: &serde_json::Value| e["name"].as_str().unwrap_or("").to_string();
    let last_step = events
        .iter()
        .filter(|e| name(e).contains("ProfilerStep"))
        .filter_map(|e| e["ts"].as_f64())
        .fold(f64::MIN, f64::max);
    assert!(last_step > f64::MIN, "{} has no ProfilerStep", src.display());
    let kept: HashSet<i64> = events
        .iter()
        .filter(|e| matches!(e["cat"].as_str(), Some("cuda_runtime" | "cuda_driver")))
        .filter(|e| e["ts"].as_f64().is_some_and(|t| t < last_step))
        .filter_map(|e| e["args"]["correlation"].as_i64())
        .collect();
    let gpu = |e: &serde_json::Value| {
        matches!(e["cat"].as_str(), Some("kernel" | "gpu_memcpy" | "gpu_memset" | "cuda_sync"))
    };
    let out: Vec<serde_json::Value> = events
        .into_iter()
        .filter(|e| !gpu(e) || e["args"]["correlation"].as_i64().is_some_and(|c| kept.contains(&c)))
        .collect();
    v["traceEvents"] = serde_json::Value::Array(out);
    std::fs::write(dst, serde_json::to_vec(&v).unwrap()).unwrap();
}

fn csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| header.iter().map(|h| h.to_string()).zip(l.split(',').map(String::from)).collect())
        .collect()
}

#[test]
fn per_rank_step_idle_and_overlap_agree_with_hta() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("rank-0.json"), dir.path().join("rank-1.json"));
    hta_window(&fixture(R0), &a);
    hta_window(&fixture(R1), &b);
    let r = ranks_of(TriageOptions::new(dir.path()));
    assert_eq!(r.ranks, vec![0, 1]);
    let refdir = fixture("hta_reference/hta_sampled_rank0_rank1");
    let temporal = csv(&refdir.join("temporal_breakdown.csv"));
    let overlap = csv(&refdir.join("comm_comp_overlap.csv"));
    for row in &r.rank_skew {
        let t = temporal.iter().find(|t| t["rank"] == row.rank.to_string()).unwrap();
        let o = overlap.iter().find(|t| t["rank"] == row.rank.to_string()).unwrap();
        let hta_step = t["kernel_time(us)"].parse::<f64>().unwrap() * 1e3;
        let hta_idle = t["idle_time(us)"].parse::<f64>().unwrap() * 1e3;
        let hta_overlap: f64 = o["comp_comm_overlap_pctg"].parse().unwrap();
        let ours_overlap = row.comm_compute_overlap_pct.unwrap();
        println!(
            "rank {}: step {} vs HTA {hta_step}; idle {} vs HTA {hta_idle}; overlap {:.2}% vs HTA {hta_overlap}%",
            row.rank, row.step_time_ns, row.idle_ns, ours_overlap
        );
        // Stated tolerance: step and idle time equal HTA's whole µs exactly (the times are
        // whole µs); overlap within HTA's rounding to 2 decimals.
        assert_eq!(row.step_time_ns as f64, hta_step, "step time");
        assert_eq!(row.idle_ns as f64, hta_idle, "idle time");
        assert!((ours_overlap - hta_overlap).abs() <= 0.005 + 1e-9, "overlap");
    }
}

fn copy(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
    std::fs::copy(src, dst).unwrap();
}

#[test]
fn different_runs_and_duplicate_ranks_are_refused_unless_forced() {
    // Rank 0's file copied as ranks 0..3: the trace itself says rank 0 every time.
    let dir = tempfile::tempdir().unwrap();
    for r in 0..4 {
        copy(&fixture(R0), &dir.path().join(format!("rank-{r}.json.gz")));
    }
    let err = triage_any(&TriageOptions::new(dir.path()), &NoProgress).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, TraceError::Selection { .. }), "{text}");
    assert!(text.contains("is named rank 1 but its distributedInfo says rank 0"), "{text}");
    assert!(text.contains("--force"), "{text}");
    let mut o = TriageOptions::new(dir.path());
    o.force = true;
    let r = ranks_of(o);
    assert_eq!(r.ranks, vec![0, 1, 2, 3]);
    assert_eq!(r.forced.len(), 3, "{:?}", r.forced);
    // Identical copies: no spread, every collective's kernels equally long.
    assert!(r.kernel_spread.iter().all(|k| k.cv == 0.0 && !k.flagged));
    assert!(r.rank_skew.iter().all(|x| x.step_time_ns == r.rank_skew[0].step_time_ns));

    // Two files of rank 1 (same stage).
    copy(&fixture(R1), &dir.path().join("again_rank1.json.gz"));
    let err = triage_any(&TriageOptions::new(dir.path()), &NoProgress).unwrap_err();
    assert!(err.to_string().contains("duplicate rank ids: rank 1 stage all"), "{err}");
    // `rank` narrows to one rank and is not a multi-rank run.
    let mut o = TriageOptions::new(dir.path());
    o.rank = Some(2);
    assert!(matches!(triage_any(&o, &NoProgress).unwrap(), TriageOutput::Rank(_)));
}

#[test]
fn prefill_and_decode_files_pair_by_rank() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for r in 0..2 {
        copy(&fixture(R0), &d.join(format!("t-1700000000-TP-{r}-EXTEND.trace.json.gz")));
        copy(&fixture(R1), &d.join(format!("t-1700000000-TP-{r}-DECODE.trace.json.gz")));
    }
    let mut o = TriageOptions::new(d);
    o.force = true; // the copies carry rank 0 and 1 inside
    let r = ranks_of(o);
    assert_eq!(r.ranks, vec![0, 1]);
    assert_eq!(r.inputs.len(), 4);
    assert_eq!(
        r.stages.iter().map(|s| (s.stage, s.ranks)).collect::<Vec<_>>(),
        vec![(Stage::Extend, 2), (Stage::Decode, 2)]
    );
    for row in &r.rank_skew {
        assert_eq!(row.files.len(), 2, "{:?}", row.files);
        assert!(row.files.iter().all(|f| f.contains(&format!("TP-{}-", row.rank))));
    }
    // `stage` keeps one file per rank.
    let mut o = TriageOptions::new(d);
    o.force = true;
    o.stage = Stage::Decode;
    let r = ranks_of(o);
    assert_eq!(r.inputs.len(), 2);
    assert!(r.inputs.iter().all(|i| i.path.contains("DECODE")));
}

#[test]
fn a_broken_rank_file_is_reported_and_the_others_keep_their_tables() {
    let dir = tempfile::tempdir().unwrap();
    copy(&fixture(R0), &dir.path().join("sampled_rank-0.json.gz"));
    let bytes = std::fs::read(fixture(R1)).unwrap();
    let broken = dir.path().join("sampled_rank-1.json.gz");
    std::fs::write(&broken, &bytes[..bytes.len() / 2]).unwrap();
    let out = triage_any(&TriageOptions::new(dir.path()), &NoProgress).unwrap();
    assert!(out.partial());
    let TriageOutput::Ranks(r) = out else { panic!("expected ranks") };
    assert_eq!(r.ranks, vec![0]);
    assert_eq!(r.failed_ranks, vec![1]);
    let f = &r.failures[0];
    assert_eq!(f.paths, vec![broken.display().to_string()]);
    assert!(f.reason.contains("sampled_rank-1.json.gz") && f.reason.contains("gzip"), "{f:?}");
    assert!(!r.stages.is_empty() && r.stages[0].ranks == 1);
    assert!(r.warnings.iter().any(|w| w.code == "rank-failed"));
}
