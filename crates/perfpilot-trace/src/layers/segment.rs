//! Layer boundaries inside one forward pass, from the kernel-name sequence alone.
//!
//! 1. **Anchor.** A kernel name that occurs once per layer (`count == L`, or `L + 1` when
//!    the final norm shares the name), or `k` times per layer (every `k`-th occurrence).
//!    Every candidate is tried; the one whose layers repeat best wins.
//! 2. **Phase.** Where in the repeating unit a layer starts. Pre-norm decoder layers start
//!    with their input norm, so the start is the earliest norm in the stretch that leads
//!    back from an attention (or SSM) kernel to the previous layer's MLP (activation / MoE
//!    kernel). Layers without such a norm take the median anchor offset of the others;
//!    when no layer has one (unfused norms), layer 0 starts where the repetition starts:
//!    as far back from the first anchor as the sequence matches the second layer's.
//! 3. **End.** The last layer is as long as the nearest earlier layer with the same
//!    kernels; what follows is the epilogue (final norm, LM head, sampling).
//!
//! Pure functions over interned name ids, tested without traces.

use std::collections::HashMap;

use serde::Serialize;

/// What a kernel name tells the boundary finder (from the taxonomy category).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// RMSNorm / LayerNorm.
    Norm,
    /// Attention or SSM / linear-attention kernels.
    Attention,
    /// Kernels only an MLP runs: activations and MoE.
    Mlp,
    /// Anything else.
    Other,
}

/// How layer starts were placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// At the input norm before each layer's attention.
    NormBeforeAttention,
    /// At the start of the repeating stretch (no norm kernels recognised).
    RepeatStart,
    /// At the user's anchor kernel.
    Anchor,
}

/// A layer split of one pass: layer `l` is `bounds[l]..bounds[l + 1]`; the prologue is
/// `0..bounds[0]`, the epilogue `bounds[L]..n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segmentation {
    /// `L + 1` increasing kernel indices.
    pub bounds: Vec<usize>,
    /// Name id of the anchor kernel.
    pub anchor: u32,
    /// Anchor occurrences per layer.
    pub per_layer: usize,
    /// How starts were placed.
    pub phase: Phase,
    /// Layers whose start was placed by the median offset instead of their own norm.
    pub offset_placed: usize,
    /// Layers whose kernel sequence equals at least one other layer's.
    pub repeated: usize,
}

impl Segmentation {
    /// Number of layers.
    pub fn layers(&self) -> usize {
        self.bounds.len().saturating_sub(1)
    }
}

/// Why no split was made, with what was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsure {
    /// One line per piece of evidence.
    pub evidence: Vec<String>,
}

/// Split `seq` into `layers` layers. `roles[id]` is the role of name id `id` (ids beyond
/// the slice are `Other`). `anchor`, when given, marks the user's anchor names; each
/// layer then starts at its anchor.
pub fn segment(
    seq: &[u32],
    roles: &[Role],
    layers: usize,
    anchor: Option<&dyn Fn(u32) -> bool>,
) -> Result<Segmentation, Unsure> {
    let n = seq.len();
    if layers == 0 || n < layers {
        return Err(Unsure { evidence: vec![format!("{n} kernels cannot hold {layers} layers")] });
    }
    let counts = count_names(seq);
    if let Some(is_anchor) = anchor {
        return user_anchor(seq, layers, is_anchor);
    }
    let starts = norm_starts(seq, roles);
    let mut best: Option<(Score, Segmentation)> = None;
    let mut extra: Option<&str> = None;
    let mut tried = 0usize;
    let mut names: Vec<(&u32, &usize)> = counts.iter().collect();
    names.sort_unstable();
    for (&name, &count) in names {
        for positions in anchor_variants(seq, name, count, layers) {
            tried += 1;
            let k = count / layers;
            let seg = place(seq, &starts, &positions, name, k.max(1));
            if let Some(side) = whole_layer_outside(seq, &seg.bounds) {
                extra.get_or_insert(side);
                continue;
            }
            let score = Score::of(&seg);
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, seg));
            }
        }
    }
    let Some((_, seg)) = best else {
        let mut evidence = no_anchor_evidence(&counts, layers, n);
        if let Some(side) = extra {
            evidence.insert(0, format!("every split into {layers} layers leaves a whole layer's kernels in the {side}: the pass has more than {layers} layers"));
        }
        return Err(Unsure { evidence });
    };
    if layers >= 4 && seg.repeated * 2 < layers {
        return Err(Unsure {
            evidence: vec![
                format!("{tried} anchor candidates tried for {layers} layers in {n} kernels"),
                format!(
                    "best split leaves {} of {layers} layers without a twin (kernel sequences all differ): not a repeating layer stack",
                    layers - seg.repeated
                ),
            ],
        });
    }
    Ok(seg)
}

