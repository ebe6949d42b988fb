//! The continuous-batching scheduler: a waiting queue, a running batch, a paged KV pool
//! with a prefix cache, chunked prefill and retraction, modelled on SGLang's scheduler
//! (`python/sglang/srt/managers/scheduler.py`, `schedule_policy.py`, `schedule_batch.py`).
//!
//! The engine knows no clock: [`Engine::step`] forms the next batch, advances every
//! request in it and says how long the step takes under the cost model. The virtual-time
//! driver adds that duration to its clock; the real-time driver sleeps it.

mod admit;
mod types;

use std::collections::{HashMap, VecDeque};

pub use types::{Emitted, EngineConfig, EngineStats, Snapshot, StepKind, StepOutcome};

use crate::cost::StepShape;
use crate::kv::{KvPool, block_hashes};
use crate::profile::BatchPolicy;
use crate::request::{FinishReason, Reject, SimRequest};

/// SGLang `global_config`: initial new-token ratio, its floor factor and decay steps, and
/// the decode steps assumed per request after a retraction.
const INIT_NEW_TOKEN_RATIO: f64 = 0.7;
const MIN_NEW_TOKEN_RATIO_FACTOR: f64 = 0.14;
const NEW_TOKEN_RATIO_DECAY_STEPS: f64 = 600.0;
const RETRACT_DECODE_STEPS: u64 = 20;
/// SGLang `CLIP_MAX_NEW_TOKENS_ESTIMATION`.
const CLIP_MAX_NEW_TOKENS: u64 = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Waiting,
    Prefill,
    Decode,
}

/// A request inside the engine.
#[derive(Debug, Clone)]
struct Seq {
    id: u64,
    seq_no: u64,
    prompt_len: u64,
    hashes: Vec<u64>,
    max_new: u32,
    stop_at: u32,
    stops_at_eos: bool,
    output: u32,
    /// Tokens whose KV is computed in the current admission.
    kv: u64,
    /// Tokens to prefill in the current admission (prompt, plus output after a retraction).
    target: u64,
    held_blocks: u32,
    private_pages: u64,
    admitted_once: bool,
    /// Prompt tokens served from the prefix cache at the first admission.
    cached_tokens: u64,
    phase: Phase,
}

impl Seq {
    fn remaining_new(&self) -> u64 {
        u64::from(self.max_new.saturating_sub(self.output)).min(CLIP_MAX_NEW_TOKENS)
    }
}

/// The simulated serving engine.
#[derive(Debug, Clone)]
pub struct Engine {
    cfg: EngineConfig,
    kv: KvPool,
    seqs: Vec<Option<Seq>>,
    free_slots: Vec<usize>,
    by_id: HashMap<u64, usize>,
    waiting: VecDeque<usize>,
    running: Vec<usize>,
    chunked: Option<usize>,
    next_seq_no: u64,
    last_first_admit: Option<u64>,
    new_token_ratio: f64,
    min_new_token_ratio: f64,
    init_new_token_ratio: f64,
    decode_steps_since_log: u32,
    tokens_since_log: u64,
    last_log_s: f64,
    stats: EngineStats,
    out: StepOutcome,
}

