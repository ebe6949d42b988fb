//! The kernel knowledge ledger (KernelWiki style, `loop-kda-ncu.md` 2.5): every claim —
//! kernel, GPU, dtype, shape, metric, value, source, date — appended as one JSON line to a
//! global ledger under the user's data directory (`$XDG_DATA_HOME/perfpilot/`, else
//! `~/.local/share/perfpilot/`) and to the task's own copy (`DIR/ledger.jsonl`).
//! `kernel note` adds a claim by hand, `kernel ab` records its results itself, and
//! `kernel wiki QUERY` finds claims by kernel, GPU, dtype or shape.

use std::io::Write;
use std::path::{Path, PathBuf};

use perfpilot_report::{Document, Report, Section, Table};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::KernelError;

/// Schema id of a ledger line.
pub const LEDGER_SCHEMA: &str = "perfpilot.kernel.ledger/1";
/// The task copy's file name.
pub const TASK_LEDGER: &str = "ledger.jsonl";

/// One claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// Kernel (or task) name.
    pub kernel: String,
    /// GPU (or device) the claim was measured on.
    pub gpu: String,
    /// dtype.
    pub dtype: String,
    /// Shape: an id and/or `name=value` dimensions.
    pub shape: String,
    /// What was measured (`speedup`, `candidate_median_us`, `dram_pct`, …).
    pub metric: String,
    /// The value.
    pub value: f64,
    /// Where it comes from (a results file, a PR, a profile).
    pub source: String,
    /// Date, `YYYY-MM-DD` (UTC).
    pub date: String,
}

#[derive(Serialize, Deserialize)]
struct Line {
    schema: String,
    #[serde(flatten)]
    claim: Claim,
}

/// The global ledger: `$XDG_DATA_HOME/perfpilot/kernel-ledger.jsonl` (an absolute
/// `XDG_DATA_HOME`), else `$HOME/.local/share/perfpilot/kernel-ledger.jsonl`.
pub fn global_ledger() -> Option<PathBuf> {
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(data.join("perfpilot").join("kernel-ledger.jsonl"))
}

/// Today's UTC date, `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 → (year, month, day) (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (era * 400 + yoe + i64::from(m <= 2), m, d)
}

fn validate(c: &Claim) -> Result<(), KernelError> {
    for (k, v) in [("kernel", &c.kernel), ("gpu", &c.gpu), ("dtype", &c.dtype), ("shape", &c.shape)]
        .into_iter()
        .chain([("metric", &c.metric), ("source", &c.source)])
    {
        if v.trim().is_empty() {
            return Err(KernelError::Invalid(format!("claim: `{k}` is empty")));
        }
    }
    if !c.value.is_finite() {
        return Err(KernelError::Invalid(format!(
            "claim: value {} is not a finite number",
            c.value
        )));
    }
    let ok = c.date.len() == 10
        && c.date
            .bytes()
            .enumerate()
            .all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !ok {
        return Err(KernelError::Invalid(format!("claim: date `{}`: expected YYYY-MM-DD", c.date)));
    }
    Ok(())
}

/// Append claims to `path` (created with its directory), one JSON line each.
pub fn append(path: &Path, claims: &[Claim]) -> Result<(), KernelError> {
    for c in claims {
        validate(c)?;
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| KernelError::io(dir, e))?;
    }
    let mut f = perfpilot_io::OutputFile::append(path).map_err(|e| KernelError::io(path, e))?;
    let mut buf = String::new();
    for c in claims {
        let line = Line { schema: LEDGER_SCHEMA.into(), claim: c.clone() };
        buf.push_str(
            &serde_json::to_string(&line).map_err(|e| KernelError::Invalid(e.to_string()))?,
        );
        buf.push('\n');
    }
    f.write_all(buf.as_bytes()).map_err(|e| KernelError::io(path, e))?;
    f.flush().map_err(|e| KernelError::io(path, e))
}

