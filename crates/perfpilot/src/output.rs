//! Output options shared by every command, and the one place that turns a result or an
//! error into bytes and an exit status.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use perfpilot_report::{EXIT_BAD_INPUT, EXIT_CHECK_FAILED, Envelope, Format, Report};

/// `--format` and `--out`, flattened into every command.
#[derive(clap::Args, Debug, Clone)]
pub struct OutputArgs {
    /// Output format: table (default on a terminal), md (default when piped) or json.
    #[arg(long, value_name = "table|md|json")]
    pub format: Option<Format>,
    /// Also write the JSON envelope to this file (atomically).
    #[arg(long = "json-out", value_name = "FILE")]
    pub json_out: Option<PathBuf>,
    /// Terminal tables at full width (by default long cells wrap to fit the terminal;
    /// JSON always has full values).
    #[arg(long)]
    pub wide: bool,
}

/// Render `env` to stdout in the chosen format (and to `--json-out`), and choose the
/// exit status: 1 when the result says a check failed, else 0.
pub fn emit<R: Report>(env: &Envelope<R>, out: &OutputArgs) -> anyhow::Result<ExitCode> {
    let format = Format::resolve(out.format);
    perfpilot_report::set_wide_tables(out.wide);
    if let Some(path) = &out.json_out {
        let bytes = perfpilot_report::render_to_string(env, Format::Json)?;
        // Never over an input of this run (`--json-out` given the input by mistake).
        let inputs: Vec<&std::path::Path> =
            env.inputs.iter().map(|i| std::path::Path::new(&i.path)).collect();
        perfpilot_io::write_output_for(path, &inputs, bytes.as_bytes())
            .map_err(|e| anyhow::anyhow!("cannot write --json-out: {e}"))?;
    }
    // Buffered: stdout's own line buffering searched every small write for a line end
    // (4 % of `capacity explain` on a 512 MiB log, whose JSON is 14 MB).
    let mut w = std::io::BufWriter::with_capacity(64 << 10, std::io::stdout().lock());
    match perfpilot_report::render(env, format, &mut w).and_then(|()| w.flush()) {
        Ok(()) => {}
        // A closed pipe (`| head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        Err(e) => return Err(e.into()),
    }
    Ok(if env.result.check_failed() {
        ExitCode::from(EXIT_CHECK_FAILED)
    } else {
        ExitCode::SUCCESS
    })
}

/// Print an error chain to stderr and return exit status 2 (bad input or usage).
pub fn report_error(err: &anyhow::Error) -> ExitCode {
    // Errors can quote URLs with credentials, headers or echoed keys: never print them.
    eprintln!("{}", perfpilot_report::Redactor::from_env().redact(&error_text(err)));
    ExitCode::from(EXIT_BAD_INPUT)
}

/// The error and each cause once: a cause whose text an earlier message already
/// contains (library errors that quote their source in their own message) is skipped.
fn error_text(err: &anyhow::Error) -> String {
    let mut msg = format!("error: {err}");
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        if !msg.contains(&text) {
            msg.push_str(&format!("\n  caused by: {text}"));
        }
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("cannot read {path}: {source}")]
    struct ReadError {
        path: String,
        #[source]
        source: std::io::Error,
    }

    #[test]
    fn each_cause_is_printed_once() {
        let io = std::fs::File::open("/nonexistent/perfpilot-missing").unwrap_err();
        let os = io.to_string();
        let err = anyhow::Error::new(ReadError {
            path: "/nonexistent/perfpilot-missing".into(),
            source: io,
        });
        let text = error_text(&err);
        assert_eq!(text.matches(&os).count(), 1, "{text}");
        assert!(text.starts_with("error: cannot read /nonexistent/perfpilot-missing: "));
        // A cause not quoted by its parent is still shown.
        let wrapped = anyhow::anyhow!(std::io::Error::other("disk on fire")).context("writing x");
        assert_eq!(error_text(&wrapped), "error: writing x\n  caused by: disk on fire");
    }
}
