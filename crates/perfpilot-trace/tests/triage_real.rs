//! `triage()` on real traces: every shared trace runs without panicking and its tables
//! add up; directories are discovered by rank and stage; graph replays are reported as
//! replays; call sites come from the framework's frames; `--mapping` maps replays; bad
//! input gives clear errors or counted warnings.

use std::io::Write;
use std::path::{Path, PathBuf};

use perfpilot_report::{Envelope, Format, NoProgress, Report, render_to_string};
use perfpilot_trace::analysis::stage::{Stage, StageRule};
use perfpilot_trace::parse::read_trace_file;
use perfpilot_trace::triage::report::SiteKind;
use perfpilot_trace::{TraceError, TriageOptions, TriageReport, triage};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/trace").join(rel)
}

fn run(input: &Path) -> TriageReport {
    triage(&TriageOptions::new(input), &NoProgress)
        .unwrap_or_else(|e| panic!("{}: {e}", input.display()))
}

fn shared_traces() -> Option<Vec<PathBuf>> {
    let root =
        std::env::var_os("PERFPILOT_SHARED_TRACES").map(PathBuf::from).unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/traces")
        });
    if !root.exists() {
        return None;
    }
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).ok()?.flatten() {
            let p = e.path();
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if p.is_dir() && name != "hta_reference" {
                stack.push(p);
            } else if name.ends_with(".json") || name.ends_with(".json.gz") {
                out.push(p);
            }
        }
    }
    out.sort();
    Some(out)
}

/// Every trace (in-repo fixtures, and the shared folder when present): no panic, the
/// kernel table's rows sum to the stage's kernel time, which equals the model's GPU op
/// time on the analysed device.
#[test]
fn every_trace_triages_and_adds_up() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixture(""))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n != "hta_reference"))
        .flat_map(|d| std::fs::read_dir(d).unwrap().flatten().map(|e| e.path()).collect::<Vec<_>>())
        .filter(|p| {
            p.to_string_lossy().ends_with(".json.gz") || p.to_string_lossy().ends_with(".json")
        })
        .collect();
    match shared_traces() {
        Some(s) => files.extend(s),
        None => println!("shared traces absent: checking the in-repo fixtures only"),
    }
    assert!(files.len() >= 10);
    for f in &files {
        let r = run(f);
        let trace = read_trace_file(f, &NoProgress).unwrap();
        let device = r.device.device;
        let model_ns: i64 = trace
            .gpu
            .iter()
            .filter(|g| g.device == device && g.kind != perfpilot_trace::model::GpuKind::Sync)
            .map(|g| g.dur)
            .sum();
        let stage_ns: i64 = r.stages.iter().map(|s| s.kernel_time_ns).sum();
        assert_eq!(stage_ns, model_ns, "{}", f.display());
        for s in &r.stages {
            let rows: i64 = s.kernels.iter().map(|k| k.gpu_time_ns).sum();
            assert_eq!(rows, s.kernel_time_ns, "{} {:?}", f.display(), s.stage);
            assert!(s.busy_time_ns <= s.kernel_time_ns && s.busy_time_ns <= s.span_ns);
            let share: f64 = s.kernels.iter().map(|k| k.share_pct).sum();
            assert!((share - 100.0).abs() < 1e-6, "{share}");
            for k in &s.kernels {
                let site_ns: i64 = k.sites.iter().map(|x| x.gpu_time_ns).sum();
                assert!(site_ns <= k.gpu_time_ns);
                assert!(k.p50_ns > 0 || k.gpu_time_ns == 0 || k.launches > 1);
            }
            let o = &s.overlap;
            for row in &o.kernels {
                assert_eq!(row.exclusive_ns + row.hidden_ns, row.total_ns, "{}", row.name);
            }
            assert!(o.exposed_communication_ns <= o.communication_ns);
        }
        assert_eq!(
            r.links.kernels,
            r.links.launch_by_correlation + r.links.launch_by_flow + r.links.launch_missing
        );
        // Both renderers work on every report.
        let env = Envelope::new("trace triage", r);
        assert!(render_to_string(&env, Format::Md).unwrap().contains("## Kernels"));
    }
}

