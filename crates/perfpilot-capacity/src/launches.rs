//! Launch boundaries of a paste: which launch each parsed event of a log belongs to (a paste
//! can hold several runs; `stated_values` numbers the values by them).

use perfpilot_launchlog::EventKind;

use crate::stated::stamp;

/// Where a paste holds several launches: a rank whose KV cache was already sized that starts
/// over (torch distributed initialised again, a new profiling block, a new version line) has
/// been launched anew. Weights loaded by a rank after its KV cache was sized are a draft model's
/// (speculative decoding), not a new launch.
#[derive(Default)]
pub(crate) struct Launches {
    /// Ranks whose KV cache was sized in the current launch.
    sized: std::collections::BTreeSet<String>,
    /// Ranks that printed vLLM's `Maximum concurrency` (the end of KV sizing) in this launch,
    /// with the time stamp of that line.
    closed: std::collections::BTreeMap<String, Option<String>>,
    /// The request lengths of this launch's `Maximum concurrency for L tokens` lines (L is the
    /// run's max_model_len).
    closed_len: std::collections::BTreeSet<u64>,
    /// Ranks that printed a once-per-run summary in this launch (vLLM's `# GPU blocks`,
    /// SGLang's scheduler `max_total_num_tokens=…` line).
    blocks: std::collections::BTreeSet<String>,
    /// Ranks that allocated an SGLang KV pool in this launch, with the token count and time
    /// stamp of their first pool.
    pools: std::collections::BTreeMap<String, (u64, Option<String>)>,
    /// Ranks whose last KV pool is a draft model's (its `Memory pool end` is the draft's too).
    draft_pool: std::collections::BTreeSet<String>,
    /// Ranks that loaded a draft model's weights and have not sized its pool yet (SGLang's
    /// `Using KV cache dtype:` between the two is the draft's).
    draft_weights: std::collections::BTreeSet<String>,
    /// The line of the last draft model's `Load weight end` (its `elapsed=` load time, a second
    /// event of that line, is the draft's too).
    draft_load_line: Option<u64>,
    /// Ranks whose model load ended in this launch before any KV pool of theirs (SGLang's
    /// `Load weight end`).
    loaded: std::collections::BTreeSet<String>,
    /// Ranks building a draft model before their target's pool (a second model set up after
    /// the first one's load ended, before any pool: `early_draft`).
    early_draft: std::collections::BTreeSet<String>,
    /// The context size (`n_ctx`) this launch states (llama.cpp's `-c N`, `n_ctx = N`).
    n_ctx: Option<u64>,
    /// Per process, the bytes of its last KV allocation (TensorRT-LLM `Allocate N bytes for
    /// k/v cache`, a KV budget line).
    kv_bytes: std::collections::BTreeMap<String, i64>,
    /// Processes whose KV cache was refused as too small for one sequence (TensorRT-LLM's
    /// `maxTokensInPagedKvCache (…) must be large enough …`: that run ends), with the bytes of
    /// the refused allocation.
    refused: std::collections::BTreeMap<String, Option<i64>>,
    /// The server commands of this launch, by the node rank each states (`--node-rank N`;
    /// None when it states none) with the command's text (spaces collapsed), and the line of
    /// the last one.
    commands: std::collections::BTreeMap<Option<u64>, String>,
    command_line: u64,
    /// Lines of the argument dumps the engines print when a run starts (SGLang's
    /// `server_args=…`, vLLM's `non-default args`, engine config, `Namespace`): lines the run
    /// logged, though no event.
    dumps: Vec<u64>,
    /// The server dumps (SGLang `server_args=…` per launch and node, vLLM `non-default args`),
    /// by line, with the server they describe (model, node rank, disaggregation mode); those not
    /// yet passed.
    server_dumps: std::collections::VecDeque<(u64, String)>,
    /// The servers whose dump this launch printed, and whether the run logged since the last.
    dumped: std::collections::BTreeSet<String>,
    logged_since_dump: bool,
    dump_line: u64,
    /// Whether the run logged a line of its own since this launch's last command.
    logged_since_command: bool,
    /// Whether this launch filed an event other than a run's closing lines.
    valued: bool,
    /// The line the current launch opened at (its first event's line for the first launch):
    /// the values on it are the launch's header's (a command's flags), not the run's.
    open_line: Option<u64>,
    /// Whether this launch printed a line a process prints once when it starts
    /// (`StartPids::process_marker`): printed again, it is another process's.
    process_seen: bool,
    /// Whether this launch printed llama.cpp's start line (`llama_build`: `build: …` or 2026's
    /// `build_info: …`): a model loaded after its cache was sized is that process's next model.
    llama_started: bool,
    /// Whether that process is loading its next model (its loader's and context's lines are
    /// the launch's, not another start's).
    next_model: bool,
    /// Whether this launch announced llama.cpp's params-fit step (`fitting params to device
    /// memory`), and whether it printed the step's projection (`projected to use … MiB`).
    fit_announced: bool,
    fit_projected: bool,
    /// Whether the run logged a value line of its own in this launch (no launch marker, not
    /// the command's line) since the launch opened, its last command or its last line a
    /// process prints once when it starts: such a line printed after it is a rerun's.
    run_valued: bool,
    /// Texts of the lines a process prints before its start line (`[[start_preamble]]`,
    /// `data/frameworks.toml`): a value on one is the start's own, not a run value.
    pub(crate) preambles: Vec<String>,
    /// Texts of the lines an engine that re-creates its KV pool within one start prints before
    /// its first pool (`[[pool_resize]]`, `data/frameworks.toml`: TensorRT-LLM AutoDeploy's).
    pub(crate) resize_tags: Vec<String>,
    /// Whether the paste printed a `resize_tags` line (not reset by a new launch: a pasted
    /// second start's tag lines come before its first pool, which is what opens its launch).
    resizes: bool,
    /// A batch-size or token limit was stated since the last block count (a start states its
    /// limits before its first pool; AutoDeploy's resize states none between its two pools).
    limits_since_pool: bool,
    /// The context size per sequence of this launch's llama.cpp context block (`n_ctx_per_seq`).
    ctx_per_seq: Option<f64>,
    /// Whether this launch's run printed its closing lines (`run_end` rules: llama.cpp's
    /// `llama_perf_context_print:` timings) after it filed events: a value line after them is
    /// the next run's.
    ended: bool,
    /// First line of each launch after the first.
    pub(crate) starts: Vec<u64>,
    /// Launches opened only because a value contradicted the context the launch before stated
    /// (a llama.cpp cache with more cells than its `n_ctx`): another configuration, so the
    /// command before them is not theirs (`crate::command_carry`).
    pub(crate) contradicted: std::collections::BTreeSet<u32>,
    /// The launch events are filed under now (1-based; 0 before the first event).
    pub(crate) current: u32,
    /// The pids of the processes an engine starts once per start (`crate::start_process`),
    /// over the whole paste.
    start_pids: crate::start_process::StartPids,
    /// Per launch, the last line at which a process of it sized its KV cache.
    pub(crate) last_sized: std::collections::BTreeMap<u32, u64>,
    /// Per launch, the first line of a once-per-start process marker filed under it
    /// (`[[start_marker]]`: llama.cpp's `build:` line, Ollama's runner command).
    pub(crate) process_at: std::collections::BTreeMap<u32, u64>,
    /// Per process, the line and attention window of its last TensorRT-LLM KV pool line
    /// (`Max KV cache blocks per sequence: N [window size=W], …`), read with the pool's
    /// `max sequence length=` on the same line (`crate::launches::Launches::estimation_pool`).
    window: std::collections::BTreeMap<String, (u64, f64)>,
}

