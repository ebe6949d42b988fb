//! One launch-log rule set: the built-in phrases of the Rust handlers plus the data rules
//! (`rules.toml`, or a replacement file given by the user), compiled into the one
//! Aho-Corasick automaton the parser scans with. A parser owns its rule set (shared by
//! [`Arc`]), so two parses with different rule files in one process (the MCP server) never
//! see each other's rules; only the built-in set is cached process-wide, and it never changes.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::anchors::Background;
use crate::prefilter::{AUTO_MIN_BLOCK, BlockScan, LinePrefilter};
use crate::rules::{self, Form, Rule, RuleFramework};
use crate::units::LoggedBytes;
use crate::{Fw, PHRASES, Phrase};

/// Why a launch-log rule file was refused: it names the file and, where it applies, the line.
#[derive(Debug, thiserror::Error)]
pub enum LaunchRulesError {
    /// The file could not be read (the OS error is the source, printed once by the caller).
    #[error("{}: cannot read", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The text is not a valid rule file.
    #[error("launch-log rule file {origin}: {message}")]
    Invalid {
        /// The file (or `<embedded rules.toml>`).
        origin: String,
        /// What is wrong, with the 1-based line (and column for TOML syntax) and what was
        /// expected.
        message: String,
    },
}

/// What the candidate-line prefilter found in one block ([`LaunchRules::prefilter_stats`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrefilterStats {
    /// Anchors the packed searchers look for.
    pub anchors: usize,
    /// Distinct 4-byte heads of the anchors (what the packed searchers fingerprint).
    pub heads: usize,
    /// Packed passes over the block (one per searcher of at most 64 anchors).
    pub passes: usize,
    /// Lines holding an anchor.
    pub candidate_lines: usize,
    /// Bytes of those lines (without their line ends).
    pub candidate_bytes: usize,
    /// Candidate lines that hold a phrase (the rest cost one automaton check each).
    pub phrase_lines: usize,
}

/// A compiled launch-log rule set (built-in phrases plus data rules).
pub struct LaunchRules {
    pub(crate) rules: Vec<Rule>,
    pub(crate) ac: AhoCorasick,
    pub(crate) entries: Vec<(Phrase, Fw)>,
    /// The candidate-line prefilter over the same phrases, built on first use by a large
    /// block (None inside: no prefilter applies, the automaton scans).
    prefilter: OnceLock<Option<LinePrefilter>>,
    /// The rule file's own background lines (`[[background]]`; None: the embedded table).
    background: Option<Background>,
}

impl fmt::Debug for LaunchRules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LaunchRules")
            .field("data_rules", &self.rules.len())
            .field("phrases", &self.entries.len())
            .field(
                "prefilter_anchors",
                &self.prefilter.get().map(|p| p.as_ref().map(|p| p.anchors())),
            )
            .finish()
    }
}

/// The embedded rule table.
const RULES_TOML: &str = include_str!("rules.toml");

/// Origin named in errors of the embedded table.
const EMBEDDED: &str = "<embedded rules.toml>";

impl LaunchRules {
    /// The built-in rule set (`rules.toml` embedded at build time), compiled once per process.
    /// The embedded table is checked by a test; should it ever fail to compile, the set holds
    /// the Rust handlers' phrases only rather than panicking.
    pub fn builtin() -> Arc<LaunchRules> {
        static BUILTIN: OnceLock<Arc<LaunchRules>> = OnceLock::new();
        Arc::clone(BUILTIN.get_or_init(|| {
            let set = LaunchRules::parse(RULES_TOML, EMBEDDED)
                .or_else(|_| LaunchRules::compile(Vec::new(), EMBEDDED))
                .unwrap_or_else(|_| LaunchRules::empty());
            Arc::new(set)
        }))
    }

    /// The built-in set, or the rule file at `path` replacing the embedded `rules.toml`
    /// (`--launch-rules FILE`).
    pub fn load(path: Option<&Path>) -> Result<Arc<LaunchRules>, LaunchRulesError> {
        match path {
            None => Ok(LaunchRules::builtin()),
            Some(p) => LaunchRules::from_file(p).map(Arc::new),
        }
    }

    /// Read a rule file (same TOML shape as `rules.toml`) with the bounded reader.
    pub fn from_file(path: &Path) -> Result<LaunchRules, LaunchRulesError> {
        let text = perfpilot_io::read_to_string_bounded(path)
            .map_err(|source| LaunchRulesError::Io { path: path.to_path_buf(), source })?;
        LaunchRules::parse(&text, &path.display().to_string())
    }