/// Read a ledger; a missing file is empty. Errors name `file:line`.
pub fn read(path: &Path) -> Result<Vec<(usize, Claim)>, KernelError> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    if !perfpilot_io::is_regular_file(path) {
        return Err(KernelError::Invalid(format!("{}: not a regular file", path.display())));
    }
    // Not through `perfpilot_io::read_*`: those record the file as an input of this run,
    // and an input may not be written again; the ledger is an append-only store that one
    // process (an MCP server) both searches and appends to. Same size cap.
    let text = {
        use std::io::Read;
        let f = std::fs::File::open(path).map_err(|e| KernelError::io(path, e))?;
        let cap = perfpilot_io::max_input_bytes();
        let mut buf = String::new();
        f.take(cap.saturating_add(1))
            .read_to_string(&mut buf)
            .map_err(|e| KernelError::io(path, e))?;
        if buf.len() as u64 > cap {
            return Err(KernelError::Invalid(format!(
                "{}: larger than the input cap of {cap} bytes",
                path.display()
            )));
        }
        buf
    };
    let mut out = Vec::new();
    for (i, l) in text.lines().enumerate() {
        if l.trim().is_empty() {
            continue;
        }
        let line: Line = serde_json::from_str(l).map_err(|e| {
            KernelError::Invalid(format!(
                "{}:{}: not a ledger line ({e}); expected {{\"schema\": \"{LEDGER_SCHEMA}\", \"kernel\": …}}",
                path.display(),
                i + 1
            ))
        })?;
        if line.schema != LEDGER_SCHEMA {
            return Err(KernelError::Invalid(format!(
                "{}:{}: schema `{}`, expected `{LEDGER_SCHEMA}`",
                path.display(),
                i + 1,
                line.schema
            )));
        }
        out.push((i + 1, line.claim));
    }
    Ok(out)
}

/// Options of `kernel note` (also the MCP tool's arguments).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteOptions {
    /// The claim (`date` may be empty: today, UTC).
    pub claim: Claim,
    /// The task directory whose copy (`DIR/ledger.jsonl`) also gets the claim.
    #[serde(default)]
    pub task: Option<PathBuf>,
    /// The global ledger (default `$XDG_DATA_HOME/perfpilot/kernel-ledger.jsonl`).
    #[serde(default)]
    pub ledger: Option<PathBuf>,
}

/// The result of `kernel note`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NoteReport {
    /// The claim written.
    pub claim: Claim,
    /// The files it was appended to.
    pub written: Vec<String>,
}

/// Run `kernel note`.
pub fn run_note(opts: &NoteOptions) -> Result<NoteReport, KernelError> {
    let mut claim = opts.claim.clone();
    if claim.date.trim().is_empty() {
        claim.date = today();
    }
    let global = opts.ledger.clone().or_else(global_ledger).ok_or_else(|| {
        KernelError::Invalid("no global ledger: set XDG_DATA_HOME or HOME, or pass --ledger".into())
    })?;
    let mut written = Vec::new();
    for path in std::iter::once(global).chain(opts.task.iter().map(|d| d.join(TASK_LEDGER))) {
        append(&path, std::slice::from_ref(&claim))?;
        written.push(path.display().to_string());
    }
    Ok(NoteReport { claim, written })
}

/// Options of `kernel wiki` (also the MCP tool's arguments).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WikiOptions {
    /// Terms, all of which must match (case-insensitive substring): `field:value`
    /// (`kernel:`, `gpu:`, `dtype:`, `shape:`, `metric:`, `source:`) or a bare term matched
    /// against kernel, GPU, dtype, shape and metric.
    pub query: Vec<String>,
    /// The ledger to search (default: the global one).
    #[serde(default)]
    pub ledger: Option<PathBuf>,
}

/// A claim found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ClaimRow {
    /// `claim/<line>`.
    pub id: String,
    /// The claim.
    #[serde(flatten)]
    pub claim: Claim,
}

