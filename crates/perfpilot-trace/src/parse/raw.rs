//! Field extraction from one event object, by hand, at memchr speed.
//!
//! serde_json's derive reads every key and validates every skipped value as it goes; on
//! real traces most bytes are `args` the model never uses (`Concrete Inputs`, `Input
//! Strides`, …), and that made serde 4x slower than `gzip -dc` (measured; see
//! docs/performance.md). This reader walks the object's keys, reads the dozen fields
//! the model needs, and jumps over every other value with `memchr` (strings and
//! brackets are matched, contents are not validated). `Input Dims` / `Input type` are
//! jumped over the same way, keeping their byte range for [`render_array`]. Keys, the structure between
//! them and every value it reads are checked; a syntax error returns its offset.
//! A differential test checks it against serde_json on real events.

use std::borrow::Cow;

use memchr::{memchr2, memchr3};

/// A syntax error inside an event: offset within the event and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    pub at: usize,
    pub message: &'static str,
    /// The reader ran out of bytes: with more input the event may be fine.
    pub incomplete: bool,
}

/// A scalar value as written: a string (raw contents between the quotes), a number or
/// literal (raw text), or a container / null (nothing usable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RawVal<'a> {
    Str { raw: &'a [u8], escaped: bool },
    Num(&'a [u8]),
    Other,
}

impl<'a> RawVal<'a> {
    /// The value as an unsigned id: a non-negative integer, or a string of digits.
    pub fn id(&self) -> Option<u64> {
        match *self {
            RawVal::Num(t) => parse_u64(t),
            RawVal::Str { raw, escaped: false } => parse_u64(trim(raw)),
            _ => None,
        }
    }

    /// The value as a signed integer (pid/tid), when it is one.
    pub fn int(&self) -> Option<i64> {
        match *self {
            RawVal::Num(t) => {
                let (neg, digits) = match t.split_first() {
                    Some((b'-', rest)) => (true, rest),
                    _ => (false, t),
                };
                let v = i64::try_from(parse_u64(digits)?).ok()?;
                Some(if neg { -v } else { v })
            }
            _ => None,
        }
    }

    /// The value as text (strings only), unescaped when needed.
    pub fn text(&self) -> Option<Cow<'a, str>> {
        match *self {
            RawVal::Str { raw, escaped: false } => std::str::from_utf8(raw).ok().map(Cow::Borrowed),
            RawVal::Str { raw, escaped: true } => unescape(raw).map(Cow::Owned),
            _ => None,
        }
    }

    /// The literal text of a number, or the contents of a string (for `ts`/`dur`).
    pub fn literal(&self) -> Option<&'a [u8]> {
        match *self {
            RawVal::Num(t) => Some(t),
            RawVal::Str { raw, escaped: false } => Some(raw),
            _ => None,
        }
    }
}

fn trim(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(s.len());
    let end = s.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(start, |e| e + 1);
    &s[start..end.max(start)]
}

fn parse_u64(t: &[u8]) -> Option<u64> {
    if t.is_empty() || t.len() > 20 || !t.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: u64 = 0;
    for &d in t {
        v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some(v)
}

fn unescape(raw: &[u8]) -> Option<String> {
    let mut quoted = Vec::with_capacity(raw.len() + 2);
    quoted.push(b'"');
    quoted.extend_from_slice(raw);
    quoted.push(b'"');
    serde_json::from_slice(&quoted).ok()
}

/// The fields of one event the model uses.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawEvent<'a> {
    pub ph: Option<RawVal<'a>>,
    pub cat: Option<RawVal<'a>>,
    pub name: Option<RawVal<'a>>,
    pub pid: Option<RawVal<'a>>,
    pub tid: Option<RawVal<'a>>,
    pub ts: Option<RawVal<'a>>,
    pub dur: Option<RawVal<'a>>,
    pub id: Option<RawVal<'a>>,
    pub args: RawArgs<'a>,
}

