//! Rows for `perfpilot triage LOG…` and `perfpilot triage bundle`. Over MCP the bundle tool
//! collects from a live server (`url`); summarising a saved snapshot (`--dir`) stays a CLI
//! form of the same command.

use perfpilot_report::{Envelope, InputRef, Progress};
use perfpilot_triage::{BundleOptions, BundleReport, TriageOptions, TriageReport};
use serde_json::Value;

use super::{
    Access, Capability, PathArg, Tool, ToolOutput, finish, input_schema, output_schema, parse_args,
};

/// The rows.
pub const ENTRIES: &[Capability] = &[
    Capability {
        command: "triage",
        output_schema: output_schema::<TriageReport>,
        tool: Some(Tool {
            name: "triage",
            description: "Triage the logs of a failing or degraded LLM server (SGLang, vLLM; one \
                file or several ranks/nodes of one incident): the problem class (OOM while \
                loading/capturing/serving, negative KV budget, NCCL timeout, hang, illegal \
                memory access, retraction, port in use, missing model or chat template, …), the \
                exact signal lines with file and line, the first rank to fail, what was ruled \
                out, the next step, the production risk and a timeline. Use it first on any \
                crash, hang or start-up failure, before reading logs by hand.",
            input_schema: triage_input_schema,
            paths: &[
                PathArg { pointer: "/logs", access: Access::Read },
                PathArg { pointer: "/signatures", access: Access::Read },
                PathArg { pointer: "/evidence", access: Access::Read },
                PathArg { pointer: "/stall", access: Access::Read },
                PathArg { pointer: "/launch_rules", access: Access::Read },
            ],
            long_running: false,
            call: triage_logs,
        }),
    },
    Capability {
        command: "triage bundle",
        output_schema: output_schema::<BundleReport>,
        tool: Some(Tool {
            name: "triage_bundle",
            description: "Take a read-only snapshot of a live LLM server (health, model and \
                server info, load, metrics; SGLang, vLLM, llama.cpp) and summarise health, load, \
                latency averages and the signals they show; `out` also saves the snapshot for \
                later. Use it during an incident when the server is still up, alongside `triage` \
                on its logs. It only reads endpoints; it never changes the server.",
            input_schema: input_schema::<BundleOptions>,
            paths: &[
                PathArg { pointer: "/out", access: Access::Write },
                PathArg { pointer: "/bundle_config", access: Access::Read },
            ],
            long_running: true,
            call: bundle,
        }),
    },
];

/// `triage`'s arguments: `logs` needs one file at least (the triage does), so a
/// schema-valid call runs.
fn triage_input_schema() -> Value {
    let mut s = input_schema::<TriageOptions>();
    if let Some(l) = s.pointer_mut("/properties/logs").and_then(Value::as_object_mut) {
        l.insert("minItems".into(), Value::from(1));
    }
    s
}

fn triage_logs(args: Value, progress: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let opts: TriageOptions = parse_args("triage", args)?;
    let report = perfpilot_triage::triage_logs_with(&opts, progress)?;
    finish(crate::cmd::triage::logs_envelope(&opts, report))
}

fn bundle(args: Value, progress: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let opts: BundleOptions = parse_args("triage_bundle", args)?;
    let report = perfpilot_triage::bundle_with(&opts, progress)?;
    let warnings = crate::cmd::triage::bundle_warnings(&report);
    let inputs =
        vec![InputRef::other("url", perfpilot_report::Redactor::from_env().clean(&opts.url))];
    finish(Envelope::new("triage bundle", report).with_inputs(inputs).with_warnings(warnings))
}
