//! The guard lists of every rule round in one table (moved out of `corpus_score.rs` in round 20,
//! which was at its 800-line limit): a log decided by one of a round's rules while labelled with
//! another class is a regression in every split scored before that round (`scored::guarded`).

use super::scored;

/// Whether `by` (a verdict's `decided_by`) names a rule of a round guarded in `split`.
pub fn decided_by_guarded_rule(split: &str, by: &str) -> bool {
    let rounds: &[(u8, &[&str])] = &[
        (2, super::CLASS_RULES_8),
        (5, super::round5::CLASS_RULES_5),
        (6, super::round6::CLASS_RULES_6),
        (7, super::round7::CLASS_RULES_7),
        (8, super::round8::CLASS_RULES_R8),
        (9, super::round9::CLASS_RULES_R9),
        (10, super::round10::CLASS_RULES_R10),
        (12, super::round12::CLASS_RULES_R12),
        (13, super::round13::CLASS_RULES_R13),
        (14, super::round14::CLASS_RULES_R14),
        (15, super::round15::CLASS_RULES_R15),
        (16, super::round16::CLASS_RULES_R16),
        (17, super::round17::CLASS_RULES_R17),
        (18, super::round18::CLASS_RULES_R18),
        (19, super::round19::CLASS_RULES_R19),
        (20, super::round20::CLASS_RULES_R20),
        (21, super::round21::CLASS_RULES_R21),
        (22, super::round22::CLASS_RULES_R22),
        (23, super::round23::CLASS_RULES_R23),
        (24, super::round24::CLASS_RULES_R24),
        (25, super::round25::CLASS_RULES_R25),
    ];
    rounds.iter().any(|(round, ids)| {
        scored::guarded(split, *round) && ids.iter().any(|id| super::decided_by_rule(by, id))
    })
}