impl Launches {
    /// No launch yet; `dumps` are the lines of the engines' start-up argument dumps,
    /// `server_dumps` SGLang's `server_args` dumps by line with the server each describes.
    /// `start_labels` name the processes an engine starts once per start, `start_markers` the
    /// lines a process prints once when it starts (`Rules::start_labels`, `start_markers`).
    pub(crate) fn new(
        dumps: Vec<u64>,
        server_dumps: Vec<(u64, String)>,
        start_labels: Vec<String>,
        start_markers: Vec<String>,
    ) -> Self {
        Self {
            dumps,
            server_dumps: server_dumps.into(),
            start_pids: crate::start_process::StartPids::new(start_labels, start_markers),
            ..Self::default()
        }
    }

    /// Passes the server dumps printed before `line` (SGLang's `server_args`, vLLM's `non-default
    /// args` / `Namespace`: one per start, and for SGLang per node): the same server's dump again,
    /// after its run logged lines of its own, is a rerun (a paste of a run and its rerun without
    /// the command), another launch.
    pub(crate) fn pass_dumps(&mut self, line: u64) {
        while let Some((at, server)) = self.server_dumps.front().cloned() {
            if at >= line {
                break;
            }
            self.server_dumps.pop_front();
            if self.dumped.contains(&server) && self.logged_since_dump {
                self.open(at);
            }
            self.current = self.current.max(1);
            self.dumped.insert(server);
            self.dump_line = at;
            self.logged_since_dump = false;
        }
    }

