//! Argument dumps whose head a paste cut (the middle of SGLang's `server_args=ServerArgs(…)`):
//! the configured CUDA-graph batch sizes, and a `key=` value that a line break moved to the
//! start of the next line. The one-number settings of such dumps are data rules
//! (`rules.toml`, `, key=` phrases); a dump with its head on the line is the argument
//! parser's (`crate::args`).

use crate::events::EventKind;
use crate::fields::leading_number;
use crate::rules::{Form, Rule};
use crate::{LaunchEvent, LaunchRules, Phrase, RankId};

/// Texts that mark a line holding an argument dump's head: the argument parser reads it.
const HEADS: &[&str] =
    &["ServerArgs(", "server_args=", "Namespace(", "with config:", "non-default args:"];

/// `…, cuda_graph_bs=[1, 2, 4, …], …` in a cut dump: the configured capture sizes (only a list
/// printed whole). `after` starts after the `[`.
pub(crate) fn graph_bs(before: &str, after: &str) -> Option<EventKind> {
    if HEADS.iter().any(|h| before.contains(h)) {
        return None;
    }
    let inner = &after[..after.find(']')?];
    let sizes: Vec<u64> =
        inner.split(',').map(|x| x.trim().parse::<u64>()).collect::<Result<_, _>>().ok()?;
    (!sizes.is_empty()).then_some(EventKind::ConfigCaptureSizes { sizes })
}

/// A number-form rule whose phrase ends in `=` and whose line ends right there (`…,
/// cuda_graph_max_bs=` then a line break): its key, so the next line's leading number can be
/// read as its value. A flag rule (`--max-model-len`) whose flag ends its line is open the same
/// way: a YAML list puts a flag and its value on two items (`- --max-model-len` / `- "4096"`), a
/// `\`-continued command may put them on two lines.
pub(crate) fn dangling_key(rule: &Rule, before: &str, after: &str) -> Option<String> {
    let flag = rule.phrase.trim_start().starts_with('-')
        && after
            .trim_matches(|c: char| c.is_whitespace() || matches!(c, '\\' | '"' | '\''))
            .is_empty();
    let open = rule.form == Form::Number
        && (rule.phrase.ends_with('=') && after.trim().is_empty() || flag)
        && !rule.skip_before.iter().any(|s| before.contains(s.as_str()));
    open.then(|| rule.key.clone())
}

/// A cut dump's `, key=N` whose digits run to the end of the line (`…, max_seq_len=131` then
/// `072, download_dir=None, …`: a terminal wrapped the dump mid-number): the digits read, so
/// the next line's leading digits can complete the value ([`continued_digits`]).
pub(crate) fn cut_number(rule: &Rule, after: &str) -> Option<String> {
    let dump_key =
        rule.form == Form::Number && rule.phrase.starts_with(", ") && rule.phrase.ends_with('=');
    let digits = !after.is_empty() && after.bytes().all(|b| b.is_ascii_digit());
    (dump_key && digits).then(|| after.to_string())
}

/// A cut dump's `, key=N` whose digits ran to the end of its line (a terminal's fixed-width wrap
/// may have cut the number): completed by the next line's leading digits.
#[derive(Debug, Clone)]
pub(crate) struct CutDigits {
    /// The cut line's number.
    pub(crate) line: u64,
    key: String,
    digits: String,
    /// The cut line's width in characters.
    width: usize,
    /// The line before it was as wide (both are a wrap's full-width lines).
    full: bool,
}

impl CutDigits {
    /// The cut value of `rule` read from `after` on line `line_no` (`line`), where its digits
    /// run to the line's end; `last` is the last candidate line's number and width.
    pub(crate) fn new(
        rule: &Rule,
        after: &str,
        line_no: u64,
        line: &str,
        last: (u64, usize),
    ) -> Option<CutDigits> {
        let digits = cut_number(rule, after)?;
        let width = line.chars().count();
        let full = last == (line_no.saturating_sub(1), width);
        Some(CutDigits { line: line_no, key: rule.key.clone(), digits, width, full })
    }

