//! Round 9 of issue 15 (branch trifix9): the classes still missed across all scored splits.

#[path = "../../../tests/support/corpus.rs"]
mod corpus;
#[path = "rules/verdict.rs"]
mod verdict;

use corpus::{split_of, splits, tsv_rows};
use verdict::triage_file;

/// Prints every miss of every scored split with its findings (run with `--ignored
/// --nocapture`): the diagnosis table of docs/triage-corpus-2.md, round 9.
#[test]
#[ignore]
fn print_misses() {
    let split = splits();
    for cols in tsv_rows("failures/labels.tsv") {
        let (file, class, source) = (cols[0].as_str(), cols[1].as_str(), cols[2].as_str());
        let side = split_of(&split, source);
        let r = triage_file(file);
        if r.class.as_str() == class {
            continue;
        }
        println!("MISS {side}\t{file}\texpected {class}\tgot {}", r.class.as_str());
        println!("   why: {}", cols.get(4).map_or("", String::as_str));
        for f in &r.findings {
            println!(
                "   - {} {:?} conf {:.2} phase {:?} sig {:?}",
                f.class.as_str(),
                f.severity,
                f.confidence,
                f.phase,
                f.signature
            );
            for k in ["decided_by", "still_possible", "undecided_phase", "would_settle"] {
                if let Some(v) = f.facts.get(k) {
                    println!("       {k}: {}", v.chars().take(200).collect::<String>());
                }
            }
            for s in f.signal.iter().take(3) {
                println!("       L{}: {}", s.line, s.text.chars().take(160).collect::<String>());
            }
        }
    }
}

/// Step 3 of round 9, measured (run with `--ignored --nocapture`): what a documented fallback
/// would do for the logs left `unknown` — pick, among the classes the finding still names
/// (`still_possible`), the one most frequent among the labels of the logs whose verdict finding
/// is in the same phase (the prior, counted over every scored split) — and how the evidence
/// rules' low-confidence guesses (`forward-or-sync-cut` and the step rules) fare against the labels.
#[test]
#[ignore]
fn measure_fallback_prior() {
    use std::collections::BTreeMap;
    let split = splits();
    let mut rows = Vec::new();
    for cols in tsv_rows("failures/labels.tsv") {
        let (file, class, source) = (cols[0].clone(), cols[1].clone(), cols[2].clone());
        let side = split_of(&split, &source);
        let r = triage_file(&file);
        let f = r.findings.iter().find(|f| f.class == r.class);
        let phase = f
            .and_then(|f| {
                f.facts
                    .get("undecided_phase")
                    .map(|p| p.split(' ').next().unwrap_or("").to_string())
            })
            .or_else(|| f.map(|f| f.phase.as_str().to_string()))
            .unwrap_or_else(|| "none".into());
        let possible = f.and_then(|f| f.facts.get("still_possible").cloned()).unwrap_or_default();
        let by = f
            .and_then(|f| f.facts.get("decided_by").cloned())
            .map(|b| b.split([' ', '(']).next().unwrap_or("").to_string())
            .unwrap_or_default();
        rows.push((side, file, class, r.class.as_str().to_string(), phase, possible, by));
    }
    let mut prior: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for (_, _, label, _, phase, _, _) in &rows {
        *prior.entry(phase.clone()).or_default().entry(label.clone()).or_default() += 1;
    }
    for (phase, counts) in &prior {
        let mut v: Vec<_> = counts.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1));
        println!("PRIOR {phase}: {v:?}");
    }
    let (mut fixed, mut tried) = (0, 0);
    for (side, file, label, got, phase, possible, _) in &rows {
        if got != "unknown" {
            continue;
        }
        let pick = possible
            .split(", ")
            .filter(|c| !c.is_empty())
            .max_by_key(|c| prior.get(phase).and_then(|m| m.get(*c)).copied().unwrap_or(0));
        if let Some(p) = pick {
            tried += 1;
            fixed += usize::from(p == label);
        }
        println!("UNDECIDED {side} {file}: label {label}, phase {phase}, fallback {pick:?}");
    }
    println!("FALLBACK: {tried} undecided logs with candidates, {fixed} would be right");
    let mut by_rule: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (_, _, label, got, _, _, by) in &rows {
        if by.is_empty() || by == "signature" {
            continue;
        }
        let e = by_rule.entry(by.clone()).or_default();
        if label == got {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }
    for (rule, (right, wrong)) in &by_rule {
        println!("EVIDENCE {rule}: right {right}, wrong {wrong}");
    }
}

