//! DuckDB (the `duckdb` package from PyPI, pinned in `scripts/py-helpers.requirements.txt`)
//! reads the export of every fixture trace as a Hive-partitioned dataset: its per-rank,
//! per-stage, per-category sums equal the `trace triage` tables, every name id joins the
//! names table, and `schema_version` is in each file's key-value metadata.
//!
//! Needs the helper venv (`scripts/py-helpers.sh install`): skipped with a printed reason
//! when it is absent, a failure under `CI=true`.

mod common;

use std::path::PathBuf;
use std::process::Command;

use perfpilot_export::{ExportOptions, export, schema};
use perfpilot_report::NoProgress;

use common::{Sums, trace_dirs, triage_sums};

/// The helper venv's python with `duckdb` importable, when installed.
fn python() -> Option<PathBuf> {
    let cache = std::env::var_os("PERFPILOT_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/perfpilot")))?;
    let py = cache.join("py-helpers/venv/bin/python");
    let ok = Command::new(&py).args(["-c", "import duckdb"]).output().ok()?.status.success();
    ok.then_some(py)
}

/// Reads every dataset under argv[1] (one folder per fixture) and prints, per folder, the
/// per-(rank, stage, category) sums, the unjoined name ids and the distinct versions.
const SCRIPT: &str = r#"
import duckdb, json, os, sys
root = sys.argv[1]
out = {}
con = duckdb.connect()
for name in sorted(os.listdir(root)):
    ds = os.path.join(root, name)
    k = f"read_parquet('{ds}/kernels/*/*.parquet', hive_partitioning = true)"
    n = f"read_parquet('{ds}/names/*.parquet')"
    sums = con.sql(f"select rank, stage, category, sum(dur_ns)::bigint, count(*) from {k} group by all order by all").fetchall()
    orphans = con.sql(f"select count(*) from {k} left join {n} using (name_id) where name is null").fetchone()[0]
    versions = con.sql(f"select distinct decode(value) from parquet_kv_metadata(['{ds}/kernels/*/*.parquet', '{ds}/names/*.parquet']) where decode(key) = 'schema_version'").fetchall()
    out[name] = {"sums": [list(r) for r in sums], "orphans": orphans, "versions": [v[0] for v in versions]}
print(json.dumps(out))
"#;

#[test]
fn duckdb_reads_every_fixture_export_and_its_sums_equal_triage() {
    let Some(py) = python() else {
        let why =
            "the py-helpers venv with duckdb is not installed (scripts/py-helpers.sh install)";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
        eprintln!("skipped: {why}");
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let mut want: Vec<(String, u32, Sums)> = Vec::new();
    for dir in trace_dirs() {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        export(&ExportOptions::new(vec![dir.clone()], out.path().join(&name)), &NoProgress)
            .unwrap();
        let (rank, sums) = triage_sums(&dir);
        want.push((name, rank, sums));
    }
    let o = Command::new(&py).args(["-c", SCRIPT]).arg(out.path()).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let got: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for (name, rank, sums) in want {
        let g = &got[&name];
        let mut seen = Sums::new();
        for r in g["sums"].as_array().unwrap() {
            assert_eq!(r[0].as_u64(), Some(u64::from(rank)), "{name}: {r}");
            seen.insert(
                (r[1].as_str().unwrap().into(), r[2].as_str().unwrap().into()),
                (r[3].as_i64().unwrap(), r[4].as_u64().unwrap()),
            );
        }
        assert_eq!(seen, sums, "{name}: DuckDB's sums differ from triage");
        assert_eq!(g["orphans"], 0, "{name}: name ids without a names row");
        assert_eq!(g["versions"], serde_json::json!([schema::DATASET_VERSION]), "{name}");
    }
}
