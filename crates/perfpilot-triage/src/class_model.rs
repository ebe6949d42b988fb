//! The class model (round 11, issue 15): a multinomial naive Bayes over the words of the lines
//! an engineer reads first in a failure log (exception lines, `ERROR` / `FATAL` / `error:`
//! lines, CUDA / HIP / Vulkan / NPU status codes), used only where no signature, evidence,
//! inference or stall rule names a class.
//!
//! Wording rules recognise the sentences they were written for; a log from a program never seen
//! before often still says what went wrong in words the labelled corpus uses for one class
//! (`ErrorOutOfDeviceMemory` → `error out of device memory`; `ptxas fatal … sm_120a`). The
//! counts of those words per hand-labelled class are data (`data/class_model.tsv`, written by
//! `cargo run -p perfpilot-triage --example train_class_model`). A log's tokens
//! ([`log_tokens`]) come from the candidate lines ([`candidate_lines`]) of the last lines the
//! scanner keeps of each file (the end window of `crate::stall`), so the model costs nothing on
//! a log the rules decide and reads at most that window on one they do not. See
//! `docs/triage.md`, "Class model".

use std::collections::{BTreeMap, BTreeSet};

use crate::class::ProblemClass;

/// The schema line a model file starts with.
pub const CLASS_MODEL_SCHEMA: &str = "perfpilot.class-model/1";

/// The model compiled into the binary (`data/class_model.tsv`).
pub const EMBEDDED_CLASS_MODEL: &str = include_str!("../data/class_model.tsv");

/// The token of a model file's prior rows (logs per class); never a line's token.
pub const PRIOR_TOKEN: &str = "<logs>";

/// The smallest posterior at which the model names a class (chosen by the written rule of
/// `docs/triage.md`, "Class model", from leave-one-source-out cross-validation).
pub const MIN_POSTERIOR: f64 = 0.4;

/// How many tokens' worth of evidence one log's words count as at most (see
/// [`ClassModel::scores`]; chosen by the cross-validation of `docs/triage.md`, "Class model").
pub const EVIDENCE_TOKENS: f64 = 5.0;

/// The weight of a "where" token (a frame line's `mod:<file stem>` and `fn:<word>` of its
/// function) against a "what" token (the exception type and the message's words), which weigh
/// 1: frames name the code path several classes share (a hang's faulthandler dump and an NCCL
/// timeout both stop in `wait`); chosen by the cross-validation of `docs/triage.md`.
pub const WHERE_WEIGHT: f64 = 1.0;

/// Fewest candidate lines holding a token the model knows for it to name a class: one line alone
/// is one sentence, which the rules read and did not take (a llama.cpp decode failure with a
/// return code other than 1 is not KV exhaustion, though its words are those of one); the
/// model is for logs whose several error lines point one way.
pub const MIN_LINES: usize = 2;

/// Most candidate lines read per log (the last ones of the end window).
const MAX_CANDIDATES: usize = 24;

/// Bytes of a text's end read by [`log_tokens`] (the scanner keeps the same 16 KiB of each
/// file for the stall rules).
pub const END_WINDOW: usize = 16 << 10;

/// Words too common in every sentence to say anything (English function words).
const STOP: &[&str] = &[
    "the", "a", "an", "to", "of", "in", "is", "for", "and", "on", "at", "by", "with", "be", "or",
    "it", "this", "that", "as", "from", "are", "was", "not", "no", "if", "you", "your", "has",
    "have", "can", "but", "which", "will", "line",
];

/// Words of a line that make it a candidate: how servers, runtimes and drivers mark a failure.
const MARK_WORDS: &[&str] = &[
    "error",
    "errors",
    "fatal",
    "failed",
    "failure",
    "fail",
    "fails",
    "exception",
    "critical",
    "panic",
    "panicked",
    "abort",
    "aborted",
    "killed",
    "traceback",
    "nvrm",
    "assert",
    "assertion",
    "timeout",
    "timed",
    "refused",
    "denied",
    "invalid",
    "exceeds",
    "exceeded",
    "unexpected",
    "unsupported",
    "unable",
    "cannot",
    "not found",
    "oom",
];