    /// A new launch from `line` on.
    fn open(&mut self, line: u64) {
        self.current += 1;
        self.starts.push(line);
        self.open_line = Some(line);
        self.sized.clear();
        self.closed.clear();
        self.closed_len.clear();
        self.pools.clear();
        self.draft_pool.clear();
        self.draft_weights.clear();
        self.loaded.clear();
        self.early_draft.clear();
        self.limits_since_pool = false;
        self.blocks.clear();
        self.n_ctx = None;
        self.kv_bytes.clear();
        self.refused.clear();
        self.commands.clear();
        self.logged_since_command = false;
        self.dumped.clear();
        self.logged_since_dump = false;
        self.valued = false;
        self.process_seen = false;
        self.llama_started = false;
        self.next_model = false;
        self.fit_announced = false;
        self.fit_projected = false;
        self.run_valued = false;
        self.ctx_per_seq = None;
        self.ended = false;
        self.start_pids.next_launch();
    }

    /// Another server's stream begins at `line` (`crate::streams`): a launch of its own, once the
    /// launch before it filed a value.
    pub(crate) fn open_stream(&mut self, line: u64) {
        if self.current > 0 && self.valued {
            self.open(line);
        }
    }

    /// The launch of an event and whether it belongs to a draft model.
    pub(crate) fn launch_of(
        &mut self,
        rank: String,
        line: u64,
        raw: &str,
        e: &EventKind,
    ) -> (u32, bool) {
        use EventKind as K;
        let stamp = stamp(raw);
        self.current = self.current.max(1);
        self.open_line.get_or_insert(line);
        // A run's closing lines end the launch that filed values; the next value line, whatever
        // it is (a model's buffers, a context, a command), is the next run's: a session cut
        // before its cache was sized (an excerpt) ends there too.
        if matches!(e, K::RunEnd { .. }) {
            self.ended |= self.valued;
            return (self.current, false);
        }
        // Ollama's commit request: the runner loads the weights now, so what was sized before it
        // was the server's estimate for this very load (the llama engine logs its memory summary
        // before the commit, and llama.cpp's load lines follow it: `ollama_commit`, rules.toml).
        if matches!(e, K::LaunchStart { marker } if marker == "ollama_commit") {
            self.sized.clear();
            return (self.current, false);
        }
        if let Some(opens) = self.fit_step(e) {
            if opens {
                self.open(line);
            }
            self.fit_projected = true;
            return (self.current, false);
        }
        let after_end = self.ended;
        let kv_sizing = matches!(
            e,
            K::UsageV0 { .. }
                | K::AvailableKvMemory { .. }
                | K::KvCacheAllocated { .. }
                | K::GpuBlocks { .. }
                | K::KvCacheTokens { .. }
        );
        let restart = match e {
            K::InitTorchDistributed { .. }
            | K::ProfilingResultsV0 { .. }
            | K::MemoryProfiling { .. }
            | K::VllmVersion { .. }
            // A line the engine prints once per launch (`starts_launch` rules, `rules.toml`).
            | K::LaunchStart { .. }
            // vLLM loads a model (and a draft model) before it sizes the KV cache: weights
            // loaded by a rank whose KV cache was sized begin a new launch.
            | K::WeightsLoaded { .. } => true,
            K::StageTime { stage, .. } => stage == "profiling" || stage == "weights_read",
            K::BudgetV0 { total_gpu_memory, .. } => total_gpu_memory.is_some(),
            // llama.cpp: a KV cache opened (`kv_size =`) after one was sized (a new run).
            K::LlamaKvCache { opens, swa, .. } => *opens && !*swa,
            _ => false,
        };
        // vLLM ends its KV sizing with `Maximum concurrency`: sizing again after it is a new run,
        // unless it is printed within the same second or the next (an engine core prints the KV
        // size of each worker's cache config together, which may straddle a second's edge:
        // `…14.999489Z` then `…15.000041Z`; a new run cannot size its cache that soon).
        let resized = kv_sizing
            && self.closed.get(&rank).is_some_and(|at| at.is_none() || apart(at.as_deref(), stamp));
        // A process measures its KV budget once per launch, before it sizes the cache: another
        // process of the same role (the same label, another pid: a second `EngineCore_DP0`)
        // measuring it more than a second after the first one's sizing ended is another engine
        // started after the first (two instances pasted one after the other). A measurement
        // stamped before that end is a peer of the same start whose lines came late (Ray
        // forwards each DP engine actor's lines to the API server's log in batches: kuberay#4366,
        // `(DPEngineCoreActor pid=5862)`'s 06:15:19 budget printed after pid 5439's 06:16:00).
        let base = |k: &str| k.split(" pid=").next().unwrap_or(k).to_string();
        let restarted = matches!(e, K::AvailableKvMemory { .. })
            && rank.contains(" pid=")
            && stamp.is_some()
            && self.closed.iter().any(|(k, at)| {
                *k != rank && base(k) == base(&rank) && at.is_some() && after(at.as_deref(), stamp)
            });
        let resized = resized || restarted || self.refused_anew(e);
        // vLLM prints `# GPU blocks`, SGLang's scheduler its `max_total_num_tokens=` line, once
        // per run and process: a second one is another run.
        let blocks = matches!(e, K::GpuBlocks { .. } | K::MaxTotalNumTokens { .. });
        // An engine that re-creates its pool within a start (TensorRT-LLM AutoDeploy's resize
        // transform: the pool for the sequence limits, then one for the tokens that fit) builds
        // the second with no limit stated since the first; a pasted second start states its
        // limits before its pool (trtllm-bench's `Initial settings`, `[SequenceInfo:]`).
        let resized_pool = self.resizes
            && matches!(e, K::GpuBlocks { .. })
            && !self.limits_since_pool
            && self.blocks.contains(&rank);
        let reblocked = blocks && self.blocks.contains(&rank) && !resized_pool;
        // A once-per-launch line of the data rules (a server command, llama.cpp's context) is the
        // whole launch's, whichever process sized its cache: a rank label is no part of it.
        // A llama.cpp process loads a second model after the first one's cache (a draft model,
        // an embedding model a fork loads beside the main one): a model loaded after a sized
        // cache in a launch whose llama.cpp process announced its start is that process's next
        // model; another start prints its own start line (`llama_build`, a process marker).
        self.next_model |= self.llama_started
            && !self.sized.is_empty()
            && matches!(e, K::LaunchStart { marker } if marker == "llama_model");
        let next_model = self.next_model && matches!(e, K::LaunchStart { .. });
        let marker = matches!(e, K::LaunchStart { .. }) && !self.sized.is_empty() && !next_model;
        // SGLang sizes a draft model's pool with the target's token count (model_runner.py:
        // "Target worker and draft worker share the same indices for the token_to_kv_pool")
        // and a hybrid pool's two halves in one second: a rank's second pool with another token
        // count, printed at another time, is another run's.
        let repooled = match e {
            K::KvCacheAllocated { tokens, .. } => self.pools.get(&rank).is_some_and(|(t, at)| {
                t != tokens && at.is_some() && stamp.is_some() && apart(at.as_deref(), stamp)
            }),
            _ => false,
        };
        // llama.cpp's KV cache holds at most the context's cells (n_ctx, padded to 256): a cache
        // with more cells than the launch's stated context is another run's (a paste of two
        // runs, the second without its command).
        let outgrown = match e {
            K::LlamaKvCache { cells: Some(c), .. } => {
                self.n_ctx.is_some_and(|n| n > 0 && *c > n.div_ceil(256) * 256)
            }
            _ => false,
        };
        // TensorRT-LLM's refusal of a KV cache too small for one sequence throws: the run ends.
        // A KV allocation with other bytes by that process after it is another run's (a paste
        // of two runs; ranks re-printing the refused run's figures carry equal bytes).
        let rerun = match e {
            K::AvailableKvMemory { size } => {
                self.refused.get(&rank).is_some_and(|b| b.is_none_or(|b| b != size.bytes))
            }
            _ => false,
        };
        // A server command is one launch of the server. A command for the same node (same node
        // rank, or none stated) is another run when the run of the first logged lines of its
        // own since (a rerun after a crash), or when it is another command (other flags: "after
        // I changed from <command> to <command>"), even when no run sized a cache. The per-node
        // commands of one multi-node launch state different `--node-rank`s, and the same
        // command pasted twice with nothing logged between (description, then the log) is one.
        let command = matches!(e, K::LaunchStart { marker } if marker == "command");
        let node = if command { node_rank(raw) } else { None };
        let text = if command { collapsed(raw) } else { String::new() };
        let logged = self.logged_since_command
            || self.dumps.iter().any(|&l| l > self.command_line && l < line);
        // A command pasted after lines its run did not print (no command of this launch before
        // it, and the run before it logged a value line of its own): the command announces the
        // next start (a blog's or a thread's second start, its command as a shell line, in a code
        // block or in prose before the start's lines), even when no cache was sized (an excerpt).
        let announced = command && self.commands.is_empty() && self.run_valued;
        let rerun_command = announced
            || command && self.commands.get(&node).is_some_and(|prev| logged || *prev != text);
        // A process the engine starts once per start (vLLM V1's engine core) seen with another
        // pid after this launch filed values: a second start pasted with no header of its own.
        let new_process = self.start_pids.new_start(raw) && self.valued;
        // A line a process prints once when it starts (`[[start_marker]]` in `data/frameworks.toml`:
        // llama.cpp's `build:` line, Ollama's runner command) printed a second time in the
        // launch, or after the run logged values of its own: the process was started again (a
        // rerun after a crash or an aborted start, which sized no cache, so the `starts_launch`
        // markers above do not tell it; a start aborted at llama.cpp's params-fit step logs no
        // value, and the first start's own line may be cut from the paste). A command's flags
        // (values on the command's line, or on the line that opened the launch: `./bin/perplexity
        // … -c 128`, a tool no command rule names) are not the run's.
        let process_marker = matches!(e, K::LaunchStart { marker }
            if self.start_pids.process_marker(marker));
        let process_start = process_marker && (self.process_seen || self.run_valued);
        // SGLang's speculative worker (EAGLE / NEXTN / STANDALONE: `eagle_worker.py`,
        // `standalone_worker.py`) builds the draft model's `ModelRunner` in the target's
        // scheduler process once the target's runner is done (pool sized, graphs captured), on
        // every platform (CUDA, NPU): its `init_torch_distributed` prints `Init torch
        // distributed begin.` / `ends.` again (`is_draft_worker` skips the process-group set-up,
        // so `mem usage=0.00 GB`). A rank that allocated its KV pool in this launch, in a launch
        // whose scheduler has not printed its `max_total_num_tokens=` line (printed once the draft
        // worker is built too, by the first rank alone: once any rank printed it, every rank of
        // the launch is done) is building its draft model, not starting over; a rerun
        // prints its `server_args` again (`pass_dumps`) or its previous run's end.
        let draft_init = matches!(e, K::InitTorchDistributed { .. })
            && self.pools.contains_key(&rank)
            && self.blocks.is_empty();
        let restart = restart && !draft_init;
        let restarts = (restart && !next_model && self.sized.contains(&rank))
            || resized
            || reblocked
            || new_process
            || process_start
            || self.other_context(e);
        let opens =
            after_end || restarts || marker || repooled || outgrown || rerun || rerun_command;
        if opens {
            self.open(line);
            self.start_pids.claim(raw);
            if outgrown && !(after_end || restarts || marker || repooled || rerun || rerun_command)
            {
                self.contradicted.insert(self.current);
            }
        }
        self.valued = true;
        self.resizes |= self.resize_tags.iter().any(|t| raw.contains(t.as_str()));
        match e {
            K::Setting { key, .. } if key == "max_batch_size" || key == "max_num_tokens" => {
                self.limits_since_pool = true;
            }
            K::GpuBlocks { .. } => self.limits_since_pool = false,
            _ => {}
        }
        if process_marker {
            self.process_at.entry(self.current).or_insert(line);
            self.process_seen = true;
            self.llama_started |= matches!(e, K::LaunchStart { marker } if marker == "llama_build");
            self.next_model = false;
            self.run_valued = false;
        } else if !matches!(e, K::LaunchStart { .. })
            && line != self.command_line
            && Some(line) != self.open_line
            && !command_text(raw)
            && !self.preambles.iter().any(|p| raw.contains(p.as_str()))
        {
            self.run_valued = true;
        }
        if let K::Setting { key, value } = e
            && key == "n_ctx_per_seq"
        {
            self.ctx_per_seq = Some(*value);
        }
        if command {
            self.run_valued = false;
            self.commands.insert(node, text);
            self.command_line = line;
            self.logged_since_command = false;
        } else if !self.commands.is_empty() && line != self.command_line && !command_text(raw) {
            self.logged_since_command = true;
        }
        if !self.dumped.is_empty() && line != self.dump_line && !command_text(raw) {
            self.logged_since_dump = true;
        }
        match e {
            K::AvailableKvMemory { size } => {
                self.kv_bytes.insert(rank.clone(), size.bytes);
            }
            K::KvCacheTooSmall { .. } => {
                self.refused.insert(rank.clone(), self.kv_bytes.get(&rank).copied());
            }
            _ => {}
        }
        if let K::Setting { key, value } = e
            && key == "n_ctx"
            && *value >= 1.0
        {
            self.n_ctx = Some(*value as u64);
        }
        if blocks {
            self.blocks.insert(rank.clone());
        }
        // An engine that sizes its KV pool twice in one start states the budget of the pool it
        // keeps between the two: TensorRT-LLM 1.x's PyTorch backend builds an estimation pool,
        // runs its dry run, logs `Estimated max memory in KV cache : X GiB` (`KvCacheCreator`,
        // a `kv_budget` line) and builds the final pool, whose `Max KV cache blocks per
        // sequence: … primary blocks=N` is the second of that process: this launch's.
        if let K::Size { key, .. } = e
            && key == "kv_budget"
        {
            self.blocks.remove(&rank);
        }
        if self.estimation_pool(&rank, line, e) {
            self.blocks.remove(&rank);
        }
        let sized = self.sized.contains(&rank);
        let llama_sized = match e {
            K::LlamaKvCache { size, .. } => size.is_some(),
            // llama.cpp 2023's `total VRAM used: … context: C MB`: the context's buffers (its KV
            // cache among them) are allocated.
            K::Size { key, .. } => key == "kv_device_size" || key == "context_vram",
            // Graphs are captured after the KV cache is sized (an excerpt may hold the capture
            // without the sizing lines).
            K::GraphCaptureFinished { .. } => true,
            _ => false,
        };
        if kv_sizing || llama_sized {
            self.sized.insert(rank.clone());
            self.last_sized.insert(self.current, line);
        }
        if let K::MaxConcurrency { request_tokens, .. } = e {
            self.closed.insert(rank.clone(), stamp.map(str::to_string));
            self.closed_len.insert(*request_tokens);
        }
        // SGLang sizes a speculative-decoding draft model's pool after the target's, on the
        // same rank and in the same launch: a second `KV Cache is allocated` (and the `Memory
        // pool end` after it) is the draft's.
        let draft_pool = match e {
            K::KvCacheAllocated { tokens, .. } => {
                let second = self.pools.contains_key(&rank);
                if !second {
                    self.pools.insert(rank.clone(), (*tokens, stamp.map(str::to_string)));
                }
                if second {
                    self.draft_pool.insert(rank.clone());
                } else {
                    self.draft_pool.remove(&rank);
                }
                second
            }
            K::MemoryPoolEnd { .. } => self.draft_pool.remove(&rank),
            _ => false,
        };
        let draft =
            draft_pool || sized && matches!(e, K::LoadWeightBegin { .. } | K::LoadWeightEnd { .. });
        // A draft loaded before the target's pool: the `Using KV cache dtype:` after it is the
        // target's (its pool comes next), so it is not filed in `draft_weights`.
        let early = self.early_draft(&rank, e);
        if early && matches!(e, K::LoadWeightEnd { .. }) {
            self.draft_load_line = Some(line);
        }
        // SGLang >= 0.5's `Load weight end. elapsed=X s, type=…` states the load time as a second
        // event of the same line: the draft's when the line is.
        if draft && matches!(e, K::LoadWeightEnd { .. }) {
            self.draft_load_line = Some(line);
            self.draft_weights.insert(rank.clone());
        }
        // SGLang's model runner prints `Using KV cache dtype: D` after a model's weights and
        // before its pool (`model_runner.py` `configure_kv_cache_dtype`): printed by a rank that
        // loaded its draft's weights and has not built the draft's pool, it is the draft's.
        let draft_dtype = matches!(e, K::Word { key, .. } if key == "kv_dtype")
            && self.draft_weights.contains(&rank);
        if matches!(e, K::KvCacheAllocated { .. }) {
            self.draft_weights.remove(&rank);
        }
        let draft = draft
            || early
            || draft_dtype
            || matches!(e, K::StageTime { stage, .. } if stage == "weights_load")
                && self.draft_load_line == Some(line);
        (self.current, draft)
    }

