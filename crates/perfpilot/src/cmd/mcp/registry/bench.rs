//! Rows for `perfpilot bench …`. Over MCP `bench serve` needs a `url` (the CLI's
//! "no --url: benchmark the in-process simulator" fallback is a CLI convenience; start
//! `perfpilot sim serve` and pass its URL instead).

use perfpilot_bench::{CompareOptions, CompareReport, ServeOptions};
use perfpilot_report::{Envelope, Progress};
use perfpilot_workload::BenchResult;
use serde_json::Value;

use super::{
    Access, Capability, PathArg, Tool, ToolOutput, finish, input_schema, output_schema, parse_args,
};

/// The rows.
pub const ENTRIES: &[Capability] = &[
    Capability {
        command: "bench serve",
        output_schema: output_schema::<BenchResult>,
        tool: Some(Tool {
            name: "bench_serve",
            description: "Benchmark an OpenAI-compatible LLM server (SGLang, vLLM, TensorRT-LLM, \
                llama.cpp, or `perfpilot sim serve`) with a fair, bounded, reproducible client: \
                dataset (random, sharegpt, shared-prefix, jsonl), arrival rate and burstiness, \
                concurrency cap, warm-up, SLO (goodput), and the fairness settings recorded with \
                the result (ignore_eos, temperature, lengths, tokenizer). Returns throughput, \
                TTFT/TPOT/ITL/E2E distributions and token-count checks. Use it to measure a \
                deployment or produce the baseline an optimisation must beat; reports progress \
                per request.",
            input_schema: input_schema::<ServeOptions>,
            paths: &[
                PathArg { pointer: "/dataset/path", access: Access::Read },
                PathArg { pointer: "/tokenizer/path", access: Access::Read },
                PathArg { pointer: "/output", access: Access::Write },
                PathArg { pointer: "/compat_output", access: Access::Write },
                PathArg { pointer: "/records", access: Access::Write },
                PathArg { pointer: "/save_requests", access: Access::Write },
                PathArg { pointer: "/api_key_env", access: Access::EnvVar },
            ],
            long_running: true,
            call: serve,
        }),
    },
    Capability {
        command: "bench compare",
        output_schema: output_schema::<CompareReport>,
        tool: Some(Tool {
            name: "bench_compare",
            description: "Compare two or more serving-benchmark results (`bench serve --output` \
                or `sim run` JSON; the first is the baseline, or `inputs` vs `vs` as groups of \
                runs): a FASTER/SLOWER/SAME/NOISY verdict per metric from a bootstrap interval \
                of the ratio (per request within a run; hierarchical over >= 3 runs) against a \
                practical threshold (default 2%), throughput and latency deltas, and a fairness \
                check that refuses runs whose settings or prefix-cache hit rates differ \
                (dataset fingerprint, lengths, ignore_eos, temperature, arrival) unless \
                `allow_unfair`. Use it to state whether a change helped, beyond noise.",
            input_schema: compare_input_schema,
            paths: &[
                PathArg { pointer: "/inputs", access: Access::Read },
                PathArg { pointer: "/vs", access: Access::Read },
            ],
            long_running: false,
            call: compare,
        }),
    },
];

/// `bench_compare`'s arguments: `inputs` needs two files at least (the options type does
/// not say so, the comparison does), so a schema-valid call runs.
fn compare_input_schema() -> Value {
    let mut s = input_schema::<CompareOptions>();
    if let Some(inputs) = s.pointer_mut("/properties/inputs").and_then(Value::as_object_mut) {
        inputs.insert("minItems".into(), Value::from(2));
    }
    s
}

fn serve(args: Value, progress: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let mut opts: ServeOptions = parse_args("bench_serve", args)?;
    // The worker is killed on timeout or cancellation; it must not trap Ctrl-C itself.
    opts.handle_ctrl_c = false;
    let inputs = crate::cmd::bench::serve_inputs(&opts);
    let result = perfpilot_bench::serve(&opts, progress)?;
    finish(Envelope::new("bench serve", result).with_inputs(inputs))
}

fn compare(args: Value, _progress: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let opts: CompareOptions = parse_args("bench_compare", args)?;
    let report = perfpilot_bench::compare(&opts)?;
    finish(crate::cmd::bench::compare_envelope(&opts, report))
}
