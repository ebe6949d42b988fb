//! Log lines a paste wrapped: a terminal or an issue editor cut one printed line into several
//! physical lines (the cut lands mid-phrase or mid-number; the continuation carries no log
//! prefix). Only candidate lines are looked at: a line is *open* when a value it announces is
//! missing at its end ([`is_open`]); the next physical line, if it carries no log prefix
//! ([`is_continuation`]), is joined to it and the joined text is read again
//! ([`joined_events`]), emitting only what neither physical line gave on its own.
//! Argument dumps cut by a line break are `crate::dump_cut`'s (a `key=` ending a line, a split
//! key): a line that opens one of those is not opened here.

use crate::events::EventKind;
use crate::rules::Form;
use crate::{LaunchRules, Parsed, Phrase, RankId};

/// Most physical lines one printed line is joined from (a long line wrapped at a narrow width).
pub(crate) const MAX_PARTS: u32 = 6;

/// Most bytes of the lines before a block kept for a join that looks back past the block's
/// start (a terminal wrap's parts are a screen wide; longer lines are no terminal's wrap).
const LAST_LINES_MAX: usize = 64 << 10;

/// The last whole lines (up to [`MAX_PARTS`], each `\n`-ended) of `before` followed by
/// `block`: what a join looking back from the next block's first line needs, so that the
/// parse does not depend on where blocks were cut. Empty when `block` does not end with a
/// line end or the lines are longer than [`LAST_LINES_MAX`] together (the join then stops at
/// the block's start, as without them).
pub(crate) fn last_lines(before: &[u8], block: &[u8]) -> Vec<u8> {
    if block.last() != Some(&b'\n') {
        return Vec::new();
    }
    let mut start = block.len() - 1;
    let mut lines = 0;
    while lines < MAX_PARTS && start > 0 {
        start = memchr::memrchr(b'\n', &block[..start]).map_or(0, |i| i + 1);
        lines += 1;
        start = start.saturating_sub(1);
    }
    // `start` is the `\n` before the lines kept, or 0 (the block's first line is among them).
    let from = if lines == MAX_PARTS && start > 0 { start + 1 } else { 0 };
    let mut kept = Vec::new();
    if from == 0 && lines < MAX_PARTS {
        let mut at = before.len();
        let mut more = MAX_PARTS - lines;
        while more > 0 && at > 0 {
            at = memchr::memrchr(b'\n', &before[..at - 1]).map_or(0, |i| i + 1);
            more -= 1;
        }
        kept.extend_from_slice(&before[at..]);
    }
    kept.extend_from_slice(&block[from..]);
    if kept.len() > LAST_LINES_MAX {
        return Vec::new();
    }
    kept
}

/// Argument-dump heads: `crate::args` reads such lines, `crate::dump_cut` their line breaks.
const DUMP_HEADS: &[&str] =
    &["ServerArgs(", "server_args=", "Namespace(", "with config:", "non-default args:"];

/// The line ends mid-phrase or mid-number: its last visible character is a letter, a digit or a
/// character that introduces a value (`=`, `:`, `×`, `(`, `,`), or a digit and a `.`. A line
/// ending in a word and `.`, or in `)`, ended its sentence.
fn ends_cut(line: &str) -> bool {
    let mut tail = line.trim_end().chars().rev();
    match tail.next() {
        // `… = 75.` is a decimal the cut split (a sentence ends in a word or a unit).
        Some('.') => tail.next().is_some_and(|c| c.is_ascii_digit()),
        Some(c) => c.is_alphanumeric() || matches!(c, '=' | ':' | '×' | '(' | ',' | '_'),
        None => false,
    }
}

/// What reading one line's phrases told about a wrap, noted phrase by phrase as the line is
/// read ([`Seen::note`]), so that no second pass over the line is needed.
#[derive(Default)]
pub(crate) struct Seen {
    /// The last phrase on the line: its span and kind.
    last: Option<(usize, usize, Phrase)>,
    /// Whether the last phrase read a value.
    last_read: bool,
    /// A data rule's `needs_before` head is on the line and another phrase under the same head
    /// is not (the rest of the message is on the next physical line).
    pub(crate) head_open: bool,
    /// A data rule's phrase whose `needs_before` head is not before it (the head may end the
    /// physical line before: a continuation line).
    pub(crate) headless: bool,
}

