//! Which files make up which rank: every input is discovered, `merged-*` files are dropped
//! when rank-local files exist, and files are grouped by the rank in their name, one file
//! per stage (a prefill and a decode file of one rank form one job).

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::analysis::stage::Stage;
use crate::error::TraceError;
use crate::input::discover::{TraceFile, discover};
use crate::triage::TriageOptions;

/// One rank to analyse.
#[derive(Debug, Clone)]
pub struct RankJob {
    /// Rank from the file names (`None`: taken from the trace's `distributedInfo`).
    pub rank: Option<u32>,
    /// Its files, one per stage, extend first.
    pub files: Vec<TraceFile>,
}

impl RankJob {
    /// Where `server_args.json` is looked for: the first file's folder.
    pub fn args_dir(&self) -> PathBuf {
        self.files
            .first()
            .and_then(|f| f.path.parent())
            .map_or_else(|| PathBuf::from("."), PathBuf::from)
    }
}

/// The ranks of an input.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// One job per rank, ascending rank (unnamed ranks last).
    pub jobs: Vec<RankJob>,
    /// Ranks named by the files.
    pub ranks: Vec<u32>,
    /// The same (rank, stage) in more than one file: a multi-rank run refuses them unless
    /// `--force` (then the first file of each rank and stage is kept).
    pub duplicates: Vec<String>,
    /// Files not analysed, with the reason.
    pub dropped: Vec<(PathBuf, String)>,
}

/// Discover every input and group its files by rank and stage.
pub fn plan(opts: &TriageOptions) -> Result<Plan, TraceError> {
    let mut files: Vec<TraceFile> = Vec::new();
    for input in std::iter::once(&opts.input).chain(&opts.more_inputs) {
        for f in discover(input)?.files {
            if !files.iter().any(|g| g.path == f.path) {
                files.push(f);
            }
        }
    }
    let mut out = Plan::default();
    let any_local = files.iter().any(|f| !f.merged);
    files.retain(|f| {
        let keep = !(f.merged && any_local);
        if !keep {
            out.dropped.push((f.path.clone(), "merged trace; rank-local files exist".into()));
        }
        keep
    });
    if opts.stage != Stage::All && files.iter().any(|f| f.stage != Stage::All) {
        files.retain(|f| {
            let keep = f.stage == opts.stage;
            if !keep {
                out.dropped.push((
                    f.path.clone(),
                    format!("stage {} (--stage {})", f.stage.as_str(), opts.stage.as_str()),
                ));
            }
            keep
        });
    }
    files.sort_by(|a, b| (a.rank, a.stage, &a.path).cmp(&(b.rank, b.stage, &b.path)));
    let mut named: BTreeMap<u32, Vec<TraceFile>> = BTreeMap::new();
    let mut unnamed: Vec<TraceFile> = Vec::new();
    for f in files {
        match f.rank {
            Some(r) => named.entry(r).or_default().push(f),
            None => unnamed.push(f),
        }
    }
    for (rank, fs) in named {
        let mut job = RankJob { rank: Some(rank), files: Vec::new() };
        for f in fs {
            if let Some(prev) = job.files.iter().find(|g| g.stage == f.stage) {
                if opts.force {
                    out.dropped.push((
                        f.path.clone(),
                        format!(
                            "rank {rank} stage {} already comes from {} (--force kept the first)",
                            f.stage.as_str(),
                            prev.path.display()
                        ),
                    ));
                } else {
                    out.duplicates.push(format!(
                        "rank {rank} stage {} is in both {} and {}",
                        f.stage.as_str(),
                        prev.path.display(),
                        f.path.display()
                    ));
                }
                continue;
            }
            job.files.push(f);
        }
        out.ranks.push(rank);
        out.jobs.push(job);
    }
    // Files without a rank in their name: one rank when their stages differ (a prefill
    // and a decode file), else one rank each (the rank comes from the trace itself).
    let mut stages: Vec<Stage> = unnamed.iter().map(|f| f.stage).collect();
    stages.sort();
    stages.dedup();
    if !unnamed.is_empty() && stages.len() == unnamed.len() {
        out.jobs.push(RankJob { rank: None, files: unnamed });
    } else {
        out.jobs.extend(unnamed.into_iter().map(|f| RankJob { rank: None, files: vec![f] }));
    }
    Ok(out)
}
