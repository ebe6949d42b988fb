//! Rows for `perfpilot loop`: `status`, `review` and `report` are MCP tools; `init`,
//! `round` and `replan` are CLI only (a round runs arbitrary implementing, reviewing and
//! benchmark commands).

use std::path::PathBuf;

use perfpilot_loop::init::InitReport;
use perfpilot_loop::state::Replan;
use perfpilot_loop::{PrReport, ReviewOptions, ReviewReport, RoundReport, StatusReport};
use perfpilot_report::Progress;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::{
    Access, Capability, PathArg, Tool, ToolOutput, finish, input_schema, output_schema, parse_args,
};
use crate::cmd::loop_cmd::{report_envelope, review_envelope, status_envelope};

/// Arguments of `loop_status`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusArgs {
    /// The loop's state directory.
    pub dir: PathBuf,
}

/// Arguments of `loop_review`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewArgs {
    /// The loop's state directory.
    pub dir: PathBuf,
    /// The round (default: the last).
    #[serde(default)]
    pub round: Option<u32>,
    /// Answers `ID=TEXT` to record (checklist item ids or finding ids).
    #[serde(default)]
    pub answers: Vec<String>,
    /// A checklist TOML replacing the built-in one.
    #[serde(default)]
    pub checklist: Option<PathBuf>,
}

/// Arguments of `loop_report`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportArgs {
    /// The loop's state directory.
    pub dir: PathBuf,
    /// A checklist TOML replacing the built-in one.
    #[serde(default)]
    pub checklist: Option<PathBuf>,
}

/// The rows.
pub const ENTRIES: &[Capability] = &[
    Capability { command: "loop init", output_schema: output_schema::<InitReport>, tool: None },
    Capability { command: "loop round", output_schema: output_schema::<RoundReport>, tool: None },
    Capability { command: "loop replan", output_schema: output_schema::<Replan>, tool: None },
    Capability {
        command: "loop status",
        output_schema: output_schema::<StatusReport>,
        tool: Some(Tool {
            name: "loop_status",
            description: "Read where an optimisation loop stands (perfpilot loop state \
                directory): goal and target, baseline and best medians with noise, every round's \
                outcome (ADVANCED / STALLED / REGRESSED / REJECTED), the stall count and drift \
                status, an interrupted round, unanswered blocking findings and the stop \
                decision with its reason. Runs nothing.",
            input_schema: input_schema::<StatusArgs>,
            paths: &[PathArg { pointer: "/dir", access: Access::Read }],
            long_running: false,
            call: status,
        }),
    },
    Capability {
        command: "loop review",
        output_schema: output_schema::<ReviewReport>,
        tool: Some(Tool {
            name: "loop_review",
            description: "The review checklist of a loop round, derived from the round's diff \
                (shapes, dtypes, distributed execution, CUDA-graph capture/replay, fallbacks and \
                backend selection, precision, serving API, metrics, benchmark configuration, \
                torch.compile opacity, memory): each item touched or not with the changed lines \
                that touch it, plus the reviewer's [P0]..[P9] findings. With `answers` \
                (ID=TEXT) it records answers; answering a blocking finding lets the next round \
                run. Runs nothing.",
            input_schema: input_schema::<ReviewArgs>,
            paths: &[
                PathArg { pointer: "/dir", access: Access::Write },
                PathArg { pointer: "/checklist", access: Access::Read },
            ],
            long_running: false,
            call: review,
        }),
    },
    Capability {
        command: "loop report",
        output_schema: output_schema::<PrReport>,
        tool: Some(Tool {
            name: "loop_report",
            description: "Write the PR description of an optimisation loop from its ledgers: \
                what changed and why, the evidence table (baseline vs best median, run-to-run \
                spread, the interval and verdict from the statistics engine, hardware, commands \
                to reproduce), what was tried and failed, and the risks (checklist answers, \
                reviewer findings). Runs nothing.",
            input_schema: input_schema::<ReportArgs>,
            paths: &[
                PathArg { pointer: "/dir", access: Access::Read },
                PathArg { pointer: "/checklist", access: Access::Read },
            ],
            long_running: false,
            call: report,
        }),
    },
];

fn status(args: Value, _: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let a: StatusArgs = parse_args("loop_status", args)?;
    finish(status_envelope(&a.dir)?)
}

fn review(args: Value, _: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let a: ReviewArgs = parse_args("loop_review", args)?;
    let opts = ReviewOptions {
        dir: a.dir,
        round: a.round,
        answers: a.answers,
        checklist: a.checklist,
        diff: None,
    };
    finish(review_envelope(&opts)?)
}

fn report(args: Value, _: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let a: ReportArgs = parse_args("loop_report", args)?;
    finish(report_envelope(&a.dir, a.checklist.as_deref())?)
}
