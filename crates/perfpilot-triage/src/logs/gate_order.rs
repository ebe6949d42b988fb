//! The order of the serving gates' literals: it decides which literals share a fingerprint
//! bucket of the packed (Teddy) searcher that runs over every byte of a long log, and so how
//! often a background line (decode, metrics, access lines) hits a bucket and must be verified.
//!
//! Why: Teddy tests every position against its buckets (8 in its slim form, which a set of at
//! most 32 literals gets with AVX2; 16 in its fat form). A bucket's fingerprint is, for each of
//! the first `mask` bytes (the shortest literal's length, at most 4), the set of low and of high
//! nibbles of its literals' bytes; a position whose bytes' nibbles are all among them is a
//! candidate to verify. Literals that share a bucket also admit the mixtures of their nibbles.
//! Teddy puts literals with the same low nibbles in one bucket (`Error` and `error`), and a new
//! one in bucket `buckets - 1 - (index mod buckets)`, so the order of the literals alone places
//! them. In the catalogue's sorted order `File "` and `args` shared a bucket that admitted about
//! one position per kilobyte of SGLang decode lines.
//!
//! Here, with the launch-log prefilter's model (`perfpilot_launchlog::teddy_plan::place`), each
//! group of literals goes, those hitting the most background first, to the bucket where it adds
//! the fewest background hits; pairwise swaps follow while they lower the hits; the order that
//! makes Teddy place each group where planned is returned. The order steers only the cost: the
//! scan asks where the leftmost literal starts and whether a line holds one, which no order
//! changes.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use perfpilot_launchlog::teddy_plan::{self, Group, Windows};

/// Plans kept per process (a triage run builds its gates on every call: the MCP server and the
/// corpus scorers triage thousands of logs with one catalogue), at most this many gate lists.
const KEPT_PLANS: usize = 4;

/// [`order`] against the embedded background lines, planned once per gate list and process.
pub(crate) fn order_planned_once(literals: &[&str]) -> Vec<usize> {
    static PLANS: Mutex<Vec<(Vec<String>, Vec<usize>)>> = Mutex::new(Vec::new());
    let mut plans = PLANS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, o)) =
        plans.iter().find(|(k, _)| k.iter().map(String::as_str).eq(literals.iter().copied()))
    {
        return o.clone();
    }
    let o = order(literals, perfpilot_launchlog::background_lines());
    if plans.len() == KEPT_PLANS {
        plans.remove(0);
    }
    plans.push((literals.iter().map(|l| l.to_string()).collect(), o.clone()));
    o
}

/// The order in which to give `literals` (non-empty) to the packed searcher so that it places
/// them in buckets planned against the `background` lines: indices into `literals`, each at
/// least once; a repeated index is a filler that keeps a later literal on its planned bucket
/// (a repeated literal changes no answer of the scan).
pub(crate) fn order(literals: &[&str], background: &[Vec<u8>]) -> Vec<usize> {
    let n = literals.len();
    let Some(shortest) = literals.iter().map(|l| l.len()).min().filter(|&m| m > 0) else {
        return (0..n).collect();
    };
    if background.is_empty() {
        return (0..n).collect();
    }
    let mask = shortest.min(4);
    let buckets = if n > 32 { 16 } else { 8 };
    let lonybs = |i: usize| -> Vec<u8> {
        literals[i].as_bytes().iter().take(mask).map(|b| b & 15).collect()
    };
    // Groups of literals Teddy puts in one bucket (same low nibbles), first member first.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of: HashMap<Vec<u8>, usize> = HashMap::new();
    for i in 0..n {
        let g = *group_of.entry(lonybs(i)).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }
    let windows = [Windows::new(background, mask)];
    let lits: Vec<Group> = groups
        .iter()
        .map(|g| Group {
            literals: g.iter().map(|&i| literals[i].as_bytes()).collect(),
            last_pass_only: false,
        })
        .collect();
    let cap = groups.len().div_ceil(buckets).max(1);
    let placed = teddy_plan::place(&lits, &windows, buckets, cap);
    let members = placed.members.into_iter().next().unwrap_or_default();
    teddy_order(&groups, &members)
}

