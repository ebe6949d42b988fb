//! `trace layers` on real LLM traces (tests/fixtures/trace) with real model configs
//! (tests/fixtures/layers): the true layer count per pass, no `--anchor`, and the
//! per-layer sums adding up to the kernel totals.

use std::path::PathBuf;

use perfpilot_report::NoProgress;
use perfpilot_trace::{LayersOptions, LayersReport, TriageOptions, layers, triage};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn trace(rel: &str) -> PathBuf {
    repo().join("tests/fixtures/trace").join(rel)
}

fn config(model: &str) -> PathBuf {
    repo().join("tests/fixtures/layers").join(model).join("config.json")
}

fn run(opts: LayersOptions) -> LayersReport {
    layers(&opts, &NoProgress).unwrap_or_else(|e| panic!("{}: {e}", opts.input.display()))
}

/// Layers + prologue + epilogue = the pass; passes + outside = every GPU op of the
/// device, and that equals `trace triage`'s kernel time.
fn assert_sums(r: &LayersReport, input: &PathBuf) {
    for p in &r.passes {
        if p.layers.is_some() {
            assert_eq!(p.layers_ns + p.prologue_ns + p.epilogue_ns, p.kernel_time_ns, "{}", p.id);
        }
    }
    if let Some(i) = r.reported_pass {
        let p = &r.passes[i];
        let layer_sum: i64 = r.layers.iter().map(|l| l.sum_ns).sum();
        assert_eq!(layer_sum, p.layers_ns, "per-layer rows add up to the pass's layer time");
        let split_sum: i64 = r.layers.iter().map(|l| l.split.total()).sum();
        assert_eq!(split_sum, layer_sum, "category split adds up");
        let k: u64 = r.layers.iter().map(|l| l.kernels).sum();
        assert_eq!(k + p.prologue_kernels + p.epilogue_kernels, p.kernels);
    }
    let all: i64 = r.passes.iter().map(|p| p.kernel_time_ns).sum::<i64>() + r.outside_ns;
    let t = triage(&TriageOptions::new(input), &NoProgress).unwrap();
    let triage_total: i64 = t.stages.iter().map(|s| s.kernel_time_ns).sum();
    assert_eq!(all, triage_total, "passes + outside = trace triage's kernel time");
}

#[test]
fn hf_qwen15_h100_24_layers_from_the_option() {
    let input = trace("tl_h100_qwen15_hf/Qwen_Qwen1.5-0.5B-Chat__1016005.json.gz");
    let mut o = LayersOptions::new(&input);
    o.layers = Some(24);
    let r = run(o);
    assert_eq!(r.passes.len(), 1, "{:#?}", r.passes);
    assert_eq!(r.passes[0].step.as_deref(), Some("ProfilerStep#6"));
    assert_eq!(r.passes[0].layers, Some(24));
    assert_eq!(r.layers.len(), 24);
    assert!(
        r.outside_kernels > 400,
        "the tail of step 5 ran inside the window: {}",
        r.outside_kernels
    );
    // Every layer runs one flash-attention kernel and the same kernels.
    assert!(r.layers.iter().all(|l| l.kernels == r.layers[0].kernels));
    assert!(r.layers.iter().all(|l| l.split.attention_ns > 0));
    assert_sums(&r, &input);
}

#[test]
fn vllm_gpt_oss_b200_36_layers_alternating_attention() {
    let input = trace("tl_b200_vllm_gptoss_tp8/eager_trace.json.gz");
    let mut o = LayersOptions::new(&input);
    o.config = Some(config("openai__gpt-oss-120b"));
    let r = run(o);
    assert_eq!(r.passes.len(), 1);
    assert_eq!(r.passes[0].layers, Some(36));
    assert_eq!(r.clusters.len(), 2, "sliding and full attention: {:#?}", r.clusters);
    assert!(r.clusters.iter().all(|c| c.count == 18));
    // Each layer holds the MoE all-reduce and the attention all-reduce.
    assert!(
        r.layers[1..].iter().all(|l| l.allreduce == 2),
        "{:?}",
        r.layers.iter().map(|l| l.allreduce).collect::<Vec<_>>()
    );
    assert_sums(&r, &input);
}

