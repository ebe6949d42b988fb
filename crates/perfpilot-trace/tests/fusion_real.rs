//! The fusion catalogue on real kernel streams (tests/fixtures/trace/kernel-seq/*.tsv,
//! extracted from the TraceLens traces; see tests/fixtures/trace/SOURCES.md).

use perfpilot_trace::fusion::{Catalogue, ConditionStatus, Context, FusionMatch, KernelRef};
use perfpilot_trace::taxonomy::{Category, Taxonomy, canonical_name};

struct Seq {
    names: Vec<String>,
    kernels: Vec<(i64, i64, u64, usize)>,
}

fn load(file: &str) -> Seq {
    let path =
        format!("{}/../../tests/fixtures/trace/kernel-seq/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut names = Vec::new();
    let mut kernels = Vec::new();
    for line in text.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        match cols.first() {
            Some(&"N") => names.push(canonical_name(cols[2]).into_owned()),
            Some(&"K") => kernels.push((
                cols[1].parse().unwrap(),
                cols[2].parse().unwrap(),
                cols[3].parse().unwrap(),
                cols[4].parse().unwrap(),
            )),
            _ => {}
        }
    }
    Seq { names, kernels }
}

fn scan(seq: &Seq, ctx: &Context) -> (Vec<FusionMatch>, Vec<Category>) {
    let tax = Taxonomy::embedded();
    let cats: Vec<Category> = seq.names.iter().map(|n| tax.classify_canonical(n).0).collect();
    let refs: Vec<KernelRef<'_>> = seq
        .kernels
        .iter()
        .map(|&(start_ns, dur_ns, stream, n)| KernelRef {
            name: &seq.names[n],
            category: cats[n],
            stream,
            start_ns,
            dur_ns,
            pass: None,
        })
        .collect();
    let per_kernel = seq.kernels.iter().map(|k| cats[k.3]).collect();
    (Catalogue::embedded().scan(&refs, ctx), per_kernel)
}

fn summary(label: &str, m: &[FusionMatch]) {
    eprintln!("{label}:");
    for f in m {
        eprintln!(
            "  {:<28} count {:>4}  {:>9.3} ms  fused-present {:<5} conditions {:?}",
            f.id,
            f.count,
            f.total_ns as f64 / 1e6,
            f.already_fused,
            f.conditions
        );
    }
}

fn find<'a>(m: &'a [FusionMatch], id: &str) -> Option<&'a FusionMatch> {
    m.iter().find(|x| x.id == id)
}

#[test]
fn hf_qwen_eager_shows_unfused_norm_rope_and_silu_mul() {
    // HF transformers eager Qwen1.5-0.5B (24 layers, one profiled step): every RMSNorm is
    // pow/mean/add/rsqrt/mul, every residual add is separate, SiLU and the gating mul are
    // separate kernels around the up-projection GEMM, RoPE is rotate_half.
    let seq = load("qwen1.5-0.5b-h100-hf.tsv");
    let ctx = Context {
        dtype: Some("bf16".into()),
        quantization: Some("none".into()),
        tp_size: Some(1),
        ..Context::default()
    };
    let (m, _) = scan(&seq, &ctx);
    summary("qwen1.5 h100 hf", &m);
    let count_named =
        |needle: &str| seq.kernels.iter().filter(|k| seq.names[k.3].contains(needle)).count();
    // The profiled step spans more than one forward, so expectations come from the data:
    // every rsqrt closes one RMSNorm, every SiLU kernel gates one MLP, every neg is one
    // rotate_half (q and k).
    let norm = find(&m, "rmsnorm-decomposed").expect("decomposed RMSNorm");
    assert_eq!(norm.count, count_named("rsqrt_kernel_cuda"), "one composite per rsqrt");
    assert!(!norm.already_fused);
    let add = find(&m, "add-rmsnorm").expect("add + RMSNorm");
    // Every decomposed norm but the first of the step follows a residual add.
    assert!(
        add.count + 2 >= norm.count && add.count > 0,
        "add-rmsnorm {} vs norms {}",
        add.count,
        norm.count
    );
    let silu = find(&m, "silu-mul").expect("SiLU + mul");
    assert_eq!(silu.count, count_named("silu_kernel"), "one SiLU+mul per MLP");
    assert!(!silu.already_fused);
    let rope = find(&m, "rope-decomposed").expect("decomposed RoPE");
    assert_eq!(rope.count, count_named("neg_kernel_cuda"), "q and k per layer");
    // Every occurrence is made of adjacent kernels of one stream, in order.
    for f in &m {
        for o in &f.occurrences {
            assert!(o.kernels.windows(2).all(|w| w[0] < w[1]));
            let s = seq.kernels[o.kernels[0]].2;
            assert!(o.kernels.iter().all(|&k| seq.kernels[k].2 == s));
            let sum: i64 = o.kernels.iter().map(|&k| seq.kernels[k].1).sum();
            assert_eq!(sum, o.dur_ns);
        }
        assert_eq!(f.total_ns, f.occurrences.iter().map(|o| o.dur_ns).sum::<i64>());
    }
    // No quantised/TP fusions on a BF16 TP1 run.
    for id in
        ["nvjet-memset-fp8", "allreduce-rmsnorm", "moe-sum-allreduce", "attention-output-quant"]
    {
        if let Some(x) = find(&m, id) {
            assert_ne!(x.conditions, ConditionStatus::Holds, "{id} must not hold on BF16 TP1");
        }
    }
}

