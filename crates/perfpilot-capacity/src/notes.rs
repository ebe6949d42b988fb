//! Tuning notes that depend on the model and on what was observed or predicted.

use crate::common::Note;
use crate::model::{KvCost, KvFormat, ModelConfig};
use crate::rules::Rules;
use crate::scenario::{Binding, ConcurrencyRow, Engine};
use crate::units::{GIB, fmt_gib, fmt_int};

/// What the notes are computed from.
pub struct NoteInputs<'a> {
    /// Engine.
    pub engine: Engine,
    /// KV format in use (None: unknown).
    pub kv_format: Option<KvFormat>,
    /// Per-token cost (from the config, or the log's bytes/token without a config).
    pub kv: Option<&'a KvCost>,
    /// Concurrency rows.
    pub concurrency: &'a [ConcurrencyRow],
    /// mem fraction / utilization in force.
    pub fraction: Option<f64>,
    /// Base the fraction applies to (SGLang free-at-start; vLLM total).
    pub fraction_base: Option<i64>,
    /// Free memory left after start-up (observed) or the predicted headroom.
    pub final_free: Option<i64>,
    /// True when `final_free` was observed in a log (after CUDA-graph capture).
    pub final_free_observed: bool,
    /// CUDA-graph memory (observed).
    pub graph_bytes: Option<i64>,
    /// Activation need of the largest prefill chunk (estimate).
    pub activation_need: Option<i64>,
    /// The prefill chunk behind `activation_need`.
    pub prefill_tokens: Option<u64>,
    /// Model config, when given.
    pub model: Option<&'a ModelConfig>,
    /// Start-up errors.
    pub errors: &'a [String],
    /// The rules (fixes for start-up errors).
    pub rules: &'a Rules,
}

/// Build the notes.
pub fn notes(n: &NoteInputs) -> Vec<Note> {
    let mut out = Vec::new();
    for e in n.errors {
        let text = match n.rules.startup_fix(e) {
            Some(fix) => format!("{e} Fix: {fix}."),
            None => e.clone(),
        };
        out.push(Note { id: "startup-error".into(), text });
    }
    let kv_binds = n.concurrency.iter().any(|r| r.binding == Binding::KvTokens);
    if let Some(kv) = n.kv
        && kv.replication > 1
    {
        out.push(Note {
                id: "kv-head-replication".into(),
                text: format!(
                    "KV heads are replicated {}x: attention TP exceeds the model's KV heads, so every rank stores {} head(s) and the pool holds {}x fewer distinct tokens than the same memory could. Consider DP-attention (SGLang --enable-dp-attention) or an attention TP no larger than the KV-head count.",
                    kv.replication, kv.kv_heads_per_rank, kv.replication
                ),
            });
    }
    let unknown_kv = n.kv_format.is_none();
    if let Some(fmt) = n.kv_format.or(Some(KvFormat::Bf16))
        && matches!(fmt, KvFormat::Bf16 | KvFormat::Fp32)
    {
        let per = n.kv.map(|k| k.full_bytes_per_token + k.swa_bytes_per_token);
        let mla = n.model.is_some_and(|m| m.mla.is_some());
        let mut text = match per {
            Some(p) => format!(
                "--kv-cache-dtype fp8_e4m3 would store {} B/token instead of {} (about {}x the tokens in the same memory).",
                fmt_int((p * KvFormat::Fp8.bytes_x16() / fmt.bytes_x16()) as i64),
                fmt_int(p as i64),
                fmt.bytes_x16() / KvFormat::Fp8.bytes_x16()
            ),
            None => {
                "--kv-cache-dtype fp8_e4m3 halves the KV bytes per token (about 2x the tokens)."
                    .to_string()
            }
        };
        if unknown_kv {
            text = format!("The log does not state the KV dtype; if it is 16-bit: {text}");
        }
        text.push_str(" Accuracy caveat: FP8 KV changes attention numerics; without k/v scales in the checkpoint both engines use scale 1.0. Check your own eval (long-context and reasoning tasks are the most sensitive) before adopting it.");
        if mla {
            text.push_str(" For MLA models the latent cache is quantized; use an attention backend with FP8 MLA support.");
        }
        if !kv_binds && !n.concurrency.is_empty() {
            text.push_str(" At the request lengths checked the KV pool is not the binding limit, so fp8 KV alone would not raise concurrency.");
        }
        out.push(Note { id: "fp8-kv".into(), text });
    }
    if let Some(state_row) = n.concurrency.iter().find(|r| r.binding == Binding::MambaSlots) {
        out.push(Note {
            id: "mamba-slots-bind".into(),
            text: format!(
                "Linear-attention state slots bind concurrency at {} tokens ({} requests). Raise --max-mamba-cache-size or --mamba-full-memory-ratio (state gets ratio/(1+ratio) of the budget), or disable the radix cache (1 slot per request instead of 3).",
                fmt_int(state_row.request_tokens as i64),
                state_row.max_concurrent.unwrap_or(0)
            ),
        });
    }
    headroom_note(n, &mut out);
    out
}

