//! Python frame rules (`data/attribution.toml`): which frames belong to a serving
//! framework, which carry no location, and which mean "replayed, not called here".

use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::TraceError;

/// The rule file compiled into the binary.
pub const EMBEDDED_ATTRIBUTION: &str = include_str!("../../data/attribution.toml");

/// Why a kernel is a replay rather than a call.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ReplayKind {
    /// Replayed by a CUDA/HIP graph launch.
    CudaGraph,
    /// Run by torch.compile / Inductor generated code.
    TorchCompile,
}

impl ReplayKind {
    /// Snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReplayKind::CudaGraph => "cuda_graph",
            ReplayKind::TorchCompile => "torch_compile",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    version: u32,
    #[serde(default)]
    framework: Vec<FrameworkRule>,
    low_signal: LowSignal,
    noise: Noise,
    #[serde(default)]
    replay: Vec<ReplayRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrameworkRule {
    name: String,
    markers: Vec<String>,
    #[allow(dead_code)]
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LowSignal {
    functions: Vec<String>,
    paths: Vec<String>,
    #[allow(dead_code)]
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Noise {
    prefixes: Vec<String>,
    #[allow(dead_code)]
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplayRule {
    kind: ReplayKind,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    cpu_op_prefix: Option<String>,
    #[allow(dead_code)]
    source: String,
}

/// What one Python frame is, for attribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameInfo {
    /// Index of the framework it belongs to (in [`FrameRules::frameworks`]).
    pub framework: Option<u8>,
    /// A wrapper frame that never locates a kernel.
    pub low_signal: bool,
    /// Python runtime / torch plumbing.
    pub noise: bool,
    /// A replay marker frame.
    pub replay: Option<ReplayKind>,
    /// `path:line function`, path shortened at the framework marker.
    pub site: String,
}

/// Compiled frame rules.
#[derive(Debug, Clone)]
pub struct FrameRules {
    frameworks: Vec<(String, Vec<String>)>,
    low_functions: Vec<String>,
    low_paths: Vec<String>,
    noise: Vec<String>,
    replay_paths: Vec<(String, ReplayKind)>,
    replay_ops: Vec<(String, ReplayKind)>,
}

impl FrameRules {
    /// The built-in rules.
    pub fn embedded() -> FrameRules {
        // Tested by `embedded_rules_load`; a failure here is a build bug.
        FrameRules::from_toml_str(EMBEDDED_ATTRIBUTION, Path::new("<embedded attribution.toml>"))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// The built-in rules, or `path`'s (`--attribution`), which replace them.
    pub fn load(path: Option<&Path>) -> Result<FrameRules, TraceError> {
        match path {
            None => Ok(FrameRules::embedded()),
            Some(p) => FrameRules::from_toml_str(&crate::rulefile::read(p)?, p),
        }
    }

    /// Load rules from TOML text; errors name `origin`, the line and what was expected.
    pub fn from_toml_str(text: &str, origin: &Path) -> Result<FrameRules, TraceError> {
        let file: RuleFile =
            toml::from_str(text).map_err(|e| crate::rulefile::toml_error(origin, text, &e))?;
        if file.version != 1 {
            return Err(TraceError::Rules {
                path: origin.to_path_buf(),
                message: format!("unsupported version {} (expected 1)", file.version),
            });
        }
        let mut replay_paths = Vec::new();
        let mut replay_ops = Vec::new();
        for r in file.replay {
            match (r.path, r.cpu_op_prefix) {
                (Some(p), None) => replay_paths.push((p, r.kind)),
                (None, Some(op)) => replay_ops.push((op, r.kind)),
                _ => {
                    return Err(TraceError::Rules {
                        path: origin.to_path_buf(),
                        message: "each [[replay]] needs exactly one of `path` or `cpu_op_prefix`"
                            .into(),
                    });
                }
            }
        }
        Ok(FrameRules {
            frameworks: file.framework.into_iter().map(|f| (f.name, f.markers)).collect(),
            low_functions: file.low_signal.functions,
            low_paths: file.low_signal.paths,
            noise: file.noise.prefixes,
            replay_paths,
            replay_ops,
        })
    }

    /// Framework names, in rule order.
    pub fn frameworks(&self) -> impl Iterator<Item = &str> {
        self.frameworks.iter().map(|(n, _)| n.as_str())
    }

    /// The name of framework `i`.
    pub fn framework_name(&self, i: u8) -> &str {
        self.frameworks.get(usize::from(i)).map_or("", |(n, _)| n)
    }

    /// The replay kind a CPU op name signals, if any.
    pub fn replay_op(&self, cpu_op: &str) -> Option<ReplayKind> {
        self.replay_ops.iter().find(|(p, _)| cpu_op.starts_with(p.as_str())).map(|(_, k)| *k)
    }

    /// Classify one frame name (`path(line): function` or `<built-in …>`).
    pub fn classify(&self, frame: &str) -> FrameInfo {
        let (path, line, function) = split_frame(frame);
        let mut framework = None;
        let mut short = path;
        'outer: for (i, (_, markers)) in self.frameworks.iter().enumerate() {
            for m in markers {
                if let Some(at) = path.find(m.as_str()) {
                    framework = Some(i as u8);
                    short = &path[at..];
                    break 'outer;
                }
            }
        }
        // Outside a framework, shorten at `site-packages/` so sites read as modules.
        if framework.is_none()
            && let Some(at) = path.rfind("site-packages/")
        {
            short = &path[at + "site-packages/".len()..];
        }
        let low_signal = self.low_functions.iter().any(|f| f == function)
            || self.low_paths.iter().any(|p| short.contains(p.as_str()));
        let noise = framework.is_none()
            && (line.is_none() || self.noise.iter().any(|p| short.starts_with(p.as_str())));
        let replay =
            self.replay_paths.iter().find(|(p, _)| path.contains(p.as_str())).map(|(_, k)| *k);
        let site = match line {
            Some(line) => format!("{short}:{line} {function}"),
            None => frame.to_string(),
        };
        FrameInfo { framework, low_signal, noise, replay, site }
    }
}

/// `a/b.py(12): f` → (`a/b.py`, Some(`12`), `f`); anything else → (whole, None, whole).
fn split_frame(frame: &str) -> (&str, Option<&str>, &str) {
    if let Some(open) = frame.find("(")
        && let Some(close_rel) = frame[open..].find("): ")
    {
        let close = open + close_rel;
        let line = &frame[open + 1..close];
        if !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit()) {
            return (&frame[..open], Some(line), &frame[close + 3..]);
        }
    }
    (frame, None, frame)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_load() {
        let r = FrameRules::embedded();
        assert!(r.frameworks().any(|f| f == "sglang"));
        assert!(FrameRules::from_toml_str("version = 2", Path::new("x.toml")).is_err());
        let err = FrameRules::from_toml_str(
            "version = 1\n[[framework]]\nname = 3\n",
            Path::new("x.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("x.toml") && err.contains("line 3"), "{err}");
    }

    #[test]
    fn classifies_real_frames() {
        let r = FrameRules::embedded();
        let f = r.classify(
            "/sgl-workspace/sglang/python/sglang/srt/managers/scheduler.py(2919): _run_batch_inner",
        );
        assert_eq!(r.framework_name(f.framework.unwrap()), "sglang");
        assert_eq!(f.site, "python/sglang/srt/managers/scheduler.py:2919 _run_batch_inner");
        assert!(!f.noise && !f.low_signal && f.replay.is_none());

        let f = r.classify("vllm/model_executor/layers/layernorm.py(194): forward_cuda");
        assert_eq!(r.framework_name(f.framework.unwrap()), "vllm");
        let f = r.classify("vllm/model_executor/parameter.py(122): __torch_function__");
        assert!(f.low_signal);
        let f = r.classify("torch/nn/modules/module.py(1779): _call_impl");
        assert!(f.noise && f.low_signal);
        let f = r.classify("<built-in method numel of Tensor object at 0x7fdc681d0910>");
        assert!(f.noise);
        let f = r.classify("/usr/lib/python3/site-packages/transformers/models/qwen2/modeling_qwen2.py(80): forward");
        assert!(!f.noise && f.framework.is_none());
        assert_eq!(f.site, "transformers/models/qwen2/modeling_qwen2.py:80 forward");
        let f = r.classify("python/sglang/srt/model_executor/cuda_graph_runner.py(1193): replay");
        assert_eq!(f.replay, Some(ReplayKind::CudaGraph));
        let f = r.classify("/tmp/torchinductor_root/ab/cabc.py(512): call");
        assert_eq!(f.replay, Some(ReplayKind::TorchCompile));
        assert_eq!(r.replay_op("Torch-Compiled Region: 5/2"), Some(ReplayKind::TorchCompile));
    }
}
