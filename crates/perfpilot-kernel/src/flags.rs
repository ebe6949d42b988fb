//! `kernel flags A B`: compare the build flags of a baseline and a candidate. Flags that
//! change numerics or speed (`loop-kda-ncu.md` 5.2, as data in `data/flag_rules.toml`)
//! present or different on one side only are errors showing both command lines; other
//! differences, `-D` defines included, are reported; a benign list is data too.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use perfpilot_report::{Document, Report, Section, Table};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::KernelError;
use crate::flags_parse::{Build, BuildFormat, Unit, is_compiler, is_source, read_build};

/// The embedded flag rules.
pub const DEFAULT_FLAG_RULES: &str = include_str!("../data/flag_rules.toml");
/// Schema id of a flag-rules file.
pub const FLAG_RULES_SCHEMA: &str = "perfpilot.kernel.flag-rules/1";
/// Schema id of `kernel flags` output.
pub const FLAGS_SCHEMA: &str = "perfpilot.kernel.flags/1";

/// How a rule's flag takes its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    /// A switch.
    None,
    /// `-f V` or `-f=V` (two-letter spellings also `-fV`).
    Arg,
    /// `-O3`: the rest of the token.
    Attached,
    /// `-DNAME[=V]`.
    Define,
}

/// What a difference in a flag means.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum FlagClass {
    /// Changes numerics or speed: a one-sided difference is an error.
    Numerics,
    /// Not in the rules: reported.
    Other,
    /// Known harmless: reported as benign.
    Benign,
    /// Not compared.
    Drop,
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagRule {
    /// Canonical key.
    pub key: String,
    /// Spellings.
    pub spellings: Vec<String>,
    /// How the value is written.
    pub value: ValueKind,
    /// Value assumed when absent.
    #[serde(default)]
    pub default: Option<String>,
    /// Class.
    pub class: FlagClass,
    /// What it does.
    pub effect: String,
    /// Where it comes from.
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    schema: String,
    flag: Vec<FlagRule>,
}

/// The flag rules.
#[derive(Debug, Clone)]
pub struct FlagRules {
    rules: Vec<FlagRule>,
}

impl FlagRules {
    /// Load `file`, or the embedded rules.
    pub fn load(file: Option<&std::path::Path>) -> Result<FlagRules, KernelError> {
        let (text, name) = match file {
            None => (DEFAULT_FLAG_RULES.to_string(), "built-in flag_rules.toml".to_string()),
            Some(p) => (
                perfpilot_io::read_to_string_bounded(p).map_err(|e| KernelError::io(p, e))?,
                p.display().to_string(),
            ),
        };
        let f: RulesFile = toml::from_str(&text).map_err(|e| {
            let line = e.span().map_or(0, |s| perfpilot_io::line_col(&text, s.start).0);
            KernelError::Invalid(format!("{name}:{line}: {}", e.message().trim()))
        })?;
        if f.schema != FLAG_RULES_SCHEMA {
            return Err(KernelError::Invalid(format!(
                "{name}: schema `{}` is not `{FLAG_RULES_SCHEMA}`",
                f.schema
            )));
        }
        Ok(FlagRules { rules: f.flag })
    }

    fn rule(&self, key: &str) -> Option<&FlagRule> {
        self.rules.iter().find(|r| r.key == key).or_else(|| {
            // `-UNAME` undoes `-DNAME` (5.2's `-U…` row): it matters as much as the define.
            let name = key.strip_prefix("U:")?;
            self.rules.iter().find(|r| r.key.strip_prefix("D:") == Some(name))
        })
    }

