//! Stated values for the round-17 classes (issue 15, branch capfix17), written from the engines'
//! format strings: TensorRT-LLM 1.x's PyTorch backend (the configured CUDA-graph sizes, the
//! weights one rank holds, the attention window a small KV pool forces), SGLang 0.4.1-0.4.3's
//! K/V pool line without a token count, and SGLang's Mamba state sizes under the vocabulary's
//! size names. Lines are real (corpus development logs, public logs and scripts), each with its
//! source; none is from the capfix17 set-aside third.

mod common;

use common::{corpus, lists, numbers};

/// jeansblog/trt_llm README (heldout-27, a development source): trtllm-serve 1.1.0rc3 with the
/// PyTorch backend on a DGX Spark.
const JEANSBLOG: &str = "trtllm-jeansblog-110rc3-trtllm-serve-dgx-spark-gptoss120b-dryrun-8224-kv-5.95-tokens-86720.log";

#[test]
fn trtllm_pytorch_config_states_the_configured_graph_sizes() {
    let text = corpus(JEANSBLOG);
    let sizes = vec![1, 2, 4, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112, 120, 128];
    assert_eq!(lists(&text, "graph_bs"), vec![sizes]);
    assert_eq!(numbers(&text, "graph_max_bs"), vec![(1, 128.0)]);
    // The instances created (11 of the 19 sizes, those up to max_batch_size) stay stated too.
    assert!(numbers(&text, "graph_bs_count").contains(&(1, 11.0)));
}

#[test]
fn trtllm_cuda_graph_config_in_a_script_is_the_configured_list() {
    // A public benchmark script passing the LLM API its graph sizes (code store id 6735391818).
    let line = "        \"cuda_graph_config\": CudaGraphConfig(batch_sizes=[1, 2, 4])\n";
    assert_eq!(lists(line, "graph_bs"), vec![vec![1, 2, 4]]);
}

#[test]
fn trtllm_weights_and_the_window_each_sizing_pass_runs_with() {
    let text = corpus(JEANSBLOG);
    assert!(numbers(&text, "weights").contains(&(1, 63.32)));
    let windows = numbers(&text, "attention_window");
    assert!(windows.contains(&(1, 8224.0)) && windows.contains(&(1, 86720.0)), "{windows:?}");
}

#[test]
fn prose_about_weights_is_not_a_weights_line() {
    // README prose (code store id 58680595292; Dynamo's gpt-oss guide): no `Use X GB` head.
    let readme =
        "| **Disk space** | Cloud profile: ~500 MB. Local profile: ~40 GB for model weights. |\n";
    assert!(numbers(readme, "weights").is_empty());
    let guide = "  • Fast SSD storage for model weights (~240GB required)\n";
    assert!(numbers(guide, "weights").is_empty());
}

#[test]
fn sglang_04_kv_line_without_a_token_count_states_k_and_v() {
    // SGLang's docs, the send_request notebook's server output of 2025-01-23 (a clipping of
    // docs.sglang.ai, code store id 18084549501).
    let docs =
        "[2025-01-23 19:35:20 TP0] KV Cache is allocated. K size: 27.13 GB, V size: 27.13 GB.\n";
    assert_eq!(numbers(docs, "k_size"), vec![(1, 27.13)]);
    assert_eq!(numbers(docs, "v_size"), vec![(1, 27.13)]);
    assert!(numbers(docs, "kv_tokens").is_empty());
    // jerryzsj/my-deepseek-r1 README (heldout-26, a development source): under docker's stamp.
    let text = corpus(
        "sglang-jerryzsj-r1distill-04x-rtx3090-docker-mem-0.88-kv-2.82-pool-1.68-tokens-105531-ctx-131072.log",
    );
    assert_eq!(numbers(&text, "k_size"), vec![(1, 2.82)]);
    assert_eq!(numbers(&text, "v_size"), vec![(1, 2.82)]);
}

#[test]
fn sglang_kv_line_with_a_token_count_states_each_size_once() {
    // vllm-project/vllm#21348: SGLang's line as quoted beside vLLM's.
    let line = "KV Cache is allocated. #tokens: 367404, K size: 8.23 GB, V size: 8.23 GB\n";
    assert_eq!(numbers(line, "k_size"), vec![(1, 8.23)]);
    assert_eq!(numbers(line, "v_size"), vec![(1, 8.23)]);
    assert_eq!(numbers(line, "kv_tokens"), vec![(1, 367404.0)]);
}

#[test]
fn sglang_mamba_state_sizes_under_the_size_names() {
    // sgl-project/sglang#12419 (heldout-6): ROCm TP4, Qwen3-Next.
    let text = corpus("sglang-12419-rocm-tp4-qwen3next-mamba-kv.log");
    assert!(numbers(&text, "mamba_conv_size").contains(&(1, 1.2)));
    assert!(numbers(&text, "mamba_ssm_size").contains(&(1, 51.24)));
    // kvcache-ai/ktransformers#1870: the SGLang plug-in's TP2 hybrid pools; the names SGLang
    // prints are stated too.
    let kt = corpus("sglang-ktransformers1870-qwen35-4090-tp2-mamba-kv-max-total.log");
    assert!(numbers(&kt, "mamba_ssm_size").contains(&(1, 7.29)));
    assert!(numbers(&kt, "mamba_ssm_state").contains(&(1, 7.29)));
}

#[test]
fn llm_keyword_a_line_states_the_block_size() {
    // vllm-project/vllm#44376 (heldout-24, development data since): the script above the log.
    let text =
        corpus("vllm-44376-v1-022-gh200-tp2-ep-dsv4-flash-llm-kwargs-refusal-30000-kv-5.44.log");
    assert_eq!(numbers(&text, "block_size"), vec![(1, 256.0)]);
    assert_eq!(numbers(&text, "tp_size"), vec![(1, 2.0)]);
    // A public vLLM benchmark script's `LLM(` call (code store id 67214840809).
    let script = "        max_num_seqs=args.batch_size,\n        block_size=16,\n";
    assert_eq!(numbers(script, "block_size"), vec![(1, 16.0)]);
    // In an argument dump the keyword is not a line of its own: the dump's parser reads it.
    let dump = "Namespace(model='m', block_size=16, tensor_parallel_size=1)\n";
    assert!(numbers(dump, "block_size").iter().all(|v| *v == (1, 16.0)));
}
