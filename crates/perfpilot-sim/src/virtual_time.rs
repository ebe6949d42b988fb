//! The virtual clock: run the engine as fast as the CPU allows, with a client model that
//! behaves as `bench serve`'s does (scheduled send times, a concurrency cap with slots
//! granted in request order), and write the same per-request records the HTTP client
//! writes.
//!
//! Time only moves at events. A request arriving while a step runs waits in the queue
//! until the step ends (as in the real-time server, where the engine thread takes new
//! requests between steps); every token of a step is delivered at the step's end.

use perfpilot_workload::{ErrorKind, RequestError, RequestRecord, TokenCountSource};

use crate::engine::{Engine, EngineConfig, EngineStats};
use crate::request::SimRequest;

/// One request of a virtual run.
#[derive(Debug, Clone, PartialEq)]
pub struct VirtualRequest {
    /// Workload id (kept in the record).
    pub id: u64,
    /// Scheduled send time, seconds from the run start.
    pub scheduled_s: f64,
    /// Prompt token ids as the server would count them.
    pub prompt: Vec<u32>,
    /// The client's prompt length (the dataset's count).
    pub input_len: u32,
    /// `max_tokens`.
    pub max_new_tokens: u32,
    /// `min_tokens`.
    pub min_new_tokens: u32,
    /// Simulated EOS position (`None` with `ignore_eos`).
    pub eos_after: Option<u32>,
}

/// What a virtual run produced.
#[derive(Debug, Clone)]
pub struct VirtualOutcome {
    /// One record per request, in request order.
    pub records: Vec<RequestRecord>,
    /// Engine counters.
    pub engine: EngineStats,
    /// Virtual time when the last request ended, seconds.
    pub end_s: f64,
}

struct Flight {
    sent_s: f64,
    times: Vec<f64>,
    cached: u64,
}

/// The client side: request order, the concurrency cap, what is in flight.
struct Client<'a> {
    requests: &'a [VirtualRequest],
    cap: usize,
    next: usize,
    inflight: usize,
    flights: Vec<Option<Flight>>,
    records: Vec<Option<RequestRecord>>,
}

impl Client<'_> {
    /// Send, in order, the requests scheduled before `limit` (or at it, when
    /// `inclusive`) while a slot is free; each is sent at `max(scheduled, floor)`.
    /// Returns their indices.
    fn send(&mut self, limit: f64, inclusive: bool, floor: f64, out: &mut Vec<usize>) {
        while self.next < self.requests.len() && self.inflight < self.cap {
            let i = self.next;
            let r = &self.requests[i];
            if r.scheduled_s > limit || (!inclusive && r.scheduled_s == limit) {
                break;
            }
            let cap = r.max_new_tokens.min(1 << 16) as usize;
            let sent = r.scheduled_s.max(floor);
            self.flights[i] =
                Some(Flight { sent_s: sent, times: Vec::with_capacity(cap), cached: 0 });
            self.inflight += 1;
            self.next += 1;
            out.push(i);
        }
    }

    /// The sent requests reach the engine.
    fn arrive(&mut self, engine: &mut Engine, idx: &mut Vec<usize>) {
        for i in idx.drain(..) {
            let r = &self.requests[i];
            let sim = SimRequest {
                id: i as u64,
                prompt: r.prompt.clone(),
                max_new_tokens: r.max_new_tokens,
                min_new_tokens: r.min_new_tokens,
                eos_after: r.eos_after,
            };
            if let Err(e) = engine.add(sim) {
                let sent = self.flights[i].take().map(|f| f.sent_s).unwrap_or(r.scheduled_s);
                self.inflight -= 1;
                let mut rec = RequestRecord::new(
                    r.id,
                    r.scheduled_s,
                    sent - r.scheduled_s,
                    sent,
                    r.input_len,
                    r.max_new_tokens,
                );
                rec.http_status = Some(400);
                rec.error = Some(RequestError {
                    kind: ErrorKind::HttpStatus,
                    message: format!("400 Bad Request: {e}"),
                });
                self.records[i] = Some(rec);
            }
        }
    }
}

