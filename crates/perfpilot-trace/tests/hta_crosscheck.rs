//! Cross-check against Holistic Trace Analysis 0.5.0: per kernel name, the summed GPU time
//! of every trace equals HTA's `get_gpu_kernel_breakdown()` table
//! (`hta_reference/<run>/gpu_kernel_breakdown_top_kernels.csv`).
//!
//! HTA's numbers come from its own rules (shared/docs/hta.md §4): when any time stamp is
//! fractional it rounds `ts` up and `ts + dur` down to whole µs, a GPU event is any
//! event with `args.stream`, and with two or more `ProfilerStep` names it keeps only GPU
//! events whose launch (by correlation) starts before the last ProfilerStep. The test
//! applies exactly those rules to our parsed model and asserts equality, then checks
//! that our exact nanosecond sums differ from HTA's only by its rounding where HTA did
//! not filter. Traces too big for the repository are read from the shared data folder
//! and skipped with a printed reason when it is absent.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use perfpilot_report::NoProgress;
use perfpilot_trace::Trace;
use perfpilot_trace::parse::read_trace_file;

struct Run {
    name: &'static str,
    /// (path relative to the shared traces folder, rank HTA gave it)
    files: &'static [(&'static str, u32)],
    /// Folder under tests/fixtures/trace holding the file, when it is in the repo.
    fixture: Option<&'static str>,
}

const RUNS: &[Run] = &[
    Run {
        name: "tl_b200_vllm_gptoss_tp8",
        files: &[("tracelens/tests/traces/b200/eager_trace.json.gz", 0)],
        fixture: Some("tl_b200_vllm_gptoss_tp8"),
    },
    Run {
        name: "tl_h100_qwen15_hf",
        files: &[("tracelens/tests/traces/h100/Qwen_Qwen1.5-0.5B-Chat__1016005.json.gz", 0)],
        fixture: Some("tl_h100_qwen15_hf"),
    },
    Run {
        name: "tl_b300_moe_micro",
        files: &[(
            "tracelens/evals/unit_tests_nv/moe/moe_05_large_capacity_analysis_output/moe_05_large_capacity.json.gz",
            0,
        )],
        fixture: Some("tl_b300_moe_micro"),
    },
    Run {
        name: "tl_mi300x_vllm_graph",
        files: &[("tracelens/tests/traces/inference/vllm_decode_full/graph_execution.json.gz", 0)],
        fixture: Some("tl_mi300x_vllm_graph"),
    },
    Run {
        name: "tl_mi300x_sglang_decode",
        files: &[(
            "tracelens/tests/traces/inference/sglang_decode/sglang_Qwen3-8B_decode.json.gz",
            0,
        )],
        fixture: Some("tl_mi300x_sglang_decode"),
    },
    Run {
        name: "hta_a100_negqueue_rank0",
        files: &[("hta/tests/data/negative_queue_length_values_check/rank0.json.gz", 0)],
        fixture: None,
    },
    Run {
        name: "hta_a100_nccl_ddp",
        files: &[("hta/tests/data/nccl_parser_config/nccl_data.json.gz", 0)],
        fixture: Some("hta_a100_nccl_ddp"),
    },
    Run {
        name: "hta_v100_tracediff_test",
        files: &[("hta/tests/data/trace_diff/test/test.json.gz", 1)],
        fixture: None,
    },
    Run {
        name: "hta_v100_df_index_resolver",
        files: &[("hta/tests/data/df_index_resolver/df_index_resolver.json.gz", 1)],
        fixture: None,
    },
    Run {
        name: "hta_a100_alexnet",
        files: &[(
            "hta/tests/data/critical_path/alexnet/benchmark_result_2869224_1695835535_trace.json.gz",
            0,
        )],
        fixture: Some("hta_a100_alexnet"),
    },
    Run {
        name: "hta_sampled_rank0",
        files: &[("hta/tests/data/trace_filter/sampled_rank-0.json.gz", 0)],
        fixture: Some("hta_sampled_rank0"),
    },
    Run {
        name: "hta_sampled_rank1",
        files: &[("hta/tests/data/trace_filter/sampled_rank-1.json.gz", 1)],
        fixture: Some("hta_sampled_rank1"),
    },
    Run {
        name: "hta_sampled_rank0_rank1",
        files: &[
            ("hta/tests/data/trace_filter/sampled_rank-0.json.gz", 0),
            ("hta/tests/data/trace_filter/sampled_rank-1.json.gz", 1),
        ],
        fixture: None,
    },
    Run {
        name: "ds_h800_train_ep64",
        files: &[("deepseek-profile-data/train.json", 0)],
        fixture: None,
    },
    Run {
        name: "kineto_resnet50_legacy",
        files: &[("kineto/tb_plugin/samples/resnet50_num_workers_0/worker0.pt.trace.json.gz", 0)],
        fixture: Some("kineto_resnet50_legacy"),
    },
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/trace")
}

