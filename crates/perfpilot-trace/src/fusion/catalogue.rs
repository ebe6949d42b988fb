//! The catalogue file format (`data/fusions.toml`) and its compilation.

use std::path::Path;
use std::sync::{Arc, LazyLock};

use perfpilot_gate::GatedSet;
use regex::RegexSet;
use serde::Deserialize;
use toml::Spanned;

use super::conditions::{When, normalise_dtype};
use super::{Context, FusionMatch, KernelRef};
use crate::taxonomy::{Category, TaxonomyError, invalid_at, syntax_error};

/// The schema id a catalogue file must declare.
pub const SCHEMA: &str = "perfpilot.fusions/1";

/// The catalogue compiled into the binary.
pub const EMBEDDED_CATALOGUE: &str = include_str!("../../data/fusions.toml");

static EMBEDDED: LazyLock<Catalogue> = LazyLock::new(|| {
    // Tested by `embedded_catalogue_compiles`; a failure here is a build bug. Its name
    // patterns compile on first use, behind a literal gate (issue #18).
    Catalogue::compile(EMBEDDED_CATALOGUE, "<embedded fusions>", false)
        .expect("embedded fusions.toml is valid")
});

/// Longest repetition a step may ask for (keeps matching linear).
const MAX_REPEAT: u32 = 32;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSpec {
    schema: Spanned<String>,
    #[serde(default)]
    fusion: Vec<EntrySpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntrySpec {
    id: Spanned<String>,
    title: String,
    #[serde(default)]
    priority: i32,
    #[serde(default)]
    produces: Option<Spanned<String>>,
    #[serde(default)]
    fused: Option<Spanned<String>>,
    fused_kernel: String,
    provider: String,
    source: String,
    step: Vec<StepSpec>,
    #[serde(default)]
    when: Option<WhenSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepSpec {
    #[serde(default)]
    category: Vec<Spanned<String>>,
    #[serde(default)]
    name: Option<Spanned<String>>,
    #[serde(default)]
    not_name: Option<Spanned<String>>,
    #[serde(default = "one")]
    min: u32,
    #[serde(default = "one")]
    max: u32,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WhenSpec {
    #[serde(default)]
    dtype: Vec<String>,
    #[serde(default)]
    quantization: Vec<String>,
    #[serde(default)]
    min_tp: Option<u32>,
    #[serde(default)]
    framework: Vec<String>,
    #[serde(default)]
    model: Option<Spanned<String>>,
}

/// One step of a sequence, compiled. Pattern numbers index the catalogue's name set.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub categories: Vec<Category>,
    pub name: Option<usize>,
    pub not_name: Option<usize>,
    pub min: u32,
    pub max: u32,
}

/// One catalogue entry, compiled.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub id: String,
    pub title: String,
    pub priority: i32,
    pub produces: Option<Category>,
    pub fused: Option<usize>,
    pub fused_kernel: String,
    pub provider: String,
    pub source: String,
    pub steps: Vec<Step>,
    pub when: When,
}

/// A compiled fusion catalogue. Cloning is cheap (shared).
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub(crate) entries: Arc<Vec<Entry>>,
    /// Every `name`, `not_name` and `fused` pattern; entries refer to them by index.
    pub(crate) names: Arc<GatedSet>,
    origin: Arc<str>,
}

impl Catalogue {
    /// The built-in catalogue (`data/fusions.toml`), compiled once per process.
    pub fn embedded() -> Catalogue {
        EMBEDDED.clone()
    }

    /// The built-in catalogue, or `path`'s (`--fusions`), which replaces it.
    pub fn load(path: Option<&Path>) -> Result<Catalogue, crate::TraceError> {
        match path {
            None => Ok(Catalogue::embedded()),
            Some(p) => Catalogue::from_toml_file(p).map_err(|e| match e {
                TaxonomyError::Io { cause, .. } => {
                    crate::TraceError::Io { path: p.to_path_buf(), source: cause }
                }
                other => crate::TraceError::Rules {
                    path: p.to_path_buf(),
                    message: strip_file(&other.to_string(), &p.display().to_string()),
                },
            }),
        }
    }

