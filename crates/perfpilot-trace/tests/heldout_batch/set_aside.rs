//! The set-aside thirds of the taxonomy rounds, one list per held-out batch: the ceil(n/3)
//! source repositories with the smallest FNV-1a-64 of `github:owner/name`, drawn before the
//! round's first rule change. Shared by the batch tests (`taxonomy_heldoutN.rs`, which check the
//! draw and score each third once) and the `taxonomy_splits` example (which does not print the
//! thirds still being held back).

/// The namesfix3 set-aside third (`tests/fixtures/trace/SOURCES.md`, "namesfix3 set-aside"):
/// the ceil(27/3) source repositories with the smallest FNV-1a-64 of `github:owner/name`.
#[allow(dead_code)]
pub const SET_ASIDE_7: &[&str] = &[
    "github:NVIDIA/Fuser",
    "github:mlc-ai/xgrammar",
    "github:ztxz16/fastllm",
    "github:zhihu/ZhiLight",
    "github:ModelTC/LightX2V",
    "github:efeslab/Nanoflow",
    "github:turboderp-org/exllamav3",
    "github:mit-han-lab/torchsparse",
    "github:InfiniTensor/InfiniCore",
];

/// The namesfix4 set-aside third (`tests/fixtures/trace/SOURCES.md`, "namesfix4 set-aside"):
/// the ceil(39/3) source repositories with the smallest FNV-1a-64 of `github:owner/name`.
#[allow(dead_code)]
pub const SET_ASIDE_8: &[&str] = &[
    "github:BlinkDL/RWKV-CUDA",
    "github:horovod/horovod",
    "github:rusty1s/pytorch_scatter",
    "github:Oneflow-Inc/oneflow",
    "github:HazyResearch/flash-fft-conv",
    "github:BlinkDL/ChatRWKV",
    "github:xlite-dev/LeetCUDA",
    "github:chengzeyi/stable-fast",
    "github:BaguaSys/bagua",
    "github:XunhaoLai/native-sparse-attention-triton",
    "github:SqueezeAILab/KVQuant",
    "github:open-mmlab/mmcv",
    "github:IST-DASLab/QUIK",
];

/// The namesfix5 set-aside third (`docs/taxonomy-corpus-2.md`, "After heldout-9"): the
/// ceil(37/3) source repositories with the smallest FNV-1a-64 of `github:owner/name`.
/// Development used the other two thirds only; this third is scored once, at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_9: &[&str] = &[
    "github:Bruce-Lee-LY/decoding_attention",
    "github:vllm-project/vllm",
    "github:ROCm/flash-attention",
    "github:SqueezeAILab/SqueezedAttention",
    "github:sgl-project/sglang",
    "github:FasterDecoding/TEAL",
    "github:jax-ml/jax",
    "github:zhuzilin/ring-flash-attention",
    "github:mobiusml/gemlite",
    "github:PKU-DAIR/Hetu",
    "github:SqueezeAILab/SqueezeLLM",
    "github:openucx/ucc",
    "github:AlibabaPAI/FLASHNN",
];

/// The namesfix6 set-aside third (`docs/taxonomy-corpus-2.md`, "namesfix6: a token model"): the
/// ceil(31/3) source repositories of heldout-10 with the smallest FNV-1a-64 of
/// `github:owner/name`, drawn before the round's first change. The token model is not trained on
/// them; this third is scored once, at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_10: &[&str] = &[
    "github:karpathy/nanochat",
    "github:erfanzar/ejkernel",
    "github:LAKiTU64/rag-demo",
    "github:CodeGandee/llm-perf-opt",
    "github:Cornell-RelaxML/quip-sharp",
    "github:mudler/vllm.cpp",
    "github:Tencent/hpc-ops",
    "github:huggingface/optimum-quanto",
    "github:maeehart/aiter",
    "github:HazyResearch/HipKittens",
    "github:yanguahe/triton_op",
];

