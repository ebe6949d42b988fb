//! The human view of an explanation: the header facts, then one section per part of the
//! report (settings, ranks, the selected rank's stages, breakdown and KV cache, concurrency,
//! replay, nvidia-smi, observations, stated values, what-ifs, notes).
#![warn(clippy::too_many_lines)]

use perfpilot_report::{Document, Section, Table};

use super::types::{ExplainReport, RankReport};
use crate::render_common::{breakdown_table, concurrency_table, notes_section, what_if_section};
use crate::units::{fmt_gib, fmt_int};

pub(super) fn document(r: &ExplainReport) -> Document {
    let mut d = header(r);
    let mut found =
        Section::new("What the log says").with_list(r.found.iter().map(|f| format!("found: {f}")));
    if !r.missing.is_empty() {
        found = found.with_list(r.missing.clone());
    }
    d.push(found);
    if !r.settings.is_empty() {
        d.push(settings_section(r));
    }
    if r.ranks.len() > 1 {
        d.push(ranks_section(r));
    }
    if let Some(sel) = r.ranks.iter().find(|k| k.rank == r.selected_rank) {
        if !sel.stages.is_empty() {
            d.push(stages_section(sel));
        }
        d.push(
            Section::new(format!("Memory breakdown — {}", sel.rank))
                .with_table(breakdown_table(&sel.breakdown, true)),
        );
        let facts = kv_facts(sel);
        if !facts.is_empty() {
            d.push(Section::new(format!("KV cache — {}", sel.rank)).with_facts(facts));
        }
    }
    d.push(Section::new("Concurrency").with_table(concurrency_table(&r.concurrency)));
    if !r.replay.is_empty() {
        d.push(replay_section(r));
    }
    if !r.smi.is_empty() {
        d.push(smi_section(r));
    }
    if !r.observations.is_empty() {
        d.push(Section::new("Observations").with_list(r.observations.clone()));
    }
    if !r.stated.is_empty() {
        d.push(stated_section(r));
    }
    if let Some(w) = &r.what_if {
        d.push(what_if_section(w));
    }
    if !r.notes.is_empty() {
        d.push(notes_section(&r.notes));
    }
    d
}

/// The title and the header facts: framework, model, device total, ranks, units.
fn header(r: &ExplainReport) -> Document {
    Document::new("Launch memory explained")
        .with_fact(
            "framework",
            match &r.version {
                Some(v) => format!("{} {v}", r.framework),
                None => r.framework.clone(),
            },
        )
        .with_fact("model", r.model.clone().unwrap_or_else(|| "not stated in the log".into()))
        .with_fact(
            "device total",
            r.gpu.as_ref().map_or("unknown (pass --gpu or --smi)".into(), |g| {
                format!("{} GiB ({})", fmt_gib(g.total_bytes), g.source)
            }),
        )
        .with_fact("ranks", format!("{} ({} shown in detail)", r.ranks.len(), r.selected_rank))
        .with_fact(
            "units",
            "GiB = 2^30 bytes (SGLang prints GB but means GiB); figures are per rank",
        )
}

/// The settings in force, with their sources.
fn settings_section(r: &ExplainReport) -> Section {
    let mut t = Table::new("settings", ["setting", "value", "source"]);
    for (i, s) in r.settings.iter().enumerate() {
        t.push_row(format!("{}-{i}", s.key), [s.key.clone(), s.value.clone(), s.source.clone()]);
    }
    Section::new("Settings").with_table(t)
}

/// One row per rank: weights, KV pool, KV tokens, graphs, free at the end.
fn ranks_section(r: &ExplainReport) -> Section {
    let mut t = Table::new(
        "ranks",
        ["rank", "weights GiB", "KV pool GiB", "KV tokens", "graphs GiB", "free at end GiB"],
    )
    .right(&["weights GiB", "KV pool GiB", "KV tokens", "graphs GiB", "free at end GiB"]);
    let o = |v: Option<i64>| v.map(fmt_gib).unwrap_or_else(|| "unknown".into());
    for k in &r.ranks {
        t.push_row(
            k.rank.clone(),
            [
                k.rank.clone(),
                o(k.weights_bytes),
                o(k.kv_pool_bytes),
                k.kv.pools.first().map_or("unknown".into(), |p| fmt_int(p.tokens as i64)),
                o(k.cuda_graph_bytes),
                o(k.final_free_bytes),
            ],
        );
    }
    Section::new("Ranks").with_text("Unprefixed lines apply to every rank.").with_table(t)
}

/// Free memory after each start-up stage of the selected rank.
fn stages_section(sel: &RankReport) -> Section {
    let mut t = Table::new("stages", ["stage", "free GiB", "how", "line"]).right(&["free GiB"]);
    for s in &sel.stages {
        t.push_row(
            s.id.as_str(),
            [
                s.stage.clone(),
                fmt_gib(s.free_bytes),
                s.how.clone(),
                s.source.as_ref().map_or(String::new(), |l| format!("L{}", l.line)),
            ],
        );
    }
    Section::new(format!("Free memory after each stage — {}", sel.rank)).with_table(t)
}

