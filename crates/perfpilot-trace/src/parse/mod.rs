//! Streaming trace parser: file → (gunzip) → chunk channel → top-level splitter →
//! per-event field reader → compact model.
//!
//! A reader thread reads and decompresses (flate2 with the zlib-rs backend) into
//! fixed-size chunks; the calling thread splits them into events (`scan`) and reads the
//! fields the model needs from each (`raw`), jumping over the rest with memchr. No DOM
//! of the file is ever built; memory is the model plus a few chunks.

mod builder;
mod number;
mod raw;
mod scan;
mod source;

pub(crate) use source::decoded;

use std::path::Path;

use perfpilot_report::Progress;

pub use number::{Nanos, NumError, micros_literal_to_ns};

use crate::error::TraceError;
use crate::model::Trace;
use builder::TraceBuilder;
use scan::{DocumentReader, FeedError, Item, ScanError, Took};

/// Size of the chunks the reader thread hands to the parser.
pub const CHUNK_BYTES: usize = 1 << 20;

/// Read and parse one trace file (`.json` or gzip, detected by content).
pub fn read_trace_file(path: &Path, progress: &dyn Progress) -> Result<Trace, TraceError> {
    let mut parser = EventParser::new(path);
    source::stream_file(path, progress, &mut |chunk| parser.feed(chunk))?;
    parser.finish()
}

/// Parse a trace held in memory (plain JSON or gzip, detected by content). Used by the
/// fuzz target and tests; files go through [`read_trace_file`].
pub fn parse_trace_bytes(bytes: &[u8]) -> Result<Trace, TraceError> {
    let path = Path::new("<memory>");
    let mut parser = EventParser::new(path);
    source::stream_bytes(path, bytes, &mut |chunk| parser.feed(chunk))?;
    parser.finish()
}

/// Parse an in-memory plain-JSON document fed to the splitter in chunks of
/// `chunk_size` bytes, on the calling thread (no reader thread, no gzip). The fuzz
/// target uses it to check that any split of any input parses without panicking, and
/// the same as one piece.
pub fn parse_trace_chunks(bytes: &[u8], chunk_size: usize) -> Result<Trace, TraceError> {
    let path = Path::new("<memory>");
    let mut parser = EventParser::new(path);
    for chunk in bytes.chunks(chunk_size.max(1)) {
        parser.feed(chunk)?;
    }
    parser.finish()
}

/// True when the file's top level is a trace: an object whose `traceEvents` array is
/// reached, or an array whose first element is an object. Reads at most 8 MiB of JSON.
pub fn looks_like_trace(path: &Path) -> bool {
    use std::io::Read;
    let Ok(file) = perfpilot_io::open_input(path) else { return false };
    let Ok((mut reader, _)) = decoded(file) else { return false };
    let mut doc = DocumentReader::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut seen = 0usize;
    let found = std::cell::Cell::new(false);
    let mut sink = |item: Item<'_>| -> Result<Took, ()> {
        match item {
            Item::Event { .. } => {
                found.set(true);
                Err(())
            }
            _ => Ok(Took::Bytes(0)),
        }
    };
    while seen < 8 << 20 {
        let n = match reader.read(&mut buf) {
            Ok(0) | Err(_) => return doc.finish(&mut sink).is_ok() || found.get(),
            Ok(n) => n,
        };
        seen += n;
        if doc.feed(&buf[..n], &mut sink).is_err() {
            return found.get();
        }
    }
    false
}

/// Splitter + builder: the parser half of the pipeline.
struct EventParser<'p> {
    path: &'p Path,
    reader: DocumentReader,
    builder: TraceBuilder,
    bytes: u64,
}

