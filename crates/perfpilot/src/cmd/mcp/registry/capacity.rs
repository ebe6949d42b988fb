//! Rows for `perfpilot capacity …`.

use super::Capability;

/// The rows.
pub const ENTRIES: &[Capability] = &[];