/// How loggers mark an information or debug record (Python logging, vLLM / SGLang prefixes,
/// glog, Rust tracing, JSON logs).
const INFO_LEVEL: &[&str] = &[
    "INFO ",
    " INFO",
    "[INFO]",
    "DEBUG ",
    " DEBUG",
    "[DEBUG]",
    "\"level\":\"INFO\"",
    "\"level\":\"DEBUG\"",
    "level=info",
    "level=debug",
];

/// Words by which a program says an error it prints is harmless.
const BENIGN: &[&str] =
    &["can be ignored", "can be safely ignored", "may be ignored", "safe to ignore", "is harmless"];

/// Split one word of a line into lowercase pieces: CamelCase, SNAKE_CASE and digits break it
/// (`ErrorOutOfDeviceMemory` → `error out of device memory`, `HSA_STATUS_ERROR` → `hsa status
/// error`, `sm_120a` → `sm`).
fn pieces(word: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = word.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphabetic() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let boundary = c.is_ascii_uppercase()
            && !cur.is_empty()
            && (chars[i - 1].is_ascii_lowercase()
                || chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase()));
        if boundary {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.retain(|p| p.len() >= 2 && p.len() <= 24);
    out
}

/// The exception type a line names (`torch.OutOfMemoryError: …` → `outofmemoryerror`), if it
/// has one: a dotted identifier ending in `Error`, `Exception` or `Exceeded` before a colon.
fn exception_type(text: &str) -> Option<String> {
    for (i, _) in text.match_indices(':') {
        let head = &text[..i];
        let start = head
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
            .map_or(0, |p| p + head[p..].chars().next().map_or(1, char::len_utf8));
        let name = head[start..].rsplit('.').next().unwrap_or_default();
        if ["Error", "Exception", "Exceeded"].iter().any(|s| name.ends_with(s)) {
            return Some(name.to_ascii_lowercase());
        }
    }
    None
}

/// The model tokens of one line, distinct, in order: the exception type as `type:<name>`, then
/// the words (split as `pieces`), lowercase, without numbers, paths, function words and
/// the log prefix's timestamp.
pub fn line_tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(t) = exception_type(text) {
        out.push(format!("type:{t}"));
    }
    for w in text.split(|c: char| c.is_whitespace() || "\"'`()[]{}<>,;=|".contains(c)) {
        // A path or URL says where, not what.
        if w.contains('/') || w.contains('\\') {
            continue;
        }
        for p in pieces(w) {
            if STOP.contains(&p.as_str()) || out.contains(&p) {
                continue;
            }
            out.push(p);
        }
    }
    out
}

/// Whether an engineer reads this line for the failure: an exception line, a line marked
/// `ERROR` / `FATAL` / `error:`, a status code, or one of [`MARK_WORDS`].
fn is_candidate(text: &str) -> bool {
    if text.trim().is_empty() || text.len() > 4096 {
        return false;
    }
    if exception_type(text).is_some() {
        return true;
    }
    let lower = text.to_ascii_lowercase();
    // The program itself says the line is no failure: an INFO / DEBUG record, or an error it
    // calls harmless (SGLang: `The following error message '…' can be ignored.`).
    if INFO_LEVEL.iter().any(|l| text.contains(l)) || BENIGN.iter().any(|b| lower.contains(b)) {
        return false;
    }
    MARK_WORDS.iter().any(|m| {
        lower.match_indices(m).any(|(i, _)| {
            let before = lower[..i].chars().next_back();
            let after = lower[i + m.len()..].chars().next();
            // A word of its own, or the start / end of a CamelCase or SNAKE_CASE one.
            !before.is_some_and(|c| c.is_ascii_lowercase())
                || !after.is_some_and(|c| c.is_ascii_lowercase())
        })
    })
}

