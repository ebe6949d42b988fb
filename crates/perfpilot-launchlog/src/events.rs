//! The memory, KV-cache and CUDA-graph events a launch log can state.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::units::LoggedBytes;

/// Which CUDA graph a capture line is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GraphKind {
    /// Decode (batch-size) graphs: `Capture cuda graph end`.
    Decode,
    /// Piecewise (prefill, token-count) graphs: `Capture piecewise CUDA graph end`.
    Piecewise,
    /// Speculative-decoding graphs (draft, target verify, …).
    Speculative,
}

/// One recognised event. Sizes are bytes as printed (GiB x 2^30); the unit a line printed
/// is GiB in every case this parser accepts (SGLang's "GB" is GiB, vLLM V0's weight "GB" too).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    // ---------------------------------------------------------------- SGLang
    /// `Init torch distributed ends. mem usage=X GB` (NCCL, custom all-reduce buffers).
    InitTorchDistributed {
        /// Memory the step used.
        mem_usage: Option<LoggedBytes>,
    },
    /// `Load weight begin. avail mem=X GB`: free memory before the weights.
    LoadWeightBegin {
        /// Free device memory.
        avail: LoggedBytes,
    },
    /// `Load weight end. type=…, dtype=…, avail mem=A GB, mem usage=W GB`.
    LoadWeightEnd {
        /// Free device memory after loading.
        avail: Option<LoggedBytes>,
        /// Weight footprint on this rank (absent before ~v0.4.3).
        mem_usage: Option<LoggedBytes>,
        /// Model class (`type=`).
        model_class: Option<String>,
        /// Weight dtype (`dtype=`).
        dtype: Option<String>,
    },
    /// Legacy `Memory profiling: available_gpu_memory=…, total_gpu_memory=…,
    /// mem_fraction_static=…, rest_memory=…`.
    MemoryProfiling {
        /// Free memory after the weights.
        available_gpu_memory: Option<LoggedBytes>,
        /// The reference memory the fraction applies to (free memory at start-up).
        total_gpu_memory: Option<LoggedBytes>,
        /// `mem_fraction_static`.
        mem_fraction_static: Option<f64>,
        /// The KV budget.
        rest_memory: Option<LoggedBytes>,
    },
    /// `SW KV memory calculation:` / `DSv4 memory calculation:` lines.
    KvMemoryCalculation {
        /// `bytes_per_full_token=`.
        bytes_per_full_token: Option<f64>,
        /// `available_bytes=`.
        available: Option<LoggedBytes>,
        /// `full_token=`.
        full_tokens: Option<u64>,
    },
    /// `KV Cache is allocated. [dtype: …,] #tokens: N, K size: k GB, V size: v GB`
    /// (MHA/GQA) or `KV size: x GB` (MLA). Hybrid SWA models print one line per pool.
    KvCacheAllocated {
        /// Token slots in this pool.
        tokens: u64,
        /// K buffer size.
        k_size: Option<LoggedBytes>,
        /// V buffer size.
        v_size: Option<LoggedBytes>,
        /// Single latent buffer size (MLA) or `Cache size:`.
        kv_size: Option<LoggedBytes>,
        /// KV dtype, when printed.
        dtype: Option<String>,
    },
    /// `Mamba Cache is allocated. max_mamba_cache_size: S, conv_state size: …, ssm_state size: …`.
    MambaCacheAllocated {
        /// State slots.
        max_mamba_cache_size: u64,
        /// Conv-state size.
        conv_state: Option<LoggedBytes>,
        /// SSM-state size.
        ssm_state: Option<LoggedBytes>,
        /// Speculative intermediate SSM state size.
        intermediate_ssm_state: Option<LoggedBytes>,
        /// Speculative intermediate conv window size.
        intermediate_conv_window: Option<LoggedBytes>,
    },
    /// `Use sliding window memory pool. full_layer_tokens=…, swa_layer_tokens=…`.
    SlidingWindowPool {
        /// Tokens of the full-attention pool.
        full_layer_tokens: Option<u64>,
        /// Tokens of the sliding-window pool.
        swa_layer_tokens: Option<u64>,
    },
    /// `SWAKVPool mem usage: X GB, swa size: S, full size: F`: a hybrid SWA pool, printed after
    /// its two `KV Cache is allocated` lines (full layers, then sliding-window layers).
    SwaKvPool {
        /// Both pools' K and V together.
        mem_usage: Option<LoggedBytes>,
        /// Tokens of the sliding-window pool.
        swa_tokens: Option<u64>,
        /// Tokens of the full-attention pool.
        full_tokens: Option<u64>,
    },
    /// `Memory pool end. avail mem=X GB`.
    MemoryPoolEnd {
        /// Free memory after the pools.
        avail: LoggedBytes,
    },
    /// `Capture … graph begin … avail mem=X GB`.
    CaptureBegin {
        /// Which graphs.
        graph: GraphKind,
        /// Free memory before the capture.
        avail: Option<LoggedBytes>,
    },
    /// `Capture … graph end. Time elapsed: t s. mem usage=G GB. avail mem=A GB.`.
    CaptureEnd {
        /// Which graphs.
        graph: GraphKind,
        /// Seconds.
        elapsed_s: Option<f64>,
        /// Graph memory.
        mem_usage: Option<LoggedBytes>,
        /// Free memory after the capture.
        avail: Option<LoggedBytes>,
    },
    /// A tqdm line `Capturing batches (bs=32 avail_mem=27.49 GB)`.
    CaptureProgress {
        /// Batch size being captured.
        batch_size: Option<u64>,
        /// Token count being captured (piecewise).
        num_tokens: Option<u64>,
        /// Free memory at that point.
        avail: Option<LoggedBytes>,
    },
    /// `Capture cuda graph bs [1, 2, …]` / `Capture cuda graph num tokens [...]`.
    CaptureSizes {
        /// Which graphs.
        graph: GraphKind,
        /// Sizes listed.
        sizes: Vec<u64>,
    },
    /// `max_total_num_tokens=N, chunked_prefill_size=C, max_prefill_tokens=P,
    /// max_running_requests=R, context_len=L, available_gpu_mem=A GB`.
    MaxTotalNumTokens {
        /// KV token capacity.
        max_total_num_tokens: u64,
        /// Chunked prefill size (-1 = off).
        chunked_prefill_size: Option<i64>,
        /// Max prefill tokens.
        max_prefill_tokens: Option<u64>,
        /// Request slots.
        max_running_requests: Option<u64>,
        /// Context length.
        context_len: Option<u64>,
        /// Free memory at the end of start-up.
        available_gpu_mem: Option<LoggedBytes>,
    },
    /// `max_total_tokens=X is larger than the profiled value Y. Use the profiled value instead.`
    ProfiledTokensBelowCap {
        /// The user cap.
        requested: i64,
        /// The profiled value (can be negative).
        profiled: i64,
    },
    /// `RuntimeError: Not enough memory. Please try to increase --mem-fraction-static.`
    NotEnoughMemory,
    /// `Capture cuda graph failed: …`.
    CaptureFailed,
    /// `KV cache pool is full. Retract requests.` / `Decode out of memory happened.`
    KvRetract {
        /// Requests retracted.
        retracted: Option<u64>,
        /// new_token_ratio before.
        ratio_from: Option<f64>,
        /// new_token_ratio after.
        ratio_to: Option<f64>,
    },
    // ---------------------------------------------------------------- vLLM
    /// V0 `Loading model weights took X GB` / V1 `Model loading took X GiB …`.
    WeightsLoaded {
        /// Weight memory.
        size: LoggedBytes,
        /// Seconds, when printed.
        elapsed_s: Option<f64>,
    },
    /// vLLM 0.6.4 `Memory profiling results: total_gpu_memory=… peak_torch_memory=… kv_cache_size=…`.
    ProfilingResultsV0 {
        /// Device total.
        total_gpu_memory: Option<LoggedBytes>,
        /// Used before profiling.
        initial_memory_usage: Option<LoggedBytes>,
        /// Peak torch memory (weights + activations).
        peak_torch_memory: Option<LoggedBytes>,
        /// Used after profiling.
        memory_usage_post_profile: Option<LoggedBytes>,
        /// Non-torch memory (CUDA context, NCCL).
        non_torch_memory: Option<LoggedBytes>,
        /// KV budget.
        kv_cache_size: Option<LoggedBytes>,
        /// Utilization.
        gpu_memory_utilization: Option<f64>,
    },
    /// V0 (0.6.5–0.8) `the current vLLM instance can use total_gpu_memory (T) x gpu_memory_utilization (U) = B`.
    BudgetV0 {
        /// Device total.
        total_gpu_memory: Option<LoggedBytes>,
        /// Utilization.
        gpu_memory_utilization: Option<f64>,
        /// Budget.
        budget: Option<LoggedBytes>,
    },
    /// V0 `model weights take W; non_torch_memory takes N; PyTorch activation peak memory takes P;
    /// the rest of the memory reserved for KV Cache is K`.
    UsageV0 {
        /// Weights.
        weights: Option<LoggedBytes>,
        /// Non-torch.
        non_torch: Option<LoggedBytes>,
        /// Activation peak.
        activation_peak: Option<LoggedBytes>,
        /// KV budget.
        kv_cache: Option<LoggedBytes>,
    },
    /// `# GPU blocks: N, # CPU blocks: M`.
    GpuBlocks {
        /// Device blocks.
        gpu_blocks: u64,
        /// Host blocks.
        cpu_blocks: Option<u64>,
    },
    /// V1 `Available KV cache memory: X GiB` (may be negative).
    AvailableKvMemory {
        /// KV budget.
        size: LoggedBytes,
    },
    /// V1 `GPU KV cache size: N tokens`.
    KvCacheTokens {
        /// Tokens.
        tokens: u64,
    },
    /// `Maximum concurrency for L tokens per request: Xx`.
    MaxConcurrency {
        /// Request length.
        request_tokens: u64,
        /// Concurrency factor.
        factor: f64,
    },
    /// `Profiling CUDA graph memory: PIECEWISE=a (largest=b), FULL=c (largest=d)`.
    CudaGraphProfile {
        /// Piecewise graphs.
        piecewise: Option<u64>,
        /// Largest piecewise size.
        piecewise_largest: Option<u64>,
        /// Full graphs.
        full: Option<u64>,
        /// Largest full size.
        full_largest: Option<u64>,
    },
    /// `Estimated CUDA graph memory: G GiB total`.
    CudaGraphEstimate {
        /// Estimate.
        size: LoggedBytes,
    },
    /// `Graph capturing finished in N secs, took X GiB`.
    GraphCaptureFinished {
        /// Seconds.
        elapsed_s: Option<f64>,
        /// Graph memory.
        size: Option<LoggedBytes>,
    },
    /// `Free memory on device (f/t GiB) on startup. Desired GPU memory utilization is (U, R GiB).
    /// Actual usage is W GiB for weight, A GiB for peak activation, N GiB for non-torch memory,
    /// and G GiB for CUDAGraph memory.`
    StartupMemorySummary {
        /// Free at start.
        free: Option<LoggedBytes>,
        /// Device total.
        total: Option<LoggedBytes>,
        /// Utilization.
        utilization: Option<f64>,
        /// Requested budget.
        requested: Option<LoggedBytes>,
        /// Weights.
        weights: Option<LoggedBytes>,
        /// Activation peak.
        activation_peak: Option<LoggedBytes>,
        /// Non-torch.
        non_torch: Option<LoggedBytes>,
        /// CUDA graphs.
        cudagraph: Option<LoggedBytes>,
    },
    /// Start-up refusal: `Free memory on device (f/t GiB) on startup is less than desired GPU
    /// memory utilization (U, R GiB)`.
    FreeMemoryBelowUtilization {
        /// Free at start.
        free: Option<LoggedBytes>,
        /// Device total.
        total: Option<LoggedBytes>,
        /// Utilization.
        utilization: Option<f64>,
        /// Requested.
        requested: Option<LoggedBytes>,
    },
    /// `increase --gpu-memory-utilization from A to B to maintain the same effective KV cache size`.
    UtilizationEquivalent {
        /// Current utilization.
        from: f64,
        /// Equivalent with graph profiling on.
        to: f64,
    },
    /// V1 `To serve at least one request with the model's max seq len (L), (X GiB KV cache is
    /// needed, which is larger than the available KV cache memory (Y GiB). … estimated maximum
    /// model length is M.`
    MaxModelLenTooLarge {
        /// Requested max_model_len.
        max_model_len: u64,
        /// KV needed for one request.
        needed: Option<LoggedBytes>,
        /// KV available.
        available: Option<LoggedBytes>,
        /// Largest length that fits.
        estimated_max_len: Option<u64>,
    },
    /// TensorRT-LLM (0.x C++ runtime, `kvCacheManager.cpp`) refusing a KV cache that cannot
    /// hold one sequence: `maxTokensInPagedKvCache (T) must be large enough to process at least 1
    /// sequence to completion (i.e. must be larger than beam_width (B) * tokensPerBlock (P) *
    /// maxBlocksPerSeq (S))`. The run ends there (the check throws).
    KvCacheTooSmall {
        /// Tokens the paged KV cache holds.
        tokens: u64,
        /// The engine's beam width.
        beam_width: Option<u64>,
        /// Tokens per KV block.
        tokens_per_block: Option<u64>,
        /// KV blocks one sequence needs.
        blocks_per_seq: Option<u64>,
    },
    /// V0 `The model's max seq len (L) is larger than the maximum number of tokens that can be
    /// stored in KV cache (T).`
    MaxSeqLenExceedsKv {
        /// Requested length.
        max_seq_len: u64,
        /// KV tokens.
        kv_tokens: u64,
    },
    /// `No available memory for the cache blocks.`
    NoCacheMemory,
    /// `Add k padding layers, may waste at most p% KV cache memory`.
    PaddingLayers {
        /// Layers added.
        layers: u64,
        /// Worst-case waste, percent.
        waste_pct: Option<f64>,
    },
    /// `Setting attention block size to N tokens to ensure that attention page size is >= mamba page size`.
    AttentionBlockSize {
        /// Block size.
        tokens: u64,
    },
    /// `Padding mamba page size by p%`.
    MambaPagePadding {
        /// Percent.
        pct: f64,
    },
    /// `Capping cudagraph capture sizes from max A to B to fit Mamba cache blocks (N blocks available)`.
    CudagraphSizesCapped {
        /// Before.
        from: u64,
        /// After.
        to: u64,
        /// Mamba blocks available.
        mamba_blocks: Option<u64>,
    },
    /// `Overriding num_gpu_blocks=A with num_gpu_blocks_override=B`.
    NumGpuBlocksOverride {
        /// Profiled.
        from: u64,
        /// Override.
        to: u64,
    },
    /// `vLLM API server version X` / `Initializing a V1 LLM engine (vX) with config`.
    VllmVersion {
        /// Version string.
        version: String,
        /// `v0` or `v1` when the line says.
        engine: Option<String>,
    },
    /// A start-up stage's time: vLLM `Memory profiling takes X seconds`, `torch.compile takes X s
    /// in total`, `Dynamo bytecode transform time: X s`, `Initial profiling/warmup run took X s`,
    /// `init engine (profile, create kv cache, warmup model) took X seconds`, `Loading weights
    /// took X seconds`, the tabular profiling block's `duration X seconds`, ….
    StageTime {
        /// `profiling`, `compile`, `compile_graph`, `compile_load`, `dynamo`, `warmup`,
        /// `init_engine` or `weights_read`.
        stage: String,
        /// Seconds.
        seconds: f64,
    },
    /// A number under its semantic key, read by a data rule (`rules.toml`): a llama.cpp context
    /// setting, a TensorRT-LLM `TRTGptModel` setting, a flag on a command line.
    Setting {
        /// Semantic key (`n_ctx`, `max_num_sequences`, `tp_size`, …).
        key: String,
        /// The number as printed.
        value: f64,
    },
    /// A size under its semantic key, read by a data rule (`rules.toml`): a llama.cpp
    /// per-device buffer, TensorRT-LLM execution-context memory, a byte budget.
    Size {
        /// Semantic key (`model_buffer`, `compute_buffer`, `kv_device_size`, …).
        key: String,
        /// The size.
        size: LoggedBytes,
    },
    /// A word under its semantic key, read by a data rule (`rules.toml`): SGLang
    /// `Using KV cache dtype: torch.bfloat16`.
    Word {
        /// Semantic key (`kv_dtype`).
        key: String,
        /// The word (quotes and `torch.` dropped).
        value: String,
    },
    /// A llama.cpp KV-cache line: `kv_size = N, … type_k = 'f16', type_v = 'f16'`,
    /// `KV self size = X MiB, K (f16): k MiB, V (f16): v MiB`, `llama_kv_cache: size = X MiB
    /// (N cells, L layers, S/S seqs), K (bf16): …`, `creating [non-]SWA KV cache, size = N cells`.
    LlamaKvCache {
        /// Cells (token slots).
        cells: Option<u64>,
        /// Sequences the cache holds (`S/S seqs`).
        seqs: Option<u64>,
        /// Total size.
        size: Option<LoggedBytes>,
        /// K size.
        k_size: Option<LoggedBytes>,
        /// V size.
        v_size: Option<LoggedBytes>,
        /// K type.
        k_dtype: Option<String>,
        /// V type.
        v_dtype: Option<String>,
        /// The sliding-window cache of an iSWA model.
        swa: bool,
        /// The line opens a cache (`kv_size =` / `creating … KV cache`) rather than sizing it.
        opens: bool,
    },
    /// A line an engine prints once per launch, before it sizes its KV cache (a data rule with
    /// `starts_launch`, `rules.toml`): printed again by a process whose cache was sized, it
    /// starts another launch of a paste holding several.
    LaunchStart {
        /// The rule's key (what kind of once-per-launch line it is).
        marker: String,
    },
    /// A line only a running server prints (a data rule of form `run_line`: its start-up
    /// progress, Python's traceback header when it dies, SGLang's `Received sigquit from a child
    /// process`): after a server command, the run it started has logged, so the same command
    /// after it is a rerun.
    RunLine {
        /// The rule's key (what kind of line it is).
        marker: String,
    },
    /// A line a run prints when it finishes (a data rule of form `run_end`: llama.cpp's closing
    /// `llama_perf_context_print:` timings and `llama_memory_breakdown_print:` table): a value
    /// line after it belongs to the next run of a paste that holds several.
    RunEnd {
        /// The rule's key (what kind of line it is).
        marker: String,
    },
    /// vLLM multimodal reserve: `Encoder cache will be initialized with a budget of N tokens, and
    /// profiled with M <modality> items of the maximum feature size`.
    EncoderCacheBudget {
        /// Token budget of the encoder cache.
        tokens: u64,
        /// Items of the maximum feature size profiled.
        items: Option<u64>,
    },
    /// vLLM >= 0.21 `The current --gpu-memory-utilization=U is equivalent to
    /// --gpu-memory-utilization=E without CUDA graph memory profiling. … increase
    /// --gpu-memory-utilization to A`.
    UtilizationNote {
        /// The utilization in force.
        current: f64,
        /// Its equivalent without CUDA-graph profiling.
        equivalent: Option<f64>,
        /// The value that keeps the KV size of older versions.
        advised: Option<f64>,
    },
    /// vLLM engine config `compilation_config={…, "cudagraph_capture_sizes": [512, …, 1], …}`:
    /// the CUDA-graph batch sizes the engine will capture, as configured (read only when the
    /// list is printed whole).
    ConfigCaptureSizes {
        /// Sizes in printed order.
        sizes: Vec<u64>,
    },
}