/// The namesfix7 set-aside third (`docs/taxonomy-corpus-2.md`, "namesfix7"): the ceil(31/3)
/// source repositories of heldout-11 with the smallest FNV-1a-64 of `github:owner/name`, drawn
/// before the round's first change. The token model is not trained on them; this third is
/// scored once, at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_11: &[&str] = &[
    "github:s3co3wjy5tr2bdfj/Loquetier",
    "github:AMD-AGI/Primus",
    "github:proger/accelerated-scan",
    "github:maeddesg/ROCmForge",
    "github:ml-rust/boostr",
    "github:Geramy/ROCmForge",
    "github:Bruce-Lee-LY/cuda_hgemm",
    "github:SwiftSeal03/swiftLLM",
    "github:GuyPaddock/m40-llm",
    "github:modal-projects/nmoe",
    "github:oldnordic/ROCmForge",
];

/// The namesfix8 set-aside third (`docs/taxonomy-corpus-2.md`, "namesfix8"): the ceil(33/3)
/// source repositories of heldout-12 with the smallest FNV-1a-64 of `github:owner/name`, drawn
/// before the round's first change. The token model is not trained on them; this third is
/// scored once, at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_12: &[&str] = &[
    "github:mattbucci/2x-3090-GA102-300-A1-sglang-inference",
    "github:DarrellThomas/blackwell-kernels",
    "github:CURRENTF/Sparse-vLLM",
    "github:mattbucci/2x-R9700-RDNA4-GFX1201-sglang-inference",
    "github:minsikky/RetrievalAttention",
    "github:DeepAuto-AI/hip-attention",
    "github:alibaba/BladeDISC",
    "github:ROCm/TransformerEngine",
    "github:zeux/calm",
    "github:WeianMao/triattention",
    "github:jasl/vllm-ds4-sm120-harness",
];

/// The namesfix9 set-aside third (`docs/taxonomy-corpus-2.md`, "namesfix9"): the ceil(42/3)
/// source repositories of heldout-13 with the smallest FNV-1a-64 of `github:owner/name`, drawn
/// before the round's first change. The token model is not trained on them; this third is
/// scored once, at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_13: &[&str] = &[
    "github:aphrodite-engine/aphrodite-engine",
    "github:kyzfather/cuda-triton-kernels",
    "github:Gf0205/nano-vllm-kernel-lab",
    "github:EnzoDing-rgb/cs336-assignment2-systems",
    "github:ROCm/vllm",
    "github:Aryan470/infengine",
    "github:flexflow/FlexFlow",
    "github:potatoZhx/nano-vllm-moe",
    "github:ROCm/rocPRIM",
    "github:matteobonotto/triton-kernels",
    "github:ZeroKernel798/nano-vllm-moe",
    "github:caiwanxianhust/FasterLLaMA",
    "github:kartiksrinivas007/triton-kernels",
    "github:Ammar-Alnagar/Zllm",
];

/// The namesfix10 set-aside third (`docs/taxonomy-corpus-2.md`, "namesfix10"): the ceil(16/3)
/// sources of heldout-14 (repositories, as `repo_of` keys them) with the smallest FNV-1a-64 of
/// `github:owner/name`, drawn before the round's first change. The token model is not trained on
/// them; this third is scored once, at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_14: &[&str] = &[
    "github:Luce-Org/llama.cpp-dflash-ggml",
    "github:TheTom/llama-cpp-turboquant",
    "github:kekzl/imp",
    "github:kvcache-ai/sglang",
    "github:SemiAnalysisAI/InferenceX",
    "github:ROCm/FlyDSL",
];

/// The namesfix11 set-aside third (`docs/taxonomy-corpus-2.md`, "namesfix11"): the ceil(16/3)
/// sources of heldout-15 (repositories, as `repo_of` keys them) with the smallest FNV-1a-64 of
/// `github:owner/name`, drawn before the round's first change. The token model is not trained on
/// them; this third is scored once, at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_15: &[&str] = &[
    "github:ohdearquant/lattice",
    "github:whuLames/Inference",
    "github:ahb-sjsu/turboquant-pro",
    "github:sunxxuns/aiter",
    "github:Mozilla-Ocho/llamafile",
    "github:LostRuins/koboldcpp",
];

