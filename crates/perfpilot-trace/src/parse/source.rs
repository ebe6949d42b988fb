//! Bytes in: a reader thread reads (and gunzips) the file into fixed-size chunks and
//! sends them to the parsing thread over a bounded channel; emptied buffers come back
//! for reuse, so memory stays at a few chunks whatever the file size.

use std::io::{self, Read};
use std::path::Path;

use crossbeam_channel::bounded;
use perfpilot_report::Progress;

use super::CHUNK_BYTES;
use crate::error::TraceError;

/// Chunks in flight between the threads.
const QUEUE: usize = 4;

/// A reader that reports consumed (compressed) bytes to a progress sink.
struct Counting<'a, R> {
    inner: R,
    progress: &'a dyn Progress,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

enum Msg {
    Data(Vec<u8>),
    Failed { offset: u64, error: io::Error, decompressing: bool },
}

/// Stream a file through `consume`, decompressing gzip (detected by its magic bytes).
pub(super) fn stream_file(
    path: &Path,
    progress: &dyn Progress,
    consume: &mut dyn FnMut(&[u8]) -> Result<(), TraceError>,
) -> Result<(), TraceError> {
    let file = perfpilot_io::open_stream(path).map_err(|e| TraceError::io(path, e))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    progress.set_total(len);
    let counted = Counting { inner: file, progress };
    let (reader, gzip) = decoded(counted).map_err(|e| TraceError::io(path, e))?;
    pump(path, reader, gzip, consume)
}

/// `reader` decompressed when it starts with the gzip magic bytes (read in full, so a short
/// read cannot hide them), and whether it did.
pub(crate) fn decoded<'a>(
    mut reader: impl Read + Send + 'a,
) -> io::Result<(Box<dyn Read + Send + 'a>, bool)> {
    let mut magic = [0u8; 2];
    let got = read_full(&mut reader, &mut magic)?;
    let gzip = got == 2 && magic == [0x1f, 0x8b];
    let head = io::Cursor::new(magic[..got].to_vec()).chain(reader);
    let out: Box<dyn Read + Send + 'a> = if gzip {
        Box::new(perfpilot_io::BudgetReader::decompressed(
            flate2::read::MultiGzDecoder::new(head),
            "gzip input",
        ))
    } else {
        Box::new(head)
    };
    Ok((out, gzip))
}

/// Stream an in-memory document through `consume` (same pipeline, same errors).
pub(super) fn stream_bytes(
    path: &Path,
    bytes: &[u8],
    consume: &mut dyn FnMut(&[u8]) -> Result<(), TraceError>,
) -> Result<(), TraceError> {
    let gzip = bytes.starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn Read + Send + '_> = if gzip {
        Box::new(perfpilot_io::BudgetReader::decompressed(
            flate2::read::MultiGzDecoder::new(bytes),
            "gzip input",
        ))
    } else {
        Box::new(bytes)
    };
    pump(path, reader, gzip, consume)
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// Run the reader on a scoped thread and feed its chunks to `consume` on this one.
fn pump(
    path: &Path,
    mut reader: Box<dyn Read + Send + '_>,
    gzip: bool,
    consume: &mut dyn FnMut(&[u8]) -> Result<(), TraceError>,
) -> Result<(), TraceError> {
    let (full_tx, full_rx) = bounded::<Msg>(QUEUE);
    let (empty_tx, empty_rx) = bounded::<Vec<u8>>(QUEUE + 2);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut offset = 0u64;
            loop {
                let mut buf =
                    empty_rx.try_recv().unwrap_or_else(|_| Vec::with_capacity(CHUNK_BYTES));
                buf.resize(CHUNK_BYTES, 0);
                let mut filled = 0;
                let mut failure = None;
                while filled < CHUNK_BYTES {
                    match reader.read(&mut buf[filled..]) {
                        Ok(0) => break,
                        Ok(n) => filled += n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => {
                            failure = Some(e);
                            break;
                        }
                    }
                }
                buf.truncate(filled);
                if filled > 0 && full_tx.send(Msg::Data(buf)).is_err() {
                    return; // the parser stopped (error); nothing more to do
                }
                offset += filled as u64;
                if let Some(error) = failure {
                    let _ = full_tx.send(Msg::Failed { offset, error, decompressing: gzip });
                    return;
                }
                if filled < CHUNK_BYTES {
                    return; // end of input
                }
            }
        });
        // Parser side. Dropping the receivers on an early return unblocks the reader.
        let result = (|| {
            for msg in full_rx.iter() {
                match msg {
                    Msg::Data(buf) => {
                        consume(&buf)?;
                        let _ = empty_tx.try_send(buf);
                    }
                    Msg::Failed { offset, error, decompressing: true } => {
                        return Err(TraceError::Decompress {
                            path: path.to_path_buf(),
                            offset,
                            source: error,
                        });
                    }
                    Msg::Failed { error, .. } => return Err(TraceError::io(path, error)),
                }
            }
            Ok(())
        })();
        drop(full_rx);
        drop(empty_tx);
        result
    })
}
