//! The floors of the triage corpus scorer (`corpus_score.rs`): every split already scored is
//! development data, and a later rule change may not lose a log on it.

/// Development splits scored by default: `(split, class floor, signal floor)` in per mille.
/// Signal floors: class and signal line right among the logs whose label names signal lines
/// (first scored at dev 11/16, heldout 7/8, heldout-3 23/23, heldout-4 25/26; since the deciding
/// lines lead the signal, branch trihold: dev 14/16, heldout 8/8, heldout-4 26/26).
pub const FLOORS: [(&str, usize, usize); 45] = [
    ("dev", DEV_FLOOR_PERMILLE, 875),
    ("heldout", OLD_HELDOUT_FLOOR_PERMILLE, 1000),
    ("heldout-3", HELDOUT3_FLOOR_PERMILLE, 1000),
    ("heldout-4", HELDOUT4_FLOOR_PERMILLE, 1000),
    // Scored once at 5fd8af8 (10/25, class and signal 10/23); development data since: 20/25 and
    // 20/23 after the rules written from its misses (branch trihold); 21/25 and 21/23 since the
    // llama.cpp KV buffer reads as context-exceeds-kv (branch trifix).
    // 22/25 and 22/23 after round 9 (trifix9: caret-notation pastes split into lines).
    ("heldout-5", 880, 956),
    // Blind batch (labelled from the threads by an engineer who wrote no rules), scored once at
    // 451f934: 19/32 classes, class and signal 19/29. Development data since: 30/32 and 28/29
    // after the rules written for the classes of its misses (branch trifix).
    // 31/32 and 29/29 after round 9 (trifix9: frames hard-wrapped inside their paths).
    ("heldout-7", 968, 1000),
    // Second blind batch (labelled from the threads by an engineer who wrote no rules), scored
    // once at 518abea: 16/38 classes, class and signal 16/38. Development data since: 37/38 and
    // 37/38 after the rules written for the classes of its misses (branch trifix2).
    ("heldout-8", 973, 973),
    // Third blind batch (labelled from the threads by an engineer who wrote no rules), scored
    // once at fa6ad5e after the trifix2 rules: 16/37 classes (13 undecided), class and signal
    // 16/35. Development data since: 32/37 and 31/35 after the phase vocabulary and message
    // families of branch trifix3 (built from two thirds of it; the third set aside by source in
    // 2909f01 scored 10/13 once, at 5dbde8d). 33/37 and 32/35 since a chat request's template
    // step is read from the call and a frame that lost its opening quote is read (trifix4).
    // 36/37 and 34/35 after round 9 (trifix9: DJL's relay prefix, a weight allocation's OOM, the
    // undecided fallback).
    // 37/37 and 35/35 after round 23 (trifix23: development leftovers of every split).
    ("heldout-9", 1000, 1000),
    // Fourth blind batch (labelled from the threads by an engineer who wrote no rules), scored
    // once at bbe0344 after the trifix3 mechanisms: 22/33 classes (4 undecided), class and
    // signal 22/31. Development data since: 31/33 and 30/31 after the round-4 families of branch
    // trifix4 (built from two thirds of it; the third set aside by source in b623f53 scored 8/11
    // before and 9/11 after, once, at 368b544). 32/33 and 31/31 since TGI's `Method Warmup
    // encountered an error.` line names the warm-up step (after that scoring).
    // 33/33 and 31/31 after round 23 (trifix23: development leftovers of every split).
    ("heldout-10", 1000, 1000),
    // Fifth blind batch, scored once at 20fd27b after trifix4: 19/35 (3 undecided), 18/30.
    // 29/35 and 28/30 after round 5 (trifix5; its set-aside third 4/12 -> 6/12, scored once).
    // 30/35 and 29/30 after round 23 (trifix23: development leftovers of every split).
    ("heldout-11", 857, 966),
    // Sixth blind batch (branch triblind6, 39 logs), scored once at 6ef85f3 after trifix5:
    // 21/39 classes (4 undecided), class and signal 20/29. Development data since.
    // 28/39 and 27/29 after round 6 (trifix6; its set-aside third 8/13 -> 11/13, scored once).
    ("heldout-12", 717, 931),
    // Seventh blind batch (branch triblind7, 28 logs), scored once at e7edd25 after trifix6:
    // 9/28 classes (1 undecided), class and signal 5/19. Development data since: 10/28 and 6/19
    // once Go's bare `listen tcp ADDR: bind: address already in use` is read (Ollama's serve).
    // 25/28 and 17/19 after round 7 (trifix7: how a log ends, kernel and NCCL wordings,
    // TensorRT-LLM's KV refusal; its set-aside third 5/10 -> 8/10, scored once at 89e597b).
    // 26/28 and 18/19 after round 9 (trifix9: ggml's KV buffer over the weight-buffer line).
    ("heldout-13", 928, 947),
    // Eighth blind batch (branch triblind8, 34 logs): scored once by the lead after round 7
    // (trifix7) was merged: 22/34 classes right (5 undecided), class and signal 22/29.
    // 27/34 and 26/29 after round 8 (trifix8; its set-aside third 8/12 -> 9/12, scored once).
    // 29/34 and 27/29 after round 9 (trifix9: an exception cut after its colon, the fallback).
    // 31/34 and 28/29 after round 11 (trifix11: the class model, in-sample).
    // 32/34 and 28/29 after round 19 (trifix19: the class model retrained with heldout-28/29's
    // development two thirds, in-sample).
    ("heldout-14", 941, 965),
    // Ninth blind batch (branch triblind9, 29 logs), scored once by the lead after round 9
    // (trifix9) was merged: 22/29 classes right (3 undecided), class and signal 17/22.
    // 24/29 and 18/22 after round 10 (trifix10; its set-aside third of heldout-15/16 14/20 ->
    // 14/20, scored once at dfc00e3).
    // 25/29 and 18/22 after round 11 (trifix11: the class model, in-sample).
    // 27/29 and 19/22 after round 23 (trifix23: development leftovers of every split).
    ("heldout-15", 931, 863),
    // Tenth blind batch (branch triblind10, 29 logs), scored once by the lead after round 9
    // (trifix9) was merged, in the same minutes as heldout-15: 17/29 classes right (4
    // undecided), class and signal 15/22.
    // 22/29 and 20/22 after round 10 (trifix10).
    // 23/29 and 20/22 after round 13 (trifix13: sglang #9600's RMSNorm failure cut in its frames,
    // decided by the class model retrained with heldout-19 … 21's development two thirds at
    // MIN_POSTERIOR 0.4; in-sample).
    // 24/29 and 20/22 after round 14 (trifix14: vLLM V1's repeated `Waiting for … core engine`
    // decides vllm #16841 as a hang).
    // 25/29 and 21/22 after round 23 (trifix23: development leftovers of every split).
    ("heldout-16", 862, 954),
    // Eleventh blind batch (branch triblind11, 23 logs), scored once by the lead after round 10
    // (trifix10) was merged: 13/23 classes right (6 undecided), class and signal 12/23.
    // 18/23 and 17/23 after round 11 (trifix11: the class model; its set-aside third 5/8 ->
    // 7/8 classes, scored once at 909f52d). 17/23 and 16/23 after round 12 with the class
    // model's threshold at 0.5, as its written rule chooses (docs/triage.md, "Class model"):
    // openai-agents #1605's right class had posterior below 0.5; the floor follows the rule,
    // not the rule the floor.
    // 18/23 and 17/23 after round 13 (trifix13: the class model at 0.4 again; openai-agents
    // #1605's right class is back).
    // Round 14 merged by the lead with the written threshold rule applied (0.3, 0.4 and 0.5 tie
    // on 9 right CV decisions; the rule's last step takes 0.5 for its precision, 9/12): 17/23
    // again (class and signal 16/23), openai-agents #1605 below 0.5 as in round 12.
    // 19/23 and 18/23 after round 15 (trifix15: ptxas' `PTX .version … does not support .target
    // sm_120a` -> dependency-mismatch, vLLM's free-memory refusal wrapped after `less than desired`).
    // 20/23 and 19/23 after round 17 (trifix17: `MIN_POSTERIOR` 0.4 by the written rule).
    // 21/23 and 20/23 after round 18 (trifix18: the NVIDIA driver's NV_ERR_NO_MEMORY line).
    // 22/23 and 21/23 after round 21 (trifix21: the class model retrained with heldout-32/33).
    // 23/23 and 21/23 after round 23 (trifix23: development leftovers of every split).
    ("heldout-17", 1000, 913),
    // Twelfth blind batch (branch triblind12, 29 logs), scored once by the lead after round 11
    // (trifix11, the class model) was merged: 18/29 classes right (5 undecided), class and
    // signal 18/28 labelled.
    // 25/29 and 25/28 after round 12 (trifix12: launch-fact refusals, the faulthandler timeout,
    // the class model retrained with this split's development two thirds; in-sample for those).
    // 26/29 and 26/28 as measured after round 13 (trifix13; the floor was one log below).
    // 27/29 and 26/28 after round 23 (trifix23: development leftovers of every split).
    ("heldout-18", 931, 928),
    // Thirteenth blind batch (branch triblind13, 23 logs), scored once by the lead after round 12
    // (trifix12; class model threshold 0.5) was merged: 11/23 classes right (4 undecided), class
    // and signal 11/23.
    // 15/23 and 15/23 after round 13 (trifix13: rules written from its development two thirds;
    // its set-aside third scored once, docs/triage-corpus-3.md).
    // 17/23 and 17/23 after round 15 (trifix15: vllm #22414's `cudaErrorNoKernelImageForDevice`,
    // LMDeploy's environment checker logging `ModuleNotFoundError: No module named 'dlinfer'`).
    ("heldout-19", 739, 739),
    // Fourteenth blind batch (branch triblind14, 19 logs), scored once by the lead after round 12
    // (no round between it and heldout-19): 10/19 classes right (4 undecided), class and signal
    // 10/19.
    // 15/19 and 15/19 after round 13 (trifix13).
    // 16/19 and 16/19 after round 18 (trifix18: the Hub's `401 Client Error` in requests' words).
    ("heldout-20", 842, 842),
    // Fifteenth blind batch (branch triblind15, 20 logs), scored once by the lead with round 12's
    // rules (no round between): 10/20 classes right (4 undecided), class and signal 10/20.
    // 17/20 and 17/20 after round 13 (trifix13).
    // 18/20 and 18/20 after round 14 (trifix14: ROCm #5668, a CUDA wheel without libcudart on
    // ROCm, decided by the class model retrained with heldout-22/23's development two thirds).
    // 17/20 and 17/20 with the written threshold rule applied at the merge (0.5: that log's
    // posterior is below it; in-sample, the CV ties 0.4 and 0.5 on right decisions).
    // 18/20 and 18/20 after round 17 (trifix17: `MIN_POSTERIOR` 0.4 by the written rule).
    ("heldout-21", 900, 900),
    // Sixteenth blind batch (branch triblind16, 20 logs), scored once by the lead after round 13
    // (trifix13; class model threshold 0.4) was merged: 10/20 classes right (2 undecided), class
    // and signal 10/19 labelled logs.
    // 18/20 and 17/19 after round 14 (trifix14: development two thirds 5/13 -> 13/13; its set-aside
    // third scored once, 5/7 -> 5/7).
    // 19/20 and 18/19 after round 18 (trifix18: minja's ` at row R, column C:` position suffix).
    ("heldout-22", 950, 947),
    // Seventeenth blind batch (branch triblind17, 17 logs), scored once by the lead after round 13:
    // 10/17 classes right (1 undecided), class and signal 10/16 labelled logs.
    // 13/17 and 12/16 after round 14 (trifix14: development two thirds 7/11 -> 10/11; its set-aside
    // third scored once, 3/6 -> 3/6).
    // 15/17 and 14/16 after round 15 (trifix15: transformers' `GGUF model with architecture … is
    // not supported yet`, SGLang's prompt-plus-completion over the context).
    ("heldout-23", 882, 875),
    // Eighteenth blind batch (branch triblind18, 11 logs), scored once by the lead after round 14
    // (trifix14; class model threshold 0.5 by the written rule) was merged: 6/11 classes right
    // (1 undecided), class and signal 6/10 labelled logs.
    // 10/11 and 10/10 after round 15 (trifix15: development two thirds 5/7 -> 6/7; its set-aside
    // third scored once, 1/4 -> 4/4).
    ("heldout-24", 909, 1000),
    // Nineteenth blind batch (branch triblind19, 8 logs), scored once by the lead with round 14's
    // rules (no round between): 4/8 classes right (1 undecided), class and signal 3/8.
    // 6/8 and 5/8 after round 15 (trifix15: development two thirds 3/5 -> 5/5; its set-aside third
    // scored once, 1/3 -> 1/3).
    // 8/8 and 7/8 after round 18 (trifix18: a bind line ending in `Address already in use`,
    // Node's `code: 'EADDRINUSE'` error object).
    ("heldout-25", 1000, 875),
    // Twentieth blind batch (branch triblind20, 22 logs), scored once by the lead with round 15's
    // rules (trifix15): 13/22 classes right (2 undecided), class and signal 11/20 labelled logs.
    // 17/22 and 15/20 after round 16 (trifix16: development two thirds 8/14 -> 12/14; its
    // set-aside third scored once at the end of the round, docs/triage-corpus-3.md).
    // 19/22 and 17/20 after round 23 (trifix23: development leftovers of every split).
    ("heldout-26", 863, 850),
    // Twenty-first blind batch (branch triblind21, 15 logs), scored once by the lead with round 16's
    // rules (trifix16): 8/15 classes right (1 undecided), class and signal 8/15 labelled logs.
    // 10/15 and 10/15 after round 17 (trifix17: development two thirds 5/10 -> 7/10; its
    // set-aside third scored once at the end of the round, docs/triage-corpus-3.md).
    // 13/15 and 13/15 after round 18 (trifix18: clap's `invalid value`, ROCm's HSA memory
    // aperture violation, tt-metal's `Timeout detected`).
    ("heldout-27", 866, 866),
    // Twenty-second blind batch (branch triblind22, 14 logs after the lead removed a second log of
    // a thread heldout-4 had used), scored once by the lead with round 18's rules (trifix18):
    // 9/14 classes right (1 undecided), class and signal 9/14 labelled logs.
    // 12/14 and 12/14 after round 19 (trifix19: development two thirds 5/9 -> 8/9; its set-aside
    // third 4/5 -> 4/5, scored once at the end of the round).
    ("heldout-28", 857, 857),
    // Twenty-third blind batch (branch triblind23, 21 logs), scored once by the lead with round
    // 18's rules (trifix18): 11/21 classes right (2 undecided), class and signal 11/19 labelled logs.
    // 17/21 and 17/19 after round 19 (trifix19: development two thirds 7/14 -> 13/14; its set-aside
    // third 4/7 -> 4/7, scored once at the end of the round).
    ("heldout-29", 809, 894),
    // Twenty-fourth blind batch (branch triblind24, 20 logs), scored once by the lead with round
    // 19's rules (trifix19): 12/20 classes right (5 undecided), class and signal 11/19 labelled logs.
    // 19/20 and 18/19 after round 20 (trifix20: development two thirds 6/13 -> 13/13; its
    // set-aside third scored once at the end of the round).
    ("heldout-30", 950, 947),
    // Twenty-fifth blind batch (branch triblind25, 9 logs; the search budget ran out), scored once
    // by the lead with round 19's rules (trifix19): 7/9 classes right (1 undecided), class and
    // signal 6/7 labelled logs.
    // 8/9 and 7/7 after round 20 (trifix20: development two thirds 5/6 -> 6/6; its set-aside
    // third scored once at the end of the round).
    ("heldout-31", 888, 1000),
    // Twenty-sixth blind batch (branch triblind26, 17 logs), scored once by the lead with round
    // 20's rules (trifix20): 11/17 classes right (3 undecided), class and signal 11/17 labelled logs.
    // 13/17 and 13/17 after round 21 (trifix21: development two thirds 7/11 -> 9/11; its set-aside
    // third scored once at the end of the round).
    ("heldout-32", 764, 764),
    // Twenty-seventh blind batch (branch triblind27, 15 logs), scored once by the lead with round
    // 20's rules (trifix20): 11/15 classes right (2 undecided), class and signal 11/15 labelled logs.
    // 13/15 and 13/15 after round 21 (trifix21: development two thirds 7/10 -> 9/10; its set-aside
    // third scored once at the end of the round).
    // 14/15 and 14/15 after round 23 (trifix23: development leftovers of every split).
    ("heldout-33", 933, 933),
    // Twenty-eighth blind batch (branch triblind28, 17 logs), scored once by the lead with round
    // 21's rules (trifix21): 10/17 classes right (2 undecided), class and signal 10/16 labelled logs.
    // 16/17 and 15/16 after round 22 (trifix22: development two thirds 6/11 -> 11/11; its set-aside
    // third scored once at the end of the round, 4/6 -> 5/6).
    ("heldout-34", 941, 937),
    // Twenty-ninth blind batch (branch triblind29, 11 logs; the search budget ran out), scored once
    // by the lead with round 21's rules (trifix21): 4/11 classes right (3 undecided), class and
    // signal 4/10 labelled logs. 8/11 and 7/10 after round 22 (trifix22: development two thirds
    // 3/7 -> 7/7; its set-aside third scored once at the end of the round, 1/4 -> 1/4).
    ("heldout-35", 727, 700),
    // Thirtieth blind batch (branch triblind30, 9 logs from the local mirrors: five are a second
    // file of a repository an earlier batch used), scored once by the lead with round 22's rules
    // (trifix22): 9/9 classes right (0 undecided), class and signal 9/9 labelled logs.
    ("heldout-36", 1000, 1000),
    // Thirty-first blind batch (branch triblind31, 15 vLLM-family logs, 11 of them vllm-omni
    // threads), scored once by the lead with round 23's rules (trifix23): 11/15 classes right
    // (3 undecided), class and signal 10/15 labelled logs.
    // Round 24 (trifix24): the blind 11/15 plus three development misses fixed = 14/15 (the
    // set-aside rows counted as scored blind).
    ("heldout-37", 933, 666),
    // Thirty-second blind batch (branch triblind32, 18 logs of SGLang, llama.cpp family, Ollama,
    // TensorRT-LLM and MLX servers), scored once by the lead with round 23's rules (trifix23):
    // 11/18 classes right (1 undecided), class and signal 11/18 labelled logs.
    // Round 24 (trifix24): the blind 11/18 plus four development misses fixed = 15/18 (the
    // set-aside rows counted as scored blind).
    ("heldout-38", 833, 611),
    // Thirty-third blind batch (branch triblind33, 14 logs of any engine), scored once by the lead
    // with round 23's rules (trifix23): 10/14 classes right (2 undecided), class and signal 9/11
    // labelled logs.
    // Round 24 (trifix24): the blind 10/14 plus two development misses fixed = 12/14 (the
    // set-aside rows counted as scored blind).
    ("heldout-39", 857, 818),
    // Thirty-fourth blind batch (branch triblind34, 13 logs of any engine, collected after the three
    // above), scored once by the lead with round 23's rules (trifix23): 6/13 classes right
    // (0 undecided), class and signal 6/13 labelled logs.
    // Round 24 (trifix24): the blind 6/13 plus three development misses fixed = 9/13 (the
    // set-aside rows counted as scored blind).
    ("heldout-40", 692, 461),
    // Thirty-fifth blind batch (branch triblind35, 10 logs from the local mirrors: saved logs and
    // notes quoting failures; five are a second file of a repository an earlier split used), scored
    // once by the lead with round 24's rules (trifix24): 6/10 classes right (0 undecided), class and
    // signal 6/10 labelled logs.
    // Round 25 (trifix25): the blind 6/10 plus two development misses fixed (class and signal) =
    // 8/10 (the set-aside rows counted as scored blind).
    ("heldout-41", 800, 800),
    // Thirty-sixth blind batch (branch triblind36, 8 excerpts from the local mirrors, seven of them
    // quoted inside notes, READMEs and work logs), scored once by the lead with round 24's rules
    // (trifix24): 2/8 classes right (0 undecided), class and signal 2/8 labelled logs.
    // Round 25 (trifix25): the blind 2/8 plus four development misses fixed (class and signal) =
    // 6/8 (the set-aside rows counted as scored blind).
    ("heldout-42", 750, 750),
    // Thirty-seventh blind batch (branch triblind37, 15 excerpts from issue threads of vLLM, SGLang,
    // TensorRT-LLM, LMDeploy, vllm-omni, Dynamo, KServe, AIBrix, ray-llm and verl; 15 classes),
    // scored once by the lead with round 25's rules (trifix25): 9/15 classes right (0 undecided),
    // class and signal 9/15 labelled logs.
    ("heldout-43", 600, 600),
    // Thirty-eighth blind batch (branch triblind38, 14 excerpts: llama.cpp and forks, LM Studio,
    // MLX, ExLlamaV2 / TabbyAPI, Xinference, MindIE on Ascend, Ollama, KoboldAI; 12 classes), scored
    // once by the lead with round 25's rules (trifix25): 8/14 classes right (0 undecided), class and
    // signal 8/13 labelled logs.
    ("heldout-44", 571, 615),
    // Thirty-ninth blind batch (branch triblind39, 16 excerpts of any engine, weighted to the
    // classes earlier batches lacked; 13 classes), scored once by the lead with round 25's rules
    // (trifix25): 8/16 classes right (0 undecided), class and signal 8/16 labelled logs.
    ("heldout-45", 500, 500),
    // Fortieth blind batch (branch triblind40, 16 excerpts from vLLM, vllm-omni, vllm-ascend and
    // SGLang threads, three on AMD; 14 classes), scored once by the lead with round 25's rules
    // (trifix25): 10/16 classes right (0 undecided), class and signal 9/16 labelled logs.
    ("heldout-46", 625, 562),
];

/// Dev-split floor in per mille (15/19 since the evidence rules of issue 15, branch triage3).
const DEV_FLOOR_PERMILLE: usize = 789;
/// Floor of the first held-out third, now development data (10/12).
const OLD_HELDOUT_FLOOR_PERMILLE: usize = 833;
/// Floor of `heldout-3`, development data since its one scoring (23/27 after the engine
/// signatures and evidence rules of branch triage4).
const HELDOUT3_FLOOR_PERMILLE: usize = 851;
/// Floor of `heldout-4`, development data since its one scoring on branch triage4 (26/28 then;
/// 27/28 since a V0 engine step cut at the executor call counts as a forward pass, trihold).
const HELDOUT4_FLOOR_PERMILLE: usize = 964;