#[test]
fn sglang_mi300x_decode_is_already_fused() {
    // SGLang Qwen3-8B on MI300X uses aiter add_rmsnorm_quant and sgl act_and_mul.
    let seq = load("qwen3-8b-mi300x-sglang-decode.tsv");
    let (m, _) = scan(&seq, &Context::default());
    summary("qwen3 mi300x sglang", &m);
    let add = find(&m, "add-rmsnorm").expect("entry reported as already fused");
    assert!(add.already_fused);
    assert_eq!(add.count, 0, "no split add + RMSNorm in a fused trace");
    let silu = find(&m, "silu-mul").expect("act_and_mul present");
    assert!(silu.already_fused && silu.count == 0);
    assert!(find(&m, "rmsnorm-decomposed").is_none_or(|x| x.count == 0));
}

#[test]
fn vllm_b200_shows_fused_paths_and_gates_tp() {
    let seq = load("gpt-oss-b200-vllm-tp8-rank0.tsv");
    let ctx = Context { tp_size: Some(8), framework: Some("vllm".into()), ..Context::default() };
    let (m, _) = scan(&seq, &ctx);
    summary("gpt-oss b200 vllm", &m);
    let add = find(&m, "add-rmsnorm").expect("vllm fused_add_rms_norm_kernel present");
    assert!(add.already_fused);
    assert!(add.fused_seen.iter().any(|n| n.contains("fused_add_rms_norm_kernel")));
    // The MoE runs on TRT-LLM-gen routing + bmm + finalize: the fused MoE path is in use.
    let moe = find(&m, "moe-align-gemm-sum").expect("fused MoE runner present");
    assert!(moe.already_fused);
    // All-reduce (multimem) next to the RMSNorm: the all-reduce + RMSNorm fusion applies at TP 8.
    if let Some(ar) = find(&m, "allreduce-rmsnorm") {
        assert_eq!(ar.conditions, ConditionStatus::Holds);
        assert!(ar.count > 0);
    }
}

#[test]
fn unfused_moe_microbenchmark_shows_router_topk() {
    let seq = load("moe-b300-unfused.tsv");
    let (m, cats) = scan(&seq, &Context::default());
    assert!(cats.contains(&Category::Reduction));
    // Mixtral-style routing: router GEMM, top-k, sort, softmax of the selected logits.
    let r = find(&m, "moe-router-topk-softmax").expect("router GEMM + topk + softmax");
    assert!(r.count >= 1);
    assert!(!r.already_fused);
}

#[test]
fn scan_is_roughly_linear() {
    // 200x the Qwen stream (293k kernels) must scan in well under a few seconds even in a
    // debug build; doubling the input must not much more than double the time.
    let seq = load("qwen1.5-0.5b-h100-hf.tsv");
    let tax = Taxonomy::embedded();
    let cats: Vec<Category> = seq.names.iter().map(|n| tax.classify_canonical(n).0).collect();
    let make = |reps: usize| -> Vec<KernelRef<'_>> {
        (0..reps)
            .flat_map(|r| seq.kernels.iter().map(move |&(s, d, st, n)| (r, s, d, st, n)))
            .map(|(r, s, d, st, n)| KernelRef {
                name: &seq.names[n],
                category: cats[n],
                stream: st,
                start_ns: s + r as i64 * 100_000_000,
                dur_ns: d,
                pass: Some(r as u32),
            })
            .collect()
    };
    let cat = Catalogue::embedded();
    let small = make(25);
    let big = make(100);
    let t0 = std::time::Instant::now();
    let a = cat.scan(&small, &Context::default());
    let t_small = t0.elapsed();
    let t1 = std::time::Instant::now();
    let b = cat.scan(&big, &Context::default());
    let t_big = t1.elapsed();
    let count = |v: &[FusionMatch], id: &str| find(v, id).map_or(0, |x| x.count);
    assert_eq!(count(&b, "silu-mul"), 4 * count(&a, "silu-mul"));
    // 4x input: allow generous noise, but not quadratic (16x).
    assert!(
        t_big.as_secs_f64() < 10.0 * t_small.as_secs_f64().max(0.001),
        "{t_small:?} -> {t_big:?}"
    );
}
