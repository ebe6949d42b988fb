//! Reading the launch log of `capacity explain`: a regular file of 4 MiB or more whose text
//! [`perfpilot_report::LogText`] would pass through (UTF-8, `\n` line ends) is memory-mapped
//! and cut into blocks of whole lines where it lies; the thread that scans a block also checks
//! it for an ESC byte and, where there is one, scans the block cleaned of its escape sequences
//! instead (`perfpilot_launchlog::parse_blocks_with`'s `prepare`). Anything else (a FIFO,
//! UTF-16, CR-only line ends, a short file, a map that fails) is read through `LogText` as
//! before. Both give the parser the same text (capspeed2, docs/performance.md: 8–11 % less
//! CPU on a 1 GiB log than reading it).

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use perfpilot_launchlog::{LaunchLog, LaunchRules};
use perfpilot_report::Progress;

/// Mapped blocks end at the first line end after this many bytes: small enough that the ESC
/// check, the packed search and the line count find the block in the core's cache (measured:
/// 256–512 KiB cost about 3 % less CPU than 4 MiB on a 1 GiB log); at least the prefilter's
/// 256 KiB (`perfpilot_launchlog`'s `AUTO_MIN_BLOCK`).
const BLOCK: usize = 512 << 10;
/// Files shorter than this (the streaming reader's block) are read, not mapped.
const MAP_MIN: u64 = 4 << 20;

/// A reader that reports bytes read.
struct Counting<'a, R> {
    inner: R,
    progress: &'a dyn Progress,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

/// Parse the launch log at `path` with `rules`, reporting bytes read to `progress`.
pub(super) fn parse_log(
    path: &Path,
    rules: &Arc<LaunchRules>,
    progress: &dyn Progress,
) -> std::io::Result<LaunchLog> {
    let file = perfpilot_io::open_stream(path)?;
    let len = file.metadata().ok().map(|m| m.len());
    if let Some(n) = len {
        progress.set_total(n);
    }
    progress.message("parsing launch log");
    let map = len.filter(|&n| n >= MAP_MIN).and_then(|_| perfpilot_io::Mapped::new(&file));
    let plain = map.as_ref().and_then(|m| {
        perfpilot_report::plain_start(&m[..m.len().min(perfpilot_report::LOG_TEXT_SNIFF)])
    });
    let log = match (&map, plain) {
        (Some(m), Some(skip)) => {
            progress.advance(skip as u64);
            parse_mapped(&m[skip..], rules, progress, BLOCK)?
        }
        _ => {
            drop(map);
            // Colour codes, UTF-16 and CR-only line ends are normalised before matching.
            let text = perfpilot_report::LogText::new(Counting { inner: file, progress });
            let reader = std::io::BufReader::with_capacity(1 << 20, text);
            perfpilot_launchlog::parse_reader_with(reader, rules)?
        }
    };
    progress.finish();
    Ok(log)
}

/// Parse `text` (a file [`perfpilot_report::plain_start`] accepts, from the byte it names)
/// in blocks of at least `block` bytes of whole lines, each cleaned of escape sequences by
/// the thread that scans it where it holds an ESC byte.
fn parse_mapped(
    text: &[u8],
    rules: &Arc<LaunchRules>,
    progress: &dyn Progress,
    block: usize,
) -> std::io::Result<LaunchLog> {
    let mut at = 0usize;
    let blocks = std::iter::from_fn(move || {
        if at >= text.len() {
            return None;
        }
        let from = at.saturating_add(block).min(text.len());
        let end = memchr::memchr(b'\n', &text[from..]).map_or(text.len(), |p| from + p + 1);
        let raw = &text[at..end];
        at = end;
        progress.advance(raw.len() as u64);
        Some(Ok(Cow::Borrowed(raw)))
    });
    let clean = |raw: &[u8], out: &mut Vec<u8>| {
        if memchr::memchr(0x1B, raw).is_none() {
            return false;
        }
        out.reserve(raw.len());
        perfpilot_report::strip_escapes(raw, out);
        true
    };
    perfpilot_launchlog::parse_blocks_with(blocks, rules, Some(&clean))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mapped path (small blocks, so that a corpus log spans several) gives what reading
    /// through `LogText` gives, on every corpus launch log and on variants of some with colour
    /// codes, a UTF-8 byte-order mark and CRLF line ends.
    #[test]
    fn mapped_blocks_parse_like_the_log_text_reader() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/corpus/launch");
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "log"))
            .collect();
        paths.sort();
        assert!(paths.len() > 100, "{}", paths.len());
        let rules = LaunchRules::builtin();
        let none = perfpilot_report::NoProgress;
        let mut checked = 0;
        for (i, p) in paths.iter().enumerate() {
            let raw = std::fs::read(p).unwrap();
            let mut variants = vec![raw.clone()];
            if i % 7 == 0 {
                let mut bom = vec![0xEF, 0xBB, 0xBF];
                bom.extend_from_slice(&raw);
                variants.push(bom);
                let s = String::from_utf8_lossy(&raw);
                variants
                    .push(s.replace("] ", "] \x1b[32m").replace('\n', "\x1b[0m\n").into_bytes());
                variants.push(s.replace('\n', "\r\n").into_bytes());
            }
            for v in variants {
                let Some(skip) = perfpilot_report::plain_start(&v[..v.len().min(64 << 10)]) else {
                    continue;
                };
                let text = perfpilot_report::LogText::new(&v[..]);
                let reader = std::io::BufReader::with_capacity(1 << 20, text);
                let want = perfpilot_launchlog::parse_reader_with(reader, &rules).unwrap();
                for block in [512, 8 << 10] {
                    let got = parse_mapped(&v[skip..], &rules, &none, block).unwrap();
                    assert_eq!(got, want, "{} block {block}", p.display());
                }
                checked += 1;
            }
        }
        assert!(checked > paths.len(), "{checked}");
    }

    /// A file of several blocks is parsed from its map with the result of reading it.
    #[test]
    fn a_long_file_reads_the_same_mapped_and_streamed() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/corpus/launch");
        let mut body = Vec::new();
        let mut names: Vec<_> =
            std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok().map(|e| e.path())).collect();
        names.sort();
        for p in names.iter().filter(|p| p.extension().is_some_and(|x| x == "log")).cycle() {
            if body.len() as u64 > 2 * MAP_MIN + 12_345 {
                break;
            }
            body.extend_from_slice(&std::fs::read(p).unwrap());
            body.extend_from_slice(b"\n\x1b[1mcoloured\x1b[0m line\n");
        }
        let tmp = std::env::temp_dir().join(format!("pp-explain-map-{}.log", std::process::id()));
        std::fs::write(&tmp, &body).unwrap();
        let rules = LaunchRules::builtin();
        let got = parse_log(&tmp, &rules, &perfpilot_report::NoProgress).unwrap();
        let text = perfpilot_report::LogText::new(&body[..]);
        let reader = std::io::BufReader::with_capacity(1 << 20, text);
        let want = perfpilot_launchlog::parse_reader_with(reader, &rules).unwrap();
        std::fs::remove_file(&tmp).unwrap();
        assert_eq!(got, want);
    }
}
