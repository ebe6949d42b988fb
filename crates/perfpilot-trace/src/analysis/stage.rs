//! Stage split: extend/prefill vs decode.
//!
//! Rules, first that applies wins, and each kernel records which one: the file's path
//! (`…-EXTEND.trace.json.gz`, a `decode/` folder); an annotation with the kernel's
//! External id; a `gpu_user_annotation` window on the GPU containing the kernel; a CPU
//! `user_annotation` window containing the kernel's launch; a CPU window containing the
//! kernel's GPU time, or the nearest one within 20 ms. Annotation names map to stages by
//! `data/stages.toml`.

use std::collections::HashMap;
use std::path::Path;

use regex::Regex;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::attribution::Attribution;
use crate::error::TraceError;
use crate::model::{AnnotationSide, Ns, Trace};

/// The stage rule file compiled into the binary.
pub const EMBEDDED_STAGES: &str = include_str!("../../data/stages.toml");

/// Nearest-window reach for rule 5 (the skill's 20 ms).
const NEAREST_WINDOW_NS: Ns = 20_000_000;

/// A serving stage.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Prefill / extend.
    Extend,
    /// Decode.
    Decode,
    /// Not split (no stage information, or mixed steps).
    All,
}

impl Stage {
    /// Snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Extend => "extend",
            Stage::Decode => "decode",
            Stage::All => "all",
        }
    }

    /// Stage from a path: the last six components, lower-cased.
    pub fn from_path(path: &Path) -> Stage {
        let parts: Vec<String> = path
            .components()
            .rev()
            .take(6)
            .map(|c| c.as_os_str().to_string_lossy().to_lowercase())
            .collect();
        let file = parts.first().cloned().unwrap_or_default();
        let dirs = &parts[1.min(parts.len())..];
        let has = |words: &[&str]| {
            words.iter().any(|w| {
                ["-", "_", "."].iter().any(|sep| file.contains(&format!("{sep}{w}")))
                    || dirs.iter().any(|d| {
                        d == w || d.ends_with(&format!("-{w}")) || d.ends_with(&format!("_{w}"))
                    })
            })
        };
        if has(&["extend", "prefill"]) {
            Stage::Extend
        } else if has(&["decode"]) {
            Stage::Decode
        } else {
            Stage::All
        }
    }
}

/// Which rule assigned a kernel's stage.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum StageRule {
    /// The trace file's path.
    Path,
    /// An annotation with the kernel's External id.
    ExternalId,
    /// A `gpu_user_annotation` window containing the kernel.
    GpuWindow,
    /// A CPU `user_annotation` window containing the kernel's launch.
    LaunchWindow,
    /// A CPU window containing the kernel's GPU time, or the nearest within 20 ms.
    NearestWindow,
    /// No rule applied (stage `all`).
    Unassigned,
}

/// Compiled annotation-name rules.
#[derive(Debug, Clone)]
pub struct StageRules {
    rules: Vec<(Regex, Option<Stage>)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    rule: Vec<RuleEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleEntry {
    pattern: toml::Spanned<String>,
    stage: toml::Spanned<String>,
    #[allow(dead_code)]
    source: String,
}

impl StageRules {
    /// The built-in rules.
    pub fn embedded() -> StageRules {
        // Tested by `embedded_rules_load`; a failure here is a build bug.
        StageRules::from_toml_str(EMBEDDED_STAGES, Path::new("<embedded stages.toml>"))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// The built-in rules, or `path`'s (`--stages`), which replace them.
    pub fn load(path: Option<&Path>) -> Result<StageRules, TraceError> {
        match path {
            None => Ok(StageRules::embedded()),
            Some(p) => StageRules::from_toml_str(&crate::rulefile::read(p)?, p),
        }
    }

    /// Load rules; errors name `origin`, the line and what was expected.
    pub fn from_toml_str(text: &str, origin: &Path) -> Result<StageRules, TraceError> {
        let err = |message: String| TraceError::Rules { path: origin.to_path_buf(), message };
        let file: File =
            toml::from_str(text).map_err(|e| crate::rulefile::toml_error(origin, text, &e))?;
        if file.version != 1 {
            return Err(err(format!("unsupported version {} (expected 1)", file.version)));
        }
        let at = |span, m| crate::rulefile::invalid_at(origin, text, span, m);
        let mut rules = Vec::new();
        for r in file.rule {
            let re = Regex::new(r.pattern.get_ref()).map_err(|e| {
                at(r.pattern.span(), format!("pattern {:?}: {e}", r.pattern.get_ref()))
            })?;
            let stage = match r.stage.get_ref().as_str() {
                "extend" | "prefill" => Some(Stage::Extend),
                "decode" => Some(Stage::Decode),
                "mixed" => None,
                other => {
                    return Err(at(
                        r.stage.span(),
                        format!(
                            "unknown stage {other:?}: expected extend, prefill, decode or mixed"
                        ),
                    ));
                }
            };
            rules.push((re, stage));
        }
        Ok(StageRules { rules })
    }

    /// The stage an annotation name denotes (`None` for no stage or a mixed step).
    pub fn stage_of(&self, name: &str) -> Option<Stage> {
        self.rules.iter().find(|(re, _)| re.is_match(name)).and_then(|(_, s)| *s)
    }
}

/// Merged, sorted windows of one stage source.
#[derive(Default)]
struct Windows {
    spans: Vec<(Ns, Ns, Stage)>,
}

impl Windows {
    fn push(&mut self, ts: Ns, end: Ns, stage: Stage) {
        self.spans.push((ts, end, stage));
    }