/// The result of `kernel wiki`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WikiReport {
    /// The query terms.
    pub query: Vec<String>,
    /// The ledger searched.
    pub ledger: String,
    /// Claims in the ledger.
    pub total: usize,
    /// Matching claims, by kernel, GPU, dtype, shape, metric, date.
    pub claims: Vec<ClaimRow>,
}

fn matches(c: &Claim, term: &str) -> bool {
    let t = term.to_lowercase();
    let has = |s: &str, q: &str| s.to_lowercase().contains(q);
    if let Some((field, q)) = t.split_once(':') {
        let v = match field {
            "kernel" => &c.kernel,
            "gpu" => &c.gpu,
            "dtype" => &c.dtype,
            "shape" => &c.shape,
            "metric" => &c.metric,
            "source" => &c.source,
            _ => {
                return [&c.kernel, &c.gpu, &c.dtype, &c.shape, &c.metric]
                    .iter()
                    .any(|s| has(s, &t));
            }
        };
        return has(v, q);
    }
    [&c.kernel, &c.gpu, &c.dtype, &c.shape, &c.metric].iter().any(|s| has(s, &t))
}

/// Run `kernel wiki`.
pub fn run_wiki(opts: &WikiOptions) -> Result<WikiReport, KernelError> {
    let path = opts.ledger.clone().or_else(global_ledger).ok_or_else(|| {
        KernelError::Invalid("no global ledger: set XDG_DATA_HOME or HOME, or pass --ledger".into())
    })?;
    let all = read(&path)?;
    let total = all.len();
    let mut claims: Vec<ClaimRow> = all
        .into_iter()
        .filter(|(_, c)| opts.query.iter().all(|q| matches(c, q)))
        .map(|(line, claim)| ClaimRow { id: format!("claim/{line}"), claim })
        .collect();
    claims.sort_by(|a, b| {
        let k = |r: &ClaimRow| {
            let c = &r.claim;
            (
                c.kernel.clone(),
                c.gpu.clone(),
                c.dtype.clone(),
                c.shape.clone(),
                c.metric.clone(),
                c.date.clone(),
            )
        };
        k(a).cmp(&k(b)).then_with(|| a.id.cmp(&b.id))
    });
    Ok(WikiReport { query: opts.query.clone(), ledger: path.display().to_string(), total, claims })
}

impl Report for NoteReport {
    fn schema_version(&self) -> &'static str {
        "perfpilot.kernel.note/1"
    }

    fn document(&self) -> Document {
        let c = &self.claim;
        Document::new("kernel note")
            .with_fact(
                "claim",
                format!(
                    "{} on {} ({}, {}): {} = {}",
                    c.kernel, c.gpu, c.dtype, c.shape, c.metric, c.value
                ),
            )
            .with_fact("source", format!("{} ({})", c.source, c.date))
            .with_section(Section::new("Written to").with_list(self.written.clone()))
    }
}

impl Report for WikiReport {
    fn schema_version(&self) -> &'static str {
        "perfpilot.kernel.wiki/1"
    }

    fn document(&self) -> Document {
        let mut t = Table::new(
            "claims",
            ["id", "kernel", "gpu", "dtype", "shape", "metric", "value", "date", "source"],
        )
        .right(&["value"]);
        for r in &self.claims {
            let c = &r.claim;
            t.push_row(
                r.id.clone(),
                [
                    r.id.clone(),
                    c.kernel.clone(),
                    c.gpu.clone(),
                    c.dtype.clone(),
                    c.shape.clone(),
                    c.metric.clone(),
                    format!("{}", c.value),
                    c.date.clone(),
                    c.source.clone(),
                ],
            );
        }
        Document::new("kernel wiki")
            .with_fact(
                "query",
                if self.query.is_empty() { "(all)".to_string() } else { self.query.join(" ") },
            )
            .with_fact(
                "ledger",
                format!("{} ({} claims, {} match)", self.ledger, self.total, self.claims.len()),
            )
            .with_section(Section::new("Claims").with_table(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