/// The logs of the round's classes, each decided by the mechanism or rule written for its class
/// (line forms, precedence, phase, the undecided fallback), with the line that shows it.
/// Expectations from the labels (`labels.tsv`) and the programs' sources named in the data files.
#[test]
fn round9_families_decide_their_development_logs() {
    verdict::assert_files_decide(&[
        // `torch.OutOfMemoryError:` cut after the colon, in the capture phase.
        (
            "sglang-pr14476-olmo2-32b-piecewise-capture-num-tokens-oom-cut.log",
            "oom-graph-capture",
            "oom-in-capture-phase",
            "torch.OutOfMemoryError:",
        ),
        // ggml's allocator failing for the KV cache's buffer (lines run together).
        (
            "strixhalotoolboxes-65-qwen3-coder-bf16-kv-3048mib-default-ctx.log",
            "context-exceeds-kv",
            "ggml-kv-buffer-alloc",
            "failed to allocate buffer for kv cache",
        ),
        // DJL Serving's relay prefix; the caller's `capture_model(self.gpu_cache)`.
        (
            "vllm-2856-v027-djl-awq-tp8-capture-model-cut.log",
            "oom-graph-capture",
            "graph-capture-cut",
            "in warm_up_model",
        ),
        // An OOM at a layer's weight allocation.
        (
            "vllm-636-v012-llama70b-qkv-weight-oom.log",
            "oom-weights",
            "weight-parameter-oom-text",
            "Parameter(torch.empty(",
        ),
        // Caret notation (`^[[1;36m`, `^M`) split into lines.
        (
            "seedoss-10-vllm-tool-call-jinja-render-cut.log",
            "tokenizer-error",
            "tokenizer-decode",
            "apply_chat_template",
        ),
        // Frames hard-wrapped inside their paths.
        (
            "vllm-29360-deepgemm-warmup-oom-wrapped-cut.log",
            "oom-runtime",
            "warmup-frames-cut",
            "torch.empty(",
        ),
        // The undecided fallback: cut tracebacks while serving.
        (
            "mlxlm-1077-server-deepseek-eos-detokenizer-cut.log",
            "tokenizer-error",
            "prior:serve",
            "Traceback",
        ),
        (
            "vllm-13978-llama-tool-calls-empty-chat-template-500-asgi-cut.log",
            "tokenizer-error",
            "prior:serve",
            "starlette",
        ),
    ]);
    // The fallback is a low-confidence guess that keeps the other classes.
    let r = triage_file("mlxlm-1077-server-deepseek-eos-detokenizer-cut.log");
    let f = r.findings.iter().find(|f| f.class == r.class).expect("verdict finding");
    assert!(f.confidence < 0.3 && f.confidence_label == "low", "{}", f.confidence);
    let others = f.facts.get("still_possible").map_or("", String::as_str);
    assert!(others.contains("illegal-memory-access") && !others.contains("tokenizer-error"));
}

/// The wordings of `data/messages.toml`, as pasted in public threads and documents (each line as
/// posted; the source in the comment), read alone: each decides its class by its signature.
#[test]
fn round9_wordings_decide_pasted_lines() {
    verdict::assert_texts_decide(&[
        // A vLLM deployment note quoting its container's error (gpt-oss on v0.6.3.post1).
        (
            "ValueError: The checkpoint you are trying to load has model type 'gpt_oss' but Transformers does not recognize this architecture.",
            "dependency-mismatch",
            "transformers-unknown-model-type",
        ),
        // vllm-project/vllm#6655's title.
        (
            "AssertionError: Torch not compiled with CUDA enabled",
            "dependency-mismatch",
            "torch-built-without-cuda",
        ),
        // A benchmark handbook quoting vLLM V0 (0.5B model, chunked prefill off).
        (
            "ValueError: max_num_batched_tokens (4096) is smaller than max_model_len (4608).",
            "config-invalid",
            "batched-tokens-below-max-len",
        ),
        // A bench log of vLLM >= 0.10 (pydantic line form).
        (
            "Value error, Quantization method specified in the model config (compressed-tensors) does not match the quantization method specified in the `quantization` argument (awq_marlin).",
            "config-invalid",
            "quantization-argument-mismatch",
        ),
        // A transformers traceback for google/gemma-3-1b-pt.
        ("OSError: You are trying to access a gated repo.", "model-not-found", "hf-gated-repo"),
        // `ollama run llama3.1:70b` on a Raspberry Pi (a blog post's paste).
        (
            "Error: model requires more system memory (44.0 GiB) than is available (7.6 GiB)",
            "oom-weights",
            "ollama-system-memory-estimate",
        ),
        // A GPTQ quantisation run's traceback (an issue comment of 2025-10-04).
        (
            "RuntimeError: CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`",
            "oom-runtime",
            "cublas-alloc-failed",
        ),
    ]);
}
