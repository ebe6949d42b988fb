//! Rows for `perfpilot triage …`.

use super::Capability;

/// The rows.
pub const ENTRIES: &[Capability] = &[];
