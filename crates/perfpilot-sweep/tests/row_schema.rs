//! `docs/schemas/bench-sweep-row.json` is the schema of one `live_results.jsonl` line;
//! it must match the code (regenerate with `PERFPILOT_WRITE_SCHEMA=1 cargo test -p
//! perfpilot-sweep --test row_schema`).

use std::path::PathBuf;

#[test]
fn committed_row_schema_matches_the_code() {
    let schema = schemars::schema_for!(perfpilot_sweep::rows::RowLine);
    let text = format!("{}\n", serde_json::to_string_pretty(&schema).unwrap());
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/schemas/bench-sweep-row.json");
    if std::env::var_os("PERFPILOT_WRITE_SCHEMA").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(committed, text, "{} drifted: regenerate it (see the module doc)", path.display());
}
