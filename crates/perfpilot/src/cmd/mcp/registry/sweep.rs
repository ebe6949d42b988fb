//! Rows for `perfpilot bench sweep …`. A sweep runs for minutes to hours, so it is not an
//! MCP call: starting one is a CLI (or skill) action; the tools validate, render and
//! dry-run a plan, and read a running or finished sweep's status and summary.

use std::path::PathBuf;

use perfpilot_report::{Envelope, InputRef, Progress};
use perfpilot_sweep::{PlanReport, Rules, SweepPlan, SweepReport, check_plan};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::{
    Access, Capability, PathArg, Tool, ToolOutput, finish, input_schema, output_schema, parse_args,
};

/// Arguments of `bench_sweep_validate`, `bench_sweep_render` and `bench_sweep_dry_run`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanArgs {
    /// The sweep plan (YAML).
    pub plan: PathBuf,
    /// Framework rules (TOML) replacing the built-in ones.
    #[serde(default)]
    pub rules: Option<PathBuf>,
}

/// Arguments of `bench_sweep_status`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusArgs {
    /// The plan the sweep runs.
    pub plan: PathBuf,
    /// The sweep's output folder (holds live_results.jsonl).
    pub out: PathBuf,
    /// Framework rules (TOML) replacing the built-in ones.
    #[serde(default)]
    pub rules: Option<PathBuf>,
}

/// Arguments of `bench_sweep_plan`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanWorkArgs {
    /// The sweep plan (YAML).
    pub plan: PathBuf,
    /// The `--repeats` the work bound assumes (default 0).
    #[serde(default)]
    pub repeats: u32,
    /// Framework rules (TOML) replacing the built-in ones.
    #[serde(default)]
    pub rules: Option<PathBuf>,
}

const PLAN_PATHS: &[PathArg] = &[
    PathArg { pointer: "/plan", access: Access::Read },
    PathArg { pointer: "/rules", access: Access::Read },
];

/// The rows.
pub const ENTRIES: &[Capability] = &[
    Capability {
        command: "bench sweep validate",
        output_schema: output_schema::<PlanReport>,
        tool: Some(Tool {
            name: "bench_sweep_validate",
            description: "Check a `bench sweep` plan (SGLang v1 cookbook YAML plus launch keys) \
                without starting anything: every problem with its YAML line (unknown keys, \
                deprecated SLA keys, misaligned scenario lists, sequence limits against \
                max(input+output) per candidate, flags against a captured --help file, host/port \
                replaced). Use it before starting a sweep.",
            input_schema: input_schema::<PlanArgs>,
            paths: PLAN_PATHS,
            long_running: false,
            call: validate,
        }),
    },
    Capability {
        command: "bench sweep render",
        output_schema: output_schema::<PlanReport>,
        tool: Some(Tool {
            name: "bench_sweep_render",
            description: "List each planned sweep candidate (baseline and stage-1 one-at-a-time \
                changes) with its exact server argv and the reason it exists, plus stage 2's \
                rule (a factorial over changes that were FASTER beyond noise). Starts nothing; \
                same as `bench sweep PLAN --dry-run`.",
            input_schema: input_schema::<PlanArgs>,
            paths: PLAN_PATHS,
            long_running: false,
            call: render,
        }),
    },
    Capability {
        command: "bench sweep status",
        output_schema: output_schema::<SweepReport>,
        tool: Some(Tool {
            name: "bench_sweep_status",
            description: "Read a running or finished `bench sweep` from its output folder: best \
                command per framework and scenario (highest SLA-meeting rate, SLA recomputed \
                from the metrics, ties by p99 TTFT), every finished rate search, failed \
                candidates with reasons, versions and the profiler hand-off. Starts nothing; \
                start a sweep with the CLI (`perfpilot bench sweep PLAN --out DIR`).",
            input_schema: input_schema::<StatusArgs>,
            paths: &[
                PathArg { pointer: "/plan", access: Access::Read },
                PathArg { pointer: "/out", access: Access::Read },
                PathArg { pointer: "/rules", access: Access::Read },
            ],
            long_running: false,
            call: status,
        }),
    },
    Capability {
        command: "bench sweep plan",
        output_schema: output_schema::<SweepPlan>,
        tool: Some(Tool {
            name: "bench_sweep_plan",
            description: "Dry-run a `bench sweep` plan: validation, each candidate's exact \
                server argv with its reason, stage 2's rule, and an upper bound of the work a \
                run would do per framework (server starts, rate searches, probes, requests; \
                with `repeats`). Launches no server. Use it to size a sweep before starting \
                one with the CLI.",
            input_schema: input_schema::<PlanWorkArgs>,
            paths: PLAN_PATHS,
            long_running: false,
            call: plan_work,
        }),
    },
    Capability { command: "bench sweep", output_schema: output_schema::<SweepReport>, tool: None },
];

fn rules(p: &Option<PathBuf>) -> anyhow::Result<Rules> {
    Ok(match p {
        Some(p) => Rules::from_file(p)?,
        None => Rules::builtin()?,
    })
}

fn plan_report(args: Value, tool: &str, show: bool, command: &str) -> anyhow::Result<ToolOutput> {
    let a: PlanArgs = parse_args(tool, args)?;
    let (_, report) = check_plan(&a.plan, &rules(&a.rules)?, show)?;
    finish(crate::cmd::sweep::plan_envelope(command, report))
}

fn validate(args: Value, _p: &dyn Progress) -> anyhow::Result<ToolOutput> {
    plan_report(args, "bench_sweep_validate", false, "bench sweep validate")
}

fn render(args: Value, _p: &dyn Progress) -> anyhow::Result<ToolOutput> {
    plan_report(args, "bench_sweep_render", true, "bench sweep render")
}

fn plan_work(args: Value, _p: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let a: PlanWorkArgs = parse_args("bench_sweep_plan", args)?;
    finish(crate::cmd::sweep::plan_work_envelope(&a.plan, &rules(&a.rules)?, a.repeats)?)
}

fn status(args: Value, _p: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let a: StatusArgs = parse_args("bench_sweep_status", args)?;
    let (loaded, report) = check_plan(&a.plan, &rules(&a.rules)?, false)?;
    let Some(plan) = loaded.plan else {
        return finish(crate::cmd::sweep::plan_envelope("bench sweep validate", report));
    };
    let r = perfpilot_sweep::status(&plan, &a.out)?;
    finish(Envelope::new("bench sweep", r).with_inputs(vec![InputRef::file("plan", &a.plan)]))
}
