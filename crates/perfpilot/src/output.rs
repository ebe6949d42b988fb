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
        perfpilot_report::write_atomic(path, bytes.as_bytes())
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    }
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    match perfpilot_report::render(env, format, &mut lock) {
        Ok(()) => {}
        // A closed pipe (`| head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        Err(e) => return Err(e.into()),
    }
    let _ = lock.flush();
    Ok(if env.result.check_failed() {
        ExitCode::from(EXIT_CHECK_FAILED)
    } else {
        ExitCode::SUCCESS
    })
}

/// Print an error chain to stderr and return exit status 2 (bad input or usage).
pub fn report_error(err: &anyhow::Error) -> ExitCode {
    let mut msg = format!("error: {err}");
    for cause in err.chain().skip(1) {
        msg.push_str(&format!("\n  caused by: {cause}"));
    }
    eprintln!("{msg}");
    ExitCode::from(EXIT_BAD_INPUT)
}