#[test]
fn vllm_gpt_oss_mi300x_graph_24_layers() {
    let input = trace("tl_mi300x_vllm_graph/graph_execution.json.gz");
    let mut o = LayersOptions::new(&input);
    o.config = Some(config("openai__gpt-oss-20b"));
    let r = run(o);
    assert_eq!(r.passes.len(), 1);
    assert_eq!(r.passes[0].layers, Some(24));
    assert_eq!(r.passes[0].stage, "decode");
    assert_sums(&r, &input);
}

#[test]
fn sglang_qwen3_8b_mi300x_36_layers() {
    let input = trace("tl_mi300x_sglang_decode/sglang_Qwen3-8B_decode.json.gz");
    let mut o = LayersOptions::new(&input);
    o.config = Some(config("Qwen__Qwen3-8B"));
    let r = run(o);
    assert_eq!(r.passes.len(), 1);
    assert_eq!(r.passes[0].layers, Some(36));
    assert_eq!(r.passes[0].stage, "decode");
    assert_eq!(r.clusters.len(), 1);
    assert_sums(&r, &input);
}

#[test]
fn the_layer_count_is_inferred_without_config() {
    let input = trace("tl_mi300x_sglang_decode/sglang_Qwen3-8B_decode.json.gz");
    let r = run(LayersOptions::new(&input));
    assert_eq!(r.passes[0].layers, Some(36));
    assert!(r.warnings.iter().any(|w| w.code == "layers-inferred"));
}

#[test]
fn a_wrong_layer_count_is_unsure_with_evidence() {
    let input = trace("tl_mi300x_sglang_decode/sglang_Qwen3-8B_decode.json.gz");
    let mut o = LayersOptions::new(&input);
    o.layers = Some(35);
    let r = run(o);
    assert_eq!(r.passes[0].layers, None);
    assert!(r.layers.is_empty());
    assert!(!r.detection.evidence.is_empty());
    assert!(r.warnings.iter().any(|w| w.code == "layers-unsure"));
}

/// The compute-flow columns of every flow table of a report's document.
fn flow_columns(r: &LayersReport) -> Vec<Vec<String>> {
    use perfpilot_report::{Block, Report};
    r.document()
        .sections
        .iter()
        .filter(|s| s.title.starts_with("Compute flow"))
        .flat_map(|s| &s.blocks)
        .filter_map(|b| match b {
            Block::Table(t) => Some(t.columns.iter().map(|c| c.name.clone()).collect()),
            _ => None,
        })
        .collect()
}

