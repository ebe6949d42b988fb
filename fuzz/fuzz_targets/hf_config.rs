//! Fuzz both readers of a Hugging Face `config.json` (capacity's and trace layers'): any
//! text must give a config or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = perfpilot_capacity::model::ModelConfig::from_json_str(text, "fuzz.json");
    let _ = perfpilot_trace::layers::config::parse_config(text, std::path::Path::new("fuzz.json"));
});
