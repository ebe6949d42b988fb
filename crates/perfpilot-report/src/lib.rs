//! Rendering and the output contract shared by every perfpilot command.
//!
//! Capability crates never print. They return a typed result that implements
//! [`Report`]: it serialises to JSON (the machine contract) and describes itself as a
//! [`Document`] of sections, tables and notes (the human view). This crate wraps the
//! result in an [`Envelope`] (schema version, tool version, inputs, warnings) and renders
//! it as a terminal table, markdown or JSON.
//!
//! ```
//! use perfpilot_report::{Document, Format, Report, Section, Table, render_to_string, Envelope};
//! use serde::Serialize;
//!
//! #[derive(Serialize, schemars::JsonSchema)]
//! struct Hello { greeting: String }
//!
//! impl Report for Hello {
//!     fn schema_version(&self) -> &'static str { "perfpilot.hello/1" }
//!     fn document(&self) -> Document {
//!         let mut t = Table::new("greetings", ["greeting"]);
//!         t.push_row("g0", [self.greeting.clone()]);
//!         Document::new("Hello").with_section(Section::new("Greetings").with_table(t))
//!     }
//! }
//!
//! let env = Envelope::new("hello", Hello { greeting: "hi".into() });
//! let md = render_to_string(&env, Format::Md).unwrap();
//! assert!(md.contains("| hi |"));
//! let json = render_to_string(&env, Format::Json).unwrap();
//! assert!(json.contains("\"schema_version\": \"perfpilot.hello/1\""));
//! ```
#![deny(missing_docs)]

mod document;
mod envelope;
mod escape;
mod format;
mod logtext;
mod progress;
mod redact;
mod render;
mod seconds;
#[cfg(feature = "terminal")]
mod term;

pub use document::{Align, Block, Column, Document, Row, Section, Table};
pub use envelope::{Envelope, InputRef, Report, ToolInfo, Warning};
pub use escape::escape_display;
pub use format::Format;
pub use logtext::{LOG_TEXT_SNIFF, LogText, log_text, plain_start, strip_escapes};
/// The one output writer (see `perfpilot-io`), under the names the commands already use.
pub use perfpilot_io::{OutputFile as AtomicFile, write_output as write_atomic};
#[cfg(feature = "terminal")]
pub use progress::TerminalProgress;
pub use progress::{NoProgress, Progress};
pub use redact::{REDACTED, Redactor, SECRET_ENV_SUFFIXES, redact_url_userinfo};
pub use render::{render, render_to_string, set_wide_tables, table_width};
pub use seconds::{MAX_SECONDS, SecondsError, nonnegative_seconds, positive_seconds};

/// Exit status for "a check failed" (SLA missed, regression found, fatal problem found).
pub const EXIT_CHECK_FAILED: u8 = 1;
/// Exit status for bad input or usage.
pub const EXIT_BAD_INPUT: u8 = 2;
