//! `bench serve` end to end, in four stages: [`validate`] the options, [`plan`] the run
//! (preflight, model, tokenizer, prompts, schedule, prepared requests), [`run`] it
//! (warmup, cache flush, measured run) and [`summarise`] it (token counts, records,
//! summary, notes); [`output`] writes the result files.
#![warn(clippy::too_many_lines)]

mod output;
mod plan;
mod run;
mod settings;
mod summarise;
mod validate;

use std::path::{Path, PathBuf};

use perfpilot_report::Progress;
use perfpilot_workload::{BenchResult, RequestRecord, RunStatus};

use crate::BenchError;
use crate::options::ServeOptions;
use crate::startup::{Preflight, stopped_result};

pub use output::{peer_file_name, write_outputs};
pub(crate) use settings::{Resolved, run_settings, sampling};

/// The per-request records path for these options.
pub fn records_path(opts: &ServeOptions) -> Option<PathBuf> {
    opts.records.clone().or_else(|| opts.output.as_ref().map(|o| with_suffix(o, "records.jsonl")))
}

/// `p` with its extension replaced by `suffix` (`out.json` → `out.records.jsonl`).
fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    p.with_file_name(format!("{stem}.{suffix}"))
}

/// Run the benchmark described by `opts` against a real server. Blocking (it runs its
/// own async runtime): from async code, call it on a blocking thread.
///
/// Every path that gets past preflight returns a result, and writes it to
/// `opts.output` when set: normal end, `--duration`, the deadline, Ctrl-C. Failures of
/// single requests are counted by kind, never raised.
pub fn serve(opts: &ServeOptions, progress: &dyn Progress) -> Result<BenchResult, BenchError> {
    if opts.repeats != 1 {
        return crate::repeat::serve_repeats(opts, progress);
    }
    let (result, records) = serve_once(opts, progress)?;
    write_outputs(opts, &result, &records)?;
    Ok(result)
}

/// One measured run (after its warmup and cache flush); writes the records file but not
/// the result file. Returns the result and its records.
pub(crate) fn serve_once(
    opts: &ServeOptions,
    progress: &dyn Progress,
) -> Result<(BenchResult, Vec<RequestRecord>), BenchError> {
    if opts.handle_ctrl_c {
        crate::interrupt::watch_ctrl_c();
    }
    let checked = validate::validate(opts)?;
    let rt = plan::runtime(opts.threads)?;
    let stopped = |stage: &str, status: RunStatus| {
        progress.finish();
        let r = stopped_result(
            opts,
            stage,
            status,
            checked.started_unix_s,
            &checked.target,
            checked.arrival,
        );
        Ok((r, Vec::new()))
    };
    let (pool, info) = match plan::connect(&rt, opts, &checked, progress)? {
        Preflight::Ready(pool, info) => (pool, info),
        Preflight::Stopped(status) => {
            return stopped("connecting to and probing the server", status);
        }
    };
    // Building the requests may take long (a server's /tokenize per prompt): an interrupt
    // there ends the run with its result instead of an error.
    let planned = plan::plan(opts, &checked, pool, info, progress);
    if crate::interrupt::requested() {
        return stopped(
            "building the requests (tokenizing prompts, preparing the dataset)",
            RunStatus::Interrupted,
        );
    }
    let mut planned = planned?;
    let requests = std::mem::take(&mut planned.requests);
    let ran = run::run(&rt, opts, &checked, &planned, requests, progress)?;
    drop(rt);
    summarise::summarise(opts, checked, planned, ran, progress)
}
