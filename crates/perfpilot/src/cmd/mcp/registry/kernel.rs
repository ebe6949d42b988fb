//! Rows for `perfpilot kernel {check,calibrate,ab,results,ncu,flags,dispatch,note,wiki}`
//! (MCP tools) and `kernel init`
//! (CLI only: it writes example files).

use perfpilot_kernel::{
    AbOptions, AbReport, CalibrateOptions, Calibration, CheckOptions, CheckReport, DispatchOptions,
    DispatchReport, FlagsOptions, FlagsReport, InitReport, NcuOptions, NcuReport, NoteOptions,
    NoteReport, ResultsOptions, WikiOptions, WikiReport,
};
use perfpilot_report::Progress;
use serde_json::Value;

use super::{
    Access, Capability, PathArg, Tool, ToolOutput, finish, input_schema, output_schema, parse_args,
};
use crate::cmd::kernel::{
    ab_envelope, calibrate_envelope, check_envelope, dispatch_envelope, flags_envelope,
    ncu_envelope, wiki_envelope,
};

/// The rows.
pub const ENTRIES: &[Capability] = &[
    Capability { command: "kernel init", output_schema: output_schema::<InitReport>, tool: None },
    Capability {
        command: "kernel check",
        output_schema: output_schema::<CheckReport>,
        tool: Some(Tool {
            name: "kernel_check",
            description: "Validate a kernel A/B task directory (task.toml: baseline/candidate \
                commands, frozen shapes, tolerances, timeouts; errors name file, line and key) \
                and check that the candidate's git diff stays inside the task's allowed_paths. \
                Use it before kernel_ab and after every edit of a candidate.",
            input_schema: input_schema::<CheckOptions>,
            paths: &[
                PathArg { pointer: "/dir", access: Access::Read },
                PathArg { pointer: "/tolerances", access: Access::Read },
            ],
            long_running: false,
            call: check,
        }),
    },
    Capability {
        command: "kernel calibrate",
        output_schema: output_schema::<Calibration>,
        tool: Some(Tool {
            name: "kernel_calibrate",
            description: "Run an A/A measurement of a kernel task's baseline against itself \
                (same interleaved schedule as kernel_ab) and store the measured noise per shape \
                in DIR/calibration.json; kernel_ab then never calls a change smaller than that \
                noise FASTER or SLOWER. Run it once per task and machine, and again after \
                changing shapes or timing. It runs the task's commands.",
            input_schema: input_schema::<CalibrateOptions>,
            paths: &[PathArg { pointer: "/dir", access: Access::Write }],
            long_running: true,
            call: calibrate,
        }),
    },
    Capability {
        command: "kernel ab",
        output_schema: output_schema::<AbReport>,
        tool: Some(Tool {
            name: "kernel_ab",
            description: "A/B a kernel candidate against its baseline on the task's frozen \
                shapes: build both, check the candidate's outputs against the baseline's (or a \
                reference's) within the dtype tolerance (NaN, Inf and unwritten outputs fail; a \
                failing candidate is never timed), then time both in interleaved ABBA trials and \
                give per shape the median ratio, its bootstrap interval and FASTER / SLOWER / \
                SAME / NOISY, plus the weighted geomean. Fails (check failed) when the \
                candidate is wrong, crashed, hung or is slower. It runs the task's commands.",
            input_schema: input_schema::<AbOptions>,
            paths: &[
                PathArg { pointer: "/dir", access: Access::Write },
                PathArg { pointer: "/tolerances", access: Access::Read },
                PathArg { pointer: "/results", access: Access::Write },
                PathArg { pointer: "/ledger", access: Access::Write },
            ],
            long_running: true,
            call: ab,
        }),
    },
    Capability {
        command: "kernel results",
        output_schema: output_schema::<AbReport>,
        tool: Some(Tool {
            name: "kernel_results",
            description: "Read the last finished kernel_ab of a task from its JSONL record \
                (DIR/results.jsonl) without running anything: the gate, per-shape verdicts, \
                failures and geomean. Use it to re-read a result or one from another session.",
            input_schema: input_schema::<ResultsOptions>,
            paths: &[
                PathArg { pointer: "/dir", access: Access::Read },
                PathArg { pointer: "/results", access: Access::Read },
            ],
            long_running: false,
            call: results,
        }),
    },
    Capability {
        command: "kernel ncu",
        output_schema: output_schema::<NcuReport>,
        tool: Some(Tool {
            name: "kernel_ncu",
            description: "Digest Nsight Compute CSV exports (`ncu --csv`, details or raw page): \
                per kernel launch the duration, SM and memory throughput (% of peak), achieved \
                occupancy, registers, shared memory, waves per SM, the bound type by NCU's own \
                SpeedOfLight rule (high throughput / small grid / latency / compute- or \
                memory-heavy / balanced) with its evidence, and the one next edit for that type; \
                NCU's own rule result beside it when exported. Two reports = baseline vs \
                candidate side by side. Use after a kernel A/B to explain why, before editing.",
            input_schema: input_schema::<NcuOptions>,
            paths: &[
                PathArg { pointer: "/reports", access: Access::Read },
                PathArg { pointer: "/rules", access: Access::Read },
            ],
            long_running: false,
            call: ncu,
        }),
    },
    Capability {
        command: "kernel flags",
        output_schema: output_schema::<FlagsReport>,
        tool: Some(Tool {
            name: "kernel_flags",
            description: "Compare the build flags of a kernel baseline and candidate, read from \
                compile_commands.json, a build.ninja (CMake, torch cpp_extension, JIT caches), \
                Triton compile metadata JSON, or a file of nvcc/hipcc/gcc command lines (both \
                arguments are files here). Flags that change numerics or speed on one side only \
                (--use_fast_math, -ftz, -prec-div, -prec-sqrt, -fmad, -G, -maxrregcount, \
                -arch/-gencode, -O, -std, NDEBUG, enable_fp_fusion, ...) fail the check, with \
                both command lines; other differences such as -D defines are reported. Use \
                before trusting any kernel speedup.",
            input_schema: input_schema::<FlagsOptions>,
            paths: &[
                PathArg { pointer: "/baseline", access: Access::Read },
                PathArg { pointer: "/candidate", access: Access::Read },
                PathArg { pointer: "/rules", access: Access::Read },
            ],
            long_running: false,
            call: flags,
        }),
    },
    Capability {
        command: "kernel dispatch",
        output_schema: output_schema::<DispatchReport>,
        tool: Some(Tool {
            name: "kernel_dispatch",
            description: "Turn a finished kernel_ab over many shapes into a shape-specialised \
                dispatch table: the dimension (tokens, M, N, K, hidden, ...) whose thresholds \
                separate the winners, the candidate only where its verdict is FASTER (SAME, \
                SLOWER, NOISY and untimed shapes stay on the baseline), the evidence per range \
                (shapes, verdicts, speedups) and the table as Rust, C++ and Python if chains. \
                Reads DIR/task.toml and the A/B record; runs nothing.",
            input_schema: input_schema::<DispatchOptions>,
            paths: &[
                PathArg { pointer: "/dir", access: Access::Read },
                PathArg { pointer: "/results", access: Access::Read },
            ],
            long_running: false,
            call: dispatch,
        }),
    },
    Capability {
        command: "kernel note",
        output_schema: output_schema::<NoteReport>,
        tool: Some(Tool {
            name: "kernel_note",
            description: "Append a claim about a kernel (kernel, GPU, dtype, shape, metric, value, \
                source, date) to a kernel ledger (`ledger`, default the user's global one) and, \
                with `task`, to the task's copy DIR/ledger.jsonl. Record every measured fact \
                with its source so later sessions can find it with kernel_wiki.",
            input_schema: input_schema::<NoteOptions>,
            paths: &[
                PathArg { pointer: "/task", access: Access::Write },
                PathArg { pointer: "/ledger", access: Access::Write },
            ],
            long_running: false,
            call: note,
        }),
    },
    Capability {
        command: "kernel wiki",
        output_schema: output_schema::<WikiReport>,
        tool: Some(Tool {
            name: "kernel_wiki",
            description: "Search a kernel ledger for claims by kernel, GPU, dtype or shape \
                (terms all must match; `gpu:h100 shape:n=4096 rmsnorm`): values with their \
                source and date, including every kernel_ab result. Check it before profiling \
                or tuning a kernel someone already measured.",
            input_schema: input_schema::<WikiOptions>,
            paths: &[PathArg { pointer: "/ledger", access: Access::Read }],
            long_running: false,
            call: wiki,
        }),
    },
];

