//! The run loop: a dispatcher that sends each request at its scheduled time (absolute
//! targets from one origin, so the timer cannot drift) under the concurrency cap, one
//! task per request, and a collector that records outcomes as they finish and watches
//! the deadline and Ctrl-C.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use perfpilot_report::Progress;
use perfpilot_workload::{ErrorKind, RequestError, RequestRecord, RunStatus};
use tokio::sync::{Semaphore, mpsc, watch};

use crate::BenchError;
use crate::http::Prepared;
use crate::stream::{RequestContext, StreamText, run_request};

/// One request ready to send.
pub struct PlannedRequest {
    /// Workload id.
    pub id: u64,
    /// The HTTP request.
    pub prepared: Prepared,
    /// Client-side prompt length.
    pub input_len: u32,
    /// Requested output length.
    pub output_len: u32,
}

/// A phase (warmup or measured) to run.
pub struct Plan {
    /// Requests in send order.
    pub requests: Vec<PlannedRequest>,
    /// Send time of each, seconds from the phase start.
    pub send_at_s: Vec<f64>,
    /// Concurrency cap.
    pub max_concurrency: Option<u32>,
    /// Stop sending after this many seconds from the phase start.
    pub duration_s: Option<f64>,
    /// Absolute deadline.
    pub deadline: Option<Instant>,
    /// Mark records as warmup.
    pub warmup: bool,
}

/// A finished request.
pub struct Outcome {
    /// Its record.
    pub record: RequestRecord,
    /// Its text, when kept.
    pub text: StreamText,
}

/// What a phase produced.
pub struct PhaseOutput {
    /// Outcomes in completion order.
    pub outcomes: Vec<Outcome>,
    /// How it ended.
    pub status: RunStatus,
    /// Scheduled requests never sent (deadline, Ctrl-C, duration).
    pub unsent: usize,
    /// Phase wall time.
    pub wall: Duration,
    /// The per-request file could not be written (the run went on).
    pub record_write_error: Option<String>,
}

const NO_CANCEL: u8 = 0;
const CANCEL_DEADLINE: u8 = 1;
const CANCEL_INTERRUPT: u8 = 2;

/// Incremental per-request JSONL, flushed after every record.
pub struct RecordWriter {
    file: perfpilot_io::JsonlFile,
}

impl RecordWriter {
    /// Create (truncate) `path`.
    pub fn create(path: &Path) -> Result<RecordWriter, BenchError> {
        let file = perfpilot_io::JsonlFile::create(path).map_err(|e| BenchError::file(path, e))?;
        Ok(RecordWriter { file })
    }

    /// Append one record.
    pub fn write(&mut self, rec: &RequestRecord) -> Result<(), BenchError> {
        self.file.write_value(rec).map_err(|e| BenchError::file(self.file.path(), e))
    }
}

/// Sleep until `target`: the timer for all but the last millisecond, then yield until
/// the instant passes (tokio's timer has 1 ms granularity).
async fn sleep_until_precise(target: Instant) {
    let now = Instant::now();
    if target > now + Duration::from_millis(2) {
        tokio::time::sleep_until((target - Duration::from_millis(1)).into()).await;
    }
    while Instant::now() < target {
        tokio::task::yield_now().await;
    }
}

