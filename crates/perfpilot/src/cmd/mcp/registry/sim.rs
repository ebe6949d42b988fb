//! Rows for `perfpilot sim …`.

use super::Capability;

/// The rows.
pub const ENTRIES: &[Capability] = &[];
