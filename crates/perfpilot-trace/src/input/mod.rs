//! Finding the trace files of an input and the server args beside them.

pub mod discover;
pub mod server_args;

/// The serving framework a path names (`…/vllm/…`, `sglang_…`, `trtllm-…`), if any: the
/// last resort of framework detection in `trace triage` and `trace diff`.
pub(crate) fn framework_from_path(path: &std::path::Path) -> Option<&'static str> {
    let p = path.to_string_lossy().to_lowercase();
    [
        ("tokenspeed", "tokenspeed"),
        ("tensorrt_llm", "tensorrt_llm"),
        ("tensorrt-llm", "tensorrt_llm"),
        ("trtllm", "tensorrt_llm"),
        ("vllm", "vllm"),
        ("sglang", "sglang"),
    ]
    .into_iter()
    .find(|(needle, _)| p.contains(needle))
    .map(|(_, name)| name)
}