/// The namesfix12 set-aside third (`docs/taxonomy-corpus-3.md`, "namesfix12"): the ceil(16/3)
/// sources of heldout-16 (repositories, as `repo_of` keys them) with the smallest FNV-1a-64 of
/// `github:owner/name`, drawn before the round's first change. The token model is not trained on
/// them; this third is scored once, at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_16: &[&str] = &[
    "github:ROCm/triton",
    "github:bowenwan6/sglang-vllm-profiler",
    "github:ROCm/hipBLASLt",
    "github:vllm-project/vllm-metal",
    "github:sgl-project/sgl-kernel-xpu",
    "github:kvcache-ai/custom_flashinfer",
];

/// The namesfix13 set-aside third (`docs/taxonomy-corpus-3.md`, "namesfix13"): the ceil(15/3)
/// sources of heldout-17 (repositories, as `repo_of` keys them) with the smallest FNV-1a-64 of
/// `github:owner/name`, drawn before the round's first change. The token model is not trained on
/// them; this third is scored once, at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_17: &[&str] = &[
    "github:AI-Hypercomputer/maxtext",
    "github:ml-explore/mlx-lm",
    "github:KOKOSde/nsys-llm-explainer",
    "github:triton-lang/triton",
    "github:PaddlePaddle/PaddleNLP",
];

/// The namesfix14 set-aside third (`docs/taxonomy-corpus-3.md`, "namesfix14"): the ceil(15/3)
/// sources of heldout-18 (repositories, as `repo_of` keys them) with the smallest FNV-1a-64 of
/// `github:owner/name`, drawn before the round's first change. The token model is not trained on
/// them; this third is scored once, at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_18: &[&str] = &[
    "github:MetaX-MACA/mcoplib",
    "github:MooreThreads/torch_musa",
    "github:hicann/ascend-transformer-boost",
    "github:IST-DASLab/marlin",
    "github:EmbeddedLLM/vllm-rocm",
];

/// The namesfix15 set-aside third (`docs/taxonomy-corpus-3.md`, "namesfix15"): the ceil(16/3)
/// sources of heldout-19 (repositories, as `repo_of` keys them) with the smallest FNV-1a-64 of
/// `github:owner/name`, drawn before the round's first change. The token model is not trained on
/// them; this third is scored once, at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_19: &[&str] = &[
    "github:ROCm/rocm-libraries",
    "github:meituan-longcat/SGLang-FluentLLM",
    "github:xLLM-AI/xllm",
    "github:NVIDIA/TileGym",
    "github:DeepLink-org/dlinfer",
    "github:DeepLink-org/NanoDeploy",
];

/// The namesfix16 set-aside third (`docs/taxonomy-corpus-3.md`, "namesfix16"): the ceil(18/3)
/// sources of heldout-20 (repositories, as `repo_of` keys them) with the smallest FNV-1a-64 of
/// `github:owner/name`, drawn before the round's first change. The token model is not trained on
/// them; this third is scored once, at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_20: &[&str] = &[
    "github:carlosfundora/sglang-1-bit-turbo",
    "github:pjordanandrsn/grouped-nf4-gemm",
    "github:zakkeown/mlx-primitives",
    "github:bytedance-iaas/sglang",
    "github:Ascend/sglang",
    "github:HYGON-AI/sglang-das",
];

/// The namesfix17 set-aside third of heldout-21 (`docs/taxonomy-corpus-3.md`, "namesfix17"): the
/// ceil(17/3) sources (repositories, as `repo_of` keys them) with the smallest FNV-1a-64 of
/// `github:owner/name`, drawn before the round's first change. The token model is not trained on
/// them; this third is scored once, at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_21: &[&str] = &[
    "github:jinhuang12/vllm",
    "github:vllm-project/vllm-omni",
    "github:lucas-santos-amd/aiter",
    "github:neuralmagic/nm-vllm",
    "github:ROCm/flashinfer",
    "github:hicann/cann-recipes-infer",
];

/// The namesfix17 set-aside third of heldout-22: the ceil(10/3) sources with the smallest
/// FNV-1a-64 of `github:owner/name`, drawn before the round's first change; never trained on,
/// scored once at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_22: &[&str] = &[
    "github:sglang-npu/DeepGEMM_Ascend",
    "github:ai-infos/vllm-gfx906-mobydick",
    "github:bytedance/ByteMLPerf",
    "github:antgroup/glake",
];