/// The `args` fields the model uses.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawArgs<'a> {
    pub external_id: Option<RawVal<'a>>,
    /// Legacy Kineto spells it in lower case on GPU and runtime events.
    pub external_id_lower: Option<RawVal<'a>>,
    pub correlation: Option<RawVal<'a>>,
    pub stream: Option<RawVal<'a>>,
    pub cuda_stream: Option<RawVal<'a>>,
    pub device: Option<RawVal<'a>>,
    pub python_id: Option<RawVal<'a>>,
    pub python_parent_id: Option<RawVal<'a>>,
    /// `process_name` / `thread_name` metadata.
    pub name: Option<RawVal<'a>>,
    /// `Input Dims` of a `cpu_op` (profiled with `record_shapes=True`): the raw JSON
    /// array, brackets included (checked for matched brackets and strings only).
    pub input_dims: Option<&'a [u8]>,
    /// `Input type`, the same way.
    pub input_types: Option<&'a [u8]>,
    /// NCCL metadata Kineto writes on collective kernels (and `record_param_comms`).
    pub comm: RawComm<'a>,
}

/// The NCCL/RCCL metadata of a collective, as Kineto writes it into `args` (PyTorch ≥ 2.1
/// on the kernel; `Seq` from PyTorch 2.6 on). Absent on every other event.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawComm<'a> {
    /// `Process Group Name` (`"0"`, `"3"`, …).
    pub pg_name: Option<RawVal<'a>>,
    /// `Seq` (or `seq`): the collective's sequence number within its process group.
    pub seq: Option<RawVal<'a>>,
    /// `Collective name` (`allreduce`, `_allgather_base`, …).
    pub collective: Option<RawVal<'a>>,
    /// `Group size`.
    pub group_size: Option<RawVal<'a>>,
    /// `In msg nelems`.
    pub in_nelems: Option<RawVal<'a>>,
    /// `dtype`.
    pub dtype: Option<RawVal<'a>>,
    /// `Process Group Ranks` (a string such as `"[0, 1]"`).
    pub pg_ranks: Option<RawVal<'a>>,
}

impl RawComm<'_> {
    /// True when any collective field was present.
    pub fn any(&self) -> bool {
        self.pg_name.is_some() || self.seq.is_some() || self.collective.is_some()
    }
}

impl RawArgs<'_> {
    /// External id from either spelling; 0 when absent.
    pub fn external(&self) -> u64 {
        self.external_id.or(self.external_id_lower).and_then(|v| v.id()).unwrap_or(0)
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    p: usize,
    /// Set when any read reached the end of `b`.
    hit_end: bool,
}

impl<'a> Cursor<'a> {
    fn err<T>(&self, message: &'static str) -> Result<T, FieldError> {
        Err(FieldError { at: self.p.min(self.b.len()), message, incomplete: self.hit_end })
    }

