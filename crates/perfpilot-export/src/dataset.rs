//! [`export`]: plan the ranks, analyse and encode one rank at a time (memory holds one
//! rank's records), then commit every file at once.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use parquet::file::metadata::KeyValue;
use perfpilot_io::OutputFile;
use perfpilot_report::Progress;
use perfpilot_trace::analysis::kernels::row_id;
use perfpilot_trace::export::{ExportRules, RankKernels, analyse_rank, plan};

use crate::error::ExportError;
use crate::options::ExportOptions;
use crate::report::{ExportReport, FileRow, RankRow, StageRows};
use crate::schema::{DATASET_VERSION, VERSION_KEY};
use crate::write::{self, NameRow};

/// Export every rank of `opts.inputs` into the dataset directory `opts.parquet`.
pub fn export(opts: &ExportOptions, progress: &dyn Progress) -> Result<ExportReport, ExportError> {
    let dir = opts.parquet.clone();
    perfpilot_io::check_confined(&dir)
        .map_err(|e| ExportError::Output { path: dir.clone(), reason: e.to_string() })?;
    let rules = ExportRules::load(opts.rules.as_deref())?;
    let (plans, mut warnings) = plan(&opts.inputs)?;
    let stale = prepare(&dir)?;
    let inputs: Vec<PathBuf> =
        plans.iter().flat_map(|p| p.files.iter().map(|f| f.path.clone())).collect();
    let input_refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    progress
        .set_total(inputs.iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum());

    let mut dirs = CreatedDirs::default();
    let mut pending: Vec<(OutputFile, FileRow)> = Vec::new();
    let mut names = Names::default();
    let mut ranks: BTreeMap<u32, RankRow> = BTreeMap::new();
    for p in &plans {
        let rk = analyse_rank(p, &rules, progress)?;
        if let Some(other) = ranks.get(&rk.rank) {
            return Err(ExportError::Output {
                path: rk.files.first().cloned().unwrap_or_else(|| p.input.clone()),
                reason: format!(
                    "rank {} (from its {}) is already exported from {}: each rank is one \
                     partition; export the runs to different directories",
                    rk.rank,
                    rk.rank_from,
                    other.inputs.join(", ")
                ),
            });
        }
        let name_ids = names.ids_of(&rk);
        let rel = format!("kernels/rank={}/part-0.parquet", rk.rank);
        let path = dir.join(&rel);
        dirs.create(&dir, path.parent().unwrap_or(&dir))?;
        let out = OutputFile::create_for(&path, &input_refs)
            .map_err(|e| ExportError::Output { path: path.clone(), reason: e.to_string() })?;
        let meta = metadata(&rules, &[("rank", rk.rank.to_string())]);
        let (out, bytes) = write::kernels(out, &path, &rk, &name_ids, meta)?;
        pending.push((
            out,
            FileRow { path: rel, table: "kernels".into(), rows: rk.kernels.len() as u64, bytes },
        ));
        warnings.extend(rk.warnings.iter().cloned());
        ranks.insert(rk.rank, rank_row(&rk));
    }

    let rel = "names/part-0.parquet".to_string();
    let path = dir.join(&rel);
    dirs.create(&dir, path.parent().unwrap_or(&dir))?;
    let out = OutputFile::create_for(&path, &input_refs)
        .map_err(|e| ExportError::Output { path: path.clone(), reason: e.to_string() })?;
    let (out, bytes) = write::names(out, &path, &names.rows, metadata(&rules, &[]))?;
    pending.push((
        out,
        FileRow { path: rel, table: "names".into(), rows: names.rows.len() as u64, bytes },
    ));

    let mut files = Vec::with_capacity(pending.len());
    for (out, row) in pending {
        let path = dir.join(&row.path);
        out.commit().map_err(|source| ExportError::Io { path, source })?;
        files.push(row);
    }
    dirs.keep();
    let mut removed = Vec::new();
    for (rank, file) in stale {
        if !ranks.contains_key(&rank) {
            std::fs::remove_file(&file)
                .map_err(|source| ExportError::Io { path: file.clone(), source })?;
            if let Some(parent) = file.parent() {
                let _ = std::fs::remove_dir(parent);
            }
            removed.push(file.strip_prefix(&dir).unwrap_or(&file).display().to_string());
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    progress.finish();
    Ok(ExportReport {
        dir: dir.display().to_string(),
        dataset_schema_version: DATASET_VERSION.into(),
        taxonomy: rules.taxonomy_origin().to_string(),
        ranks: ranks.into_values().collect(),
        files,
        names: names.rows.len() as u64,
        removed,
        warnings,
    })
}

fn metadata(rules: &ExportRules, extra: &[(&str, String)]) -> Vec<KeyValue> {
    let mut kv = vec![
        KeyValue::new(VERSION_KEY.into(), DATASET_VERSION.to_string()),
        KeyValue::new("perfpilot.taxonomy".into(), rules.taxonomy_origin().to_string()),
    ];
    kv.extend(extra.iter().map(|(k, v)| KeyValue::new(format!("perfpilot.{k}"), v.clone())));
    kv
}

fn rank_row(rk: &RankKernels) -> RankRow {
    let mut stages: Vec<StageRows> = Vec::new();
    let mut order: Vec<_> = rk.kernels.iter().map(|k| k.stage).collect();
    order.sort();
    order.dedup();
    for stage in order {
        let of: Vec<i64> =
            rk.kernels.iter().filter(|k| k.stage == stage).map(|k| k.dur_ns).collect();
        stages.push(StageRows {
            stage: stage.as_str().into(),
            rows: of.len() as u64,
            gpu_time_ns: of.iter().fold(0i64, |a, &d| a.saturating_add(d)),
        });
    }
    RankRow {
        rank: rk.rank,
        rank_from: rk.rank_from.into(),
        inputs: rk.files.iter().map(|p| p.display().to_string()).collect(),
        rows: rk.kernels.len() as u64,
        gpu_time_ns: rk.kernels.iter().fold(0i64, |a, k| a.saturating_add(k.dur_ns)),
        stages,
        in_pass: rk.in_pass,
        in_layer: rk.in_layer,
    }
}

/// The dataset's names table: ids in order of first appearance (ranks ascending in
/// plan order, then time order).
#[derive(Default)]
struct Names {
    rows: Vec<NameRow>,
    index: HashMap<String, i32>,
}

impl Names {
    /// Dataset name id per string of the rank (`-1` for strings that are not names).
    fn ids_of(&mut self, rk: &RankKernels) -> Vec<i32> {
        let mut ids = vec![-1i32; rk.strings.len()];
        for k in &rk.kernels {
            let slot = k.name as usize;
            if ids[slot] >= 0 {
                continue;
            }
            let name = &rk.strings[slot];
            ids[slot] = match self.index.get(name) {
                Some(&id) => id,
                None => {
                    let id = self.rows.len() as i32;
                    let canonical = rk.strings[k.canonical as usize].clone();
                    self.rows.push(NameRow {
                        name: name.clone(),
                        row_id: row_id(&canonical),
                        canonical,
                    });
                    self.index.insert(name.clone(), id);
                    id
                }
            };
        }
        ids
    }
}

/// Check the dataset directory: absent, empty, or an earlier export (only `kernels/`
/// and `names/`). Returns the earlier export's rank files.
fn prepare(dir: &Path) -> Result<Vec<(u32, PathBuf)>, ExportError> {
    let bad = |reason: String| ExportError::Output { path: dir.to_path_buf(), reason };
    let meta = match std::fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(bad(format!("cannot read: {e}"))),
    };
    if !std::fs::metadata(dir).is_ok_and(|m| m.is_dir()) {
        let _ = meta;
        return Err(bad(
            "exists and is not a directory: expected a new, empty or earlier export directory"
                .into(),
        ));
    }
    let entries: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| bad(format!("cannot read: {e}")))?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let ours = entries.iter().all(|e| e == "kernels" || e == "names")
        && dir.join("names/part-0.parquet").is_file();
    if !ours {
        let mut shown = entries.clone();
        shown.sort();
        shown.truncate(5);
        return Err(bad(format!(
            "is not empty and not an earlier `trace export` dataset (found {}; expected only \
             kernels/ and names/): give a new or empty directory",
            shown.join(", ")
        )));
    }
    let mut stale = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir.join("kernels")) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let file = e.path().join("part-0.parquet");
            if let Some(rank) = name.strip_prefix("rank=").and_then(|r| r.parse::<u32>().ok())
                && file.is_file()
            {
                stale.push((rank, file));
            }
        }
    }
    stale.sort();
    Ok(stale)
}