impl EventKind {
    /// A short stable name (the serde tag).
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::InitTorchDistributed { .. } => "init_torch_distributed",
            EventKind::LoadWeightBegin { .. } => "load_weight_begin",
            EventKind::LoadWeightEnd { .. } => "load_weight_end",
            EventKind::MemoryProfiling { .. } => "memory_profiling",
            EventKind::KvMemoryCalculation { .. } => "kv_memory_calculation",
            EventKind::KvCacheAllocated { .. } => "kv_cache_allocated",
            EventKind::MambaCacheAllocated { .. } => "mamba_cache_allocated",
            EventKind::SlidingWindowPool { .. } => "sliding_window_pool",
            EventKind::MemoryPoolEnd { .. } => "memory_pool_end",
            EventKind::CaptureBegin { .. } => "capture_begin",
            EventKind::CaptureEnd { .. } => "capture_end",
            EventKind::CaptureProgress { .. } => "capture_progress",
            EventKind::CaptureSizes { .. } => "capture_sizes",
            EventKind::MaxTotalNumTokens { .. } => "max_total_num_tokens",
            EventKind::ProfiledTokensBelowCap { .. } => "profiled_tokens_below_cap",
            EventKind::NotEnoughMemory => "not_enough_memory",
            EventKind::CaptureFailed => "capture_failed",
            EventKind::KvRetract { .. } => "kv_retract",
            EventKind::WeightsLoaded { .. } => "weights_loaded",
            EventKind::ProfilingResultsV0 { .. } => "profiling_results_v0",
            EventKind::BudgetV0 { .. } => "budget_v0",
            EventKind::UsageV0 { .. } => "usage_v0",
            EventKind::GpuBlocks { .. } => "gpu_blocks",
            EventKind::AvailableKvMemory { .. } => "available_kv_memory",
            EventKind::KvCacheTokens { .. } => "kv_cache_tokens",
            EventKind::MaxConcurrency { .. } => "max_concurrency",
            EventKind::CudaGraphProfile { .. } => "cuda_graph_profile",
            EventKind::CudaGraphEstimate { .. } => "cuda_graph_estimate",
            EventKind::GraphCaptureFinished { .. } => "graph_capture_finished",
            EventKind::StartupMemorySummary { .. } => "startup_memory_summary",
            EventKind::FreeMemoryBelowUtilization { .. } => "free_memory_below_utilization",
            EventKind::UtilizationEquivalent { .. } => "utilization_equivalent",
            EventKind::MaxModelLenTooLarge { .. } => "max_model_len_too_large",
            EventKind::MaxSeqLenExceedsKv { .. } => "max_seq_len_exceeds_kv",
            EventKind::KvCacheTooSmall { .. } => "kv_cache_too_small",
            EventKind::NoCacheMemory => "no_cache_memory",
            EventKind::PaddingLayers { .. } => "padding_layers",
            EventKind::AttentionBlockSize { .. } => "attention_block_size",
            EventKind::MambaPagePadding { .. } => "mamba_page_padding",
            EventKind::CudagraphSizesCapped { .. } => "cudagraph_sizes_capped",
            EventKind::NumGpuBlocksOverride { .. } => "num_gpu_blocks_override",
            EventKind::VllmVersion { .. } => "vllm_version",
            EventKind::StageTime { .. } => "stage_time",
            EventKind::EncoderCacheBudget { .. } => "encoder_cache_budget",
            EventKind::UtilizationNote { .. } => "utilization_note",
            EventKind::Setting { .. } => "setting",
            EventKind::Size { .. } => "size",
            EventKind::Word { .. } => "word",
            EventKind::LlamaKvCache { .. } => "llama_kv_cache",
            EventKind::LaunchStart { .. } => "launch_start",
            EventKind::RunLine { .. } => "run_line",
            EventKind::RunEnd { .. } => "run_end",
            EventKind::SwaKvPool { .. } => "swa_kv_pool",
            EventKind::ConfigCaptureSizes { .. } => "config_capture_sizes",
        }
    }
}