/// Input dims come from the kernel's launching `cpu_op` (correlation → runtime call →
/// External id). Expected values read by hand from the trace JSON (`python3 -c` over the
/// gunzipped file: kernel `args` → `cudaLaunchKernel` / `cuLaunchKernelEx` with the same
/// `correlation` → `cpu_op` with the same `External id` → its `Input Dims`/`Input type`).
#[test]
fn compute_flow_shows_the_launching_ops_input_dims() {
    // HF Qwen1.5-0.5B prefill on H100 (record_shapes): batch 16 x 559 tokens = 8944 rows.
    // flash_fwd_kernel (External id 22530 in the last layer) ← aten::_flash_attention_forward
    // Input Dims [[16, 559, 16, 64] x3, [] x12], Input type [BFloat16 x3, "", "", Scalar x6,
    // "" x4]; the last xmma gemm ← aten::mm [[8944, 2816], [2816, 1024]] (down_proj).
    let input = trace("tl_h100_qwen15_hf/Qwen_Qwen1.5-0.5B-Chat__1016005.json.gz");
    let mut o = LayersOptions::new(&input);
    o.layers = Some(24);
    let r = run(o);
    assert_eq!(r.compute_flows.len(), 1);
    let flow = &r.compute_flows[0].kernels;
    let attn: Vec<_> = flow.iter().filter(|k| k.category == "attention").collect();
    assert_eq!(attn.len(), 1, "{attn:#?}");
    assert_eq!(attn[0].cpu_op, "aten::_flash_attention_forward");
    assert_eq!(attn[0].input_dims, "[16,559,16,64]x[16,559,16,64]x[16,559,16,64]");
    assert_eq!(
        attn[0].input_types,
        "c10::BFloat16,c10::BFloat16,c10::BFloat16,,,Scalar,Scalar,Scalar,Scalar,Scalar,Scalar"
    );
    let last_gemm = flow.iter().rfind(|k| k.category == "gemm").unwrap();
    assert_eq!(
        (last_gemm.cpu_op.as_str(), last_gemm.input_dims.as_str()),
        ("aten::mm", "[8944,2816]x[2816,1024]")
    );
    assert!(flow_columns(&r).iter().all(|c| c.last().map(String::as_str) == Some("input dims")));

    // vLLM gpt-oss-120b on B200 (eager, cuLaunchKernelEx): fmhaSm100a… (External id 901)
    // ← vllm::unified_attention_with_output [[888, 8, 64], [888, 1, 64], [888, 1, 64],
    // [888, 8, 64], [], [], []], Input type [Float8_e4m3fn, BFloat16 x3, "" x3].
    let input = trace("tl_b200_vllm_gptoss_tp8/eager_trace.json.gz");
    let mut o = LayersOptions::new(&input);
    o.config = Some(config("openai__gpt-oss-120b"));
    let r = run(o);
    for f in &r.compute_flows {
        let attn = f.kernels.iter().find(|k| k.category == "attention").unwrap();
        assert_eq!(attn.cpu_op, "vllm::unified_attention_with_output", "{}", f.kind);
        assert_eq!(attn.input_dims, "[888,8,64]x[888,1,64]x[888,1,64]x[888,8,64]");
        assert_eq!(
            attn.input_types,
            "c10::Float8_e4m3fn,c10::BFloat16,c10::BFloat16,c10::BFloat16"
        );
    }

    // vLLM on MI300X with HIP graphs: every kernel is a hipGraphLaunch replay, whose
    // runtime call has no External id and no enclosing cpu_op: no dims, no column.
    let input = trace("tl_mi300x_vllm_graph/graph_execution.json.gz");
    let mut o = LayersOptions::new(&input);
    o.config = Some(config("openai__gpt-oss-20b"));
    let r = run(o);
    assert!(!r.compute_flows.is_empty());
    assert!(r.compute_flows.iter().flat_map(|f| &f.kernels).all(|k| k.input_dims.is_empty()));
    assert!(flow_columns(&r).iter().all(|c| !c.iter().any(|n| n == "input dims")));
}

/// Every event of a trace file, as JSON values, in order.
fn events(path: &std::path::Path) -> Vec<serde_json::Value> {
    let bytes = std::fs::read(path).unwrap();
    let text = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut s)
            .unwrap();
        s
    } else {
        String::from_utf8(bytes).unwrap()
    };
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    match v {
        serde_json::Value::Object(mut m) => match m.remove("traceEvents") {
            Some(serde_json::Value::Array(a)) => a,
            other => panic!("traceEvents: {other:?}"),
        },
        serde_json::Value::Array(a) => a,
        other => panic!("{other:?}"),
    }
}

#[test]
fn emitted_layer_trace_keeps_every_original_event() {
    let dir = tempfile::tempdir().unwrap();
    for (rel, model, gz) in [
        ("tl_mi300x_sglang_decode/sglang_Qwen3-8B_decode.json.gz", "Qwen__Qwen3-8B", true),
        ("tl_mi300x_vllm_graph/graph_execution.json.gz", "openai__gpt-oss-20b", false),
    ] {
        let input = trace(rel);
        let out = dir.path().join(if gz { "layers.json.gz" } else { "layers.json" });
        let mut o = LayersOptions::new(&input);
        o.config = Some(config(model));
        o.emit_trace = Some(out.clone());
        let r = run(o);
        let emitted = r.emitted.as_ref().unwrap();
        let before = events(&input);
        let after = events(&out);
        assert_eq!(&after[..before.len()], &before[..], "original events unchanged and first");
        let added = &after[before.len()..];
        let layers: Vec<&serde_json::Value> = added
            .iter()
            .filter(|e| e["name"].as_str().is_some_and(|n| n.contains("/ layer ")))
            .collect();
        let want = r.passes.iter().filter_map(|p| p.layers).sum::<usize>();
        assert_eq!(layers.len(), want);
        assert_eq!(emitted.slices as usize, added.iter().filter(|e| e["ph"] == "X").count());
        for e in added {
            assert_eq!(e["pid"], added[0]["pid"], "one guide process");
            if e["ph"] == "X" {
                assert!(e["ts"].as_f64().is_some() && e["dur"].as_f64().unwrap() >= 0.0, "{e}");
            }
        }
        // Layer guides never overlap on their track.
        let mut spans: Vec<(f64, f64)> = layers
            .iter()
            .map(|e| {
                let t = e["ts"].as_f64().unwrap();
                (t, t + e["dur"].as_f64().unwrap())
            })
            .collect();
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        // (f64 µs at ~5e12 resolve about 1 ns, hence the 2 ns slack)
        assert!(spans.windows(2).all(|w| w[0].1 <= w[1].0 + 0.002), "guides overlap");
        // The output parses back as a trace.
        perfpilot_trace::parse::read_trace_file(&out, &NoProgress).unwrap();
    }
}

