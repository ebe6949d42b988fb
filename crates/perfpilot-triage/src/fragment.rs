//! Tracebacks broken in two by the paste: a hard-wrapped frame line (`… in _initialize_k` /
//! `v_caches`) ends the first piece as a traceback without its exception line, and the rest
//! follows a few lines later with the exception. The pieces are one failure: when the lead
//! finding is such a cut piece, decided only by evidence (or not at all), and a finding a
//! confident signature decided starts right after it in the same file, that finding leads and
//! the piece is folded into it.
//!
//! The same holds for an exception no signature could place whose message goes on over the
//! next lines (TensorRT-LLM's `Executor creation failed …` names the component that did not
//! fit two lines below): when a confident signature decides a record starting within a few
//! lines of it, that finding leads and the exception line is folded into it.
//!
//! And an allocator's generic failure line followed by its caller's line naming what was being
//! allocated (llama.cpp's `alloc_tensor_range: failed to allocate CUDA0 buffer` then `failed to
//! allocate buffer for kv cache`, each its own record when a router prefixes every line): a
//! signature that lists the generic one in its `places` takes the lead when it decides a record
//! a few lines after it (round 14).

use crate::analyze::Group;
use crate::catalogue::Catalogue;
use crate::class::ProblemClass;
use crate::logs::record::Kind;
use crate::report::Finding;

/// Most lines between the end of the cut piece and the start of the rest.
const GAP: u64 = 40;
/// Most lines between an unclassified exception line and the rest of its message.
const MESSAGE_GAP: u64 = 12;
/// The confidence a signature's finding needs to take the lead from a cut piece.
const CONFIDENT: f64 = 0.8;
/// Most lines between a generic allocation failure and the line that places it.
const PLACE_GAP: u64 = 8;

/// Fold a cut traceback piece leading `findings` into the confident finding right after it.
/// `groups[i]` is the group of `findings[i]`.
pub(crate) fn join_cut_piece(groups: &[Group<'_>], findings: &mut Vec<Finding>) {
    if findings.len() < 2 || groups.len() != findings.len() {
        return;
    }
    let piece = &groups[0].lead().agg.record;
    let decided_by_signature =
        findings[0].signature.as_deref().is_some_and(|s| !s.starts_with("evidence:"));
    let cut_piece = piece.kind == Kind::Incomplete;
    let unplaced = findings[0].class == ProblemClass::Unknown;
    if !(cut_piece || unplaced) || decided_by_signature {
        return;
    }
    let Some(end) = piece.lines.last().map(|l| l.no) else { return };
    let gap = if cut_piece { GAP } else { MESSAGE_GAP };
    let next = (1..groups.len()).find(|&j| {
        let r = &groups[j].first().agg.record;
        let f = &findings[j];
        r.file == piece.file
            && r.first_no() > piece.first_no()
            && r.first_no().saturating_sub(end) <= gap
            && f.confidence >= CONFIDENT
            && f.signature.as_deref().is_some_and(|s| !s.starts_with("evidence:"))
    });
    let Some(j) = next else { return };
    let cut = findings.remove(0);
    let mut lead = findings.remove(j - 1);
    let what = if cut_piece {
        "the start of the same traceback, split from it by a wrapped line"
    } else {
        "an exception line whose message goes on in the lines this finding read"
    };
    lead.facts.insert(
        "joined_piece".into(),
        format!(
            "lines {}-{end}: {what} (alone it read as {})",
            piece.first_no(),
            cut.class.as_str()
        ),
    );
    findings.insert(0, lead);
}

/// Let a finding whose signature `places` the lead finding's signature lead, when it starts in
/// the same file within `PLACE_GAP` lines after the lead's record; the lead is folded into it.
pub(crate) fn place_by_later_line(
    cat: &Catalogue,
    groups: &[Group<'_>],
    findings: &mut Vec<Finding>,
) {
    if findings.len() < 2 || groups.len() != findings.len() {
        return;
    }
    let Some(lead_sig) = findings[0].signature.clone() else { return };
    let first = &groups[0].lead().agg.record;
    let Some(end) = first.lines.last().map(|l| l.no) else { return };
    let places = |id: &str| {
        cat.signatures.iter().any(|s| s.def.id == id && s.def.places.contains(&lead_sig))
    };
    let next = (1..groups.len()).find(|&j| {
        let r = &groups[j].first().agg.record;
        r.file == first.file
            && r.first_no() > first.first_no()
            && r.first_no().saturating_sub(end) <= PLACE_GAP
            && findings[j].signature.as_deref().is_some_and(places)
    });
    let Some(j) = next else { return };
    let generic = findings.remove(0);
    let mut lead = findings.remove(j - 1);
    lead.facts.insert(
        "joined_piece".into(),
        format!(
            "lines {}-{end}: the allocator's own failure line ({}, alone it read as {}), placed by this later line",
            first.first_no(),
            lead_sig,
            generic.class.as_str()
        ),
    );
    findings.insert(0, lead);
}
