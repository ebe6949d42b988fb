//! Stated values for the classes of misses of the seventh blind batch `heldout-13` (issue 15,
//! branch capfix7), written from the engines' format strings: a server command run again after
//! its run logged (a rerun, another launch), SGLang's hybrid SWA pool's full-layer token count,
//! TensorRT-LLM's PyTorch-backend KV budget lines, vLLM's combined compile and warm-up time and
//! JAX meshes that state the tensor-parallel size. Real lines (corpus development pastes, the
//! engines' public output), put together where the class is about their order.

mod common;

use common::{corpus, numbers};

/// sgl-project/sglang#3398 (heldout-13, development data): node 0's command of a two-node TP16
/// launch.
const NODE0: &str = "python3 -m sglang.launch_server --model-path /code/llm-benchmark-script/data/raw/DeepSeek-V3 --tp 16 --dist-init-addr 11.130.1.53:5000 --nnodes 2 --node-rank 0 --trust-remote-code --host 0.0.0.0 --port 6178\n";

#[test]
fn a_command_run_again_after_its_run_logged_is_another_launch() {
    // sgl-project/sglang#6291 (heldout-13, development data): the command, then the run's first
    // lines up to its `server_args=ServerArgs(…)` dump. Pasted twice (a run, then the same
    // command run again, as after a crash or with debug logging): two launches, though neither
    // sized a KV cache.
    let text = corpus("sglang-6291-v046-qwen3-8b-tp1-command-server-args.log");
    let run: String = text.lines().take(4).map(|l| format!("{l}\n")).collect();
    assert!(run.contains("server_args=ServerArgs("));
    let rerun = format!("{run}{run}");
    assert_eq!(numbers(&rerun, "tp_size"), vec![(1, 1.0), (2, 1.0)]);
    assert_eq!(numbers(&rerun, "mem_fraction_static"), vec![(1, 0.9), (2, 0.9)]);
    // The same command pasted twice with nothing logged between (the thread's description, then
    // the log): one launch.
    let first = text.lines().next().unwrap_or_default();
    let twice = format!("{first}\n{run}");
    assert!(numbers(&twice, "tp_size").iter().all(|(l, _)| *l == 1));
    // sgl-project/sglang#3398 (development data): node 0's and node 1's commands of one two-node
    // launch (another `--node-rank`), with a run's dump between them: one launch.
    let node1 = NODE0.replace("--node-rank 0", "--node-rank 1");
    let dump = text.lines().nth(3).unwrap_or_default();
    let nodes = format!("{NODE0}{dump}\n{node1}{dump}\n");
    assert!(numbers(&nodes, "tp_size").iter().all(|(l, _)| *l == 1));
    // The same node's command again after its run's dump: a rerun.
    let again = format!("{NODE0}{dump}\n{NODE0}{dump}\n");
    assert_eq!(numbers(&again, "tp_size"), vec![(1, 16.0), (2, 16.0)]);
}

#[test]
fn a_server_that_died_has_logged_so_its_command_again_is_a_rerun() {
    // SGLang's engine.py sigquit handler (a line as sgl-project threads show it, e.g.
    // `[2026-02-27 15:27:13] Received sigquit from a child process. It usually means the child
    // failed.`), and `Init torch distributed begin.` (model_runner.py): lines only a running
    // server prints. The same command after either is a rerun.
    for line in [
        "[2026-02-27 15:27:13] Received sigquit from a child process. It usually means the child failed.\n",
        "[2026-09-21 13:37:04 TP1] Init torch distributed begin.\n",
    ] {
        let rerun = format!("{NODE0}{line}{NODE0}{line}");
        assert_eq!(numbers(&rerun, "tp_size"), vec![(1, 16.0), (2, 16.0)], "{line}");
    }
}