    /// Whether `e` is a draft model's set-up that precedes its target's KV pool. SGLang's
    /// scheduler builds the target's model runner, then the speculative worker's draft runner
    /// in the same process; EAGLE's draft comes after the target sized its pool (above), but
    /// DFLASH's draft runner (`speculative/dflash_worker*.py`: `Initialized DFLASH draft
    /// runner`) loads its model before the target's pool is sized. A rank that ended one model
    /// load and allocated no pool yet, then initialises (`Init torch distributed`) or loads a
    /// model again, is setting up the draft: its load lines are the draft's until the pool.
    fn early_draft(&mut self, rank: &str, e: &EventKind) -> bool {
        use EventKind as K;
        match e {
            K::InitTorchDistributed { .. } | K::LoadWeightBegin { .. } => {
                let early = self.loaded.contains(rank) && !self.pools.contains_key(rank);
                if early {
                    self.early_draft.insert(rank.to_string());
                }
                early
            }
            K::LoadWeightEnd { .. } => {
                let early = self.early_draft.contains(rank);
                if !early {
                    self.loaded.insert(rank.to_string());
                }
                early
            }
            K::KvCacheAllocated { .. } => {
                self.loaded.remove(rank);
                self.early_draft.remove(rank);
                false
            }
            _ => false,
        }
    }