/// The namesfix18 set-aside third of heldout-23 (`docs/taxonomy-corpus-3.md`, "namesfix18"): the
/// ceil(15/3) sources (repositories, as `repo_of` keys them) with the smallest FNV-1a-64 of
/// `github:owner/name`, drawn before the round's first change; never trained on, scored once at
/// the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_23: &[&str] = &[
    "github:NVIDIA/cccl",
    "github:LMCache/LMCache",
    "github:lighttransport/gemm",
    "github:ROCm/rocmProfileData",
    "github:huggingface/hf-rocm-kernels",
];

/// The namesfix19 set-aside third of heldout-24 (`docs/taxonomy-corpus-3.md`, "namesfix19"): the
/// ceil(9/3) sources (repositories, as `repo_of` keys them) with the smallest FNV-1a-64 of
/// `github:owner/name`, drawn before the round's first change; never trained on, scored once at
/// the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_24: &[&str] =
    &["github:HYGON-AI/Moe", "github:clocksmith/doppler", "github:kryptic-sh/infr"];

/// The namesfix20 set-aside third of heldout-25 (`docs/taxonomy-corpus-4.md`, "namesfix20"): the
/// ceil(8/3) sources (repositories, as `repo_of` keys them) with the smallest FNV-1a-64 of
/// `github:owner/name`, drawn before the round's first change; never trained on, scored once at
/// the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_25: &[&str] =
    &["github:typr7/nano-vllm.cpp", "github:ComingToy/vkllm.c", "github:seddonm1/web-llm"];

/// The namesfix21 set-aside third of heldout-26 (`docs/taxonomy-corpus-4.md`, "namesfix21"): the
/// ceil(8/3) sources (repositories, as `repo_of` keys them) with the smallest FNV-1a-64 of
/// `github:owner/name`, drawn before the round's first change; never trained on, scored once at
/// the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_26: &[&str] =
    &["github:Jacob0226/SGLang-benchmarks", "github:gty111/gLLM", "github:imReese/sglang-rs"];

/// The namesfix22 set-aside third of heldout-27 (`docs/taxonomy-corpus-4.md`, "namesfix22"): the
/// ceil(7/3) sources (repositories, as `repo_of` keys them) with the smallest FNV-1a-64 of
/// `github:owner/name`, drawn by the lead before the round's first change; never trained on,
/// scored once at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_27: &[&str] =
    &["github:ROCm/tritonBLAS", "github:karims/vllm-kivo-vd", "github:EnflameTechnology/candle"];

/// The namesfix23 set-aside third of heldout-28 (`docs/taxonomy-corpus-4.md`, "namesfix23"): the
/// ceil(15/3) sources (repositories, as `repo_of` keys them) with the smallest FNV-1a-64 of
/// `github:owner/name`, drawn by the lead before the round's first change; never trained on,
/// scored once at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_28: &[&str] = &[
    "github:Red-Weasel/machx-inference-engine",
    "github:RustamSheoran/DWDP-Triton-MoE-Inference-Engine",
    "github:m87-labs/kestrel",
    "github:manuelbaez/v620-inference-engine",
    "github:sfxnz/DeepSeek-V4.1-Flash-EXL3-vLLM-2x-DGX-Spark",
];

/// The namesfix24 set-aside third of heldout-29 (`docs/taxonomy-corpus-4.md`, "namesfix24"): the
/// ceil(10/3) sources (repositories, as `repo_of` keys them) with the smallest FNV-1a-64 of
/// `github:owner/name`, drawn by the lead before the round's first change; never trained on,
/// scored once at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_29: &[&str] = &[
    "github:Lulzx/tiny-kernel",
    "github:SNU-ARC/any-precision-llm",
    "github:drxddy/MVLM",
    "github:rglonek/torchless-rs",
];

/// The namesfix25 set-aside third of heldout-30 (`docs/taxonomy-corpus-4.md`, "namesfix25"): the
/// ceil(10/3) sources (repositories, as `repo_of` keys them) with the smallest FNV-1a-64 of
/// `github:owner/name`, drawn by the lead before the round's first change; never trained on,
/// scored once at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_30: &[&str] = &[
    "github:Avarok-Cybersecurity/dgx-vllm",
    "github:BoltzmannEntropy/metalQwen3",
    "github:antirez/ds4",
    "github:roelofvandijk/tinygrad",
];