    /// Complete the value recorded on the cut line (among `events`) from the next line
    /// `line_no` (`line`): only where the two lines are one wrap's (as wide, or the cut line a
    /// full-width one) and the line continues the digits ([`continued_digits`]).
    pub(crate) fn complete(self, line_no: u64, line: &str, events: &mut [LaunchEvent]) {
        if self.line + 1 != line_no || !(self.full || line.chars().count() == self.width) {
            return;
        }
        let Some(whole) = continued_digits(&self.digits, line) else { return };
        let key = self.key;
        if let Some(e) = events
            .iter_mut()
            .rev()
            .take_while(|e| e.line == self.line)
            .find(|e| matches!(&e.event, EventKind::Setting { key: k, .. } if *k == key))
        {
            e.event = EventKind::Setting { key, value: whole };
        }
    }
}

/// The rest of a number [`cut_number`] saw cut: the continuation starts at its first column
/// with digits, and a dump's `,` or `)` (or the line's end) follows them. The whole value.
pub(crate) fn continued_digits(digits: &str, line: &str) -> Option<f64> {
    let n = line.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &line[n..];
    let closes = rest.is_empty() || rest.starts_with(',') || rest.starts_with(')');
    (n > 0 && closes).then(|| format!("{digits}{}", &line[..n]).parse().ok()).flatten()
}

/// The value a line break cut from the previous line: the line starts with a number followed
/// by `,`, `)`, a continuation `\`, the end of the line or a command's next `--flag` (a folded
/// command). A YAML list item holds it too
/// (`- 4096`, `- "32K"`), as a count with vLLM's suffixes (`crate::rules::with_suffix`), its
/// comment (` # …`: YAML starts one at a `#` after white space) left out (`- "16" # Size of
/// Tensor Parallelism`, sglang's docs/references/multi_node_deployment/deploy_on_k8s.md).
pub(crate) fn continued_value(key: &str, line: &str) -> Option<EventKind> {
    let t = line.trim_start();
    let t = match t.strip_prefix("- ") {
        Some(item) => {
            let comment = [" #", "\t#"].iter().filter_map(|c| item.find(c)).min();
            let item = comment.map_or(item, |at| &item[..at]);
            item.trim().trim_matches(['"', '\''])
        }
        None => t,
    };
    let n = leading_number(t)?;
    let after_n = t.get(n.len()..)?;
    let mut tail = after_n.chars();
    let suffixed = tail.next().is_some_and(|c| crate::rules::SUFFIXES.contains(&c))
        && tail.next().is_none_or(|c| !c.is_ascii_alphanumeric());
    let rest = if suffixed { &after_n[1..] } else { after_n }.trim_start();
    // A command folded after a flag (a YAML block scalar, a terminal's wrap): the value, then
    // the command's next flag (`--gpu-memory-utilization` / `0.95 --max-model-len 262144 …`).
    let next_flag = rest.starts_with("--");
    if !(rest.is_empty()
        || rest.starts_with(',')
        || rest.starts_with(')')
        || rest == "\\"
        || next_flag)
    {
        return None;
    }
    let value = crate::rules::with_suffix(n, after_n)?;
    Some(EventKind::Setting { key: key.to_string(), value })
}

/// The head of a dump key that a line break split: the line holds a cut dump (a `, key=` data
/// rule's phrase) and ends in `, ident` with no `=` (`…, max_total_tokens=None, chunked_prefil`).
pub(crate) fn split_key_head(rules: &LaunchRules, line: &str) -> Option<String> {
    let t = line.trim_end();
    let at = t.rfind(", ")?;
    let head = &t[at + 2..];
    let ident = !head.is_empty()
        && head.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    let dump = ident
        && rules.rules.iter().any(|r| {
            r.phrase.starts_with(", ")
                && r.phrase.ends_with('=')
                && line.contains(r.phrase.as_str())
        });
    dump.then(|| head.to_string())
}

/// `, head` + the next line's leading `rest=value` (up to its first `, `): the key joined
/// again, or None when the line does not continue a key.
pub(crate) fn join_split_key(head: &str, line: &str) -> Option<String> {
    let t = line.trim_start();
    let eq = t.find('=')?;
    let tail = &t[..eq];
    let ident = tail.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !ident {
        return None;
    }
    let end = t.find(", ").unwrap_or(t.len());
    Some(format!(", {head}{}", &t[..end]))
}

