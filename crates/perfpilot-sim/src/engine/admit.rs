//! Prefill scheduling: continue the chunked request, then admit waiting requests in
//! arrival order (FCFS) while the running cap, the step's token budget and SGLang's KV
//! reservation (`PrefillAdder`: new requests reserve their remaining `max_new_tokens`,
//! running ones `new_token_ratio` of theirs) allow; run the prefill chunks.

use super::{Engine, Phase};
use crate::engine::{Emitted, StepOutcome};
use crate::profile::BatchPolicy;
use crate::request::FinishReason;

/// One entry of a prefill batch.
#[derive(Debug, Clone, Copy)]
pub(super) struct Chunk {
    slot: usize,
    tokens: u64,
    cached: u64,
}

impl Engine {
    /// Form the prefill part of the next step within `budget` tokens.
    pub(super) fn schedule_prefill(&mut self, budget: u64, out: &mut StepOutcome) -> Vec<Chunk> {
        let mut batch = Vec::new();
        let ps = u64::from(self.cfg.page_size);
        let mut left = budget;
        if left == 0 {
            return batch;
        }
        if let Some(slot) = self.chunked.take() {
            let Some(q) = self.seqs[slot].as_mut() else { return batch };
            let remaining = q.target - q.kv;
            let mut chunk = remaining.min(left);
            if chunk < remaining {
                chunk = chunk / ps * ps;
            }
            let held = u64::from(q.held_blocks) + q.private_pages;
            let need = self.kv.pages_for(q.kv + chunk) - held;
            if chunk > 0 && self.kv.alloc(need) {
                q.private_pages += need;
                batch.push(Chunk { slot, tokens: chunk, cached: 0 });
                left -= chunk;
                if chunk < remaining {
                    return batch;
                }
            } else if self.running.is_empty() {
                // Nothing will ever free pages for it.
                self.abort_for_space(slot, out);
                return batch;
            } else {
                self.chunked = Some(slot);
                return batch;
            }
        }
        let ratio = self.new_token_ratio;
        let mut rem_total = (self.kv.available_pages() * ps) as f64
            - self
                .running
                .iter()
                .filter_map(|&s| self.seqs[s].as_ref())
                .map(|q| q.remaining_new() as f64 * ratio)
                .sum::<f64>();
        for c in &batch {
            if let Some(q) = self.seqs[c.slot].as_ref() {
                rem_total -= q.remaining_new() as f64;
            }
        }
        let cap = self.cfg.max_running_requests as usize;
        while let Some(&slot) = self.waiting.front() {
            if self.running.len() + batch.len() >= cap || left == 0 {
                break;
            }
            let Some(q) = self.seqs[slot].as_ref() else {
                self.waiting.pop_front();
                continue;
            };
            let matched = self.kv.match_prefix(&q.hashes) as u64;
            let m = matched.min((q.target - 1) / ps);
            let prefix = m * ps;
            let extend = q.target - prefix;
            let need_total = extend + q.remaining_new();
            let alone = self.running.is_empty() && batch.is_empty();
            if !alone && need_total as f64 >= rem_total {
                break;
            }
            let mut chunk = extend.min(left);
            if chunk < extend {
                chunk = chunk / ps * ps;
                if chunk == 0 {
                    break;
                }
            }
            let hashes = q.hashes[..m as usize].to_vec();
            self.kv.acquire(&hashes);
            let pages = self.kv.pages_for(prefix + chunk) - m;
            if !self.kv.alloc(pages) {
                self.kv.release(&hashes);
                if alone {
                    self.waiting.pop_front();
                    self.abort_for_space(slot, out);
                    continue;
                }
                break;
            }
            self.waiting.pop_front();
            let mut first = None;
            if let Some(q) = self.seqs[slot].as_mut() {
                q.held_blocks = m as u32;
                q.private_pages = pages;
                q.kv = prefix;
                q.phase = Phase::Prefill;
                if !q.admitted_once {
                    q.admitted_once = true;
                    q.cached_tokens = prefix.min(q.prompt_len);
                    first = Some((q.seq_no, q.prompt_len, q.cached_tokens));
                    out.admitted.push(q.id);
                }
            }
            if let Some((seq_no, prompt_len, cached)) = first {
                self.stats.prompt_tokens += prompt_len;
                self.stats.cached_tokens += cached;
                self.note_first_admission(seq_no);
            }
            rem_total -= need_total as f64;
            left -= chunk;
            batch.push(Chunk { slot, tokens: chunk, cached: prefix });
            if chunk < extend {
                break;
            }
        }
        batch
    }

