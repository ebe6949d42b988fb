//! Collectives across ranks by process group and sequence number, on the real NCCL
//! trace of HTA's tests (`hta_a100_nccl_ddp/nccl_data.json.gz`: one rank of a 2-rank
//! DDP job, PyTorch 2.1; its 21 NCCL kernels carry `Process Group Name`, `Collective
//! name`, `Group size`, `In msg nelems`, `dtype` and `Process Group Ranks` in `args`, but
//! no `Seq`, which PyTorch records from 2.6 on and no public trace we found carries):
//! - the parser keeps that metadata for the collective kernels only;
//! - two ranks built from it (the file under rank ids 0 and 1) are grouped by process
//!   group and matched by order;
//! - with `Seq` written into the same kernels' args (numbered per process group in time
//!   order, as PyTorch numbers them) and one all-reduce missing on rank 1, matching by
//!   sequence number pairs every instance with its twin (equal durations), where
//!   matching by order shifts every later pair by one.

use std::io::Read;
use std::path::{Path, PathBuf};

use perfpilot_report::NoProgress;
use perfpilot_trace::model::{GpuKind, GpuOp};
use perfpilot_trace::parse::read_trace_file;
use perfpilot_trace::ranks::report::MatchedBy;
use perfpilot_trace::{RanksReport, TriageOptions, TriageOutput, triage_any};
use serde_json::Value;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/trace").join(rel)
}

const NCCL: &str = "hta_a100_nccl_ddp/nccl_data.json.gz";

fn load(path: &Path) -> Value {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn is_nccl_kernel(e: &Value) -> bool {
    e["cat"] == "kernel" && e["name"].as_str().is_some_and(|n| n.starts_with("ncclKernel"))
}

#[test]
fn the_parser_keeps_nccl_metadata_for_collective_kernels_only() {
    // Memory: the index of a collective's metadata fits in GpuOp's padding.
    assert!(std::mem::size_of::<GpuOp>() <= 56, "{}", std::mem::size_of::<GpuOp>());
    let t = read_trace_file(&fixture(NCCL), &NoProgress).unwrap();
    let with: Vec<&GpuOp> = t.gpu.iter().filter(|g| g.comm.is_some()).collect();
    assert_eq!(with.len(), 21);
    assert_eq!(t.collectives.len(), 21);
    for g in &t.gpu {
        let name = t.name(g.name);
        assert_eq!(g.comm.is_some(), name.starts_with("ncclKernel"), "{name}");
    }
    let mut kinds = std::collections::BTreeMap::new();
    for g in with {
        assert_eq!(g.kind, GpuKind::Kernel);
        let m = t.collective(g).unwrap();
        assert_eq!(m.process_group.map(|n| t.name(n)), Some("0"));
        assert_eq!(m.group_ranks.map(|n| t.name(n)), Some("[0, 1]"));
        assert_eq!((m.group_size, m.seq), (Some(2), None));
        assert!(matches!(m.dtype.map(|n| t.name(n)), Some("Float" | "Long")), "{m:?}");
        assert!(m.in_nelems.is_some_and(|n| n > 0));
        *kinds.entry(m.collective.map(|n| t.name(n).to_string())).or_insert(0) += 1;
    }
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        vec![(Some("allreduce".into()), 15), (Some("broadcast".into()), 6)]
    );
}

/// Write `v` as rank `rank` of a set under `dir`.
fn write_rank(dir: &Path, rank: u32, mut v: Value) {
    v["distributedInfo"]["rank"] = Value::from(rank);
    std::fs::write(dir.join(format!("rank-{rank}.json")), serde_json::to_vec(&v).unwrap()).unwrap();
}

/// Number the NCCL kernels per process group in time order into `args.Seq`.
fn with_seq(mut v: Value) -> Value {
    let events = v["traceEvents"].as_array_mut().unwrap();
    let mut order: Vec<(f64, usize)> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| is_nccl_kernel(e))
        .map(|(i, e)| (e["ts"].as_f64().unwrap(), i))
        .collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut next: std::collections::HashMap<String, u64> = Default::default();
    for (_, i) in order {
        let pg = events[i]["args"]["Process Group Name"].as_str().unwrap().to_string();
        let n = next.entry(pg).or_insert(0);
        events[i]["args"]["Seq"] = Value::from(*n);
        *n += 1;
    }
    v
}

