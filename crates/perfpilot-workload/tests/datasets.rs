//! Datasets on the real fixtures: the GPT-2 tokenizer and the ShareGPT sample
//! (copied under tests/fixtures/bench, see SOURCES.md there).

use std::path::{Path, PathBuf};

use perfpilot_workload::*;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/bench").join(rel)
}

fn gpt2() -> TokenizerFile {
    TokenizerFile::open(&fixture("tokenizers/gpt2/tokenizer.json")).unwrap()
}

#[test]
fn gpt2_matches_reference_encodings() {
    // 30 multilingual/code/emoji strings with the ids Python `transformers` produced.
    let inputs: serde_json::Value = serde_json::from_slice(
        &std::fs::read(fixture("tokenizers/conformance/inputs.json")).unwrap(),
    )
    .unwrap();
    let expected: serde_json::Value = serde_json::from_slice(
        &std::fs::read(fixture("tokenizers/conformance/openai-community__gpt2.json")).unwrap(),
    )
    .unwrap();
    let tok = gpt2();
    let entries = expected["entries"].as_object().unwrap();
    let mut checked = 0;
    for input in inputs["inputs"].as_array().unwrap() {
        let (id, text) = (input["id"].as_str().unwrap(), input["text"].as_str().unwrap());
        let e = &entries[id];
        let want: Vec<u32> =
            e["input_ids"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u32).collect();
        assert_eq!(tok.encode(text).unwrap(), want, "input {id}");
        checked += 1;
    }
    assert!(checked >= 30, "checked {checked}");
}

fn random_spec(mode: RangeMode, ratio: f64, token_ids: bool) -> DatasetSpec {
    DatasetSpec::Random(RandomSpec {
        input_len: 64,
        output_len: 32,
        range_ratio: ratio,
        range_mode: mode,
        token_ids,
        vocab_size: None,
    })
}

#[test]
fn random_text_prompts_have_exact_token_lengths() {
    let tok = gpt2();
    let d = generate(&random_spec(RangeMode::Sglang, 0.5, false), Some(40), 7, Some(&tok)).unwrap();
    assert_eq!(d.requests.len(), 40);
    for r in &d.requests {
        let Prompt::Text(t) = &r.prompt else { panic!("text expected") };
        assert_eq!(tok.count(t).unwrap(), r.input_len, "request {}", r.id);
        assert!((32..=64).contains(&r.input_len), "{}", r.input_len);
        assert!((16..=32).contains(&r.output_len));
    }
    assert!(d.info.warnings.is_empty(), "{:?}", d.info.warnings);
    // Uniform over [32, 64]: the lengths spread.
    let distinct: std::collections::BTreeSet<u32> =
        d.requests.iter().map(|r| r.input_len).collect();
    assert!(distinct.len() > 10);
}

#[test]
fn range_modes_give_the_documented_ranges() {
    let tok = gpt2();
    let v = generate(&random_spec(RangeMode::Vllm, 0.5, true), Some(300), 1, Some(&tok)).unwrap();
    let (lo, hi) = (v.info.input_len.unwrap().min, v.info.input_len.unwrap().max);
    assert!(lo >= 32 && hi <= 96 && lo < 40 && hi > 88, "{lo}..{hi}");
    let fixed =
        generate(&random_spec(RangeMode::Vllm, 0.0, true), Some(20), 1, Some(&tok)).unwrap();
    assert!(fixed.requests.iter().all(|r| r.input_len == 64 && r.output_len == 32));
    let sg =
        generate(&random_spec(RangeMode::Sglang, 0.0, true), Some(300), 1, Some(&tok)).unwrap();
    assert!(sg.info.input_len.unwrap().min < 8 && sg.info.input_len.unwrap().mean < 40.0);
}