fn shared() -> PathBuf {
    std::env::var_os("PERFPILOT_SHARED_TRACES").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/traces")
    })
}

/// Where a run's trace file is: the in-repo fixture, else the shared folder.
fn locate(run: &Run, rel: &str) -> Option<PathBuf> {
    let file_name = Path::new(rel).file_name()?;
    let sampled = rel.contains("sampled_rank-");
    let fixture_dir = match (run.fixture, sampled) {
        (Some(f), _) => Some(f.to_string()),
        // The two-rank run reuses the single-rank fixtures.
        (None, true) => Some(
            if rel.contains("rank-0") { "hta_sampled_rank0" } else { "hta_sampled_rank1" }.into(),
        ),
        _ => None,
    };
    if let Some(dir) = fixture_dir {
        let p = fixtures().join(dir).join(file_name);
        if p.exists() {
            return Some(p);
        }
    }
    let p = shared().join(rel);
    p.exists().then_some(p)
}

fn reference_dir(run: &str) -> Option<PathBuf> {
    let local = fixtures().join("hta_reference").join(run);
    if local.exists() {
        return Some(local);
    }
    let p = shared().join("hta_reference").join(run);
    p.exists().then_some(p)
}

/// Minimal CSV reader for HTA's output (quoted fields may hold commas and `""`).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for line in text.lines() {
        let mut fields = Vec::new();
        let mut cur = String::new();
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    cur.push('"');
                    chars.next();
                }
                ('"', _) => quoted = !quoted,
                (',', false) => fields.push(std::mem::take(&mut cur)),
                _ => cur.push(c),
            }
        }
        fields.push(cur);
        rows.push(fields);
    }
    rows
}

/// (rank, name) → summed µs, for HTA's named rows (not `others`).
fn hta_table(dir: &Path) -> BTreeMap<(u32, String), f64> {
    let text = std::fs::read_to_string(dir.join("gpu_kernel_breakdown_top_kernels.csv")).unwrap();
    let rows = csv_rows(&text);
    let header = &rows[0];
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let (name, sum, rank) = (col("name"), col("sum (us)"), col("rank"));
    let mut out = BTreeMap::new();
    for r in &rows[1..] {
        if r.len() < header.len() || r[name] == "others" {
            continue;
        }
        let rank: u32 = r[rank].trim().parse().unwrap_or(0);
        out.insert((rank, r[name].clone()), r[sum].parse::<f64>().unwrap());
    }
    out
}

/// HTA 0.5's integer-µs times: ceil(ts), floor(ts + dur), computed in f64 as pandas does.
fn hta_round(ts_ns: i64, dur_ns: i64, fractional: bool) -> (i64, i64) {
    if !fractional {
        return (ts_ns.div_euclid(1000), dur_ns.div_euclid(1000));
    }
    let ts = ts_ns as f64 / 1000.0;
    let dur = dur_ns as f64 / 1000.0;
    let end = (ts + dur).floor() as i64;
    let start = ts.ceil() as i64;
    (start, end - start)
}