    /// Load a user catalogue. Errors name the file and the line.
    pub fn from_toml_file(path: impl AsRef<Path>) -> Result<Catalogue, TaxonomyError> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let text = perfpilot_io::read_to_string_bounded(path)
            .map_err(|cause| TaxonomyError::Io { file: file.clone(), cause })?;
        Catalogue::from_toml_str(&text, &file)
    }

    /// Compile a catalogue from TOML text; `origin` names it in error messages.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Catalogue, TaxonomyError> {
        Catalogue::compile(text, origin, true)
    }

    /// With `eager` (a user's file) every name pattern is compiled now, so errors name the
    /// file and line; otherwise (the embedded file, whose test compiles every pattern) they
    /// are only checked for emptiness and compile on first use. Compiling each pattern twice
    /// (alone, then in a set) was a quarter of `trace triage`'s instructions (issue #18).
    fn compile(text: &str, origin: &str, eager: bool) -> Result<Catalogue, TaxonomyError> {
        let file = origin;
        let spec: FileSpec = toml::from_str(text).map_err(|e| syntax_error(file, text, &e))?;
        if spec.schema.get_ref() != SCHEMA {
            return Err(invalid_at(
                file,
                text,
                spec.schema.span(),
                format!("schema is {:?}, expected {SCHEMA:?}", spec.schema.get_ref()),
            ));
        }
        let mut patterns: Vec<String> = Vec::new();
        let mut add_pattern = |p: &Spanned<String>| -> Result<usize, TaxonomyError> {
            if eager {
                crate::taxonomy::check_regex(file, text, p)?;
            } else {
                crate::taxonomy::check_not_empty(file, text, p)?;
            }
            patterns.push(p.get_ref().clone());
            Ok(patterns.len() - 1)
        };
        let mut entries = Vec::new();
        let mut ids = std::collections::HashSet::new();
        for e in spec.fusion {
            if !ids.insert(e.id.get_ref().clone()) {
                return Err(invalid_at(
                    file,
                    text,
                    e.id.span(),
                    format!("duplicate entry id {:?}", e.id.get_ref()),
                ));
            }
            if e.step.is_empty() {
                return Err(invalid_at(
                    file,
                    text,
                    e.id.span(),
                    "entry has no [[fusion.step]]".into(),
                ));
            }
            let mut steps = Vec::new();
            for s in &e.step {
                let mut categories = Vec::new();
                for c in &s.category {
                    categories.push(crate::taxonomy::parse_category(file, text, c)?);
                }
                if s.min > s.max || s.max == 0 || s.max > MAX_REPEAT {
                    return Err(invalid_at(
                        file,
                        text,
                        e.id.span(),
                        format!(
                            "step repetition min={} max={} must satisfy min <= max, 1 <= max <= {MAX_REPEAT}",
                            s.min, s.max
                        ),
                    ));
                }
                if categories.is_empty() && s.name.is_none() {
                    return Err(invalid_at(
                        file,
                        text,
                        e.id.span(),
                        "a step needs a category or a name pattern".into(),
                    ));
                }
                steps.push(Step {
                    categories,
                    name: s.name.as_ref().map(&mut add_pattern).transpose()?,
                    not_name: s.not_name.as_ref().map(&mut add_pattern).transpose()?,
                    min: s.min,
                    max: s.max,
                });
            }
            if steps.iter().all(|s| s.min == 0) {
                return Err(invalid_at(
                    file,
                    text,
                    e.id.span(),
                    "at least one step must be required (min >= 1)".into(),
                ));
            }
            let produces = match &e.produces {
                Some(p) => Some(crate::taxonomy::parse_category(file, text, p)?),
                None => None,
            };
            let when = match e.when {
                None => When::default(),
                Some(w) => When {
                    dtype: w.dtype.iter().map(|d| normalise_dtype(d)).collect(),
                    quantization: w
                        .quantization
                        .iter()
                        .map(|q| q.trim().to_ascii_lowercase())
                        .collect(),
                    min_tp: w.min_tp,
                    framework: w.framework.iter().map(|f| f.trim().to_ascii_lowercase()).collect(),
                    model: w
                        .model
                        .as_ref()
                        .map(|m| crate::taxonomy::check_regex(file, text, m))
                        .transpose()?,
                },
            };
            entries.push(Entry {
                id: e.id.get_ref().clone(),
                title: e.title,
                priority: e.priority,
                produces,
                fused: e.fused.as_ref().map(&mut add_pattern).transpose()?,
                fused_kernel: e.fused_kernel,
                provider: e.provider,
                source: e.source,
                steps,
                when,
            });
        }
        if eager {
            RegexSet::new(&patterns).map_err(|err| TaxonomyError::Invalid {
                file: file.to_string(),
                line: 0,
                message: format!("catalogue patterns: {err}"),
            })?;
        }
        let names = GatedSet::new(patterns);
        Ok(Catalogue { entries: Arc::new(entries), names: Arc::new(names), origin: origin.into() })
    }

    /// Where the catalogue came from: a path or `<embedded fusions>`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the catalogue has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entry ids in file order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.id.as_str())
    }

    /// Find every split sequence in `kernels` (one rank's kernels in start order) and
    /// aggregate per entry. Entries with no occurrence are returned only when their fused
    /// kernel is present (`already_fused`, count 0). Entries whose conditions fail are
    /// still returned, marked [`super::ConditionStatus::Fails`], so a table can say why a
    /// fusion was not suggested. Sorted by total time (desc), then id.
    pub fn scan(&self, kernels: &[KernelRef<'_>], ctx: &Context) -> Vec<FusionMatch> {
        super::scan::scan(self, kernels, ctx)
    }
}

/// `file:12:3: msg` → `line 12, column 3: msg` (the path is named once, by the caller).
fn strip_file(msg: &str, file: &str) -> String {
    let Some(rest) = msg.strip_prefix(file).and_then(|r| r.strip_prefix(':')) else {
        return msg.to_string();
    };
    let mut parts = rest.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(l), Some(c), Some(m)) if c.chars().all(|ch| ch.is_ascii_digit()) && !c.is_empty() => {
            format!("line {l}, column {c}:{m}")
        }
        _ => match rest.split_once(':') {
            Some((l, m)) => format!("line {l}:{m}"),
            None => rest.to_string(),
        },
    }
}
