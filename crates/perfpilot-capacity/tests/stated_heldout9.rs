//! Launch numbering and values for the classes of misses of the third blind batch `heldout-9`
//! (issue 15, branch capfix3): llama.cpp pastes holding several launches (launch boundaries are
//! data: `starts_launch` rules of `rules.toml`), a paste that dropped llama.cpp's line prefixes,
//! engine arguments written as Python, SGLang's SWA pool and a reworded profiling table. Real
//! corpus pastes, and variants that change only what the class says must not matter.

mod common;

use common::{corpus, numbers};
use perfpilot_capacity::stated::{Value, stated_values};
use perfpilot_launchlog::parse_log;

#[test]
fn a_llama_context_constructed_again_is_a_new_launch() {
    // ggml-org/llama.cpp#18258 (heldout-9): the end of one context, then `constructing
    // llama_context` and the same settings and sizes again.
    let text = corpus("llamacpp-18258-b7406-q8-kv-context-twice.log");
    assert_eq!(numbers(&text, "kv_tokens"), vec![(1, 20224.0), (2, 20224.0)]);
    assert_eq!(numbers(&text, "compute_buffer"), vec![(1, 0.29), (2, 0.29)]);
    assert_eq!(numbers(&text, "n_seq_max").first(), Some(&(1, 1.0)));
    assert!(numbers(&text, "n_ctx").iter().all(|(l, _)| *l == 2));
    // An older build prints no `constructing` line: its context opens with `n_ctx`; a model
    // loaded again opens with the loader's meta-data line, and what it loads is the new launch's.
    let old = "llama_model_loader: loaded meta data with 30 key-value pairs and 291 tensors\n\
               llm_load_tensors:      CUDA0 buffer size =  4096.00 MiB\n\
               llama_new_context_with_model: n_ctx      = 8192\n\
               llama_kv_cache_init:      CUDA0 KV buffer size =  1024.00 MiB\n";
    let twice = format!("{old}{}", old.replace("8192", "4096").replace("1024.00", "512.00"));
    assert_eq!(numbers(&twice, "n_ctx"), vec![(1, 8192.0), (2, 4096.0)]);
    assert_eq!(numbers(&twice, "model_buffer"), vec![(1, 4.0), (2, 4.0)]);
    assert_eq!(numbers(&twice, "kv_device_size"), vec![(1, 1.0), (2, 0.5)]);
    // One launch on two GPUs prints a buffer per device: still one launch.
    let two_gpus = old.replace(
        "llama_kv_cache_init:      CUDA0 KV buffer size =  1024.00 MiB\n",
        "llama_kv_cache_init:      CUDA0 KV buffer size =  1024.00 MiB\n\
         llama_kv_cache_init:      CUDA1 KV buffer size =  1024.00 MiB\n",
    );
    assert_eq!(numbers(&two_gpus, "kv_device_size"), vec![(1, 1.0), (1, 1.0)]);
}

#[test]
fn swa_and_full_size_swa_runs_in_one_abridged_paste() {
    // ggml-org/llama.cpp#22493 (heldout-9): the default run (sizes on lines whose prefix the
    // author dropped), then `--swa-full`: the non-SWA cache opened again is the second launch.
    let text = corpus("llamacpp-22493-mimo-swa-default-then-swa-full-annotated.log");
    assert_eq!(numbers(&text, "kv_size"), vec![(1, 5.63), (2, 5.63)]);
    assert_eq!(numbers(&text, "kv_size_swa"), vec![(1, 0.81), (2, 48.75)]);
    // (The cells are stated twice per cache: on the line that opens it and on its size line.)
    let mut swa_cells = numbers(&text, "kv_tokens_swa");
    swa_cells.dedup();
    assert_eq!(swa_cells, vec![(1, 4352.0), (2, 262144.0)]);
    // With the prefixes the paste dropped, the same two launches.
    let prefixed = text.replace("\n  size =", "\nllama_kv_cache: size =");
    assert_eq!(numbers(&prefixed, "kv_size_swa"), vec![(1, 0.81), (2, 48.75)]);
    // `size =` after other text is not a bare KV size line.
    assert!(numbers("total size = 5760.00 MiB (262144 cells, 9 layers)\n", "kv_size").is_empty());
}

