//! `server_args.json` beside a trace (or one directory up): model, TP size, dtype,
//! backends; and which framework wrote it.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::TraceError;
use crate::triage::report::ServerFacts;

/// Keys only SGLang's ServerArgs has (the skill's detection list).
const SGLANG_KEYS: &[&str] = &[
    "attention_backend",
    "sampling_backend",
    "disable_cuda_graph",
    "disable_piecewise_cuda_graph",
    "chunked_prefill_size",
    "schedule_policy",
];
/// Keys only TokenSpeed has.
const TOKENSPEED_KEYS: &[&str] = &[
    "attn_tp_size",
    "dense_tp_size",
    "moe_tp_size",
    "enable_mla_l1_5_cache",
    "mla_chunk_multiplier",
    "comm_fusion_max_num_tokens",
    "enable_allreduce_fusion",
];
/// Keys of vLLM's engine args.
const VLLM_KEYS: &[&str] = &["tensor_parallel_size", "enforce_eager", "gpu_memory_utilization"];

/// Parsed server args.
#[derive(Debug, Clone)]
pub struct ServerArgs {
    /// The facts shown in the report.
    pub facts: ServerFacts,
    /// The framework the keys belong to, when recognisable.
    pub framework: Option<&'static str>,
}

/// Look for `server_args.json` in `dir` and its parent.
pub fn find(dir: &Path) -> Option<PathBuf> {
    [Some(dir), dir.parent()]
        .into_iter()
        .flatten()
        .map(|d| d.join("server_args.json"))
        .find(|p| p.is_file())
}

/// Read and interpret a server args file.
pub fn read(path: &Path) -> Result<ServerArgs, TraceError> {
    let text = perfpilot_io::read_to_string_bounded(path).map_err(|e| TraceError::io(path, e))?;
    let value: Value = serde_json::from_str(&text).map_err(|e| TraceError::ServerArgs {
        path: path.to_path_buf(),
        message: format!("{e}"),
    })?;
    // SGLang's /server_info nests the args in some versions; accept both.
    let obj = value.get("server_args").unwrap_or(&value);
    let Some(map) = obj.as_object() else {
        return Err(TraceError::ServerArgs {
            path: path.to_path_buf(),
            message: "expected a JSON object of arguments".into(),
        });
    };
    let s = |k: &str| map.get(k).and_then(Value::as_str).map(str::to_string);
    let n = |k: &str| {
        map.get(k)
            .and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(|t| t.parse().ok())))
            .and_then(|v| u32::try_from(v).ok())
    };
    let b = |k: &str| map.get(k).and_then(Value::as_bool);
    let has = |keys: &[&str]| keys.iter().any(|k| map.contains_key(*k));
    let mentions_tokenspeed =
        map.values().any(|v| v.as_str().is_some_and(|t| t.contains("tokenspeed")));
    let framework = if mentions_tokenspeed || has(TOKENSPEED_KEYS) {
        Some("tokenspeed")
    } else if has(SGLANG_KEYS) {
        Some("sglang")
    } else if has(VLLM_KEYS) {
        Some("vllm")
    } else {
        None
    };
    let facts = ServerFacts {
        path: path.display().to_string(),
        model: s("model_path").or_else(|| s("model")),
        tp_size: n("tp_size").or_else(|| n("tensor_parallel_size")),
        dtype: s("dtype"),
        quantization: s("quantization"),
        kv_cache_dtype: s("kv_cache_dtype"),
        attention_backend: s("attention_backend"),
        cuda_graph_disabled: b("disable_cuda_graph").or_else(|| b("enforce_eager")),
    };
    Ok(ServerArgs { facts, framework })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sglang_and_vllm_args() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("server_args.json");
        std::fs::write(
            &p,
            r#"{"model_path": "Qwen/Qwen3-8B", "tp_size": 2, "dtype": "bfloat16",
            "attention_backend": "fa3", "disable_cuda_graph": false, "quantization": null}"#,
        )
        .unwrap();
        let a = read(&p).unwrap();
        assert_eq!(a.framework, Some("sglang"));
        assert_eq!(a.facts.model.as_deref(), Some("Qwen/Qwen3-8B"));
        assert_eq!(a.facts.tp_size, Some(2));
        assert_eq!(a.facts.quantization, None);
        let sub = dir.path().join("prefill");
        std::fs::create_dir(&sub).unwrap();
        assert_eq!(find(&sub), Some(p.clone()));

        std::fs::write(&p, r#"{"model": "m", "tensor_parallel_size": 8, "enforce_eager": true}"#)
            .unwrap();
        let a = read(&p).unwrap();
        assert_eq!(a.framework, Some("vllm"));
        assert_eq!((a.facts.tp_size, a.facts.cuda_graph_disabled), (Some(8), Some(true)));

        std::fs::write(&p, "[1, 2").unwrap();
        let err = read(&p).unwrap_err().to_string();
        assert!(err.contains("server_args.json") && err.contains("line 1"), "{err}");
    }
}