    /// Parse and check rule text; `origin` names it in errors. Every rule needs a phrase, a
    /// key and a source; a `unit` must be one the parser reads (MiB, GiB, GB, …).
    pub fn parse(text: &str, origin: &str) -> Result<LaunchRules, LaunchRulesError> {
        let bad = |message: String| LaunchRulesError::Invalid { origin: origin.into(), message };
        let file = rules::parse_file(text).map_err(|e| bad(toml_position(text, &e)))?;
        if file.version != 1 {
            return Err(bad(format!(
                "line {}: version {}, expected 1",
                line_of(text, "version", 0),
                file.version
            )));
        }
        for (i, r) in file.rule.iter().enumerate() {
            // Only an error needs the line: finding it for every rule was a quarter of
            // `LaunchRules::builtin` at every start (quadratic in the rule count; issue #15).
            let at = || line_of(text, "[[rule]]", i);
            let missing = [("phrase", &r.phrase), ("key", &r.key), ("source", &r.source)]
                .into_iter()
                .find(|(_, v)| v.trim().is_empty());
            if let Some((field, _)) = missing {
                return Err(bad(format!("line {}: rule {} has an empty `{field}`", at(), i + 1)));
            }
            if let Some(u) = &r.unit
                && LoggedBytes::from_number_unit("1", u).is_none()
            {
                return Err(bad(format!(
                    "line {}: rule `{}` has unit `{u}`; expected MiB, MB, GiB, GB, KiB, bytes \
                     or B",
                    at(),
                    r.phrase
                )));
            }
            if r.cell
                && matches!(r.form, Form::SizeBefore | Form::Launch | Form::RunLine | Form::RunEnd)
            {
                return Err(bad(format!(
                    "line {}: rule `{}`: `cell` needs a value after its label (form number, \
                     fraction, size or word)",
                    at(),
                    r.phrase
                )));
            }
            if r.kv_sizing && (r.form != Form::Size || r.key != "kv_budget") {
                return Err(bad(format!(
                    "line {}: rule `{}`: `kv_sizing` is for a `kv_budget` of form `size`",
                    at(),
                    r.phrase
                )));
            }
            if r.decimal && r.form != Form::Size {
                return Err(bad(format!(
                    "line {}: rule `{}`: `decimal` is for form `size`",
                    at(),
                    r.phrase
                )));
            }
            if r.marker.is_some() && r.form == Form::SizeBefore {
                return Err(bad(format!(
                    "line {}: rule `{}`: `marker` does not apply to form `size_before`",
                    at(),
                    r.phrase
                )));
            }
        }
        let background = match &file.background {
            None => None,
            Some(lines) => {
                for (i, l) in lines.iter().enumerate() {
                    if l.text.is_empty() || l.text.contains('\n') || l.source.trim().is_empty() {
                        return Err(bad(format!(
                            "line {}: background line {} needs a one-line `text` and a `source`",
                            line_of(text, "[[background]]", i),
                            i + 1
                        )));
                    }
                }
                Some(Background::from_lines(lines.iter().map(|l| l.text.as_bytes())))
            }
        };
        let mut set = LaunchRules::compile(file.rule, origin)?;
        set.background = background;
        Ok(set)
    }

    /// Number of data rules (the one-value lines).
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when the set holds no data rule (only the Rust handlers' phrases).
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The built-in phrases, then every data rule's phrase, in one DFA: the automatic choice
    /// switches to a (slower) NFA past about 100 patterns, and the scan over every byte of a
    /// multi-GiB log is the parser's whole cost.
    fn compile(rules: Vec<Rule>, origin: &str) -> Result<LaunchRules, LaunchRulesError> {
        let mut phrases: Vec<&str> = PHRASES.iter().map(|p| p.0).collect();
        let mut entries: Vec<(Phrase, Fw)> = PHRASES.iter().map(|p| (p.1, p.2)).collect();
        for (i, r) in rules.iter().enumerate() {
            phrases.push(&r.phrase);
            let fw = match r.framework {
                RuleFramework::Sglang => Fw::S,
                RuleFramework::Vllm => Fw::V,
                RuleFramework::Other => Fw::Other,
            };
            entries.push((Phrase::Rule(i), fw));
        }
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&phrases)
            .map_err(|e| LaunchRulesError::Invalid {
                origin: origin.into(),
                message: format!("the trigger phrases do not compile: {e}"),
            })?;
        Ok(LaunchRules { rules, ac, entries, prefilter: OnceLock::new(), background: None })
    }