    /// llama.cpp's params-fit step (`-fit on`): its announcement (`llama_fit`, a run line) and
    /// its projection (`llama_fit_projection`). The step runs once per start, before the start
    /// loads its model, so a projection after a sized cache heads another start's load, unless
    /// the launch announced its fit step and printed no projection yet (`--verbose` logs print
    /// the step's dry runs, load and context lines included, between the two) or its process
    /// printed its start line (a next start prints its own). `Some(opens)` for the projection,
    /// which is no value of the run; None for any other event.
    fn fit_step(&mut self, e: &EventKind) -> Option<bool> {
        match e {
            EventKind::RunLine { marker } if marker == "llama_fit" => {
                self.fit_announced = true;
                None
            }
            EventKind::LaunchStart { marker } if marker == "llama_fit_projection" => {
                let dry_run = self.fit_announced && !self.fit_projected;
                Some(!self.sized.is_empty() && !dry_run && !self.llama_started && !self.ended)
            }
            _ => None,
        }
    }

    /// Whether `e` shows that the TensorRT-LLM KV pool logged on `line` by `rank` cannot hold
    /// one sequence of the start's length: its attention window (`[window size=W]`) is below
    /// the `max sequence length=M` of the same line. The C++ KV cache manager clamps the window
    /// to the pool's tokens; the PyTorch backend's first pool of a start is built that small on
    /// purpose (`KvCacheCreator`, tensorrt_llm/_torch/pyexecutor/_util.py: an estimation pool
    /// with the dry run's token count, `Allocated 0.56 GiB for max tokens in paged KV cache
    /// (8224)`), and the final pool follows in the same process. Such a pool is not the
    /// once-per-run summary the next pool's `primary blocks=` would repeat.
    fn estimation_pool(&mut self, rank: &str, line: u64, e: &EventKind) -> bool {
        let EventKind::Setting { key, value } = e else { return false };
        match key.as_str() {
            "attention_window" => {
                self.window.insert(rank.to_string(), (line, *value));
                false
            }
            "max_model_len" => {
                self.window.get(rank).is_some_and(|(at, w)| *at == line && *w < *value)
            }
            _ => false,
        }
    }

