//! Regexes compiled on first use, for the parts of the rule file that many runs never
//! reach or reach only for a few names (`[[context]]` rules, the vocabulary's regex words
//! and type affixes). Compiling every pattern at start-up was most of the fixed cost of
//! `trace classify NAME` and a quarter of `trace triage`'s CPU on a one-rank trace (issue #18).

use std::sync::OnceLock;

use regex::{Regex, RegexSet};

/// `N` regexes compiled together on first use. [`LazyRegexes::force`] compiles them now and
/// reports an error: a user's `--rules` file is forced at load, so its errors still name the
/// file and line; the embedded file is forced by its test.
#[derive(Debug)]
pub(crate) struct LazyRegexes<const N: usize> {
    patterns: [String; N],
    what: &'static str,
    compiled: OnceLock<Result<[Regex; N], String>>,
}

impl<const N: usize> LazyRegexes<N> {
    /// Patterns (already syntax-checked) to compile on first use; `what` names them in an
    /// error.
    pub(crate) fn new(patterns: [String; N], what: &'static str) -> LazyRegexes<N> {
        LazyRegexes { patterns, what, compiled: OnceLock::new() }
    }

    /// Patterns compiled already (checked at load).
    pub(crate) fn ready(patterns: [String; N], regexes: [Regex; N]) -> LazyRegexes<N> {
        let compiled = OnceLock::new();
        let _ = compiled.set(Ok(regexes));
        LazyRegexes { patterns, what: "", compiled }
    }

    fn compile(&self) -> &Result<[Regex; N], String> {
        self.compiled.get_or_init(|| {
            let mut out = Vec::with_capacity(N);
            for p in &self.patterns {
                out.push(Regex::new(p).map_err(|e| format!("{}: {e}", self.what))?);
            }
            out.try_into().map_err(|_| format!("{}: pattern count", self.what))
        })
    }

    /// Compile now; the error says what did not compile.
    pub(crate) fn force(&self) -> Result<(), String> {
        self.compile().as_ref().map(|_| ()).map_err(String::clone)
    }

    /// The compiled regexes; `None` only when they do not compile, which [`Self::force`]
    /// reports at load for a user file (then the stage is skipped, never a panic).
    pub(crate) fn get(&self) -> Option<&[Regex; N]> {
        self.compile().as_ref().ok()
    }
}

/// A [`RegexSet`] compiled on first use (see [`LazyRegexes`]).
#[derive(Debug)]
pub(crate) struct LazySet {
    patterns: Vec<String>,
    compiled: OnceLock<Result<RegexSet, String>>,
}

impl LazySet {
    /// Patterns (already syntax-checked) to compile on first use.
    pub(crate) fn new(patterns: Vec<String>) -> LazySet {
        LazySet { patterns, compiled: OnceLock::new() }
    }

    /// No patterns at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    fn compile(&self) -> &Result<RegexSet, String> {
        self.compiled.get_or_init(|| RegexSet::new(&self.patterns).map_err(|e| e.to_string()))
    }

    /// Compile now; the error is the regex crate's.
    pub(crate) fn force(&self) -> Result<(), String> {
        self.compile().as_ref().map(|_| ()).map_err(String::clone)
    }

    /// The compiled set; `None` only when it does not compile (reported by [`Self::force`]).
    pub(crate) fn get(&self) -> Option<&RegexSet> {
        self.compile().as_ref().ok()
    }
}
