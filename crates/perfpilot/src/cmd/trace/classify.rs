//! `perfpilot trace classify`: one `category<TAB>name` line per kernel name.
//!
//! Without `--format` the output is a plain TSV stream (by design: it pipes into `sort`,
//! `cut`, `diff`, and rule authors can check a rule file against a name list). With
//! `--format json|md|table` the result goes through the usual envelope
//! (`perfpilot.trace.classify/3`), listing name, category, the rule that fired and which
//! evidence decided (`--launch-op` / `--call-site` give the launch context of the names).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use perfpilot_report::{Envelope, InputRef};
use perfpilot_trace::taxonomy::{
    ClassifyOptions, ClassifyReport, LaunchContext, Taxonomy, classify, names_in,
};

use crate::output::OutputArgs;

/// Arguments of `perfpilot trace classify`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Kernel names (mangled `_Z…` names are demangled first).
    #[arg(value_name = "NAME")]
    names: Vec<String>,
    /// Read names from FILE: one per line, or the first column of a TSV (`-` = stdin).
    #[arg(long, value_name = "FILE")]
    from: Option<PathBuf>,
    /// Use this rule file instead of the embedded taxonomy.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// The CPU op that launched the kernels (`vllm::moe_forward`, `aten::argmax`): decides
    /// names that alone are generic (elementwise, memory, reduction, other).
    #[arg(long, value_name = "OP")]
    launch_op: Option<String>,
    /// The Python call site of the kernels (`vllm/v1/sample/sampler.py(140): greedy_sample`).
    #[arg(long, value_name = "SITE")]
    call_site: Option<String>,
    #[command(flatten)]
    output: OutputArgs,
}

/// Run `perfpilot trace classify`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let stdin_names = match &args.from {
        Some(p) if p.as_os_str() == "-" => {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .context("cannot read names from stdin")?;
            Some(names_in(&text).map(str::to_string).collect::<Vec<_>>())
        }
        _ => None,
    };
    let from_file = args.from.clone().filter(|p| p.as_os_str() != "-");
    if args.names.is_empty() && args.from.is_none() {
        anyhow::bail!("no kernel names: give NAME arguments or --from FILE");
    }
    let mut names = args.names.clone();
    names.extend(stdin_names.unwrap_or_default());

    let opts = ClassifyOptions {
        names,
        from: from_file.clone(),
        rules: args.rules.clone(),
        launch_op: args.launch_op.clone(),
        call_site: args.call_site.clone(),
    };
    if args.output.format.is_none() && args.output.json_out.is_none() {
        return stream_tsv(&opts);
    }

    let report = classify(&opts)?;
    crate::output::emit(&envelope(&opts, report), &args.output)
}

/// The TSV stream: classify and write one line per name, as names arrive.
fn stream_tsv(opts: &ClassifyOptions) -> anyhow::Result<ExitCode> {
    let tax = match &opts.rules {
        Some(p) => Taxonomy::from_toml_file(p)?,
        None => Taxonomy::embedded(),
    };
    let file_names = match &opts.from {
        Some(p) => perfpilot_trace::taxonomy::read_names(p)?,
        None => Vec::new(),
    };
    let ctx = LaunchContext {
        launch_op: opts.launch_op.as_deref(),
        call_site: opts.call_site.as_deref(),
        capture_site: None,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for name in opts.names.iter().chain(file_names.iter()) {
        let category = tax.classify_in_context(name, &ctx).category;
        match writeln!(out, "{category}\t{name}") {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
            Err(e) => return Err(e.into()),
        }
    }
    match out.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// The envelope of `trace classify` (CLI and MCP): the names file and the rule file as
/// inputs.
pub(crate) fn envelope(opts: &ClassifyOptions, report: ClassifyReport) -> Envelope<ClassifyReport> {
    let mut inputs = Vec::new();
    if let Some(p) = &opts.from {
        inputs.push(InputRef::file("names", p));
    }
    if let Some(p) = &opts.rules {
        inputs.push(InputRef::file("rules", p));
    }
    Envelope::new("trace classify", report).with_inputs(inputs)
}