    /// A llama.cpp context block (`llama_context: n_ctx_per_seq = N`) with another context
    /// size per sequence than this launch's, before any cache of the launch was sized: another
    /// context of another start (a paste of two starts cut between them; ollama#10738). A draft
    /// model's context, and the params-fit step's dry runs, come after a context whose KV cache
    /// was sized (llama.cpp creates a context's cache in its constructor, after the block).
    fn other_context(&self, e: &EventKind) -> bool {
        match e {
            EventKind::Setting { key, value } if key == "n_ctx_per_seq" => {
                self.sized.is_empty() && self.ctx_per_seq.is_some_and(|v| v != *value)
            }
            _ => false,
        }
    }

    /// A vLLM start-up refusal of the KV cache (V1 `To serve at least one request with the
    /// model's max seq len (L), … available KV cache memory (Y GiB)`, V0 `max seq len (L) is
    /// larger than …`) after this launch ended its KV sizing (`Maximum concurrency for L'
    /// tokens`): the refusal is another run's when it refuses another max_model_len (a run
    /// sizes for one length, L') or, in V1, a budget no process of this launch measured (each
    /// worker prints its `Available KV cache memory` before the engine checks it). Worker
    /// lines and the traceback carry different labels, so this looks at every process.
    fn refused_anew(&self, e: &EventKind) -> bool {
        use EventKind as K;
        if self.closed_len.is_empty() {
            return false;
        }
        match e {
            K::MaxModelLenTooLarge { max_model_len, available, .. } => {
                !self.closed_len.contains(max_model_len)
                    || available
                        .as_ref()
                        .is_some_and(|a| !self.kv_bytes.values().any(|b| *b == a.bytes))
            }
            K::MaxSeqLenExceedsKv { max_seq_len, .. } => !self.closed_len.contains(max_seq_len),
            _ => false,
        }
    }

