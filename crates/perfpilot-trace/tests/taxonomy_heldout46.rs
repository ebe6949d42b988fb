//! The forty-sixth held-out batch (`tests/fixtures/trace/kernel-names-46.tsv`, split
//! `heldout-46`), a BLIND batch: real kernel names from repositories no earlier corpus used,
//! collected and hand-labelled (from what each source says the kernel does) by an engineer who
//! writes no rules, and committed before any classifier ran on them. See
//! `tests/fixtures/trace/SOURCES-blind-2.md` ("Corpus 46 (blind)").
//!
//! 67 names from 3 repositories, all printed by a profiler for an LLM inference run: the
//! kernel events of two committed vLLM tensor-parallel serving traces (Kineto, H100 and
//! MI300X), the OP CODE column of Tenstorrent's device profiler for a TT-NN decoder (decode and
//! prefill steps on Blackhole), and an `nsys` kernel summary of dotLLM's prefill. The quarter
//! cap is not met (30 and 26 of 67); see the section for the lead's options.
//! Scored once, blind, by the lead with the namesfix32 rules (round 34): 62/67 = 92.54 %.
//! That first score is the floor; heldout-46 is development data from here on (namesfix33 set
//! a third aside, `SET_ASIDE_46`, and develops on the rest).

mod heldout_batch;

use heldout_batch::set_aside::SET_ASIDE_46;
use heldout_batch::{Batch, CORPORA, check_fresh, report_set_aside, score_hiding};

const BATCH: Batch = Batch {
    file: "kernel-names-46.tsv",
    text: CORPORA[46],
    split: "heldout-46",
    // Every name of the earlier corpora (1 … heldout-45).
    earlier_names: CORPORA.split_at(46).0,
    // Earlier corpora whose source repositories this batch may not reuse.
    earlier_sources: CORPORA.split_at(46).0,
    // The count reached (67).
    min_names: 67,
    // The blind first score, taken once by the lead with the namesfix32 rules (round 34).
    first_score: 62,
    // namesfix33 (round 35): raised at the round's end if the development part improves
    // (the whole-file total; the set-aside third scored once at the round's end).
    dev_floor: Some(62),
};

#[test]
fn heldout46_is_fresh_unique_and_from_new_sources() {
    check_fresh(&BATCH);
}

#[test]
fn heldout46_bare_name_accuracy() {
    score_hiding(&BATCH, SET_ASIDE_46);
}

/// The namesfix33 set-aside third (`SET_ASIDE_46`, 1 of 3 sources, 26 names): counts
/// only, its rows are never printed. Scored once before the round and once at its end.
#[test]
fn heldout46_set_aside_third() {
    report_set_aside(&BATCH, SET_ASIDE_46, 26);
}