fn check(args: Value, _: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let opts: CheckOptions = parse_args("kernel_check", args)?;
    finish(check_envelope(&opts)?)
}

fn calibrate(args: Value, progress: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let opts: CalibrateOptions = parse_args("kernel_calibrate", args)?;
    finish(calibrate_envelope(&opts, progress)?)
}

fn ab(args: Value, progress: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let opts: AbOptions = parse_args("kernel_ab", args)?;
    let report = perfpilot_kernel::run_ab(&opts, progress)?;
    finish(ab_envelope("kernel ab", report))
}

fn results(args: Value, _: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let opts: ResultsOptions = parse_args("kernel_results", args)?;
    finish(ab_envelope("kernel results", perfpilot_kernel::read_results(&opts)?))
}

fn ncu(args: Value, _: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let opts: NcuOptions = parse_args("kernel_ncu", args)?;
    finish(ncu_envelope(&opts)?)
}

fn flags(args: Value, _: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let opts: FlagsOptions = parse_args("kernel_flags", args)?;
    finish(flags_envelope(&opts)?)
}

fn dispatch(args: Value, _: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let opts: DispatchOptions = parse_args("kernel_dispatch", args)?;
    finish(dispatch_envelope(&opts)?)
}

fn note(args: Value, _: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let opts: NoteOptions = parse_args("kernel_note", args)?;
    finish(perfpilot_report::Envelope::new("kernel note", perfpilot_kernel::run_note(&opts)?))
}

fn wiki(args: Value, _: &dyn Progress) -> anyhow::Result<ToolOutput> {
    let opts: WikiOptions = parse_args("kernel_wiki", args)?;
    finish(wiki_envelope(&opts)?)
}