/// Simulate `requests` (sorted by `scheduled_s`) on an engine built from `cfg`, with at
/// most `max_concurrency` requests in flight (client-side cap).
///
/// A request the client sends at a step's end (a slot freed by that step) reaches the
/// engine after the next step has started, as over a real connection: it joins the step
/// after. Requests scheduled during a step join the next one.
pub fn simulate(
    cfg: &EngineConfig,
    requests: &[VirtualRequest],
    max_concurrency: Option<u32>,
) -> VirtualOutcome {
    let mut cfg = cfg.clone();
    cfg.log = false;
    let mut engine = Engine::new(cfg);
    let n = requests.len();
    let mut c = Client {
        requests,
        cap: max_concurrency.map(|c| c.max(1) as usize).unwrap_or(usize::MAX),
        next: 0,
        inflight: 0,
        flights: (0..n).map(|_| None).collect(),
        records: vec![None; n],
    };
    let mut t = 0.0f64;
    let mut end_s = 0.0f64;
    let mut finished = Vec::new();
    let mut transit: Vec<usize> = Vec::new();
    let mut batch: Vec<usize> = Vec::new();
    loop {
        if engine.is_idle() {
            if transit.is_empty() {
                if c.next >= n {
                    break;
                }
                // Nothing in flight: jump to the next arrival.
                t = t.max(requests[c.next].scheduled_s);
                c.send(t, true, t, &mut batch);
                c.arrive(&mut engine, &mut batch);
                continue;
            }
            // An idle engine takes requests in transit at once.
            c.arrive(&mut engine, &mut transit);
            if engine.is_idle() {
                continue;
            }
        }
        let Some(out) = engine.step(t) else { break };
        let t1 = t + out.duration_s;
        finished.clear();
        for tok in &out.tokens {
            let i = tok.id as usize;
            if let Some(f) = c.flights[i].as_mut() {
                f.times.push(t1);
                f.cached = tok.cached_tokens;
                if let Some(reason) = &tok.finish {
                    finished.push((i, Some(reason.as_openai()), None));
                }
            }
        }
        for (id, msg) in &out.aborted {
            finished.push((*id as usize, None, Some(msg.clone())));
        }
        // Requests sent at the previous boundary arrived while this step ran, and so did
        // requests scheduled during it that found a free slot.
        c.arrive(&mut engine, &mut transit);
        c.send(t1, false, 0.0, &mut batch);
        c.arrive(&mut engine, &mut batch);
        for (i, reason, abort) in finished.drain(..) {
            let Some(f) = c.flights[i].take() else { continue };
            c.inflight -= 1;
            c.records[i] = Some(record(&requests[i], &f, reason, abort, t1));
            end_s = end_s.max(t1);
        }
        // Freed slots: waiting requests are sent now and reach the engine after the
        // next step has started.
        c.send(t1, true, t1, &mut transit);
        t = t1;
    }
    let records = c
        .records
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            r.unwrap_or_else(|| {
                let q = &requests[i];
                let mut rec = RequestRecord::new(
                    q.id,
                    q.scheduled_s,
                    0.0,
                    q.scheduled_s,
                    q.input_len,
                    q.max_new_tokens,
                );
                rec.error = Some(RequestError {
                    kind: ErrorKind::Deadline,
                    message: "not finished when the simulation stopped".into(),
                });
                rec
            })
        })
        .collect();
    VirtualOutcome { records, engine: engine.stats().clone(), end_s }
}

fn record(
    r: &VirtualRequest,
    f: &Flight,
    reason: Option<&str>,
    abort: Option<String>,
    end: f64,
) -> RequestRecord {
    let sent = f.sent_s;
    let mut rec = RequestRecord::new(
        r.id,
        r.scheduled_s,
        (sent - r.scheduled_s).max(0.0),
        sent,
        r.input_len,
        r.max_new_tokens,
    );
    rec.http_status = Some(200);
    rec.prompt_tokens = Some(r.prompt.len() as u32);
    rec.cached_tokens = Some(f.cached as u32);
    rec.chunk_times_s = f.times.iter().map(|x| x - sent).collect();
    rec.chunk_tokens = vec![1; f.times.len()];
    rec.ttft_s = rec.chunk_times_s.first().copied();
    rec.e2e_s = rec.chunk_times_s.last().copied();
    rec.done_s = rec.e2e_s;
    rec.end_s = end - sent;
    let n = f.times.len() as u32;
    rec.output_tokens = Some(n);
    rec.usage_output_tokens = Some(n);
    rec.output_tokens_source = TokenCountSource::Exact;
    rec.finish_reason = reason.map(str::to_string);
    rec.early_stop = n < r.max_new_tokens;
    if let Some(msg) = abort {
        rec.finish_reason = Some("abort".into());
        rec.error = Some(RequestError {
            kind: ErrorKind::StreamCut,
            message: format!("aborted by the engine: {msg}"),
        });
    }
    rec
}
