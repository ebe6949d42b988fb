//! The rules of round 18 of issue 15 (branch trifix18): wording families read from the runtimes'
//! and parsers' own format strings (ROCm HSA memory statuses, clap / argparse value refusals, bind
//! lines ending in EADDRINUSE, tt-metal's dispatch timeout). `corpus_score` guards them as it
//! guards the earlier rounds: none may decide a log of another class in a scored split.

/// Signature ids of round 18 (`data/signatures_2.toml`).
pub const CLASS_RULES_R18: &[&str] = &[
    "hsa-memory-fault-status",
    "cli-parser-invalid-value",
    "bind-line-address-in-use",
    "tt-metal-dispatch-timeout",
    "hf-hub-http-refusal",
    "nvrm-no-memory",
    "minja-render-error-location",
];
