//! The signature catalogue: knowledge as data. The built-in file
//! (`data/signatures.toml`) is embedded; user files add signatures or replace built-in ones
//! by id. One loader, errors that name the file, line and signature.

mod schema;
pub(crate) mod template;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

use perfpilot_gate::GatedSet;
use regex::{Regex, RegexSet};
use schemars::JsonSchema;
use serde::Serialize;

use crate::class::{Phase, ProblemClass, Severity};
use crate::error::TriageError;
use crate::logs::line::{self, Level};
use schema::CatalogueFile;
pub(crate) use schema::{ContextDef, SignatureDef};

const BUILTIN: &str = include_str!("../../data/signatures.toml");
/// The built-in signatures of engines without Python tracebacks (llama.cpp, TurboMind,
/// TensorRT-LLM, TGI) and the architecture refusals, loaded after `BUILTIN`.
const BUILTIN_ENGINES: &str = include_str!("../../data/engines.toml");
/// The built-in signatures of platform and address failures (memory pools a driver or vGPU does
/// not offer, bind addresses the host does not own, torch's c10d store bind), loaded after
/// `BUILTIN_ENGINES`.
const BUILTIN_PLATFORM: &str = include_str!("../../data/platform.toml");
/// Program messages added in round 9 (transformers, torch, huggingface_hub, cuBLAS, vLLM's and
/// Ollama's configuration and memory checks), loaded last.
const BUILTIN_MESSAGES: &str = include_str!("../../data/messages.toml");
/// Round 14's signatures (OOM placed by its phase, one-line refusals, misread dependency
/// families) and their start-up gates, loaded after `BUILTIN_MESSAGES`.
const BUILTIN_SIGNATURES_2: &str = include_str!("../../data/signatures_2.toml");
/// Round 20's signatures (a model arena's OOM, rocBLAS without the GPU's Tensile kernels, requests
/// over the reserved context, Ollama's stalled runner start, a missing tokenizer file), loaded
/// after `BUILTIN_SIGNATURES_2`.
const BUILTIN_SIGNATURES_3: &str = include_str!("../../data/signatures_3.toml");

/// How a signature relates to other failures in the same log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A cause in its own right.
    Primary,
    /// Usually a consequence of another failure (a peer died, the engine reports a child's
    /// death); folded into the earlier failure when one exists.
    Secondary,
    /// A cause unless an earlier fatal failure exists (NCCL timeouts after a crash).
    Cascade,
}

/// One compiled signature. Its patterns are compiled on first use ([`Signature::re`]): a
/// run reaches only the signatures whose lines or exceptions it sees, and compiling all of
/// them was half of `perfpilot triage`'s start-up (issue #15). A user's catalogue file is
/// compiled whole at load, so its errors still name the file and signature.
#[derive(Debug)]
pub(crate) struct Signature {
    pub def: SignatureDef,
    pub class: ProblemClass,
    pub severity: Severity,
    pub role: Role,
    pub phase: Vec<Phase>,
    pub skip_levels: Vec<Level>,
    /// The file the signature came from (named in a compile error).
    label: String,
    compiled: OnceLock<Patterns>,
    /// Necessary literals of the `exception` and `lines` patterns (lower-cased), read on
    /// first use; `None` when a pattern has none (then every text may match).
    literals: OnceLock<Option<Vec<String>>>,
}

/// A signature's compiled patterns.
#[derive(Debug, Default)]
pub(crate) struct Patterns {
    pub lines: Vec<Regex>,
    pub exception: Vec<Regex>,
    pub frames: Vec<Regex>,
    pub header: Vec<Regex>,
    pub pyspy_active: Vec<Regex>,
    pub pyspy_waiting: Vec<Regex>,
    pub exclude: Vec<Regex>,
    pub facts: Vec<Regex>,
    pub context: Vec<(ContextDef, Regex)>,
}

impl Signature {
    /// The compiled patterns, compiled now on first use. A pattern that does not compile
    /// leaves the signature without patterns (it matches nothing, never a panic); that cannot
    /// happen for a user's file (compiled at load) nor for the built-in files (their test
    /// compiles them, `builtin_validates`).
    pub(crate) fn re(&self) -> &Patterns {
        self.compiled.get_or_init(|| compile_patterns(&self.label, &self.def).unwrap_or_default())
    }