/// The same trace without its first all-reduce kernel.
fn without_first_allreduce(mut v: Value) -> Value {
    let events = v["traceEvents"].as_array_mut().unwrap();
    let first = events
        .iter()
        .enumerate()
        .filter(|(_, e)| is_nccl_kernel(e) && e["args"]["Collective name"] == "allreduce")
        .min_by(|a, b| a.1["ts"].as_f64().unwrap().total_cmp(&b.1["ts"].as_f64().unwrap()))
        .map(|(i, _)| i)
        .unwrap();
    events.remove(first);
    v
}

fn ranks_of(dir: &Path) -> RanksReport {
    let mut o = TriageOptions::new(dir);
    o.force = true; // the two ranks are one file: same start time
    match triage_any(&o, &NoProgress).unwrap_or_else(|e| panic!("{e}")) {
        TriageOutput::Ranks(r) => *r,
        TriageOutput::Rank(_) => panic!("expected a multi-rank report"),
    }
}

#[test]
fn collectives_are_grouped_by_process_group_and_matched_by_order_without_seq() {
    let dir = tempfile::tempdir().unwrap();
    let v = load(&fixture(NCCL));
    write_rank(dir.path(), 0, v.clone());
    write_rank(dir.path(), 1, v);
    let r = ranks_of(dir.path());
    let g = &r.collectives.groups;
    assert!(!g.is_empty());
    for x in g {
        assert_eq!(x.process_group.as_deref(), Some("0"), "{x:?}");
        assert_eq!(x.matched_by, MatchedBy::Order);
        assert!(x.id.contains("-pg0-"), "{}", x.id);
        assert_eq!(x.unmatched, 0);
    }
    assert_eq!(g.iter().map(|x| x.instances).sum::<u64>(), 21);
    for i in &r.collectives.instances {
        assert_eq!((i.seq, i.matched_by), (None, MatchedBy::Order));
        assert_eq!(i.shortest_ns, i.longest_ns, "identical ranks: {i:?}");
    }
}

#[test]
fn sequence_numbers_match_collectives_that_order_would_misalign() {
    let base = load(&fixture(NCCL));
    let allreduce = |r: &RanksReport| {
        r.collectives
            .groups
            .iter()
            .find(|g| g.collective.contains("AllReduce"))
            .cloned()
            .unwrap_or_else(|| panic!("{:?}", r.collectives.groups))
    };
    // By sequence number: 14 of the 15 all-reduces matched, each with its twin.
    let seq_dir = tempfile::tempdir().unwrap();
    let seq = with_seq(base.clone());
    write_rank(seq_dir.path(), 0, seq.clone());
    write_rank(seq_dir.path(), 1, without_first_allreduce(seq));
    let r = ranks_of(seq_dir.path());
    let g = allreduce(&r);
    assert_eq!((g.matched_by, g.instances, g.unmatched), (MatchedBy::Sequence, 14, 1));
    assert_eq!(g.wait_spread_ns, 0, "twins have equal durations");
    let ar: Vec<_> = r.collectives.instances.iter().filter(|i| i.id.starts_with(&g.id)).collect();
    assert_eq!(ar.len(), 14);
    for i in &ar {
        assert_eq!(i.matched_by, MatchedBy::Sequence);
        assert!(i.seq.is_some() && i.id.ends_with(&format!("-s{}", i.seq.unwrap())), "{i:?}");
        assert_eq!(i.shortest_ns, i.longest_ns, "{i:?}");
    }
    // By order (no Seq): also 14 matched, but shifted by one: the pairs differ.
    let ord_dir = tempfile::tempdir().unwrap();
    write_rank(ord_dir.path(), 0, base.clone());
    write_rank(ord_dir.path(), 1, without_first_allreduce(base));
    let g = allreduce(&ranks_of(ord_dir.path()));
    assert_eq!((g.matched_by, g.instances, g.unmatched), (MatchedBy::Order, 14, 1));
    assert!(g.wait_spread_ns > 0, "{g:?}");
}
