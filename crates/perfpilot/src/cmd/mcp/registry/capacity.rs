//! Rows for `perfpilot capacity …`.

use perfpilot_capacity::{ExplainOptions, ExplainReport, PlanOptions, PlanReport};
use perfpilot_report::Progress;
use serde_json::Value;

use super::{
    Access, Capability, PathArg, Tool, ToolOutput, finish, input_schema, output_schema, parse_args,
};

/// The rows.
pub const ENTRIES: &[Capability] = &[
    Capability {
        command: "capacity explain",
        output_schema: output_schema::<ExplainReport>,
        tool: Some(Tool {
            name: "capacity_explain",
            description: "Explain where each GPU's memory went at launch from an SGLang or vLLM \
                server log (weights, KV cache with its token count, CUDA graphs, activations, \
                reserve), per rank, with the settings that decided it, a concurrency table and \
                what-ifs (mem_fraction, kv_dtype, tp, context_len, max_running_requests). Use it \
                when a server OOMs, has fewer KV tokens than expected, or before changing memory \
                flags. Stages missing from the log are reported as unknown, not guessed. \
                With `stated: true`, `result.stated` lists every value the log states (SGLang, \
                vLLM, TensorRT-LLM, llama.cpp and Ollama wordings) under a semantic key, per \
                launch, with its line.",
            input_schema: input_schema::<ExplainOptions>,
            paths: &[
                PathArg { pointer: "/log", access: Access::Read },
                PathArg { pointer: "/config", access: Access::Read },
                PathArg { pointer: "/model_rules", access: Access::Read },
                PathArg { pointer: "/gpu_table", access: Access::Read },
                PathArg { pointer: "/frameworks", access: Access::Read },
                PathArg { pointer: "/limits", access: Access::Read },
                PathArg { pointer: "/smi", access: Access::Read },
                PathArg { pointer: "/launch_rules", access: Access::Read },
            ],
            long_running: false,
            call: explain,
        }),
    },
    Capability {
        command: "capacity plan",
        output_schema: output_schema::<PlanReport>,
        tool: Some(Tool {
            name: "capacity_plan",
            description: "Predict the launch memory breakdown and KV-cache capacity (tokens, \
                concurrent requests per length) of a model on a GPU before launching it, from \
                the Hugging Face config.json, with SGLang or vLLM rules (current or legacy), \
                parallelism (tp/pp/dp, DP attention), dtypes, memory fractions, hybrid SWA and \
                Mamba pools, and what-ifs. Use it to choose GPU count, TP and memory flags.",
            input_schema: input_schema::<PlanOptions>,
            paths: &[
                PathArg { pointer: "/config", access: Access::Read },
                PathArg { pointer: "/model_rules", access: Access::Read },
                PathArg { pointer: "/gpu_table", access: Access::Read },
                PathArg { pointer: "/frameworks", access: Access::Read },
                PathArg { pointer: "/limits", access: Access::Read },
            ],
            long_running: false,
            call: plan,
        }),
    },
];

fn explain(args: Value, progress: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let opts: ExplainOptions = parse_args("capacity_explain", args)?;
    let report = perfpilot_capacity::explain_with_progress(&opts, progress)?;
    finish(crate::cmd::capacity::explain::envelope(&opts, report))
}

fn plan(args: Value, _progress: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let opts: PlanOptions = parse_args("capacity_plan", args)?;
    let report = perfpilot_capacity::plan(&opts)?;
    finish(crate::cmd::capacity::plan::envelope(&opts, report))
}