    /// The prefilter a block of `len` bytes is scanned with under `scan` (None: the full
    /// automaton scans it).
    pub(crate) fn prefilter_for(&self, scan: BlockScan, len: usize) -> Option<&LinePrefilter> {
        let wanted = match scan {
            BlockScan::Automaton => false,
            BlockScan::Prefilter => true,
            BlockScan::Auto => len >= AUTO_MIN_BLOCK,
        };
        if !wanted {
            return None;
        }
        self.prefilter
            .get_or_init(|| {
                let mut phrases: Vec<&str> = PHRASES.iter().map(|p| p.0).collect();
                phrases.extend(self.rules.iter().map(|r| r.phrase.as_str()));
                LinePrefilter::new(&phrases, self.background.as_ref())
            })
            .as_ref()
    }

    /// Anchors, distinct 4-byte heads and packed passes of the candidate-line prefilter
    /// (None: the rule set scans with the full automaton only). Builds the prefilter if no
    /// parse has yet.
    pub fn prefilter_shape(&self) -> Option<(usize, usize, usize)> {
        self.prefilter_for(BlockScan::Prefilter, 0).map(|p| (p.anchors(), p.heads(), p.passes()))
    }

    /// The candidate-line prefilter's passes, heads and anchors as text (None: no prefilter).
    #[doc(hidden)]
    pub fn prefilter_describe(&self) -> Option<String> {
        self.prefilter_for(BlockScan::Prefilter, 0).map(|p| p.describe())
    }

    /// How the candidate-line prefilter sees `block` (None: the rule set scans with the full
    /// automaton only): for benchmarks and the regression tests that keep the scan cheap.
    pub fn prefilter_stats(&self, block: &[u8]) -> Option<PrefilterStats> {
        let pre = self.prefilter_for(BlockScan::Prefilter, block.len())?;
        let mut lines = Vec::new();
        pre.candidate_lines(block, &mut lines);
        let phrase_lines = lines.iter().filter(|&&(s, e)| self.ac.is_match(&block[s..e])).count();
        Some(PrefilterStats {
            anchors: pre.anchors(),
            heads: pre.heads(),
            passes: pre.passes(),
            candidate_lines: lines.len(),
            candidate_bytes: lines.iter().map(|(s, e)| e - s).sum(),
            phrase_lines,
        })
    }

    /// A set that matches nothing (the last resort of [`LaunchRules::builtin`]).
    #[cold]
    fn empty() -> LaunchRules {
        let ac = AhoCorasick::new(["\u{0}\u{0}never\u{0}\u{0}"])
            .unwrap_or_else(|_| std::process::abort());
        LaunchRules {
            rules: Vec::new(),
            ac,
            entries: Vec::new(),
            prefilter: OnceLock::new(),
            background: None,
        }
    }
}

/// A TOML error as `line L column C: message` (1-based).
fn toml_position(text: &str, e: &toml::de::Error) -> String {
    let (line, col) = e.span().map_or((0, 0), |s| perfpilot_io::line_col(text, s.start));
    format!("line {line} column {col}: {}", e.message().trim_end())
}

/// The 1-based line of the `nth` line starting with `head` (0 when absent).
fn line_of(text: &str, head: &str, nth: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with(head))
        .nth(nth)
        .map_or(0, |(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_table_compiles_with_every_rule() {
        let set = LaunchRules::parse(RULES_TOML, EMBEDDED).unwrap();
        assert!(set.len() > 40);
        assert_eq!(set.entries.len(), PHRASES.len() + set.len());
        assert_eq!(LaunchRules::builtin().len(), set.len());
    }

    #[test]
    fn errors_name_the_origin_and_line() {
        let text = RULES_TOML.replacen("form = \"size\"", "form = \"sized\"", 1);
        let msg = LaunchRules::parse(&text, "my.toml").unwrap_err().to_string();
        assert!(msg.contains("my.toml") && msg.contains("line "), "{msg}");
        let text =
            RULES_TOML.replacen("form = \"number\"", "form = \"number\"\nunit = \"parsecs\"", 1);
        let msg = LaunchRules::parse(&text, "my.toml").unwrap_err().to_string();
        assert!(msg.contains("parsecs") && msg.contains("line "), "{msg}");
        let text = RULES_TOML.replacen("version = 1", "version = 2", 1);
        let msg = LaunchRules::parse(&text, "my.toml").unwrap_err().to_string();
        assert!(msg.contains("version 2, expected 1"), "{msg}");
        let text =
            RULES_TOML.replacen("form = \"size_before\"", "form = \"size_before\"\ncell = true", 1);
        let msg = LaunchRules::parse(&text, "my.toml").unwrap_err().to_string();
        assert!(msg.contains("`cell` needs a value") && msg.contains("line "), "{msg}");
        let err = LaunchRules::from_file(Path::new("no/such/rules.toml")).unwrap_err();
        assert!(err.to_string().contains("no/such/rules.toml"));
    }
}