/// The candidate lines among `lines` (numbered lines of one file's end), the last
/// `MAX_CANDIDATES` of them, in order; a traceback cut before its exception line adds its
/// last two lines (the innermost frames).
pub fn candidate_lines(lines: &[(u64, String)]) -> Vec<usize> {
    let mut out: Vec<usize> = (0..lines.len()).filter(|&i| is_candidate(&lines[i].1)).collect();
    let last_tb = lines.iter().rposition(|l| l.1.contains("Traceback (most recent call last)"));
    if let Some(tb) = last_tb
        && !lines[tb + 1..].iter().any(|l| exception_type(&l.1).is_some())
    {
        for i in lines.len().saturating_sub(2)..lines.len() {
            if i > tb && !out.contains(&i) {
                out.push(i);
            }
        }
        out.sort_unstable();
    }
    // The innermost frame above each exception line names the module that failed.
    let frames: Vec<usize> = out
        .iter()
        .filter(|&&i| exception_type(&lines[i].1).is_some())
        .filter_map(|&i| (i.saturating_sub(3)..i).rev().find(|&j| is_frame(&lines[j].1)))
        .collect();
    out.extend(frames);
    out.sort_unstable();
    out.dedup();
    let skip = out.len().saturating_sub(MAX_CANDIDATES);
    out.split_off(skip)
}

/// A Python traceback frame line (`File "…/x.py", line 12, in f`).
fn is_frame(text: &str) -> bool {
    text.trim_start().starts_with("File \"") && text.contains(", line ")
}

/// The tokens of a frame line: `mod:<file stem>` and the function's words as `fn:<word>`.
fn frame_tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(path) = text.split('"').nth(1) {
        let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let stem = file.trim_end_matches(".py");
        if !stem.is_empty() {
            out.push(format!("mod:{}", stem.to_ascii_lowercase()));
        }
    }
    if let Some((_, func)) = text.rsplit_once(", in ") {
        out.extend(pieces(func.trim()).into_iter().map(|p| format!("fn:{p}")));
    }
    out
}

/// The tokens of a candidate line (a frame line's own form, else [`line_tokens`]).
pub fn candidate_tokens(text: &str) -> Vec<String> {
    if is_frame(text) { frame_tokens(text) } else { line_tokens(text) }
}

/// The model input of one text, as the runtime sees it: its last [`END_WINDOW`] bytes split
/// into numbered lines, the candidate lines, and the distinct tokens over them (each once).
pub fn log_tokens(text: &str) -> (Vec<(u64, String)>, BTreeSet<String>) {
    let total = text.lines().count() as u64;
    let start = text.len().saturating_sub(END_WINDOW);
    // A window that starts inside a line (or a character) drops that first piece.
    let end = crate::stall::end_lines(&text.as_bytes()[start..], total, start == 0);
    let mut lines = Vec::new();
    let mut toks = BTreeSet::new();
    for i in candidate_lines(&end) {
        toks.extend(candidate_tokens(&end[i].1));
        lines.push(end[i].clone());
    }
    (lines, toks)
}

/// A trained class model: per class, the logs it was trained on and each token's log count.
#[derive(Debug, Clone, Default)]
pub struct ClassModel {
    /// Logs per class (the prior).
    logs: BTreeMap<ProblemClass, u32>,
    /// Token → class → logs of that class whose candidate lines hold the token.
    counts: BTreeMap<String, BTreeMap<ProblemClass, u32>>,
}

/// One class's score for a log.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassScore {
    /// The class.
    pub class: ProblemClass,
    /// Its posterior among the model's classes.
    pub posterior: f64,
}

