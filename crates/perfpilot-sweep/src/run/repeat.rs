//! Repeats of the top two candidates, interleaved so that drift cannot pick the winner.
//!
//! A blocked order (all of A's runs, then all of B's) lets anything that changes during the
//! stage — a neighbour's load, thermal state, a page cache filling — land on one candidate
//! only, and a hierarchical bootstrap over 3 runs a side cannot see it: on a shared 2-core CI
//! machine two configurations of the same llama.cpp server came out 15% apart, "FASTER beyond
//! noise". The order here is ABBA (A1 B1 B2 A2 A3 B3 …): each pair of repeats swaps which
//! candidate goes first, so a linear drift costs both sides alike, and consecutive runs of
//! one candidate share a server (n + 1 server starts for n repeats of two candidates, not 2n).
//! Repeat i of both candidates uses the same prompts (seed + i).

use super::{Ctx, Running, candidate_of, probe, record, search_id, start, stop, tick};
use crate::SweepError;
use crate::plan::{Framework, Scenario};
use crate::process::interrupted;
use crate::rows::{Row, SearchRow};

/// The run order of `n` repeats of `k` candidates (1 or 2), as blocks of
/// (candidate index, repeat numbers) that share one server.
pub(crate) fn schedule(n: u32, k: usize) -> Vec<(usize, Vec<u32>)> {
    let mut order: Vec<(usize, u32)> = Vec::new();
    for i in 1..=n {
        match k {
            0 => {}
            1 => order.push((0, i)),
            _ if i % 2 == 1 => order.extend([(0, i), (1, i)]),
            _ => order.extend([(1, i), (0, i)]),
        }
    }
    let mut blocks: Vec<(usize, Vec<u32>)> = Vec::new();
    for (c, i) in order {
        match blocks.last_mut() {
            Some((last, runs)) if *last == c => runs.push(i),
            _ => blocks.push((c, vec![i])),
        }
    }
    blocks
}

/// Rerun the top two distinct candidates of every framework × scenario `n` times at the
/// winner's rate and concurrency, in the interleaved order of [`schedule`].
pub(super) fn repeats(cx: &mut Ctx, rows: &[Row], n: u32) -> Result<(), SweepError> {
    let plan = cx.plan;
    for fw in plan.frameworks.iter().filter(|f| f.enabled) {
        for sc in &plan.scenarios {
            let top = crate::summary::ranked(rows, &plan.sla, &fw.name, &sc.name);
            let mut picked: Vec<&SearchRow> = Vec::new();
            for r in top {
                if !picked.iter().any(|p| p.candidate == r.candidate) {
                    picked.push(r);
                }
                if picked.len() == 2 {
                    break;
                }
            }
            repeat_pair(cx, fw, sc, &picked, n)?;
        }
    }
    Ok(())
}

fn repeat_pair(
    cx: &mut Ctx,
    fw: &Framework,
    sc: &Scenario,
    picked: &[&SearchRow],
    n: u32,
) -> Result<(), SweepError> {
    let plan = cx.plan;
    let Some(winner) = picked.first() else { return Ok(()) };
    let (rate, conc) =
        (winner.best_rate.unwrap_or(plan.benchmark.qps.lower), winner.max_concurrency);
    let mut failed = vec![false; picked.len()];
    for (index, runs) in schedule(n, picked.len()) {
        tick(cx, 1);
        let Some(c) = candidate_of(fw, plan, &picked[index].candidate) else { continue };
        let id =
            |i: u32| format!("{}/repeat/r{rate}/{i}", search_id(&fw.name, &c.id, &sc.name, conc));
        let todo: Vec<u32> =
            runs.iter().copied().filter(|i| !cx.done.contains_key(&id(*i))).collect();
        if todo.is_empty() || failed[index] || interrupted() {
            continue;
        }
        let mut running: Running = match start(cx, fw, &c)? {
            Ok(r) => r,
            Err(_) => {
                failed[index] = true;
                continue;
            }
        };
        for i in todo {
            if interrupted() {
                break;
            }
            match probe(cx, fw, &mut running, sc, conc, rate, &id(i), i) {
                Ok(p) => record(cx, Row::Probe(p))?,
                Err(_) => {
                    failed[index] = true;
                    break;
                }
            }
        }
        stop(cx, running)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::schedule;

    #[test]
    fn two_candidates_alternate_abba_and_share_a_server_between_adjacent_runs() {
        assert_eq!(
            schedule(3, 2),
            vec![(0, vec![1]), (1, vec![1, 2]), (0, vec![2, 3]), (1, vec![3])]
        );
        assert_eq!(schedule(1, 2), vec![(0, vec![1]), (1, vec![1])]);
        // n + 1 server starts for n repeats of two candidates.
        for n in 1..8 {
            assert_eq!(schedule(n, 2).len(), n as usize + 1);
            // Each candidate runs every repeat number once.
            for c in 0..2 {
                let mut runs: Vec<u32> =
                    schedule(n, 2).into_iter().filter(|b| b.0 == c).flat_map(|b| b.1).collect();
                runs.sort();
                assert_eq!(runs, (1..=n).collect::<Vec<_>>());
            }
        }
        assert_eq!(schedule(3, 1), vec![(0, vec![1, 2, 3])]);
        assert!(schedule(3, 0).is_empty());
    }
}