/// Lexicographic quality of a split: more layers with a twin, fewer offset-placed starts,
/// fewer anchor occurrences per layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Score(usize, std::cmp::Reverse<usize>, std::cmp::Reverse<usize>);

impl Score {
    fn of(s: &Segmentation) -> Score {
        Score(s.repeated, std::cmp::Reverse(s.offset_placed), std::cmp::Reverse(s.per_layer))
    }
}

/// How often each kernel name occurs in `seq`.
pub(crate) fn count_names(seq: &[u32]) -> HashMap<u32, usize> {
    let mut counts: HashMap<u32, usize> = HashMap::new();
    for &s in seq {
        *counts.entry(s).or_insert(0) += 1;
    }
    counts
}

fn no_anchor_evidence(counts: &HashMap<u32, usize>, layers: usize, n: usize) -> Vec<String> {
    let mut near: Vec<usize> = counts.values().copied().filter(|&c| c >= 2).collect();
    near.sort_unstable();
    near.dedup();
    vec![
        format!(
            "no kernel name occurs {layers}, {} (or k×{layers}) times in the pass's {n} kernels",
            layers + 1
        ),
        format!("repeated-name counts seen: {near:?}"),
    ]
}

/// The anchor position lists a name can give: one occurrence per layer (every k-th),
/// dropping one extra occurrence at either end.
fn anchor_variants(seq: &[u32], name: u32, count: usize, layers: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    for k in 1..=4usize {
        let base = k * layers;
        if count != base && count != base + 1 {
            continue;
        }
        let occ: Vec<usize> =
            seq.iter().enumerate().filter(|(_, s)| **s == name).map(|(i, _)| i).collect();
        let skips: &[usize] = if count == base { &[0] } else { &[0, 1] };
        for &skip in skips {
            for phase in 0..k {
                let picked: Vec<usize> =
                    occ.iter().skip(skip + phase).step_by(k).take(layers).copied().collect();
                if picked.len() == layers && consistent(seq, &occ, &picked) {
                    out.push(picked);
                }
            }
        }
    }
    out
}

/// Kernels of context compared after an anchor occurrence.
const CONTEXT: usize = 4;

/// False when an occurrence the variant skipped has the same following kernels as the
/// picks: the variant is then one layer off, mixes phases, or the layer count is wrong
/// (a real layer's anchor would be dropped).
fn consistent(seq: &[u32], occ: &[usize], picked: &[usize]) -> bool {
    let ctx = |i: usize| &seq[i..(i + CONTEXT).min(seq.len())];
    let mut freq: HashMap<&[u32], usize> = HashMap::new();
    for &p in picked {
        *freq.entry(ctx(p)).or_insert(0) += 1;
    }
    let Some((common, _)) = freq.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0))) else {
        return false;
    };
    occ.iter().filter(|&&o| picked.binary_search(&o).is_err()).all(|&o| ctx(o) != common)
}

/// Layer starts by the norm rule (see the module doc), sorted.
pub fn norm_starts(seq: &[u32], roles: &[Role]) -> Vec<usize> {
    const MAX_WALK: usize = 4096;
    let role = |id: u32| roles.get(id as usize).copied().unwrap_or(Role::Other);
    let mut starts = Vec::new();
    for t in 0..seq.len() {
        if role(seq[t]) != Role::Attention {
            continue;
        }
        let mut earliest_norm = None;
        let mut first_site = true;
        let mut after_gemm_norm = None; // fallback: first norm before the first GEMM-like gap
        for (steps, i) in (0..t).rev().enumerate() {
            if steps >= MAX_WALK {
                break;
            }
            match role(seq[i]) {
                Role::Mlp => break,
                Role::Attention => {
                    // Another attention kernel before any norm: same attention site.
                    if earliest_norm.is_none() {
                        first_site = false;
                    } else {
                        earliest_norm = after_gemm_norm.or(earliest_norm);
                    }
                    break;
                }
                Role::Norm => {
                    if after_gemm_norm.is_none() {
                        after_gemm_norm = Some(i);
                    }
                    earliest_norm = Some(i);
                }
                Role::Other => {}
            }
        }
        if first_site && let Some(s) = earliest_norm {
            starts.push(s);
        }
    }
    starts.sort_unstable();
    starts.dedup();
    starts
}

