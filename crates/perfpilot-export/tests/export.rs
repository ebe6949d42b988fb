//! `trace export` on the real fixture traces, read back with the `parquet` crate's own
//! reader: one row per GPU op of the triage tables, the same per-category sums, the
//! dataset layout and metadata, atomic failure, and refusal of unsafe directories.

mod common;

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::RowAccessor;
use perfpilot_export::{ExportError, ExportOptions, export, schema};
use perfpilot_report::NoProgress;

use common::{Sums, trace_dirs, triage_sums};

fn reader(path: &Path) -> SerializedFileReader<File> {
    SerializedFileReader::new(File::open(path).unwrap()).unwrap()
}

fn kv(r: &SerializedFileReader<File>) -> BTreeMap<String, String> {
    r.metadata()
        .file_metadata()
        .key_value_metadata()
        .into_iter()
        .flatten()
        .map(|k| (k.key.clone(), k.value.clone().unwrap_or_default()))
        .collect()
}

/// Per-(stage, category) sums of one kernels file, and the name ids it uses.
fn file_sums(path: &Path) -> (Sums, Vec<i32>) {
    let mut sums = Sums::new();
    let mut ids = Vec::new();
    for row in reader(path).get_row_iter(None).unwrap() {
        let row = row.unwrap();
        let e = sums
            .entry((row.get_string(0).unwrap().clone(), row.get_string(7).unwrap().clone()))
            .or_default();
        e.0 += row.get_long(5).unwrap();
        e.1 += 1;
        ids.push(row.get_int(6).unwrap());
    }
    (sums, ids)
}

#[test]
fn every_fixture_trace_exports_the_triage_kernels_with_their_categories() {
    for dir in trace_dirs() {
        let (rank, want) = triage_sums(&dir);
        let out = tempfile::tempdir().unwrap();
        let ds = out.path().join("ds");
        let report = export(&ExportOptions::new(vec![dir.clone()], &ds), &NoProgress).unwrap();
        assert_eq!(report.ranks.len(), 1, "{}", dir.display());
        assert_eq!(report.ranks[0].rank, rank, "{}", dir.display());
        let kernels = ds.join(format!("kernels/rank={rank}/part-0.parquet"));
        let (got, ids) = file_sums(&kernels);
        assert_eq!(got, want, "{}: export sums differ from triage", dir.display());
        assert_eq!(report.ranks[0].rows, ids.len() as u64);
        let names = reader(&ds.join("names/part-0.parquet"));
        let n = names.metadata().file_metadata().num_rows();
        assert_eq!(n as u64, report.names);
        assert!(ids.iter().all(|&i| i >= 0 && i64::from(i) < n), "{}", dir.display());
        for r in [reader(&kernels), names] {
            let meta = kv(&r);
            assert_eq!(
                meta.get(schema::VERSION_KEY).map(String::as_str),
                Some(schema::DATASET_VERSION)
            );
        }
        assert_eq!(kv(&reader(&kernels)).get("perfpilot.rank"), Some(&rank.to_string()));
        let mut files: Vec<String> = report.files.iter().map(|f| f.path.clone()).collect();
        files.sort();
        assert_eq!(
            files,
            [format!("kernels/rank={rank}/part-0.parquet"), "names/part-0.parquet".into()]
        );
    }
}