    /// Canonical flags of a token list: key → (values, spellings as written). Compiler,
    /// source files and `drop`-class flags are left out.
    pub fn canonical(
        &self,
        tokens: &[String],
    ) -> BTreeMap<String, (BTreeSet<String>, Vec<String>)> {
        let mut expanded = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let t = &tokens[i];
            let sub = |prefix: &str, v: &str, out: &mut Vec<String>| {
                for part in v.split(',').filter(|p| !p.is_empty()) {
                    out.push(format!("{prefix}:{part}"));
                }
            };
            let pass = [
                ("-Xptxas", "ptxas"),
                ("--ptxas-options", "ptxas"),
                ("-Xcompiler", "host"),
                ("--compiler-options", "host"),
            ];
            if let Some((spelling, prefix)) =
                pass.iter().find(|(s, _)| t == s || t.starts_with(&format!("{s}=")))
            {
                let v = if t == spelling {
                    i += 1;
                    tokens.get(i).cloned().unwrap_or_default()
                } else {
                    t[spelling.len() + 1..].to_string()
                };
                for w in v.split_whitespace() {
                    sub(prefix, w, &mut expanded);
                }
            } else {
                expanded.push(t.clone());
            }
            i += 1;
        }
        let mut out: BTreeMap<String, (BTreeSet<String>, Vec<String>)> = BTreeMap::new();
        let mut i = 0;
        let mut last_unknown: Option<String> = None;
        while i < expanded.len() {
            let t = expanded[i].clone();
            i += 1;
            if i == 1 && is_compiler(&t) {
                continue;
            }
            if is_source(&t) && !t.contains(':') {
                continue;
            }
            let mut add = |key: String, val: String, spelled: String| {
                let e = out.entry(key).or_default();
                e.0.insert(val);
                e.1.push(spelled);
            };
            // Triton pseudo-flags `triton:key=value`.
            if let Some(rest) = t.strip_prefix("triton:") {
                let (k, v) = rest.split_once('=').unwrap_or((rest, ""));
                let spelled = format!("triton:{k}");
                let key = self
                    .rules
                    .iter()
                    .find(|r| r.spellings.contains(&spelled))
                    .map_or(spelled.clone(), |r| r.key.clone());
                if self.rule(&key).is_some_and(|r| r.class == FlagClass::Drop) {
                    continue;
                }
                add(key, v.to_string(), t.clone());
                continue;
            }
            let mut matched = false;
            for r in &self.rules {
                for s in &r.spellings {
                    let val = match r.value {
                        ValueKind::None => (t == *s).then(String::new),
                        ValueKind::Define => {
                            let name = t.split_once('=').map_or(t.as_str(), |x| x.0);
                            (name == s).then(|| t.split_once('=').map_or("1", |x| x.1).to_string())
                        }
                        ValueKind::Attached => {
                            if t == *s {
                                let next = expanded.get(i).cloned().unwrap_or_default();
                                i += 1;
                                Some(next)
                            } else {
                                t.strip_prefix(s.as_str()).map(str::to_string)
                            }
                        }
                        ValueKind::Arg => {
                            if t == *s {
                                let next = expanded.get(i).cloned().unwrap_or_default();
                                i += 1;
                                Some(next)
                            } else if let Some(v) = t.strip_prefix(&format!("{s}=")) {
                                Some(v.to_string())
                            } else if s.len() == 2 && t.len() > 2 && t.starts_with(s.as_str()) {
                                Some(t[2..].to_string())
                            } else {
                                None
                            }
                        }
                    };
                    if let Some(v) = val {
                        matched = true;
                        if r.class != FlagClass::Drop {
                            add(r.key.clone(), v, t.clone());
                        }
                        break;
                    }
                }
                if matched {
                    break;
                }
            }
            if matched {
                last_unknown = None;
                continue;
            }
            if let Some(d) = t.strip_prefix("-D").or_else(|| t.strip_prefix("host:-D")) {
                let (n, v) = d.split_once('=').unwrap_or((d, "1"));
                add(format!("D:{n}"), v.to_string(), t.clone());
                last_unknown = None;
            } else if let Some(u) = t.strip_prefix("-U") {
                add(format!("U:{u}"), String::new(), t.clone());
                last_unknown = None;
            } else if t.starts_with('-') || t.contains(":-") {
                let (k, v) = t.split_once('=').unwrap_or((t.as_str(), ""));
                add(k.to_string(), v.to_string(), t.clone());
                last_unknown = v.is_empty().then(|| k.to_string());
            } else if let Some(k) = last_unknown.take() {
                // A bare word after an unknown flag is its argument (`-x cu`).
                if let Some(e) = out.get_mut(&k) {
                    e.0.remove("");
                    e.0.insert(t.clone());
                    e.1.push(t.clone());
                }
            }
        }
        out
    }
}

