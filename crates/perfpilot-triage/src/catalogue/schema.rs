//! The TOML shape of a signature catalogue (`data/signatures.toml` and user files).

use serde::Deserialize;

/// A whole catalogue file.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct CatalogueFile {
    /// Schema version of the file (1).
    pub version: Option<u32>,
    /// Scanner settings.
    #[serde(default)]
    pub scan: ScanDef,
    /// py-spy settings.
    #[serde(default)]
    pub pyspy: PySpyDef,
    /// Phase markers the launch parser does not report.
    #[serde(default)]
    pub marker: Vec<MarkerDef>,
    /// Lines that show a failure even when no signature matches them.
    #[serde(default)]
    pub fatal: Vec<FatalDef>,
    /// The signatures.
    #[serde(default)]
    pub signature: Vec<SignatureDef>,
}

/// `[scan]`: the literal gates of the fast scanner.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScanDef {
    /// A line is examined only when it contains one of these (case-sensitive) literals.
    #[serde(default)]
    pub gates: Vec<String>,
    /// Extra gates looked for during start-up only (until the first request, and again
    /// after a restart marker).
    #[serde(default)]
    pub startup_gates: Vec<String>,
}

/// `[pyspy]`.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct PySpyDef {
    /// Frames that only dispatch (torch op wrappers, threading, queues): skipped when
    /// naming where a thread is.
    #[serde(default)]
    pub wrapper_frames: Vec<String>,
}

/// `[[marker]]`: a phase marker.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MarkerDef {
    /// Stable id.
    pub id: String,
    /// Phase entered: `load`, `kv`, `init`, `capture`, `ready`, `serve`.
    pub phase: String,
    /// Timeline label.
    pub label: String,
    /// Regex on the message.
    pub pattern: String,
    /// Only the first occurrence per file matters (serving markers).
    #[serde(default)]
    pub first_only: bool,
    /// Where the phrase comes from (documentation; required so every entry names one).
    #[allow(dead_code)]
    pub source: String,
}

/// `[[fatal]]`: a failure marker without a signature.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FatalDef {
    /// Regex on the message.
    pub pattern: String,
    /// Where the phrase comes from (documentation; required so every entry names one).
    #[allow(dead_code)]
    pub source: String,
}

/// `[[signature.context]]`: a line before the hit that sharpens the guess.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub(crate) struct ContextDef {
    /// Regex on an earlier message (named groups become facts).
    pub pattern: String,
    /// How many lines back to look (default 2000).
    pub within: Option<u64>,
    /// Added to the confidence when found.
    #[serde(default)]
    pub weight: f64,
    /// The signature only applies when this context is present.
    #[serde(default)]
    pub required: bool,
    /// Show the line among the strongest signal.
    #[serde(default)]
    pub signal: bool,
    /// A sentence added to the guess when found.
    pub note: Option<String>,
}

/// `[[signature]]`.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub(crate) struct SignatureDef {
    /// Stable id (kebab-case, unique).
    pub id: String,
    /// Problem class id.
    pub class: String,
    /// One-line title.
    pub title: String,
    /// `fatal` (default) or `degraded`.
    pub severity: Option<String>,
    /// `primary` (default), `secondary` (a consequence of another failure) or `cascade`
    /// (primary unless an earlier fatal failure exists).
    pub role: Option<String>,
    /// Base confidence 0..1.
    pub confidence: f64,
    /// Regexes on a log line, or on a traceback's header and exception lines.
    #[serde(default)]
    pub lines: Vec<String>,
    /// Regexes on an exception line (`Type: message`).
    #[serde(default)]
    pub exception: Vec<String>,
    /// At least one traceback frame (`path:line in func` + code) must match one of these.
    #[serde(default)]
    pub frames: Vec<String>,
    /// The line that opened the traceback must match one of these.
    #[serde(default)]
    pub header: Vec<String>,
    /// py-spy: an active thread's frame must match one of these.
    #[serde(default)]
    pub pyspy_active: Vec<String>,
    /// py-spy: an idle thread's frame matching one of these raises the confidence.
    #[serde(default)]
    pub pyspy_waiting: Vec<String>,
    /// Matches a traceback whose exception line is missing (cut log).
    #[serde(default)]
    pub incomplete: bool,
    /// The hit must fall in one of these phases.
    #[serde(default)]
    pub phase: Vec<String>,
    /// Earlier lines that sharpen the guess.
    #[serde(default)]
    pub context: Vec<ContextDef>,
    /// No hit when one of these matches the record's text.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// No hit on lines logged at these levels (`debug`, `info`, `warning`).
    #[serde(default)]
    pub skip_levels: Vec<String>,
    /// Extra regexes with named groups, applied to the record's lines for facts.
    #[serde(default)]
    pub facts: Vec<String>,
    /// Count occurrences over time (repeated warnings) instead of one event.
    #[serde(default)]
    pub repeat: bool,
    /// Signatures whose failure this one places: when this signature decides a record that
    /// starts within a few lines after a lead finding of one of them (same file), this finding
    /// leads and that one is folded into it (the allocator's generic line, then the caller's line
    /// naming what was being allocated).
    #[serde(default)]
    pub places: Vec<String>,
    /// What the failure means.
    pub means: String,
    /// The usual root causes.
    #[serde(default)]
    pub causes: Vec<String>,
    /// The next step (template: `{fact}` placeholders, `[[…]]` optional parts).
    pub next_step: String,
    /// Production risk.
    pub risk: String,
    /// What this signature rules out.
    #[serde(default)]
    pub ruled_out: Vec<String>,
    /// Where it was learned (issue, PR, framework path).
    pub source: String,
    /// Real lines it must match (checked when the catalogue loads).
    #[serde(default)]
    pub examples: Vec<String>,
}