#[test]
fn same_seed_gives_byte_identical_lists() {
    let tok = gpt2();
    for spec in [
        random_spec(RangeMode::Sglang, 0.3, false),
        DatasetSpec::Sharegpt(ShareGptSpec {
            path: fixture("datasets/sharegpt_v3_sample_200.json"),
            output_len: None,
            context_len: Some(4096),
        }),
        DatasetSpec::SharedPrefix(SharedPrefixSpec {
            num_groups: 3,
            system_prompt_len: 40,
            question_len: 8,
            output_len: 16,
            token_ids: false,
            vocab_size: None,
        }),
    ] {
        let a = generate(&spec, Some(25), 99, Some(&tok)).unwrap();
        let b = generate(&spec, Some(25), 99, Some(&tok)).unwrap();
        let c = generate(&spec, Some(25), 100, Some(&tok)).unwrap();
        assert_eq!(requests_to_jsonl(&a.requests), requests_to_jsonl(&b.requests));
        assert_eq!(a.info.fingerprint, b.info.fingerprint);
        assert_ne!(a.info.fingerprint, c.info.fingerprint, "{spec:?}");
        // Saved and replayed: the same list.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("reqs.jsonl");
        save_requests(&p, &a.requests).unwrap();
        let mut w = Vec::new();
        assert_eq!(load_requests(&p, None, &mut w).unwrap(), a.requests);
    }
}

#[test]
fn sharegpt_uses_turn_one_length_and_filters() {
    let tok = gpt2();
    let spec = DatasetSpec::Sharegpt(ShareGptSpec {
        path: fixture("datasets/sharegpt_v3_sample_200.json"),
        output_len: None,
        context_len: Some(2048),
    });
    let d = generate(&spec, None, 1, Some(&tok)).unwrap();
    assert!(d.requests.len() > 100 && d.requests.len() <= 200, "{}", d.requests.len());
    for r in &d.requests {
        assert!(r.input_len >= 2 && r.output_len >= 2);
        assert!(r.input_len + r.output_len <= 2048);
        let Prompt::Text(t) = &r.prompt else { panic!() };
        assert_eq!(tok.count(t).unwrap(), r.input_len);
    }
    // Asking for more than exist repeats, with a warning.
    let more = generate(&spec, Some(1000), 1, Some(&tok)).unwrap();
    assert_eq!(more.requests.len(), 1000);
    assert!(!more.info.warnings.is_empty());
}

#[test]
fn sharegpt_first_turn_file_needs_fixed_output_len() {
    let tok = gpt2();
    let path = fixture("datasets/sharegpt_v3_filtered_500_first_turn.json");
    let no = DatasetSpec::Sharegpt(ShareGptSpec {
        path: path.clone(),
        output_len: None,
        context_len: None,
    });
    assert!(generate(&no, Some(5), 1, Some(&tok)).is_err());
    let yes = DatasetSpec::Sharegpt(ShareGptSpec { path, output_len: Some(64), context_len: None });
    let d = generate(&yes, Some(50), 1, Some(&tok)).unwrap();
    assert!(d.requests.iter().all(|r| r.output_len == 64));
}

#[test]
fn shared_prefix_groups_share_their_system_prompt() {
    let spec = DatasetSpec::SharedPrefix(SharedPrefixSpec {
        num_groups: 4,
        system_prompt_len: 100,
        question_len: 10,
        output_len: 8,
        token_ids: true,
        vocab_size: Some(50000),
    });
    let d = generate(&spec, Some(40), 5, None).unwrap();
    let mut prefixes = std::collections::BTreeMap::<Vec<u32>, usize>::new();
    for r in &d.requests {
        let Prompt::TokenIds(ids) = &r.prompt else { panic!() };
        assert_eq!(ids.len(), 110);
        *prefixes.entry(ids[..100].to_vec()).or_default() += 1;
    }
    assert_eq!(prefixes.len(), 4);
    assert!(prefixes.values().all(|&n| n == 10));
}

#[test]
fn bad_sharegpt_file_names_position() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.json");
    std::fs::write(&p, "[{\"conversations\": [{\"value\": \"hi\"}, {\"value\": 3}]}]").unwrap();
    let spec = DatasetSpec::Sharegpt(ShareGptSpec {
        path: p.clone(),
        output_len: None,
        context_len: None,
    });
    let e = generate(&spec, Some(1), 1, Some(&gpt2())).unwrap_err().to_string();
    assert!(e.contains("bad.json:line 1 column"), "{e}");
}
