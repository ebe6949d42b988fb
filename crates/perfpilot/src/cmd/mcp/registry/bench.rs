//! Rows for `perfpilot bench …`.

use super::Capability;

/// The rows.
pub const ENTRIES: &[Capability] = &[];
