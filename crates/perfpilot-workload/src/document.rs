//! The human view of a [`BenchResult`].

use perfpilot_report::{Document, Section, Table};

use crate::{BenchResult, Stats};

fn f2(x: f64) -> String {
    format!("{x:.2}")
}

fn opt(x: Option<f64>) -> String {
    x.map(f2).unwrap_or_else(|| "–".into())
}

/// Build the document.
pub(crate) fn document(r: &BenchResult) -> Document {
    let s = &r.settings;
    let sum = &r.summary;
    let mut doc = Document::new("Serving benchmark result")
        .with_fact("client", s.client.clone())
        .with_fact("status", format!("{:?}", r.status).to_lowercase());
    if let Some(u) = &s.base_url {
        doc = doc.with_fact("server", format!("{u}{}", s.endpoint.path()));
    } else {
        doc = doc.with_fact("endpoint", s.endpoint.path());
    }
    if let Some(m) = &s.model {
        doc = doc.with_fact("model", m.clone());
    }
    if let Some(v) = s.server.as_ref().and_then(|i| i.version.clone()) {
        doc = doc.with_fact("server version", v);
    }
    doc = doc
        .with_fact(
            "dataset",
            format!(
                "{} ({} requests, fingerprint {})",
                crate::dataset_kind(&s.dataset.spec),
                s.dataset.num_requests,
                s.dataset.fingerprint
            ),
        )
        .with_fact("arrival", s.arrival.describe())
        .with_fact(
            "max concurrency",
            s.max_concurrency.map(|c| c.to_string()).unwrap_or_else(|| "unlimited".into()),
        )
        .with_fact("seed", s.seed.to_string());
    if let Some(c) = &r.cache {
        doc = doc.with_fact("prefix cache", crate::samples::describe_cache(c));
    }
    crate::samples::push_failures(&mut doc, r);
    crate::samples::push_repeats(&mut doc, r);

    let mut fair = vec![
        ("ignore_eos".to_string(), s.sampling.ignore_eos.to_string()),
        ("min_tokens".into(), s.sampling.min_tokens.map(|v| v.to_string()).unwrap_or("–".into())),
        ("temperature".into(), opt(s.sampling.temperature)),
    ];
    if let crate::DatasetSpec::Random(rs) = &s.dataset.spec {
        fair.push((
            "lengths".into(),
            format!(
                "input {} / output {} tokens, range ratio {} ({} mode)",
                rs.input_len, rs.output_len, rs.range_ratio, rs.range_mode
            ),
        ));
    }
    if let Some(l) = &s.dataset.input_len {
        fair.push((
            "input tokens / request".into(),
            format!("min {} mean {:.1} max {}", l.min, l.mean, l.max),
        ));
    }
    if let Some(l) = &s.dataset.output_len {
        fair.push((
            "requested output / request".into(),
            format!("min {} mean {:.1} max {}", l.min, l.mean, l.max),
        ));
    }
    if let Some(p) = &s.connection_policy {
        fair.push(("connections".into(), p.clone()));
    }
    doc.push(Section::new("Fairness settings").with_facts(fair));

    let facts = vec![
        ("Successful requests", sum.completed.to_string()),
        ("Failed requests", sum.failed.to_string()),
        ("Benchmark duration (s)", f2(sum.duration_s)),
        ("Total input tokens", sum.total_input_tokens.to_string()),
        ("Total generated tokens", sum.total_output_tokens.to_string()),
        (
            "Total generated tokens (retokenized)",
            sum.total_output_tokens_retokenized.map(|v| v.to_string()).unwrap_or("–".into()),
        ),
        ("Request throughput (req/s)", opt(sum.request_throughput)),
        ("Input token throughput (tok/s)", opt(sum.input_throughput)),
        ("Output token throughput (tok/s)", opt(sum.output_throughput)),
        ("Peak output token throughput (tok/s)", opt(sum.max_output_tokens_per_s)),
        ("Total token throughput (tok/s)", opt(sum.total_throughput)),
        ("Mean concurrency", opt(sum.mean_concurrency)),
        ("Peak concurrent requests", sum.max_concurrency.to_string()),
    ];
    doc.push(Section::new("Throughput").with_facts(facts));

    let mut t = Table::new(
        "latency",
        ["metric", "count", "mean", "median", "std", "p90", "p95", "p99", "max"],
    )
    .right(&["count", "mean", "median", "std", "p90", "p95", "p99", "max"]);
    let rows: [(&str, &str, Option<Stats>); 9] = [
        ("ttft_ms", "TTFT (ms)", sum.ttft_ms),
        ("tpot_ms", "TPOT excl. 1st token (ms)", sum.tpot_ms),
        ("itl_ms", "ITL per chunk (ms)", sum.itl_ms),
        ("e2e_ms", "E2E to last token (ms)", sum.e2e_ms),
        ("e2e_incl_done_ms", "E2E to [DONE] (ms)", sum.e2e_incl_done_ms),
        ("e2e_incl_queue_ms", "E2E incl. slot wait (ms)", sum.e2e_incl_queue_ms),
        ("slot_wait_ms", "Concurrency-slot wait (ms)", sum.slot_wait_ms),
        ("dispatch_lag_ms", "Client dispatch lag (ms)", sum.dispatch_lag_ms),
        ("connect_ms", "Connection setup (ms)", sum.connect_ms),
    ];
    for (id, name, st) in rows {
        if let Some(st) = st {
            t.push_row(
                id,
                [
                    name.to_string(),
                    st.count.to_string(),
                    f2(st.mean),
                    f2(st.median),
                    f2(st.std),
                    f2(st.p90),
                    f2(st.p95),
                    f2(st.p99),
                    f2(st.max),
                ],
            );
        }
    }
    doc.push(Section::new("Latency").with_table(t.with_footnote(
        "successful requests only; percentiles by linear interpolation, population std",
    )));

    let tc = &sum.token_counts;
    let sources =
        tc.by_source.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", ");
    doc.push(Section::new("Token counts").with_facts([
        ("output count source".to_string(), if sources.is_empty() { "–".into() } else { sources }),
        ("requested output tokens".into(), tc.requested_output_tokens.to_string()),
        ("early stops".into(), tc.early_stops.to_string()),
        (
            "usage vs recount disagreements".into(),
            format!(
                "{}{}",
                tc.recount_disagreements,
                tc.max_recount_diff_pct.map(|p| format!(" (max {p:.1}%)")).unwrap_or_default()
            ),
        ),
    ]));

    if let Some(g) = &sum.goodput {
        let mut bounds = Vec::new();
        if let Some(v) = g.slo.ttft_ms {
            bounds.push(format!("TTFT ≤ {v} ms"));
        }
        if let Some(v) = g.slo.tpot_ms {
            bounds.push(format!("TPOT ≤ {v} ms"));
        }
        if let Some(v) = g.slo.e2e_ms {
            bounds.push(format!("E2E ≤ {v} ms"));
        }
        doc.push(Section::new("Goodput").with_facts([
            ("objectives".to_string(), bounds.join(", ")),
            ("good requests".into(), g.good_requests.to_string()),
            ("request goodput (req/s)".into(), opt(g.request_goodput)),
            ("output token goodput (tok/s)".into(), opt(g.output_token_goodput)),
            (
                "attainment".into(),
                format!("{:.2}% (need {:.2}%)", g.attainment * 100.0, g.slo.min_attainment * 100.0),
            ),
            ("check".into(), if g.passed { "passed".into() } else { "FAILED".into() }),
        ]));
    }

    if let Some(c) = &r.client_overhead {
        doc.push(
            Section::new("Client overhead").with_facts([
                (
                    "CPU user + system (s)".to_string(),
                    format!("{:.3} + {:.3}", c.cpu_user_s, c.cpu_system_s),
                ),
                ("CPU per output token (µs)".into(), opt(c.cpu_us_per_output_token)),
                ("CPU per chunk (µs)".into(), opt(c.cpu_us_per_chunk)),
                (
                    "peak RSS (MiB)".into(),
                    c.max_rss_bytes
                        .map(|b| format!("{:.1}", b as f64 / 1048576.0))
                        .unwrap_or("–".into()),
                ),
                ("worker threads".into(), c.worker_threads.to_string()),
            ]),
        );
    }
    let mut notes: Vec<String> = s.dataset.warnings.clone();
    notes.extend(r.notes.iter().cloned());
    if let Some(f) = &r.records_file {
        notes.push(format!("per-request records: {f}"));
    }
    if !notes.is_empty() {
        doc.push(Section::new("Notes").with_list(notes));
    }
    doc
}