/// Options of `kernel flags` (also the MCP tool's arguments).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagsOptions {
    /// The baseline's build: `compile_commands.json`, `build.ninja`, Triton metadata JSON,
    /// a file of compiler command lines, or one command line.
    pub baseline: String,
    /// The candidate's build, in any of the same forms.
    pub candidate: String,
    /// A rules file (`perfpilot.kernel.flag-rules/1` TOML) replacing the built-in one.
    #[serde(default)]
    pub rules: Option<PathBuf>,
}

/// One side as read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FlagSide {
    /// The file (or `<arg>` for a literal command line).
    pub source: String,
    /// What it was read as.
    pub format: BuildFormat,
    /// Compile steps by name.
    pub units: Vec<String>,
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FlagFinding {
    /// `<unit>/<key>`.
    pub id: String,
    /// The compile step (source file).
    pub unit: String,
    /// Canonical flag key.
    pub key: String,
    /// numerics (an error), other or benign.
    pub class: FlagClass,
    /// The flag as the baseline writes it (null when absent).
    pub baseline: Option<String>,
    /// The flag as the candidate writes it (null when absent).
    pub candidate: Option<String>,
    /// The baseline's whole command line.
    pub baseline_line: String,
    /// The candidate's whole command line.
    pub candidate_line: String,
    /// What the flag does.
    pub effect: String,
    /// Where the rule comes from.
    pub source: String,
}

/// The result of `kernel flags`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FlagsReport {
    /// The baseline.
    pub baseline: FlagSide,
    /// The candidate.
    pub candidate: FlagSide,
    /// Differences, errors first, then by unit and key.
    pub findings: Vec<FlagFinding>,
    /// Numerics/speed flags on one side only.
    pub errors: usize,
    /// No error.
    pub passed: bool,
}

/// Run `kernel flags`.
pub fn run_flags(opts: &FlagsOptions) -> Result<FlagsReport, KernelError> {
    let rules = FlagRules::load(opts.rules.as_deref())?;
    let a = read_build(&opts.baseline)?;
    let b = read_build(&opts.candidate)?;
    let label =
        |s: &str| if std::path::Path::new(s).exists() { s.to_string() } else { "<arg>".into() };
    Ok(compare_builds(&rules, (&label(&opts.baseline), &a), (&label(&opts.candidate), &b)))
}

/// The flag check `kernel ab` runs first: the compiler steps of a two-command task's
/// `[baseline].build` and `[candidate].build` (`None` when either side declares no
/// compiler command).
pub fn task_flags(task: &crate::Task) -> Result<Option<FlagsReport>, KernelError> {
    let (Some(b), Some(c)) = (&task.baseline, &task.candidate) else {
        return Ok(None);
    };
    let units = |s: &crate::task::Side, name: &str| {
        crate::flags_parse::command_units(&s.build.join("\n"), name).ok()
    };
    let (Some(ua), Some(ub)) = (units(b, "[baseline].build"), units(c, "[candidate].build")) else {
        return Ok(None);
    };
    let rules = FlagRules::load(None)?;
    let build = |units| Build { format: BuildFormat::CommandLines, units };
    Ok(Some(compare_builds(
        &rules,
        ("task.toml [baseline].build", &build(ua)),
        ("task.toml [candidate].build", &build(ub)),
    )))
}

fn side(source: &str, b: &Build) -> FlagSide {
    FlagSide {
        source: source.to_string(),
        format: b.format,
        units: b.units.iter().map(|u| u.name.clone()).collect(),
    }
}

