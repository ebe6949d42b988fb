//! Collectives matched across ranks: grouped by stage, process group and kernel name;
//! within a group matched by sequence number when every kernel carries one, by order of
//! appearance otherwise. Per instance, the rank that arrived last is the one whose
//! kernel was the shortest (see [`super::report::COLLECTIVE_METHOD`]).

use std::collections::{BTreeMap, BTreeSet};

use crate::analysis::stage::Stage;
use crate::model::Ns;

use super::merge::{RankData, median};
use super::report::{CollectiveGroup, CollectiveInstance, MatchedBy};

/// One collective kernel of one rank's stage, kept after the trace is dropped.
#[derive(Debug, Clone)]
pub(crate) struct CollectiveKernel {
    /// Kernel row id (same canonical name → same id on every rank).
    pub id: String,
    /// Display name.
    pub display: String,
    /// Kernel duration.
    pub dur: Ns,
    /// `Process Group Name`, when recorded.
    pub process_group: Option<String>,
    /// `Seq`, when recorded.
    pub seq: Option<u64>,
}

/// (stage, process group, kernel id): the unit within which instances are matched.
type GroupKey<'a> = (Stage, Option<&'a str>, &'a str);

/// Instance key within a group: (sequence number or ordinal, repeat of that number on the
/// rank — a sequence number seen twice in one group is kept apart, never merged).
type Slot = (u64, u32);

/// Per group: display name, then per rank index its kernels in time order.
type Grouped<'a> = BTreeMap<GroupKey<'a>, (&'a str, BTreeMap<usize, Vec<&'a CollectiveKernel>>)>;

/// Matched instances, one row per group, and per rank (index into `ranks`) how often it
/// arrived last.
pub(crate) type CollectiveTables = (Vec<CollectiveInstance>, Vec<CollectiveGroup>, Vec<u64>);

/// Match the collectives of every rank.
pub(crate) fn collectives(ranks: &[RankData]) -> CollectiveTables {
    let mut last_counts = vec![0u64; ranks.len()];
    let mut grouped: Grouped<'_> = BTreeMap::new();
    for (i, r) in ranks.iter().enumerate() {
        for f in &r.facts {
            for k in &f.collectives {
                let key = (f.stage, k.process_group.as_deref(), k.id.as_str());
                let e = grouped.entry(key).or_insert((k.display.as_str(), BTreeMap::new()));
                e.1.entry(i).or_default().push(k);
            }
        }
    }
    let mut instances = Vec::new();
    let mut groups = Vec::new();
    for ((stage, pg, id), (display, per)) in grouped {
        // Ranks that have this stage at all take part; one without the collective
        // matches nothing.
        let with_stage: Vec<usize> =
            (0..ranks.len()).filter(|i| ranks[*i].facts.iter().any(|f| f.stage == stage)).collect();
        if with_stage.len() < 2 {
            continue;
        }
        let by_seq = per.values().flatten().all(|k| k.seq.is_some());
        let matched_by = if by_seq { MatchedBy::Sequence } else { MatchedBy::Order };
        // Per taking-part rank: slot → duration.
        let slots: Vec<(usize, BTreeMap<Slot, Ns>)> = with_stage
            .iter()
            .map(|&i| (i, slots_of(per.get(&i).map_or(&[][..], |v| v.as_slice()), by_seq)))
            .collect();
        let all: BTreeSet<Slot> = slots.iter().flat_map(|(_, s)| s.keys().copied()).collect();
        let matched: Vec<Slot> =
            all.iter().copied().filter(|k| slots.iter().all(|(_, s)| s.contains_key(k))).collect();
        let group_id = match pg {
            Some(pg) => format!("{}-pg{pg}-{id}", stage.as_str()),
            None => format!("{}-{id}", stage.as_str()),
        };
        let mut last_here = vec![0u64; ranks.len()];
        let mut wait = 0i64;
        for (ordinal, slot) in matched.iter().enumerate() {
            let mut durs: Vec<(u32, usize, Ns)> =
                slots.iter().map(|(i, s)| (ranks[*i].rank, *i, s[slot])).collect();
            durs.sort_by_key(|d| (d.2, d.0));
            let (last_rank, last_i, shortest) = durs[0];
            let longest = durs[durs.len() - 1];
            let sorted: Vec<f64> = durs.iter().map(|d| d.2 as f64).collect();
            last_here[last_i] += 1;
            last_counts[last_i] += 1;
            wait = wait.saturating_add(longest.2 - shortest);
            let id = match (matched_by, slot.1) {
                (MatchedBy::Order, _) => format!("{group_id}-{ordinal}"),
                (MatchedBy::Sequence, 0) => format!("{group_id}-s{}", slot.0),
                (MatchedBy::Sequence, n) => format!("{group_id}-s{}.{n}", slot.0),
            };
            instances.push(CollectiveInstance {
                id,
                stage,
                collective: display.to_string(),
                process_group: pg.map(str::to_string),
                seq: by_seq.then_some(slot.0),
                matched_by,
                ordinal: ordinal as u64,
                last_rank,
                shortest_ns: shortest,
                median_ns: median(&sorted),
                longest_ns: longest.2,
                first_rank: longest.0,
            });
        }
        let (best_i, best) = last_here
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.cmp(b.1).then(ranks[b.0].rank.cmp(&ranks[a.0].rank)))
            .map_or((0, 0), |(i, c)| (i, *c));
        groups.push(CollectiveGroup {
            id: group_id,
            stage,
            collective: display.to_string(),
            process_group: pg.map(str::to_string),
            matched_by,
            instances: matched.len() as u64,
            unmatched: (all.len() - matched.len()) as u64,
            most_often_last: ranks.get(best_i).map_or(0, |r| r.rank),
            most_often_last_count: best,
            wait_spread_ns: wait,
        });
    }
    (instances, groups, last_counts)
}

/// One rank's kernels of a group keyed by slot: `(seq, repeat)` when matching by sequence
/// number, `(ordinal, 0)` otherwise.
fn slots_of(kernels: &[&CollectiveKernel], by_seq: bool) -> BTreeMap<Slot, Ns> {
    let mut out = BTreeMap::new();
    for (n, k) in kernels.iter().enumerate() {
        let slot = match (by_seq, k.seq) {
            (true, Some(seq)) => {
                let mut repeat = 0u32;
                while out.contains_key(&(seq, repeat)) {
                    repeat += 1;
                }
                (seq, repeat)
            }
            _ => (n as u64, 0),
        };
        out.insert(slot, k.dur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(seq: Option<u64>, dur: Ns) -> CollectiveKernel {
        CollectiveKernel {
            id: "k".into(),
            display: "k".into(),
            dur,
            process_group: Some("0".into()),
            seq,
        }
    }

    #[test]
    fn slots_by_sequence_keep_repeats_apart_and_by_order_count() {
        let ks = [k(Some(7), 1), k(Some(5), 2), k(Some(7), 3)];
        let refs: Vec<&CollectiveKernel> = ks.iter().collect();
        let s = slots_of(&refs, true);
        assert_eq!(s.into_iter().collect::<Vec<_>>(), vec![((5, 0), 2), ((7, 0), 1), ((7, 1), 3)]);
        let s = slots_of(&refs, false);
        assert_eq!(s.into_iter().collect::<Vec<_>>(), vec![((0, 0), 1), ((1, 0), 2), ((2, 0), 3)]);
    }
}
