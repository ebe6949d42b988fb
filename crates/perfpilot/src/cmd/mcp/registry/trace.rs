//! Rows for `perfpilot trace …`.

use perfpilot_report::{Envelope, InputRef, Progress};
use perfpilot_trace::taxonomy::{ClassifyOptions, ClassifyReport};
use perfpilot_trace::{
    DiffOptions, DiffReport, LayersOptions, LayersReport, TriageOptions, TriageReport,
};
use serde_json::Value;

use super::{
    Access, Capability, PathArg, Tool, ToolOutput, finish, input_schema, output_schema, parse_args,
};

/// The rows.
pub const ENTRIES: &[Capability] = &[
    Capability {
        command: "trace triage",
        output_schema: output_schema::<TriageReport>,
        tool: Some(Tool {
            name: "trace_triage",
            description: "Triage a torch-profiler (Kineto) trace of an LLM server (SGLang, vLLM, \
                TensorRT-LLM; file or profile directory): per stage (extend/prefill, decode) the \
                kernel table (GPU time, share, category, launches, Python call site and CPU op \
                with the link used), overlap table and fuse-opportunity table, plus the \
                framework, ranks, device and attribution coverage. Use it to find where GPU \
                time goes before proposing an optimisation; give `mapping` (a CUDA-graph-off \
                trace of the same workload) when call sites show as graph replays.",
            input_schema: input_schema::<TriageOptions>,
            paths: &[
                PathArg { pointer: "/input", access: Access::Read },
                PathArg { pointer: "/mapping", access: Access::Read },
                PathArg { pointer: "/rules", access: Access::Read },
            ],
            long_running: true,
            call: triage,
        }),
    },
    Capability {
        command: "trace layers",
        output_schema: output_schema::<LayersReport>,
        tool: Some(Tool {
            name: "trace_layers",
            description: "Split one rank of a torch-profiler trace into forward passes and \
                transformer layers without a hand-written model profile (layer count from the \
                model's config.json or inferred from the kernel period), and report per-layer \
                and per-layer-type kernel time. Use it to see which layer type (attention, MoE, \
                dense MLP) dominates a pass, or to check that every layer costs the same.",
            input_schema: input_schema::<LayersOptions>,
            paths: &[
                PathArg { pointer: "/input", access: Access::Read },
                PathArg { pointer: "/config", access: Access::Read },
                PathArg { pointer: "/emit_trace", access: Access::Write },
                PathArg { pointer: "/rules", access: Access::Read },
            ],
            long_running: true,
            call: layers,
        }),
    },
    Capability {
        command: "trace diff",
        output_schema: output_schema::<DiffReport>,
        tool: Some(Tool {
            name: "trace_diff",
            description: "Compare two torch-profiler traces of the same model (before/after a \
                change, or two frameworks) by kernel category, by kernel and by layer type, \
                normalised per pass or per layer so different capture lengths compare. Use it \
                to prove an optimisation moved GPU time where intended, or to find what a \
                regression added.",
            input_schema: input_schema::<DiffOptions>,
            paths: &[
                PathArg { pointer: "/before", access: Access::Read },
                PathArg { pointer: "/after", access: Access::Read },
                PathArg { pointer: "/config", access: Access::Read },
                PathArg { pointer: "/rules", access: Access::Read },
            ],
            long_running: true,
            call: diff,
        }),
    },
    Capability {
        command: "trace classify",
        output_schema: output_schema::<ClassifyReport>,
        tool: Some(Tool {
            name: "trace_classify",
            description: "Classify GPU kernel names (mangled or demangled) into perfpilot's kernel \
            taxonomy (gemm, attention, communication, memory, moe, norm, …) and name the rule \
            that decided each. Use it to check how a kernel will be counted before reading a \
            triage table, or to test a custom rule file (`rules`).",
            input_schema: input_schema::<ClassifyOptions>,
            paths: &[
                PathArg { pointer: "/from", access: Access::Read },
                PathArg { pointer: "/rules", access: Access::Read },
            ],
            long_running: false,
            call: classify,
        }),
    },
];

fn triage(args: Value, progress: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let opts: TriageOptions = parse_args("trace_triage", args)?;
    let mut report = perfpilot_trace::triage(&opts, progress)?;
    // As the CLI: the report's warnings go to the envelope; inputs are the trace files
    // analysed, then server_args.json and the rule file.
    let warnings = std::mem::take(&mut report.warnings);
    let mut inputs: Vec<InputRef> =
        report.inputs.iter().map(|i| InputRef::file(&i.role, &i.path)).collect();
    if let Some(sa) = &report.server_args {
        inputs.push(InputRef::file("server_args", &sa.path));
    }
    if let Some(rules) = &opts.rules {
        inputs.push(InputRef::file("rules", rules));
    }
    finish(Envelope::new("trace triage", report).with_inputs(inputs).with_warnings(warnings))
}

fn classify(args: Value, _progress: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let opts: ClassifyOptions = parse_args("trace_classify", args)?;
    let report = perfpilot_trace::taxonomy::classify(&opts)?;
    let mut inputs = Vec::new();
    if let Some(p) = &opts.from {
        inputs.push(InputRef::file("names", p));
    }
    if let Some(p) = &opts.rules {
        inputs.push(InputRef::file("rules", p));
    }
    finish(Envelope::new("trace classify", report).with_inputs(inputs))
}

fn layers(args: Value, progress: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let opts: LayersOptions = parse_args("trace_layers", args)?;
    let mut report = perfpilot_trace::layers(&opts, progress)?;
    // As the CLI: report warnings to the envelope; the trace, config and rule file as inputs.
    let warnings = std::mem::take(&mut report.warnings);
    let mut inputs = vec![InputRef::file("trace", &report.input)];
    if let Some(c) = &opts.config {
        inputs.push(InputRef::file("config", c));
    }
    if let Some(r) = &opts.rules {
        inputs.push(InputRef::file("rules", r));
    }
    finish(Envelope::new("trace layers", report).with_inputs(inputs).with_warnings(warnings))
}

fn diff(args: Value, progress: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let opts: DiffOptions = parse_args("trace_diff", args)?;
    let mut report = perfpilot_trace::diff(&opts, progress)?;
    let warnings = std::mem::take(&mut report.warnings);
    let mut inputs = vec![
        InputRef::file("before", &report.before.input),
        InputRef::file("after", &report.after.input),
    ];
    if let Some(c) = &opts.config {
        inputs.push(InputRef::file("config", c));
    }
    if let Some(r) = &opts.rules {
        inputs.push(InputRef::file("rules", r));
    }
    finish(Envelope::new("trace diff", report).with_inputs(inputs).with_warnings(warnings))
}