/// The selected rank's KV facts: pools, bytes per token (log and config), their agreement,
/// the state pool.
fn kv_facts(sel: &RankReport) -> Vec<(String, String)> {
    let mut facts = Vec::new();
    for p in &sel.kv.pools {
        facts.push((
            format!("{} pool (L{})", p.pool.as_str(), p.source.line),
            format!(
                "{} tokens, {} GiB{}",
                fmt_int(p.tokens as i64),
                p.printed.clone().unwrap_or_else(|| "size not printed".into()),
                p.dtype.as_ref().map(|d| format!(", {d}")).unwrap_or_default()
            ),
        ));
    }
    if let Some(b) = &sel.kv.log_bytes_per_token {
        facts.push((
            "bytes per token (log)".into(),
            format!("{:.0} (window {:.0} to {:.0}): {}", b.value, b.min, b.max, b.derivation),
        ));
    }
    if let Some(b) = &sel.kv.log_swa_bytes_per_token {
        facts.push(("bytes per token, sliding pool (log)".into(), format!("{:.0}", b.value)));
    }
    match (&sel.kv.config_bytes_per_token, &sel.kv.config_formula) {
        (Some(c), Some(f)) => {
            facts.push(("bytes per token (config)".into(), format!("{} — {f}", fmt_int(*c as i64))))
        }
        _ => facts.push(("bytes per token (config)".into(), "pass --config config.json".into())),
    }
    if let Some(m) = sel.kv.matches_config {
        facts.push((
            "log and config agree".into(),
            if m { "yes".into() } else { "NO: check TP, KV dtype and the model".into() },
        ));
    }
    if let Some(s) = &sel.kv.state {
        facts.push((
            "state pool".into(),
            format!(
                "{} slots, {} GiB{}{}",
                fmt_int(s.slots as i64),
                fmt_gib(s.bytes),
                s.per_slot_log
                    .as_ref()
                    .map(|p| format!(", {:.0} B/slot (log)", p.value))
                    .unwrap_or_default(),
                s.formula.as_ref().map(|f| format!("; config: {f}")).unwrap_or_default()
            ),
        ));
    }
    facts
}

/// The sizing rule replayed with the log's numbers.
fn replay_section(r: &ExplainReport) -> Section {
    let mut t = Table::new("replay", ["rule", "predicted tokens", "logged tokens", "error %"])
        .right(&["predicted tokens", "logged tokens", "error %"]);
    for (i, p) in r.replay.iter().enumerate() {
        t.push_row(
            format!("replay-{i}"),
            [
                p.rule.clone(),
                fmt_int(p.predicted_tokens),
                fmt_int(p.logged_tokens),
                format!("{:+.2}", p.error_pct),
            ],
        );
    }
    Section::new("Sizing rule replayed with the log's numbers").with_table(t)
}

/// The nvidia-smi rows given.
fn smi_section(r: &ExplainReport) -> Section {
    let mut t = Table::new("smi", ["GPU", "used GiB", "free GiB"]).right(&["used GiB", "free GiB"]);
    for s in &r.smi {
        t.push_row(
            format!("gpu-{}", s.index),
            [s.index.to_string(), fmt_gib(s.used_bytes), fmt_gib(s.free_bytes)],
        );
    }
    Section::new("nvidia-smi").with_table(t)
}

/// Every stated value under its semantic key, by launch and line. The same value stated again
/// (every rank prints its own line) is one row with the count of its repeats; the JSON keeps
/// every line.
fn stated_section(r: &ExplainReport) -> Section {
    use crate::stated::Value;
    // (launch, key, value, unit) -> (row order, first line, repeats)
    let mut rows: Vec<(u32, String, String, String, u64, usize)> = Vec::new();
    let mut index: std::collections::HashMap<(u32, String, String, String), usize> =
        std::collections::HashMap::new();
    for v in &r.stated {
        let value = match &v.value {
            Value::Number(x) => fmt_number(*x),
            Value::List(xs) => xs.iter().map(u64::to_string).collect::<Vec<_>>().join(","),
            Value::Text(w) => w.clone(),
        };
        let k = (v.launch, v.key.clone(), value.clone(), v.unit.clone());
        match index.get(&k) {
            Some(&i) => rows[i].5 += 1,
            None => {
                index.insert(k, rows.len());
                rows.push((v.launch, v.key.clone(), value, v.unit.clone(), v.line, 0));
            }
        }
    }
    let mut t = Table::new("stated", ["launch", "key", "value", "unit", "line"])
        .right(&["launch", "value"]);
    let mut ids = std::collections::BTreeMap::new();
    for (launch, key, value, unit, line, repeats) in rows {
        // Stable id: launch, first line and key; another value of the key on that line takes a suffix.
        let base = format!("{launch}-L{line}-{key}");
        let n = ids.entry(base.clone()).and_modify(|n| *n += 1).or_insert(0usize);
        let id = if *n == 0 { base } else { format!("{base}-{n}") };
        let at = if repeats == 0 { format!("L{line}") } else { format!("L{line} (+{repeats})") };
        t.push_row(id, [launch.to_string(), key, value, unit, at]);
    }
    let launches = r.stated.iter().map(|v| v.launch).max().unwrap_or(1);
    let plural = if launches == 1 { "" } else { "es" };
    Section::new(format!("Stated values ({} lines, {launches} launch{plural})", r.stated.len()))
        .with_text(
            "Every value the log states, under its key (docs/capacity.md, \"Stated values\"); \
             sizes in GiB, times in seconds; (+N): stated again on N more lines (every line in the JSON).",
        )
        .with_table(t)
}

/// A stated number as printed: integers whole, others to four significant decimals at most.
fn fmt_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        let s = format!("{x:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}
