//! Line prefixes: who wrote a line (rank, process), when, at what level, and the message
//! behind the prefix. Tolerant of every prefix form SGLang, vLLM, torch, glog, container
//! runtimes and MPI put in front of a line, in any nesting order.

use perfpilot_io::Fnv1a;
use perfpilot_launchlog::{RankAxis, RankId, RankSlots};

/// A log level, when a prefix states one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    /// DEBUG.
    Debug,
    /// INFO.
    Info,
    /// WARNING / WARN / glog W.
    Warning,
    /// ERROR / glog E.
    Error,
    /// CRITICAL / FATAL / glog F.
    Critical,
}

/// A timestamp as printed, with a key that orders lines across files of one incident
/// (month, day and time of day; the year is ignored because vLLM and glog omit it).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Stamp {
    /// As printed (`2025-03-10 16:29:01`, `06-05 06:18:13`, `0304 12:54:52.122900428`).
    pub text: String,
    /// Seconds since the start of a notional year: ((month x 31 + day) x 86400 + time).
    pub key: f64,
}

/// The rank fields a prefix names, without allocating.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Who<'a> {
    pub pp: Option<u32>,
    pub dp: Option<u32>,
    pub tp: Option<u32>,
    pub ep: Option<u32>,
    pub worker: Option<u32>,
    pub role: Option<&'a str>,
}

impl Who<'_> {
    fn is_empty(&self) -> bool {
        *self == Who::default()
    }
}

impl RankSlots for Who<'_> {
    fn slot(&mut self, axis: RankAxis) -> &mut Option<u32> {
        axis.pick([&mut self.pp, &mut self.dp, &mut self.tp, &mut self.ep, &mut self.worker])
    }
}

/// A timestamp as it appears in the line (owned only when it had to be rewritten).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LineStamp<'a> {
    pub key: f64,
    pub text: std::borrow::Cow<'a, str>,
}

/// A line split into its prefix facts and its message.
#[derive(Debug, Clone, Default)]
pub(crate) struct LineView<'a> {
    /// The rank the prefix names (empty when none).
    pub who: Who<'a>,
    /// A key of the writing process (rank, role, pid): lines of one process share it.
    pub stream: Option<u64>,
    /// Timestamp.
    pub stamp: Option<LineStamp<'a>>,
    /// Level.
    pub level: Option<Level>,
    /// The text after every prefix (one separating space removed, indentation kept).
    pub msg: &'a str,
    /// True when at least one prefix was found.
    pub prefixed: bool,
}

impl LineView<'_> {
    /// The rank as the shared launch parser's type.
    pub fn rank(&self) -> RankId {
        let w = &self.who;
        RankId {
            pp: w.pp,
            dp: w.dp,
            tp: w.tp,
            ep: w.ep,
            worker: w.worker,
            role: w.role.map(str::to_string),
        }
    }

    /// The timestamp, owned.
    pub fn stamp(&self) -> Option<Stamp> {
        self.stamp.as_ref().map(|s| Stamp { text: s.text.to_string(), key: s.key })
    }
}

/// Split a line into prefix facts and message.
pub(crate) fn split(line: &str) -> LineView<'_> {
    let mut view = LineView { msg: line, ..LineView::default() };
    let mut rest = glued_progress(line);
    let mut pid: Option<&str> = None;
    // The ranks named up to the process prefix (`(Name pid=N)`): a rank that only an inner
    // prefix names (SGLang's `[… TP0]` on its first line under a Ray actor) does not split the
    // lines of one process into two streams.
    let mut process_who = None;
    for _ in 0..6 {
        let had_pid = pid.is_some();
        let Some(next) = strip_one(rest, &mut view, &mut pid) else { break };
        if !had_pid && pid.is_some() {
            process_who = Some(view.who);
        }
        view.prefixed = true;
        rest = next;
    }
    if view.prefixed {
        view.msg = rest.strip_prefix(' ').unwrap_or(rest);
    }
    // Only a prefix that names a process starts a stream of its own; a bare timestamp or
    // container prefix continues the current one.
    if !view.who.is_empty() || pid.is_some() {
        let w = process_who.as_ref().unwrap_or(&view.who);
        let mut h = Fnv1a::new();
        for v in [w.pp, w.dp, w.tp, w.ep, w.worker] {
            h.field(&v.map_or([0xff; 4], u32::to_le_bytes));
        }
        h.field(w.role.unwrap_or("").as_bytes());
        h.field(pid.unwrap_or("").as_bytes());
        view.stream = Some(h.finish());
    }
    view
}

