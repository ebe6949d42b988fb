use super::*;

#[test]
fn sglang_lines() {
    let log = parse_log(
        "[2025-03-10 16:21:21 TP1] Load weight end. type=Qwen2ForCausalLM, dtype=torch.bfloat16, avail mem=24.71 GB, mem usage=14.00 GB.\n\
         [2025-03-10 16:21:21 TP1] KV Cache is allocated. #tokens: 10240, K size: 0.47 GB, V size: 0.47 GB\n\
         [2025-03-10 16:21:31 TP0] Capture cuda graph end. Time elapsed: 9.41 s. avail mem=18.57 GB. mem usage=3.38 GB.\n",
    );
    assert_eq!(log.framework, Some(Framework::Sglang));
    assert_eq!(log.lines, 3);
    assert_eq!(log.events.len(), 3);
    match &log.events[0].event {
        EventKind::LoadWeightEnd { avail, mem_usage, model_class, dtype } => {
            assert_eq!(avail.as_ref().unwrap().printed, "24.71");
            assert_eq!(mem_usage.as_ref().unwrap().printed, "14.00");
            assert_eq!(model_class.as_deref(), Some("Qwen2ForCausalLM"));
            assert_eq!(dtype.as_deref(), Some("torch.bfloat16"));
        }
        e => panic!("unexpected {e:?}"),
    }
    assert_eq!(log.events[2].rank.tp, Some(0));
    match &log.events[2].event {
        EventKind::CaptureEnd { graph, elapsed_s, mem_usage, avail } => {
            assert_eq!(*graph, GraphKind::Decode);
            assert_eq!(*elapsed_s, Some(9.41));
            assert_eq!(mem_usage.as_ref().unwrap().printed, "3.38");
            assert_eq!(avail.as_ref().unwrap().printed, "18.57");
        }
        e => panic!("unexpected {e:?}"),
    }
}

#[test]
fn tqdm_carriage_returns_split_segments() {
    let line = "Capturing batches (bs=32 avail_mem=27.49 GB):   0%|  | 0/8\rCapturing batches (bs=24 avail_mem=21.80 GB):  12%|";
    let log = parse_log(line);
    assert_eq!(log.events.len(), 2);
    match &log.events[1].event {
        EventKind::CaptureProgress { batch_size, avail, .. } => {
            assert_eq!(*batch_size, Some(24));
            assert_eq!(avail.as_ref().unwrap().printed, "21.80");
        }
        e => panic!("unexpected {e:?}"),
    }
}

#[test]
fn vllm_lines() {
    let log = parse_log(
        "(EngineCore_DP0 pid=387) INFO 03-08 16:44:29 [kv_cache_utils.py:1314] GPU KV cache size: 188,640 tokens\n\
         (EngineCore_DP0 pid=387) INFO 03-08 16:44:29 [kv_cache_utils.py:1319] Maximum concurrency for 131,072 tokens per request: 5.23x\n\
         INFO 05-09 06:31:27 [utils.py:233] non-default args: {'dtype': 'bfloat16', 'seed': 1234, 'max_model_len': 8192, 'gpu_memory_utilization': 0.9}\n\
         (Worker_TP1 pid=1806414) INFO 10-23 15:14:56 [gpu_worker.py:391] Free memory on device (139.21/139.81 GiB) on startup. Desired GPU memory utilization is (0.9, 125.83 GiB). Actual usage is 74.28 GiB for weight, 5.58 GiB for peak activation, 1.38 GiB for non-torch memory, and 2.37 GiB for CUDAGraph memory.\n\
         INFO 10-23 [llm_engine.py] Initializing a V1 LLM engine (v0.10.1) with config: model='/m', max_seq_len=16384, tensor_parallel_size=2\n",
    );
    assert_eq!(log.framework, Some(Framework::Vllm));
    assert_eq!(log.arg(&["max_model_len"]), Some(("8192", 3)));
    assert_eq!(log.arg(&["tensor_parallel_size"]), Some(("2", 5)));
    let kinds: Vec<&str> = log.events.iter().map(|e| e.event.name()).collect();
    assert_eq!(
        kinds,
        ["kv_cache_tokens", "max_concurrency", "startup_memory_summary", "vllm_version"]
    );
    match &log.events[2].event {
        EventKind::StartupMemorySummary {
            free, total, utilization, weights, cudagraph, ..
        } => {
            assert_eq!(free.as_ref().unwrap().printed, "139.21");
            assert_eq!(total.as_ref().unwrap().printed, "139.81");
            assert_eq!(*utilization, Some(0.9));
            assert_eq!(weights.as_ref().unwrap().printed, "74.28");
            assert_eq!(cudagraph.as_ref().unwrap().printed, "2.37");
        }
        e => panic!("unexpected {e:?}"),
    }
    assert_eq!(log.events[2].rank.tp, Some(1));
    match &log.events[3].event {
        EventKind::VllmVersion { version, engine } => {
            assert_eq!(version, "0.10.1");
            assert_eq!(engine.as_deref(), Some("v1"));
        }
        e => panic!("unexpected {e:?}"),
    }
}