    fn ws(&mut self) -> Option<u8> {
        while let Some(&c) = self.b.get(self.p) {
            if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                self.p += 1;
            } else {
                return Some(c);
            }
        }
        self.hit_end = true;
        None
    }

    /// At an opening quote: the raw contents and whether they hold escapes.
    fn string(&mut self) -> Result<(&'a [u8], bool), FieldError> {
        let start = self.p + 1;
        let mut i = start;
        let mut escaped = false;
        // Most strings are short: a plain loop beats memchr's setup for them.
        let short = (start + 24).min(self.b.len());
        while i < short {
            match self.b[i] {
                b'"' => {
                    self.p = i + 1;
                    return Ok((&self.b[start..i], escaped));
                }
                b'\\' => {
                    escaped = true;
                    i += 2;
                }
                _ => i += 1,
            }
        }
        loop {
            let Some(off) = memchr2(b'"', b'\\', self.b.get(i..).unwrap_or(&[])) else {
                self.p = self.b.len();
                self.hit_end = true;
                return self.err("unterminated string");
            };
            i += off;
            if self.b[i] == b'\\' {
                escaped = true;
                i += 2;
            } else {
                self.p = i + 1;
                return Ok((&self.b[start..i], escaped));
            }
        }
    }

    /// Read a scalar value, or skip a container (returning `Other`).
    fn value(&mut self) -> Result<RawVal<'a>, FieldError> {
        match self.ws() {
            Some(b'"') => {
                let (raw, escaped) = self.string()?;
                Ok(RawVal::Str { raw, escaped })
            }
            Some(b'{') => self.skip_container(b'{', b'}').map(|_| RawVal::Other),
            Some(b'[') => self.skip_container(b'[', b']').map(|_| RawVal::Other),
            Some(c) if c == b'-' || c.is_ascii_alphanumeric() => {
                let start = self.p;
                while let Some(&c) = self.b.get(self.p) {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.p += 1;
                }
                if self.p == self.b.len() {
                    self.hit_end = true;
                }
                let text = &self.b[start..self.p];
                match text {
                    b"null" | b"true" | b"false" => Ok(RawVal::Other),
                    _ if text[0] == b'-' || text[0].is_ascii_digit() => Ok(RawVal::Num(text)),
                    _ => {
                        self.p = start;
                        self.err("expected a value")
                    }
                }
            }
            _ => self.err("expected a value"),
        }
    }

    fn skip_container(&mut self, open: u8, close: u8) -> Result<(), FieldError> {
        let mut depth = 0u32;
        loop {
            let rest = self.b.get(self.p..).unwrap_or(&[]);
            let Some(off) = memchr3(b'"', open, close, rest) else {
                self.p = self.b.len();
                self.hit_end = true;
                return self.err("unterminated object or array");
            };
            self.p += off;
            match self.b[self.p] {
                b'"' => {
                    self.string()?;
                }
                c if c == open => {
                    depth += 1;
                    self.p += 1;
                }
                _ => {
                    self.p += 1;
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
            }
        }
    }

    /// Walk an object's members, handing each key to `field`, which reads or skips the
    /// value.
    fn object(
        &mut self,
        mut field: impl FnMut(&mut Cursor<'a>, &'a [u8]) -> Result<(), FieldError>,
    ) -> Result<(), FieldError> {
        if self.ws() != Some(b'{') {
            return self.err("expected `{`");
        }
        self.p += 1;
        if self.ws() == Some(b'}') {
            self.p += 1;
            return Ok(());
        }
        loop {
            if self.ws() != Some(b'"') {
                return self.err("expected a key string");
            }
            let (key, _) = self.string()?;
            if self.ws() != Some(b':') {
                return self.err("expected `:` after a key");
            }
            self.p += 1;
            field(self, key)?;
            match self.ws() {
                Some(b',') => self.p += 1,
                Some(b'}') => {
                    self.p += 1;
                    return Ok(());
                }
                _ => return self.err("expected `,` or `}`"),
            }
        }
    }
}

/// Read the fields of the event object at the start of `bytes`; returns them and the
/// object's length. Bytes after the object are not looked at.
pub(crate) fn read_event(bytes: &[u8]) -> Result<(RawEvent<'_>, usize), FieldError> {
    let mut ev = RawEvent::default();
    let mut c = Cursor { b: bytes, p: 0, hit_end: false };
    c.object(|c, key| {
        let slot = match key {
            b"ph" => &mut ev.ph,
            b"cat" => &mut ev.cat,
            b"name" => &mut ev.name,
            b"pid" => &mut ev.pid,
            b"tid" => &mut ev.tid,
            b"ts" => &mut ev.ts,
            b"dur" => &mut ev.dur,
            b"id" => &mut ev.id,
            b"args" => {
                if c.ws() == Some(b'{') {
                    return read_args(c, &mut ev.args);
                }
                c.value()?;
                return Ok(());
            }
            _ => {
                c.value()?;
                return Ok(());
            }
        };
        *slot = Some(c.value()?);
        Ok(())
    })?;
    Ok((ev, c.p))
}

/// Read an event that must fill `bytes` exactly (no trailing data, no truncation).
#[cfg(test)]
pub(crate) fn read_exact_event(bytes: &[u8]) -> Result<RawEvent<'_>, FieldError> {
    let (ev, len) = read_event(bytes).map_err(|e| FieldError { incomplete: false, ..e })?;
    let mut c = Cursor { b: bytes, p: len, hit_end: false };
    if c.ws().is_some() {
        return c.err("unexpected data after the event object");
    }
    Ok(ev)
}