/// Directories this run created, removed again (when still empty) unless [`keep`] was
/// called: a failed run leaves no trace of itself.
///
/// [`keep`]: CreatedDirs::keep
#[derive(Default)]
struct CreatedDirs {
    list: Vec<PathBuf>,
    keep: bool,
}

impl CreatedDirs {
    /// Create `path` (under `root`) and the missing directories above it.
    fn create(&mut self, root: &Path, path: &Path) -> Result<(), ExportError> {
        let mut missing = Vec::new();
        let mut cur = Some(path);
        while let Some(p) = cur {
            if p.exists() {
                break;
            }
            missing.push(p.to_path_buf());
            if p == root {
                break;
            }
            cur = p.parent();
        }
        for p in missing.into_iter().rev() {
            perfpilot_io::check_confined(&p)
                .map_err(|e| ExportError::Output { path: p.clone(), reason: e.to_string() })?;
            std::fs::create_dir(&p)
                .map_err(|source| ExportError::Io { path: p.clone(), source })?;
            self.list.push(p);
        }
        Ok(())
    }

    fn keep(&mut self) {
        self.keep = true;
    }
}

impl Drop for CreatedDirs {
    fn drop(&mut self) {
        if !self.keep {
            for p in self.list.iter().rev() {
                let _ = std::fs::remove_dir(p);
            }
        }
    }
}