    /// Whether the `exception` or `lines` patterns may match a record whose texts,
    /// ASCII-lower-cased and joined, are `lower`: false only when none of their necessary
    /// literals occurs there (`perfpilot_gate::necessary_literals`), so a signature that
    /// cannot match is skipped without compiling it. `None` (texts not ASCII): true.
    pub(crate) fn may_match(&self, lower: Option<&str>) -> bool {
        let Some(lower) = lower else { return true };
        let literals = self.literals.get_or_init(|| {
            let mut all = Vec::new();
            for p in self.def.exception.iter().chain(&self.def.lines) {
                all.extend(perfpilot_gate::necessary_literals(p)?);
            }
            Some(all)
        });
        match literals {
            Some(l) => l.iter().any(|l| lower.contains(l.as_str())),
            None => true,
        }
    }
}

/// A phase marker.
#[derive(Debug)]
pub(crate) struct Marker {
    pub id: String,
    pub phase: Phase,
    pub label: String,
    pub first_only: bool,
}

/// A loaded, validated catalogue.
#[derive(Debug)]
pub struct Catalogue {
    pub(crate) gates: Vec<String>,
    pub(crate) startup_gates: Vec<String>,
    pub(crate) markers: Vec<Marker>,
    pub(crate) marker_set: GatedSet,
    pub(crate) fatal_set: GatedSet,
    pub(crate) wrapper_frames: GatedSet,
    pub(crate) signatures: Vec<Signature>,
    /// Every signature's `lines` patterns in one set; `line_owner[i]` is the signature.
    /// Each set matches behind a literal gate, its patterns compiled on first use (issue #15).
    pub(crate) line_set: GatedSet,
    pub(crate) line_owner: Vec<usize>,
    /// Where the catalogue came from (`<built-in>`, user files).
    pub sources: Vec<String>,
}

/// A signature as listed for users and agents.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SignatureInfo {
    /// Stable id.
    pub id: String,
    /// Problem class.
    pub class: ProblemClass,
    /// Title.
    pub title: String,
    /// Severity.
    pub severity: Severity,
    /// Role.
    pub role: Role,
    /// Where it was learned.
    pub source: String,
}

impl Catalogue {
    /// The built-in catalogue.
    pub fn builtin() -> Result<Catalogue, TriageError> {
        Catalogue::build(builtin_files()?, false)
    }

    /// The built-in catalogue plus user files, in order: a user signature replaces a
    /// built-in one with the same id; gates, markers and fatal patterns are added. With user
    /// files every pattern is compiled and every example checked at load; without, the
    /// built-in signatures compile on first use (their test checks them).
    pub fn with_files(paths: &[impl AsRef<Path>]) -> Result<Catalogue, TriageError> {
        let eager = !paths.is_empty();
        let mut files = builtin_files()?;
        for p in paths {
            let p = p.as_ref();
            let text =
                perfpilot_io::read_to_string_bounded(p).map_err(|e| TriageError::read(p, e))?;
            let label = p.display().to_string();
            let file = parse_file(&text, &label)?;
            files.push((label, file));
        }
        Catalogue::build(files, eager)
    }

    /// A catalogue from TOML text alone (no built-in signatures).
    pub fn from_toml(text: &str, label: &str) -> Result<Catalogue, TriageError> {
        Catalogue::build(vec![(label.to_string(), parse_file(text, label)?)], true)
    }

    /// The signatures, in catalogue order.
    pub fn signatures(&self) -> Vec<SignatureInfo> {
        self.signatures
            .iter()
            .map(|s| SignatureInfo {
                id: s.def.id.clone(),
                class: s.class,
                title: s.def.title.clone(),
                severity: s.severity,
                role: s.role,
                source: s.def.source.clone(),
            })
            .collect()
    }

