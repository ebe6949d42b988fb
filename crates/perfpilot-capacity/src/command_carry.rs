//! One command, several starts: a paste that shows one server command (or its flags) and then
//! two or more starts of the engine it launched (a restart after a crash, the same container run
//! twice, two builds run with the same arguments). The launch splitter (`crate::launches`)
//! files the command's values under the launch the command opened; the starts after it that
//! show no command of their own were started by the same command, so the values it states are
//! theirs too (`docs/capacity.md`, "One command, several starts").

use std::collections::BTreeSet;

use perfpilot_launchlog::LaunchEvent;

use crate::stated::{StatedValue, is_command};

/// Whether an event's line is part of a command: a server command (`vllm serve …`, a
/// `starts_launch` rule keyed `command`), a line continued with `\`, or a flag line of a
/// continued command (`--tensor-parallel-size=1`, a YAML item `- --max-model-len`).
fn on_command_line(e: &LaunchEvent) -> bool {
    let t = e.raw.trim();
    is_command(e) || t.ends_with('\\') || t.starts_with("--") || t.starts_with("- -")
}

/// Copy the command values of a launch to each later launch that shows no command line of its
/// own, for the keys that launch does not state itself. `values` are numbered by launch
/// already; `events` are the parsed log's (their lines tell command lines apart);
/// `contradicted` are the launches the splitter opened because they contradict the context the
/// launch before stated (another configuration: nothing is carried to them or past them).
pub(crate) fn carry(
    values: &mut Vec<StatedValue>,
    events: &[LaunchEvent],
    contradicted: &BTreeSet<u32>,
) {
    let command_lines: BTreeSet<u64> =
        events.iter().filter(|e| on_command_line(e)).map(|e| e.line).collect();
    if command_lines.is_empty() {
        return;
    }
    let last = values.iter().map(|v| v.launch).max().unwrap_or(0);
    // The command values of the launch whose command is the latest seen so far.
    let mut carried: Vec<StatedValue> = Vec::new();
    let mut added: Vec<StatedValue> = Vec::new();
    for launch in 1..=last {
        let own: Vec<&StatedValue> = values.iter().filter(|v| v.launch == launch).collect();
        let commanded: Vec<StatedValue> =
            own.iter().filter(|v| command_lines.contains(&v.line)).map(|v| (*v).clone()).collect();
        if !commanded.is_empty() || contradicted.contains(&launch) {
            carried = commanded;
            continue;
        }
        let stated: BTreeSet<&str> = own.iter().map(|v| v.key.as_str()).collect();
        for v in &carried {
            if !stated.contains(v.key.as_str()) {
                added.push(StatedValue { launch, ..v.clone() });
            }
        }
    }
    values.extend(added);
}