impl Seen {
    /// Note the phrase `phrase` found at `start..end` of `line`, and whether it read a value.
    pub(crate) fn note(
        &mut self,
        rules: &LaunchRules,
        line: &str,
        (start, end): (usize, usize),
        phrase: Phrase,
        read: bool,
    ) {
        self.last = Some((start, end, phrase));
        self.last_read = read;
        let Phrase::Rule(i) = phrase else { return };
        let Some(r) = rules.rules.get(i) else { return };
        let Some(head) = r.needs_before.as_deref() else { return };
        let before = &line[..start];
        if !before.contains(head) {
            self.headless = true;
        } else if !self.head_open {
            self.head_open = rules.rules.iter().any(|s| {
                s.needs_before.as_deref() == Some(head)
                    && s.phrase != r.phrase
                    && !line[end..].contains(s.phrase.as_str())
                    && !before.contains(s.phrase.as_str())
            });
        }
    }
}

/// [`Seen`] of a line read here (a joined line: the parser read its physical lines only).
pub(crate) fn seen(rules: &LaunchRules, line: &str) -> Seen {
    let mut seen = Seen::default();
    for m in rules.ac.find_iter(line) {
        let Some(&(phrase, _)) = rules.entries.get(m.pattern().as_usize()) else { continue };
        let (before, after) = (&line[..m.start()], &line[m.end()..]);
        let read =
            !matches!(crate::handle(&rules.rules, phrase, line, before, after, 0), (None, None));
        seen.note(rules, line, (m.start(), m.end()), phrase, read);
    }
    seen
}

/// A line a wrap may have cut (`line`, colour codes stripped, and what reading it saw): a
/// message head whose other phrases are missing ([`Seen::head_open`]), or the last phrase on
/// the line read nothing and the line ends cut ([`ends_cut`]). Argument dumps are
/// `crate::dump_cut`'s; a line holding `\r` (tqdm) is not a printed line.
pub(crate) fn is_open(rules: &LaunchRules, line: &str, seen: &Seen) -> bool {
    // The guards first: a tqdm line's phrases were noted on its `\r` segments, whose offsets
    // are not the whole line's.
    !line.contains('\r')
        && (crate::wrapped_dump::opens(line)
            || !DUMP_HEADS.iter().any(|h| line.contains(h))
                && (seen.head_open || last_unread(rules, line, seen)))
}

/// Whether a joined line stays open for the next physical line: it still looks cut
/// ([`is_open`]), or the join that made it added a value and its text ends cut (a message the
/// wrap split over more lines than its first value: vLLM's refusal `… max seq len` / `(16384),
/// (3.0 GiB KV cache is needed, … memory` / `(0.18 GiB). … model length is 976.`, whose later
/// figures belong to a phrase that already read its first one).
pub(crate) fn stays_open(rules: &LaunchRules, joined: &str, added: bool) -> bool {
    let guarded = !joined.contains('\r') && !DUMP_HEADS.iter().any(|h| joined.contains(h));
    is_open(rules, joined, &seen(rules, joined)) || (added && guarded && ends_cut(joined))
}

/// The last phrase of a line that ends cut read nothing (and is a phrase that reads a value
/// from this line).
fn last_unread(rules: &LaunchRules, line: &str, seen: &Seen) -> bool {
    let Some((start, end, phrase)) = seen.last else { return false };
    if seen.last_read || !ends_cut(line) {
        return false;
    }
    if let Phrase::Rule(i) = phrase {
        let Some(r) = rules.rules.get(i) else { return false };
        let (Some(before), Some(after)) = (line.get(..start), line.get(end..)) else {
            return false;
        };
        // A line-marker rule reads no value; a rule whose head is not before the phrase, or
        // whose skip text is on the line, is not this line's.
        return !(matches!(r.form, Form::Launch | Form::RunLine | Form::RunEnd)
            || r.needs_before.as_deref().is_some_and(|h| !before.contains(h))
            || r.skip_before.iter().any(|s| before.contains(s.as_str()))
            || r.skip_after.iter().any(|s| after.contains(s.as_str())));
    }
    true
}