    /// Compute the prefill chunks; a request whose prompt is complete publishes its full
    /// prompt pages to the prefix cache and emits its first (next) token.
    pub(super) fn run_prefill(&mut self, batch: &[Chunk], out: &mut StepOutcome) {
        self.stats.prefill_steps += 1;
        let ps = u64::from(self.cfg.page_size);
        let (mut new_tokens, mut cached_tokens) = (0u64, 0u64);
        let decode_running = self.running.len();
        for c in batch {
            let Some(q) = self.seqs[c.slot].as_mut() else { continue };
            out.shape.prefill_tokens += c.tokens;
            out.shape.attended_tokens += q.kv + c.tokens;
            new_tokens += c.tokens;
            cached_tokens += c.cached;
            q.kv += c.tokens;
            self.stats.prefill_tokens_computed += c.tokens;
            if q.kv < q.target {
                self.chunked = Some(c.slot);
                continue;
            }
            let full = (q.hashes.len() as u64).min(q.kv / ps) as u32;
            for depth in q.held_blocks..full {
                self.kv.publish(q.hashes[depth as usize], depth);
            }
            q.private_pages -= u64::from(full.saturating_sub(q.held_blocks));
            q.held_blocks = q.held_blocks.max(full);
            let index = q.output;
            q.output += 1;
            self.stats.generated_tokens += 1;
            self.tokens_since_log += 1;
            let cached = q.cached_tokens;
            if q.output >= q.stop_at {
                let reason = if q.stops_at_eos { FinishReason::Stop } else { FinishReason::Length };
                out.tokens.push(Emitted {
                    id: q.id,
                    index,
                    finish: Some(reason),
                    cached_tokens: cached,
                });
                self.finish(c.slot);
            } else {
                q.phase = Phase::Decode;
                out.tokens.push(Emitted { id: q.id, index, finish: None, cached_tokens: cached });
                self.running.push(c.slot);
            }
        }
        self.stats.peak_running = self.stats.peak_running.max(self.running.len() as u32);
        if self.cfg.log {
            let snap = self.snapshot();
            let head = match self.cfg.batch_policy {
                BatchPolicy::Mixed if decode_running > 0 => {
                    format!("Prefill batch(mixed #running-req: {decode_running}). ")
                }
                _ => "Prefill batch. ".to_string(),
            };
            out.log.push(format!(
                "{head}#new-seq: {}, #new-token: {new_tokens}, #cached-token: {cached_tokens}, token usage: {:.2}, #running-req: {decode_running}, #queue-req: {}, ",
                batch.len(),
                snap.token_usage,
                snap.queued
            ));
        }
    }

    /// Abort a request that can never get KV space.
    fn abort_for_space(&mut self, slot: usize, out: &mut StepOutcome) {
        let id = self.seqs[slot].as_ref().map(|q| q.id).unwrap_or_default();
        out.aborted.push((
            id,
            "KV cache pool is full: not enough free KV tokens to schedule this request".to_string(),
        ));
        self.stats.aborted_requests += 1;
        self.release(slot);
        if let Some(q) = self.seqs[slot].as_mut() {
            q.kv = 0;
        }
        self.remove(slot);
    }
}