/// A tqdm progress fragment glued in front of a log line (`… 0/23 [00:00<?, ?it/s][2025-…`):
/// skip to the bracket that starts the real prefix.
fn glued_progress(line: &str) -> &str {
    if line.starts_with('[') || line.starts_with('(') {
        return line;
    }
    for marker in ["it/s]", "s/it]"] {
        if let Some(p) = line.find(marker) {
            let after = &line[p + marker.len()..];
            if after.starts_with("[20") {
                return after;
            }
        }
    }
    line
}

fn strip_one<'a>(
    s: &'a str,
    view: &mut LineView<'a>,
    pid: &mut Option<&'a str>,
) -> Option<&'a str> {
    let s = s.trim_start_matches(' ');
    let first = *s.as_bytes().first()?;
    match first {
        b'(' => paren_prefix(s, view, pid),
        b'[' => bracket_prefix(s, view),
        b'0'..=b'9' => iso_stamp(s, view)
            .or_else(|| line_number_tab(s))
            .or_else(|| syslog_prefix(s, view, pid)),
        b'A'..=b'Z' => djl_relay(s)
            .or_else(|| syslog_prefix(s, view, pid))
            .or_else(|| level_prefix(s, view))
            .or_else(|| glog_bare(s, view))
            .or_else(|| compose(s)),
        b'a'..=b'z' => cri_stream(s).or_else(|| compose(s)),
        b'|' => gutter(s),
        _ => None,
    }
}

/// A `| ` gutter in front of a line: CI log viewers (Buildkite's `  | [timestamp] …` copy) and
/// Python 3.11 exception groups (`    |   File …`) indent their lines behind one.
fn gutter(s: &str) -> Option<&str> {
    s.strip_prefix("| ").or_else(|| (s == "|").then_some(""))
}

/// A line number and a tab in front of a line: CI log viewers' copies with line numbers
/// (Buildkite's `3597\t(APIServer pid=…) ERROR …`).
fn line_number_tab(s: &str) -> Option<&str> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    s[digits..].strip_prefix('\t').filter(|_| (1..=9).contains(&digits))
}

/// Kubernetes CRI container-log stream and tag after the timestamp: `stdout F `, `stderr P `.
fn cri_stream(s: &str) -> Option<&str> {
    let rest = s.strip_prefix("stdout ").or_else(|| s.strip_prefix("stderr "))?;
    rest.strip_prefix("F ").or_else(|| rest.strip_prefix("P "))
}

/// vLLM / Ray: `(VllmWorker rank=3 pid=1090) `, `(Worker_DP1_TP1_EP3 pid=…)`,
/// `(EngineCore_DP0 pid=387)`, `(RayWorkerWrapper pid=12, ip=10.0.0.1)`.
fn paren_prefix<'a>(
    s: &'a str,
    view: &mut LineView<'a>,
    pid: &mut Option<&'a str>,
) -> Option<&'a str> {
    let close = s.find(") ").or_else(|| s.strip_suffix(')').map(|t| t.len()))?;
    let inner = &s[1..close];
    let pid_at = inner.find("pid=")?;
    let name = inner[..pid_at].trim_end();
    let pid_text = inner[pid_at + 4..].split([',', ' ']).next().unwrap_or("");
    if pid_text.is_empty() || !pid_text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    *pid = Some(pid_text);
    // The role is the name up to its first rank token: `EngineCore_DP0` → `EngineCore`.
    let mut role_end = None;
    let mut offset = 0;
    for tok in name.split([' ', '_']) {
        let start = offset;
        offset += tok.len() + 1;
        if tok.is_empty() {
            continue;
        }
        if rank_token(tok, &mut view.who) {
            role_end.get_or_insert(start);
        } else if let Ok(n) = tok.parse::<u32>() {
            view.who.dp = Some(n);
            role_end.get_or_insert(start);
        }
    }
    let role = name[..role_end.unwrap_or(name.len())].trim_end_matches([' ', '_']);
    if !role.is_empty() {
        view.who.role = Some(role);
    }
    Some(&s[(close + 1).min(s.len())..])
}

/// Apply a rank token (`TP3`, `DP1`, `EP2`, `PP0`, `rank=3`, `rank3`; the launch parser's
/// rule and setter) to `id`. Returns true if `tok` is one.
fn rank_token(tok: &str, id: &mut Who<'_>) -> bool {
    id.apply_rank_token(tok)
}