/// A physical line that continues the previous one: not empty, and it starts with no log
/// prefix (a `[` label, a `(` process label, a timestamp or date, a level word, glog's `I1207`, a
/// `function_name: ` as llama.cpp prints).
pub(crate) fn is_continuation(line: &str) -> bool {
    let t = line.trim_start();
    let Some(first) = t.chars().next() else { return false };
    if matches!(first, '[' | '{' | '#' | '|' | '>' | '$') {
        return false;
    }
    // A process label (`(EngineCore_DP0 pid=…)`, `(VllmWorker rank=3 pid=…)`); `(attn), …` is
    // text the cut left.
    if first == '('
        && t.find(')').is_none_or(|e| t[..e].contains("pid=") || t[..e].contains("rank="))
    {
        return false;
    }
    const LEVELS: &[&str] = &["INFO", "WARN", "ERROR", "DEBUG", "TRACE", "CRITICAL", "FATAL"];
    if LEVELS.iter().any(|l| t.starts_with(l)) {
        return false;
    }
    let b = t.as_bytes();
    // A date or time: `2026-12-07`, `12-07 14:19:36`, `14:19:36`, llama.cpp's elapsed
    // `1.14.609.487` (three dotted fields; a decimal `75.81` has two).
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits >= 2 && b.get(digits).is_some_and(|c| matches!(c, b'-' | b'/' | b':')) {
        return false;
    }
    let field = t.split(|c: char| c.is_whitespace()).next().unwrap_or_default();
    if digits >= 1
        && field.split('.').count() >= 3
        && field.split('.').all(|f| !f.is_empty() && f.bytes().all(|c| c.is_ascii_digit()))
    {
        return false;
    }
    if syslog_stamp(t) {
        return false;
    }
    // glog: `I1207 14:19:36.123 …`.
    if matches!(b[0], b'I' | b'W' | b'E' | b'F')
        && b.len() > 5
        && b[1..5].iter().all(u8::is_ascii_digit)
    {
        return false;
    }
    // `llama_model_loader: …`, `print_info: …`: a function name (with an `_`) and a colon; a
    // plain word and a colon (`split: attn=…`) is prose the cut left.
    let ident = b.iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'_').count();
    let function = b[..ident].contains(&b'_');
    !(function && b.get(ident) == Some(&b':') && b.get(ident + 1).is_none_or(|c| *c == b' '))
}

/// A syslog / journald timestamp opens the line: `Nov 13 19:54:51 host proc[pid]: …` (RFC 3164's
/// `Mmm dd hh:mm:ss`; `journalctl`'s short format writes the month in the locale's words, as
/// `9月 02 14:47:57` or `déc. 07 10:00:00`): a month word, a day of one or two digits, then a
/// `hh:mm:ss` time (fractions allowed).
fn syslog_stamp(t: &str) -> bool {
    let mut words = t.split_whitespace();
    let (Some(month), Some(day), Some(time)) = (words.next(), words.next(), words.next()) else {
        return false;
    };
    let month_word = month.chars().any(char::is_alphabetic) && month.chars().count() <= 6;
    let day_ok = (1..=2).contains(&day.len()) && day.bytes().all(|c| c.is_ascii_digit());
    let hms: Vec<&str> = time.split(':').collect();
    let time_ok = hms.len() == 3
        && hms[..2].iter().all(|f| f.len() == 2 && f.bytes().all(|c| c.is_ascii_digit()))
        && hms[2]
            .split('.')
            .next()
            .is_some_and(|f| f.len() == 2 && f.bytes().all(|c| c.is_ascii_digit()));
    month_word && day_ok && time_ok
}

/// The printed line again: a continuation that starts with spaces was cut at a space (one
/// space joins it); one that starts with a character was cut mid-word (joined as is).
pub(crate) fn join(prev: &str, next: &str) -> String {
    let rest = next.trim_start();
    let space = rest.len() != next.len() && !prev.ends_with(' ');
    let mut out = String::with_capacity(prev.len() + rest.len() + 1);
    out.push_str(prev);
    if space {
        out.push(' ');
    }
    out.push_str(rest);
    out
}

/// What a join adds to the values read before it.
pub(crate) enum Joined {
    /// An argument dump the join completed (`crate::wrapped_dump`): it replaces the cut one.
    Args(crate::ServerArgs),
    /// A value neither side gave on its own, with the rank its prefix names.
    New(RankId, Parsed),
    /// A value the side read before gave cut short (a number the wrap split: `=97` / `04`): the
    /// event read then, and the whole one.
    Whole(EventKind, EventKind),
}