fn user_anchor(
    seq: &[u32],
    layers: usize,
    is_anchor: &dyn Fn(u32) -> bool,
) -> Result<Segmentation, Unsure> {
    let occ: Vec<usize> =
        seq.iter().enumerate().filter(|(_, s)| is_anchor(**s)).map(|(i, _)| i).collect();
    if occ.is_empty() || !occ.len().is_multiple_of(layers) {
        return Err(Unsure {
            evidence: vec![format!(
                "the anchor matches {} kernels in this pass, not a multiple of {layers} layers",
                occ.len()
            )],
        });
    }
    let k = occ.len() / layers;
    let mut bounds: Vec<usize> = occ.iter().step_by(k).copied().collect();
    let anchor = seq[occ[0]];
    let last = *bounds.last().unwrap_or(&0);
    let end = layer_end(seq, &bounds, last + 1);
    bounds.push(end);
    let repeated = count_repeated(seq, &bounds);
    Ok(Segmentation {
        bounds,
        anchor,
        per_layer: k,
        phase: Phase::Anchor,
        offset_placed: 0,
        repeated,
    })
}

/// Build a split from one anchor position per layer.
fn place(seq: &[u32], starts: &[usize], anchors: &[usize], anchor: u32, k: usize) -> Segmentation {
    let layers = anchors.len();
    let mut found: Vec<Option<usize>> = Vec::with_capacity(layers);
    for (l, &a) in anchors.iter().enumerate() {
        let lo = if l == 0 { 0 } else { anchors[l - 1] + 1 };
        // The latest norm-rule start in (previous anchor, this anchor].
        let idx = starts.partition_point(|&s| s <= a);
        let s = idx.checked_sub(1).map(|i| starts[i]).filter(|&s| s >= lo);
        found.push(s);
    }
    let offsets: Vec<usize> =
        found.iter().zip(anchors).filter_map(|(s, &a)| s.map(|s| a - s)).collect();
    let (phase, fallback) = if offsets.is_empty() {
        (Phase::RepeatStart, repeat_offset(seq, anchors))
    } else {
        (Phase::NormBeforeAttention, median(&offsets))
    };
    let mut bounds = Vec::with_capacity(layers + 1);
    let mut offset_placed = 0;
    for (l, &a) in anchors.iter().enumerate() {
        let lo = if l == 0 { 0 } else { anchors[l - 1] + 1 };
        let lo = lo.max(bounds.last().map_or(0, |&b: &usize| b + 1));
        let b = match found[l] {
            Some(s) if s >= lo => s,
            _ => {
                if phase == Phase::NormBeforeAttention {
                    offset_placed += 1;
                }
                a.saturating_sub(fallback).max(lo).min(a)
            }
        };
        bounds.push(b);
    }
    let last_anchor = anchors.last().copied().unwrap_or(0);
    let end = layer_end(seq, &bounds, last_anchor + 1);
    bounds.push(end);
    let repeated = count_repeated(seq, &bounds);
    Segmentation { bounds, anchor, per_layer: k, phase, offset_placed, repeated }
}

/// `Some("epilogue")` when the kernels after the last layer start with an exact copy of
/// one of the last four layers, `Some("prologue")` when the kernels before layer 0 end
/// with a copy of one of the first four layers (its first kernel aside): the split then
/// has too few layers.
fn whole_layer_outside(seq: &[u32], bounds: &[usize]) -> Option<&'static str> {
    let l = bounds.len().checked_sub(1)?;
    let end = bounds[l];
    for m in l.saturating_sub(4)..l {
        let r = &seq[bounds[m]..bounds[m + 1]];
        if r.len() > 1 && seq.len() - end >= r.len() && &seq[end..end + r.len()] == r {
            return Some("epilogue");
        }
    }
    let start = bounds[0];
    for m in 0..l.min(4) {
        let r = &seq[bounds[m]..bounds[m + 1]];
        if r.len() > 1 && start >= r.len() && seq[start - r.len() + 1..start] == r[1..] {
            return Some("prologue");
        }
    }
    None
}

fn median(v: &[usize]) -> usize {
    let mut s = v.to_vec();
    s.sort_unstable();
    s[s.len() / 2]
}

/// How far back from the first anchor the sequence matches the second layer's.
fn repeat_offset(seq: &[u32], anchors: &[usize]) -> usize {
    let (Some(&a0), Some(&a1)) = (anchors.first(), anchors.get(1)) else { return 0 };
    let gap = a1 - a0;
    let mut d = 0;
    while d < a0 && d + 1 < gap && seq[a0 - d - 1] == seq[a1 - d - 1] {
        d += 1;
    }
    d
}