/// `[2025-03-10 16:21:21 DP1 TP2]`, `[rank4]:`, `[E304 12:54:52.1229 ProcessGroupNCCL.cpp:616]`,
/// `[1,0]<stderr>:`.
fn bracket_prefix<'a>(s: &'a str, view: &mut LineView<'a>) -> Option<&'a str> {
    let close = s.find(']')?;
    let inner = &s[1..close];
    let mut after = &s[close + 1..];
    if let Some(r) = inner.strip_prefix("rank") {
        let n: u32 = r.parse().ok()?;
        view.who.worker = Some(n);
        return Some(after.strip_prefix(':').unwrap_or(after));
    }
    // MPI `[1,0]<stderr>:`
    if inner.contains(',') && inner.bytes().all(|b| b.is_ascii_digit() || b == b',') {
        if let Some(p) = after.find(">:")
            && after.starts_with('<')
        {
            after = &after[p + 2..];
        }
        if let Some(r) = inner.split(',').nth(1).and_then(|r| r.parse().ok()) {
            view.who.worker = Some(r);
        }
        return Some(after);
    }
    let bytes = inner.as_bytes();
    if bytes.len() >= 19 && bytes[4] == b'-' && bytes[7] == b'-' && bytes[0].is_ascii_digit() {
        // SGLang: date, time, then rank tokens.
        let mut toks = inner.split(' ');
        let date = toks.next().unwrap_or("");
        let time = toks.next().unwrap_or("");
        let month = date.get(5..7).and_then(|m| m.parse().ok());
        let day = date.get(8..10).and_then(|d| d.parse().ok());
        for t in toks {
            rank_token(t, &mut view.who);
        }
        if let (Some(m), Some(d), Some(secs)) = (month, day, time_of_day(time)) {
            let text = inner.get(..date.len() + 1 + time.len()).unwrap_or(inner);
            view.stamp = Some(stamp(text.into(), m, d, secs));
        }
        return Some(after);
    }
    // Cloud log export labels: `[resource.labels.containerName: vllm]`.
    if inner.starts_with("resource.labels.") || inner.starts_with("labels.") {
        return Some(after);
    }
    // glog inside brackets: `[E304 12:54:52.122900428 file.cpp:616]`.
    if let Some(rest) = glog_head(inner, view) {
        let _ = rest;
        return Some(after);
    }
    None
}

/// glog head `E0304 12:54:52.122900` (month may be unpadded: `E304`). Returns the rest.
fn glog_head<'a>(s: &'a str, view: &mut LineView<'a>) -> Option<&'a str> {
    let b = s.as_bytes();
    let level = match b.first()? {
        b'E' => Level::Error,
        b'W' => Level::Warning,
        b'I' => Level::Info,
        b'F' => Level::Critical,
        _ => return None,
    };
    let sp = s.find(' ')?;
    let md = &s[1..sp];
    if !(3..=4).contains(&md.len()) || !md.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let rest = &s[sp + 1..];
    let time = rest.split(' ').next()?;
    let secs = time_of_day(time)?;
    let (m, d): (u32, u32) = (md[..md.len() - 2].parse().ok()?, md[md.len() - 2..].parse().ok()?);
    view.level = Some(level);
    view.stamp = Some(stamp(format!("{m:02}-{d:02} {time}").into(), m, d, secs));
    Some(&rest[time.len()..])
}

/// Unbracketed glog: `E0304 12:54:52.122900 12345 file.cc:123] msg`.
fn glog_bare<'a>(s: &'a str, view: &mut LineView<'a>) -> Option<&'a str> {
    let end = s.find("] ")?;
    if end > 80 {
        return None;
    }
    glog_head(&s[..end], view)?;
    Some(&s[end + 1..])
}

