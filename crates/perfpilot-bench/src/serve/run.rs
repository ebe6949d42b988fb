//! Stage 3 of `bench serve`: run it — warmup, prefix-cache flush, the measured run
//! (inside the server's profiler with `--profile`), with the client's CPU time around it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use perfpilot_report::{NoProgress, Progress};
use perfpilot_workload::{CacheFlush, RunStatus};

use super::plan::{Planned, probe_timeout};
use super::validate::Checked;
use crate::BenchError;
use crate::cpu::{CpuUsage, cpu_usage, thread_cpu_usage};
use crate::options::ServeOptions;
use crate::profiler::ProfilerClient;
use crate::runner::{Outcome, Plan, PlannedRequest, RecordWriter, run_phase};
use crate::stream::RequestContext;

/// What the run left: every request's outcome (warmup first), how it ended, the notes
/// so far.
pub(super) struct Ran {
    /// Warmup and measured outcomes, in the order they finished within each phase.
    pub outcomes: Vec<Outcome>,
    /// How the run ended.
    pub status: RunStatus,
    /// Wall time of the measured run (zero if it did not run).
    pub wall: Duration,
    /// The client's CPU usage before and after the measured run.
    pub cpu: (CpuUsage, CpuUsage),
    /// What was done to the prefix cache.
    pub flush: CacheFlush,
    /// Where the per-request records go, if anywhere.
    pub records_file: Option<PathBuf>,
    /// Notes for the result, in the order they arose.
    pub notes: Vec<String>,
}

/// Everything a phase needs that does not change between phases.
struct Phases<'a> {
    rt: &'a tokio::runtime::Runtime,
    opts: &'a ServeOptions,
    checked: &'a Checked,
    ctx: Arc<RequestContext>,
    writer: Option<RecordWriter>,
}

/// Run the plan's warmup and measured requests (`requests`: the measured ones).
pub(super) fn run(
    rt: &tokio::runtime::Runtime,
    opts: &ServeOptions,
    checked: &Checked,
    planned: &Planned,
    requests: Vec<PlannedRequest>,
    progress: &dyn Progress,
) -> Result<Ran, BenchError> {
    let records_file = super::records_path(opts);
    let writer = match &records_file {
        Some(p) => Some(RecordWriter::create(p)?),
        None => None,
    };
    let ctx = Arc::new(RequestContext {
        pool: planned.pool.clone(),
        stall: checked.stall,
        keep_text: opts.keep_text || planned.tokenizer.is_some(),
        redactor: checked.redactor.clone(),
    });
    let mut phases = Phases { rt, opts, checked, ctx, writer };
    let mut ran = Ran {
        outcomes: Vec::new(),
        status: RunStatus::Complete,
        wall: Duration::ZERO,
        cpu: (CpuUsage::default(), CpuUsage::default()),
        flush: CacheFlush::Kept,
        records_file,
        notes: Vec::new(),
    };
    if planned.server_tokenizer_fallback {
        ran.notes.push(
            "no tokenizer given: text prompts were measured with the server's /tokenize".into(),
        );
    }
    if opts.warmup > 0 && !planned.dataset.requests.is_empty() {
        phases.warmup(planned, progress, &mut ran)?;
    }
    if ran.status == RunStatus::Complete {
        ran.flush = phases.flush(planned, progress, &mut ran.notes);
        if crate::interrupt::requested() {
            ran.status = RunStatus::Interrupted;
            ran.notes.push("interrupted (Ctrl-C) while flushing the prefix cache".into());
        }
    }
    phases.measured(requests, planned, progress, &mut ran)?;
    progress.finish();
    Ok(ran)
}

