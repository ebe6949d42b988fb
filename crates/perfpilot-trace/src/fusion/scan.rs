//! The scanner: per-stream sequence matching with bounded repetition.
//!
//! Cost: one `RegexSet` pass per *distinct* kernel name, then for each entry one walk over
//! each stream; at every position a match is tried with steps of bounded repetition, so the
//! total is O(kernels × entries × steps × max repetition) with small constants.

use std::collections::{BTreeMap, HashMap};

use super::catalogue::{Catalogue, Entry, Step};
use super::{Context, FusionMatch, KernelRef, Occurrence};
use crate::taxonomy::Category;

/// A node of the (virtual) stream: one kernel, or one composite standing for several.
#[derive(Debug, Clone)]
struct Node {
    category: Category,
    /// Index into the distinct-name table (composites have their own pseudo-name).
    name: usize,
    members: Vec<usize>,
    pass: Option<u32>,
    dur_ns: i64,
    consumed: bool,
}

/// Which catalogue patterns each distinct name matches.
struct NameTable {
    bits: Vec<Vec<u64>>,
}

impl NameTable {
    fn has(&self, name: usize, pattern: usize) -> bool {
        self.bits[name].get(pattern / 64).is_some_and(|w| w & (1u64 << (pattern % 64)) != 0)
    }
}