/// The namesfix26 set-aside third of heldout-31 (`docs/taxonomy-corpus-4.md`, "namesfix26"): the
/// ceil(12/3) sources (repositories, as `repo_of` keys them) with the smallest FNV-1a-64 of
/// `github:owner/name`, drawn by the lead before the round's first change; never trained on,
/// scored once at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_31: &[&str] = &[
    "github:openxla/tokamax",
    "github:asher/mlx-kquant",
    "github:Noeda/rllama",
    "github:AI-Hypercomputer/JetStream",
];

/// The namesfix27 set-aside third of heldout-32 (`docs/taxonomy-corpus-4.md`, "namesfix27"): the
/// ceil(21/3) sources (repositories, as `repo_of` keys them) with the smallest FNV-1a-64 of
/// `github:owner/name`, drawn by the lead before the round's first change; never trained on,
/// scored once at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_32: &[&str] = &[
    "github:ronnieops/blackwell",
    "github:Greedy-cy/qwen2.5-jetson-inference",
    "github:gallnut/firefly",
    "github:Leo7Deng/TinyServe",
    "github:AICL-Lab/tiny-llm",
    "github:JunkuiZhang/lucciola",
    "github:ducviet00/cullama",
];

/// The namesfix28 set-aside third of heldout-33 (`docs/taxonomy-corpus-4.md`, "namesfix28"): the
/// ceil(6/3) sources (repositories, as `repo_of` keys them) with the smallest FNV-1a-64 of
/// `github:owner/name`, drawn by the lead before the round's first change; never trained on,
/// scored once at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_33: &[&str] =
    &["github:GeniePod/genie-ai-runtime", "github:fxslava/BlackwellLLM"];

/// The namesfix28 set-aside third of heldout-34 (`docs/taxonomy-corpus-4.md`, "namesfix28"): the
/// ceil(6/3) sources (repositories, as `repo_of` keys them) with the smallest FNV-1a-64 of
/// `github:owner/name`, drawn by the lead before the round's first change; never trained on,
/// scored once at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_34: &[&str] = &["github:KrakowiakK/vllm-apple", "github:aprxi/talu"];

/// The namesfix28 set-aside third of heldout-35 (`docs/taxonomy-corpus-4.md`, "namesfix28"): the
/// ceil(7/3) sources (repositories, as `repo_of` keys them) with the smallest FNV-1a-64 of
/// `github:owner/name`, drawn by the lead before the round's first change; never trained on,
/// scored once at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_35: &[&str] = &[
    "github:modelscope/dash-infer",
    "github:jjbits/nanochat-inferonly-lightning",
    "github:Vercantez/deepseek-v4-flash-mi300x",
];

/// The namesfix29 set-aside third of heldout-36 (`docs/taxonomy-corpus-4.md`, "namesfix29"): the
/// ceil(6/3) sources (repositories, as `repo_of` keys them) with the smallest FNV-1a-64 of
/// `github:owner/name`, drawn by the lead before the round's first change; never trained on,
/// scored once at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_36: &[&str] = &["github:HanGuo97/flute", "github:mindspore-ai/vllm-mindspore"];

/// The namesfix30 set-aside third of heldout-37 (`tests/fixtures/trace/SOURCES-blind.md`,
/// "namesfix30 set-aside"): the ceil(6/3) sources (repositories, as `repo_of` keys them) with
/// the smallest FNV-1a-64 of `github:owner/name`, drawn by the lead before the round's first
/// change; never trained on, scored once at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_37: &[&str] = &["github:GGZ14/vllm-mxfp4", "github:Bobliuuu/amd-experiments"];

/// The namesfix30 set-aside third of heldout-38 (`tests/fixtures/trace/SOURCES-blind.md`,
/// "namesfix30 set-aside"): the ceil(8/3) sources (repositories, as `repo_of` keys them) with
/// the smallest FNV-1a-64 of `github:owner/name`, drawn by the lead before the round's first
/// change; never trained on, scored once at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_38: &[&str] =
    &["github:hicann/ops-blas", "github:Ascend/MindIE-LLM", "github:hicann/catccos"];

