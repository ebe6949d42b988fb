//! Scheduler tests: hand-checked small cases, and property tests of the invariants.

use proptest::prelude::*;

use super::*;
use crate::cost::CostModel;

fn cfg(kv: u64, cap: u32, page: u32, chunk: u32, policy: BatchPolicy) -> EngineConfig {
    EngineConfig {
        max_running_requests: cap,
        max_total_tokens: kv,
        page_size: page,
        chunked_prefill_size: chunk,
        max_prefill_tokens: chunk,
        batch_policy: policy,
        radix_cache: true,
        schedule_conservativeness: 1.0,
        context_len: 100_000,
        decode_log_interval: 1,
        cost: CostModel {
            step_overhead_s: 0.01,
            prefill_token_s: 0.001,
            decode_seq_s: 0.002,
            attended_token_s: 0.0,
        },
        log: true,
    }
}

fn req(id: u64, prompt: Vec<u32>, out: u32) -> SimRequest {
    SimRequest { id, prompt, max_new_tokens: out, min_new_tokens: 0, eos_after: None }
}

/// Run until idle; returns (id, index) of every token in order and the log.
fn drain(e: &mut Engine) -> (Vec<(u64, u32)>, Vec<String>) {
    let (mut toks, mut log) = (Vec::new(), Vec::new());
    let mut t = 0.0;
    for _ in 0..100_000 {
        let Some(o) = e.step(t) else { break };
        t += o.duration_s;
        toks.extend(o.tokens.iter().map(|x| (x.id, x.index)));
        log.extend(o.log.iter().cloned());
        e.check_invariants().unwrap();
    }
    assert!(e.is_idle());
    (toks, log)
}

#[test]
fn one_request_prefills_then_decodes_with_the_cost_model() {
    let mut e = Engine::new(cfg(1000, 8, 1, 64, BatchPolicy::Separate));
    e.add(req(1, (0..10).collect(), 3)).unwrap();
    let o = e.step(0.0).unwrap();
    assert_eq!(o.kind, Some(StepKind::Prefill));
    assert_eq!(o.shape.prefill_tokens, 10);
    assert!((o.duration_s - (0.01 + 10.0 * 0.001)).abs() < 1e-12);
    assert_eq!(o.tokens.len(), 1);
    assert!(o.log[0].starts_with("Prefill batch. #new-seq: 1, #new-token: 10, #cached-token: 0,"));
    let o = e.step(0.02).unwrap();
    assert_eq!(o.kind, Some(StepKind::Decode));
    assert_eq!(o.shape.decode_seqs, 1);
    assert_eq!(o.shape.attended_tokens, 10);
    let o = e.step(0.04).unwrap();
    assert_eq!(o.tokens[0].finish, Some(FinishReason::Length));
    assert!(e.step(0.06).is_none());
    assert_eq!(e.stats().generated_tokens, 3);
}

#[test]
fn chunked_prefill_splits_a_long_prompt() {
    let mut e = Engine::new(cfg(1000, 8, 1, 16, BatchPolicy::Separate));
    e.add(req(1, (0..40).collect(), 2)).unwrap();
    let chunks: Vec<u64> = (0..3).map(|_| e.step(0.0).unwrap().shape.prefill_tokens).collect();
    assert_eq!(chunks, vec![16, 16, 8]);
}

#[test]
fn shared_prefix_hits_the_cache() {
    let mut e = Engine::new(cfg(1000, 8, 4, 1000, BatchPolicy::Separate));
    let sys: Vec<u32> = (100..132).collect();
    let mut p1 = sys.clone();
    p1.extend([1, 2, 3]);
    let mut p2 = sys.clone();
    p2.extend([4, 5, 6]);
    e.add(req(1, p1, 2)).unwrap();
    drain(&mut e);
    e.add(req(2, p2, 2)).unwrap();
    let o = e.step(0.0).unwrap();
    // 32 shared tokens = 8 full pages of 4 come from the cache.
    assert_eq!(o.shape.prefill_tokens, 3);
    assert!(o.log[0].contains("#cached-token: 32"));
    drain(&mut e);
    assert_eq!(e.stats().cached_tokens, 32);
}

#[test]
fn kv_pressure_retracts_and_logs_like_sglang() {
    // 4 requests of 10 prompt + 30 output tokens need 160 tokens; the pool has 100.
    // An optimistic scheduler (SGLang `--schedule-conservativeness` near 0) over-admits.
    let mut c = cfg(100, 8, 1, 1000, BatchPolicy::Separate);
    c.schedule_conservativeness = 0.01;
    let mut e = Engine::new(c);
    for i in 0..4 {
        e.add(req(i, (i as u32 * 1000..i as u32 * 1000 + 10).collect(), 30)).unwrap();
    }
    let (toks, log) = drain(&mut e);
    assert_eq!(toks.len(), 120, "every request still gets all its tokens");
    assert!(e.stats().retracted_requests > 0);
    assert!(
        log.iter()
            .any(|l| l.starts_with("KV cache pool is full. Retract requests. #retracted_reqs: ")
                && l.contains("#new_token_ratio: ")),
        "{log:#?}"
    );
}

#[test]
fn running_batch_respects_the_cap_and_fcfs() {
    let mut e = Engine::new(cfg(100_000, 2, 1, 1000, BatchPolicy::Separate));
    for i in 0..5 {
        e.add(req(i, vec![i as u32; 5], 4)).unwrap();
    }
    let (toks, _) = drain(&mut e);
    let firsts: Vec<u64> = toks.iter().filter(|t| t.1 == 0).map(|t| t.0).collect();
    assert_eq!(firsts, vec![0, 1, 2, 3, 4]);
    assert_eq!(e.stats().peak_running, 2);
}