pub(crate) fn scan(cat: &Catalogue, kernels: &[KernelRef<'_>], ctx: &Context) -> Vec<FusionMatch> {
    // Distinct names, each matched once against every pattern.
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut distinct: Vec<String> = Vec::new();
    let name_ids: Vec<usize> = kernels
        .iter()
        .map(|k| {
            *index.entry(k.name).or_insert_with(|| {
                distinct.push(k.name.to_string());
                distinct.len() - 1
            })
        })
        .collect();
    let composite_base = distinct.len();
    for e in cat.entries.iter() {
        distinct.push(format!("[composite:{}]", e.id));
    }
    let words = cat.names.len().div_ceil(64).max(1);
    let table = NameTable {
        bits: distinct
            .iter()
            .map(|n| {
                let mut w = vec![0u64; words];
                for p in cat.names.matches(n) {
                    w[p / 64] |= 1u64 << (p % 64);
                }
                w
            })
            .collect(),
    };

    // Per stream, in slice order (the slice is in start order).
    let mut streams: BTreeMap<u64, Vec<Node>> = BTreeMap::new();
    for (i, k) in kernels.iter().enumerate() {
        streams.entry(k.stream).or_default().push(Node {
            category: k.category,
            name: name_ids[i],
            members: vec![i],
            pass: k.pass,
            dur_ns: k.dur_ns.max(0),
            consumed: false,
        });
    }

    let mut order: Vec<usize> = (0..cat.entries.len()).collect();
    // Composites first (file order), then the rest by priority (desc), file order on ties.
    order.sort_by_key(|&i| {
        let e = &cat.entries[i];
        (e.produces.is_none(), -e.priority, i)
    });

    let mut found: Vec<Vec<Occurrence>> = vec![Vec::new(); cat.entries.len()];
    for &ei in &order {
        let entry = &cat.entries[ei];
        for nodes in streams.values_mut() {
            let occ = match entry.produces {
                Some(category) => collapse(entry, nodes, &table, category, composite_base + ei),
                None => mark(entry, nodes, &table),
            };
            found[ei].extend(occ);
        }
    }

    let mut out = Vec::new();
    for (ei, entry) in cat.entries.iter().enumerate() {
        let mut occurrences = std::mem::take(&mut found[ei]);
        occurrences.sort_by_key(|o| o.kernels.first().copied().unwrap_or(usize::MAX));
        let fused_seen: Vec<String> = match entry.fused {
            Some(p) => (0..composite_base)
                .filter(|&n| table.has(n, p))
                .take(3)
                .map(|n| distinct[n].clone())
                .collect(),
            None => Vec::new(),
        };
        if occurrences.is_empty() && fused_seen.is_empty() {
            continue;
        }
        let (conditions, condition_notes) = entry.when.check(ctx);
        out.push(FusionMatch {
            id: entry.id.clone(),
            title: entry.title.clone(),
            composite: entry.produces.is_some(),
            count: occurrences.len(),
            total_ns: crate::model::sat_sum(occurrences.iter().map(|o| o.dur_ns)),
            occurrences,
            already_fused: !fused_seen.is_empty(),
            fused_seen,
            fused_kernel: entry.fused_kernel.clone(),
            provider: entry.provider.clone(),
            source: entry.source.clone(),
            conditions,
            condition_notes,
        });
    }
    out.sort_by(|a, b| b.total_ns.cmp(&a.total_ns).then_with(|| a.id.cmp(&b.id)));
    out
}

/// Composite pass: replace each occurrence by one node of `category`.
fn collapse(
    entry: &Entry,
    nodes: &mut Vec<Node>,
    table: &NameTable,
    category: Category,
    name: usize,
) -> Vec<Occurrence> {
    let mut occ = Vec::new();
    let mut out: Vec<Node> = Vec::with_capacity(nodes.len());
    let mut i = 0;
    while i < nodes.len() {
        if let Some(end) = match_at(entry, nodes, i, table) {
            let span = &nodes[i..end];
            let members: Vec<usize> = span.iter().flat_map(|n| n.members.iter().copied()).collect();
            let dur_ns: i64 = crate::model::sat_sum(span.iter().map(|n| n.dur_ns));
            occ.push(Occurrence { kernels: members.clone(), dur_ns });
            out.push(Node { category, name, members, pass: span[0].pass, dur_ns, consumed: false });
            i = end;
        } else {
            out.push(nodes[i].clone());
            i += 1;
        }
    }
    *nodes = out;
    occ
}

/// Normal pass: mark occurrences consumed so lower-priority entries cannot reuse them.
fn mark(entry: &Entry, nodes: &mut [Node], table: &NameTable) -> Vec<Occurrence> {
    let mut occ = Vec::new();
    let mut i = 0;
    while i < nodes.len() {
        if let Some(end) = match_at(entry, nodes, i, table) {
            let mut kernels = Vec::new();
            let mut dur_ns = 0;
            for n in &mut nodes[i..end] {
                n.consumed = true;
                kernels.extend(n.members.iter().copied());
                dur_ns = n.dur_ns.saturating_add(dur_ns);
            }
            occ.push(Occurrence { kernels, dur_ns });
            i = end;
        } else {
            i += 1;
        }
    }
    occ
}

/// End (exclusive) of a match of `entry` starting exactly at `start`, if any.
fn match_at(entry: &Entry, nodes: &[Node], start: usize, table: &NameTable) -> Option<usize> {
    let first = nodes.get(start)?;
    if first.consumed {
        return None;
    }
    let end = match_steps(entry, &entry.steps, nodes, start, first.pass, table)?;
    (end > start).then_some(end)
}

/// Greedy with backtracking over bounded repetitions.
fn match_steps(
    entry: &Entry,
    steps: &[Step],
    nodes: &[Node],
    pos: usize,
    pass: Option<u32>,
    table: &NameTable,
) -> Option<usize> {
    let Some((step, rest)) = steps.split_first() else {
        return Some(pos);
    };
    let mut count = 0usize;
    while count < step.max as usize {
        match nodes.get(pos + count) {
            Some(n) if step_accepts(entry, step, n, pass, table) => count += 1,
            _ => break,
        }
    }
    loop {
        if count >= step.min as usize
            && let Some(end) = match_steps(entry, rest, nodes, pos + count, pass, table)
        {
            return Some(end);
        }
        if count == 0 {
            return None;
        }
        count -= 1;
    }
}

fn step_accepts(
    entry: &Entry,
    step: &Step,
    node: &Node,
    pass: Option<u32>,
    table: &NameTable,
) -> bool {
    if node.consumed {
        return false;
    }
    // A sequence that contains the fused kernel is not split.
    if entry.fused.is_some_and(|p| table.has(node.name, p)) {
        return false;
    }
    if let (Some(a), Some(b)) = (pass, node.pass)
        && a != b
    {
        return false;
    }
    if !step.categories.is_empty() && !step.categories.contains(&node.category) {
        return false;
    }
    if let Some(p) = step.name
        && !table.has(node.name, p)
    {
        return false;
    }
    if let Some(p) = step.not_name
        && table.has(node.name, p)
    {
        return false;
    }
    true
}