#[test]
fn garbage_never_panics() {
    let junk = [
        "",
        "KV Cache is allocated.",
        "KV Cache is allocated. #tokens: -, K size: x GB",
        "max_total_num_tokens=",
        "max_total_num_tokens=99999999999999999999999",
        "Maximum concurrency for tokens per request: x",
        "Free memory on device (",
        "server_args=ServerArgs(((((((",
        "non-default args: {'a': [}",
        "\u{0}\u{ffff}Load weight end. avail mem=é GB",
        "[é TP1] Memory pool end. avail mem=1.0 GB",
        "# CPU blocks:",
        "Add x padding layers, may waste at most",
    ];
    for j in junk {
        let _ = parse_log(j);
    }
}

#[test]
fn reader_matches_text() {
    let text = "[2025-05-09 19:11:16 TP2] Memory pool end. avail mem=4.38 GB\nnoise\n";
    let a = parse_log(text);
    let b = parse_reader(std::io::Cursor::new(text.as_bytes())).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.lines, 2);
}

/// Line shapes the shared fixtures lack, as they appear in public SGLang / vLLM logs.
#[test]
fn more_line_shapes() {
    let text = "\
[2026-05-15 09:09:36 TP0] Load weight begin. avail mem=93.61 GB
[2026-05-15 09:09:53 TP1] Memory profiling: available_gpu_memory=57.01 GB, total_gpu_memory=93.58 GB, mem_fraction_static=0.60, rest_memory=19.58 GB
[2026-09-09 11:57:18] Mamba Cache is allocated. max_mamba_cache_size: 48, conv_state size: 0.09GB, ssm_state size: 6.46GB
[2026-06-01 10:00:00 TP0] Use sliding window memory pool. full_layer_tokens=725101, swa_layer_tokens=580080
[2026-04-27 02:36:27] Capture piecewise CUDA graph end. Time elapsed: 17.62 s. mem usage=2.32 GB. avail mem=21.22 GB.
INFO 01-01 [worker.py:262] the current vLLM instance can use total_gpu_memory (79.10GiB) x gpu_memory_utilization (0.90) = 71.19GiB
INFO 01-01 [worker.py:262] model weights take 14.99GiB; non_torch_memory takes 0.13GiB; PyTorch activation peak memory takes 1.19GiB; the rest of the memory reserved for KV Cache is 54.88GiB.
(EngineCore_DP0 pid=212) INFO 10-06 12:00:40 [gpu_model_runner.py:3480] Graph capturing finished in 8 secs, took 0.31 GiB
(EngineCore pid=1497) INFO 06-05 07:28:52 [gpu_model_runner.py:6279] Profiling CUDA graph memory: PIECEWISE=35 (largest=256), FULL=19 (largest=128)
INFO 05-09 06:31:27 [cuda.py:1] # cuda blocks: 28098, # CPU blocks: 4096
[2025-07-02 07:41:59 DP7 TP7] max_total_tokens=131072 is larger than the profiled value -561981. Use the profiled value instead.
";
    let log = parse_log(text);
    let kinds: Vec<&str> = log.events.iter().map(|e| e.event.name()).collect();
    assert_eq!(
        kinds,
        [
            "load_weight_begin",
            "memory_profiling",
            "mamba_cache_allocated",
            "sliding_window_pool",
            "capture_end",
            "budget_v0",
            "usage_v0",
            "graph_capture_finished",
            "cuda_graph_profile",
            "gpu_blocks",
            "profiled_tokens_below_cap",
        ]
    );
    match &log.events[1].event {
        EventKind::MemoryProfiling {
            total_gpu_memory, mem_fraction_static, rest_memory, ..
        } => {
            assert_eq!(total_gpu_memory.as_ref().unwrap().printed, "93.58");
            assert_eq!(*mem_fraction_static, Some(0.60));
            assert_eq!(rest_memory.as_ref().unwrap().printed, "19.58");
        }
        e => panic!("{e:?}"),
    }
    match &log.events[2].event {
        EventKind::MambaCacheAllocated { max_mamba_cache_size, conv_state, ssm_state, .. } => {
            assert_eq!(*max_mamba_cache_size, 48);
            assert_eq!(conv_state.as_ref().unwrap().printed, "0.09");
            assert_eq!(ssm_state.as_ref().unwrap().printed, "6.46");
        }
        e => panic!("{e:?}"),
    }
    assert!(matches!(
        log.events[4].event,
        EventKind::CaptureEnd { graph: GraphKind::Piecewise, .. }
    ));
    match &log.events[5].event {
        EventKind::BudgetV0 { total_gpu_memory, gpu_memory_utilization, budget } => {
            assert_eq!(total_gpu_memory.as_ref().unwrap().printed, "79.10");
            assert_eq!(*gpu_memory_utilization, Some(0.90));
            assert_eq!(budget.as_ref().unwrap().printed, "71.19");
        }
        e => panic!("{e:?}"),
    }
    match &log.events[6].event {
        EventKind::UsageV0 { weights, non_torch, activation_peak, kv_cache } => {
            assert_eq!(weights.as_ref().unwrap().printed, "14.99");
            assert_eq!(non_torch.as_ref().unwrap().printed, "0.13");
            assert_eq!(activation_peak.as_ref().unwrap().printed, "1.19");
            assert_eq!(kv_cache.as_ref().unwrap().printed, "54.88");
        }
        e => panic!("{e:?}"),
    }
    match &log.events[8].event {
        EventKind::CudaGraphProfile { piecewise, piecewise_largest, full, full_largest } => {
            assert_eq!(
                (*piecewise, *piecewise_largest, *full, *full_largest),
                (Some(35), Some(256), Some(19), Some(128))
            );
        }
        e => panic!("{e:?}"),
    }
    assert!(matches!(
        log.events[9].event,
        EventKind::GpuBlocks { gpu_blocks: 28098, cpu_blocks: Some(4096) }
    ));
    assert!(matches!(
        log.events[10].event,
        EventKind::ProfiledTokensBelowCap { requested: 131072, profiled: -561981 }
    ));
    assert_eq!(log.events[10].rank.label(), "DP7 TP7");
}