fn read_args<'a>(c: &mut Cursor<'a>, args: &mut RawArgs<'a>) -> Result<(), FieldError> {
    c.object(|c, key| {
        let slot = match key {
            b"External id" => &mut args.external_id,
            b"external id" => &mut args.external_id_lower,
            b"correlation" => &mut args.correlation,
            b"stream" => &mut args.stream,
            b"cuda_stream" => &mut args.cuda_stream,
            b"device" => &mut args.device,
            b"Python id" => &mut args.python_id,
            b"Python parent id" => &mut args.python_parent_id,
            b"name" => &mut args.name,
            b"Process Group Name" => &mut args.comm.pg_name,
            b"Seq" | b"seq" => &mut args.comm.seq,
            b"Collective name" => &mut args.comm.collective,
            b"Group size" => &mut args.comm.group_size,
            b"In msg nelems" => &mut args.comm.in_nelems,
            b"dtype" => &mut args.comm.dtype,
            b"Process Group Ranks" => &mut args.comm.pg_ranks,
            b"Input Dims" => return raw_array(c, &mut args.input_dims),
            b"Input type" => return raw_array(c, &mut args.input_types),
            _ => {
                c.value()?;
                return Ok(());
            }
        };
        *slot = Some(c.value()?);
        Ok(())
    })
}

/// Keep the raw bytes of an array value (skipped like any other container); any other
/// value is skipped and leaves `slot` empty.
fn raw_array<'a>(c: &mut Cursor<'a>, slot: &mut Option<&'a [u8]>) -> Result<(), FieldError> {
    if c.ws() != Some(b'[') {
        c.value()?;
        return Ok(());
    }
    let start = c.p;
    c.skip_container(b'[', b']')?;
    *slot = Some(&c.b[start..c.p]);
    Ok(())
}