#[test]
fn two_rank_files_become_two_partitions_sharing_one_names_table() {
    let dirs = trace_dirs();
    let r0 = dirs.iter().find(|d| d.ends_with("hta_sampled_rank0")).unwrap();
    let r1 = dirs.iter().find(|d| d.ends_with("hta_sampled_rank1")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let ds = out.path().join("ds");
    let report =
        export(&ExportOptions::new(vec![r0.clone(), r1.clone()], &ds), &NoProgress).unwrap();
    let ranks: Vec<u32> = report.ranks.iter().map(|r| r.rank).collect();
    assert_eq!(ranks, [0, 1]);
    for (dir, rank) in [(r0, 0), (r1, 1)] {
        let (_, want) = triage_sums(dir);
        let (got, _) = file_sums(&ds.join(format!("kernels/rank={rank}/part-0.parquet")));
        assert_eq!(got, want, "rank {rank}");
    }
    // The same kernel names on both ranks are one row each in the names table.
    let mut names = Vec::new();
    for row in reader(&ds.join("names/part-0.parquet")).get_row_iter(None).unwrap() {
        names.push(row.unwrap().get_string(1).unwrap().clone());
    }
    let distinct: std::collections::BTreeSet<&String> = names.iter().collect();
    assert_eq!(distinct.len(), names.len());

    // Exporting one rank again into the same directory replaces the dataset: rank 1's
    // partition of the earlier export is removed.
    let again = export(&ExportOptions::new(vec![r0.clone()], &ds), &NoProgress).unwrap();
    assert_eq!(again.removed, ["kernels/rank=1/part-0.parquet"]);
    assert!(!ds.join("kernels/rank=1").exists());
    assert!(ds.join("kernels/rank=0/part-0.parquet").is_file());
}

#[test]
fn the_same_rank_from_two_inputs_is_refused_before_anything_is_written() {
    let dirs = trace_dirs();
    let r0 = dirs.iter().find(|d| d.ends_with("hta_sampled_rank0")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let copy = out.path().join("copy");
    std::fs::create_dir(&copy).unwrap();
    std::fs::copy(r0.join("sampled_rank-0.json.gz"), copy.join("sampled_rank-0.json.gz")).unwrap();
    let ds = out.path().join("ds");
    let err = export(&ExportOptions::new(vec![r0.clone(), copy.clone()], &ds), &NoProgress)
        .unwrap_err()
        .to_string();
    assert!(err.contains("rank 0 also comes from"), "{err}");
    assert!(err.contains(&copy.display().to_string()), "{err}");
    assert!(!ds.exists());
}

#[test]
fn a_corrupt_rank_file_fails_the_run_and_leaves_no_file_behind() {
    let dirs = trace_dirs();
    let good = dirs.iter().find(|d| d.ends_with("hta_sampled_rank0")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let bad = out.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    // A valid start, then garbage: the parse fails after rank 0 was encoded.
    std::fs::write(bad.join("rank7.trace.json"), br#"{"traceEvents": [{"ph": "X", "name": "k", "#)
        .unwrap();
    let ds = out.path().join("ds");
    let err =
        export(&ExportOptions::new(vec![good.clone(), bad.clone()], &ds), &NoProgress).unwrap_err();
    assert!(matches!(err, ExportError::Trace(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("rank7.trace.json"), "{text}");
    assert!(!ds.exists(), "a failed run left {:?}", std::fs::read_dir(&ds).map(|d| d.count()));

    // An earlier export in the directory survives a failed run untouched.
    export(&ExportOptions::new(vec![good.clone()], &ds), &NoProgress).unwrap();
    let before = std::fs::read(ds.join("kernels/rank=0/part-0.parquet")).unwrap();
    export(&ExportOptions::new(vec![good.clone(), bad.clone()], &ds), &NoProgress).unwrap_err();
    assert_eq!(std::fs::read(ds.join("kernels/rank=0/part-0.parquet")).unwrap(), before);
    let leftovers: Vec<String> =
        walk(&ds).into_iter().filter(|p| !p.ends_with(".parquet")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p.display().to_string());
        }
    }
    out
}

#[test]
fn a_directory_that_is_not_an_export_is_refused() {
    let dirs = trace_dirs();
    let good = dirs.iter().find(|d| d.ends_with("hta_sampled_rank0")).unwrap();
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("notes.txt"), "mine").unwrap();
    let err = export(&ExportOptions::new(vec![good.clone()], out.path()), &NoProgress)
        .unwrap_err()
        .to_string();
    assert!(err.contains("not an earlier `trace export` dataset"), "{err}");
    assert!(err.contains("notes.txt"), "{err}");
    let file = out.path().join("notes.txt");
    let err = export(&ExportOptions::new(vec![good.clone()], &file), &NoProgress)
        .unwrap_err()
        .to_string();
    assert!(err.contains("is not a directory"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
}

/// Per pass: (rows, distinct layers, rows outside a layer); and rows outside every pass.
type PassCounts = (BTreeMap<i32, (u64, std::collections::BTreeSet<i32>, u64)>, u64);

fn pass_counts(path: &Path) -> PassCounts {
    let mut passes: BTreeMap<i32, (u64, std::collections::BTreeSet<i32>, u64)> = BTreeMap::new();
    let mut outside = 0;
    for row in reader(path).get_row_iter(None).unwrap() {
        let row = row.unwrap();
        // Columns 14 and 15: pass and layer (nullable).
        match row.get_int(14) {
            Ok(p) => {
                let e = passes.entry(p).or_default();
                e.0 += 1;
                match row.get_int(15) {
                    Ok(l) => {
                        e.1.insert(l);
                    }
                    Err(_) => e.2 += 1,
                }
            }
            Err(_) => outside += 1,
        }
    }
    (passes, outside)
}

#[test]
fn pass_and_layer_columns_agree_with_trace_layers() {
    let mut with_layers = 0;
    for dir in trace_dirs() {
        let layers =
            perfpilot_trace::layers(&perfpilot_trace::LayersOptions::new(&dir), &NoProgress)
                .unwrap();
        let out = tempfile::tempdir().unwrap();
        let ds = out.path().join("ds");
        let report = export(&ExportOptions::new(vec![dir.clone()], &ds), &NoProgress).unwrap();
        let rank = report.ranks[0].rank;
        let (passes, outside) =
            pass_counts(&ds.join(format!("kernels/rank={rank}/part-0.parquet")));
        let name = dir.display();
        assert_eq!(outside, layers.outside_kernels, "{name}: ops outside every pass");
        assert_eq!(passes.len(), layers.passes.len(), "{name}: passes");
        for p in &layers.passes {
            let (rows, seen, unlayered) = &passes[&(p.index as i32)];
            assert_eq!(*rows, p.kernels, "{name}: pass {}", p.index);
            match p.layers {
                Some(n) => {
                    with_layers += 1;
                    assert_eq!(seen.len(), n, "{name}: layers of pass {}", p.index);
                    assert_eq!(seen.iter().copied().max(), Some(n as i32 - 1));
                    assert_eq!(*unlayered, p.prologue_kernels + p.epilogue_kernels, "{name}");
                }
                None => assert!(seen.is_empty(), "{name}: pass {} has no layer split", p.index),
            }
        }
    }
    assert!(with_layers > 0, "no fixture pass was split into layers");
}