#[test]
fn diff_of_a_trace_with_itself_is_zero_and_a_scaled_family_is_the_only_change() {
    use perfpilot_trace::{DiffOptions, diff};
    let input = trace("tl_b200_vllm_gptoss_tp8/eager_trace.json.gz");
    let cfg = config("openai__gpt-oss-120b");
    let mut o = DiffOptions::new(&input, &input);
    o.config = Some(cfg.clone());
    let same = diff(&o, &NoProgress).unwrap();
    assert!(
        same.categories
            .iter()
            .chain(&same.kernels)
            .chain(&same.layer_types)
            .all(|r| r.delta_ns == 0.0)
    );
    assert!(same.new_kernels.is_empty() && same.gone_kernels.is_empty());
    assert_eq!(same.layer_types.len(), 2);
    assert!(same.verdict.starts_with("No change"), "{}", same.verdict);

    // AFTER: every nvjet GEMM twice as long (written by the test from the real trace).
    let dir = tempfile::tempdir().unwrap();
    let after = dir.path().join("after.json");
    let bytes = std::fs::read(&input).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text)
        .unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut scaled_ns = 0i64;
    for e in doc["traceEvents"].as_array_mut().unwrap() {
        if e["cat"] == "kernel" && e["name"].as_str().is_some_and(|n| n.starts_with("nvjet")) {
            let d = e["dur"].as_f64().unwrap();
            scaled_ns += (d * 1000.0).round() as i64;
            e["dur"] = serde_json::json!(d * 2.0);
        }
    }
    std::fs::write(&after, serde_json::to_vec(&doc).unwrap()).unwrap();
    let mut o = DiffOptions::new(&input, &after);
    o.config = Some(cfg);
    let d = diff(&o, &NoProgress).unwrap();
    assert_eq!(d.total.delta_ns, scaled_ns as f64);
    let gemm = d.categories.iter().find(|c| c.id == "cat-gemm").unwrap();
    assert_eq!(gemm.delta_ns, scaled_ns as f64, "the whole change is in gemm");
    assert!(d.categories.iter().filter(|c| c.id != "cat-gemm").all(|c| c.delta_ns == 0.0));
    assert!(d.kernels.iter().filter(|k| k.delta_ns != 0.0).all(|k| k.name.starts_with("nvjet")));
    assert!(d.new_kernels.is_empty() && d.gone_kernels.is_empty());
    assert!(d.verdict.contains("gemm"), "{}", d.verdict);
    assert!(d.layer_types.iter().all(|t| t.delta_ns > 0.0), "every layer type has GEMMs");
}

#[test]
fn a_model_without_attention_gets_no_guessed_layer_count() {
    // AlexNet training steps: repeated kernels, but no attention: not a decoder stack.
    let input = trace("hta_a100_alexnet/benchmark_result_2869224_1695835535_trace.json.gz");
    let r = run(LayersOptions::new(&input));
    assert!(r.model.is_none());
    assert!(r.passes.iter().all(|p| p.layers.is_none()));
    assert!(r.warnings.iter().any(|w| w.code == "layers-unsure"));
    assert!(
        r.detection.evidence.iter().any(|e| e.contains("--layers")),
        "{:?}",
        r.detection.evidence
    );
}
