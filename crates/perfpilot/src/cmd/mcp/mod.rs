//! `perfpilot mcp`: perfpilot's capabilities as Model Context Protocol tools over stdio
//! (rmcp). Tools, input schemas and outputs come from one table ([`registry`]) that
//! `perfpilot schema` shares; each call runs the same library function as the CLI in a
//! worker process, confined to `--root` directories and bounded in time.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

pub mod config;
pub mod exec;
pub mod framing;
pub mod registry;
pub mod roots;
pub mod server;
pub mod summary;
pub mod worker;

/// Default per-call limit in seconds.
const DEFAULT_CALL_TIMEOUT_S: u64 = 600;

/// Arguments of `perfpilot mcp`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A directory tool calls may read and write (repeatable; default: the current
    /// directory). Relative file arguments resolve against the first root.
    #[arg(long = "root", value_name = "DIR")]
    roots: Vec<PathBuf>,
    /// An environment variable tools may name in arguments such as `api_key_env`
    /// (repeatable; default: none).
    #[arg(long = "allow-env", value_name = "NAME")]
    allow_env: Vec<String>,
    /// Stop a tool call that runs longer than this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_CALL_TIMEOUT_S)]
    call_timeout_s: u64,
    /// Tool calls that may run at the same time (the rest wait).
    #[arg(long, value_name = "N", default_value_t = 2)]
    max_concurrent: usize,
    /// Largest request line the server reads, in bytes; a longer one is answered with a
    /// JSON-RPC error (-32600) and discarded.
    #[arg(long, value_name = "BYTES", default_value_t = framing::DEFAULT_MAX_REQUEST_BYTES)]
    max_request_bytes: usize,
    /// Print the snippet that registers this server with a client, and exit.
    #[arg(long, value_name = "CLIENT")]
    print_config: Option<config::Client>,
    /// With --print-config: the program the client should start (default: this binary's
    /// absolute path).
    #[arg(long, value_name = "PROGRAM", requires = "print_config")]
    command: Option<String>,
    /// Internal: run one tool call (arguments as JSON on stdin) and print its result.
    #[arg(long, value_name = "TOOL", hide = true)]
    exec_tool: Option<String>,
}

/// Run `perfpilot mcp`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(tool) = &args.exec_tool {
        return exec::run(tool);
    }
    let roots = roots::Roots::new(&args.roots)?.with_env(&args.allow_env);
    let exe = std::env::current_exe()
        .map_err(|e| anyhow::anyhow!("cannot find the perfpilot binary: {e}"))?;
    if let Some(client) = args.print_config {
        let command = args.command.clone().unwrap_or_else(|| exe.display().to_string());
        let launch = config::Launch::new(
            command,
            roots.all(),
            &args.allow_env,
            args.call_timeout_s,
            DEFAULT_CALL_TIMEOUT_S,
        );
        let (text, hint) = config::snippet(client, &launch);
        print!("{text}");
        eprintln!("{hint}");
        return Ok(ExitCode::SUCCESS);
    }
    if args.call_timeout_s == 0 {
        anyhow::bail!("--call-timeout-s must be at least 1");
    }
    let server = server::Server::new(
        roots,
        exe,
        Duration::from_secs(args.call_timeout_s),
        args.max_concurrent,
    );
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let served = runtime.block_on(serve(server, args.max_request_bytes.max(1024)));
    // Do not wait on a read of stdin still in flight on the blocking pool.
    runtime.shutdown_timeout(Duration::from_secs(1));
    served?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(server: server::Server, max_request_bytes: usize) -> anyhow::Result<()> {
    use rmcp::ServiceExt;
    // stdin → line layer → rmcp → one writer → stdout (see [`framing`]).
    let (rmcp_in_r, rmcp_in_w) = tokio::io::simplex(1 << 20);
    let (rmcp_out_r, rmcp_out_w) = tokio::io::simplex(1 << 20);
    let (errors_tx, errors_rx) = tokio::sync::mpsc::unbounded_channel();
    let stdin = tokio::io::BufReader::new(tokio::io::stdin());
    tokio::spawn(framing::pump_requests(stdin, rmcp_in_w, errors_tx, max_request_bytes));
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel();
    let replies = tokio::spawn(framing::pump_replies(
        tokio::io::BufReader::new(rmcp_out_r),
        errors_rx,
        stop_rx,
        tokio::io::stdout(),
    ));
    let running = server
        .serve((rmcp_in_r, rmcp_out_w))
        .await
        .map_err(|e| anyhow::anyhow!("MCP initialisation failed: {e}"))?;
    running.waiting().await.map_err(|e| anyhow::anyhow!("MCP server stopped: {e}"))?;
    // rmcp keeps its writer open after it stops: write what is buffered, then end.
    let _ = stop_tx.send(());
    let _ = tokio::time::timeout(Duration::from_secs(2), replies).await;
    Ok(())
}