    /// Build from parsed files; `eager` compiles every signature's patterns and checks the
    /// templates and examples now (a user's file), otherwise that happens on first use.
    fn build(files: Vec<(String, CatalogueFile)>, eager: bool) -> Result<Catalogue, TriageError> {
        let mut gates = Vec::new();
        let mut startup_gates = Vec::new();
        let mut markers = Vec::new();
        let mut marker_pats = Vec::new();
        let mut fatal_pats = Vec::new();
        let mut wrappers = Vec::new();
        let mut defs: Vec<(String, SignatureDef)> = Vec::new();
        let sources = files.iter().map(|(l, _)| l.clone()).collect();
        for (label, file) in files {
            if let Some(v) = file.version
                && v != 1
            {
                return Err(cat_err(&label, format!("version {v} is not supported (expected 1)")));
            }
            gates.extend(file.scan.gates);
            startup_gates.extend(file.scan.startup_gates);
            for m in file.marker {
                let phase = Phase::parse(&m.phase).ok_or_else(|| {
                    cat_err(&label, format!("marker `{}`: unknown phase `{}`", m.id, m.phase))
                })?;
                marker_pats.push(m.pattern.clone());
                markers.push(Marker { id: m.id, phase, label: m.label, first_only: m.first_only });
            }
            fatal_pats.extend(file.fatal.into_iter().map(|f| f.pattern));
            wrappers.extend(file.pyspy.wrapper_frames);
            for s in file.signature {
                if let Some(pos) = defs.iter().position(|(_, d)| d.id == s.id) {
                    defs[pos] = (label.clone(), s);
                } else {
                    defs.push((label.clone(), s));
                }
            }
        }
        gates.retain(|g| !g.is_empty());
        gates.sort();
        gates.dedup();
        startup_gates.retain(|g| !g.is_empty() && !gates.contains(g));
        startup_gates.sort();
        startup_gates.dedup();
        let label0 = "catalogue";
        let marker_set = set(eager, marker_pats, label0, "marker")?;
        let fatal_set = set(eager, fatal_pats, label0, "fatal")?;
        let wrapper_frames = set(eager, wrappers, label0, "pyspy.wrapper_frames")?;
        let mut signatures = Vec::new();
        let mut line_pats = Vec::new();
        let mut line_owner = Vec::new();
        let mut seen = BTreeSet::new();
        for (label, def) in defs {
            if !seen.insert(def.id.clone()) {
                return Err(cat_err(&label, format!("duplicate signature id `{}`", def.id)));
            }
            let sig = compile(&label, def, eager)?;
            for p in &sig.def.lines {
                line_pats.push(p.clone());
                line_owner.push(signatures.len());
            }
            signatures.push(sig);
        }
        let line_set = set(eager, line_pats, label0, "signature lines")?;
        let cat = Catalogue {
            gates,
            startup_gates,
            markers,
            marker_set,
            fatal_set,
            wrapper_frames,
            signatures,
            line_set,
            line_owner,
            sources,
        };
        if eager {
            cat.check_examples()?;
        }
        Ok(cat)
    }

