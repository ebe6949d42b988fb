//! Stage 4 of `bench serve`: summarise — count tokens, write the sorted records file,
//! compute the summary, the client's overhead and the notes, and assemble the result.

use perfpilot_report::Progress;
use perfpilot_workload::{
    BenchResult, CacheSummary, ClientOverhead, Endpoint, FailureCheck, RequestRecord,
    RequestSamples, RunLimits, RunSettings, Summary, SummaryOptions, TokenCountSource, summarize,
};

use super::plan::Planned;
use super::run::Ran;
use super::validate::Checked;
use crate::BenchError;
use crate::http::CONNECTION_POLICY;
use crate::options::ServeOptions;
use crate::postprocess;

/// The result of the run and its records (warmup first, then by id).
pub(super) fn summarise(
    opts: &ServeOptions,
    checked: Checked,
    planned: Planned,
    ran: Ran,
    progress: &dyn Progress,
) -> Result<(BenchResult, Vec<RequestRecord>), BenchError> {
    let Ran { mut outcomes, status, wall, cpu, flush, records_file, mut notes } = ran;
    progress.message("counting tokens");
    postprocess::finalize(&mut outcomes, planned.tokenizer.as_deref(), opts.keep_text)?;
    let mut records: Vec<RequestRecord> = outcomes.into_iter().map(|o| o.record).collect();
    records.sort_by_key(|r| (!r.warmup, r.id));
    if let Some(p) = &records_file {
        let mut s = String::new();
        for r in &records {
            s.push_str(&serde_json::to_string(r).unwrap_or_default());
            s.push('\n');
        }
        perfpilot_report::write_atomic(p, s.as_bytes()).map_err(|e| BenchError::file(p, e))?;
    }

    let summary = summarize(&records, &SummaryOptions { slo: opts.slo, window: None });
    let client_overhead = client_overhead(opts, &records, wall, cpu);
    notes.extend(summary_notes(opts, &summary, &records));

    let n = planned.dataset.requests.len();
    let failure_check = FailureCheck::judge(&summary, opts.max_failure_rate);
    let result = BenchResult {
        samples: Some(RequestSamples::from_records(&records)),
        cache: Some(CacheSummary::from_records(flush, &records)),
        failure_check: Some(failure_check),
        repeats: Vec::new(),
        status,
        started_unix_s: checked.started_unix_s,
        settings: RunSettings {
            client: format!("perfpilot bench serve {}", env!("CARGO_PKG_VERSION")),
            base_url: Some(checked.target.display.clone()),
            endpoint: opts.endpoint,
            model: Some(planned.model),
            server: Some(planned.info),
            dataset: planned.dataset.info,
            arrival: checked.arrival,
            seed: opts.seed,
            num_prompts: n,
            warmup_requests: opts.warmup,
            max_concurrency: opts.max_concurrency,
            sampling: planned.sampling,
            limits: RunLimits {
                duration_s: opts.duration_s,
                deadline_s: opts.deadline_s,
                stall_timeout_s: Some(opts.stall_timeout_s),
            },
            connection_policy: Some(CONNECTION_POLICY.into()),
            request_headers: opts.headers.keys().cloned().collect(),
        },
        summary,
        client_overhead: Some(client_overhead),
        records_file: records_file.map(|p| p.display().to_string()),
        notes,
    };
    Ok((result, records))
}

/// The client's CPU time (total and per output token / chunk of the measured requests),
/// wall time and peak memory.
fn client_overhead(
    opts: &ServeOptions,
    records: &[RequestRecord],
    wall: std::time::Duration,
    (cpu0, cpu1): (crate::cpu::CpuUsage, crate::cpu::CpuUsage),
) -> ClientOverhead {
    let measured: Vec<&RequestRecord> = records.iter().filter(|r| !r.warmup).collect();
    let chunks: usize = measured.iter().map(|r| r.chunk_times_s.len()).sum();
    let cpu = (cpu1.user + cpu1.system).saturating_sub(cpu0.user + cpu0.system).as_secs_f64();
    let per = |k: f64| (k > 0.0).then(|| cpu * 1e6 / k);
    ClientOverhead {
        cpu_user_s: cpu1.user.saturating_sub(cpu0.user).as_secs_f64(),
        cpu_system_s: cpu1.system.saturating_sub(cpu0.system).as_secs_f64(),
        wall_s: wall.as_secs_f64(),
        cpu_us_per_output_token: per(measured
            .iter()
            .filter_map(|r| r.output_tokens)
            .map(f64::from)
            .sum()),
        cpu_us_per_chunk: per(chunks as f64),
        max_rss_bytes: Some(cpu1.max_rss_bytes),
        worker_threads: opts.threads as u32,
    }
}

/// Notes on the token accounting (early stops, recount disagreements, chunk-counted
/// outputs), retries, and how chat TTFT is taken.
fn summary_notes(opts: &ServeOptions, summary: &Summary, records: &[RequestRecord]) -> Vec<String> {
    let mut notes = Vec::new();
    let tc = &summary.token_counts;
    if opts.ignore_eos && tc.early_stops > 0 {
        notes.push(format!(
            "{} requests stopped before the requested length although ignore_eos was sent \
             (the server may not honour it, or hit its context limit)",
            tc.early_stops
        ));
    }
    if tc.recount_disagreements > 0 {
        notes.push(format!(
            "{} requests: the server's usage and the client tokenizer's recount disagree (max \
             {:.1}%); metrics use usage",
            tc.recount_disagreements,
            tc.max_recount_diff_pct.unwrap_or(0.0)
        ));
    }
    let chunk_counted = tc.count(TokenCountSource::Chunks);
    if chunk_counted > 0 {
        notes.push(format!(
            "{chunk_counted} requests had no usage and no tokenizer: output tokens = number of \
             content chunks (exact only for one-token-per-chunk servers)"
        ));
    }
    let retries: u32 = records.iter().filter(|r| !r.warmup).map(|r| r.retries).sum();
    if retries > 0 {
        notes.push(format!(
            "{retries} requests were retried after a reused connection closed before answering"
        ));
    }
    if opts.endpoint == Endpoint::Chat {
        notes.push(
            "chat: TTFT is the first chunk with non-empty content (a role-only first chunk \
             does not count)"
                .into(),
        );
    }
    notes
}
