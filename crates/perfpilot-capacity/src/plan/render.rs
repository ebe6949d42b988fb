//! The human view of a plan.

use perfpilot_report::{Document, Section, Table};

use super::{PlanFramework, PlanReport};
use crate::render_common::{breakdown_table, concurrency_table, notes_section, what_if_section};
use crate::units::{fmt_gib, fmt_int};

pub(super) fn document(r: &PlanReport) -> Document {
    let mut d = Document::new("Capacity plan")
        .with_fact("framework", format!("{} ({})", r.framework.as_str(), r.rules))
        .with_fact(
            "model",
            format!("{} — {} params", r.model.architecture, fmt_int(r.model.params as i64)),
        )
        .with_fact("GPU", format!("{} ({} GiB)", r.gpu.name, fmt_gib(r.gpu.total_bytes)))
        .with_fact("units", "GiB = 2^30 bytes; all figures are per rank");
    let mut settings = Table::new("settings", ["setting", "value", "source"]);
    for s in &r.settings {
        settings.push_row(s.key.clone(), [s.key.clone(), s.value.clone(), s.source.clone()]);
    }
    d.push(
        Section::new("Model and settings")
            .with_facts(
                [
                    ("layers".to_string(), r.model.layers.clone()),
                    ("attention".to_string(), r.model.attention.clone()),
                    ("moe".to_string(), r.model.moe.clone().unwrap_or_else(|| "dense".into())),
                ]
                .into_iter()
                .chain(r.model.assumptions.iter().map(|a| ("assumption".to_string(), a.clone()))),
            )
            .with_table(settings),
    );
    d.push(
        Section::new("Predicted memory breakdown (one rank)")
            .with_table(breakdown_table(&r.breakdown, false)),
    );
    let mut w = Table::new("weights", ["component", "params", "split", "format", "GiB per rank"])
        .right(&["params", "GiB per rank"]);
    for p in &r.weights.rows {
        w.push_row(
            p.id.clone(),
            [
                p.id.clone(),
                fmt_int(p.params as i64),
                p.split.clone(),
                p.format.clone(),
                fmt_gib(p.bytes_per_rank),
            ],
        );
    }
    d.push(Section::new("Weights by component").with_table(w));
    let mut kv = vec![
        ("bytes per token (full layers)".to_string(), fmt_int(r.kv.full_bytes_per_token as i64)),
        ("formula".to_string(), r.kv.formula.clone()),
    ];
    if r.kv.swa_bytes_per_token > 0 {
        kv.push((
            "bytes per token (sliding layers)".into(),
            fmt_int(r.kv.swa_bytes_per_token as i64),
        ));
    }
    if let Some(f) = &r.kv.state_formula {
        kv.push(("state per request slot".into(), f.clone()));
    }
    kv.push(("KV tokens".into(), fmt_int(r.outcome.kv_tokens)));
    if let Some(s) = r.outcome.swa_tokens {
        kv.push(("sliding-window tokens".into(), fmt_int(s)));
    }
    if let Some(b) = r.outcome.num_blocks {
        kv.push(("blocks".into(), fmt_int(b)));
    }
    if let Some(s) = r.outcome.state_slots {
        kv.push(("state slots".into(), fmt_int(s as i64)));
    }
    if let Some(m) = r.outcome.max_running_requests {
        kv.push(("max running requests".into(), fmt_int(m as i64)));
    }
    if let Some(m) = r.outcome.max_request_tokens {
        let label = if r.framework == PlanFramework::Vllm {
            "largest max_model_len the pool holds"
        } else {
            "longest request admitted (max_req_input_len)"
        };
        kv.push((label.into(), fmt_int(m)));
    }
    d.push(Section::new("KV cache").with_facts(kv).with_list(r.outcome.steps.clone()));
    d.push(Section::new("Concurrency").with_table(concurrency_table(&r.outcome.concurrency)));
    if !r.outcome.errors.is_empty() {
        d.push(Section::new("Start-up would fail").with_list(r.outcome.errors.clone()));
    }
    if let Some(wi) = &r.what_if {
        d.push(what_if_section(wi));
    }
    if !r.notes.is_empty() {
        d.push(notes_section(&r.notes));
    }
    d
}