#[test]
fn sglang_hybrid_swa_pool_full_layer_tokens_are_the_cache_tokens() {
    // python/sglang/srt/mem_cache (the pool configurator; model_runner.py before it):
    // `Use sliding window memory pool. full_layer_tokens={full}, swa_layer_tokens={swa}`, the pool
    // sized by the full layers (`max_total_num_tokens = full_tokens`). Figures of a Gemma 4 run
    // reported in a public benchmark note (`full_layer_tokens=1276034`, `swa_layer_tokens=1020827`).
    let line = "[2026-05-02 10:11:12 TP0] Use sliding window memory pool. full_layer_tokens=1276034, swa_layer_tokens=1020827\n";
    assert_eq!(numbers(line, "kv_tokens"), vec![(1, 1276034.0)]);
    assert_eq!(numbers(line, "kv_tokens_swa"), vec![(1, 1020827.0)]);
    // The 2026 wording with each half's size after its count (`full_layer_tokens={n} ({g:.2f}
    // GiB), swa_layer_tokens={m} ({h:.2f} GiB, {sized_by})`) and sgl-jax's capitalised one.
    let sized = "Use sliding window memory pool. full_layer_tokens=1276034 (27.26 GiB), swa_layer_tokens=1020827 (21.81 GiB, ratio)\n";
    assert_eq!(numbers(sized, "kv_tokens"), vec![(1, 1276034.0)]);
    let jax = "Use Sliding window memory pool. full_layer_tokens=63987, swa_layer_tokens=51189\n";
    assert_eq!(numbers(jax, "kv_tokens"), vec![(1, 63987.0)]);
    // sgl-project/sglang#15464 (heldout-9, development data): the `SWAKVPool` summary's full size.
    let text = common::corpus("sglang-pr15464-mimo-v2-flash-tp4-swa-pool-two-kv-lines.log");
    assert!(numbers(&text, "kv_tokens").iter().all(|x| *x == (1, 1496958.0)));
    assert!(numbers(&text, "kv_tokens_full").is_empty());
}

#[test]
fn tensorrt_llm_pytorch_kv_budget_lines() {
    // A public DGX Spark log of trtllm-serve (TensorRT-LLM 1.1.0rc3, gpt-oss-120b): the
    // estimation run's small pool, the profiling lines, then the final pool. Every budget and
    // both pools are the one launch's.
    let log = "[TensorRT-LLM][INFO] [MemUsageChange] Allocated 0.56 GiB for max tokens in paged KV cache (8224).\n\
[12/20/2025-04:21:51] [TRT-LLM] [I] Memory used outside torch (e.g., NCCL and CUDA graphs) in memory usage profiling: 49.28 GiB\n\
[12/20/2025-04:21:51] [TRT-LLM] [I] Peak memory during memory usage profiling (torch + non-torch): 113.65 GiB, available KV cache memory when calculating max tokens: 5.95 GiB, fraction is set 0.8999999761581421, kv size is 73728. device total memory 119.70 GiB, , tmp kv_mem 0.56 GiB\n\
[12/20/2025-04:21:51] [TRT-LLM] [I] Estimated max memory in KV cache : 5.95 GiB\n\
[TensorRT-LLM][INFO] [MemUsageChange] Allocated 5.95 GiB for max tokens in paged KV cache (86720).\n";
    assert_eq!(numbers(log, "kv_budget"), vec![(1, 0.56), (1, 5.95), (1, 5.95), (1, 5.95)]);
    assert_eq!(numbers(log, "kv_tokens"), vec![(1, 8224.0), (1, 86720.0)]);
    assert_eq!(numbers(log, "non_torch"), vec![(1, 49.28)]);
    assert_eq!(numbers(log, "total_gpu_memory"), vec![(1, 119.7)]);
    // The same log: the context inferred from the model, then cut to what each pool holds.
    let lens = "[12/20/2025-04:21:09] [TRT-LLM] [I] max_seq_len is not specified, using inferred value 131072\n\
[12/20/2025-04:21:10] [TRT-LLM] [W] Adjusted max_seq_len to 8224\n\
[12/20/2025-04:21:51] [TRT-LLM] [W] Adjusted max_seq_len to 86720\n";
    assert_eq!(numbers(lens, "max_model_len"), vec![(1, 131072.0), (1, 8224.0), (1, 86720.0)]);
    // _util.py KvCacheCreator's caps (format strings; the figures are the budget's after them),
    // the 0.18-0.21 token estimate and the 2026 encoder-cache reserve.
    let caps = "[TRT-LLM] [I] max_tokens=86711 is provided. It limits max memory to 5.95 GiB. New max_memory is set to 5.95 GiB\n\
[TRT-LLM] [I] max_gpu_total_bytes=40.00 GiB is provided. New max memory is 40.00 GiB\n\
[TRT-LLM] [I] Estimated max tokens in KV cache : 86711\n\
[TRT-LLM] [I] Reserving 2.50 GiB for the multimodal encoder cache while estimating KV cache capacity.\n";
    assert_eq!(numbers(caps, "kv_budget"), vec![(1, 5.95), (1, 40.0)]);
    assert_eq!(numbers(caps, "kv_tokens"), vec![(1, 86711.0)]);
    assert_eq!(numbers(caps, "mm_encoder_reserve"), vec![(1, 2.5)]);
}