#[test]
fn engine_arguments_written_as_python() {
    // ROCm/vllm#397 (heldout-9): a benchmark harness logs its engine arguments as a dict.
    let text = corpus("vllm-rocm397-v0-mi300x-llm-kwargs-dict.log");
    assert_eq!(numbers(&text, "max_model_len"), vec![(1, 2048.0)]);
    assert_eq!(numbers(&text, "gpu_memory_utilization"), vec![(1, 0.99)]);
    assert_eq!(numbers(&text, "max_num_sequences"), vec![(1, 2048.0)]);
    // The sampling parameters' dict beside it states no engine setting.
    assert!(numbers(&text, "max_num_tokens").iter().all(|(_, v)| *v == 65536.0));
    // The same arguments as a script passes them: keyword arguments of `LLM(…)`,
    // `AsyncEngineArgs(…)`, SGLang's `sgl.Engine(…)`, a dict with spaces around `=`.
    for line in [
        "llm = LLM(model=\"/m/x\", max_model_len=2048, gpu_memory_utilization=0.99)",
        "engine_args = AsyncEngineArgs(model='/m/x', max_model_len=2048, gpu_memory_utilization=0.99)",
        "engine_kwargs = {\"max_model_len\": 2048, \"gpu_memory_utilization\": 0.99}",
    ] {
        assert_eq!(numbers(line, "max_model_len"), vec![(1, 2048.0)], "{line}");
        assert_eq!(numbers(line, "gpu_memory_utilization"), vec![(1, 0.99)], "{line}");
    }
    let sgl = "llm = sgl.Engine(model_path=\"/m/x\", tp_size=2, mem_fraction_static=0.8)";
    assert_eq!(numbers(sgl, "tp_size"), vec![(1, 2.0)]);
    assert_eq!(numbers(sgl, "mem_fraction_static"), vec![(1, 0.8)]);
}

#[test]
fn sglangs_token_cap_from_the_command_line() {
    // sgl-project/sglang#7847 (one-line command) and kvcache-ai/ktransformers#1804 (a
    // `\`-continued command): `--max-total-tokens` sets the pool's token count.
    let text = corpus("sglang-7847-v049-rocm-2node-tp16-dp16-ep-cmdline.log");
    assert_eq!(numbers(&text, "max_total_num_tokens"), vec![(1, 131072.0)]);
    let text = corpus("sglang-kt1804-dsv3-tp2-cmdline-mla-max-total-10000.log");
    assert!(numbers(&text, "max_total_num_tokens").contains(&(1, 10000.0)));
    // As a `ServerArgs` dump prints it.
    let dump = "server_args=ServerArgs(model_path='/m', max_total_tokens=60000, tp_size=4)";
    assert_eq!(numbers(dump, "max_total_num_tokens"), vec![(1, 60000.0)]);
}

#[test]
fn a_profiling_table_is_read_by_its_rows() {
    // vllm-project/vllm#11120 (heldout-9): a reworded profiling table, one `label value` row a
    // line, the label padded to one column.
    let text = corpus("vllm-pr11120-v0-tabular-profiling-target-allocation.log");
    assert_eq!(numbers(&text, "gpu_memory_utilization"), vec![(1, 0.25)]);
    assert_eq!(numbers(&text, "budget"), vec![(1, 19.83)]);
    assert_eq!(numbers(&text, "activation_peak"), vec![(1, 2.35)]);
    assert_eq!(numbers(&text, "kv_budget"), vec![(1, 12.77)]);
    // The same rows as a markdown table, with the unit apart and another column width.
    let md = "| gpu_memory_utilization | 0.25 |\n| target_allocation | 19.83 GiB |\n\
              | kv_cache_size | 12.77 GiB |\n";
    assert_eq!(numbers(md, "budget"), vec![(1, 19.83)]);
    assert_eq!(numbers(md, "kv_budget"), vec![(1, 12.77)]);
    assert_eq!(numbers(md, "gpu_memory_utilization"), vec![(1, 0.25)]);
    // A label inside prose or a dump, or a row with more after its value, is no row.
    for line in [
        "INFO worker.py:217] the kv_cache_size 12.77GiB is too small",
        "INFO worker.py:217] kv_cache_size 12.77GiB (reduced)",
        "non-default args: {'gpu_memory_utilization': 0.25}",
    ] {
        assert!(numbers(line, "kv_budget").is_empty(), "{line}");
    }
    assert!(numbers("x = dict(gpu_memory_utilization 0.25)", "gpu_memory_utilization").is_empty());
}