/// The data rules' values of a dump key joined again across a line break, as events of line
/// `line_no`.
pub(crate) fn split_key_events(
    rules: &LaunchRules,
    head: &str,
    line_no: u64,
    line: &str,
) -> Vec<LaunchEvent> {
    let Some(joined) = join_split_key(head, line) else { return Vec::new() };
    let mut out = Vec::new();
    for m in rules.ac.find_iter(&joined) {
        if let Some(&(Phrase::Rule(i), _)) = rules.entries.get(m.pattern().as_usize())
            && let Some(event) = rules
                .rules
                .get(i)
                .and_then(|r| crate::rules::apply(r, &joined[..m.start()], &joined[m.end()..]))
        {
            out.push(LaunchEvent {
                line: line_no,
                rank: RankId::default(),
                raw: crate::cut(line),
                event,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_list_and_continuation() {
        assert_eq!(
            graph_bs("disable_radix_cache=False", "1, 2, 4], disable_cuda_graph=False"),
            Some(EventKind::ConfigCaptureSizes { sizes: vec![1, 2, 4] })
        );
        assert_eq!(graph_bs("server_args=ServerArgs(a=1", "1, 2]"), None);
        assert_eq!(graph_bs("", "1, 2, 4, 8"), None);
        assert_eq!(
            continued_value("graph_max_bs", "256, cuda_graph_bs=[1]"),
            Some(EventKind::Setting { key: "graph_max_bs".into(), value: 256.0 })
        );
        assert_eq!(continued_value("graph_max_bs", "256 requests queued"), None);
        assert_eq!(continued_value("graph_max_bs", "INFO 12:00 start"), None);
        // A YAML item's comment is no part of its value (sglang's deploy_on_k8s.md manifest).
        assert_eq!(
            continued_value("tp_size", r#"              - "16" # Size of Tensor Parallelism"#),
            Some(EventKind::Setting { key: "tp_size".into(), value: 16.0 })
        );
        assert_eq!(continued_value("tp_size", "- 16 # TP\tx"), continued_value("tp_size", "- 16"));
        assert_eq!(continued_value("tp_size", "- sixteen # 16"), None);
    }

    #[test]
    fn number_cut_at_the_line_end() {
        let rules = LaunchRules::builtin();
        let rule = rules.rules.iter().find(|r| r.phrase == ", max_seq_len=").unwrap();
        assert_eq!(cut_number(rule, "131").as_deref(), Some("131"));
        assert_eq!(cut_number(rule, "131072, download_dir=None"), None);
        assert_eq!(
            continued_digits("131", "072, download_dir=None, load_format=auto"),
            Some(131072.0)
        );
        assert_eq!(continued_digits("131", "072)"), Some(131072.0));
        // A new log line, an indented fold or words are no continuation of the digits.
        assert_eq!(continued_digits("131", "INFO 01-28 13:38:36 start"), None);
        assert_eq!(continued_digits("131", "  072, x=1"), None);
        assert_eq!(continued_digits("131", "01-28 13:38:36 INFO"), None);
    }

    #[test]
    fn key_split_by_a_line_break() {
        let rules = LaunchRules::builtin();
        let line = "kv_cache_dtype='auto', mem_fraction_static=0.9, chunked_prefil";
        let head = split_key_head(&rules, line).unwrap();
        assert_eq!(head, "chunked_prefil");
        assert_eq!(split_key_head(&rules, "mem_fraction_static=0.9, chunked_prefill_size=8"), None);
        // A line ending in `, word` that holds no dump is not a cut key.
        assert_eq!(split_key_head(&rules, "loading shards, done"), None);
        let got = split_key_events(&rules, &head, 7, "l_size=16384, max_prefill_tokens=16384");
        let got: Vec<_> = got.into_iter().map(|e| (e.line, e.event)).collect();
        assert_eq!(
            got,
            vec![(7, EventKind::Setting { key: "chunked_prefill_size".into(), value: 16384.0 })]
        );
        assert!(split_key_events(&rules, &head, 7, "INFO 12:00 start").is_empty());
    }
}