/// vLLM `INFO 08-20 18:04:22 [core.py:700] ` (also the older `core.py:700] `), uvicorn
/// `INFO:     `, Python logging `ERROR:root:`.
fn level_prefix<'a>(s: &'a str, view: &mut LineView<'a>) -> Option<&'a str> {
    let word_end = s.find(|c: char| !c.is_ascii_uppercase()).unwrap_or(s.len());
    let level = match &s[..word_end] {
        "DEBUG" => Level::Debug,
        "INFO" => Level::Info,
        "WARNING" | "WARN" => Level::Warning,
        "ERROR" => Level::Error,
        "CRITICAL" | "FATAL" => Level::Critical,
        _ => return None,
    };
    let rest = &s[word_end..];
    if let Some(r) = rest.strip_prefix(':') {
        // uvicorn `INFO:     msg`, logging `ERROR:root:msg`.
        view.level = Some(level);
        let r = r.strip_prefix("root:").unwrap_or(r);
        return Some(r.trim_start_matches(' '));
    }
    let r = rest.strip_prefix(' ')?;
    // Cloud log exports put the severity before an ISO timestamp (`INFO 2025-11-19T20:16:36Z `).
    if r.as_bytes().get(4) == Some(&b'-') {
        let after = iso_stamp(r, view)?;
        view.level = Some(level);
        return Some(after);
    }
    // `MM-DD HH:MM:SS[.mmm] `
    let md = r.get(..5)?;
    let mb = md.as_bytes();
    if !(mb[2] == b'-'
        && mb[..2].iter().all(u8::is_ascii_digit)
        && mb[3..].iter().all(u8::is_ascii_digit))
    {
        return None;
    }
    let r2 = r.get(6..)?;
    let time = r2.split(' ').next()?;
    let secs = time_of_day(time)?;
    view.level = Some(level);
    let (m, d) = (md[..2].parse().ok()?, md[3..].parse().ok()?);
    view.stamp = Some(stamp(r.get(..6 + time.len()).unwrap_or(md).into(), m, d, secs));
    let mut after = &r2[time.len()..];
    let trimmed = after.trim_start_matches(' ');
    // `[file.py:123] ` or `file.py:123] `
    if let Some(close) = trimmed.find("] ").or_else(|| trimmed.strip_suffix(']').map(|t| t.len())) {
        let loc = trimmed[..close].trim_start_matches('[');
        if loc.contains(".py:") || loc.contains(".cc:") || loc.contains(".cpp:") {
            after = &trimmed[close + 1..];
        }
    }
    Some(after)
}

/// A syslog / journald line (`journalctl`'s default short format): `Jun 10 16:45:05 host
/// proc[pid]: ` and, under a CJK locale, `6月 10 16:45:05 host proc[pid]: ` (vllm #5376: vLLM's
/// OpenAI server run as a systemd service). The tag's pid keys the stream.
fn syslog_prefix<'a>(
    s: &'a str,
    view: &mut LineView<'a>,
    pid: &mut Option<&'a str>,
) -> Option<&'a str> {
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (month, rest) = match MONTHS.iter().position(|m| s.starts_with(&format!("{m} "))) {
        Some(i) => (i as u32 + 1, &s[4..]),
        None => {
            let at = s.find('月').filter(|at| *at <= 2)?;
            (s[..at].parse().ok()?, &s[at + '月'.len_utf8()..])
        }
    };
    let mut words = rest.trim_start_matches(' ').splitn(4, ' ');
    let day: u32 = words.next()?.parse().ok()?;
    let time = words.next()?;
    let secs = time_of_day(time)?;
    let host = words.next()?;
    let after = words.next()?;
    let (tag, msg) = after.split_once(": ").or_else(|| after.strip_suffix(':').map(|t| (t, "")))?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || host.is_empty() {
        return None;
    }
    let tag_pid = tag.strip_suffix(']').and_then(|t| t.rsplit_once('[')).map(|(_, p)| p);
    match tag_pid {
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => *pid = Some(p),
        Some(_) => return None,
        None if tag.is_empty() || tag.contains(' ') => return None,
        None => {}
    }
    let head = &s[..s.len() - after.len()];
    view.stamp = Some(stamp(head.trim_end().into(), month, day, secs));
    // One space after the tag's colon; the message keeps its own indentation.
    Some(if msg.is_empty() { msg } else { &after[after.len() - msg.len() - 1..] })
}

/// DJL Serving's relay of its Python worker's output (`WARN  PyProcess W-252-model-stderr: `,
/// `INFO  PyProcess W-252-model-stdout: `): the model server logs every line the worker prints
/// under the reader thread's name (`W-<pid>-<model>-stderr|stdout`), at WARN for stderr. The
/// relay's level is not the line's own, so none is kept; the worker's own prefix follows.
fn djl_relay(s: &str) -> Option<&str> {
    let word_end = s.find(' ')?;
    if !matches!(&s[..word_end], "INFO" | "WARN" | "ERROR" | "DEBUG") {
        return None;
    }
    let rest = s[word_end..].trim_start_matches(' ').strip_prefix("PyProcess W-")?;
    let colon = rest.find(": ").or_else(|| rest.strip_suffix(':').map(|t| t.len()))?;
    let thread = &rest[..colon];
    if thread.contains(' ') || !(thread.ends_with("-stderr") || thread.ends_with("-stdout")) {
        return None;
    }
    Some(&rest[(colon + 1).min(rest.len())..])
}