    /// An SGLang `SWAKVPool` summary from `rank`: its last pool was the sliding-window half of
    /// one hybrid pool, not a draft model's. True when it had been taken for a draft's.
    pub(crate) fn swa_pool(&mut self, rank: &str) -> bool {
        self.draft_pool.remove(rank)
    }
}

/// Whether two time stamps (`[date ]HH:MM:SS`, from `stamp`) are more than a second apart, or
/// cannot be compared (one missing, other dates): lines one step of a run prints together fall
/// in one second or straddle the edge into the next; another run's are further apart.
fn apart(a: Option<&str>, b: Option<&str>) -> bool {
    let (Some(a), Some(b)) = (a, b) else { return a != b };
    match (clock(a), clock(b)) {
        (Some((da, ta)), Some((db, tb))) => da != db || (ta - tb).abs() > 1,
        _ => a != b,
    }
}

/// Whether time stamp `b` is more than a second after `a` (`[date ]HH:MM:SS`, from `stamp`), or
/// the two cannot be ordered (one missing, other dates: as `apart`).
fn after(a: Option<&str>, b: Option<&str>) -> bool {
    match (a.and_then(clock), b.and_then(clock)) {
        (Some((da, ta)), Some((db, tb))) if da == db => tb - ta > 1,
        _ => apart(a, b),
    }
}

