//! The sweep's progress bar. Its unit is one search (candidate × scenario ×
//! concurrency: a bisection of a few probes of similar cost) and one repeat block (runs of
//! one top candidate on one server; the interleaved order has `--repeats` + 1 of them), so the bar's rate gives a real ETA. The total
//! is planned up front from the budget (stage 2's room included); units that do not run
//! (a failed candidate, a framework stopped early, stage-2 room left unused, resumed
//! rows) are counted as done when their framework ends, so the bar never overshoots.

use crate::candidates::stage1;
use crate::plan::Plan;

/// Planned units: per enabled framework (plan order), and the repeat blocks.
pub(crate) fn planned(plan: &Plan, repeats: u32) -> (Vec<u64>, u64) {
    let searches_per_candidate =
        (plan.scenarios.len() * plan.benchmark.max_concurrency.len().max(1)) as u64;
    let budget = plan.search.max_candidates_per_framework;
    let enabled: Vec<_> = plan.frameworks.iter().filter(|f| f.enabled).collect();
    let per_fw = enabled
        .iter()
        .map(|fw| {
            let (s1, _) = stage1(fw, budget);
            let candidates = s1.len().max(budget) as u64;
            candidates * searches_per_candidate
        })
        .collect();
    // The top two candidates of each framework × scenario, in `repeats` + 1 blocks.
    let blocks = u64::from(repeats) + 1;
    let rep =
        if repeats > 0 { enabled.len() as u64 * plan.scenarios.len() as u64 * blocks } else { 0 };
    (per_fw, rep)
}