#[test]
fn vllm_eager_trace_has_framework_call_sites() {
    let r = run(&fixture("tl_b200_vllm_gptoss_tp8/eager_trace.json.gz"));
    assert_eq!(r.framework.as_ref().map(|f| f.value.as_str()), Some("vllm"));
    assert_eq!(r.device.name.as_deref(), Some("NVIDIA B200"));
    assert_eq!(r.links.launch_missing, 0);
    // The only step annotation is `execute_context_1(...)_generation_0(0)`: a prefill.
    assert_eq!(r.stages.len(), 1);
    assert_eq!(r.stages[0].stage, Stage::Extend);
    let s = &r.stages[0];
    let ar = s.kernels.iter().find(|k| k.name.contains("multimem_all_reduce_kernel")).unwrap();
    assert_eq!(ar.launches, 73);
    assert_eq!(ar.category, perfpilot_trace::Category::Communication);
    assert_eq!(ar.sites[0].kind, SiteKind::Frame);
    assert!(ar.sites[0].site.starts_with("vllm/distributed/"), "{}", ar.sites[0].site);
    assert_eq!(ar.cpu_op.as_deref(), Some("symm_mem::multimem_all_reduce_"));
    // Call sites of the top rows are vLLM code, not torch or Python plumbing.
    for k in s.kernels.iter().take(10) {
        assert!(k.sites[0].site.starts_with("vllm/"), "{}: {}", k.display, k.sites[0].site);
    }
}

#[test]
fn graph_replays_are_replays_not_call_sites() {
    let r = run(&fixture("tl_mi300x_sglang_decode/sglang_Qwen3-8B_decode.json.gz"));
    assert_eq!(r.stages[0].stage, Stage::Decode);
    assert!(r.links.site_cuda_graph_replay * 10 >= r.links.kernels * 9, "{:?}", r.links);
    let top = &r.stages[0].kernels[0];
    let site = &top.sites[0];
    assert_eq!(
        site.kind,
        SiteKind::Replay(perfpilot_trace::analysis::frames::ReplayKind::CudaGraph)
    );
    assert_eq!(site.graph_launches[0].api, "hipGraphLaunch");
    assert!(site.site.contains("python/sglang/"), "{}", site.site);
}

#[test]
fn annotation_stage_split_counts_rules() {
    let r = run(&fixture("tl_mi300x_vllm_graph/graph_execution.json.gz"));
    // `execute_32_context_0(...)_generation_32(...)`: a decode step, on the CPU only.
    assert_eq!(r.stages.iter().map(|s| s.stage).collect::<Vec<_>>(), vec![Stage::Decode]);
    let launch_window = r.stage_rules.iter().find(|c| c.rule == StageRule::LaunchWindow).unwrap();
    assert_eq!(launch_window.kernels, r.links.kernels);
}

fn copy(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
    std::fs::copy(src, dst).unwrap();
}