impl Engine {
    /// A fresh engine.
    pub fn new(cfg: EngineConfig) -> Engine {
        let init = (INIT_NEW_TOKEN_RATIO * cfg.schedule_conservativeness).min(1.0);
        Engine {
            kv: KvPool::new(cfg.max_total_tokens, cfg.page_size),
            cfg,
            seqs: Vec::new(),
            free_slots: Vec::new(),
            by_id: HashMap::new(),
            waiting: VecDeque::new(),
            running: Vec::new(),
            chunked: None,
            next_seq_no: 0,
            last_first_admit: None,
            new_token_ratio: init,
            min_new_token_ratio: init * MIN_NEW_TOKEN_RATIO_FACTOR,
            init_new_token_ratio: init,
            decode_steps_since_log: 0,
            tokens_since_log: 0,
            last_log_s: 0.0,
            stats: EngineStats::default(),
            out: StepOutcome::default(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &EngineConfig {
        &self.cfg
    }

    /// Lifetime counters.
    pub fn stats(&self) -> &EngineStats {
        &self.stats
    }

    /// Queue a request (FCFS). Refuses prompts over `max_req_input_len` and prompt plus
    /// `max_new_tokens` over the context length, as SGLang does.
    pub fn add(&mut self, req: SimRequest) -> Result<(), Reject> {
        let input = req.prompt.len() as u64;
        let limit = self.cfg.max_req_input_len();
        if input > limit || input == 0 {
            return Err(Reject::InputTooLong { input, limit });
        }
        let ctx = u64::from(self.cfg.context_len);
        if input + u64::from(req.max_new_tokens) > ctx {
            return Err(Reject::ContextExceeded {
                input,
                output: u64::from(req.max_new_tokens),
                context_len: ctx,
            });
        }
        if self.by_id.contains_key(&req.id) {
            return Err(Reject::DuplicateId(req.id));
        }
        let hashes = if self.cfg.radix_cache {
            block_hashes(&req.prompt, self.cfg.page_size)
        } else {
            Vec::new()
        };
        let seq = Seq {
            id: req.id,
            seq_no: self.next_seq_no,
            prompt_len: input,
            hashes,
            max_new: req.max_new_tokens.max(1),
            stop_at: req.output_len(),
            stops_at_eos: req.stops_at_eos(),
            output: 0,
            kv: 0,
            target: input,
            held_blocks: 0,
            private_pages: 0,
            admitted_once: false,
            cached_tokens: 0,
            phase: Phase::Waiting,
        };
        self.next_seq_no += 1;
        let slot = match self.free_slots.pop() {
            Some(s) => {
                self.seqs[s] = Some(seq);
                s
            }
            None => {
                self.seqs.push(Some(seq));
                self.seqs.len() - 1
            }
        };
        self.by_id.insert(req.id, slot);
        self.waiting.push_back(slot);
        Ok(())
    }

    /// Remove a request wherever it is (client went away). True if it was live.
    pub fn abort(&mut self, id: u64) -> bool {
        let Some(&slot) = self.by_id.get(&id) else { return false };
        self.waiting.retain(|&s| s != slot);
        self.running.retain(|&s| s != slot);
        if self.chunked == Some(slot) {
            self.chunked = None;
        }
        self.release(slot);
        self.remove(slot);
        true
    }

    /// Nothing queued and nothing running.
    pub fn is_idle(&self) -> bool {
        self.waiting.is_empty() && self.running.is_empty() && self.chunked.is_none()
    }

    /// Live requests.
    pub fn live(&self) -> usize {
        self.by_id.len()
    }

    /// Take `tokens` of KV out of service (the KV-exhaustion fault); returns tokens taken.
    pub fn leak_kv(&mut self, tokens: u64) -> u64 {
        let pages = self.kv.pages_for(tokens);
        self.kv.leak(pages) * u64::from(self.cfg.page_size)
    }

    /// Drop unreferenced prefix-cache blocks.
    pub fn flush_cache(&mut self) {
        self.kv.flush();
    }

    /// The point-in-time numbers.
    pub fn snapshot(&self) -> Snapshot {
        let used = self.kv.used_pages() * u64::from(self.cfg.page_size);
        let total = self.cfg.max_total_tokens.max(1);
        Snapshot {
            running: (self.running.len() + usize::from(self.chunked.is_some())) as u32,
            queued: self.waiting.len() as u32,
            used_tokens: used,
            token_usage: used as f64 / total as f64,
            cache_hit_rate: if self.stats.prompt_tokens == 0 {
                0.0
            } else {
                self.stats.cached_tokens as f64 / self.stats.prompt_tokens as f64
            },
            new_token_ratio: self.new_token_ratio,
        }
    }

    /// Run one step at clock time `now_s` (used only for log throughput figures).
    /// `None` when there is nothing to do.
    pub fn step(&mut self, now_s: f64) -> Option<&StepOutcome> {
        let mut out = std::mem::take(&mut self.out);
        out.clear();
        let ran = match self.cfg.batch_policy {
            BatchPolicy::Separate => {
                let budget = self.cfg.chunked_prefill_size.min(self.cfg.max_prefill_tokens);
                let batch = self.schedule_prefill(u64::from(budget), &mut out);
                if !batch.is_empty() {
                    self.run_prefill(&batch, &mut out);
                    out.kind = Some(StepKind::Prefill);
                    true
                } else if !self.running.is_empty() {
                    self.make_decode_room(&mut out);
                    self.run_decode(now_s, &mut out);
                    out.kind = Some(StepKind::Decode);
                    !out.tokens.is_empty() || !out.aborted.is_empty()
                } else {
                    !out.aborted.is_empty()
                }
            }
            BatchPolicy::Mixed => {
                if !self.running.is_empty() {
                    self.make_decode_room(&mut out);
                }
                let decode_n = self.running.len() as u64;
                let budget = u64::from(self.cfg.chunked_prefill_size).saturating_sub(decode_n);
                let budget = budget.min(u64::from(self.cfg.max_prefill_tokens));
                let batch = self.schedule_prefill(budget, &mut out);
                let had_decode = !self.running.is_empty();
                // Decode first (the batch's existing sequences), then the prefill chunks,
                // so a request finishing its prefill here does not also decode.
                if had_decode {
                    self.run_decode(now_s, &mut out);
                }
                if !batch.is_empty() {
                    self.run_prefill(&batch, &mut out);
                }
                out.kind = match (had_decode, !batch.is_empty()) {
                    (true, true) => Some(StepKind::Mixed),
                    (true, false) => Some(StepKind::Decode),
                    (false, true) => Some(StepKind::Prefill),
                    (false, false) => None,
                };
                out.kind.is_some() || !out.aborted.is_empty()
            }
        };
        if !ran {
            self.out = out;
            return None;
        }
        out.duration_s = self.cfg.cost.step_seconds(&out.shape);
        self.stats.steps += 1;
        self.stats.busy_s += out.duration_s;
        let used = self.kv.used_pages() * u64::from(self.cfg.page_size);
        self.stats.peak_used_tokens = self.stats.peak_used_tokens.max(used);
        self.out = out;
        Some(&self.out)
    }

    /// Decode part: every running request gets one token.
    fn run_decode(&mut self, now_s: f64, out: &mut StepOutcome) {
        if self.running.is_empty() {
            return;
        }
        self.stats.decode_steps += 1;
        self.stats.peak_running = self.stats.peak_running.max(self.running.len() as u32);
        let mut shape = StepShape { decode_seqs: self.running.len() as u64, ..out.shape };
        let mut i = 0;
        while i < self.running.len() {
            let slot = self.running[i];
            let Some(seq) = self.seqs[slot].as_mut() else {
                self.running.swap_remove(i);
                continue;
            };
            let need =
                self.kv.pages_for(seq.kv + 1) - (u64::from(seq.held_blocks) + seq.private_pages);
            if need > 0 {
                // make_decode_room reserved the pages; this is only a fallback.
                if !self.kv.alloc(need) {
                    i += 1;
                    continue;
                }
                seq.private_pages += need;
            }
            shape.attended_tokens += seq.kv;
            seq.kv += 1;
            let index = seq.output;
            seq.output += 1;
            self.stats.generated_tokens += 1;
            self.tokens_since_log += 1;
            if seq.output >= seq.stop_at {
                let reason =
                    if seq.stops_at_eos { FinishReason::Stop } else { FinishReason::Length };
                let cached_tokens = seq.cached_tokens;
                out.tokens.push(Emitted { id: seq.id, index, finish: Some(reason), cached_tokens });
                self.running.remove(i);
                self.finish(slot);
            } else {
                let cached_tokens = seq.cached_tokens;
                out.tokens.push(Emitted { id: seq.id, index, finish: None, cached_tokens });
                i += 1;
            }
        }
        out.shape = shape;
        // SGLang lowers the ratio a little after every decode step without retraction.
        if out.retracted == 0 {
            let decay = (self.init_new_token_ratio - self.min_new_token_ratio)
                / NEW_TOKEN_RATIO_DECAY_STEPS;
            self.new_token_ratio = (self.new_token_ratio - decay).max(self.min_new_token_ratio);
        }
        self.decode_steps_since_log += 1;
        if self.cfg.log && self.decode_steps_since_log >= self.cfg.decode_log_interval {
            let gap = (now_s - self.last_log_s).max(1e-9);
            let snap = self.snapshot();
            out.log.push(format!(
                "Decode batch. #running-req: {}, #token: {}, token usage: {:.2}, gen throughput (token/s): {:.2}, #queue-req: {}, ",
                snap.running,
                snap.used_tokens,
                snap.token_usage,
                self.tokens_since_log as f64 / gap,
                snap.queued
            ));
            self.decode_steps_since_log = 0;
            self.tokens_since_log = 0;
            self.last_log_s = now_s;
        }
    }

    /// Retract running requests until the next decode step fits in the pool, as SGLang's
    /// `update_running_batch` / `retract_decode` do; the last one left is aborted.
    fn make_decode_room(&mut self, out: &mut StepOutcome) {
        let need = |e: &Engine| -> u64 {
            e.running
                .iter()
                .filter_map(|&s| e.seqs[s].as_ref())
                .map(|q| e.kv.pages_for(q.kv + 1) - (u64::from(q.held_blocks) + q.private_pages))
                .sum()
        };
        if need(self) <= self.kv.available_pages() {
            self.reserve_decode_pages();
            return;
        }
        let old_ratio = self.new_token_ratio;
        let mut retracted = 0u32;
        while need(self) > self.kv.available_pages() {
            if self.running.len() <= 1 {
                // A request mid-prefill holds pages too: put it back before giving up.
                if let Some(slot) = self.chunked.take() {
                    self.release(slot);
                    if let Some(q) = self.seqs[slot].as_mut() {
                        q.phase = Phase::Waiting;
                        q.kv = 0;
                        q.target = q.prompt_len + u64::from(q.output);
                    }
                    self.insert_waiting(slot);
                    retracted += 1;
                    continue;
                }
                if let Some(slot) = self.running.pop() {
                    let id = self.seqs[slot].as_ref().map(|q| q.id).unwrap_or_default();
                    let msg = "No space left for only one request: the KV cache pool is \
                               too small for this request's next decode step"
                        .to_string();
                    out.aborted.push((id, msg));
                    self.stats.aborted_requests += 1;
                    self.release(slot);
                    self.remove(slot);
                }
                break;
            }
            // SGLang order: retract the request with the fewest output tokens, and among
            // those the one with the longest prompt.
            let victim = (0..self.running.len())
                .min_by_key(|&i| {
                    let q = self.seqs[self.running[i]].as_ref();
                    q.map(|q| {
                        (q.output, std::cmp::Reverse(q.prompt_len), std::cmp::Reverse(q.seq_no))
                    })
                })
                .unwrap_or(0);
            let slot = self.running.remove(victim);
            self.release(slot);
            if let Some(q) = self.seqs[slot].as_mut() {
                q.phase = Phase::Waiting;
                q.kv = 0;
                q.target = q.prompt_len + u64::from(q.output);
            }
            self.insert_waiting(slot);
            retracted += 1;
        }
        if retracted > 0 {
            let (decoded, max_new) = self
                .running
                .iter()
                .filter_map(|&s| self.seqs[s].as_ref())
                .fold((0u64, 0u64), |(d, m), q| {
                    (d + u64::from(q.output), m + u64::from(q.max_new))
                });
            let n = self.running.len() as u64;
            self.new_token_ratio = if max_new == 0 {
                1.0
            } else {
                ((decoded + RETRACT_DECODE_STEPS * n) as f64 / max_new as f64).min(1.0)
            };
            self.stats.retraction_events += 1;
            self.stats.retracted_requests += u64::from(retracted);
            out.retracted += retracted;
            if self.cfg.log {
                out.log.push(format!(
                    "KV cache pool is full. Retract requests. #retracted_reqs: {retracted}, #new_token_ratio: {old_ratio:.4} -> {:.4}",
                    self.new_token_ratio
                ));
            }
        }
        self.reserve_decode_pages();
    }

    /// Allocate the page each running request's next token needs, before any prefill
    /// of the same step can take them (make_decode_room checked they exist).
    fn reserve_decode_pages(&mut self) {
        for &slot in &self.running {
            if let Some(q) = self.seqs[slot].as_mut() {
                let need =
                    self.kv.pages_for(q.kv + 1) - (u64::from(q.held_blocks) + q.private_pages);
                if need > 0 && self.kv.alloc(need) {
                    q.private_pages += need;
                }
            }
        }
    }

    /// Put a retracted request back in the queue in arrival order.
    fn insert_waiting(&mut self, slot: usize) {
        let key = self.seqs[slot].as_ref().map(|q| q.seq_no).unwrap_or(u64::MAX);
        let pos = self
            .waiting
            .partition_point(|&s| self.seqs[s].as_ref().map(|q| q.seq_no).unwrap_or(0) < key);
        self.waiting.insert(pos, slot);
    }

    /// Give back a request's KV: release held blocks, free private pages.
    fn release(&mut self, slot: usize) {
        if let Some(q) = self.seqs[slot].as_mut() {
            let held = q.held_blocks as usize;
            self.kv.release(&q.hashes[..held.min(q.hashes.len())]);
            self.kv.free(q.private_pages);
            q.held_blocks = 0;
            q.private_pages = 0;
        }
    }

    fn finish(&mut self, slot: usize) {
        self.stats.finished_requests += 1;
        self.release(slot);
        self.remove(slot);
    }

    fn remove(&mut self, slot: usize) {
        if let Some(q) = self.seqs[slot].take() {
            self.by_id.remove(&q.id);
            self.free_slots.push(slot);
        }
    }

    /// Check the scheduler's invariants (for tests): KV within capacity and accounted,
    /// running batch within its cap, waiting queue in arrival order, first admissions in
    /// arrival order, every request's pages matching its KV.
    pub fn check_invariants(&self) -> Result<(), String> {
        self.kv.check()?;
        let running = self.running.len() + usize::from(self.chunked.is_some());
        if running > self.cfg.max_running_requests as usize {
            return Err(format!("running {running} > cap {}", self.cfg.max_running_requests));
        }
        let nos: Vec<u64> =
            self.waiting.iter().filter_map(|&s| self.seqs[s].as_ref().map(|q| q.seq_no)).collect();
        if nos.windows(2).any(|w| w[0] >= w[1]) {
            return Err(format!("waiting queue out of arrival order: {nos:?}"));
        }
        let mut private = 0;
        for q in self.seqs.iter().flatten() {
            private += q.private_pages;
            let pages = u64::from(q.held_blocks) + q.private_pages;
            if pages != self.kv.pages_for(q.kv) {
                return Err(format!("request {} holds {pages} pages for {} tokens", q.id, q.kv));
            }
            if q.phase == Phase::Waiting && pages != 0 {
                return Err(format!("waiting request {} holds {pages} pages", q.id));
            }
        }
        if private != self.kv.private_pages() {
            return Err(format!("private pages {private} != pool {}", self.kv.private_pages()));
        }
        Ok(())
    }

    /// Seq numbers of first admissions must rise (FCFS); used by [`admit`].
    fn note_first_admission(&mut self, seq_no: u64) {
        debug_assert!(self.last_first_admit.is_none_or(|l| l < seq_no), "FCFS broken");
        self.last_first_admit = Some(seq_no);
    }

    /// The arrival number of the last request admitted for the first time.
    pub fn last_first_admission(&self) -> Option<u64> {
        self.last_first_admit
    }
}

#[cfg(test)]
mod tests;