    fn seal(&mut self) {
        self.spans.sort_unstable();
    }

    /// The window containing `t` that started last.
    fn containing(&self, t: Ns) -> Option<Stage> {
        let upto = self.spans.partition_point(|s| s.0 <= t);
        self.spans[..upto].iter().rev().take(64).find(|s| s.1 >= t).map(|s| s.2)
    }

    /// The nearest window within `reach`.
    fn nearest(&self, t: Ns, reach: Ns) -> Option<Stage> {
        if let Some(s) = self.containing(t) {
            return Some(s);
        }
        let i = self.spans.partition_point(|s| s.0 <= t);
        let mut best: Option<(Ns, Stage)> = None;
        for s in self.spans[..i].iter().rev().take(64).chain(self.spans[i..].iter().take(1)) {
            let d = if t < s.0 { s.0 - t } else { (t - s.1).max(0) };
            if d <= reach && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, s.2));
            }
        }
        best.map(|b| b.1)
    }
}

/// Assign a stage to every GPU op (`ops` index `trace.gpu`; `attrs` is aligned with it).
pub fn assign(
    trace: &Trace,
    ops: &[u32],
    attrs: &[Attribution],
    path_stage: Stage,
    rules: &StageRules,
) -> Vec<(Stage, StageRule)> {
    if path_stage != Stage::All {
        return vec![(path_stage, StageRule::Path); ops.len()];
    }
    let mut by_ext: HashMap<u64, (Stage, bool, Ns)> = HashMap::new();
    let mut gpu = Windows::default();
    let mut cpu = Windows::default();
    let mut stage_cache: HashMap<crate::model::NameId, Option<Stage>> = HashMap::new();
    for a in &trace.annotations {
        let stage =
            *stage_cache.entry(a.name).or_insert_with(|| rules.stage_of(trace.name(a.name)));
        let Some(stage) = stage else { continue };
        let on_gpu = a.side == AnnotationSide::Gpu;
        if a.external_id != 0 {
            let e = by_ext.entry(a.external_id).or_insert((stage, on_gpu, a.dur));
            // GPU annotations first, then the longer one.
            if (on_gpu, a.dur) > (e.1, e.2) {
                *e = (stage, on_gpu, a.dur);
            }
        }
        if on_gpu { gpu.push(a.ts, a.end(), stage) } else { cpu.push(a.ts, a.end(), stage) }
    }
    gpu.seal();
    cpu.seal();
    ops.iter()
        .zip(attrs)
        .map(|(&i, attr)| {
            let k = &trace.gpu[i as usize];
            if let Some(&(s, _, _)) = by_ext.get(&k.external_id).filter(|_| k.external_id != 0) {
                return (s, StageRule::ExternalId);
            }
            if let Some(s) = gpu.containing(k.ts) {
                return (s, StageRule::GpuWindow);
            }
            if let Some(l) = attr.launch
                && let Some(s) = cpu.containing(trace.runtime[l as usize].ts)
            {
                return (s, StageRule::LaunchWindow);
            }
            if let Some(s) = cpu.nearest(k.ts, NEAREST_WINDOW_NS) {
                return (s, StageRule::NearestWindow);
            }
            (Stage::All, StageRule::Unassigned)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_load() {
        let r = StageRules::embedded();
        assert_eq!(
            r.stage_of("execute_context_1(888_788544)_generation_0(0)"),
            Some(Stage::Extend)
        );
        assert_eq!(
            r.stage_of(
                "execute_32_context_0(sq0sk0sqsq0sqsk0)_generation_32(sq32sk32785sqsq32sqsk32785)"
            ),
            Some(Stage::Decode)
        );
        assert_eq!(r.stage_of("execute_context_2(10_20)_generation_3(3)"), None);
        assert_eq!(r.stage_of("step[DECODE bs=32]"), Some(Stage::Decode));
        assert_eq!(r.stage_of("prefill"), Some(Stage::Extend));
        assert_eq!(r.stage_of("ProfilerStep#3"), None);
        assert_eq!(r.stage_of("decoder fp8"), None);
        let bad = StageRules::from_toml_str(
            "version = 1\n[[rule]]\npattern = '('\nstage = 'decode'\nsource = 'x'\n",
            Path::new("s.toml"),
        );
        assert!(bad.unwrap_err().to_string().contains("s.toml"));
    }

    #[test]
    fn stage_from_paths() {
        let p = |s: &str| Stage::from_path(Path::new(s));
        assert_eq!(p("/x/triage-trace-1700-TP-0-EXTEND.trace.json.gz"), Stage::Extend);
        assert_eq!(p("/x/triage-trace-1700-TP-0-DECODE.trace.json.gz"), Stage::Decode);
        assert_eq!(p("/x/prefill/rank0.pt.trace.json.gz"), Stage::Extend);
        assert_eq!(p("/x/decode/rank0.pt.trace.json.gz"), Stage::Decode);
        assert_eq!(p("/x/profile-decode/t.json"), Stage::Decode);
        assert_eq!(p("/x/decoder/t.json"), Stage::All);
        assert_eq!(p("/x/y/eager_trace.json.gz"), Stage::All);
    }
}
