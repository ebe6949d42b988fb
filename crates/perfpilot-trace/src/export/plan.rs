//! Which files each rank of the inputs contributes.

use std::collections::BTreeMap;
use std::path::PathBuf;

use perfpilot_report::Warning;

use crate::error::TraceError;
use crate::input::discover::{TraceFile, discover, select};

/// The files of one rank: at most one per stage, chosen as `trace triage --rank N` would.
#[derive(Debug, Clone)]
pub struct RankPlan {
    /// Rank from the file names (`None`: the names carry none; the trace's own
    /// `distributedInfo.rank` decides after parsing).
    pub rank: Option<u32>,
    /// The input (file or directory) the files came from.
    pub input: PathBuf,
    /// The files, extend before decode before unsplit.
    pub files: Vec<TraceFile>,
}

/// Discover every input and choose the files of each rank. Files found but not chosen
/// (merged traces beside rank-local ones, older captures of the same rank and stage) are
/// reported as a `file-not-exported` warning. Two inputs naming the same rank are
/// refused: the dataset has one partition per rank.
pub fn plan(inputs: &[PathBuf]) -> Result<(Vec<RankPlan>, Vec<Warning>), TraceError> {
    if inputs.is_empty() {
        return Err(TraceError::Options("give at least one trace file or directory".into()));
    }
    let mut plans: Vec<RankPlan> = Vec::new();
    let mut dropped: BTreeMap<PathBuf, String> = BTreeMap::new();
    for input in inputs {
        let d = discover(input)?;
        let all = select(&d, None, None)?;
        let ranks: Vec<Option<u32>> = if all.ranks.is_empty() {
            vec![None]
        } else {
            all.ranks.iter().map(|&r| Some(r)).collect()
        };
        let mut chosen: Vec<PathBuf> = Vec::new();
        for rank in ranks {
            let s = if rank.is_none() { all.clone() } else { select(&d, rank, None)? };
            for (p, why) in s.dropped {
                dropped.entry(p).or_insert(why);
            }
            chosen.extend(s.files.iter().map(|f| f.path.clone()));
            plans.push(RankPlan { rank, input: input.clone(), files: s.files });
        }
        // A file dropped for one rank ("rank 1 (analysing rank 0)") but chosen for its
        // own is no loss.
        for p in chosen {
            dropped.remove(&p);
        }
    }
    let mut seen: BTreeMap<u32, &PathBuf> = BTreeMap::new();
    for p in &plans {
        if let Some(r) = p.rank
            && let Some(first) = seen.insert(r, &p.input)
            && first != &p.input
        {
            return Err(TraceError::Selection {
                path: p.input.clone(),
                message: format!(
                    "rank {r} also comes from {}: each rank is one partition of the dataset; \
                     export the two runs to different directories",
                    first.display()
                ),
            });
        }
    }
    let mut warnings = Vec::new();
    if !dropped.is_empty() {
        let shown: Vec<String> =
            dropped.iter().take(3).map(|(p, why)| format!("{} ({why})", p.display())).collect();
        let more = if dropped.len() > 3 {
            format!(" and {} more", dropped.len() - 3)
        } else {
            String::new()
        };
        warnings.push(Warning::counted(
            "file-not-exported",
            dropped.len() as u64,
            format!("{}{more}", shown.join("; ")),
        ));
    }
    Ok((plans, warnings))
}
