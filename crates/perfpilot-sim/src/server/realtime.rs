//! The real-time clock: one thread owns the engine, takes commands from the HTTP side,
//! runs a step, sleeps the step's modelled duration, then delivers the step's tokens.
//! When it stays busy, each step starts at the previous step's deadline (not at the
//! moment the thread woke up), so sleep overshoot does not add up. Which step admits a
//! request is decided by its arrival stamp (`super::inbox`), not by thread wake-ups.

use std::collections::HashMap;
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::mpsc::UnboundedSender;

use super::inbox::{Arrival, Inbox, gather_window};
use super::log::Logger;
use super::metrics::Metrics;
use crate::engine::{Engine, EngineStats};
use crate::request::{FinishReason, SimRequest};

/// What the HTTP side asks of the engine thread.
pub(crate) enum Cmd {
    /// A new request and where its tokens go.
    Add { req: SimRequest, arrived: Instant, sink: UnboundedSender<Event> },
    /// The client went away.
    Abort(u64),
    /// Freeze the scheduler (stall fault).
    Stall(Duration),
    /// Take a share of the KV pool out of service (KV-exhaustion fault).
    LeakKv(f64),
    /// `/flush_cache`.
    Flush,
    /// Stop the thread.
    Shutdown,
}

/// What a request's stream receives.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Event {
    /// One output token.
    Token { index: u32, finish: Option<FinishReason>, cached_tokens: u64 },
    /// The request failed (rejected up front, or aborted by the engine).
    Failed { message: String, status: u16 },
}

/// State the HTTP side reads.
pub(crate) struct Shared {
    pub metrics: Mutex<Metrics>,
    /// Wall time of the last step (the scheduler's heartbeat).
    pub heartbeat: Mutex<SystemTime>,
}

struct Live {
    sink: UnboundedSender<Event>,
    arrived: Instant,
    first: Option<Instant>,
    tokens: u32,
    prompt: u64,
}