/// Indices of the literals in an order that makes Teddy give group `members[b][k]` bucket `b`:
/// a group's first literal at an index `i` with `buckets - 1 - (i mod buckets) == b`, its other
/// literals (which follow their first into its bucket whatever their index) wherever a bucket
/// has no group left to start, and fillers (a repeat of a literal placed) where nothing else
/// is left.
fn teddy_order(groups: &[Vec<usize>], members: &[Vec<usize>]) -> Vec<usize> {
    let buckets = members.len();
    let mut queues: Vec<std::collections::VecDeque<usize>> =
        members.iter().map(|m| m.iter().copied().collect()).collect();
    let mut spare: Vec<usize> = Vec::new();
    let mut out: Vec<usize> = Vec::new();
    while queues.iter().any(|q| !q.is_empty()) {
        let bucket = buckets - 1 - (out.len() % buckets);
        if let Some(g) = queues[bucket].pop_front() {
            out.push(groups[g][0]);
            spare.extend(groups[g][1..].iter().rev());
        } else if let Some(i) = spare.pop() {
            out.push(i);
        } else if let Some(&i) = out.first() {
            out.push(i);
        } else {
            // No group placed yet and none planned for this bucket: start with any.
            let Some(g) = queues.iter_mut().find_map(|q| q.pop_front()) else { break };
            out.push(groups[g][0]);
            spare.extend(groups[g][1..].iter().rev());
        }
    }
    out.extend(spare);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Teddy's own bucket assignment (aho-corasick 1.1 `packed::teddy::generic::Teddy::new`).
    fn teddy_buckets(lits: &[&str], order: &[usize], buckets: usize) -> Vec<Vec<usize>> {
        let mask = lits.iter().map(|l| l.len()).min().unwrap().min(4);
        let mut out = vec![Vec::new(); buckets];
        let mut seen: HashMap<Vec<u8>, usize> = HashMap::new();
        for (id, &i) in order.iter().enumerate() {
            let lo: Vec<u8> = lits[i].as_bytes().iter().take(mask).map(|b| b & 15).collect();
            let b = *seen.entry(lo).or_insert(buckets - 1 - id % buckets);
            out[b].push(i);
        }
        out
    }

    fn background_hits(lits: &[&str], order: &[usize], lines: &[Vec<u8>]) -> u64 {
        let mask = lits.iter().map(|l| l.len()).min().unwrap().min(4);
        let w = Windows::new(lines, mask);
        let print = |b: &Vec<usize>| {
            b.iter().fold(teddy_plan::Print::default(), |p, &i| p.with(lits[i].as_bytes(), mask))
        };
        teddy_buckets(lits, order, 8).iter().map(|b| w.hits(&print(b), u64::MAX)).sum()
    }

    #[test]
    fn every_literal_is_given_and_the_plan_lowers_background_hits() {
        let cat = crate::catalogue::Catalogue::builtin().unwrap();
        let lits: Vec<&str> = cat.gates.iter().map(String::as_str).collect();
        let bg = perfpilot_launchlog::background_lines();
        let order = order(&lits, bg);
        let mut given = order.clone();
        given.sort_unstable();
        given.dedup();
        assert_eq!(given, (0..lits.len()).collect::<Vec<_>>());
        let sorted: Vec<usize> = (0..lits.len()).collect();
        let (planned, before) =
            (background_hits(&lits, &order, bg), background_hits(&lits, &sorted, bg));
        assert!(planned <= before, "planned {planned}, catalogue order {before}");
    }

    /// The order of `gate_order_plans.txt` (captured before the placement model moved to
    /// `perfpilot_launchlog::teddy_plan`, on the built-in serving gates) is the order made now.
    /// `PERFPILOT_BLESS_PLANS=1` rewrites the file from the current gates.
    #[test]
    fn gate_order_is_the_recorded_one() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/logs/gate_order_plans.txt");
        let bg = perfpilot_launchlog::background_lines();
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        if std::env::var_os("PERFPILOT_BLESS_PLANS").is_some() {
            let cat = crate::catalogue::Catalogue::builtin().unwrap();
            let lits: Vec<&str> = cat.gates.iter().map(String::as_str).collect();
            let mut text = String::from(
                "# Serving gates (hex) and their Teddy order (gate_order.rs test), recorded at base 4e84d25.\n",
            );
            for l in &lits {
                text += &format!("gate {}\n", hex(l.as_bytes()));
            }
            text += &format!("order {:?}\n", order(&lits, bg));
            std::fs::write(&path, text).unwrap();
            return;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let mut gates: Vec<String> = Vec::new();
        let mut want = String::new();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            if let Some(h) = line.strip_prefix("gate ") {
                let bytes: Vec<u8> = (0..h.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
                    .collect();
                gates.push(String::from_utf8(bytes).unwrap());
            } else if let Some(o) = line.strip_prefix("order ") {
                want = o.to_string();
            }
        }
        let lits: Vec<&str> = gates.iter().map(String::as_str).collect();
        assert!(!lits.is_empty());
        assert_eq!(format!("{:?}", order(&lits, bg)), want);
    }

    #[test]
    fn groups_of_one_low_nibble_prefix_stay_together() {
        let lits = ["Error", "error", "Timeout", "timeout", "SIG", "args", "File \""];
        let bg = vec![b"INFO: 127.0.0.1:5000 - \"POST /v1/completions HTTP/1.1\" 200 OK".to_vec()];
        let order = order(&lits, &bg);
        for b in teddy_buckets(&lits, &order, 8) {
            let has = |s: &str| b.iter().any(|&i| lits[i] == s);
            assert_eq!(has("Error"), has("error"));
            assert_eq!(has("Timeout"), has("timeout"));
        }
    }

    #[test]
    fn degenerate_inputs_keep_the_given_order() {
        assert_eq!(order(&["a", "b"], &[]), vec![0, 1]);
        assert_eq!(order(&["", "b"], &[b"xyz".to_vec()]), vec![0, 1]);
    }
}