#[test]
fn vllm_compile_and_warmup_time_and_jax_mesh_tp() {
    // vLLM monitor.py (a public run's log line): the compile time counted with the warm-up run.
    let line = "(EngineCore pid=3012) INFO 07-22 04:07:16 [monitor.py:48] torch.compile and initial profiling/warmup run together took 55.27 s in total\n";
    assert_eq!(numbers(line, "compile_s"), vec![(1, 55.27)]);
    // tpu-inference on four TPU chips (a public run's log line): the mesh's `model` axis is TP.
    let mesh = "(EngineCore_DP0 pid=1356450) INFO 04-04 21:50:30 [tpu_runner.py:302] Init mesh | mesh=Mesh('data': 1, 'model': 4, axis_types=(Auto, Auto))\n";
    assert_eq!(numbers(mesh, "tp_size"), vec![(1, 4.0)]);
    // The KV cache's sharding (tpu_commons runner/utils.py `Init kv-cache | … | sharding=…`) and
    // the 7-axis mesh of the new model design, `model` not first.
    let kv = "INFO [utils.py:246] Init kv-cache | shape=32 * (1024, 16, 16, 128) | sharding=NamedSharding(mesh=Mesh('data': 1, 'model': 8), spec=PartitionSpec(None, None, 'model')) | dtype=bfloat16 | hbm=[(20.1, 31.25)]Gb\n";
    assert_eq!(numbers(kv, "tp_size"), vec![(1, 8.0)]);
    let seven = "Init mesh | mesh=Mesh('data': 1, 'attn_dp': 1, 'attn_dp_expert': 1, 'expert': 1, 'model': 8, 'dcp': 1, 'pcp': 1, axis_types=(Auto, Auto, Auto, Auto, Auto, Auto, Auto))\n";
    assert_eq!(numbers(seven, "tp_size"), vec![(1, 8.0)]);
    // A mesh without a `model` axis states no TP size.
    let fsdp = "mesh=Mesh('data': 1, 'fsdp': 8, 'tensor': 1)\n";
    assert!(numbers(fsdp, "tp_size").is_empty());
}

#[test]
fn an_sglang_server_args_dump_again_after_its_run_logged_is_a_rerun() {
    // sgl-project/sglang#7478 (development data): a run's `server_args=ServerArgs(…)` dump
    // (printed once per launch and node by launch_server) without its command, then a line of
    // the run, twice: a run and its rerun.
    let text = corpus("sglang-7478-2node-tp16-ipv6-server-args.log");
    let dump = text.lines().find(|l| l.contains("server_args=ServerArgs(")).unwrap_or_default();
    let init = "[2025-06-23 15:06:58 TP0] Init torch distributed begin.";
    let rerun = format!("{dump}\n{init}\n{dump}\n{init}\n");
    assert_eq!(numbers(&rerun, "mem_fraction_static"), vec![(1, 0.78), (2, 0.78)]);
    // The dump pasted twice with nothing of the run between: one launch.
    let twice = format!("{dump}\n{dump}\n{init}\n");
    assert!(numbers(&twice, "mem_fraction_static").iter().all(|(l, _)| *l == 1));
    // Another node's dump (another `node_rank`) after the first node's lines: one launch.
    let node1 = dump.replacen("server_args=ServerArgs(", "server_args=ServerArgs(node_rank=1, ", 1);
    let nodes = format!("{dump}\n{init}\n{node1}\n{init}\n");
    assert!(numbers(&nodes, "mem_fraction_static").iter().all(|(l, _)| *l == 1));
}

#[test]
fn another_command_for_the_same_node_is_another_launch() {
    // sgl-project/sglang#4978 (heldout-13, put in after its set-aside third was scored): "after I
    // changed from <command> to <command>": the head node's command, then the same command with
    // `--log-level=debug`, then that run's lines. Two runs, though nothing of the first is shown.
    let text = corpus("sglang-4978-r1-h20-2node-tp16-command-then-debug-rerun.log");
    for key in ["tp_size", "nnodes", "mem_fraction_static", "chunked_prefill_size", "context_len"] {
        let launches: Vec<u32> = numbers(&text, key).iter().map(|(l, _)| *l).collect();
        assert_eq!(launches, vec![1, 2], "{key}");
    }
    // The same command pasted twice (spaces aside) with nothing between: one launch.
    let first = text.lines().next().unwrap_or_default();
    let twice = format!("{first}\n{}\n", first.split_whitespace().collect::<Vec<_>>().join(" "));
    assert!(numbers(&twice, "tp_size").iter().all(|(l, _)| *l == 1));
}