/// Run the engine until `Shutdown` or until every sender is gone; returns its counters.
///
/// Which step admits a request follows [`super::inbox`]: its arrival stamp against the
/// step's nominal start, plus a gather window when a step starts an idle engine.
pub(crate) fn run(
    mut engine: Engine,
    rx: Receiver<Cmd>,
    shared: Arc<Shared>,
    log: Arc<Logger>,
) -> EngineStats {
    let start = Instant::now();
    let gather = gather_window(&engine.config().cost);
    let mut live: HashMap<u64, Live> = HashMap::new();
    let mut inbox = Inbox::default();
    let mut next_start: Option<Instant> = None;
    let mut stall: Option<Duration> = None;
    let mut thr_mark = (Instant::now(), 0u64);
    // Commands other than `Add` act at once; requests wait in the inbox for their step.
    let handle = |cmd: Cmd,
                  engine: &mut Engine,
                  inbox: &mut Inbox,
                  live: &mut HashMap<u64, Live>,
                  stall: &mut Option<Duration>|
     -> bool {
        match cmd {
            Cmd::Add { req, arrived, sink } => inbox.push(Arrival { req, arrived, sink }),
            Cmd::Abort(id) => {
                if !inbox.remove(id) && engine.abort(id) {
                    live.remove(&id);
                }
            }
            Cmd::Stall(d) => *stall = Some(d),
            Cmd::LeakKv(frac) => {
                let total = engine.config().max_total_tokens;
                engine.leak_kv((total as f64 * frac) as u64);
            }
            Cmd::Flush => engine.flush_cache(),
            Cmd::Shutdown => return false,
        }
        true
    };
    'outer: loop {
        if engine.is_idle() && inbox.is_empty() && stall.is_none() {
            match rx.recv() {
                Ok(c) => {
                    if !handle(c, &mut engine, &mut inbox, &mut live, &mut stall) {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
        loop {
            match rx.try_recv() {
                Ok(c) => {
                    if !handle(c, &mut engine, &mut inbox, &mut live, &mut stall) {
                        break 'outer;
                    }
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => break 'outer,
            }
        }
        if let Some(d) = stall.take() {
            std::thread::sleep(d);
            next_start = None;
            continue;
        }
        let now = Instant::now();
        let (t0, cutoff) = if !engine.is_idle() {
            // Back to back: the step starts at the previous one's deadline and admits what
            // arrived before it; after a stall or a wait it starts now. A chain of steps that
            // has fallen behind the clock by more than the gather window (steps that cost
            // nothing, a busy machine) also admits what arrived up to that window ago: with
            // the cutoff at the nominal start alone, a zero-cost engine's chain never moved,
            // and requests arriving after its first step waited until the engine was idle
            // (sim_throughput: a quarter of the tokens/s, five times the CPU per token).
            let t = next_start.filter(|t| *t <= now).unwrap_or(now);
            let caught_up = now.checked_sub(gather).map_or(t, |c| c.max(t));
            (t, caught_up)
        } else {
            // An idle engine: the step starts at the earliest arrival (not before the
            // previous step ended) and admits what arrives within the gather window.
            let Some(first) = inbox.first_arrival() else {
                next_start = None;
                continue;
            };
            let t0 = next_start.map_or(first, |t| t.max(first)).min(now);
            let close = t0 + gather;
            loop {
                let left = close.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                match rx.recv_timeout(left) {
                    Ok(c) => {
                        if !handle(c, &mut engine, &mut inbox, &mut live, &mut stall) {
                            break 'outer;
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => break 'outer,
                }
            }
            (t0, close)
        };
        for a in inbox.take_until(cutoff) {
            let Arrival { req, arrived, sink } = a;
            let id = req.id;
            let prompt = req.prompt.len() as u64;
            match engine.add(req) {
                Ok(()) => {
                    live.insert(id, Live { sink, arrived, first: None, tokens: 0, prompt });
                }
                Err(e) => {
                    let _ = sink.send(Event::Failed { message: e.to_string(), status: 400 });
                }
            }
        }
        if engine.is_idle() {
            // Nothing admitted (every request rejected, or all arrived after the cutoff:
            // they start the next step).
            next_start = Some(t0);
            continue;
        }
        let t_rel = (t0 - start).as_secs_f64();
        let Some(out) = engine.step(t_rel) else {
            // Work exists but nothing can be scheduled: wait for a command (or take the
            // requests already read).
            next_start = None;
            if inbox.is_empty() {
                match rx.recv() {
                    Ok(c) => {
                        if !handle(c, &mut engine, &mut inbox, &mut live, &mut stall) {
                            break;
                        }
                    }
                    Err(_) => break,
                }
            }
            continue;
        };
        let deadline = t0 + Duration::from_secs_f64(out.duration_s.max(0.0));
        let now = Instant::now();
        if deadline > now {
            std::thread::sleep(deadline - now);
        }
        next_start = Some(deadline);
        let delivered = Instant::now();
        for line in &out.log {
            log.line(line);
        }
        let mut m = shared.metrics.lock().unwrap_or_else(|e| e.into_inner());
        for id in &out.admitted {
            if let Some(l) = live.get(id) {
                m.queue.observe((t0.saturating_duration_since(l.arrived)).as_secs_f64());
            }
        }
        for t in &out.tokens {
            let Some(l) = live.get_mut(&t.id) else { continue };
            if l.first.is_none() {
                l.first = Some(delivered);
                m.ttft.observe((delivered - l.arrived).as_secs_f64());
                m.prompt_tokens += l.prompt;
            }
            l.tokens += 1;
            let _ = l.sink.send(Event::Token {
                index: t.index,
                finish: t.finish.clone(),
                cached_tokens: t.cached_tokens,
            });
            if t.finish.is_some() {
                let e2e = (delivered - l.arrived).as_secs_f64();
                m.e2e.observe(e2e);
                if let (Some(first), true) = (l.first, l.tokens > 1) {
                    m.tpot.observe((delivered - first).as_secs_f64() / f64::from(l.tokens - 1));
                }
                m.requests += 1;
                live.remove(&t.id);
            }
        }
        for (id, msg) in &out.aborted {
            log.line(&format!("Abort request {id}: {msg}"));
            if let Some(l) = live.remove(id) {
                let _ = l.sink.send(Event::Failed { message: msg.clone(), status: 503 });
            }
        }
        m.generation_tokens += out.tokens.len() as u64;
        m.retracted += u64::from(out.retracted);
        m.snapshot = engine.snapshot();
        let since = delivered.duration_since(thr_mark.0).as_secs_f64();
        if since >= 1.0 {
            m.gen_throughput = (m.generation_tokens - thr_mark.1) as f64 / since;
            thr_mark = (delivered, m.generation_tokens);
        }
        drop(m);
        if let Ok(mut hb) = shared.heartbeat.lock() {
            *hb = SystemTime::now();
        }
    }
    // Dropping `live` closes every open stream.
    engine.stats().clone()
}
