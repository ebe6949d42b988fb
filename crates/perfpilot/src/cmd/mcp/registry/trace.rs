//! Rows for `perfpilot trace …`.

use perfpilot_report::Progress;
use perfpilot_trace::taxonomy::{ClassifyOptions, ClassifyReport};
use perfpilot_trace::{
    DiffOptions, DiffReport, LayersOptions, LayersReport, TriageOptions, TriageOutput,
};
use serde_json::Value;

use super::{
    Access, Capability, PathArg, Tool, ToolOutput, finish, input_schema, output_schema, parse_args,
};

/// The rows.
pub const ENTRIES: &[Capability] = &[
    Capability {
        command: "trace triage",
        output_schema: output_schema::<TriageOutput>,
        tool: Some(Tool {
            name: "trace_triage",
            description: "Triage a torch-profiler (Kineto) trace of an LLM server (SGLang, vLLM, \
                TensorRT-LLM; file or profile directory): per stage (extend/prefill, decode) the \
                kernel table (GPU time, share, category, launches, Python call site and CPU op \
                with the link used), overlap table and fuse-opportunity table, plus the \
                framework, ranks, device and attribution coverage. Use it to find where GPU \
                time goes before proposing an optimisation; give `mapping` (a CUDA-graph-off \
                trace of the same workload) when call sites show as graph replays. A \
                multi-rank directory (or `input` plus `more_inputs`) gives every rank, analysed \
                in parallel: tables merged across ranks, a rank-skew table (step time, GPU \
                busy, exposed communication, time in collectives, last arrivals), the kernels \
                whose time spreads across ranks (CV above `cv_threshold`) and collectives \
                matched across ranks (by process group and sequence number when the trace \
                records them, else by order; `matched_by` says which) with the rank that \
                arrived last; `rank` narrows to one.",
            input_schema: input_schema::<TriageOptions>,
            paths: &[
                PathArg { pointer: "/input", access: Access::Read },
                PathArg { pointer: "/more_inputs", access: Access::Read },
                PathArg { pointer: "/mapping", access: Access::Read },
                PathArg { pointer: "/rules", access: Access::Read },
                PathArg { pointer: "/fusions", access: Access::Read },
                PathArg { pointer: "/attribution", access: Access::Read },
                PathArg { pointer: "/stages", access: Access::Read },
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
                PathArg { pointer: "/model_rules", access: Access::Read },
                PathArg { pointer: "/emit_trace", access: Access::Write },
                PathArg { pointer: "/rules", access: Access::Read },
                PathArg { pointer: "/passes", access: Access::Read },
                PathArg { pointer: "/stages", access: Access::Read },
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
                PathArg { pointer: "/model_rules", access: Access::Read },
                PathArg { pointer: "/rules", access: Access::Read },
                PathArg { pointer: "/passes", access: Access::Read },
                PathArg { pointer: "/stages", access: Access::Read },
                PathArg { pointer: "/attribution", access: Access::Read },
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
            and the evidence that decided each. Give `launch_op` (the launching CPU op, e.g. \
            `vllm::moe_forward`) or `call_site` (the Python call site, e.g. \
            `vllm/v1/sample/sampler.py`) to let the launch context decide names that alone are \
            generic (elementwise, memory, reduction, other; expert GEMMs named only by tiles). \
            A name no rule knows may be decided by the token model (evidence `token_model`, \
            rule `model.<category>[tokens]`): treat that as a weaker guess than a name rule. \
            Use it to check how a kernel will be counted before reading a triage table, or to \
            test a custom rule file (`rules`).",
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
    let report = perfpilot_trace::triage_any(&opts, progress)?;
    finish(crate::cmd::trace::triage::envelope(&opts, report))
}

fn classify(args: Value, _progress: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let opts: ClassifyOptions = parse_args("trace_classify", args)?;
    let report = perfpilot_trace::taxonomy::classify(&opts)?;
    finish(crate::cmd::trace::classify::envelope(&opts, report))
}

fn layers(args: Value, progress: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let opts: LayersOptions = parse_args("trace_layers", args)?;
    let report = perfpilot_trace::layers(&opts, progress)?;
    finish(crate::cmd::trace::layers::envelope(&opts, report))
}

fn diff(args: Value, progress: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let opts: DiffOptions = parse_args("trace_diff", args)?;
    let report = perfpilot_trace::diff(&opts, progress)?;
    finish(crate::cmd::trace::diff::envelope(&opts, report))
}
