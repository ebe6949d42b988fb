//! Rows for `perfpilot sim …`. `sim serve` (a server that runs until stopped; its report
//! comes at Ctrl-C) has a schema but is not a tool; `sim profiles` has neither (its report
//! type is private to the CLI's `cmd/sim.rs`).

use perfpilot_report::{Envelope, Progress};
use perfpilot_sim::{FitOptions, FitReport, SimRunOptions, SimRunReport, SimServeReport};
use serde_json::{Value, json};

use super::{
    Access, Capability, PathArg, Tool, ToolOutput, finish, input_schema, output_schema, parse_args,
};

/// The rows.
pub const ENTRIES: &[Capability] = &[
    Capability { command: "sim serve", output_schema: output_schema::<SimServeReport>, tool: None },
    Capability {
        command: "sim run",
        output_schema: run_output_schema,
        tool: Some(Tool {
            name: "sim_run",
            description: "Run a serving benchmark against the simulated continuous-batching \
                engine in virtual time (seconds of wall time for minutes of traffic) and return \
                the same record as `bench serve` plus engine counters (KV use, retractions, \
                batch sizes). Use it for what-ifs before touching a real server: change \
                `overrides` (max_running_requests, chunked_prefill_size, mem_fraction_static, \
                page_size, radix_cache, …) and compare runs. Numbers are model estimates from a \
                fitted profile, not measurements.",
            input_schema: input_schema::<SimRunOptions>,
            paths: &[
                PathArg { pointer: "/profile", access: Access::NameOrRead },
                PathArg { pointer: "/dataset/path", access: Access::Read },
                PathArg { pointer: "/tokenizer", access: Access::Read },
            ],
            long_running: true,
            call: run,
        }),
    },
    Capability {
        command: "sim fit",
        output_schema: output_schema::<FitReport>,
        tool: Some(Tool {
            name: "sim_fit",
            description: "Fit a simulator profile's cost parameters to `bench serve` result \
                files from a real server, and report the prediction error on held-out results \
                (`predict`). Use it before trusting simulated what-ifs for a deployment: the \
                check fails when an error exceeds `tolerance`. The fitted profile TOML is in \
                the result (`profile_toml`).",
            input_schema: fit_input_schema,
            paths: &[
                PathArg { pointer: "/profile", access: Access::NameOrRead },
                PathArg { pointer: "/results", access: Access::Read },
                PathArg { pointer: "/predict", access: Access::Read },
            ],
            long_running: true,
            call: fit,
        }),
    },
];

/// `sim_fit`'s arguments: `results` needs one file at least (the fit does), so a
/// schema-valid call runs.
fn fit_input_schema() -> Value {
    let mut s = input_schema::<FitOptions>();
    if let Some(r) = s.pointer_mut("/properties/results").and_then(Value::as_object_mut) {
        r.insert("minItems".into(), Value::from(1));
    }
    s
}

fn run(args: Value, _progress: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let opts: SimRunOptions = parse_args("sim_run", args)?;
    let report = perfpilot_sim::run_virtual(&opts)?;
    let inputs = crate::cmd::sim::run_inputs(&opts);
    let warnings = crate::cmd::sim::run_warnings(&report);
    finish(Envelope::new("sim run", report).with_inputs(inputs).with_warnings(warnings))
}

fn fit(args: Value, _progress: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let opts: FitOptions = parse_args("sim_fit", args)?;
    let report = perfpilot_sim::fit(&opts)?;
    finish(Envelope::new("sim fit", report).with_inputs(crate::cmd::sim::fit_inputs(&opts)))
}

/// `sim run` prints one run, or with `--sweep` one run per value
/// (`perfpilot.sim.sweep/1`): its output schema admits both.
fn run_output_schema() -> Value {
    let single = output_schema::<SimRunReport>();
    let sweep = output_schema::<crate::cmd::sim::SweepReport>();
    let mut defs = serde_json::Map::new();
    for s in [&single, &sweep] {
        if let Some(d) = s.get("$defs").and_then(Value::as_object) {
            defs.extend(d.clone());
        }
    }
    let strip = |mut s: Value| {
        if let Some(o) = s.as_object_mut() {
            o.remove("$defs");
            o.remove("$schema");
        }
        s
    };
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Envelope of sim run",
        "description": "`sim run` output: a single virtual run, or a sweep (one run per value).",
        "type": "object",
        "anyOf": [strip(single), strip(sweep)],
        "$defs": defs,
    })
}
