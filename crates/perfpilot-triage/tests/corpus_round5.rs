//! Issue 15, round 5 (branch trifix5): the failure families of `heldout-11`'s misses, written
//! from the programs' sources and the errno / driver semantics, not from one log's line. Two kinds
//! of cases:
//! - the development logs of `heldout-11` (the two thirds not set aside; the set-aside third is
//!   listed in `tests/fixtures/corpus/SOURCES-blind.md`, "trifix5 set-aside", and scored once),
//!   with the label's class, the rule that must decide and a text the signal lines must show;
//! - real lines of other versions and programs (pasted in public issues and notes), one per
//!   wording, each read alone, and the near misses that must keep their old class.
//!
//! That these rules decide no log of another class in any scored split is checked by
//! `corpus_score` (`CLASS_RULES_8`).

#[path = "../../../tests/support/corpus.rs"]
mod corpus;
#[path = "rules/verdict.rs"]
mod verdict;

use verdict::{assert_files_decide, triage_text};

#[test]
fn round5_families_decide_their_development_logs() {
    let cases = [
        // TensorRT-LLM under Triton: the default memory pool refused as unsupported.
        (
            "tritontrtllm-363-default-mempool-not-supported-cut.log",
            "dependency-mismatch",
            "signature cuda-mempool-unsupported",
            "cudaDeviceGetDefaultMemPool",
        ),
        // uvicorn's EADDRNOTAVAIL on the IPv6 loopback.
        (
            "llamacpppy-77-server-bind-ipv6-loopback-errno99.log",
            "config-invalid",
            "signature bind-address-not-available",
            "cannot assign requested address",
        ),
        // llamafile (llama.cpp's 2023 server) binding a public (Elastic) IP.
        (
            "llamafile-96-elastic-ip-server-bind.log",
            "config-invalid",
            "signature llama-bind-public-host",
            "hostname=33.206.101.72",
        ),
        // A registry traceback cut inside importlib (the undefined-symbol import).
        (
            "vllm-13047-precompiled-a100-registry-undefined-symbol-cut.log",
            "dependency-mismatch",
            "import-cut-inside-importlib",
            "in _find_and_load",
        ),
        // 2023 llama.cpp main: CUDA error 2 right after the loader's lines.
        (
            "llamacpp-1230-wsl-main-no-mmap-cuda-error-2-oom.log",
            "oom-weights",
            "signature ggml-cuda-oom-while-loading",
            "CUDA error 2 at ggml-cuda.cu:359: out of memory",
        ),
    ];
    assert_files_decide(&cases);
}

/// Rules added after the set-aside third's one scoring (so no longer a check): set-aside logs.
#[test]
fn rules_after_the_set_aside_scoring_decide_their_logs() {
    let cases = [
        // ChatRTX on a vGPU: a pool query call fails (its error text garbled in the paste).
        (
            "chatrtx-49-vgpu-default-mempool-not-supported.log",
            "dependency-mismatch",
            "signature cuda-mempool-config-call-failed",
            "cudaDeviceGetDefaultMemPool",
        ),
        // Triton's model-status table wraps the path after `out of memory (`.
        (
            "tritontrtllm-195-llama2-70b-tp8-cudamallocasync-table-cut.log",
            "oom-runtime",
            "signature trtllm-runtime-buffer-oom",
            "cudaMallocAsync",
        ),
        // A vLLM engine under Ray, cut while torch.distributed creates its TCP store.
        (
            "skyrl-284-vllm-engine-c10d-store-eaddrinuse-cut.log",
            "port-in-use",
            "c10d-store-creation-cut",
            "_create_c10d_store(",
        ),
    ];
    assert_files_decide(&cases);
}

/// One real line per wording, from other programs and versions, each read alone.
#[test]
fn round5_wordings_of_other_versions() {
    let cases = [
        // torch c10d before 2.2 (socket.cpp), as pasted in a Megatron run's notes.
        (
            "[W socket.cpp:401] [c10d] The server socket has failed to bind to [::]:29500 (errno: 98 - Address already in use).\n[W socket.cpp:401] [c10d] The server socket has failed to bind to 0.0.0.0:29500 (errno: 98 - Address already in use).\n[E socket.cpp:435] [c10d] The server socket has failed to listen on any local network address.\n",
            "port-in-use",
        ),
        // torch >= 2.2, raised from rendezvous.py _create_c10d_store (a training notes page).
        (
            "  File \"/home/u3937558/.local/lib/python3.10/site-packages/torch/distributed/rendezvous.py\", line 185, in _create_c10d_store\n    return TCPStore(\nRuntimeError: The server socket has failed to listen on any local network address. useIpv6: 0, code: -98, name: EADDRINUSE, message: address already in use\n",
            "port-in-use",
        ),
        // torch >= 2.4's DistNetworkError (mini-sglang's README Q&A).
        (
            "torch.distributed.DistNetworkError: The server socket has failed to listen on any local network address. port: 1920, useIpv6: false, code: -98, name: EADDRINUSE, message: address already in use\n",
            "port-in-use",
        ),
        // Go's net.Listen on an address the host does not hold (a systemd unit's log).
        (
            "server: listen 10.200.0.1:8787: listen tcp 10.200.0.1:8787: bind: cannot assign requested address\n",
            "config-invalid",
        ),
        // llama-server's later wording with a taken port on the loopback stays a port conflict.
        (
            "main: couldn't bind HTTP server socket, hostname: 127.0.0.1, port: 8080\n",
            "port-in-use",
        ),
        // A private address: the errno is lost, the port rule keeps deciding.
        ("couldn't bind to server socket: hostname=192.168.1.20 port=8080\n", "port-in-use"),
        // llama.cpp's decode aborting on a batch larger than n_batch (path and assertion on two
        // lines, as a run's notes quote them).
        (
            "/opt/loom/llama.cpp/src/llama-context.cpp:1711:\nGGML_ASSERT(n_tokens_all <= cparams.n_batch) failed\n",
            "config-invalid",
        ),
        // A rerank model served without --reranking (ggml-org/llama.cpp#11808).
        (
            "GGML_ASSERT(strcmp(res->name, \"result_output\") == 0 && \"missing result_output tensor\") failed\n",
            "config-invalid",
        ),
    ];
    for (text, class) in cases {
        let r = triage_text(text);
        assert_eq!(r.class.as_str(), class, "{text}: {}", r.headline);
    }
}

/// errno 99 from connect(2) (ephemeral ports exhausted) is not a bind to a foreign address (a
/// real urllib3 line, from a GROBID service log quoted in a public notes file).
#[test]
fn cannot_assign_on_connect_is_not_a_bind_error() {
    let r = triage_text(
        "RetryError: HTTPConnectionPool(host='wbgrp-svc096.us.archive.org', port=8070): Max retries exceeded with url: /api/processCitationList (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f54b0a3bd00>: Failed to establish a new connection: [Errno 99] Cannot assign requested address'))\n",
    );
    assert_ne!(r.class.as_str(), "config-invalid", "{}", r.headline);
}