async fn cancelled(mut rx: watch::Receiver<u8>) -> u8 {
    loop {
        let v = *rx.borrow_and_update();
        if v != NO_CANCEL {
            return v;
        }
        if rx.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Run one phase to the end (or deadline / Ctrl-C). Records are written to `writer`
/// as they finish.
pub async fn run_phase(
    ctx: Arc<RequestContext>,
    plan: Arc<Plan>,
    progress: &dyn Progress,
    mut writer: Option<&mut RecordWriter>,
) -> Result<PhaseOutput, BenchError> {
    let n = plan.requests.len();
    let (tx, mut rx) = mpsc::unbounded_channel::<Outcome>();
    let (cancel_tx, cancel_rx) = watch::channel(NO_CANCEL);
    let t0 = Instant::now();
    let sent_count = Arc::new(std::sync::atomic::AtomicUsize::new(0));

    let dispatcher = {
        let plan = plan.clone();
        let ctx = ctx.clone();
        let cancel_rx = cancel_rx.clone();
        let sent_count = sent_count.clone();
        let tx = tx.clone();
        tokio::spawn(async move {
            let sem = plan.max_concurrency.map(|c| Arc::new(Semaphore::new(c.max(1) as usize)));
            let mut stopped_by_duration = false;
            let mut last_block_end: Option<Instant> = None;
            for i in 0..plan.requests.len() {
                let at = plan.send_at_s[i];
                if plan.duration_s.is_some_and(|d| at > d) {
                    stopped_by_duration = true;
                    break;
                }
                // A send time past any representable instant cannot be waited for.
                let Some(target) =
                    Duration::try_from_secs_f64(at.max(0.0)).ok().and_then(|d| t0.checked_add(d))
                else {
                    stopped_by_duration = true;
                    break;
                };
                tokio::select! {
                    biased;
                    _ = cancelled(cancel_rx.clone()) => break,
                    _ = sleep_until_precise(target) => {}
                }
                // Slot wait: from the scheduled time to the permit, whenever the cap
                // held the dispatcher back since this request was due (its own wait, or
                // the wait for an earlier request that kept the dispatcher from reaching
                // it). Otherwise all lateness is the client's own dispatch lag.
                let (permit, blocked) = match &sem {
                    None => (None, false),
                    Some(s) => match s.clone().try_acquire_owned() {
                        Ok(p) => (Some(p), false),
                        Err(_) => tokio::select! {
                            biased;
                            _ = cancelled(cancel_rx.clone()) => break,
                            p = s.clone().acquire_owned() => (p.ok(), true),
                        },
                    },
                };
                let got = Instant::now();
                if blocked {
                    last_block_end = Some(got);
                }
                let held_back = blocked || last_block_end.is_some_and(|e| e > target);
                let slot_wait = if held_back {
                    got.saturating_duration_since(target).as_secs_f64()
                } else {
                    0.0
                };
                // A request that waited for a slot past the end of the window is not sent.
                if sem.is_some() && plan.duration_s.is_some_and(|d| t0.elapsed().as_secs_f64() > d)
                {
                    stopped_by_duration = true;
                    break;
                }
                sent_count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let (plan, ctx, tx, cancel_rx) =
                    (plan.clone(), ctx.clone(), tx.clone(), cancel_rx.clone());
                tokio::spawn(async move {
                    let sent = Instant::now();
                    let r = &plan.requests[i];
                    let mut rec = RequestRecord::new(
                        r.id,
                        at,
                        slot_wait,
                        sent.duration_since(t0).as_secs_f64(),
                        r.input_len,
                        r.output_len,
                    );
                    rec.warmup = plan.warmup;
                    let mut text = StreamText::default();
                    let why = {
                        let fut = run_request(&ctx, &r.prepared, &mut rec, &mut text, sent);
                        tokio::select! {
                            _ = fut => None,
                            why = cancelled(cancel_rx) => Some(why),
                        }
                    };
                    if let Some(why) = why {
                        let (kind, msg) = if why == CANCEL_DEADLINE {
                            (ErrorKind::Deadline, "cancelled by the overall deadline")
                        } else {
                            (ErrorKind::Interrupted, "cancelled by Ctrl-C")
                        };
                        rec.error = Some(RequestError { kind, message: msg.into() });
                        rec.end_s = sent.elapsed().as_secs_f64();
                    }
                    drop(permit);
                    if let Some(e) = rec.error.as_mut() {
                        e.message = ctx.redactor.clean(&e.message);
                    }
                    let _ = tx.send(Outcome { record: rec, text });
                });
            }
            stopped_by_duration
        })
    };
    drop(tx);

    let mut outcomes = Vec::with_capacity(n);
    let mut status = RunStatus::Complete;
    let deadline = plan.deadline;
    let mut write_error = None;
    loop {
        tokio::select! {
            o = rx.recv() => match o {
                Some(o) => {
                    if let (Some(w), None) = (writer.as_deref_mut(), &write_error)
                        && let Err(e) = w.write(&o.record)
                    {
                        write_error = Some(e);
                    }
                    progress.advance(1);
                    outcomes.push(o);
                }
                None => break,
            },
            _ = async { match deadline { Some(d) => tokio::time::sleep_until(d.into()).await, None => std::future::pending().await } },
                if status == RunStatus::Complete => {
                status = RunStatus::DeadlineReached;
                let _ = cancel_tx.send(CANCEL_DEADLINE);
            }
            _ = crate::interrupt::wait(),
                if status == RunStatus::Complete => {
                status = RunStatus::Interrupted;
                let _ = cancel_tx.send(CANCEL_INTERRUPT);
            }
        }
    }
    let by_duration = dispatcher.await.unwrap_or(false);
    if by_duration && status == RunStatus::Complete {
        status = RunStatus::DurationReached;
    }
    let unsent = n - sent_count.load(std::sync::atomic::Ordering::Relaxed);
    Ok(PhaseOutput {
        outcomes,
        status,
        unsent,
        wall: t0.elapsed(),
        record_write_error: write_error.map(|e| e.to_string()),
    })
}
