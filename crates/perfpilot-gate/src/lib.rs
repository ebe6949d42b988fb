//! Ordered regex patterns behind a literal gate: which patterns match a text, without
//! compiling or running the patterns that cannot match it.
//!
//! Each pattern's *necessary literals* are read from its syntax tree: a set of strings such
//! that every match of the pattern contains one of them (`(?i)(^|_)ssm(_|$)` → `ssm`;
//! `flash_?attn|fmha` → `flash`, `fmha`). One Aho-Corasick pass over the text finds
//! the literals present; only patterns with a present literal (or with no usable literal at
//! all) are candidates, each compiled on first use and run alone. The answers are those of a
//! [`regex::RegexSet`] over the same patterns ([`GatedSet::matches`] its `matches`,
//! [`GatedSet::first_match`] the smallest of them) at a fraction of the cost:
//!
//! * compiling and matching the kernel taxonomy's 56-pattern set was a quarter of `trace
//!   triage`'s instructions on a one-rank trace (issue #18);
//! * the triage catalogue's set of every signature's `lines` patterns (`[^\n]{0,80}` and
//!   Unicode `\w` make its NFA too large for the lazy DFA) ran on the PikeVM, and compiling
//!   it was a sixth of `perfpilot triage`'s start-up (issue #15).
//!
//! The gate is ASCII case-insensitive (literals are lower-cased), so it admits a superset of
//! what a case-sensitive or `(?i)` pattern can match in ASCII text. A text with non-ASCII
//! characters skips the gate (Unicode case folding maps `K`, U+212A, to `k`): every pattern is
//! tried.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex_automata::meta::{Config, Regex};
use regex_automata::nfa::thompson::WhichCaptures;
use regex_syntax::ast::{self, Ast, RepetitionKind, RepetitionRange};

/// At most this many necessary literals per pattern; more and the pattern is always tried.
const MAX_LITERALS: usize = 64;

/// Ordered patterns, each compiled on first use, behind a literal gate (see the crate docs).
#[derive(Debug)]
pub struct GatedSet {
    patterns: Vec<String>,
    compiled: Vec<OnceLock<Option<Regex>>>,
    /// Lower-cased necessary literals of every pattern, deduplicated.
    gate: Option<AhoCorasick>,
    /// For each gate literal, the patterns that need it (ascending).
    owners: Vec<Vec<u32>>,
    /// Patterns with no usable literal: candidates for every name.
    always: Vec<bool>,
}

impl GatedSet {
    /// Patterns in precedence order. They are not compiled here: one that does not compile
    /// never matches; [`GatedSet::force`] compiles them all and names the first bad one.
    pub fn new(patterns: Vec<String>) -> GatedSet {
        let mut literals: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<u32>> = Vec::new();
        let mut index = std::collections::HashMap::new();
        let mut always = vec![false; patterns.len()];
        for (i, p) in patterns.iter().enumerate() {
            match necessary_literals(p) {
                Some(lits) => {
                    for lit in lits {
                        let id = *index.entry(lit.clone()).or_insert_with(|| {
                            literals.push(lit);
                            owners.push(Vec::new());
                            owners.len() - 1
                        });
                        if owners[id].last() != Some(&(i as u32)) {
                            owners[id].push(i as u32);
                        }
                    }
                }
                None => always[i] = true,
            }
        }
        let gate = if literals.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .match_kind(MatchKind::Standard)
                .ascii_case_insensitive(true)
                .build(&literals)
                .ok()
        };
        if gate.is_none() {
            // No gate could be built: every pattern is a candidate (correct, only slower).
            always.iter_mut().for_each(|a| *a = true);
        }
        let compiled = patterns.iter().map(|_| OnceLock::new()).collect();
        GatedSet { patterns, compiled, gate, owners, always }
    }

    /// Compile every pattern now; the error names the first that does not compile.
    pub fn force(&self) -> Result<(), String> {
        for i in 0..self.patterns.len() {
            if self.regex(i).is_none() {
                let e = build(&self.patterns[i]).err();
                return Err(format!("pattern {:?}: {}", self.patterns[i], e.unwrap_or_default()));
            }
        }
        Ok(())
    }

    fn regex(&self, i: usize) -> Option<&Regex> {
        self.compiled[i].get_or_init(|| build(&self.patterns[i]).ok()).as_ref()
    }

    /// The index of the first pattern that matches `hay` (the smallest index of
    /// `RegexSet::matches`), or `None`.
    pub fn first_match(&self, hay: &str) -> Option<usize> {
        let n = self.patterns.len();
        if n == 0 {
            return None;
        }
        let candidates = self.candidates(hay);
        (0..n).find(|&i| candidates[i] && self.regex(i).is_some_and(|r| r.is_match(hay)))
    }

    /// Whether any pattern matches `hay`.
    pub fn is_match(&self, hay: &str) -> bool {
        self.first_match(hay).is_some()
    }

    /// The indices of every pattern that matches `hay`, ascending (`RegexSet::matches`).
    pub fn matches(&self, hay: &str) -> Vec<usize> {
        if self.patterns.is_empty() {
            return Vec::new();
        }
        let candidates = self.candidates(hay);
        (0..self.patterns.len())
            .filter(|&i| candidates[i] && self.regex(i).is_some_and(|r| r.is_match(hay)))
            .collect()
    }

    /// Number of patterns.
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    /// No patterns at all.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The patterns, in order.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Patterns that may match `hay`: those whose literal occurs, and those without one.
    fn candidates(&self, hay: &str) -> Vec<bool> {
        let mut out = self.always.clone();
        let Some(gate) = &self.gate else { return out };
        if !hay.is_ascii() {
            out.iter_mut().for_each(|c| *c = true);
            return out;
        }
        for m in gate.find_overlapping_iter(hay) {
            for &p in &self.owners[m.pattern().as_usize()] {
                out[p as usize] = true;
            }
        }
        out
    }
}