impl<'p> EventParser<'p> {
    fn new(path: &'p Path) -> EventParser<'p> {
        EventParser { path, reader: DocumentReader::new(), builder: TraceBuilder::new(), bytes: 0 }
    }

    fn feed(&mut self, chunk: &[u8]) -> Result<(), TraceError> {
        self.bytes += chunk.len() as u64;
        let builder = &mut self.builder;
        let path = self.path;
        let result = self.reader.feed(chunk, &mut |item| handle(builder, path, item));
        result.map_err(|e| self.convert(e))
    }

    fn finish(mut self) -> Result<Trace, TraceError> {
        let builder = &mut self.builder;
        let path = self.path;
        let result = self.reader.finish(&mut |item| handle(builder, path, item));
        result.map_err(|e| self.convert(e))?;
        self.builder.set_json_bytes(self.bytes);
        Ok(self.builder.finish())
    }

    fn convert(&self, e: FeedError<TraceError>) -> TraceError {
        match e {
            FeedError::Sink(e) => e,
            FeedError::Scan(ScanError::Syntax { offset, message }) => {
                TraceError::Json { path: self.path.to_path_buf(), offset, message }
            }
            FeedError::Scan(ScanError::NotATrace(reason)) => {
                TraceError::NotATrace { path: self.path.to_path_buf(), reason }
            }
        }
    }
}

fn handle(builder: &mut TraceBuilder, path: &Path, item: Item<'_>) -> Result<Took, TraceError> {
    match item {
        Item::Event { bytes, offset, partial } => match raw::read_event(bytes) {
            Ok((event, len)) => {
                builder.count_event();
                builder.add(event, offset);
                if let Some((field, offset, value)) = builder.take_overflow() {
                    return Err(TraceError::Overflow {
                        path: path.to_path_buf(),
                        offset,
                        field,
                        value,
                    });
                }
                Ok(Took::Bytes(len))
            }
            Err(err) if partial && err.incomplete => Ok(Took::NeedMore),
            Err(err) => Err(TraceError::Json {
                path: path.to_path_buf(),
                offset: offset + err.at as u64,
                message: format!("{} (in the event starting at byte {offset})", err.message),
            }),
        },
        Item::NotAnObject { offset } => {
            builder.count_event();
            builder.skip("not-an-object", offset, || "event is not a JSON object".into());
            Ok(Took::Bytes(0))
        }
        Item::TopLevel { key, value } => {
            builder.top_level(key, value);
            Ok(Took::Bytes(0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{GpuKind, RuntimeKind};

    const DOC: &str = r#"{"distributedInfo": {"backend": "nccl", "rank": 3, "world_size": 8},
      "deviceProperties": [{"id": 0, "name": "NVIDIA H100"}],
      "traceEvents": [
      {"ph": "X", "cat": "cpu_op", "name": "aten::mm", "pid": 10, "tid": 11, "ts": 100.5, "dur": 20, "args": {"External id": 5}},
      {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 10, "tid": 11, "ts": 101, "dur": 3.25, "args": {"External id": 5, "correlation": 77}},
      {"ph": "X", "cat": "kernel", "name": "gemm", "pid": 0, "tid": 7, "ts": 110.001, "dur": 9.999, "args": {"External id": 5, "correlation": 77, "stream": 7, "device": 0}},
      {"ph": "X", "cat": "python_function", "name": "a.py(1): f", "pid": 10, "tid": 11, "ts": 90, "dur": 50, "args": {"Python id": 1, "Python parent id": null}},
      {"ph": "X", "cat": "python_function", "name": "b.py(2): g", "pid": 10, "tid": 11, "ts": 95, "dur": 40, "args": {"Python id": 2, "Python parent id": 1}},
      {"ph": "s", "cat": "ac2g", "name": "ac2g", "id": 77, "pid": 10, "tid": 11, "ts": 101},
      {"ph": "f", "cat": "ac2g", "name": "ac2g", "id": 77, "pid": 0, "tid": 7, "ts": 110.001, "bp": "e"},
      {"ph": "X", "cat": "kernel", "name": "neg", "pid": 0, "tid": 7, "ts": 5, "dur": -1},
      {"ph": "X", "cat": "kernel", "name": "nots", "pid": 0, "tid": 7, "dur": 1},
      {"ph": "X", "cat": "kernel", "name": "badts", "pid": 0, "tid": 7, "ts": "x", "dur": 1},
      {"ph": "X", "cat": "kernel", "name": 5, "pid": 0, "tid": 7, "ts": 1, "dur": 1},
      {"ph": "M", "name": "thread_name", "pid": 10, "tid": 11, "args": {"name": "python"}},
      {"ph": "i", "name": "instant", "ts": 1}
    ]}"#;

    #[test]
    fn parses_every_class_and_counts_skips() {
        let t = parse_trace_bytes(DOC.as_bytes()).unwrap();
        assert_eq!(t.meta.rank, Some(3));
        assert_eq!(t.meta.world_size, Some(8));
        assert_eq!(t.meta.device_names, vec!["NVIDIA H100".to_string()]);
        assert_eq!(t.gpu.len(), 1);
        let k = t.gpu[0];
        assert_eq!(
            (k.kind, k.ts, k.dur, k.stream, k.correlation, k.external_id),
            (GpuKind::Kernel, 110_001, 9_999, 7, 77, 5)
        );
        assert_eq!(t.name(k.name), "gemm");
        assert_eq!(t.cpu_ops.len(), 1);
        assert_eq!(t.cpu_ops[0].ts, 100_500);
        assert_eq!(t.runtime[0].kind, RuntimeKind::KernelLaunch);
        assert_eq!(t.runtime[0].dur, 3_250);
        assert_eq!(t.python.len(), 2);
        assert_eq!(t.python[1].parent_index(), Some(0));
        assert_eq!(t.python[0].parent_index(), None);
        assert_eq!(t.flows.len(), 2);
        let lane = t.lane(t.cpu_ops[0].lane).unwrap();
        assert_eq!(lane.thread_name.map(|n| t.name(n)), Some("python"));
        let reasons: Vec<(&str, u64)> =
            t.stats.skipped.iter().map(|s| (s.reason.as_str(), s.count)).collect();
        assert_eq!(
            reasons,
            vec![("bad-ts", 1), ("missing-name", 1), ("missing-ts", 1), ("negative-duration", 1)]
        );
        assert_eq!(t.stats.events, 13);
    }

    #[test]
    fn gzip_and_plain_give_the_same_trace() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(DOC.as_bytes()).unwrap();
        let gz = enc.finish().unwrap();
        let a = parse_trace_bytes(DOC.as_bytes()).unwrap();
        let b = parse_trace_bytes(&gz).unwrap();
        assert_eq!(a.gpu, b.gpu);
        assert_eq!(a.python, b.python);
        // Truncated gzip is an error that says so.
        let err = parse_trace_bytes(&gz[..gz.len() / 2]).unwrap_err();
        assert!(matches!(err, TraceError::Decompress { .. } | TraceError::Json { .. }), "{err}");
    }

    /// Found by the fuzz target: an event whose skipped array holds an unbalanced `{`.
    /// Chunked and whole parses must give the same answer.
    #[test]
    fn chunk_boundaries_do_not_change_the_result() {
        let doc = br#"{"traceEvents": [{"ph": "X", "args": {"x": [ { ]}}, {"ph": "i"}]}"#;
        let whole = parse_trace_chunks(doc, doc.len());
        for chunk in 1..doc.len() {
            let part = parse_trace_chunks(doc, chunk);
            assert_eq!(part.is_ok(), whole.is_ok(), "chunk {chunk}");
            if let (Ok(a), Ok(b)) = (&part, &whole) {
                assert_eq!(a.stats, b.stats, "chunk {chunk}");
            }
        }
        let real = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/trace/tl_b300_moe_micro/moe_05_large_capacity.json.gz"
        ))
        .unwrap();
        let mut json = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&real[..]), &mut json)
            .unwrap();
        let whole = parse_trace_chunks(&json, json.len()).unwrap();
        for chunk in [1, 7, 64, 4096] {
            let part = parse_trace_chunks(&json, chunk).unwrap();
            assert_eq!(
                (&part.gpu, &part.cpu_ops, &part.stats),
                (&whole.gpu, &whole.cpu_ops, &whole.stats)
            );
        }
    }

    #[test]
    fn invalid_json_reports_the_byte_offset() {
        let doc = b"{\"traceEvents\": [\n{\"ph\": \"X\",\n \"name\": tru}]}";
        let err = parse_trace_bytes(doc).unwrap_err();
        match err {
            TraceError::Json { offset, .. } => assert_eq!(offset, 39, "{err:?}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(parse_trace_bytes(b"{\"a\": 1}"), Err(TraceError::NotATrace { .. })));
    }
}
