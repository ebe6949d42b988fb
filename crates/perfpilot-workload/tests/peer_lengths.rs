//! Lengths as the peers count them: random text prompts leave room for the special
//! tokens the server adds (SGLang), and a tokenizer that can only count (a server
//! without `/detokenize`) still gets prompts of the exact length, built from words.

use std::collections::BTreeSet;
use std::path::PathBuf;

use perfpilot_workload::*;

fn gpt2() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/bench/tokenizers/gpt2/tokenizer.json")
}

/// The real GPT-2 tokenizer with a BOS post-processor (`<|endoftext|>` first), as Llama
/// tokenizers have: written to a temporary directory.
fn gpt2_with_bos(dir: &tempfile::TempDir) -> PathBuf {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(gpt2()).unwrap()).unwrap();
    v["post_processor"] = serde_json::json!({
        "type": "TemplateProcessing",
        "single": [{"SpecialToken": {"id": "<|endoftext|>", "type_id": 0}},
                   {"Sequence": {"id": "A", "type_id": 0}}],
        "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
        "special_tokens": {"<|endoftext|>": {"id": "<|endoftext|>", "ids": [50256], "tokens": ["<|endoftext|>"]}}
    });
    let p = dir.path().join("tokenizer.json");
    std::fs::write(&p, serde_json::to_string(&v).unwrap()).unwrap();
    p
}

fn random(input_len: u32) -> DatasetSpec {
    DatasetSpec::Random(RandomSpec {
        input_len,
        output_len: 16,
        range_ratio: 0.0,
        range_mode: RangeMode::Vllm,
        token_ids: false,
        vocab_size: None,
    })
}

#[test]
fn bos_is_counted_in_the_requested_length() {
    let dir = tempfile::tempdir().unwrap();
    let tok = TokenizerFile::open(&gpt2_with_bos(&dir)).unwrap();
    assert_eq!(tok.added_special_tokens(), 1);
    let data = generate(&random(128), Some(6), 42, Some(&tok)).unwrap();
    for r in &data.requests {
        let Prompt::Text(t) = &r.prompt else { panic!("text prompt expected") };
        // What the server sees: the text plus its BOS = exactly 128.
        assert_eq!(tok.encode_with_special(t).unwrap().len(), 128);
        assert_eq!(r.input_len, 128);
    }
    // Plain GPT-2 adds nothing, so nothing is subtracted.
    let plain = TokenizerFile::open(&gpt2()).unwrap();
    assert_eq!(plain.added_special_tokens(), 0);
}

/// Counts with GPT-2 but refuses to decode, like a server without `/detokenize`.
struct CountOnly(TokenizerFile);

impl TextTokenizer for CountOnly {
    fn name(&self) -> String {
        "count-only gpt2".into()
    }
    fn encode(&self, text: &str) -> Result<Vec<u32>, WorkloadError> {
        self.0.encode(text)
    }
    fn decode(&self, _: &[u32]) -> Result<String, WorkloadError> {
        Err(WorkloadError::Tokenizer { name: self.name(), message: "no /detokenize".into() })
    }
    fn vocab_size(&self) -> u32 {
        0
    }
    fn special_ids(&self) -> BTreeSet<u32> {
        BTreeSet::new()
    }
    fn can_decode(&self) -> bool {
        false
    }
}

#[test]
fn count_only_tokenizer_gets_exact_word_prompts() {
    let tok = CountOnly(TokenizerFile::open(&gpt2()).unwrap());
    for len in [1u32, 7, 128, 1000] {
        let data = generate(&random(len), Some(4), 7, Some(&tok)).unwrap();
        for r in &data.requests {
            let Prompt::Text(t) = &r.prompt else { panic!("text prompt expected") };
            assert_eq!(tok.count(t).unwrap(), len, "{t:?}");
            assert_eq!(r.input_len, len);
        }
    }
    // Same seed, same prompts.
    let a = generate(&random(64), Some(3), 9, Some(&tok)).unwrap();
    let b = generate(&random(64), Some(3), 9, Some(&tok)).unwrap();
    assert_eq!(a.info.fingerprint, b.info.fingerprint);
    // Shared prefix works too.
    let sp = DatasetSpec::SharedPrefix(SharedPrefixSpec {
        num_groups: 2,
        system_prompt_len: 100,
        question_len: 20,
        output_len: 8,
        token_ids: false,
        vocab_size: None,
    });
    let data = generate(&sp, Some(4), 1, Some(&tok)).unwrap();
    assert_eq!(data.requests.len(), 4);
    assert!(
        data.requests.iter().all(|r| (119..=122).contains(&r.input_len)),
        "{:?}",
        data.requests.iter().map(|r| r.input_len).collect::<Vec<_>>()
    );
}

/// ShareGPT lengths count the tokenizer's BOS, as SGLang 0.5.23 (`tokenizer.encode(prompt)`)
/// and vLLM do: prompt and answer counts are the Hugging Face `encode` lengths with special
/// tokens. Reference counts from `transformers.PreTrainedTokenizerFast` 4.x on the same
/// tokenizer files (the first three two-turn conversations of the fixture).
#[test]
fn sharegpt_counts_bos_like_sglang() {
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/bench/datasets/sharegpt_v3_sample_200.json");
    let spec =
        DatasetSpec::Sharegpt(ShareGptSpec { path: fixture, output_len: None, context_len: None });
    // (prompt start, HF encode length of the prompt, of the answer) with BOS / without.
    let with_bos = [
        ("What is the tradition of serving refresh", 24, 210),
        ("What is the term used to describe this s", 65, 103),
        ("If I'm using Oracle EBS to create invoic", 70, 613),
    ];
    let dir = tempfile::tempdir().unwrap();
    let bos = TokenizerFile::open(&gpt2_with_bos(&dir)).unwrap();
    let plain = TokenizerFile::open(&gpt2()).unwrap();
    for (tok, extra) in [(&bos, 0u32), (&plain, 1u32)] {
        let data = generate(&spec, None, 3, Some(tok)).unwrap();
        let mut seen = 0;
        for r in &data.requests {
            let Prompt::Text(t) = &r.prompt else { panic!("text prompt expected") };
            // Every prompt: the count is what the server sees (text + the BOS it adds).
            assert_eq!(r.input_len as usize, tok.encode_with_special(t).unwrap().len());
            if let Some(&(_, inp, out)) = with_bos.iter().find(|(start, _, _)| t.starts_with(start))
            {
                assert_eq!(r.input_len + extra, inp, "{start:?}", start = &t[..40]);
                assert_eq!(r.output_len + extra, out, "{start:?}", start = &t[..40]);
                seen += 1;
            }
        }
        assert_eq!(seen, 3, "all three reference conversations are in the list");
    }
}