struct Sums {
    /// HTA rules, integer µs.
    hta_like: HashMap<String, i64>,
    /// Our exact sums in ns (no filter), with launch counts.
    exact: HashMap<String, (i64, u64)>,
    profiler_filter_ran: bool,
}

fn sums(t: &Trace) -> Sums {
    let fractional = t
        .gpu
        .iter()
        .map(|g| (g.ts, g.dur))
        .chain(t.cpu_ops.iter().map(|c| (c.ts, c.dur)))
        .chain(t.runtime.iter().map(|r| (r.ts, r.dur)))
        .any(|(ts, dur)| ts % 1000 != 0 || dur % 1000 != 0);
    let step_names: HashSet<_> =
        t.names.iter().filter(|(_, s)| s.contains("ProfilerStep")).map(|(id, _)| id).collect();
    let mut keep: Option<HashSet<u64>> = None;
    if step_names.len() >= 2 {
        let last_start = t
            .annotations
            .iter()
            .map(|a| (a.name, a.ts))
            .chain(t.cpu_ops.iter().map(|c| (c.name, c.ts)))
            .filter(|(n, _)| step_names.contains(n))
            .map(|(_, ts)| hta_round(ts, 0, fractional).0)
            .max()
            .unwrap();
        keep = Some(
            t.runtime
                .iter()
                .filter(|r| hta_round(r.ts, r.dur, fractional).0 < last_start)
                .map(|r| r.correlation)
                .collect(),
        );
    }
    let mut hta_like: HashMap<String, i64> = HashMap::new();
    let mut exact: HashMap<String, (i64, u64)> = HashMap::new();
    for g in &t.gpu {
        let name = t.name(g.name).to_string();
        let e = exact.entry(name.clone()).or_default();
        e.0 += g.dur;
        e.1 += 1;
        if keep.as_ref().is_some_and(|k| !k.contains(&g.correlation)) {
            continue;
        }
        *hta_like.entry(name).or_default() += hta_round(g.ts, g.dur, fractional).1;
    }
    Sums { hta_like, exact, profiler_filter_ran: keep.is_some() }
}

#[test]
fn kernel_sums_equal_hta_reference() {
    let mut checked_rows = 0;
    let mut checked_runs = Vec::new();
    for run in RUNS {
        let Some(ref_dir) = reference_dir(run.name) else {
            println!("skip {}: no HTA reference folder", run.name);
            continue;
        };
        let reference = hta_table(&ref_dir);
        let mut ours: HashMap<u32, Sums> = HashMap::new();
        let mut missing = None;
        for (rel, rank) in run.files {
            match locate(run, rel) {
                Some(path) => {
                    let trace = read_trace_file(&path, &NoProgress)
                        .unwrap_or_else(|e| panic!("{}: {e}", run.name));
                    ours.insert(*rank, sums(&trace));
                }
                None => missing = Some(rel),
            }
        }
        if let Some(rel) = missing {
            println!(
                "skip {}: {rel} is not in the repository and {} is absent",
                run.name,
                shared().display()
            );
            continue;
        }
        for ((rank, name), hta_us) in &reference {
            let s = &ours[rank];
            let got = s.hta_like.get(name).copied().unwrap_or(0);
            assert_eq!(got as f64, *hta_us, "{} rank {rank}: {name}", run.name);
            if !s.profiler_filter_ran {
                // Our exact time differs from HTA's only by its rounding: each event can
                // lose less than 1 µs at each end.
                let (ns, n) = s.exact[name];
                let diff = (ns - (*hta_us as i64) * 1000).abs();
                assert!(
                    diff < 2000 * n as i64 + 1,
                    "{} {name}: exact {ns} ns vs HTA {hta_us} µs over {n} events",
                    run.name
                );
            }
            checked_rows += 1;
        }
        checked_runs.push(run.name);
    }
    println!("checked {checked_rows} kernel rows in {} runs: {checked_runs:?}", checked_runs.len());
    // The in-repo fixtures alone cover these runs, so the check never silently empties.
    assert!(checked_runs.len() >= 9, "{checked_runs:?}");
}