/// The namesfix30 set-aside third of heldout-39 (`tests/fixtures/trace/SOURCES-blind.md`,
/// "namesfix30 set-aside"): the ceil(12/3) sources (repositories, as `repo_of` keys them) with
/// the smallest FNV-1a-64 of `github:owner/name`, drawn by the lead before the round's first
/// change; never trained on, scored once at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_39: &[&str] = &[
    "github:pie-project/pie",
    "github:ai-janitor/llama-metal",
    "github:iacopPBK/llama.cpp-gfx906",
    "github:cactus-compute/cactus",
];

/// The namesfix31 set-aside third of heldout-40 (`tests/fixtures/trace/SOURCES-blind.md`,
/// "namesfix31 set-aside"): the ceil(9/3) sources (repositories, as `repo_of` keys them) with
/// the smallest FNV-1a-64 of `github:owner/name`, drawn by the lead before the round's first
/// change; never trained on, scored once at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_40: &[&str] = &[
    "github:JohnQinAMD/sglang-amd",
    "github:heislera763/sglang-v100",
    "github:haohervchb/sglang-V100",
];

/// The namesfix32 set-aside third of heldout-41 (`tests/fixtures/trace/SOURCES-blind.md`,
/// "namesfix32 set-aside"): the ceil(7/3) sources (repositories, as `repo_of` keys them) with
/// the smallest FNV-1a-64 of `github:owner/name`, drawn by the lead before the round's first
/// change; never trained on, scored once at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_41: &[&str] = &[
    "github:feifeibear/ChituAttention",
    "github:harrisonvanderbyl/rwkv.cuh",
    "github:OpenBMB/BMInf",
];

/// The namesfix32 set-aside third of heldout-42 (`tests/fixtures/trace/SOURCES-blind.md`,
/// "namesfix32 set-aside"): the ceil(5/3) sources with the smallest FNV-1a-64 of
/// `github:owner/name`, drawn by the lead before the round's first change; never trained on,
/// scored once at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_42: &[&str] = &["github:noonghunna/club-3090", "github:alibaba/tair-kvcache"];

/// The namesfix33 set-aside third of heldout-43 (`tests/fixtures/trace/SOURCES-blind-2.md`,
/// "namesfix33 set-aside"): the ceil(2/3) sources (repositories, as `repo_of` keys them) with
/// the smallest FNV-1a-64 of `github:owner/name`, drawn by the lead before the round's first
/// change; never trained on, scored once at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_43: &[&str] = &["github:wxwxwwxxx/deepseek-v4-sm80"];

/// The namesfix33 set-aside third of heldout-44 (`tests/fixtures/trace/SOURCES-blind-2.md`,
/// "namesfix33 set-aside"): the ceil(8/3) sources (repositories, as `repo_of` keys them) with
/// the smallest FNV-1a-64 of `github:owner/name`, drawn by the lead before the round's first
/// change; never trained on, scored once at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_44: &[&str] = &[
    "github:githubpradeep/metal-llm-server",
    "github:monellz/ascend910a-extras",
    "github:hoffmann-muki/Diffulex",
];

/// The namesfix33 set-aside third of heldout-45 (`tests/fixtures/trace/SOURCES-blind-2.md`,
/// "namesfix33 set-aside"): the ceil(10/3) sources (repositories, as `repo_of` keys them) with
/// the smallest FNV-1a-64 of `github:owner/name`, drawn by the lead before the round's first
/// change; never trained on, scored once at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_45: &[&str] = &[
    "github:QilinZEECS/flashinfer-bench-starter-kit",
    "github:JaaaLmg/flashinfer_task_package",
    "github:SandAI-org/MagiAttention",
    "github:syhya/mlsys26-flashinfer-contest",
];

/// The namesfix33 set-aside third of heldout-46 (`tests/fixtures/trace/SOURCES-blind-2.md`,
/// "namesfix33 set-aside"): the ceil(3/3) sources (repositories, as `repo_of` keys them) with
/// the smallest FNV-1a-64 of `github:owner/name`, drawn by the lead before the round's first
/// change; never trained on, scored once at the round's end.
#[allow(dead_code)]
pub const SET_ASIDE_46: &[&str] = &["github:tenstorrent/tt-metal"];