/// ISO or Python-logging timestamps at the start: `2025-03-07T21:49:33.123Z `,
/// `2025-03-07 21:49:33,123 - name - LEVEL - `.
fn iso_stamp<'a>(s: &'a str, view: &mut LineView<'a>) -> Option<&'a str> {
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b' ') {
        return None;
    }
    let m = s.get(5..7)?.parse().ok()?;
    let d = s.get(8..10)?.parse().ok()?;
    let rest = &s[11..];
    let time_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.' || c == ','))
        .unwrap_or(rest.len());
    let time = &rest[..time_end];
    let secs =
        if time.contains(',') { time_of_day(&time.replace(',', "."))? } else { time_of_day(time)? };
    let mut after = &rest[time_end..];
    after = after.trim_start_matches(['Z', '+']);
    if after.starts_with(|c: char| c.is_ascii_digit()) {
        // a zone offset `+00:00`
        after = after.trim_start_matches(|c: char| c.is_ascii_digit() || c == ':');
    }
    view.stamp = Some(stamp(s.get(..11 + time.len()).unwrap_or(&s[..10]).into(), m, d, secs));
    Some(after)
}

/// docker compose `service-1  | `.
fn compose(s: &str) -> Option<&str> {
    let bar = s.find(" | ").or_else(|| s.find(" |"))?;
    let name = s[..bar].trim_end();
    if name.is_empty()
        || name.len() > 64
        || !name.bytes().all(|c| c.is_ascii_alphanumeric() || b"-_.".contains(&c))
    {
        return None;
    }
    let rest = &s[bar + 2..];
    Some(rest)
}

fn time_of_day(t: &str) -> Option<f64> {
    let mut it = t.split(':');
    let h: f64 = it.next()?.parse().ok()?;
    let m: f64 = it.next()?.parse().ok()?;
    let s: f64 = it.next()?.parse().ok()?;
    if it.next().is_some() || !(0.0..24.0).contains(&h) || !(0.0..60.0).contains(&m) {
        return None;
    }
    Some(h * 3600.0 + m * 60.0 + s)
}

