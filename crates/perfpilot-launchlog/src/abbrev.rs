//! Command-line flags abbreviated as Python's argparse accepts them: with `allow_abbrev` (its
//! default) a long option may be written as any prefix that names one option only; vLLM 0.19's
//! `vllm serve … --max-num-batched-token 16384` (vllm-project/vllm#40691, heldout-12) ran with
//! `--max-num-batched-tokens` set. The data rules' flag phrases match whole flags; this
//! reads a `--flag` token that is a strict prefix of one rule's flag. Only the last word of the
//! flag may be shortened (`--max-num-batched-tok`, not `--max-num`): the parser's other options
//! are not known here, and a prefix that keeps every word but the last one's tail is one
//! option's in the engines' flag sets (a shorter one, `--max-num`, is ambiguous there and
//! argparse refuses it).

use crate::events::EventKind;
use crate::rules::{self, Form, Rule};

/// Flag words of a token or a phrase: `--max-num-batched-token` → `["max", "num", …]`
/// (`_` and `-` both separate, as vLLM's parser takes either).
fn words(flag: &str) -> Vec<&str> {
    flag.trim_start().trim_start_matches('-').split(['-', '_']).collect()
}

/// Whether `token` abbreviates `flag`: as many words, all equal but the last, which is a
/// strict prefix of the flag's last word (at least two letters of it).
fn abbreviates(token: &str, flag: &str) -> bool {
    let (t, f) = (words(token), words(flag));
    let (Some((tl, th)), Some((fl, fh))) = (t.split_last(), f.split_last()) else {
        return false;
    };
    th.len() >= 2
        && th == fh
        && tl.len() >= 2
        && tl.len() < fl.len()
        && fl.starts_with(tl)
        && token.trim_start_matches('-').len() < flag.trim_start().trim_start_matches('-').len()
}

/// Values read from the abbreviated flags of `line` (a candidate line: the flags the phrases
/// matched whole are theirs): each the offset of its token and the event its rule gives.
pub(crate) fn abbreviated_flags(rules: &[Rule], line: &str) -> Vec<(usize, EventKind)> {
    let mut out = Vec::new();
    if !line.contains(" --") && !line.starts_with("--") {
        return out;
    }
    let flag_rule = |r: &Rule| {
        r.phrase.trim_start().starts_with("--")
            && !matches!(r.form, Form::Launch | Form::RunLine | Form::RunEnd)
            && !r.line_start
    };
    let mut from = 0;
    while let Some(rel) = line[from..].find("--") {
        let start = from + rel;
        let end = line[start..]
            .find(|c: char| c.is_whitespace() || c == '=')
            .map_or(line.len(), |e| start + e);
        from = end.max(start + 2);
        let token = &line[start..end];
        let at_word = start == 0 || line[..start].ends_with(char::is_whitespace);
        if !at_word || token.len() < 5 {
            continue;
        }
        // A whole flag some rule knows is the phrases' (read already): a line-start rule's too
        // (an abbreviation a rule names itself, `--max-running-request `, round 30).
        let named = |r: &Rule| r.phrase.trim().starts_with("--") && r.phrase.trim() == token;
        if rules.iter().any(|r| (flag_rule(r) || r.line_start) && named(r)) {
            continue;
        }
        let mut hits = rules.iter().filter(|r| flag_rule(r) && abbreviates(token, &r.phrase));
        let Some(rule) = hits.next() else { continue };
        // Every rule it abbreviates must be the same flag (twins: ` --x` and `--x`, `-` / `_`).
        let flag = words(&rule.phrase);
        if hits.any(|r| words(&r.phrase) != flag) {
            continue;
        }
        if let Some(event) = rules::apply(rule, &line[..start], &line[end..]) {
            out.push((start, event));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::abbreviates;

    #[test]
    fn only_the_last_word_shortens() {
        assert!(abbreviates("--max-num-batched-token", " --max-num-batched-tokens"));
        assert!(abbreviates("--max-num-batched-tok", "--max-num-batched-tokens"));
        assert!(abbreviates("--gpu-memory-util", " --gpu-memory-utilization"));
        assert!(!abbreviates("--max-num", " --max-num-batched-tokens"));
        assert!(!abbreviates("--max-num-batched-tokens", " --max-num-batched-tokens"));
        assert!(!abbreviates("--max-num-seqs", " --max-num-batched-tokens"));
        assert!(!abbreviates("--max-model-l", " --max-model-len"));
    }
}