fn headroom_note(n: &NoteInputs, out: &mut Vec<Note>) {
    let (Some(free), Some(frac), Some(base)) = (n.final_free, n.fraction, n.fraction_base) else {
        return;
    };
    let sglang = matches!(n.engine, Engine::Sglang { .. });
    // vLLM profiles activations inside its budget; outside it only CUDA graphs (captured after
    // the KV pool, "1~3 GiB per GPU" by vLLM's own warning) and fragmentation must fit.
    let act = if sglang { n.activation_need.unwrap_or(0) } else { 0 };
    let margin = (GIB).max(base / 50);
    let graphs = match (sglang, n.final_free_observed, n.graph_bytes) {
        (true, true, _) => 0,
        (_, _, Some(g)) if !n.final_free_observed => g,
        (false, _, None) => 3 * GIB,
        _ => 0,
    };
    let need = act + margin + graphs;
    let knob = match n.engine {
        Engine::Sglang { .. } => "--mem-fraction-static",
        _ => "--gpu-memory-utilization",
    };
    let act_text = match (sglang, n.activation_need, n.prefill_tokens) {
        (false, _, _) => "CUDA graphs (vLLM profiles activations inside the budget)".to_string(),
        (true, Some(a), Some(t)) => format!(
            "~{} GiB of prefill activations for a {}-token chunk (estimate)",
            fmt_gib(a),
            fmt_int(t as i64)
        ),
        _ => "prefill activations (not estimated without a model config)".to_string(),
    };
    let graph_text = match (n.graph_bytes, sglang) {
        (Some(g), _) => format!("CUDA graphs took {} GiB", fmt_gib(g)),
        (None, false) => {
            format!(
                "CUDA-graph memory {}: 3 GiB assumed, the top of vLLM's own 1~3 GiB warning",
                if n.final_free_observed { "not in the log" } else { "not known before launch" }
            )
        }
        (None, true) => "CUDA-graph memory is not known".to_string(),
    };
    let what =
        if n.final_free_observed { "free after start-up" } else { "outside the static budget" };
    if free > need + margin {
        let spare = free - need;
        let new = ((frac + spare as f64 / base as f64) * 100.0).floor() / 100.0;
        let new = new.min(0.95);
        if new > frac + 0.005 {
            out.push(Note {
                id: "raise-fraction".into(),
                text: format!(
                    "{} GiB is {what}; it must hold {act_text} plus a {} GiB margin ({graph_text}). About {} GiB more could go to the KV pool: {knob} {:.2} (from {:.3}), which adds roughly {} GiB of KV. Re-check for OOM under peak prefill after the change.",
                    fmt_gib(free),
                    fmt_gib(margin),
                    fmt_gib(spare),
                    new,
                    frac,
                    fmt_gib(((new - frac) * base as f64) as i64)
                ),
            });
        }
    } else if free < act + margin / 2 {
        out.push(Note {
            id: "headroom-tight".into(),
            text: format!(
                "Only {} GiB is {what}, less than {act_text} plus margin: expect CUDA OOM at the first long prefill. Lower {knob} or the chunked-prefill / batched-token size. ({graph_text}.)",
                fmt_gib(free)
            ),
        });
    }
}
