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