/// End of the last layer: as long as the nearest earlier layer whose kernels it repeats,
/// at least `min_end`. A single layer has no twin: it runs to the end of the pass.
fn layer_end(seq: &[u32], starts: &[usize], min_end: usize) -> usize {
    let n = seq.len();
    let l = starts.len();
    let Some(&b) = starts.last() else { return n };
    if l < 2 {
        return n.max(min_end);
    }
    // Exact repeat of an earlier layer (nearest first, at most 8 back).
    for m in (l.saturating_sub(9)..l - 1).rev() {
        let r = &seq[starts[m]..starts[m + 1]];
        let e = b + r.len();
        if e <= n && e >= min_end && &seq[b..e] == r {
            return e;
        }
    }
    // Else the previous layer's length, nudged to where its tail matches best.
    let r = &seq[starts[l - 2]..starts[l - 1]];
    let guess = b + r.len();
    let lo = guess.saturating_sub(3).max(min_end);
    let hi = (guess + 3).min(n);
    let mut best = (0usize, usize::MAX, guess.clamp(min_end.min(n), n));
    for e in lo..=hi {
        let tail = seq[b..e].iter().rev().zip(r.iter().rev()).take_while(|(x, y)| x == y).count();
        let dist = e.abs_diff(guess);
        if tail > best.0 || (tail == best.0 && dist < best.1) {
            best = (tail, dist, e);
        }
    }
    best.2
}