/// Compare two builds under `rules`.
pub fn compare_builds(rules: &FlagRules, a: (&str, &Build), b: (&str, &Build)) -> FlagsReport {
    let mut findings = Vec::new();
    let pairs: Vec<(Option<&Unit>, Option<&Unit>)> = if a.1.units.len() == 1 && b.1.units.len() == 1
    {
        vec![(a.1.units.first(), b.1.units.first())]
    } else {
        let names: BTreeSet<&str> =
            a.1.units.iter().chain(&b.1.units).map(|u| u.name.as_str()).collect();
        names
            .into_iter()
            .map(|n| {
                (a.1.units.iter().find(|u| u.name == n), b.1.units.iter().find(|u| u.name == n))
            })
            .collect()
    };
    for (ua, ub) in pairs {
        let unit = ua.or(ub).map_or(String::new(), |u| u.name.clone());
        let (Some(ua), Some(ub)) = (ua, ub) else {
            findings.push(FlagFinding {
                id: format!("{unit}/(unit)"),
                unit: unit.clone(),
                key: "(compile step)".into(),
                class: FlagClass::Other,
                baseline: ua.map(|u| u.name.clone()),
                candidate: ub.map(|u| u.name.clone()),
                baseline_line: ua.map_or(String::new(), |u| u.line.clone()),
                candidate_line: ub.map_or(String::new(), |u| u.line.clone()),
                effect: "a compile step on one side only".into(),
                source: String::new(),
            });
            continue;
        };
        let fa = rules.canonical(&ua.tokens);
        let fb = rules.canonical(&ub.tokens);
        let keys: BTreeSet<&String> = fa.keys().chain(fb.keys()).collect();
        for key in keys {
            let rule = rules.rule(key);
            let default = rule.and_then(|r| r.default.clone());
            let value = |m: &BTreeMap<String, (BTreeSet<String>, Vec<String>)>| -> Option<String> {
                m.get(key)
                    .map(|(v, _)| v.iter().cloned().collect::<Vec<_>>().join(" "))
                    .or_else(|| default.clone())
            };
            if value(&fa) == value(&fb) {
                continue;
            }
            let spelled = |m: &BTreeMap<String, (BTreeSet<String>, Vec<String>)>| {
                m.get(key).map(|(_, s)| s.join(" "))
            };
            findings.push(FlagFinding {
                id: format!("{unit}/{key}"),
                unit: unit.clone(),
                key: key.clone(),
                class: rule.map_or(FlagClass::Other, |r| r.class),
                baseline: spelled(&fa),
                candidate: spelled(&fb),
                baseline_line: ua.line.clone(),
                candidate_line: ub.line.clone(),
                effect: rule
                    .map_or("not in the rules: check it is intended".into(), |r| r.effect.clone()),
                source: rule.map_or(String::new(), |r| r.source.clone()),
            });
        }
    }
    findings.sort_by(|x, y| (x.class, &x.unit, &x.key).cmp(&(y.class, &y.unit, &y.key)));
    let errors = findings.iter().filter(|f| f.class == FlagClass::Numerics).count();
    FlagsReport {
        baseline: side(a.0, a.1),
        candidate: side(b.0, b.1),
        findings,
        errors,
        passed: errors == 0,
    }
}

impl Report for FlagsReport {
    fn schema_version(&self) -> &'static str {
        FLAGS_SCHEMA
    }

    fn check_failed(&self) -> bool {
        !self.passed
    }

    fn document(&self) -> Document {
        let mut t = Table::new("findings", ["id", "class", "baseline", "candidate", "effect"]);
        for f in &self.findings {
            let class = match f.class {
                FlagClass::Numerics => "ERROR numerics/speed",
                FlagClass::Other => "difference",
                FlagClass::Benign => "benign",
                FlagClass::Drop => "ignored",
            };
            t.push_row(
                f.id.clone(),
                [
                    f.id.clone(),
                    class.into(),
                    f.baseline.clone().unwrap_or_else(|| "(absent)".into()),
                    f.candidate.clone().unwrap_or_else(|| "(absent)".into()),
                    f.effect.clone(),
                ],
            );
        }
        let mut doc = Document::new("kernel flags")
            .with_fact(
                "result",
                if self.passed {
                    "PASS".to_string()
                } else {
                    format!("FAIL ({} numerics/speed flag(s) on one side only)", self.errors)
                },
            )
            .with_fact(
                "baseline",
                format!(
                    "{} ({:?}: {})",
                    self.baseline.source,
                    self.baseline.format,
                    self.baseline.units.join(", ")
                ),
            )
            .with_fact(
                "candidate",
                format!(
                    "{} ({:?}: {})",
                    self.candidate.source,
                    self.candidate.format,
                    self.candidate.units.join(", ")
                ),
            )
            .with_section(Section::new("Differences").with_table(t));
        let mut lines = Vec::new();
        let mut seen = BTreeSet::new();
        for f in self.findings.iter().filter(|f| f.class == FlagClass::Numerics) {
            if seen.insert(&f.unit) {
                lines.push(format!("{} baseline: {}", f.unit, f.baseline_line));
                lines.push(format!("{} candidate: {}", f.unit, f.candidate_line));
            }
        }
        if !lines.is_empty() {
            doc.push(Section::new("Command lines of the failing steps").with_list(lines));
        }
        doc
    }
}