/// The values of `joined` (the text read before, `joined[..split]`, then the continuation)
/// that neither side gave on its own: a phrase the cut split, or a phrase whose value (or
/// whose `needs_before` head) was on the other side; and the values the text read before gave
/// with a number the cut split ([`Joined::Whole`]).
pub(crate) fn joined_events(
    rules: &LaunchRules,
    joined: &str,
    split: usize,
    line: u64,
) -> Vec<Joined> {
    let mut out = Vec::new();
    for m in rules.ac.find_iter(joined) {
        let Some(&(phrase, _)) = rules.entries.get(m.pattern().as_usize()) else { continue };
        let (before, after) = (&joined[..m.start()], &joined[m.end()..]);
        let (first, second) = crate::handle(&rules.rules, phrase, joined, before, after, line);
        if first.is_none() && second.is_none() {
            continue;
        }
        // What the same phrase gave on its own side (the side that was read already).
        let alone = if m.end() <= split {
            let a = &joined[..split];
            crate::handle(&rules.rules, phrase, a, &a[..m.start()], &a[m.end()..], line)
        } else if m.start() >= split {
            let a = &joined[split..];
            let (s, e) = (m.start() - split, m.end() - split);
            crate::handle(&rules.rules, phrase, a, &a[..s], &a[e..], line)
        } else {
            (None, None)
        };
        let rank = crate::prefix::rank_before(before);
        for (was, now) in [(alone.0, first), (alone.1, second)] {
            match (was, now) {
                (None, Some(p)) => out.push(Joined::New(rank.clone(), p)),
                (Some(Parsed::Event(a)), Some(Parsed::Event(b))) if a != b => {
                    out.push(Joined::Whole(a, b));
                }
                (Some(Parsed::Args(a)), Some(Parsed::Args(b))) if a.values != b.values => {
                    out.push(Joined::Args(b));
                }
                _ => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_lines() {
        assert!(is_continuation("16 (attn), _mamba_num_blocks=18. HBM split"));
        assert!(is_continuation("   × 4096 B = 266.68 GiB; mamba=8 layers"));
        assert!(!is_continuation("INFO 12-07 14:19:36 [core.py:75] Initializing"));
        assert!(!is_continuation("(EngineCore_DP0 pid=1) INFO …"));
        assert!(!is_continuation("2026-12-07 14:19:36 INFO start"));
        assert!(!is_continuation("I1207 14:19:36.123 worker.py:1] x"));
        assert!(!is_continuation("llama_model_loader: - kv 0"));
        assert!(!is_continuation("1.14.609.487 I llama_kv_cache: size =    0.00 MiB"));
        assert!(is_continuation("75.81 GiB; mamba=45 layers"));
        // journald / syslog stamps, the month in English or in the locale's words.
        assert!(!is_continuation("Nov 13 19:54:51 host ollama[2930]: llm_load_tensors: x"));
        assert!(!is_continuation("9月 02 14:47:57 host ollama[1756203]: llama_context: x"));
        assert!(is_continuation("layers 12 of 36 offloaded"));
        assert!(!is_continuation(""));
    }

    #[test]
    fn last_lines_keep_six_whole_lines_across_blocks() {
        assert_eq!(last_lines(b"", b"a\nb\n"), b"a\nb\n");
        assert_eq!(last_lines(b"x\ny\n", b"a\nb\n"), b"x\ny\na\nb\n");
        assert_eq!(last_lines(b"1\n2\n3\n4\n5\n", b"a\nb\n"), b"2\n3\n4\n5\na\nb\n");
        assert_eq!(last_lines(b"x\n", b"1\n2\n3\n4\n5\n6\n7\n"), b"2\n3\n4\n5\n6\n7\n");
        assert!(last_lines(b"x\n", b"a\nno end").is_empty(), "the last block");
        let long = vec![b'z'; LAST_LINES_MAX + 1];
        assert!(last_lines(b"", &[&long[..], b"\n"].concat()).is_empty());
    }

    /// A wrapped dump cut into two blocks at every line end parses as the whole text does:
    /// the join looks back past the block's start.
    #[test]
    fn a_wrap_cut_by_a_block_boundary_is_joined() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(
            "../../tests/fixtures/corpus/launch/sglang-9856-2node-gb200-server-args-wrapped.log",
        );
        let text = std::fs::read_to_string(path).unwrap();
        let whole = crate::parse_log(&text);
        assert!(!whole.events.is_empty() || !whole.args.is_empty());
        for (cut, _) in text.match_indices('\n') {
            let mut p = crate::LogParser::new();
            p.push_block(&text.as_bytes()[..=cut]);
            p.push_block(&text.as_bytes()[cut + 1..]);
            assert_eq!(p.finish(), whole, "cut after byte {cut}");
        }
    }

    #[test]
    fn joins_at_a_space_or_mid_word() {
        assert_eq!(join("blocks=546", "16 (attn)"), "blocks=54616 (attn)");
        assert_eq!(join("HBM split:", "  attn=36"), "HBM split: attn=36");
        assert_eq!(join("HBM split: ", "attn=36"), "HBM split: attn=36");
    }
}