#[test]
fn sglangs_swa_pool_is_two_kv_lines_and_a_summary() {
    // sgl-project/sglang#15464 (heldout-9): per rank, the full layers' KV line, the SWA layers'
    // KV line, then `SWAKVPool mem usage`: the second KV line is no draft model's pool.
    let text = corpus("sglang-pr15464-mimo-v2-flash-tp4-swa-pool-two-kv-lines.log");
    assert_eq!(numbers(&text, "kv_size").first(), Some(&(1, 77.63)));
    assert!(numbers(&text, "kv_tokens_swa").contains(&(1, 1496958.0)));
    assert!(numbers(&text, "draft_k_size").is_empty());
    assert!(numbers(&text, "draft_pool_avail_after").is_empty());
    assert!(numbers(&text, "k_size").contains(&(1, 4.82)));
    assert!(numbers(&text, "pool_avail_after").contains(&(1, 22.56)));
    // A draft model's pool after the SWA pool (a third KV line, no second summary) stays the
    // draft's.
    let with_draft = "[TP0] KV Cache is allocated. #tokens: 100, K size: 4.00 GB, V size: 4.00 GB\n\
                      [TP0] KV Cache is allocated. #tokens: 100, K size: 1.00 GB, V size: 1.00 GB\n\
                      [TP0] SWAKVPool mem usage: 10.00 GB, swa size: 100, full size: 100\n\
                      [TP0] KV Cache is allocated. #tokens: 100, K size: 0.50 GB, V size: 0.50 GB\n\
                      [TP0] Memory pool end. avail mem=5.00 GB\n";
    assert_eq!(numbers(with_draft, "k_size"), vec![(1, 4.0), (1, 1.0)]);
    assert_eq!(numbers(with_draft, "draft_k_size"), vec![(1, 0.5)]);
    assert_eq!(numbers(with_draft, "draft_pool_avail_after"), vec![(1, 5.0)]);
}

#[test]
fn a_command_pasted_after_a_run_opens_the_next_unless_it_ends_the_paste() {
    // vllm-project/vllm#11349 (heldout-9): `vllm serve` and its V0 capture, then `vllm serve …
    // -tp 2` and the start of its log: two launches, the second at TP2.
    let text = corpus("vllm-pr11349-v0-graph-capture-tp1-then-tp2.log");
    assert_eq!(numbers(&text, "graph_bs_count"), vec![(1, 35.0)]);
    assert_eq!(numbers(&text, "tp_size"), vec![(2, 2.0)]);
    // vllm-project/vllm#2136 (heldout-8): three versions' block counts, then the one command
    // they were run with, ending the paste: the command is the last run's.
    let text = corpus("vllm-2136-v0-023-025-gpu-blocks-three-versions.log");
    assert_eq!(numbers(&text, "tp_size"), vec![(3, 2.0)]);
    // The same for SGLang, a `\`-continued command followed by its log: the next run.
    let sglang = "[TP0] Capture cuda graph end. Time elapsed: 5.00 s, mem usage=1.00 GB, avail mem=9.00 GB\n\
                  [TP0] KV Cache is allocated. #tokens: 100, K size: 1.00 GB, V size: 1.00 GB\n\
                  python -m sglang.launch_server \\\n  --tp-size 2\n\
                  [TP0] KV Cache is allocated. #tokens: 200, K size: 1.00 GB, V size: 1.00 GB\n";
    assert_eq!(numbers(sglang, "tp_size"), vec![(2, 2.0)]);
    assert_eq!(numbers(sglang, "kv_tokens"), vec![(1, 100.0), (2, 200.0)]);
}

#[test]
fn a_figure_in_markdown_emphasis_and_the_short_tp_flag() {
    // vllm-project/vllm#2031 (heldout-9): the PR's count in bold; vLLM's `-tp` flag.
    let text = corpus("vllm-pr2031-v0-gpu-blocks-main-vs-pr-two-models.log");
    assert_eq!(numbers(&text, "gpu_blocks").last(), Some(&(4, 20865.0)));
    assert_eq!(numbers("vllm serve m -tp 4\n", "tp_size"), vec![(1, 4.0)]);
    assert_eq!(numbers("vllm serve m \\\n-tp 16 \\\n", "tp_size"), vec![(1, 16.0)]);
    assert!(numbers("vllm serve m -tpx 4\n", "tp_size").is_empty());
    // vllm-project/vllm#12604 (heldout-9): the model length a multimodal profiling warning names.
    let text = corpus("vllm-pr12604-v0-qwen25vl-tp-mm-reserve-profiling.log");
    assert_eq!(numbers(&text, "max_model_len").first(), Some(&(1, 128000.0)));
}

