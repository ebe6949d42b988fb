//! Input discovery: a trace file, or a profile directory holding per-rank, per-stage
//! trace files (SGLang `…-TP-0-EXTEND.trace.json.gz`, vLLM `rank0.….pt.trace.json.gz`,
//! `prefill/` and `decode/` folders, …).

use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::SystemTime;

use regex::Regex;

use crate::analysis::stage::Stage;
use crate::error::TraceError;

/// Files that sit beside traces but are not traces.
const NOT_TRACES: &[&str] = &["server_args.json", "config.json", "metadata.json"];
/// How deep a directory is searched when it holds no trace directly.
const MAX_DEPTH: usize = 4;

/// One trace file found in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceFile {
    /// Path.
    pub path: PathBuf,
    /// Rank from the file name, when it has one.
    pub rank: Option<u32>,
    /// Stage from the path.
    pub stage: Stage,
    /// Modification time.
    pub modified: Option<SystemTime>,
    /// A `merged-*` file (all ranks merged by SGLang's profile merger).
    pub merged: bool,
}

/// What discovery found, before choosing.
#[derive(Debug, Clone)]
pub struct Discovery {
    /// The input as given.
    pub input: PathBuf,
    /// Every trace file found.
    pub files: Vec<TraceFile>,
}

static RANK_PATTERNS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"(?i)(?:^|[_.-])tp-?(\d+)(?:[_.-]|$)",
        r"(?i)(?:^|[_.-])rank[-_]?(\d+)(?:[_.-]|$)",
        r"(?i)(?:^|[_.-])worker[-_]?(\d+)(?:[_.-]|$)",
    ]
    .iter()
    .map(|p| Regex::new(p).unwrap_or_else(|e| panic!("rank pattern {p}: {e}")))
    .collect()
});

/// Rank from a file name: `TP-0`, `tp0`, `rank0`, `rank-1`, `worker0`.
pub fn rank_from_name(name: &str) -> Option<u32> {
    RANK_PATTERNS.iter().find_map(|re| {
        re.captures(name).and_then(|c| c.get(1)).and_then(|m| m.as_str().parse().ok())
    })
}

fn is_trace_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    !NOT_TRACES.contains(&lower.as_str())
        && (lower.ends_with(".json") || lower.ends_with(".json.gz"))
}

/// A `.json(.gz)` that is not named `*.trace.json(.gz)` counts only when its top level
/// is a trace; this reads its first bytes to check.
fn named_as_trace(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.ends_with(".trace.json") || lower.ends_with(".trace.json.gz")
}

fn trace_file(path: &Path) -> TraceFile {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    TraceFile {
        rank: rank_from_name(&name),
        stage: Stage::from_path(path),
        modified: std::fs::metadata(path).and_then(|m| m.modified()).ok(),
        merged: name.starts_with("merged-"),
        path: path.to_path_buf(),
    }
}

/// Find the trace files of an input path.
pub fn discover(input: &Path) -> Result<Discovery, TraceError> {
    let meta = std::fs::metadata(input).map_err(|e| TraceError::io(input, e))?;
    if meta.is_file() {
        return Ok(Discovery { input: input.to_path_buf(), files: vec![trace_file(input)] });
    }
    let mut files = Vec::new();
    collect(input, 0, &mut files)?;
    if files.is_empty() {
        return Err(TraceError::NoTraces { path: input.to_path_buf() });
    }
    let direct: Vec<TraceFile> =
        files.iter().filter(|f| f.path.parent() == Some(input)).cloned().collect();
    let staged = files.iter().any(|f| f.stage != Stage::All);
    let files = if !direct.is_empty() && !staged {
        direct
    } else if staged {
        files
    } else {
        // Only nested unstaged traces: take the newest trace directory.
        let newest_dir = files
            .iter()
            .max_by_key(|f| (f.modified, f.path.clone()))
            .and_then(|f| f.path.parent().map(Path::to_path_buf));
        files.into_iter().filter(|f| f.path.parent().map(Path::to_path_buf) == newest_dir).collect()
    };
    Ok(Discovery { input: input.to_path_buf(), files })
}

fn collect(dir: &Path, depth: usize, out: &mut Vec<TraceFile>) -> Result<(), TraceError> {
    let entries = std::fs::read_dir(dir).map_err(|e| TraceError::io(dir, e))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        // Under confinement (an MCP call) a link inside the directory must not lead out.
        perfpilot_io::check_confined(&p).map_err(|e| TraceError::io(&p, e.into()))?;
        if p.is_dir() {
            if depth < MAX_DEPTH && !name.starts_with('.') {
                collect(&p, depth + 1, out)?;
            }
        } else if is_trace_name(&name)
            // A FIFO or device named `*.json` is skipped, never opened (it could block).
            && perfpilot_io::is_regular_file(&p)
            && (named_as_trace(&name) || crate::parse::looks_like_trace(&p))
        {
            out.push(trace_file(&p));
        }
    }
    Ok(())
}

