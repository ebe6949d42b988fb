//! Encoding the two tables with the `parquet` crate's column writer: one column chunk at
//! a time per row group, strings as shared `Bytes` (dictionary-encoded by the writer).

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, Int32Type, Int64Type};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::{SerializedFileWriter, SerializedRowGroupWriter};
use parquet::schema::parser::parse_message_type;
use perfpilot_trace::analysis::frames::ReplayKind;
use perfpilot_trace::export::{KernelRecord, RankKernels};
use perfpilot_trace::model::GpuKind;
use perfpilot_trace::triage::report::SiteKind;

use crate::error::ExportError;
use crate::schema::{KERNELS, NAMES, ROW_GROUP_ROWS};

type PqResult<T> = Result<T, parquet::errors::ParquetError>;

/// A writer that counts the bytes it passed on.
struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Run an encoder on a counting `out`; flushed, `out` comes back with the bytes written.
fn counted<W: Write + Send>(
    out: W,
    path: &Path,
    encode: impl FnOnce(Counting<W>) -> PqResult<Counting<W>>,
) -> Result<(W, u64), ExportError> {
    let mut c = encode(Counting { inner: out, bytes: 0 })
        .map_err(|source| ExportError::Parquet { path: path.to_path_buf(), source })?;
    c.flush().map_err(|source| ExportError::Io { path: path.to_path_buf(), source })?;
    Ok((c.inner, c.bytes))
}

fn properties(meta: Vec<KeyValue>) -> Arc<WriterProperties> {
    Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("perfpilot {}", env!("CARGO_PKG_VERSION")))
            .set_key_value_metadata(Some(meta))
            .build(),
    )
}

fn static_bytes(s: &'static str) -> ByteArray {
    ByteArray::from(Bytes::from_static(s.as_bytes()))
}

fn kind_str(k: GpuKind) -> &'static str {
    match k {
        GpuKind::Kernel => "kernel",
        GpuKind::Memcpy => "memcpy",
        GpuKind::Memset => "memset",
        GpuKind::Sync => "sync",
    }
}

fn site_kind_str(k: SiteKind) -> &'static str {
    match k {
        SiteKind::Frame => "frame",
        SiteKind::Mapped => "mapped",
        SiteKind::Replay(ReplayKind::CudaGraph) => "cuda_graph_replay",
        SiteKind::Replay(ReplayKind::TorchCompile) => "torch_compile_replay",
        SiteKind::Unresolved => "unresolved",
    }
}

