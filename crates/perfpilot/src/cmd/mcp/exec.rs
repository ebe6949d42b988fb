//! The worker side of a tool call. The server runs every call in a child process
//! (`perfpilot mcp --exec-tool NAME`, arguments as JSON on stdin) so that a call can be
//! bounded in time and killed, and a crash in one call cannot take the server down.
//! The child calls the capability's library entry point, writes one [`ToolOutput`](super::registry::ToolOutput) JSON
//! object to stdout, and reports progress as prefixed JSON lines on stderr; anything else on
//! stderr is the error text.

use std::io::{Read, Write};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use perfpilot_report::Progress;
use serde::{Deserialize, Serialize};

use super::registry;

/// Prefix of a progress line on the worker's stderr.
pub const PROGRESS_PREFIX: &str = "\u{1e}perfpilot-progress ";

/// Progress lines are written at most this often (messages always go out).
const MIN_INTERVAL: Duration = Duration::from_millis(200);

/// One progress report from the worker.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ProgressLine {
    /// Work done so far.
    pub progress: u64,
    /// Total work, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// Current phase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Run one tool call in this process: read the arguments from stdin, call the
/// capability, print the output JSON.
pub fn run(tool_name: &str) -> anyhow::Result<ExitCode> {
    let tool = registry::find_tool(tool_name)
        .ok_or_else(|| anyhow::anyhow!("unknown tool `{tool_name}`"))?;
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    let args: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("tool arguments are not JSON: {e}"))?;
    let progress = LineProgress::default();
    let output = (tool.call)(args, &progress)?;
    progress.flush();
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    serde_json::to_writer(&mut lock, &output)?;
    lock.write_all(b"\n")?;
    lock.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// [`Progress`] that writes throttled [`ProgressLine`]s to stderr.
#[derive(Default)]
struct LineProgress {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    line: ProgressLine,
    last_sent: Option<Instant>,
    dirty: bool,
}

impl LineProgress {
    fn update(&self, force: bool, f: impl FnOnce(&mut ProgressLine)) {
        let Ok(mut state) = self.state.lock() else { return };
        f(&mut state.line);
        state.dirty = true;
        let due = state.last_sent.is_none_or(|t| t.elapsed() >= MIN_INTERVAL);
        if force || due {
            send(&state.line);
            state.last_sent = Some(Instant::now());
            state.dirty = false;
        }
    }

    fn flush(&self) {
        let Ok(mut state) = self.state.lock() else { return };
        if state.dirty {
            send(&state.line);
            state.dirty = false;
        }
    }
}

fn send(line: &ProgressLine) {
    if let Ok(json) = serde_json::to_string(line) {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{PROGRESS_PREFIX}{json}");
        let _ = err.flush();
    }
}

impl Progress for LineProgress {
    fn set_total(&self, total: u64) {
        self.update(false, |l| l.total = Some(total));
    }
    fn advance(&self, delta: u64) {
        self.update(false, |l| l.progress = l.progress.saturating_add(delta));
    }
    fn message(&self, msg: &str) {
        self.update(true, |l| l.message = Some(msg.to_string()));
    }
    fn finish(&self) {
        self.flush();
    }
}

/// Parse a worker stderr line: `Some` for a progress line, `None` for error text.
pub fn parse_progress(line: &str) -> Option<ProgressLine> {
    line.strip_prefix(PROGRESS_PREFIX).and_then(|json| serde_json::from_str(json).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_lines_round_trip_and_other_text_is_not_progress() {
        let line = ProgressLine { progress: 3, total: Some(10), message: Some("warmup".into()) };
        let text = format!("{PROGRESS_PREFIX}{}", serde_json::to_string(&line).unwrap());
        assert_eq!(parse_progress(&text), Some(line));
        assert_eq!(parse_progress("error: cannot open trace.json"), None);
        assert_eq!(parse_progress(&format!("{PROGRESS_PREFIX}not json")), None);
    }
}