fn stamp(text: std::borrow::Cow<'_, str>, month: u32, day: u32, secs: f64) -> LineStamp<'_> {
    LineStamp { text, key: ((month * 31 + day) as f64) * 86400.0 + secs }
}

/// A short stable hex id of some strings.
pub(crate) fn short_hash(parts: &[&str]) -> String {
    let mut h = Fnv1a::new();
    for p in parts {
        h.field(p.as_bytes());
    }
    format!("{:08x}", h.finish() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gutter_prefix() {
        let v = split(
            "  | [2025-03-10T15:07:20Z] ERROR 03-10 08:07:20 [core.py:302]   File \"/x/core.py\", line 59, in __init__",
        );
        assert!(v.prefixed);
        assert_eq!(v.msg.trim_start(), "File \"/x/core.py\", line 59, in __init__");
        let g = split("    |   File \"/x/base.py\", line 175, in __call__");
        assert_eq!(g.msg.trim_start(), "File \"/x/base.py\", line 175, in __call__");
    }

    #[test]
    fn sglang_prefix() {
        let v = split("[2025-03-07 21:49:33 DP1 TP13] Decode out of memory happened.");
        assert_eq!(v.msg, "Decode out of memory happened.");
        assert_eq!((v.who.dp, v.who.tp), (Some(1), Some(13)));
        assert_eq!(v.stamp().unwrap().text, "2025-03-07 21:49:33");
        let v = split("[2025-01-25 21:59:49] DetokenizerManager hit an exception: Traceback");
        assert!(v.rank().is_unranked());
        assert!(v.msg.starts_with("DetokenizerManager"));
    }

    #[test]
    fn vllm_prefix_keeps_indentation() {
        let v = split(
            "(VllmWorker rank=3 pid=1090) ERROR 06-05 06:18:13 [multiproc_executor.py:470]   File \"x.py\", line 1, in f",
        );
        assert_eq!(v.who.worker, Some(3));
        assert_eq!(v.level, Some(Level::Error));
        assert_eq!(v.msg, "  File \"x.py\", line 1, in f");
        let v =
            split("(EngineCore_DP0 pid=3584999) ERROR 08-19 05:56:57 [core.py:1346] ValueError: x");
        assert_eq!(v.msg, "ValueError: x");
        assert_eq!(v.who.role, Some("EngineCore"));
        let v = split(
            "INFO 12-02 14:35:27 model_runner.py:1072] Loading model weights took 14.9888 GB",
        );
        assert_eq!(v.msg, "Loading model weights took 14.9888 GB");
    }

    #[test]
    fn torch_glog_prefix() {
        let v =
            split("[rank4]:[E304 12:54:52.122900428 ProcessGroupNCCL.cpp:616] [Rank 4] Watchdog");
        assert_eq!(v.who.worker, Some(4));
        assert_eq!(v.level, Some(Level::Error));
        assert_eq!(v.msg, "[Rank 4] Watchdog");
        let v = split("E0304 12:54:52.122900 1234 socket.cpp:12] connect failed");
        assert_eq!(v.msg, "connect failed");
    }

    #[test]
    fn container_and_iso_prefixes() {
        let v =
            split("sglang-1  | 2025-03-07T21:49:33.123Z [2025-03-07 21:49:33 TP0] Prefill batch.");
        assert_eq!(v.msg, "Prefill batch.");
        assert_eq!(v.who.tp, Some(0));
        let v = split("INFO:     Uvicorn running on http://0.0.0.0:30000");
        assert_eq!(v.msg, "Uvicorn running on http://0.0.0.0:30000");
    }

    #[test]
    fn cloud_export_severity_stamp_and_labels() {
        let l = "INFO 2025-11-19T20:16:36.096625454Z [resource.labels.containerName: vllm] \
                 (EngineCore_DP0 pid=270) ERROR 11-19 12:16:36 [v1/engine/core.py:842] \
                 torch.OutOfMemoryError: CUDA out of memory.";
        let v = split(l);
        assert!(v.prefixed);
        assert_eq!(v.msg, "torch.OutOfMemoryError: CUDA out of memory.");
        assert_eq!(v.level, Some(Level::Error));
    }

    #[test]
    fn cri_container_prefix_is_stripped() {
        let v = split(
            "2025-07-25T07:53:08.217492618+08:00 stdout F   File \"/x/scheduler.py\", line 1, in f",
        );
        assert!(v.prefixed);
        assert!(v.msg.trim_start().starts_with("File \"/x/scheduler.py\""), "{}", v.msg);
        let v = split("2025-07-25T07:53:08.21748708+08:00 stderr F [2025-07-25 07:53:08 TP2] x");
        assert_eq!(v.msg, "x");
    }

    #[test]
    fn unprefixed_lines_stay_whole() {
        for l in [
            "  File \"a.py\", line 3, in f",
            "KeyError: 'x'",
            "29280, Timeout(ms)=600000)",
            "Note: x",
        ] {
            let v = split(l);
            assert!(!v.prefixed, "{l}");
            assert_eq!(v.msg, l);
        }
    }

    #[test]
    fn syslog_and_journald_prefixes() {
        // vllm-project/vllm#5376 (journald under a Chinese locale), and the English month form.
        let v = split("6月 10 16:45:05 ma-MS-TZZ-Z690M bash[107468]:     raise e");
        assert_eq!(v.msg, "    raise e");
        assert!(v.stamp.is_some() && v.stream.is_some());
        let v = split("Jun 10 16:45:05 host vllm[12]: INFO 06-10 16:45:05 api_server.py:1] x");
        assert_eq!(v.msg, "x");
        assert_eq!(split("May 5 is a date").msg, "May 5 is a date");
    }

    #[test]
    fn djl_serving_relay_prefix() {
        // vllm-project/vllm#2856 (DJL Serving's LMI container running vLLM under Ray).
        let v = split(
            "WARN  PyProcess W-252-model-stderr:   File \"/x/vllm/worker/worker.py\", line 125, in warm_up_model",
        );
        assert_eq!(v.msg, "  File \"/x/vllm/worker/worker.py\", line 125, in warm_up_model");
        assert_eq!(v.level, None);
        assert_eq!(split("WARN  PyProcess started").msg, "WARN  PyProcess started");
    }

    #[test]
    fn glued_tqdm_prefix() {
        let v = split(
            "  0%|   | 0/23 [00:00<?, ?it/s][2025-03-10 16:21:21 TP1] Capture cuda graph begin.",
        );
        assert_eq!(v.who.tp, Some(1));
        assert_eq!(v.msg, "Capture cuda graph begin.");
    }
}