/// One pattern as `regex::Regex::new` compiles it (same syntax and Unicode settings, so the
/// same matches), minus what `is_match` never uses: capture states and a literal prefilter
/// (the gate ran already; building the prefilter of a long `(?i)` alternation cost more than
/// searching a kernel name or a log line without it).
fn build(pattern: &str) -> Result<Regex, String> {
    Regex::builder()
        .configure(Config::new().which_captures(WhichCaptures::None).auto_prefilter(false))
        .build(pattern)
        .map_err(|e| e.to_string())
}

/// Lower-cased literals such that every match of `pattern` contains one of them; `None`
/// when the pattern has no such set (or it would be too large, or the pattern does not parse).
pub fn necessary_literals(pattern: &str) -> Option<Vec<String>> {
    let ast = ast::parse::Parser::new().parse(pattern).ok()?;
    let mut lits = necessary(&ast)?;
    lits.sort();
    lits.dedup();
    (!lits.is_empty() && lits.len() <= MAX_LITERALS && lits.iter().all(|l| !l.is_empty()))
        .then_some(lits)
}

/// The necessary literal set of one node (see [`necessary_literals`]).
fn necessary(node: &Ast) -> Option<Vec<String>> {
    match node {
        Ast::Literal(l) => ascii_lower(l.c).map(|c| vec![c.to_string()]),
        Ast::Group(g) => necessary(&g.ast),
        Ast::Repetition(r) if min_count(&r.op.kind) >= 1 => necessary(&r.ast),
        Ast::Alternation(a) => {
            let mut all = Vec::new();
            for branch in &a.asts {
                all.extend(necessary(branch)?);
                if all.len() > MAX_LITERALS {
                    return None;
                }
            }
            Some(all)
        }
        Ast::Concat(c) => {
            // Any one item's set is necessary for the whole; so is each run of literal
            // characters. Keep the most selective: the longest shortest literal.
            let mut best: Option<Vec<String>> = None;
            let mut run = String::new();
            let consider = |set: Vec<String>, best: &mut Option<Vec<String>>| {
                if score(&set) > best.as_ref().map_or((0, 0), |b| score(b)) {
                    *best = Some(set);
                }
            };
            for item in &c.asts {
                if let Ast::Literal(l) = item
                    && let Some(ch) = ascii_lower(l.c)
                {
                    run.push(ch);
                    continue;
                }
                if !run.is_empty() {
                    consider(vec![std::mem::take(&mut run)], &mut best);
                }
                if let Some(set) = necessary(item) {
                    consider(set, &mut best);
                }
            }
            if !run.is_empty() {
                consider(vec![run], &mut best);
            }
            best
        }
        _ => None,
    }
}