#[test]
fn settings_listed_one_per_row_under_their_argument_names() {
    // The class of the kwargs dict and the profiling table, in the forms an issue pastes a
    // configuration: YAML (`vllm serve --config`), pretty-printed JSON, a markdown table, bullets.
    let yaml = "model: /m/x\nmax_model_len: 32768\ntensor_parallel_size: 4\n\
                kv_cache_dtype: fp8\ngpu_memory_utilization: 0.92\n";
    let json = "{\n  \"max_model_len\": 32768,\n  \"tensor_parallel_size\": 4,\n\
                \"kv_cache_dtype\": \"fp8\",\n  \"gpu_memory_utilization\": 0.92\n}\n";
    let table = "| setting | value |\n|---|---|\n| max_model_len | 32768 |\n\
                 | tensor_parallel_size | 4 |\n| kv_cache_dtype | fp8 |\n\
                 | gpu_memory_utilization | 0.92 |\n";
    let bullets = "- max_model_len: 32768\n- tensor_parallel_size: 4\n- kv_cache_dtype: fp8\n\
                   - gpu_memory_utilization: 0.92\n";
    for text in [yaml, json, table, bullets] {
        assert_eq!(numbers(text, "max_model_len"), vec![(1, 32768.0)], "{text}");
        assert_eq!(numbers(text, "tp_size"), vec![(1, 4.0)], "{text}");
        assert_eq!(numbers(text, "gpu_memory_utilization"), vec![(1, 0.92)], "{text}");
        let dtype: Vec<Value> = stated_values(&parse_log(text))
            .into_iter()
            .filter(|v| v.key == "kv_dtype")
            .map(|v| v.value)
            .collect();
        assert_eq!(dtype, vec![Value::Text("fp8".into())], "{text}");
    }
    // SGLang's names the same way.
    let sglang = "tp_size: 8\nmem_fraction_static: 0.85\ncontext_length: 65536\n\
                  max_total_tokens: 200000\n";
    assert_eq!(numbers(sglang, "tp_size"), vec![(1, 8.0)]);
    assert_eq!(numbers(sglang, "mem_fraction_static"), vec![(1, 0.85)]);
    assert_eq!(numbers(sglang, "context_len"), vec![(1, 65536.0)]);
    assert_eq!(numbers(sglang, "max_total_num_tokens"), vec![(1, 200000.0)]);
    // A name in prose, a warning or a row with more after the value is no setting row.
    for text in [
        "WARNING max_model_len: 32768 is larger than the KV cache can hold\n",
        "the max_model_len: 32768\n",
        "INFO 01-01 00:00:00 config.py:1] max_model_len (32768) is too large\n",
        "kv_cache_dtype: auto\n",
    ] {
        assert!(numbers(text, "max_model_len").is_empty(), "{text}");
        assert!(stated_values(&parse_log(text)).iter().all(|v| v.key != "kv_dtype"), "{text}");
    }
}

#[test]
fn short_and_alias_parallel_flags() {
    let text = "vllm serve m -pp 2 -dp 4\n";
    assert_eq!(numbers(text, "pp_size"), vec![(1, 2.0)]);
    assert_eq!(numbers(text, "dp_size"), vec![(1, 4.0)]);
    let text = "python -m sglang.launch_server --model-path m --ep 8 --max-prefill-tokens 16384\n";
    assert_eq!(numbers(text, "ep_size"), vec![(1, 8.0)]);
    assert_eq!(numbers(text, "max_prefill_tokens"), vec![(1, 16384.0)]);
    assert_eq!(numbers("x --expert-parallel-size 4\n", "ep_size"), vec![(1, 4.0)]);
    assert!(numbers("x --ep-moe 4 -dpx 2\n", "ep_size").is_empty());
}

#[test]
fn llama_cpp_command_lines_state_the_context_settings() {
    let cmd = "./llama-server -m /models/q.gguf -c 32768 -ngl 99 -fa -ctk q8_0 -ctv q8_0 \
               --parallel 4 --batch-size 2048 --ubatch-size 512\n";
    assert_eq!(numbers(cmd, "n_ctx"), vec![(1, 32768.0)]);
    assert_eq!(numbers(cmd, "n_seq_max"), vec![(1, 4.0)]);
    assert_eq!(numbers(cmd, "n_batch"), vec![(1, 2048.0)]);
    assert_eq!(numbers(cmd, "n_ubatch"), vec![(1, 512.0)]);
    let texts = |text: &str, key: &str| -> Vec<Value> {
        stated_values(&parse_log(text))
            .into_iter()
            .filter(|v| v.key == key)
            .map(|v| v.value)
            .collect()
    };
    // One type for K and V is the cache's type; two types stay apart.
    assert_eq!(texts(cmd, "kv_dtype"), vec![Value::Text("q8_0".into())]);
    let mixed = "llama-server -m m.gguf --ctx-size 8192 --cache-type-k q8_0 --cache-type-v f16\n";
    assert_eq!(numbers(mixed, "n_ctx"), vec![(1, 8192.0)]);
    assert!(texts(mixed, "kv_dtype").is_empty());
    assert_eq!(texts(mixed, "v_dtype"), vec![Value::Text("f16".into())]);
    // `-c` of another program states no context.
    assert!(numbers("python -c 'import x' && bash -c \"echo 5\"\n", "n_ctx").is_empty());
}
