//! Typo hints only among flags of the same meaning. clap suggests the closest flag by
//! spelling, which misleads when a peer tool's flag looks like one of ours with another
//! meaning (`--profile` → `--sim-profile`, `--result-dir` → `--request-rate`). Here a
//! suggestion survives only when it is a plain typo (at most two edits, a small part of
//! the name), and peer-tool flags perfpilot does not take get a hint naming what to use.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, Parser};

/// Peer-tool flags without a perfpilot equivalent of the same name, and what to use.
const PEER_HINTS: &[(&str, &str)] = &[
    ("--backend", "perfpilot drives the OpenAI routes: --endpoint completions|chat"),
    ("--tokenize-prompt", "send token ids with --token-ids"),
    ("--apply-chat-template", "use --endpoint chat (the server applies its template)"),
    ("--append-result", "--compat sglang (or --output-file FILE) appends one JSON line per run"),
    ("--random-prefix-len", "use --dataset shared-prefix (--gsp-system-prompt-len)"),
    ("--trust-remote-code", "not needed: tokenizers are read from tokenizer.json"),
    ("--request-rate-range", "run one bench serve per rate, or sim run --sweep"),
];

/// Parse the command line like `P::parse()`, with the hints above on unknown flags.
pub fn parse<P: Parser>() -> P {
    match P::try_parse() {
        Ok(p) => p,
        Err(e) => refine::<P>(e).exit(),
    }
}

/// The same error, with a misleading suggestion dropped and a peer hint added.
pub fn refine<P: CommandFactory>(err: clap::Error) -> clap::Error {
    if err.kind() != ErrorKind::UnknownArgument {
        return err;
    }
    let Some(ContextValue::String(invalid)) = err.get(ContextKind::InvalidArg) else {
        return err;
    };
    let flag = invalid.split('=').next().unwrap_or(invalid).to_string();
    let suggested = match err.get(ContextKind::SuggestedArg) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    };
    let hint = PEER_HINTS.iter().find(|(f, _)| *f == flag).map(|(_, h)| *h);
    let keep = suggested.clone().filter(|s| is_typo(&flag, s));
    if keep == suggested && hint.is_none() {
        return err;
    }
    let mut e = clap::Error::new(ErrorKind::UnknownArgument).with_cmd(&P::command());
    e.insert(ContextKind::InvalidArg, ContextValue::String(invalid.clone()));
    if let Some(s) = keep {
        e.insert(ContextKind::SuggestedArg, ContextValue::String(s));
    }
    if let Some(h) = hint {
        e.insert(ContextKind::Suggested, ContextValue::StyledStrs(vec![h.into()]));
    }
    if let Some(u) = err.get(ContextKind::Usage) {
        e.insert(ContextKind::Usage, u.clone());
    }
    e
}

/// A plain misspelling: at most two edits, and at most a quarter of the name.
fn is_typo(typed: &str, known: &str) -> bool {
    let d = edit_distance(typed.trim_start_matches('-'), known.trim_start_matches('-'));
    d <= 2 && d * 4 <= known.trim_start_matches('-').len()
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_typos_survive() {
        assert!(is_typo("--num-prompt", "--num-prompts"));
        assert!(is_typo("--reqest-rate", "--request-rate"));
        assert!(!is_typo("--profile", "--sim-profile"));
        assert!(!is_typo("--goodput", "--output"));
        assert!(!is_typo("--output-file", "--output-len"));
        assert!(!is_typo("--result-dir", "--request-rate"));
        assert!(!is_typo("--disable-ignore-eos", "--deadline"));
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
