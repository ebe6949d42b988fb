//! When each blind failure batch was scored: the last rule round merged before its one blind
//! scoring. A round's class rules may not decide a log of another class in any split scored
//! BEFORE that round existed (a regression the round caused); in a batch scored after the round,
//! such a decision is a counted miss of the blind score, not a regression.

/// Each blind batch with the last triage rule round merged before its one scoring. Rounds: 2 is
/// trifix2's `CLASS_RULES_8` (written for heldout-8's misses), then rounds 5 … 16 of issue #15
/// (round 11, the class model, has no rule list). Splits not listed (dev, heldout … heldout-10)
/// are development data scored before any of these rounds: every round's rules are guarded there.
pub const LAST_ROUND_BEFORE_SCORING: &[(&str, u8)] = &[
    ("heldout-11", 4),
    ("heldout-12", 5),
    ("heldout-13", 6),
    ("heldout-14", 7),
    ("heldout-15", 9),
    ("heldout-16", 9),
    ("heldout-17", 10),
    ("heldout-18", 11),
    ("heldout-19", 12),
    ("heldout-20", 12),
    ("heldout-21", 12),
    ("heldout-22", 13),
    ("heldout-23", 13),
    ("heldout-24", 14),
    ("heldout-25", 14),
    ("heldout-26", 15),
    ("heldout-27", 16),
    ("heldout-28", 18),
    ("heldout-29", 18),
    ("heldout-30", 19),
    ("heldout-31", 19),
    ("heldout-32", 20),
    ("heldout-33", 20),
    ("heldout-34", 21),
    ("heldout-35", 21),
    ("heldout-36", 22),
    ("heldout-37", 23),
    ("heldout-38", 23),
    ("heldout-39", 23),
    ("heldout-40", 23),
    ("heldout-41", 24),
    ("heldout-42", 24),
    ("heldout-43", 25),
    ("heldout-44", 25),
    ("heldout-45", 25),
    ("heldout-46", 25),
];

/// Whether a wrong decision by round `round`'s rules on a log of `split` counts as a regression:
/// true unless the split was scored after that round.
pub fn guarded(split: &str, round: u8) -> bool {
    LAST_ROUND_BEFORE_SCORING
        .iter()
        .find(|(s, _)| *s == split)
        .is_none_or(|(_, last)| *last < round)
}