/// A time stamp's date part and its time of day in seconds (`[date ]HH:MM:SS`).
fn clock(s: &str) -> Option<(String, i64)> {
    let at = s.len().checked_sub(8)?;
    let (date, time) = (s.get(..at)?, s.get(at..)?);
    let mut n = time.split(':').map(|p| p.parse::<i64>().ok());
    let (h, m, sec) = (n.next()??, n.next()??, n.next()??);
    Some((date.to_string(), h * 3600 + m * 60 + sec))
}

/// The node rank a server command states (`--node-rank N`, `--node_rank=N`), None when none.
fn node_rank(raw: &str) -> Option<u64> {
    ["--node-rank", "--node_rank"].iter().find_map(|flag| {
        let at = raw.find(flag)? + flag.len();
        let rest = raw[at..].trim_start_matches([' ', '=', '"', '\'']);
        let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
        n.parse().ok()
    })
}

/// Whether a line is part of a command rather than a line the run logged: a flag line of a
/// continued command (`--tp 16 \`, `- --max-model-len`), a line continued with `\`, or a
/// launcher script's own trace (`set -x`: bash prints each command it runs after PS4, `+ ` by
/// default, its `+` repeated once per level of indirection: `+ sed -i 's|…|--tensor-parallel-size
/// 4 …|' env.sh`, `++ export 'VLLM_EXTRA_ARGS=…'`; the bash manual, PS4 and `set -x`). Such a
/// line is the script setting up its server, not a value its run logged: the server's command
/// after it opens no launch of its own (round 33).
fn command_text(raw: &str) -> bool {
    let t = raw.trim();
    t.starts_with('-') || t.ends_with('\\') || xtrace(t)
}

/// A bash `set -x` trace line: one or more `+`, one space, then the traced command.
fn xtrace(t: &str) -> bool {
    let plus = t.bytes().take_while(|&b| b == b'+').count();
    plus > 0
        && t[plus..].starts_with(' ')
        && t.as_bytes()[plus..].get(1).is_some_and(|b| *b != b' ')
}

/// A command line's text with its runs of spaces collapsed and a trailing `\\` dropped (a
/// paste keeps or loses spaces; the flags are what tell two commands apart).
fn collapsed(raw: &str) -> String {
    let t = raw.trim().trim_end_matches('\\');
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}
