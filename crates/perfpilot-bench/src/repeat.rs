//! `bench serve --repeats N`: N measured runs, each after its own warmup and cache
//! flush, with distinct prompt seeds (seed + i) unless `--same-prompts`. The result keeps
//! every repeat's summary and per-request samples, so `bench compare` can bootstrap
//! runs as well as requests.

use std::time::Instant;

use perfpilot_report::Progress;
use perfpilot_workload::{
    BenchResult, CacheSummary, FailureCheck, RepeatRun, RequestRecord, RunStatus, SummaryOptions,
    summarize,
};

use crate::BenchError;
use crate::options::ServeOptions;
use crate::serve::{records_path, serve_once, write_outputs};

/// Most repeats one command runs.
pub const MAX_REPEATS: u32 = 1000;

/// Run the repeats and write the combined result where `opts` asks.
pub(crate) fn serve_repeats(
    opts: &ServeOptions,
    progress: &dyn Progress,
) -> Result<BenchResult, BenchError> {
    let n = opts.repeats;
    if n == 0 || n > MAX_REPEATS {
        return Err(BenchError::option(
            "--repeats",
            format!("must be between 1 and {MAX_REPEATS}"),
        ));
    }
    let started = Instant::now();
    let base_records = records_path(opts);
    let mut runs: Vec<(BenchResult, Vec<RequestRecord>, u64)> = Vec::new();
    for i in 0..n {
        let mut o = opts.clone();
        o.repeats = 1;
        o.output = None;
        o.compat = None;
        o.save_requests = if i == 0 { opts.save_requests.clone() } else { None };
        o.seed = if opts.same_prompts { opts.seed } else { opts.seed.wrapping_add(u64::from(i)) };
        o.records = base_records.as_ref().map(|p| {
            let stem = p.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let stem = stem.strip_suffix(".records.jsonl").unwrap_or(&stem).to_string();
            p.with_file_name(format!("{stem}.r{}.records.jsonl", i + 1))
        });
        if let Some(d) = opts.deadline_s {
            let left = d - started.elapsed().as_secs_f64();
            if left <= 0.0 {
                break;
            }
            o.deadline_s = Some(left);
        }
        progress.message(&format!("repeat {}/{n}", i + 1));
        let (r, recs) = serve_once(&o, progress)?;
        let stop = r.status != RunStatus::Complete && r.status != RunStatus::DurationReached;
        runs.push((r, recs, o.seed));
        if stop {
            break;
        }
    }
    let result = combine(opts, runs)?;
    write_outputs(opts, &result, &[])?;
    Ok(result)
}

/// One result from the repeats: settings of the first (seed = the base seed), summary
/// over every repeat's records laid end to end in time, each repeat kept.
fn combine(
    opts: &ServeOptions,
    runs: Vec<(BenchResult, Vec<RequestRecord>, u64)>,
) -> Result<BenchResult, BenchError> {
    let Some(first) = runs.first().map(|r| r.0.clone()) else {
        return Err(BenchError::option("--deadline", "passed before the first repeat started"));
    };
    let mut pooled: Vec<RequestRecord> = Vec::new();
    let mut offset = 0.0;
    let mut repeats = Vec::new();
    let mut notes = Vec::new();
    let mut status = RunStatus::Complete;
    for (i, (r, recs, seed)) in runs.into_iter().enumerate() {
        for rec in recs.into_iter().filter(|x| !x.warmup) {
            let mut rec = rec;
            rec.scheduled_s += offset;
            rec.sent_s += offset;
            pooled.push(rec);
        }
        offset += r.summary.window.end_s;
        if r.status != RunStatus::Complete {
            status = r.status;
        }
        notes.extend(r.notes.iter().map(|x| format!("r{}: {x}", i + 1)));
        repeats.push(RepeatRun {
            id: format!("r{}", i + 1),
            seed,
            status: r.status,
            summary: r.summary,
            samples: r.samples.unwrap_or_default(),
            cache: r.cache,
            records_file: r.records_file,
        });
    }
    if (repeats.len() as u32) < opts.repeats {
        notes.push(format!("{} of {} repeats ran ({status:?})", repeats.len(), opts.repeats));
    }
    let summary = summarize(&pooled, &SummaryOptions { slo: opts.slo, window: None });
    let caches: Vec<CacheSummary> = repeats.iter().filter_map(|r| r.cache).collect();
    let mut settings = first.settings;
    settings.seed = opts.seed;
    Ok(BenchResult {
        status,
        started_unix_s: first.started_unix_s,
        settings,
        failure_check: Some(FailureCheck::judge(&summary, opts.max_failure_rate)),
        summary,
        client_overhead: first.client_overhead,
        records_file: None,
        notes,
        samples: None,
        cache: CacheSummary::merge(&caches),
        repeats,
    })
}