/// The next column of a row group, which the schema guarantees exists.
fn column<W: Write + Send>(
    rg: &mut SerializedRowGroupWriter<'_, W>,
    write: impl FnOnce(&mut parquet::file::writer::SerializedColumnWriter<'_>) -> PqResult<()>,
) -> PqResult<()> {
    let mut col = rg.next_column()?.ok_or_else(|| {
        parquet::errors::ParquetError::General("more values than schema columns".into())
    })?;
    write(&mut col)?;
    col.close()
}

fn i64s<W: Write + Send>(rg: &mut SerializedRowGroupWriter<'_, W>, v: &[i64]) -> PqResult<()> {
    column(rg, |c| c.typed::<Int64Type>().write_batch(v, None, None).map(|_| ()))
}

fn i32s<W: Write + Send>(rg: &mut SerializedRowGroupWriter<'_, W>, v: &[i32]) -> PqResult<()> {
    column(rg, |c| c.typed::<Int32Type>().write_batch(v, None, None).map(|_| ()))
}

fn strs<W: Write + Send>(
    rg: &mut SerializedRowGroupWriter<'_, W>,
    v: &[ByteArray],
) -> PqResult<()> {
    column(rg, |c| c.typed::<ByteArrayType>().write_batch(v, None, None).map(|_| ()))
}

/// Optional values: the present ones and a definition level per row (1 present, 0 null).
fn split<T: Clone>(rows: impl Iterator<Item = Option<T>>) -> (Vec<T>, Vec<i16>) {
    let mut values = Vec::new();
    let mut levels = Vec::new();
    for r in rows {
        levels.push(i16::from(r.is_some()));
        values.extend(r);
    }
    (values, levels)
}

fn opt_i64s<W: Write + Send>(
    rg: &mut SerializedRowGroupWriter<'_, W>,
    rows: impl Iterator<Item = Option<i64>>,
) -> PqResult<()> {
    let (v, d) = split(rows);
    column(rg, |c| c.typed::<Int64Type>().write_batch(&v, Some(&d), None).map(|_| ()))
}

fn opt_i32s<W: Write + Send>(
    rg: &mut SerializedRowGroupWriter<'_, W>,
    rows: impl Iterator<Item = Option<i32>>,
) -> PqResult<()> {
    let (v, d) = split(rows);
    column(rg, |c| c.typed::<Int32Type>().write_batch(&v, Some(&d), None).map(|_| ()))
}

fn opt_strs<W: Write + Send>(
    rg: &mut SerializedRowGroupWriter<'_, W>,
    rows: impl Iterator<Item = Option<ByteArray>>,
) -> PqResult<()> {
    let (v, d) = split(rows);
    column(rg, |c| c.typed::<ByteArrayType>().write_batch(&v, Some(&d), None).map(|_| ()))
}

/// Write one rank's kernels table to `out` and return it (not yet committed) with its
/// size. `name_ids[s]` is the dataset name id of rank string `s` (names only).
pub(crate) fn kernels<W: Write + Send>(
    out: W,
    path: &Path,
    rank: &RankKernels,
    name_ids: &[i32],
    meta: Vec<KeyValue>,
) -> Result<(W, u64), ExportError> {
    counted(out, path, |w| encode_kernels(w, rank, name_ids, meta))
}

fn encode_kernels<W: Write + Send>(
    out: W,
    rank: &RankKernels,
    name_ids: &[i32],
    meta: Vec<KeyValue>,
) -> PqResult<W> {
    let schema = Arc::new(parse_message_type(KERNELS)?);
    let mut w = SerializedFileWriter::new(out, schema, properties(meta))?;
    let strings: Vec<ByteArray> =
        rank.strings.iter().map(|s| ByteArray::from(Bytes::from(s.clone().into_bytes()))).collect();
    let s = |i: u32| strings[i as usize].clone();
    for chunk in rank.kernels.chunks(ROW_GROUP_ROWS) {
        let mut rg = w.next_row_group()?;
        let col = |f: fn(&KernelRecord) -> ByteArray| chunk.iter().map(f).collect::<Vec<_>>();
        strs(&mut rg, &col(|k| static_bytes(k.stage.as_str())))?;
        strs(&mut rg, &col(|k| static_bytes(kind_str(k.kind))))?;
        i64s(&mut rg, &chunk.iter().map(|k| i64::from(k.device)).collect::<Vec<_>>())?;
        i64s(&mut rg, &chunk.iter().map(|k| i64::from(k.stream)).collect::<Vec<_>>())?;
        i64s(&mut rg, &chunk.iter().map(|k| k.start_ns).collect::<Vec<_>>())?;
        i64s(&mut rg, &chunk.iter().map(|k| k.dur_ns).collect::<Vec<_>>())?;
        i32s(&mut rg, &chunk.iter().map(|k| name_ids[k.name as usize]).collect::<Vec<_>>())?;
        strs(&mut rg, &col(|k| static_bytes(k.category.as_str())))?;
        strs(&mut rg, &col(|k| static_bytes(k.evidence.as_str())))?;
        strs(&mut rg, &chunk.iter().map(|k| s(k.rule)).collect::<Vec<_>>())?;
        strs(&mut rg, &col(|k| static_bytes(site_kind_str(k.site_kind))))?;
        opt_strs(&mut rg, chunk.iter().map(|k| k.call_site.map(s)))?;
        opt_strs(&mut rg, chunk.iter().map(|k| k.launch_op.map(s)))?;
        opt_i64s(
            &mut rg,
            chunk.iter().map(|k| i64::try_from(k.correlation).ok().filter(|&c| c != 0)),
        )?;
        opt_i32s(&mut rg, chunk.iter().map(|k| k.pass.map(|p| p as i32)))?;
        opt_i32s(&mut rg, chunk.iter().map(|k| k.layer.map(|l| l as i32)))?;
        rg.close()?;
    }
    w.into_inner()
}

/// One row of the names table.
pub(crate) struct NameRow {
    /// Full name as the trace wrote it.
    pub name: String,
    /// Canonical name (the triage row's name).
    pub canonical: String,
    /// The triage row id (`k-…`).
    pub row_id: String,
}

/// Write the names table (row `i` has name id `i`) to `out`; return it with its size.
pub(crate) fn names<W: Write + Send>(
    out: W,
    path: &Path,
    rows: &[NameRow],
    meta: Vec<KeyValue>,
) -> Result<(W, u64), ExportError> {
    counted(out, path, |w| encode_names(w, rows, meta))
}

fn encode_names<W: Write + Send>(out: W, rows: &[NameRow], meta: Vec<KeyValue>) -> PqResult<W> {
    let schema = Arc::new(parse_message_type(NAMES)?);
    let mut w = SerializedFileWriter::new(out, schema, properties(meta))?;
    let bytes = |s: &String| ByteArray::from(Bytes::from(s.clone().into_bytes()));
    for (c, chunk) in rows.chunks(ROW_GROUP_ROWS).enumerate() {
        let mut rg = w.next_row_group()?;
        let base = c * ROW_GROUP_ROWS;
        i32s(&mut rg, &(0..chunk.len()).map(|i| (base + i) as i32).collect::<Vec<_>>())?;
        strs(&mut rg, &chunk.iter().map(|r| bytes(&r.name)).collect::<Vec<_>>())?;
        strs(&mut rg, &chunk.iter().map(|r| bytes(&r.canonical)).collect::<Vec<_>>())?;
        strs(&mut rg, &chunk.iter().map(|r| bytes(&r.row_id)).collect::<Vec<_>>())?;
        rg.close()?;
    }
    w.into_inner()
}