impl Phases<'_> {
    /// `--warmup` copies of the first prompt (output capped at 32 tokens), not measured;
    /// an error if every one of them failed.
    fn warmup(
        &mut self,
        planned: &Planned,
        progress: &dyn Progress,
        ran: &mut Ran,
    ) -> Result<(), BenchError> {
        let opts = self.opts;
        progress.message("warmup");
        let mut first = planned.dataset.requests[0].clone();
        first.output_len = first.output_len.min(32);
        let builder = planned.builder(opts, self.checked);
        let warm = (0..opts.warmup)
            .map(|_| builder.build(&first, "warmup-"))
            .collect::<Result<Vec<_>, _>>()?;
        let plan = Arc::new(Plan {
            requests: warm,
            send_at_s: vec![0.0; opts.warmup],
            max_concurrency: opts.max_concurrency,
            duration_s: None,
            deadline: self.checked.deadline,
            warmup: true,
        });
        let out = self.rt.block_on(run_phase(
            self.ctx.clone(),
            plan,
            &NoProgress,
            self.writer.as_mut(),
        ))?;
        if out.status == RunStatus::Complete && out.outcomes.iter().all(|o| !o.record.ok()) {
            let first = out
                .outcomes
                .iter()
                .find_map(|o| o.record.error.as_ref())
                .map(|e| format!("{}: {}", e.kind.as_str(), e.message))
                .unwrap_or_default();
            return Err(BenchError::Warmup { count: opts.warmup, first });
        }
        ran.status = out.status;
        ran.outcomes.extend(out.outcomes);
        Ok(())
    }

    /// Flush the prefix cache (unless the request bodies already bypass it, or
    /// `--no-flush-cache`); a note when the server offers no way to.
    fn flush(
        &self,
        planned: &Planned,
        progress: &dyn Progress,
        notes: &mut Vec<String>,
    ) -> CacheFlush {
        match planned.bypass {
            Some(b) => b,
            None if !self.opts.flush_cache => CacheFlush::Kept,
            None => {
                progress.message("flushing the prefix cache");
                let checked = self.checked;
                let flush = crate::cache::flush(
                    &planned.pool,
                    &checked.target,
                    checked.auth.as_deref(),
                    probe_timeout(checked),
                );
                // Raced with Ctrl-C: a server may hang on the flush for the whole timeout.
                let (f, tried) = self.rt.block_on(async {
                    tokio::select! {
                        r = flush => r,
                        _ = crate::interrupt::wait() => {
                            (CacheFlush::Unsupported, vec!["interrupted (Ctrl-C)".to_string()])
                        }
                    }
                });
                if crate::interrupt::requested() {
                    return f;
                }
                if f == CacheFlush::Unsupported {
                    notes.push(format!(
                        "the prefix cache could not be flushed ({}); cached prompts may make \
                         this run look faster than a cold one",
                        tried.join("; ")
                    ));
                }
                f
            }
        }
    }

    /// The measured run (skipped if the warmup was stopped), with CPU time taken around
    /// it and the server's profiler running around it with `--profile`.
    fn measured(
        &mut self,
        requests: Vec<PlannedRequest>,
        planned: &Planned,
        progress: &dyn Progress,
        ran: &mut Ran,
    ) -> Result<(), BenchError> {
        let (opts, checked, pool) = (self.opts, self.checked, &planned.pool);
        // One worker: the whole client runs on this thread (block_on), so the thread's
        // CPU time is the client's alone, even with a server in the same process.
        let measure = if opts.threads == 1 { thread_cpu_usage } else { cpu_usage };
        let profiler = (opts.profile && ran.status == RunStatus::Complete)
            .then(|| ProfilerClient::new(&checked.target, checked.auth.as_deref()));
        if let Some(p) = &profiler {
            progress.message("starting the server's profiler");
            self.rt.block_on(p.start(pool))?;
        }
        let cpu0 = measure();
        if ran.status == RunStatus::Complete {
            let n = requests.len();
            progress.set_total(n as u64);
            progress.message("benchmark");
            let plan = Arc::new(Plan {
                requests,
                send_at_s: planned.schedule.send_at_s.clone(),
                max_concurrency: opts.max_concurrency,
                duration_s: opts.duration_s,
                deadline: checked.deadline,
                warmup: false,
            });
            let out = self.rt.block_on(run_phase(
                self.ctx.clone(),
                plan,
                progress,
                self.writer.as_mut(),
            ))?;
            let status = out.status;
            ran.status = status;
            ran.wall = out.wall;
            if out.unsent > 0 {
                ran.notes.push(format!(
                    "{} of {n} scheduled requests were not sent ({status:?})",
                    out.unsent
                ));
            }
            if let Some(e) = out.record_write_error {
                ran.notes.push(format!("per-request records could not be written: {e}"));
            }
            ran.outcomes.extend(out.outcomes);
        } else {
            ran.notes.push(format!(
                "stopped before the measured run ({:?}); no request was measured",
                ran.status
            ));
        }
        ran.cpu = (cpu0, measure());
        if let Some(p) = &profiler {
            progress.message("stopping the server's profiler");
            if let Err(e) = self.rt.block_on(p.stop(pool)) {
                ran.notes.push(e.to_string());
            } else {
                ran.notes
                    .push("the server's profiler ran around the measured run (--profile)".into());
            }
        }
        Ok(())
    }
}