    /// Every example must match its signature and pass the scanner's gates, so a
    /// signature can never be silently unreachable.
    fn check_examples(&self) -> Result<(), TriageError> {
        for s in &self.signatures {
            let re = s.re();
            for ex in &s.def.examples {
                let view = line::split(ex);
                let msg = view.msg.trim();
                let by_line =
                    re.lines.iter().chain(&re.exception).chain(&re.header).any(|r| r.is_match(msg));
                let by_frame = re.frames.iter().chain(&re.pyspy_active).any(|r| r.is_match(msg));
                if !by_line && !by_frame {
                    return Err(cat_err(
                        "catalogue",
                        format!(
                            "signature `{}`: example `{ex}` matches none of its patterns",
                            s.def.id
                        ),
                    ));
                }
                let gated =
                    self.gates.iter().chain(&self.startup_gates).any(|g| ex.contains(g.as_str()));
                if by_line && !gated {
                    return Err(cat_err(
                        "catalogue",
                        format!(
                            "signature `{}`: example `{ex}` contains no scan gate, so the scanner \
                             would never look at it; add a gate under [scan]",
                            s.def.id
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The built-in catalogue files, labelled as the report names them.
fn builtin_files() -> Result<Vec<(String, CatalogueFile)>, TriageError> {
    Ok(vec![
        ("<built-in>".to_string(), parse_file(BUILTIN, "<built-in>")?),
        ("<built-in engines>".to_string(), parse_file(BUILTIN_ENGINES, "<built-in engines>")?),
        ("<built-in platform>".to_string(), parse_file(BUILTIN_PLATFORM, "<built-in platform>")?),
        ("<built-in messages>".to_string(), parse_file(BUILTIN_MESSAGES, "<built-in messages>")?),
        (
            "<built-in signatures 2>".to_string(),
            parse_file(BUILTIN_SIGNATURES_2, "<built-in signatures 2>")?,
        ),
        (
            "<built-in signatures 3>".to_string(),
            parse_file(BUILTIN_SIGNATURES_3, "<built-in signatures 3>")?,
        ),
    ])
}

fn parse_file(text: &str, label: &str) -> Result<CatalogueFile, TriageError> {
    toml::from_str(text).map_err(|e| {
        let pos = e
            .span()
            .map(|sp| {
                let before = &text[..sp.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                format!("line {line}, column {col}: ")
            })
            .unwrap_or_default();
        cat_err(label, format!("{pos}{}", e.message()))
    })
}

fn cat_err(label: &str, message: String) -> TriageError {
    TriageError::Catalogue { path: label.to_string(), message }
}

/// A pattern set behind a literal gate. With `eager` (user files) the patterns are compiled
/// together now as well, so a bad one is reported at load; the built-in sets are compiled by
/// their test (`builtin_validates`).
fn set(eager: bool, pats: Vec<String>, label: &str, what: &str) -> Result<GatedSet, TriageError> {
    if eager {
        RegexSet::new(&pats).map_err(|e| cat_err(label, format!("{what}: invalid regex: {e}")))?;
    }
    Ok(GatedSet::new(pats))
}

fn regexes(label: &str, id: &str, field: &str, pats: &[String]) -> Result<Vec<Regex>, TriageError> {
    pats.iter()
        .map(|p| {
            Regex::new(p).map_err(|e| {
                cat_err(label, format!("signature `{id}`, {field}: invalid regex `{p}`: {e}"))
            })
        })
        .collect()
}

/// Facts every record provides without a named group.
pub(crate) const BUILTIN_FACTS: &[&str] = &[
    "exception",
    "exception_type",
    "frame",
    "kernel",
    "active_frame",
    "active_thread",
    "waiting_frame",
    "first_rank",
    "ranks",
    "count",
    "phase",
];

fn compile(label: &str, def: SignatureDef, eager: bool) -> Result<Signature, TriageError> {
    let id = def.id.clone();
    let err = |m: String| cat_err(label, format!("signature `{id}`: {m}"));
    if id.is_empty()
        || !id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(err("the id must be kebab-case (a-z, 0-9, -)".into()));
    }
    let class = ProblemClass::parse(&def.class).ok_or_else(|| {
        err(format!(
            "unknown class `{}` (expected one of: {})",
            def.class,
            ProblemClass::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
        ))
    })?;
    if class == ProblemClass::None {
        return Err(err("class `none` is for logs without failures, not for a signature".into()));
    }
    let severity = match def.severity.as_deref().unwrap_or("fatal") {
        "fatal" => Severity::Fatal,
        "degraded" => Severity::Degraded,
        other => return Err(err(format!("severity `{other}` (expected fatal or degraded)"))),
    };
    let role = match def.role.as_deref().unwrap_or("primary") {
        "primary" => Role::Primary,
        "secondary" => Role::Secondary,
        "cascade" => Role::Cascade,
        other => {
            return Err(err(format!("role `{other}` (expected primary, secondary or cascade)")));
        }
    };
    if !(0.0..=1.0).contains(&def.confidence) {
        return Err(err(format!("confidence {} is outside 0..1", def.confidence)));
    }
    if def.lines.is_empty()
        && def.exception.is_empty()
        && def.pyspy_active.is_empty()
        && !def.incomplete
    {
        return Err(
            err("needs `lines`, `exception`, `pyspy_active` or `incomplete = true`".into()),
        );
    }
    let phase = def
        .phase
        .iter()
        .map(|p| Phase::parse(p).ok_or_else(|| err(format!("unknown phase `{p}`"))))
        .collect::<Result<Vec<_>, _>>()?;
    let skip_levels = def
        .skip_levels
        .iter()
        .map(|l| match l.as_str() {
            "debug" => Ok(Level::Debug),
            "info" => Ok(Level::Info),
            "warning" => Ok(Level::Warning),
            other => Err(err(format!("skip_levels: `{other}` (expected debug, info or warning)"))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let sig = Signature {
        phase,
        skip_levels,
        class,
        severity,
        role,
        label: label.to_string(),
        compiled: OnceLock::new(),
        literals: OnceLock::new(),
        def,
    };
    if eager {
        let re = compile_patterns(label, &sig.def)?;
        check_placeholders(label, &sig.def, &re)?;
        let _ = sig.compiled.set(re);
    }
    Ok(sig)
}

/// Compile a signature's patterns; the error names the file, signature, field and pattern.
fn compile_patterns(label: &str, def: &SignatureDef) -> Result<Patterns, TriageError> {
    let id = &def.id;
    let context = def
        .context
        .iter()
        .map(|c| {
            Regex::new(&c.pattern).map(|r| (c.clone(), r)).map_err(|e| {
                cat_err(
                    label,
                    format!("signature `{id}`: context: invalid regex `{}`: {e}", c.pattern),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Patterns {
        lines: regexes(label, id, "lines", &def.lines)?,
        exception: regexes(label, id, "exception", &def.exception)?,
        frames: regexes(label, id, "frames", &def.frames)?,
        header: regexes(label, id, "header", &def.header)?,
        pyspy_active: regexes(label, id, "pyspy_active", &def.pyspy_active)?,
        pyspy_waiting: regexes(label, id, "pyspy_waiting", &def.pyspy_waiting)?,
        exclude: regexes(label, id, "exclude", &def.exclude)?,
        facts: regexes(label, id, "facts", &def.facts)?,
        context,
    })
}

/// Facts the analysis sets for every finding after the captures (so a group of that name
/// would be silently replaced: refused at load).
const SET_AFTER_CAPTURES: &[&str] = &["first_rank", "ranks", "count", "phase"];

/// Every placeholder of the templates must be something a hit can provide, and no capture
/// group may carry a name the analysis overwrites.
fn check_placeholders(label: &str, def: &SignatureDef, re: &Patterns) -> Result<(), TriageError> {
    let mut names: BTreeSet<String> = BUILTIN_FACTS.iter().map(|s| s.to_string()).collect();
    let mut captured: Vec<String> = Vec::new();
    for r in re.lines.iter().chain(&re.exception).chain(&re.facts).chain(&re.header) {
        captured.extend(r.capture_names().flatten().map(str::to_string));
    }
    for (_, r) in &re.context {
        captured.extend(r.capture_names().flatten().map(str::to_string));
    }
    if let Some(c) = captured.iter().find(|c| SET_AFTER_CAPTURES.contains(&c.as_str())) {
        return Err(cat_err(
            label,
            format!(
                "signature `{}`: capture group `{c}` has the name of a fact every finding sets \
                 ({}); rename the group",
                def.id,
                SET_AFTER_CAPTURES.join(", ")
            ),
        ));
    }
    names.extend(captured);
    for text in [&def.next_step, &def.means, &def.risk] {
        for p in template::placeholders(text) {
            if !names.contains(&p) {
                return Err(cat_err(
                    label,
                    format!(
                        "signature `{}`: template names `{{{p}}}`, which no pattern of the signature captures",
                        def.id
                    ),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_loads_and_covers_every_failure_class() {
        let cat = Catalogue::builtin().unwrap();
        for class in ProblemClass::ALL {
            if matches!(class, ProblemClass::None | ProblemClass::Unknown) {
                continue;
            }
            assert!(cat.signatures.iter().any(|s| s.class == class), "no signature for {class}");
        }
        assert!(cat.signatures.iter().all(|s| !s.def.source.is_empty()));
    }

    #[test]
    fn builtin_validates() {
        // What a user's file gets at load: every pattern compiled, templates and examples
        // checked. `builtin()` leaves this to first use.
        let cat = Catalogue::build(builtin_files().unwrap(), true).unwrap();
        assert_eq!(cat.signatures.len(), Catalogue::builtin().unwrap().signatures.len());
        assert!(cat.signatures.iter().all(|s| s.compiled.get().is_some()));
        for set in [&cat.marker_set, &cat.fatal_set, &cat.wrapper_frames, &cat.line_set] {
            set.force().unwrap();
        }
    }

    #[test]
    fn errors_name_line_and_signature() {
        let e = Catalogue::from_toml("[[signature]]\nid = 3\n", "x.toml").unwrap_err().to_string();
        assert!(e.contains("x.toml") && e.contains("line 2"), "{e}");
        let bad = r#"
[scan]
gates = ["rror"]
[[signature]]
id = "bad-class"
class = "oom"
title = "t"
confidence = 0.5
lines = ["x"]
means = "m"
next_step = "n"
risk = "r"
source = "s"
"#;
        let e = Catalogue::from_toml(bad, "y.toml").unwrap_err().to_string();
        assert!(e.contains("bad-class") && e.contains("unknown class `oom`"), "{e}");
        let unreachable = bad
            .replace("\"oom\"", "\"hang\"")
            .replace("lines = [\"x\"]", "lines = [\"x\"]\nexamples = [\"x\"]");
        let e = Catalogue::from_toml(&unreachable, "z.toml").unwrap_err().to_string();
        assert!(e.contains("no scan gate"), "{e}");
        let placeholder = bad
            .replace("\"oom\"", "\"hang\"")
            .replace("next_step = \"n\"", "next_step = \"n {port}\"");
        let e = Catalogue::from_toml(&placeholder, "z.toml").unwrap_err().to_string();
        assert!(e.contains("{port}"), "{e}");
        // A group named like a fact the analysis sets would be replaced by it (round 8 had
        // `(?P<count>\d+)` for a head count, and the finding said "heads (1)").
        let shadow = bad.replace("\"oom\"", "\"hang\"").replace(
            "lines = [\"x\"]\nmeans = \"m\"",
            "lines = ['heads \\((?P<count>\\d+)\\)']\nmeans = \"m {count}\"",
        );
        let e = Catalogue::from_toml(&shadow, "z.toml").unwrap_err().to_string();
        assert!(e.contains("capture group `count`"), "{e}");
    }
}