/// Render a JSON array compactly into `out` (cleared first): its top-level entries with
/// whitespace outside strings removed and the quotes of string entries dropped, joined
/// by `sep`, trailing empty entries (`[]`, `""`) left out. `[[1, 2048], [2048, 4096],
/// []]` → `[1,2048]x[2048,4096]`; `["c10::BFloat16", "Scalar", ""]` →
/// `c10::BFloat16,Scalar`. `raw` is an array as [`RawArgs::input_dims`] holds it.
pub(crate) fn render_array(raw: &[u8], sep: u8, out: &mut Vec<u8>) {
    out.clear();
    let inner = raw.strip_prefix(b"[").and_then(|r| r.strip_suffix(b"]")).unwrap_or(raw);
    // Length of `out` after the last non-empty entry.
    let mut keep = 0;
    let mut entry_start = 0;
    let mut depth = 0u32;
    let mut in_string = false;
    let mut escaped = false;
    fn finish_entry(out: &mut Vec<u8>, entry_start: usize, keep: &mut usize) {
        let entry = &out[entry_start..];
        if entry.len() >= 2 && entry[0] == b'"' && entry[entry.len() - 1] == b'"' {
            out.pop();
            out.remove(entry_start);
        }
        let entry = &out[entry_start..];
        if !entry.is_empty() && entry != b"[]" {
            *keep = out.len();
        }
    }
    for &b in inner {
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => {}
            b',' if depth == 0 => {
                finish_entry(out, entry_start, &mut keep);
                out.push(sep);
                entry_start = out.len();
            }
            _ => {
                match b {
                    b'"' => in_string = true,
                    b'[' | b'{' => depth += 1,
                    b']' | b'}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
                out.push(b);
            }
        }
    }
    finish_entry(out, entry_start, &mut keep);
    out.truncate(keep);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_modern_and_legacy_events() {
        let modern = br#"{"ph": "X", "cat": "kernel", "name": "k\"q", "pid": 0, "tid": 7,
            "ts": 1365627866520.196, "dur": 2.08,
            "args": {"External id": 12, "device": 0, "stream": 7, "correlation": 16,
                     "grid": [1, 1, 1], "nested": {"a": [{"b": null, "c": "]}"}]}}}"#;
        let e = read_exact_event(modern).unwrap();
        assert_eq!(e.ts.and_then(|v| v.literal()), Some(&b"1365627866520.196"[..]));
        assert_eq!(e.name.and_then(|v| v.text()).as_deref(), Some("k\"q"));
        assert_eq!(e.args.external(), 12);
        assert_eq!(e.args.correlation.and_then(|v| v.id()), Some(16));
        assert_eq!(e.tid.and_then(|v| v.int()), Some(7));

        let legacy = br#"{"ph": "X", "cat": "Kernel", "name": "k", "pid": 0,
            "tid": "stream 7", "ts": 1610366662254562, "dur": 397,
            "args": {"stream": 7, "correlation": "31255", "external id": 3}}"#;
        let e = read_exact_event(legacy).unwrap();
        assert_eq!(e.tid.and_then(|v| v.text()).as_deref(), Some("stream 7"));
        assert_eq!(e.args.external(), 3);
        assert_eq!(e.args.correlation.and_then(|v| v.id()), Some(31255));
    }

    #[test]
    fn reads_nccl_metadata_of_collective_kernels() {
        // The args of an NCCL kernel in HTA's nccl_data.json.gz, plus PyTorch 2.6's `Seq`.
        let ev = br#"{"ph": "X", "cat": "kernel", "name": "ncclKernel_AllReduce_RING_LL_Sum_float(ncclDevComm*, unsigned long, ncclWork*)",
            "args": {"External id": 12945, "stream": 40, "correlation": 60047, "grid": [8, 1, 1],
            "Collective name": "allreduce", "In msg nelems": 6637568, "Out msg nelems": 6637568,
            "Group size": 2, "dtype": "Float", "In split size": "[]", "Out split size": "[]",
            "Process Group Name": "0", "Process Group Description": "default_pg",
            "Process Group Ranks": "[0, 1]", "Seq": 17}}"#;
        let e = read_exact_event(ev).unwrap();
        let c = e.args.comm;
        assert!(c.any());
        assert_eq!(c.pg_name.and_then(|v| v.text()).as_deref(), Some("0"));
        assert_eq!(c.collective.and_then(|v| v.text()).as_deref(), Some("allreduce"));
        assert_eq!(c.pg_ranks.and_then(|v| v.text()).as_deref(), Some("[0, 1]"));
        assert_eq!(c.dtype.and_then(|v| v.text()).as_deref(), Some("Float"));
        assert_eq!(c.seq.and_then(|v| v.id()), Some(17));
        assert_eq!(c.group_size.and_then(|v| v.id()), Some(2));
        assert_eq!(c.in_nelems.and_then(|v| v.id()), Some(6637568));
        assert_eq!(e.args.correlation.and_then(|v| v.id()), Some(60047));
        let plain = br#"{"ph": "X", "cat": "kernel", "name": "k", "args": {"stream": 7}}"#;
        assert!(!read_exact_event(plain).unwrap().args.comm.any());
    }

    #[test]
    fn odd_values_read_as_absent() {
        let odd = br#"{"ph": "X", "pid": null, "tid": [1], "id": {"a": 1}, "args": {"External id": -1, "correlation": null, "stream": "x", "Python parent id": null}}"#;
        let e = read_exact_event(odd).unwrap();
        assert_eq!(e.pid, Some(RawVal::Other));
        assert_eq!(e.args.external(), 0);
        assert_eq!(e.args.stream.and_then(|v| v.id()), None);
        assert_eq!(e.tid.and_then(|v| v.int()), None);
    }

    #[test]
    fn syntax_errors_have_offsets() {
        for (doc, at) in [
            (&br#"{"a" 1}"#[..], 5),
            (br#"{"a": 1 "b": 2}"#, 8),
            (br#"{"a": tru}"#, 6),
            (br#"{"a": "x}"#, 9),
            (br#"{"a": [1, 2}"#, 12),
            (br#"{"a": 1}x"#, 8),
            (br#"{a: 1}"#, 1),
        ] {
            let err = read_exact_event(doc).unwrap_err();
            assert_eq!(err.at, at, "{}: {err:?}", String::from_utf8_lossy(doc));
        }
    }

    /// Differential check: on every event of a real trace, the fields read by hand
    /// equal the fields serde_json reads.
    #[test]
    fn agrees_with_serde_json_on_real_events() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/trace/tl_b300_moe_micro/moe_05_large_capacity.json.gz"
        );
        let Ok(gz) = std::fs::read(path) else {
            panic!("fixture missing: {path}");
        };
        let mut json = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut json).unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
        let events = doc["traceEvents"].as_array().unwrap();
        assert!(events.len() > 400);
        for ev in events {
            let bytes = serde_json::to_vec_pretty(ev).unwrap();
            let e = read_exact_event(&bytes).unwrap();
            let s = |v: Option<RawVal>| v.and_then(|v| v.text()).map(|c| c.into_owned());
            assert_eq!(s(e.name), ev["name"].as_str().map(str::to_string));
            assert_eq!(s(e.cat), ev["cat"].as_str().map(str::to_string));
            assert_eq!(s(e.ph), ev["ph"].as_str().map(str::to_string));
            let lit = |v: Option<RawVal>| {
                v.and_then(|v| v.literal()).map(|l| String::from_utf8_lossy(l).into_owned())
            };
            assert_eq!(lit(e.ts), ev.get("ts").map(|v| v.to_string()));
            assert_eq!(lit(e.dur), ev.get("dur").map(|v| v.to_string()));
            let args = &ev["args"];
            assert_eq!(e.args.correlation.and_then(|v| v.id()), args["correlation"].as_u64());
            assert_eq!(e.args.external(), args["External id"].as_u64().unwrap_or(0));
            assert_eq!(e.args.stream.and_then(|v| v.id()), args["stream"].as_u64());
            let array = |raw: Option<&[u8]>| {
                raw.map(|r| serde_json::from_slice::<serde_json::Value>(r).unwrap())
            };
            let want = |key: &str| args.get(key).filter(|v| v.is_array()).cloned();
            assert_eq!(array(e.args.input_dims), want("Input Dims"));
            assert_eq!(array(e.args.input_types), want("Input type"));
        }
    }

    #[test]
    fn input_dims_and_types_render_compactly() {
        let ev = br#"{"ph": "X", "cat": "cpu_op", "name": "aten::addmm", "args": {
            "External id": 9, "Input Dims": [[4096], [1, 2048], [2048, 4096], [], []],
            "Input type": ["c10::BFloat16", "c10::BFloat16", "c10::BFloat16", "Scalar", ""],
            "Input Strides": [[1], [2048, 1], [1, 2048], [], []]}}"#;
        let e = read_exact_event(ev).unwrap();
        let mut out = Vec::new();
        render_array(e.args.input_dims.unwrap(), b'x', &mut out);
        assert_eq!(out, b"[4096]x[1,2048]x[2048,4096]");
        render_array(e.args.input_types.unwrap(), b',', &mut out);
        assert_eq!(out, b"c10::BFloat16,c10::BFloat16,c10::BFloat16,Scalar");
        for (raw, want) in [
            (&b"[]"[..], &b""[..]),
            (b"[[], []]", b""),
            (b"[[], [3]]", b"[]x[3]"),
            (b"[[[1, 2], [1, 2]], [], [5]]", b"[[1,2],[1,2]]x[]x[5]"),
            (b"[\"a b\", \"q\\\"\"]", b"a bxq\\\""),
        ] {
            render_array(raw, b'x', &mut out);
            assert_eq!(out, want, "{}", String::from_utf8_lossy(raw));
        }
        // Not an array: ignored, not an error.
        let odd = br#"{"args": {"Input Dims": null, "Input type": "x"}}"#;
        let e = read_exact_event(odd).unwrap();
        assert_eq!((e.args.input_dims, e.args.input_types), (None, None));
    }
}