#[test]
fn mixed_batches_carry_decode_and_prefill_together() {
    let mut e = Engine::new(cfg(10_000, 8, 1, 64, BatchPolicy::Mixed));
    e.add(req(1, (0..10).collect(), 5)).unwrap();
    e.step(0.0).unwrap();
    e.add(req(2, (50..60).collect(), 5)).unwrap();
    let o = e.step(0.0).unwrap();
    assert_eq!(o.kind, Some(StepKind::Mixed));
    assert_eq!(o.shape.decode_seqs, 1);
    assert_eq!(o.shape.prefill_tokens, 10);
    assert_eq!(o.tokens.len(), 2);
}

#[test]
fn requests_over_the_limits_are_rejected() {
    let mut c = cfg(100, 8, 1, 64, BatchPolicy::Separate);
    c.context_len = 50;
    let mut e = Engine::new(c);
    assert!(matches!(e.add(req(1, vec![1; 60], 1)), Err(Reject::InputTooLong { .. })));
    assert!(matches!(e.add(req(1, vec![1; 40], 20)), Err(Reject::ContextExceeded { .. })));
    e.add(req(1, vec![1; 10], 2)).unwrap();
    assert!(matches!(e.add(req(1, vec![1; 10], 2)), Err(Reject::DuplicateId(1))));
}

#[test]
fn eos_ends_a_request_early_with_stop() {
    let mut e = Engine::new(cfg(1000, 8, 1, 64, BatchPolicy::Separate));
    e.add(SimRequest {
        id: 1,
        prompt: vec![1; 4],
        max_new_tokens: 50,
        min_new_tokens: 0,
        eos_after: Some(3),
    })
    .unwrap();
    let mut last = None;
    while let Some(o) = e.step(0.0) {
        last = o.tokens.last().cloned();
    }
    let last = last.unwrap();
    assert_eq!((last.index, last.finish), (2, Some(FinishReason::Stop)));
}

#[test]
fn abort_frees_the_kv() {
    let mut e = Engine::new(cfg(1000, 8, 1, 64, BatchPolicy::Separate));
    e.add(req(1, vec![1; 20], 50)).unwrap();
    e.step(0.0);
    assert!(e.snapshot().used_tokens > 0);
    assert!(e.abort(1));
    assert!(e.is_idle());
    e.check_invariants().unwrap();
    assert!(!e.abort(1));
}

#[derive(Debug, Clone)]
struct Arrival {
    at_step: usize,
    group: u32,
    suffix: u32,
    out: u32,
}

fn arrivals() -> impl Strategy<Value = Vec<Arrival>> {
    prop::collection::vec(
        (0usize..30, 0u32..3, 1u32..40, 1u32..40)
            .prop_map(|(at_step, group, suffix, out)| Arrival { at_step, group, suffix, out }),
        1..40,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// KV never over capacity, running <= cap, waiting queue in arrival order, first
    /// admissions in arrival order, pages match KV, every request gets exactly its
    /// tokens in order, and retraction returns every page.
    #[test]
    fn scheduler_invariants_hold(
        arr in arrivals(),
        kv in 60u64..400,
        cap in 1u32..6,
        page in 1u32..5,
        chunk in 8u32..64,
        mixed in any::<bool>(),
    ) {
        let policy = if mixed { BatchPolicy::Mixed } else { BatchPolicy::Separate };
        let mut c = cfg(kv, cap, page, chunk, policy);
        c.context_len = 200;
        let mut e = Engine::new(c);
        let mut expected = std::collections::HashMap::new();
        let mut got: std::collections::HashMap<u64, u32> = std::collections::HashMap::new();
        let mut aborted = std::collections::HashSet::new();
        let mut first_order = Vec::new();
        for step in 0..5000usize {
            for (i, a) in arr.iter().enumerate().filter(|(_, a)| a.at_step == step) {
                let mut prompt: Vec<u32> = (0..20).map(|t| a.group * 1000 + t).collect();
                prompt.extend((0..a.suffix).map(|t| 50_000 + i as u32 * 100 + t));
                let r = SimRequest { id: i as u64, prompt, max_new_tokens: a.out, min_new_tokens: 0, eos_after: None };
                if e.add(r).is_ok() { expected.insert(i as u64, a.out); }
            }
            if let Some(o) = e.step(0.0) {
                for t in &o.tokens {
                    let n = got.entry(t.id).or_insert(0);
                    prop_assert_eq!(*n, t.index, "tokens of {} out of order", t.id);
                    *n += 1;
                    if t.index == 0 { first_order.push(t.id); }
                }
                for (id, _) in &o.aborted { aborted.insert(*id); }
            }
            if let Err(msg) = e.check_invariants() { return Err(TestCaseError::fail(msg)); }
            if e.is_idle() && step > 30 { break; }
        }
        prop_assert!(e.is_idle(), "engine did not drain");
        for (id, out) in &expected {
            if !aborted.contains(id) {
                prop_assert_eq!(got.get(id).copied().unwrap_or(0), *out, "request {}", id);
            }
        }
        // Everything finished: only the prefix cache may hold pages, and none is held.
        prop_assert_eq!(e.kv.private_pages(), 0);
        prop_assert_eq!(e.kv.evictable_pages(), e.kv.cached_blocks());
        // FCFS: first tokens come in admission order, and admission follows arrival
        // (ids were assigned in arrival order within a step; across steps by step).
        let arrival_rank = |id: u64| (arr[id as usize].at_step, id);
        let ranks: Vec<_> = first_order.iter().map(|&id| arrival_rank(id)).collect();
        let mut sorted = ranks.clone();
        sorted.sort();
        prop_assert_eq!(ranks, sorted);
    }
}