/// Selectivity of a literal set: its shortest literal's length, then fewer literals.
fn score(set: &[String]) -> (usize, usize) {
    let shortest = set.iter().map(String::len).min().unwrap_or(0);
    (shortest, usize::MAX - set.len())
}

fn min_count(kind: &RepetitionKind) -> u32 {
    match kind {
        RepetitionKind::ZeroOrOne | RepetitionKind::ZeroOrMore => 0,
        RepetitionKind::OneOrMore => 1,
        RepetitionKind::Range(
            RepetitionRange::Exactly(m)
            | RepetitionRange::AtLeast(m)
            | RepetitionRange::Bounded(m, _),
        ) => *m,
    }
}

fn ascii_lower(c: char) -> Option<char> {
    c.is_ascii().then(|| c.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lits(p: &str) -> Option<Vec<String>> {
        necessary_literals(p)
    }

    #[test]
    fn literals_of_typical_rules() {
        assert_eq!(lits("(?i)(^|_)ssm(_|$)"), Some(vec!["ssm".into()]));
        assert_eq!(lits("(?i)flash_?attn|fmha"), Some(vec!["flash".into(), "fmha".into()]));
        assert_eq!(
            lits(r"^cutlass(_x|__y)?::(device_kernel|Kernel2?)$"),
            Some(vec!["cutlass".into()])
        );
        assert_eq!(lits("(?i)conv([^e]|$)|winograd"), Some(vec!["conv".into(), "winograd".into()]));
        assert_eq!(lits(r"a+bc"), Some(vec!["bc".into()]));
        assert_eq!(lits(r"(ab){2}"), Some(vec!["ab".into()]));
        // No literal every match needs: always tried.
        assert_eq!(lits(r"(?i)expert|[a-z]+"), None);
        assert_eq!(lits(r"(ab)?c*"), None);
        assert_eq!(lits(r"\w+"), None);
        assert_eq!(lits("é+"), None);
        assert_eq!(lits("("), None);
    }

    #[test]
    fn first_match_is_the_sets_smallest_index() {
        let pats = [
            "(?i)(^|_)ssm(_|$)",
            "(?i)flash_?attn|fmha",
            r"(?i)(^|[^a-z0-9])norm([^a-z0-9]|$)",
            "[a-z]+_kernel$",
            "(?i)attn",
            "Kernel",
            r"\bmemcpy\b",
        ];
        let set = regex::RegexSet::new(pats).unwrap();
        let gated = GatedSet::new(pats.iter().map(|p| p.to_string()).collect());
        gated.force().unwrap();
        for hay in [
            "ssm_kernel",
            "FLASHATTN_fwd",
            "my_norm",
            "x_fmha_kernel",
            "nothing here",
            "attnKERNEL",
            "Kernel",
            "KERNEL",
            "\u{212a}ernel_ssm",
            "flash_attn\u{212a}",
            "memcpy",
            "",
        ] {
            let want = set.matches(hay).iter().min();
            assert_eq!(gated.first_match(hay), want, "{hay:?}");
            assert_eq!(gated.is_match(hay), set.is_match(hay), "{hay:?}");
        }
    }

    #[test]
    fn matches_are_the_sets_matches() {
        let pats = ["(?i)error", r"CUDA out of memory", r"[^\n]{0,80}failed", r"\bOOM\b", "x|y+"];
        let set = regex::RegexSet::new(pats).unwrap();
        let gated = GatedSet::new(pats.iter().map(|p| p.to_string()).collect());
        for hay in ["ERROR: CUDA out of memory", "it failed", "OOM", "xOOM", "yy", "", "é failed"]
        {
            let want: Vec<usize> = set.matches(hay).into_iter().collect();
            assert_eq!(gated.matches(hay), want, "{hay:?}");
        }
    }

    #[test]
    fn empty_and_unparsable_sets_answer_none() {
        let g = GatedSet::new(Vec::new());
        assert_eq!(g.first_match("x"), None);
        let g = GatedSet::new(vec!["(".into()]);
        assert_eq!(g.first_match("("), None);
        assert!(g.force().is_err());
    }
}