fn count_repeated(seq: &[u32], bounds: &[usize]) -> usize {
    let mut by_seq: HashMap<&[u32], usize> = HashMap::new();
    for w in bounds.windows(2) {
        *by_seq.entry(&seq[w[0]..w[1]]).or_insert(0) += 1;
    }
    bounds.windows(2).filter(|w| by_seq[&seq[w[0]..w[1]]] > 1).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Name ids used by the synthetic passes below.
    const EMB: u32 = 0;
    const NORM0: u32 = 1; // plain norm of layer 0
    const ADDNORM: u32 = 2; // fused add + norm
    const QKV: u32 = 3;
    const ROPE: u32 = 4;
    const ATTN: u32 = 5;
    const OPROJ: u32 = 6;
    const UP: u32 = 7;
    const ACT: u32 = 8;
    const DOWN: u32 = 9;
    const LMHEAD: u32 = 10;
    const SAMPLE: u32 = 11;
    const ATTN_SWA: u32 = 12;
    const MEMSET: u32 = 13;

    fn roles() -> Vec<Role> {
        let mut r = vec![Role::Other; 16];
        for id in [NORM0, ADDNORM] {
            r[id as usize] = Role::Norm;
        }
        r[ATTN as usize] = Role::Attention;
        r[ATTN_SWA as usize] = Role::Attention;
        r[ACT as usize] = Role::Mlp;
        r
    }

    /// A vLLM-like pass: layer 0 starts with a plain norm, later layers with a fused
    /// add-norm; the final norm shares the fused kernel's name.
    fn vllm_pass(layers: usize, attn: impl Fn(usize) -> u32) -> (Vec<u32>, Vec<usize>) {
        let mut seq = vec![EMB];
        let mut starts = Vec::new();
        for l in 0..layers {
            starts.push(seq.len());
            let first = if l == 0 { NORM0 } else { ADDNORM };
            seq.extend_from_slice(&[first, QKV, ROPE, attn(l), OPROJ, ADDNORM, UP, ACT, DOWN]);
        }
        starts.push(seq.len());
        seq.extend_from_slice(&[ADDNORM, LMHEAD, SAMPLE]);
        (seq, starts)
    }

    #[test]
    fn starts_at_the_input_norm_even_when_layer_0_differs() {
        let (seq, truth) = vllm_pass(24, |_| ATTN);
        let s = segment(&seq, &roles(), 24, None).unwrap();
        assert_eq!(s.bounds, truth);
        assert_eq!(s.phase, Phase::NormBeforeAttention);
        assert_eq!(s.offset_placed, 0);
    }

    #[test]
    fn alternating_attention_kernels_and_an_extra_kernel_in_one_layer() {
        let (mut seq, mut truth) = vllm_pass(36, |l| if l % 2 == 0 { ATTN_SWA } else { ATTN });
        // An extra memset inside layer 7's MLP shifts everything after it by one.
        let at = truth[7] + 7;
        seq.insert(at, MEMSET);
        for t in truth.iter_mut().skip(8) {
            *t += 1;
        }
        let s = segment(&seq, &roles(), 36, None).unwrap();
        assert_eq!(s.bounds, truth);
    }

    #[test]
    fn unfused_norms_start_where_the_repetition_starts() {
        // No norm role at all (HF eager: pow/mean/rsqrt are elementwise kernels).
        let mut roles = roles();
        roles[NORM0 as usize] = Role::Other;
        roles[ADDNORM as usize] = Role::Other;
        let mut seq = vec![EMB, 20, 21];
        let mut truth = Vec::new();
        for _ in 0..24 {
            truth.push(seq.len());
            seq.extend_from_slice(&[
                30, 31, 32, QKV, ROPE, ATTN, OPROJ, 33, 30, 31, 32, UP, ACT, DOWN, 33,
            ]);
        }
        truth.push(seq.len());
        seq.extend_from_slice(&[30, 31, 32]);
        let s = segment(&seq, &roles, 24, None).unwrap();
        assert_eq!(s.phase, Phase::RepeatStart);
        assert_eq!(s.bounds, truth);
    }

    #[test]
    fn mixed_layer_types_with_different_lengths() {
        // Layers 0..3 dense (UP ACT DOWN), the rest MoE with a longer MLP (ids 14, 15).
        let mut r = roles();
        r[14] = Role::Mlp;
        let mut seq = vec![EMB];
        let mut truth = Vec::new();
        for l in 0..10 {
            truth.push(seq.len());
            seq.extend_from_slice(&[ADDNORM, QKV, ATTN, OPROJ, ADDNORM]);
            if l < 3 {
                seq.extend_from_slice(&[UP, ACT, DOWN]);
            } else {
                seq.extend_from_slice(&[15, 14, 14, 15, 14]);
            }
        }
        truth.push(seq.len());
        seq.extend_from_slice(&[ADDNORM, LMHEAD]);
        let s = segment(&seq, &r, 10, None).unwrap();
        assert_eq!(s.bounds, truth);
    }

    #[test]
    fn a_user_anchor_starts_each_layer() {
        let (seq, truth) = vllm_pass(8, |_| ATTN);
        let is_qkv = |id: u32| id == QKV;
        let s = segment(&seq, &roles(), 8, Some(&is_qkv)).unwrap();
        let expect: Vec<usize> = truth[..8].iter().map(|t| t + 1).collect();
        assert_eq!(&s.bounds[..8], &expect[..]);
        assert_eq!(s.phase, Phase::Anchor);
        let bad = segment(&seq, &roles(), 7, Some(&is_qkv)).unwrap_err();
        assert!(bad.evidence[0].contains("not a multiple of 7"), "{bad:?}");
    }

    proptest::proptest! {
        /// Any sequence: never a panic; a split is well formed. A clean synthetic stack
        /// (distinct prologue/epilogue names, norm → … → attention → … → activation layers)
        /// is split exactly.
        #[test]
        fn splits_are_well_formed_and_clean_stacks_exact(
            noise in proptest::collection::vec(0u32..16, 0..300),
            layers in 2usize..40,
            body in proptest::collection::vec(20u32..30, 0..6),
            pro in 0usize..5,
            epi in 0usize..5,
        ) {
            if let Ok(s) = segment(&noise, &roles(), layers, None) {
                proptest::prop_assert_eq!(s.bounds.len(), layers + 1);
                proptest::prop_assert!(s.bounds.windows(2).all(|w| w[0] < w[1]));
                proptest::prop_assert!(*s.bounds.last().unwrap() <= noise.len());
            }
            let mut seq: Vec<u32> = (0..pro as u32).map(|i| 40 + i).collect();
            let mut truth = Vec::new();
            for _ in 0..layers {
                truth.push(seq.len());
                seq.extend_from_slice(&[ADDNORM, QKV, ATTN]);
                seq.extend_from_slice(&body);
                seq.extend_from_slice(&[ADDNORM, UP, ACT, DOWN]);
            }
            truth.push(seq.len());
            seq.extend((0..epi as u32).map(|i| 50 + i));
            let s = segment(&seq, &roles(), layers, None).unwrap();
            proptest::prop_assert_eq!(s.bounds, truth);
        }
    }

    #[test]
    fn unsure_when_the_layer_count_does_not_fit() {
        let (seq, _) = vllm_pass(24, |_| ATTN);
        let err = segment(&seq, &roles(), 25, None).unwrap_err();
        assert!(err.evidence[0].contains("25"), "{err:?}");
        let random: Vec<u32> = (0..200).map(|i| (i * 7919 % 101) as u32).collect();
        assert!(segment(&random, &roles(), 10, None).is_err());
    }
}
