//! Rows for `perfpilot trace …`.

use perfpilot_report::{Envelope, InputRef, Progress};
use perfpilot_trace::taxonomy::{ClassifyOptions, ClassifyReport};
use serde_json::Value;

use super::{
    Access, Capability, PathArg, Tool, ToolOutput, finish, input_schema, output_schema, parse_args,
};

/// The rows.
pub const ENTRIES: &[Capability] = &[Capability {
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
}];

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
