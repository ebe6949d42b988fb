//! Rows for perfpilot's own agent-facing commands (`skills list`, `skills install`): they
//! have JSON outputs and schemas, but are not MCP tools (an agent reads skills, it does not
//! install them through the server).

use super::{Capability, output_schema};
use crate::cmd::skills::{InstallReport, SkillList};

/// The rows.
pub const ENTRIES: &[Capability] = &[
    Capability { command: "skills list", output_schema: output_schema::<SkillList>, tool: None },
    Capability {
        command: "skills install",
        output_schema: output_schema::<InstallReport>,
        tool: None,
    },
];