#[test]
fn profile_directory_by_rank_and_stage() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let extend = fixture("tl_b300_moe_micro/moe_05_large_capacity.json.gz");
    let decode = fixture("tl_mi300x_sglang_decode/sglang_Qwen3-8B_decode.json.gz");
    copy(&extend, &d.join("triage-trace-1700000000-TP-0-EXTEND.trace.json.gz"));
    copy(&decode, &d.join("triage-trace-1700000000-TP-0-DECODE.trace.json.gz"));
    copy(&extend, &d.join("triage-trace-1700000000-TP-1-EXTEND.trace.json.gz"));
    copy(&decode, &d.join("merged-triage-trace-1700000000-DECODE.trace.json.gz"));
    std::fs::write(d.join("server_args.json"), r#"{"model_path": "Qwen/Qwen3-8B", "tp_size": 2, "dtype": "bfloat16", "attention_backend": "aiter"}"#).unwrap();
    std::fs::write(d.join("config.json"), "{}").unwrap();
    std::fs::write(d.join("notes.json"), r#"{"not": "a trace"}"#).unwrap();

    let r = run(d);
    assert_eq!(r.ranks, vec![0, 1]);
    assert_eq!(r.rank, Some(0));
    assert_eq!(r.model.as_deref(), Some("Qwen/Qwen3-8B"));
    assert_eq!(r.framework.as_ref().map(|f| f.value.as_str()), Some("sglang"));
    assert_eq!(
        r.stages.iter().map(|s| s.stage).collect::<Vec<_>>(),
        vec![Stage::Extend, Stage::Decode]
    );
    assert_eq!(r.stage_rules.iter().map(|c| c.rule).collect::<Vec<_>>(), vec![StageRule::Path]);
    assert!(r.inputs.iter().all(|i| i.path.contains("TP-0")));
    let dropped = r.warnings.iter().find(|w| w.code == "file-not-analysed").unwrap();
    assert_eq!(dropped.count, Some(2), "{dropped:?}");

    let mut o = TriageOptions::new(d);
    o.rank = Some(1);
    o.stage = Stage::Extend;
    let r1 = triage(&o, &NoProgress).unwrap();
    assert_eq!(r1.rank, Some(1));
    assert_eq!(r1.stages.len(), 1);
    o.rank = Some(7);
    assert!(matches!(triage(&o, &NoProgress), Err(TraceError::Selection { .. })));
}

#[test]
fn mapping_trace_gives_replayed_kernels_call_sites() {
    // Formal: vLLM decode replayed by one hipGraphLaunch. Mapping: the eager vLLM trace
    // (another GPU, so only kernels both runs share can match, e.g. vLLM's own rotary
    // embedding and layer-norm kernels).
    let mut o = TriageOptions::new(fixture("tl_mi300x_vllm_graph/graph_execution.json.gz"));
    o.mapping = Some(fixture("tl_b200_vllm_gptoss_tp8/eager_trace.json.gz"));
    let r = triage(&o, &NoProgress).unwrap();
    let m = r.mapping.as_ref().unwrap();
    assert!(m.needed > 400, "{m:?}");
    assert!(m.matched > 0 && m.matched < m.needed, "{m:?}");
    assert!((m.match_rate_pct - 100.0 * m.matched as f64 / m.needed as f64).abs() < 1e-9);
    let mapped: Vec<_> = r
        .stages
        .iter()
        .flat_map(|s| &s.kernels)
        .flat_map(|k| &k.sites)
        .filter(|s| s.kind == SiteKind::Mapped)
        .collect();
    assert!(!mapped.is_empty());
    assert!(mapped.iter().all(|s| s.site.starts_with("vllm/")), "{mapped:?}");
    assert!(r.inputs.iter().any(|i| i.role == "mapping"));
}

#[test]
fn json_is_deterministic_with_stable_ids() {
    let f = fixture("hta_a100_nccl_ddp/nccl_data.json.gz");
    let a = serde_json::to_string(&run(&f)).unwrap();
    let b = serde_json::to_string(&run(&f)).unwrap();
    assert_eq!(a, b);
    let r = run(&f);
    assert_eq!(r.schema_version(), "perfpilot.trace.triage/5");
    let ids: std::collections::HashSet<&str> =
        r.stages[0].kernels.iter().map(|k| k.id.as_str()).collect();
    assert_eq!(ids.len(), r.stages[0].kernels.len());
    // Two streams (NCCL on its own stream): some communication is hidden under compute.
    let o = &r.stages[0].overlap;
    assert_eq!(o.max_streams, 2);
    assert!(o.exposed_communication_ns < o.communication_ns);
}

#[test]
fn legacy_kineto_format_is_read() {
    let r = run(&fixture("kineto_resnet50_legacy/worker0.pt.trace.json.gz"));
    // Capitalised categories and string tids; launches joined by correlation (a few GPU
    // ops launched before the profiling window have no launch event).
    assert!(r.links.launch_by_correlation * 10 > r.links.kernels * 9, "{:?}", r.links);
    assert!(r.stages[0].kernels.len() > 20);
    assert!(r.stages[0].kernels.iter().all(|k| k.streams == vec![7]));
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::File::create(&p).unwrap().write_all(bytes).unwrap();
    p
}

#[test]
fn bad_input_is_reported_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let gz = std::fs::read(fixture("tl_b300_moe_micro/moe_05_large_capacity.json.gz")).unwrap();
    let truncated = write(d, "cut.json.gz", &gz[..gz.len() / 2]);
    let err = triage(&TriageOptions::new(&truncated), &NoProgress).unwrap_err();
    assert!(matches!(err, TraceError::Decompress { .. }), "{err}");
    assert!(err.to_string().contains("cut.json.gz"));

    let bad = write(
        d,
        "bad.trace.json",
        b"{\"traceEvents\": [\n {\"ph\": \"X\", \"ts\": 1,, \"dur\": 2}\n]}",
    );
    match triage(&TriageOptions::new(&bad), &NoProgress).unwrap_err() {
        TraceError::Json { offset, path, .. } => {
            assert_eq!(offset, 39, "the second comma");
            assert!(path.ends_with("bad.trace.json"));
        }
        other => panic!("{other}"),
    }
    let not_trace = write(d, "server_args.json", br#"{"model_path": "m"}"#);
    assert!(matches!(
        triage(&TriageOptions::new(&not_trace), &NoProgress),
        Err(TraceError::NotATrace { .. })
    ));
    let empty = tempfile::tempdir().unwrap();
    assert!(matches!(
        triage(&TriageOptions::new(empty.path()), &NoProgress),
        Err(TraceError::NoTraces { .. })
    ));
    assert!(matches!(
        triage(&TriageOptions::new(d.join("missing.json")), &NoProgress),
        Err(TraceError::Io { .. })
    ));

    // Usable trace with broken events: warnings with counts, the rest analysed.
    let odd = write(d, "odd.json", br#"[
      {"ph": "X", "cat": "kernel", "name": "a", "pid": 0, "tid": 7, "ts": 10, "dur": 5, "args": {"stream": 7}},
      {"ph": "X", "cat": "kernel", "name": "b", "pid": 0, "tid": 7, "ts": 20, "dur": -3, "args": {"stream": 7}},
      {"ph": "X", "cat": "kernel", "name": "c", "pid": 0, "tid": 7, "ts": 30, "args": {"stream": 7}},
      {"ph": "X", "cat": "kernel", "name": "d", "pid": 0, "tid": 7, "ts": 40, "dur": 0.0004, "args": {"stream": 7}},
      {"ph": "X", "cat": "kernel", "pid": 0, "tid": 7, "ts": 50, "dur": 1, "args": {"stream": 7}}
    ]"#);
    let r = run(&odd);
    let codes: Vec<(&str, Option<u64>)> =
        r.warnings.iter().map(|w| (w.code.as_str(), w.count)).collect();
    for want in [
        ("negative-duration", Some(1)),
        ("missing-dur", Some(1)),
        ("missing-name", Some(1)),
        ("sub-ns-time", Some(1)),
    ] {
        assert!(codes.contains(&want), "{codes:?}");
    }
    assert_eq!(r.stages[0].kernels.len(), 2);
}

/// The token model reads kernel names only: the HTA AlexNet trace's `Stream Wait Event` sync
/// record (whose words, `stream` and `wait`, it would call communication) stays `other`, by
/// fallback, wherever its row is made (triage, export).
#[test]
fn sync_records_are_not_token_model_decisions() {
    use perfpilot_trace::analysis::kernels::RowIndex;
    use perfpilot_trace::model::GpuKind;
    use perfpilot_trace::taxonomy::{Category, Evidence, Taxonomy};
    let path = fixture("hta_a100_alexnet/benchmark_result_2869224_1695835535_trace.json.gz");
    let t = read_trace_file(&path, &NoProgress).expect("parses");
    let tax = Taxonomy::embedded();
    let mut rows = RowIndex::new(&tax);
    let mut seen = 0;
    for g in t.gpu.iter().filter(|g| g.kind == GpuKind::Sync) {
        let r = rows.row_of(&t, g.name, g.kind) as usize;
        let f = &rows.rows[r];
        assert_ne!(f.evidence, Evidence::TokenModel, "{}", f.name);
        if f.name == "Stream Wait Event" {
            assert_eq!((f.category, f.evidence), (Category::Other, Evidence::Fallback));
            seen += 1;
        }
    }
    assert!(seen > 0, "the fixture's Stream Wait Event records");
}
