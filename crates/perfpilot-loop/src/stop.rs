//! The stop rules (RLCR section 1.7 defaults, SGLang SOTA-loop stop criteria), each
//! decision carrying its rule and a reason with the numbers.

use perfpilot_stats::{Better, Verdict};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::plan::Plan;
use crate::state::{Outcome, RoundRecord, State};
use crate::verdict::Signal;

/// Which rule fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StopRule {
    /// The best candidate reaches the target.
    TargetMet,
    /// The stalled rounds after drift recovery were all proven ties (SAME within the threshold).
    TiedWithinNoise,
    /// Stalled rounds in a row reached the stop limit.
    Stalled,
    /// The round budget is spent.
    RoundBudget,
    /// The time budget is spent.
    TimeBudget,
    /// A blocking review finding is unanswered (lifted by answering it).
    BlockingFinding,
    /// The reviewer wrote `STOP`.
    ReviewerStop,
    /// The reviewer wrote `COMPLETE`.
    ReviewerComplete,
}

/// A stop decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StopDecision {
    /// The rule.
    pub rule: StopRule,
    /// Why, with the numbers.
    pub reason: String,
    /// After which round.
    pub after_round: u32,
}

/// Whether `value` reaches `target` for this direction.
pub fn meets(value: f64, target: f64, better: Better) -> bool {
    match better {
        Better::Lower => value <= target,
        Better::Higher => value >= target,
    }
}

/// Checks before a round starts: a stopped loop, budgets, unanswered blocking findings.
pub fn before_round(plan: &Plan, state: &State, now: u64) -> Option<StopDecision> {
    let last = state.rounds.last().map_or(0, |r| r.round);
    if let Some(s) = &state.stopped {
        return Some(s.clone());
    }
    let st = &plan.stop;
    if last >= st.max_rounds {
        return Some(StopDecision {
            rule: StopRule::RoundBudget,
            reason: format!("{last} of {} rounds spent", st.max_rounds),
            after_round: last,
        });
    }
    if st.time_budget_s > 0 && now.saturating_sub(state.started_at) >= st.time_budget_s {
        return Some(StopDecision {
            rule: StopRule::TimeBudget,
            reason: format!(
                "{} s since init, budget {} s",
                now.saturating_sub(state.started_at),
                st.time_budget_s
            ),
            after_round: last,
        });
    }
    let open = state.open_blocking();
    if !open.is_empty() {
        let ids: Vec<&str> = open.iter().map(|f| f.id.as_str()).collect();
        return Some(StopDecision {
            rule: StopRule::BlockingFinding,
            reason: format!(
                "{} blocking review finding(s) unanswered: {} (answer with `perfpilot loop review DIR --answer ID=TEXT`)",
                open.len(),
                ids.join(", ")
            ),
            after_round: last,
        });
    }
    None
}

/// The stall counter after `outcome`: ADVANCED resets it, anything else increments it.
pub fn next_stall_count(count: u32, outcome: Outcome) -> u32 {
    if outcome == Outcome::Advanced { 0 } else { count + 1 }
}

/// Checks after a round (the state already holds it and the new stall count): returns the
/// stop decision, if any.
pub fn after_round(plan: &Plan, state: &State, rec: &RoundRecord) -> Option<StopDecision> {
    let st = &plan.stop;
    let t = &plan.target;
    let at = rec.round;
    if meets(state.best.measurement.median, t.value, t.better) {
        return Some(StopDecision {
            rule: StopRule::TargetMet,
            reason: format!(
                "best {} median {:.6} (round {}) reaches the target {}",
                t.metric, state.best.measurement.median, state.best.round, t.value
            ),
            after_round: at,
        });
    }
    if let Some(sig) = rec.review.as_ref().and_then(|r| r.signal) {
        let (rule, word) = match sig {
            Signal::Stop => (StopRule::ReviewerStop, "STOP"),
            Signal::Complete => (StopRule::ReviewerComplete, "COMPLETE"),
        };
        return Some(StopDecision {
            rule,
            reason: format!("the reviewer of round {at} ended its review with {word}"),
            after_round: at,
        });
    }
    if state.stall_count >= st.stop_after_stalls {
        let tail =
            &state.rounds[state.rounds.len().saturating_sub(st.stop_after_stalls as usize)..];
        let all_same =
            tail.iter().all(|r| r.vs_best.as_ref().is_some_and(|c| c.verdict == Verdict::Same));
        let (rule, what) = if all_same {
            (
                StopRule::TiedWithinNoise,
                "each a proven tie with the best (interval within the threshold)",
            )
        } else {
            (StopRule::Stalled, "without a gain beyond noise")
        };
        return Some(StopDecision {
            rule,
            reason: format!(
                "{} rounds in a row {what}, drift recovery included (limit {})",
                state.stall_count, st.stop_after_stalls
            ),
            after_round: at,
        });
    }
    None
}