#[test]
fn server_args_dict_form_and_namespace() {
    let log = parse_log(
        "[2025-01-01 00:00:00] server_args={'model_path': '/models/x', 'tp_size': 8, 'mem_fraction_static': 0.85, 'enable_dp_attention': True}\n\
         INFO 04-16 11:18:27 api_server.py:585] args: Namespace(host=None, port=8000, tensor_parallel_size=2, max_model_len=4096, gpu_memory_utilization=0.95)\n",
    );
    assert_eq!(log.args.len(), 2);
    assert_eq!(log.args[0].form, ArgsForm::SglangDict);
    assert_eq!(log.args[0].get_u64("tp_size"), Some(8));
    assert_eq!(log.args[0].get_bool("enable_dp_attention"), Some(true));
    assert_eq!(log.args[1].form, ArgsForm::VllmNamespace);
    assert_eq!(log.args[1].get_f64("gpu_memory_utilization"), Some(0.95));
    assert_eq!(log.arg(&["tensor_parallel_size", "tp_size"]), Some(("8", 1)));
    assert_eq!(log.framework, Some(Framework::Sglang));
}

#[test]
fn blocks_across_reader_boundaries_match_line_by_line() {
    // ~9 MiB: more than two reader blocks, with a CRLF line and a last line without newline.
    let noise = "[2025-11-30 11:20:01 TP0] Decode batch. #running-req: 37, #token: 81234, token usage: 0.04, gen throughput (token/s): 4123.55\n";
    let mut text = String::new();
    let mut expected_lines = Vec::new();
    let mut n = 0u64;
    while text.len() < 9 << 20 {
        n += 1;
        if n.is_multiple_of(997) {
            text.push_str("[2025-03-10 16:21:21 TP1] Memory pool end. avail mem=22.59 GB\r\n");
            expected_lines.push(n);
        } else {
            text.push_str(noise);
        }
    }
    text.push_str("[2025-03-10 16:21:21 TP0] Memory pool end. avail mem=1.00 GB");
    n += 1;
    expected_lines.push(n);
    let from_reader = parse_reader(std::io::BufReader::with_capacity(
        1 << 16,
        std::io::Cursor::new(text.as_bytes()),
    ))
    .unwrap();
    let whole = parse_log(&text);
    let mut p = LogParser::new();
    for l in text.lines() {
        p.push_line(l);
    }
    let by_line = p.finish();
    assert_eq!(from_reader.lines, n);
    assert_eq!(from_reader.events.iter().map(|e| e.line).collect::<Vec<_>>(), expected_lines);
    assert_eq!(from_reader, whole);
    assert_eq!(whole.events, by_line.events);
    assert_eq!(whole.lines, by_line.lines);
}
