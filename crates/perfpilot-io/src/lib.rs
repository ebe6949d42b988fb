//! Safe file I/O shared by every perfpilot command.
//!
//! * [`read_bounded`] / [`read_to_string_bounded`]: the one reader of whole-file inputs
//!   (configs, rule files, profiles, GPU tables, result JSON, name lists). Regular files
//!   only, opened without blocking (a FIFO is refused, never waited on), capped at
//!   [`max_input_bytes`] (default 64 MiB; the global flag `--max-input-bytes` or `PERFPILOT_MAX_INPUT_BYTES`
//!   overrides).
//! * [`open_stream`]: streaming inputs (traces, logs): uncapped, a FIFO given by the user is
//!   allowed, a device node is not. [`BudgetReader`] bounds decompressed gzip input.
//! * [`OutputFile`] / [`write_output`]: the one output writer. Atomic replace for regular
//!   files; writes through to `/dev/stdout`, `/dev/stderr` and FIFOs; refuses other device
//!   nodes and any input of the same run; a symlink is kept and its target replaced.
//! * [`confine`]: when set (the MCP worker does), every path opened through this crate,
//!   including files discovered in a directory, must resolve inside the roots, and outputs
//!   are never created through a symlink.
//! * [`JsonlFile`] / [`append_line`]: JSONL written a whole line per write.
//! * Small utilities every crate shares: [`Fnv1a`] (the stable hash behind row ids),
//!   [`truncate_to`] for display, [`fmt_ms`], [`normalize_lexically`].
#![deny(missing_docs)]

mod budget;
mod error;
mod hash;
mod jsonl;
mod limits;
mod map;
mod read;
mod run;
mod text;
mod write;

pub use budget::BudgetReader;
pub use error::IoError;
pub use hash::{FNV1A64_OFFSET, FNV1A64_PRIME, Fnv1a, fnv1a64, fnv1a64_hex};
pub use jsonl::{JsonlFile, append_line};
pub use limits::{
    DEFAULT_MAX_DECOMPRESSED_BYTES, DEFAULT_MAX_INPUT_BYTES, ENV_MAX_DECOMPRESSED_BYTES,
    ENV_MAX_INPUT_BYTES, FLAG_MAX_DECOMPRESSED_BYTES, FLAG_MAX_INPUT_BYTES, max_decompressed_bytes,
    max_input_bytes, set_max_decompressed_bytes, set_max_input_bytes,
};
pub use map::Mapped;
pub use read::{
    is_regular_file, open_input, open_stream, read_bounded, read_bounded_with_cap, read_regular,
    read_to_string_bounded,
};
pub use run::{
    ENV_CONFINE_ROOTS, check_confined, confine, confined_roots, normalize_lexically, note_input,
};
pub use text::{fmt_ms, fmt_signed_ms, line_col, truncate_chars, truncate_to};
pub use write::{OutputFile, write_output, write_output_for};