/// The files chosen for analysis: one rank, one file per stage.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Chosen files, extend before decode before all.
    pub files: Vec<TraceFile>,
    /// Ranks present.
    pub ranks: Vec<u32>,
    /// The rank chosen.
    pub rank: Option<u32>,
    /// Files found but not analysed, with the reason.
    pub dropped: Vec<(PathBuf, String)>,
}

/// Choose the files to analyse: rank-local files over `merged-*`, the requested rank (or
/// the lowest), the requested stage, and the newest file per stage.
pub fn select(
    d: &Discovery,
    rank: Option<u32>,
    stage: Option<Stage>,
) -> Result<Selection, TraceError> {
    let mut dropped = Vec::new();
    let any_local = d.files.iter().any(|f| !f.merged);
    let mut files: Vec<TraceFile> = Vec::new();
    for f in &d.files {
        if f.merged && any_local {
            dropped.push((f.path.clone(), "merged trace; rank-local files exist".into()));
        } else {
            files.push(f.clone());
        }
    }
    let mut ranks: Vec<u32> = files.iter().filter_map(|f| f.rank).collect();
    ranks.sort_unstable();
    ranks.dedup();
    let chosen_rank = match rank {
        Some(r) if ranks.is_empty() || ranks.contains(&r) => Some(r).filter(|_| !ranks.is_empty()),
        Some(r) => {
            return Err(TraceError::Selection {
                path: d.input.clone(),
                message: format!("rank {r} not found; ranks present: {ranks:?}"),
            });
        }
        None => ranks.first().copied(),
    };
    if let Some(r) = chosen_rank {
        files.retain(|f| {
            let keep = f.rank.is_none_or(|fr| fr == r);
            if !keep {
                dropped.push((
                    f.path.clone(),
                    format!("rank {} (analysing rank {r})", f.rank.unwrap_or(0)),
                ));
            }
            keep
        });
    }
    if let Some(want) = stage.filter(|s| *s != Stage::All) {
        let has_stage_files = files.iter().any(|f| f.stage != Stage::All);
        if has_stage_files {
            files.retain(|f| {
                let keep = f.stage == want;
                if !keep {
                    dropped.push((
                        f.path.clone(),
                        format!("stage {} (--stage {})", f.stage.as_str(), want.as_str()),
                    ));
                }
                keep
            });
        }
    }
    // Newest file per stage.
    files.sort_by(|a, b| {
        (a.stage, std::cmp::Reverse(a.modified), &a.path).cmp(&(
            b.stage,
            std::cmp::Reverse(b.modified),
            &b.path,
        ))
    });
    let mut chosen: Vec<TraceFile> = Vec::new();
    for f in files {
        if chosen.iter().any(|c| c.stage == f.stage) {
            dropped.push((
                f.path.clone(),
                format!("a newer {} trace of the same rank was chosen", f.stage.as_str()),
            ));
        } else {
            chosen.push(f);
        }
    }
    if chosen.is_empty() {
        return Err(TraceError::Selection {
            path: d.input.clone(),
            message: "no trace file left after choosing rank and stage".into(),
        });
    }
    Ok(Selection { files: chosen, ranks, rank: chosen_rank, dropped })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_from_names() {
        assert_eq!(rank_from_name("triage-trace-1700-TP-3-EXTEND.trace.json.gz"), Some(3));
        assert_eq!(rank_from_name("x_tp1.json"), Some(1));
        assert_eq!(rank_from_name("rank0.1234.pt.trace.json.gz"), Some(0));
        assert_eq!(rank_from_name("sampled_rank-1.json.gz"), Some(1));
        assert_eq!(rank_from_name("worker0.pt.trace.json.gz"), Some(0));
        assert_eq!(rank_from_name("eager_trace.json.gz"), None);
        assert_eq!(rank_from_name("stop.json"), None);
    }

    #[test]
    fn names_that_are_traces() {
        assert!(is_trace_name("a.trace.json.gz"));
        assert!(is_trace_name("a.json"));
        assert!(!is_trace_name("server_args.json"));
        assert!(!is_trace_name("a.txt"));
        assert!(named_as_trace("w.pt.trace.json"));
        assert!(!named_as_trace("w.json"));
    }
}