impl ClassModel {
    /// The embedded model (`data/class_model.tsv`), parsed on the first log that reaches it.
    pub fn builtin() -> &'static ClassModel {
        static MODEL: std::sync::OnceLock<ClassModel> = std::sync::OnceLock::new();
        // The embedded file is checked by the tests; a broken one is a build defect.
        MODEL.get_or_init(|| ClassModel::parse(EMBEDDED_CLASS_MODEL).unwrap_or_default())
    }

    /// Read a model file (`token<TAB>class<TAB>count` rows after the schema line; `#` comments).
    pub fn parse(text: &str) -> Result<ClassModel, String> {
        let mut rows = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
        match rows.next() {
            Some((_, l)) if l.trim() == format!("# {CLASS_MODEL_SCHEMA}") => {}
            _ => return Err(format!("line 1: expected `# {CLASS_MODEL_SCHEMA}`")),
        }
        let mut m = ClassModel::default();
        for (i, l) in rows.filter(|(_, l)| !l.starts_with('#')) {
            let cols: Vec<&str> = l.split('\t').collect();
            let [tok, class, n] = cols[..] else {
                return Err(format!("line {}: expected token, class and count", i + 1));
            };
            let class = ProblemClass::parse(class)
                .ok_or_else(|| format!("line {}: unknown class `{class}`", i + 1))?;
            let n: u32 = n.parse().map_err(|_| format!("line {}: bad count `{n}`", i + 1))?;
            if tok == PRIOR_TOKEN {
                m.logs.insert(class, n);
            } else {
                m.counts.entry(tok.to_string()).or_default().insert(class, n);
            }
        }
        if m.logs.is_empty() {
            return Err("no prior rows (`<logs>`)".into());
        }
        Ok(m)
    }

    /// Train from labelled logs (class, the log's tokens, its source); tokens seen in the logs
    /// of fewer than `min_sources` sources are dropped (one thread's private words do not
    /// transfer).
    pub fn train(docs: &[(ProblemClass, BTreeSet<String>, String)], min_sources: usize) -> Self {
        let mut m = ClassModel::default();
        let mut sources: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (c, toks, src) in docs {
            *m.logs.entry(*c).or_default() += 1;
            for t in toks {
                *m.counts.entry(t.clone()).or_default().entry(*c).or_default() += 1;
                sources.entry(t).or_default().insert(src);
            }
        }
        m.counts.retain(|t, _| sources.get(t.as_str()).is_some_and(|s| s.len() >= min_sources));
        m
    }

    /// The model file (deterministic: sorted rows) with `header` comment lines.
    pub fn to_tsv(&self, header: &[String]) -> String {
        let mut s = format!("# {CLASS_MODEL_SCHEMA}\n");
        for h in header {
            s.push_str(&format!("# {h}\n"));
        }
        for (c, n) in &self.logs {
            s.push_str(&format!("{PRIOR_TOKEN}\t{}\t{n}\n", c.as_str()));
        }
        for (t, per) in &self.counts {
            for (c, n) in per {
                s.push_str(&format!("{t}\t{}\t{n}\n", c.as_str()));
            }
        }
        s
    }

    /// Tokens the model knows.
    pub fn vocabulary(&self) -> usize {
        self.counts.len()
    }

    /// Log likelihood of token `t` under class `c`: multinomial, Laplace smoothing over the
    /// vocabulary (`(n(t, c) + 1) / (n(c) + V)`).
    fn log_p(&self, t: &str, c: ProblemClass) -> f64 {
        let n = self.counts.get(t).and_then(|m| m.get(&c)).copied().unwrap_or(0);
        let total: u32 = self.counts.values().filter_map(|m| m.get(&c)).sum();
        ((f64::from(n) + 1.0) / (f64::from(total) + self.counts.len() as f64)).ln()
    }

    /// Every class's posterior for a log's tokens (known tokens only), best first; empty when
    /// the model knows none of them.
    pub fn scores(&self, tokens: &BTreeSet<String>) -> Vec<ClassScore> {
        self.scores_weighted(tokens, WHERE_WEIGHT)
    }

    /// [`ClassModel::scores`] with "where" tokens (`mod:` / `fn:`, a frame line's) weighing
    /// `where_weight` against 1 for the others (the cross-validation's variants).
    pub fn scores_weighted(&self, tokens: &BTreeSet<String>, where_weight: f64) -> Vec<ClassScore> {
        let known: Vec<&String> = tokens.iter().filter(|t| self.counts.contains_key(*t)).collect();
        if known.is_empty() {
            return Vec::new();
        }
        let weight = |t: &str| {
            if t.starts_with("mod:") || t.starts_with("fn:") { where_weight } else { 1.0 }
        };
        let mass: f64 = known.iter().map(|t| weight(t)).sum();
        let all: f64 = self.logs.values().map(|n| f64::from(*n)).sum();
        // The words of one log are far from independent (one sentence repeats its class's words
        // across lines): the evidence counts as at most EVIDENCE_TOKENS tokens' worth.
        let temper = (EVIDENCE_TOKENS / mass.max(f64::MIN_POSITIVE)).min(1.0);
        let mut ls: Vec<(ProblemClass, f64)> = self
            .logs
            .iter()
            .map(|(c, n)| {
                let prior = (f64::from(*n) / all).ln();
                let ev: f64 = known.iter().map(|t| weight(t) * self.log_p(t, *c)).sum();
                (*c, prior + temper * ev)
            })
            .collect();
        let max = ls.iter().map(|x| x.1).fold(f64::NEG_INFINITY, f64::max);
        let z: f64 = ls.iter().map(|x| (x.1 - max).exp()).sum();
        ls.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ls.into_iter()
            .map(|(class, l)| ClassScore { class, posterior: (l - max).exp() / z })
            .collect()
    }

    /// How many of `lines` (each a line's [`candidate_tokens`]) hold a token the model knows.
    pub fn known_lines<'a>(&self, lines: impl IntoIterator<Item = &'a [String]>) -> usize {
        lines.into_iter().filter(|toks| toks.iter().any(|t| self.counts.contains_key(t))).count()
    }

    /// How much a line's tokens ([`candidate_tokens`]) favour `c` over `other` (sum of log
    /// likelihood ratios).
    pub fn line_weight(&self, tokens: &[String], c: ProblemClass, other: ProblemClass) -> f64 {
        tokens
            .iter()
            .filter(|t| self.counts.contains_key(*t))
            .map(|t| self.log_p(t, c) - self.log_p(t, other))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_like_an_engineer_reads_them() {
        assert_eq!(pieces("ErrorOutOfDeviceMemory"), ["error", "out", "of", "device", "memory"]);
        assert_eq!(pieces("HSA_STATUS_ERROR_EXCEPTION"), ["hsa", "status", "error", "exception"]);
        assert_eq!(pieces("sm_120a"), ["sm"]);
        assert_eq!(pieces("CUDAGraph"), ["cuda", "graph"]);
        let t = line_tokens("torch.OutOfMemoryError: CUDA out of memory. Tried 2.00 GiB /x/y.py");
        assert_eq!(t[0], "type:outofmemoryerror");
        assert_eq!(exception_type("报错ValueError: x").as_deref(), Some("valueerror"));
        assert!(t.contains(&"memory".to_string()) && !t.iter().any(|w| w.contains("py")));
    }

    #[test]
    fn candidates_are_error_lines_and_the_frame_above() {
        let lines: Vec<(u64, String)> = [
            "INFO loading weights",
            "  File \"/a/vllm/worker/model_runner.py\", line 3, in load_model",
            "RuntimeError: CUDA error: an illegal memory access was encountered",
            "INFO done",
        ]
        .iter()
        .enumerate()
        .map(|(i, s)| (i as u64 + 1, s.to_string()))
        .collect();
        assert_eq!(candidate_lines(&lines), [1, 2]);
        assert!(candidate_tokens(&lines[1].1).contains(&"mod:model_runner".to_string()));
        // The program says these are no failures.
        assert!(!is_candidate("[TP0] The following error message 'x' can be ignored."));
        assert!(!is_candidate("INFO 12-19 model_runner.py] This may lead to unexpected results"));
        assert!(is_candidate("(EngineCore pid=1) ERROR 08-20 [core.py:700] EngineCore failed"));
    }

    #[test]
    fn the_embedded_model_parses() {
        let m = ClassModel::parse(EMBEDDED_CLASS_MODEL).unwrap();
        assert!(m.vocabulary() > 0);
        assert!(ClassModel::parse("x\tbad\t1").is_err());
    }
}
