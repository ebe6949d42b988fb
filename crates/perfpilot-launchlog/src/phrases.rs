//! The Rust handlers' trigger phrases: which handler each phrase goes to and which framework
//! its line votes for (the data rules' phrases, `rules.toml`, follow them in a rule set).

use crate::Fw;

/// Which handler a matched phrase goes to.
#[derive(Clone, Copy)]
pub(crate) enum Phrase {
    InitDist,
    LoadBegin,
    LoadEnd,
    MemProfiling,
    KvCalc,
    KvAlloc,
    MambaAlloc,
    SwaPool,
    PoolEnd,
    GraphBegin,
    GraphEnd,
    Capturing,
    CaptureSizesBs,
    CaptureSizesTokens,
    MaxTotal,
    LargerThanProfiled,
    NotEnough,
    CaptureFailed,
    Retract,
    SglangArgs,
    WeightsV0,
    WeightsV1,
    ProfilingResults,
    BudgetV0,
    UsageV0,
    CpuBlocks,
    AvailKv,
    KvCacheTokens,
    MaxConcurrency,
    GraphProfile,
    GraphEstimate,
    /// vLLM V1 gpu_worker `CUDA graph pool memory: A GiB (actual), E GiB (estimated), …`.
    GraphPool,
    GraphFinished,
    FreeMemory,
    UtilEquivalent,
    ServeOneRequest,
    MaxSeqLenV0,
    NoCacheMemory,
    PaddingLayers,
    AttentionBlock,
    MambaPadding,
    Capping,
    OverrideBlocks,
    NonDefaultArgs,
    EngineInit,
    ApiVersion,
    Namespace,
    GpuBlocksOnly,
    EngineConfigOnly,
    Stage(&'static str),
    TabTotal,
    TabUtil,
    TabBudget,
    TabWeights,
    TabNonTorch,
    TabActivation,
    TabAvailKv,
    EncoderBudget,
    UtilNote,
    TrtTokens,
    TrtTokensHead,
    TrtKvBytes,
    TrtKvTooSmall,
    LlamaVramTotal,
    TrtBlocks,
    TrtEngine,
    LlamaKvInit,
    LlamaSelfSize,
    LlamaSizeCells,
    LlamaSwaOpen,
    LlamaCtxTrain,
    /// llama.cpp `size = X MiB (N cells, …)` with its `llama_kv_cache:` prefix dropped.
    LlamaBareSizeCells,
    /// vLLM V1 `Capturing CUDA graphs (…, MODE):` progress bar.
    GraphBar,
    /// A data rule (`rules.toml`), by index.
    Rule(usize),
    /// vLLM `compilation_config` capture-size list.
    ConfigCaptureSizes,
    /// SGLang `cuda_graph_bs=[…]` in a dump whose head was cut.
    CutDumpGraphBs,
    /// TensorRT-LLM `mMaxAttentionWindowSize: (W, …) * R` (per-layer pattern).
    TrtWindowPattern,
    /// TensorRT-LLM `Engine load time N ms`.
    TrtEngineLoad,
    /// SGLang `max_total_num_tokens: arg=N vs profiled=M, using min`.
    MaxTotalArgVsProfiled,
    /// Engine arguments written as Python (`llm_kwargs={…}`, `LLM(model=…)`, `EngineArgs(…)`).
    PythonArgs,
    /// SGLang `SWAKVPool mem usage: X GB, swa size: S, full size: F`.
    SwaKvPool,
    /// vLLM V0 `Capturing CUDA graph shapes: 100%|…| N/N` progress bar.
    ShapesBar,
    /// The tail of vLLM's `Model loading took X GiB …` whose head is not the engine's.
    WeightsTail,
    /// A JAX mesh as `str(Mesh)` prints it: `Mesh('data': 1, 'model': 4, …)`.
    JaxMesh,
    /// lm_eval's `--model_args k=v,k=v,…` (the engine's keyword arguments).
    ModelArgs,
    /// lm_eval's results header `vllm (k=v,…), gen_kwargs: (…), …`: the same arguments.
    LmEvalHeader,
    /// lm_eval's `Initializing {model} model, with arguments: {…}` (read for `vllm` / `sglang`).
    LmEvalInit,
    /// vllm-ascend `Starting to capture ACL graphs for cases: […], mode: …`.
    AclCaptureSizes,
}

/// The Rust handlers' trigger phrases (the data rules' phrases follow them in a rule set).
pub(crate) const PHRASES: &[(&str, Phrase, Fw)] = &[
    ("Init torch distributed ends.", Phrase::InitDist, Fw::S),
    ("Load weight begin.", Phrase::LoadBegin, Fw::S),
    ("Load weight end.", Phrase::LoadEnd, Fw::S),
    ("Memory profiling: ", Phrase::MemProfiling, Fw::S),
    ("SW KV memory calculation:", Phrase::KvCalc, Fw::S),
    ("DSv4 memory calculation:", Phrase::KvCalc, Fw::S),
    ("KV Cache is allocated.", Phrase::KvAlloc, Fw::S),
    ("Mamba Cache is allocated.", Phrase::MambaAlloc, Fw::S),
    ("Use sliding window memory pool", Phrase::SwaPool, Fw::S),
    ("Use Sliding window memory pool", Phrase::SwaPool, Fw::S),
    ("Memory pool end.", Phrase::PoolEnd, Fw::S),
    ("cuda graph begin.", Phrase::GraphBegin, Fw::S),
    ("CUDA graph begin.", Phrase::GraphBegin, Fw::S),
    ("cuda graph end.", Phrase::GraphEnd, Fw::S),
    ("CUDA graph end.", Phrase::GraphEnd, Fw::S),
    ("Capturing batches (", Phrase::Capturing, Fw::S),
    ("Capturing num tokens (", Phrase::Capturing, Fw::S),
    ("cuda graph bs ", Phrase::CaptureSizesBs, Fw::S),
    ("cuda graph num tokens ", Phrase::CaptureSizesTokens, Fw::S),
    ("max_total_num_tokens=", Phrase::MaxTotal, Fw::S),
    ("is larger than the profiled value", Phrase::LargerThanProfiled, Fw::S),
    ("Not enough memory. Please try to increase --mem-fraction-static", Phrase::NotEnough, Fw::S),
    ("Capture cuda graph failed", Phrase::CaptureFailed, Fw::S),
    ("Capture CUDA graph failed", Phrase::CaptureFailed, Fw::S),
    ("KV cache pool is full. Retract requests.", Phrase::Retract, Fw::S),
    ("Decode out of memory happened.", Phrase::Retract, Fw::S),
    ("server_args=", Phrase::SglangArgs, Fw::S),
    ("Loading model weights took", Phrase::WeightsV0, Fw::V),
    ("Model loading took", Phrase::WeightsV1, Fw::V),
    ("Memory profiling results:", Phrase::ProfilingResults, Fw::V),
    ("the current vLLM instance can use total_gpu_memory", Phrase::BudgetV0, Fw::V),
    ("model weights take", Phrase::UsageV0, Fw::V),
    ("# CPU blocks:", Phrase::CpuBlocks, Fw::V),
    ("Available KV cache memory:", Phrase::AvailKv, Fw::V),
    (" KV cache size:", Phrase::KvCacheTokens, Fw::V),
    ("Maximum concurrency for", Phrase::MaxConcurrency, Fw::V),
    ("Profiling CUDA graph memory:", Phrase::GraphProfile, Fw::V),
    ("Capturing CUDA graphs (", Phrase::GraphBar, Fw::V),
    ("Estimated CUDA graph memory:", Phrase::GraphEstimate, Fw::V),
    // vLLM V1 gpu_worker.py compile_or_warm_up_model (0.2x, CUDA graph memory profiling):
    // `CUDA graph pool memory: %s GiB (actual), %s GiB (estimated), difference: %s GiB (%.1f%%).`
    // after the capture; the estimate is the profiled graph pool's (round 8, issue 15).
    ("CUDA graph pool memory:", Phrase::GraphPool, Fw::V),
    // vllm-ascend worker.py (NPU, 2026): the same line as `ACL graph pool memory: …` (round 10).
    ("ACL graph pool memory:", Phrase::GraphPool, Fw::V),
    ("Graph capturing finished in", Phrase::GraphFinished, Fw::V),
    ("Free memory on device", Phrase::FreeMemory, Fw::V),
    ("increase --gpu-memory-utilization from", Phrase::UtilEquivalent, Fw::V),
    // vLLM gpu_worker.py (0.2x) with the graph-memory profile turned off
    // (`VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS=0`): `… Consider re-enabling it (the default as
    // of v0.21.0) and increasing --gpu-memory-utilization from %.4f to %.4f.` (round 29; the
    // `emory` prefilter anchor, no new head).
    ("increasing --gpu-memory-utilization from", Phrase::UtilEquivalent, Fw::V),
    ("To serve at least one request with the model", Phrase::ServeOneRequest, Fw::V),
    (
        "is larger than the maximum number of tokens that can be stored in KV cache",
        Phrase::MaxSeqLenV0,
        Fw::V,
    ),
    ("No available memory for the cache blocks", Phrase::NoCacheMemory, Fw::V),
    ("padding layers, may waste at most", Phrase::PaddingLayers, Fw::V),
    ("Setting attention block size to", Phrase::AttentionBlock, Fw::V),
    ("Padding mamba page size by", Phrase::MambaPadding, Fw::V),
    ("Capping cudagraph capture sizes from max", Phrase::Capping, Fw::V),
    ("Overriding num_gpu_blocks=", Phrase::OverrideBlocks, Fw::V),
    ("non-default args:", Phrase::NonDefaultArgs, Fw::V),
    ("LLM engine (v", Phrase::EngineInit, Fw::V),
    ("vLLM API server version", Phrase::ApiVersion, Fw::V),
    ("args: Namespace(", Phrase::Namespace, Fw::V),
    ("# GPU blocks:", Phrase::GpuBlocksOnly, Fw::V),
    ("LLM engine with config:", Phrase::EngineConfigOnly, Fw::V),
    ("Memory profiling takes", Phrase::Stage("profiling"), Fw::V),
    ("torch.compile takes", Phrase::Stage("compile"), Fw::V),
    ("torch.compile took", Phrase::Stage("compile"), Fw::V),
    // vLLM monitor.py (0.11+): `torch.compile and initial profiling/warmup run together took X s
    // in total`, the successor of `torch.compile took X s in total` (the same counter, now
    // timed over the warm-up run too).
    ("initial profiling/warmup run together took", Phrase::Stage("compile"), Fw::V),
    ("Dynamo bytecode transform time:", Phrase::Stage("dynamo"), Fw::V),
    ("Compiling a graph for general shape takes", Phrase::Stage("compile_graph"), Fw::V),
    ("Directly load the compiled graph(s)", Phrase::Stage("compile_load"), Fw::V),
    ("Initial profiling/warmup run took", Phrase::Stage("warmup"), Fw::V),
    (
        "init engine (profile, create kv cache, warmup model) took",
        Phrase::Stage("init_engine"),
        Fw::V,
    ),
    // The same line abridged by a write-up that keeps the figure and drops the parenthesis
    // (`INFO [...] init engine took 22.78 seconds`, infjournal tier logs; round 30).
    ("init engine took", Phrase::Stage("init_engine"), Fw::V),
    ("Loading weights took", Phrase::Stage("weights_read"), Fw::V),
    // The tabular profiling block of vLLM 0.6.5 (`Memory profiling results:` then one
    // `key   value` line each): the two spaces keep prose from matching.
    ("] duration  ", Phrase::Stage("profiling"), Fw::V),
    ("] total_gpu_memory  ", Phrase::TabTotal, Fw::V),
    ("] gpu_memory_utilization  ", Phrase::TabUtil, Fw::V),
    ("] the current vLLM instance can use  ", Phrase::TabBudget, Fw::V),
    ("] model weights take  ", Phrase::TabWeights, Fw::V),
    ("] non_torch_memory  ", Phrase::TabNonTorch, Fw::V),
    ("] PyTorch activation peak memory  ", Phrase::TabActivation, Fw::V),
    ("] available_kv_cache_memory  ", Phrase::TabAvailKv, Fw::V),
    ("Encoder cache will be initialized with a budget of", Phrase::EncoderBudget, Fw::V),
    ("is equivalent to --gpu-memory-utilization=", Phrase::UtilNote, Fw::V),
    // TensorRT-LLM (`[TensorRT-LLM][INFO] …`).
    ("tokens in paged KV cache", Phrase::TrtTokens, Fw::Other),
    // The allocation line's head (`[MemUsageChange] Allocated X GiB for max tokens in paged KV
    // cache (N).`, kvCacheManager.cpp, TensorRT-LLM 0.9-1.x): a paste that folds the line inside
    // `tokens in paged KV cache` leaves neither physical line a whole phrase; the head opens the
    // line for `crate::wrap` (it reads nothing until `KV cache` follows).
    ("for max tokens in paged", Phrase::TrtTokensHead, Fw::Other),
    ("bytes for k/v cache", Phrase::TrtKvBytes, Fw::Other),
    ("must be large enough to process at least 1 sequence", Phrase::TrtKvTooSmall, Fw::Other),
    ("primary blocks=", Phrase::TrtBlocks, Fw::Other),
    ("Loaded engine size:", Phrase::TrtEngine, Fw::Other),
    // llama.cpp and forks (the one-value lines are data rules, `rules.toml`).
    ("kv_size = ", Phrase::LlamaKvInit, Fw::Other),
    ("total VRAM used:", Phrase::LlamaVramTotal, Fw::Other),
    ("KV self size", Phrase::LlamaSelfSize, Fw::Other),
    ("kv self size", Phrase::LlamaSelfSize, Fw::Other),
    ("llama_kv_cache: size =", Phrase::LlamaSizeCells, Fw::Other),
    ("llama_kv_cache_unified: size =", Phrase::LlamaSizeCells, Fw::Other),
    ("SWA KV cache, size =", Phrase::LlamaSwaOpen, Fw::Other),
    // A paste that dropped the `llama_kv_cache:` prefix (the handler reads only lines that start
    // with `size =`; the prefixed line is the phrase above's).
    (" cells, ", Phrase::LlamaBareSizeCells, Fw::Other),
    ("< n_ctx_train (", Phrase::LlamaCtxTrain, Fw::Other),
    // The other side of the same check (llama.cpp src/llama-context.cpp, 2025-2026):
    // `n_ctx_seq (%u) > n_ctx_train (%u) -- possible training context overflow` (earlier
    // `n_ctx_per_seq`, and the misspelt `n_ctx_pre_seq` of early 2025 builds; round 15).
    ("> n_ctx_train (", Phrase::LlamaCtxTrain, Fw::Other),
    // Engine format strings generalised (issue 15, branch caphold): vLLM backends.py prints
    // `Compiling a graph for {general shape|dynamic shape|shape N|compile range (a, b)} takes
    // X s` across versions, and SGLang's piecewise compiler the dynamic-shape form; the longer
    // phrases above keep their own handlers.
    ("Compiling a graph for ", Phrase::Stage("compile_graph"), Fw::Other),
    // vLLM compilation_config (engine config / non-default args), JSON and dict forms.
    ("\"cudagraph_capture_sizes\":[", Phrase::ConfigCaptureSizes, Fw::V),
    ("\"cudagraph_capture_sizes\": [", Phrase::ConfigCaptureSizes, Fw::V),
    ("'cudagraph_capture_sizes': [", Phrase::ConfigCaptureSizes, Fw::V),
    // heldout-7 classes (issue 15, branch capfix): SGLang's configured capture sizes in a dump
    // whose head was cut; TensorRT-LLM's per-layer window pattern and engine load time.
    (", cuda_graph_bs=[", Phrase::CutDumpGraphBs, Fw::S),
    // Round 17 (capfix17): TensorRT-LLM 1.0-1.1's PyTorchConfig repr at start-up
    // (`PyTorchConfig(…, cuda_graph_batch_sizes=[1, 2, 4, …, 128], …)`) and 1.x's
    // `CudaGraphConfig(batch_sizes=[…], …)` (llm_args.py, as a script passes it to `LLM(…)`):
    // the configured capture sizes, read as SGLang's cut-dump list is.
    ("cuda_graph_batch_sizes=[", Phrase::CutDumpGraphBs, Fw::Other),
    ("CudaGraphConfig(batch_sizes=[", Phrase::CutDumpGraphBs, Fw::Other),
    ("TRTGptModel mMaxAttentionWindowSize: (", Phrase::TrtWindowPattern, Fw::Other),
    ("] Engine load time ", Phrase::TrtEngineLoad, Fw::Other),
    // heldout-8 classes (issue 15, capfix2): a fork's profiling block (Aphrodite's breakdown rows
    // are data rules) opens with its time; SGLang's token argument against the profiled capacity.
    ("Memory profiling completed in", Phrase::Stage("profiling"), Fw::V),
    ("max_total_num_tokens: arg=", Phrase::MaxTotalArgVsProfiled, Fw::S),
    // heldout-9 classes (issue 15, capfix3): engine arguments written as Python, as a harness
    // logs them (`llm_kwargs={…}`) or a script passes them (vLLM's `LLM(model=…, …)` and
    // `EngineArgs(…)`/`AsyncEngineArgs(…)`, SGLang's offline `sgl.Engine(…)`).
    ("_kwargs={", Phrase::PythonArgs, Fw::Other),
    ("_kwargs = {", Phrase::PythonArgs, Fw::Other),
    ("LLM(model=", Phrase::PythonArgs, Fw::V),
    ("EngineArgs(", Phrase::PythonArgs, Fw::V),
    ("sgl.Engine(", Phrase::PythonArgs, Fw::S),
    // SGLang's hybrid SWA pool (mem_cache/swa_memory_pool.py): its two KV lines, then this.
    ("SWAKVPool mem usage:", Phrase::SwaKvPool, Fw::S),
    // vLLM V0's capture bar (worker/model_runner.py: tqdm(..., desc="Capturing CUDA graph shapes")).
    ("Capturing CUDA graph shapes:", Phrase::ShapesBar, Fw::V),
    // Round-4 classes (issue 15, capfix4). llama-cpp-python's constructor (`Llama(model_path=…, n_ctx=4096, n_batch=512)`,
    // `Llama.from_pretrained(…)`): its keywords are the engine's arguments.
    ("Llama(model_path=", Phrase::PythonArgs, Fw::Other),
    ("Llama.from_pretrained(", Phrase::PythonArgs, Fw::Other),
    // vLLM V1's `Model loading took X GiB [memory] and Y seconds` keyed on its tail, so the line
    // is read when its head is damaged (an anonymiser's `M<USER> loading took …`) or a fork
    // renames the subject; only with a size unit after the number.
    (" loading took ", Phrase::WeightsTail, Fw::V),
    // tpu-inference (vLLM on TPU) prints its JAX mesh (`Init mesh | mesh=Mesh('data': 1,
    // 'model': 4, …)`, the KV cache's `sharding=NamedSharding(mesh=Mesh(…), …)`): its axis
    // `model` is the tensor-parallel size (tpu_runner.py mesh_shape = (…, tp_size, …)).
    ("Mesh('", Phrase::JaxMesh, Fw::Other),
    // Round-9 classes (issue 15, capfix9). SGLang's capture lines name the device's graph
    // (model_runner.py: `graph_backend = defaultdict(lambda: f"{current_platform.device_name}
    // graph", {"cuda": "cuda graph", "cpu": "cpu graph", "npu": "npu graph", …})`, later `CUDA
    // graph` / `NPU graph` / `XPU graph`): `Capture {X} begin. This can take up to several
    // minutes. avail mem=…` and `Capture {X} end. Time elapsed: …`, on any device (the CUDA
    // phrases above start earlier on their lines and match first where they apply).
    (" graph begin. ", Phrase::GraphBegin, Fw::S),
    (" graph end. ", Phrase::GraphEnd, Fw::S),
    // Round-10 classes (issue 15, capfix10): the sizes line of the other devices' runners
    // (npu_graph_runner.py / cpu_graph_runner.py: `Capture npu graph bs [1, 2, …]`, `Capture
    // cpu graph bs […]`), beside `Capture cuda graph bs […]` (the CUDA phrases start earlier on
    // their lines and match first where they apply).
    (" graph bs ", Phrase::CaptureSizesBs, Fw::S),
    // Xinference's model runner (xinference/model/llm/vllm/core.py and its SGLang twin):
    // `Loading {uid} with following model config: {…}`, the engine's keyword arguments as a
    // Python dict, read as vLLM's `non-default args: {…}` dict (xorbitsai/inference#1115).
    ("with following model config:", Phrase::NonDefaultArgs, Fw::Other),
    // lm-evaluation-harness (lm_eval/__main__.py): `--model vllm|sglang --model_args
    // pretrained=…,max_model_len=4096,gpu_memory_utilization=0.8,…`, the engine's keyword
    // arguments as one comma-separated `k=v` string (lm_eval/models/vllm_causallms.py passes them
    // to `LLM(…)`): read as the engine arguments of a Python call (vllm-project/vllm#24577).
    // lm-evaluation-harness's evaluator (lm_eval/evaluator.py simple_evaluate:
    // `eval_logger.info(f"Initializing {model} model, with arguments: {model_args}")`, the
    // arguments as a Python dict; round 19): read for the serving engines only (`vllm`,
    // `sglang`), as vLLM's `non-default args: {…}` dict (meta-llama/llama-cookbook#801).
    ("arguments: {", Phrase::LmEvalInit, Fw::Other),
    ("--model_args ", Phrase::ModelArgs, Fw::Other),
    ("--model_args=", Phrase::ModelArgs, Fw::Other),
    // The header lm_eval prints above its results table (lm_eval/__main__.py / utils: `{model}
    // ({model_args}), gen_kwargs: ({gen_kwargs}), limit: …, num_fewshot: …, batch_size: …`), the
    // form accuracy checks in engine PRs paste: the same arguments, before the phrase.
    ("), gen_kwargs: (", Phrase::LmEvalHeader, Fw::Other),
    // Round-13 classes (issue 15, capfix13). vllm-ascend's model runner (v0.11 to v0.13rc1,
    // worker/model_runner_v1.py _capture_aclgraphs: `logger.info("Starting to capture ACL graphs
    // for cases: %s, mode: %s, uniform_decode: %s", compilation_cases, …)`): the sizes it
    // captures, printed once per mode (later versions capture through vLLM's own runner).
    ("capture ACL graphs for cases:", Phrase::AclCaptureSizes, Fw::V),
    // vllm-ascend model_runner_v1.py load_model (2026): `Model runner load_model total time: %.2f
    // seconds` after `Loading model weights took %.4f GB`: the time the weights took to load
    // (the span vLLM's `Model loading took X GiB and Y seconds` states).
    ("load_model total time:", Phrase::Stage("weights_load"), Fw::V),
];
