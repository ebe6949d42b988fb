//! Server arguments printed at start-up: SGLang `server_args=ServerArgs(k=v, …)` and dict
//! forms, vLLM `non-default args: {'k': v, …}`, `Initializing … engine … with config: k=v, …`
//! and `args: Namespace(k=v, …)`. A tolerant Python-literal splitter: quotes, nested
//! brackets and truncated lines are handled; nothing is evaluated.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Which printed form the arguments came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArgsForm {
    /// SGLang `server_args=ServerArgs(…)`.
    SglangServerArgs,
    /// SGLang `server_args={…}` (dict form).
    SglangDict,
    /// vLLM `non-default args: {…}`.
    VllmNonDefault,
    /// vLLM `Initializing … engine (vX) with config: k=v, …`.
    VllmEngineConfig,
    /// vLLM (older) `args: Namespace(…)`.
    VllmNamespace,
    /// Engine arguments written as Python: a harness's `llm_kwargs={'max_model_len': 2048, …}`,
    /// `LLM(model=…, gpu_memory_utilization=0.9, …)`, `EngineArgs(…)`, `sgl.Engine(…)`.
    PythonCall,
}

/// One printed set of arguments, as key → value text (strings unquoted, `None` kept as `None`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ServerArgs {
    /// Printed form.
    pub form: ArgsForm,
    /// 1-based line number.
    pub line: u64,
    /// True when the closing bracket was missing (line cut off): later keys may be absent.
    pub truncated: bool,
    /// Arguments.
    pub values: BTreeMap<String, String>,
}

impl ServerArgs {
    /// A value, `None` when absent or printed as `None`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str).filter(|v| *v != "None" && !v.is_empty())
    }

    /// A value as f64.
    pub fn get_f64(&self, key: &str) -> Option<f64> {
        self.get(key)?.parse().ok()
    }

    /// A value as u64.
    pub fn get_u64(&self, key: &str) -> Option<u64> {
        let v = self.get(key)?;
        v.parse().ok().or_else(|| {
            v.parse::<f64>().ok().filter(|f| *f >= 0.0 && f.fract() == 0.0).map(|f| f as u64)
        })
    }

    /// A value as i64.
    pub fn get_i64(&self, key: &str) -> Option<i64> {
        self.get(key)?.parse().ok()
    }

    /// A Python bool.
    pub fn get_bool(&self, key: &str) -> Option<bool> {
        match self.get(key)? {
            "True" | "true" => Some(true),
            "False" | "false" => Some(false),
            _ => None,
        }
    }
}

/// Parse the body of `Name(k=v, …)` or `{…}` starting at `open` (the bracket character).
/// Returns the key/values and whether the closing bracket was found.
pub fn parse_body(text: &str) -> (BTreeMap<String, String>, bool) {
    let mut values = BTreeMap::new();
    let mut chars = text.char_indices().peekable();
    let Some((_, open)) = chars.next() else { return (values, false) };
    let close = match open {
        '(' => ')',
        '{' => '}',
        '[' => ']',
        _ => return (values, false),
    };
    let body_start = open.len_utf8();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut item_start = body_start;
    let mut closed = false;
    let mut end = text.len();
    for (i, c) in text.char_indices().skip(1) {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                if depth == 0 {
                    if c == close {
                        closed = true;
                    }
                    end = i;
                    break;
                }
                depth -= 1;
            }
            ',' if depth == 0 => {
                push_item(&text[item_start..i], &mut values);
                item_start = i + 1;
            }
            _ => {}
        }
    }
    if item_start < end {
        // The last item; when the line was cut off mid-value, keep it only if it is complete.
        let last = &text[item_start..end];
        if closed || quote.is_none() && depth == 0 {
            push_item(last, &mut values);
        }
    }
    (values, closed)
}

fn push_item(item: &str, out: &mut BTreeMap<String, String>) {
    let item = item.trim();
    if item.is_empty() {
        return;
    }
    // Split at the first top-level `=` or `:` outside quotes.
    let mut quote: Option<char> = None;
    let mut depth = 0usize;
    let mut split = None;
    for (i, c) in item.char_indices() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            '=' | ':' if depth == 0 => {
                split = Some(i);
                break;
            }
            _ => {}
        }
    }
    let Some(at) = split else { return };
    let key = unquote(item[..at].trim());
    let value = unquote(item[at + 1..].trim());
    if key.is_empty() || key.contains(' ') {
        return;
    }
    out.insert(key.to_string(), value.to_string());
}

fn unquote(s: &str) -> &str {
    let b = s.as_bytes();
    if b.len() >= 2 && (b[0] == b'\'' || b[0] == b'"') && b[b.len() - 1] == b[0] {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

/// Recognise an argument dump in `after` (the text after a trigger phrase) and parse it.
pub fn parse_args(form_hint: ArgsForm, after: &str, line: u64) -> Option<ServerArgs> {
    let after = after.trim_start_matches([' ', '=', ':']);
    let (form, body) = match form_hint {
        ArgsForm::SglangServerArgs | ArgsForm::SglangDict => {
            if let Some(rest) = after.strip_prefix("ServerArgs") {
                (ArgsForm::SglangServerArgs, rest)
            } else if after.starts_with('{') {
                (ArgsForm::SglangDict, after)
            } else {
                return None;
            }
        }
        ArgsForm::VllmNamespace => (form_hint, after.strip_prefix("Namespace")?),
        ArgsForm::VllmEngineConfig => {
            // `k=v, k=v` with no brackets: wrap it.
            let (values, _) = parse_body(&format!("({after})"));
            return (!values.is_empty()).then_some(ServerArgs {
                form: form_hint,
                line,
                truncated: false,
                values,
            });
        }
        ArgsForm::VllmNonDefault | ArgsForm::PythonCall => (form_hint, after),
    };
    let (values, closed) = parse_body(body);
    (!values.is_empty()).then_some(ServerArgs { form, line, truncated: !closed, values })
}

/// Engine arguments written as Python (`…_kwargs={…}`, `LLM(…)`, `EngineArgs(…)`): `text` is
/// the line from the trigger phrase on, which holds the opening bracket; the body is read like
/// a dump (`k=v` and `'k': v` items alike).
pub fn parse_python_call(text: &str, line: u64) -> Option<ServerArgs> {
    let open = text.find(['(', '{'])?;
    parse_args(ArgsForm::PythonCall, &text[open..], line)
}

/// lm-evaluation-harness's `--model_args k=v,k=v,…` (`after` is the text after the flag): the
/// engine's keyword arguments as one comma-separated string (`pretrained=Qwen/Qwen3-0.6B,
/// max_model_len=4096`), quoted or not, read as the arguments of a Python call. None when the
/// value is not `k=v` items.
pub fn parse_model_args(after: &str, line: u64) -> Option<ServerArgs> {
    let v = after.trim_start_matches([' ', '=']);
    let v = match v.chars().next() {
        Some(q @ ('\'' | '"')) => {
            let inner = &v[1..];
            &inner[..inner.find(q).unwrap_or(inner.len())]
        }
        _ => &v[..v.find(char::is_whitespace).unwrap_or(v.len())],
    };
    if v.starts_with(['(', '{', '[']) {
        return None;
    }
    let (values, _) = parse_body(&format!("({v})"));
    (!values.is_empty()).then_some(ServerArgs {
        form: ArgsForm::PythonCall,
        line,
        truncated: false,
        values,
    })
}

/// The model arguments of lm_eval's results header, `vllm (pretrained=…,max_model_len=4096),
/// gen_kwargs: (None), limit: …`: `before` is the text before `), gen_kwargs: (`.
pub fn parse_lm_eval_header(before: &str, line: u64) -> Option<ServerArgs> {
    let open = before.rfind('(')?;
    parse_model_args(&before[open + 1..], line)
}

/// A command written as a list, one argument an item, read as the command line it stands for:
/// docker-compose / Kubernetes `command: ["vllm", "serve", "--max-model-len", "4096"]` (JSON
/// or Python quotes) becomes `command: vllm serve --max-model-len 4096`, and a YAML list item
/// `- "--tp_size=2"` / `- --max-model-len` becomes the bare argument, so the flag rules (and
/// their line-start twins) read them as they read a shell command. None for any other line (a
/// list that holds no `-` flag item is data, not a command).
pub(crate) fn flat_command(line: &str) -> Option<String> {
    let bare = |s: &str| -> String { unquote(s.trim()).to_string() };
    let t = line.trim_start();
    if let Some(item) = t.strip_prefix("- ") {
        let item = bare(item);
        return item.starts_with('-').then_some(item);
    }
    let open = line.find("[\"").or_else(|| line.find("['"))?;
    let close = open + line[open..].find(']')?;
    let items: Vec<String> = line[open + 1..close].split(',').map(bare).collect();
    if !items.iter().any(|i| i.starts_with("--") || (i.starts_with('-') && i.len() <= 4)) {
        return None;
    }
    Some(format!("{} {} {}", &line[..open], items.join(" "), &line[close + 1..]))
}

/// lm-evaluation-harness's `Initializing {model} model, with arguments: {…}` (lm_eval/evaluator.py
/// simple_evaluate; `after` starts inside the dict, after its `{`): the engine's keyword
/// arguments, read as vLLM's `non-default args: {…}` dict, for the serving engines only
/// (`vllm`, `sglang`; an `hf` model's arguments are no engine's).
pub(crate) fn lm_eval_init(before: &str, after: &str, line: u64) -> Option<ServerArgs> {
    let engine = before.trim_end();
    let served = ["Initializing vllm model, with", "Initializing sglang model, with"]
        .iter()
        .any(|e| engine.ends_with(e));
    served.then(|| parse_args(ArgsForm::VllmNonDefault, &format!("{{{after}"), line)).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sglang_server_args() {
        let a = parse_args(
            ArgsForm::SglangServerArgs,
            "=ServerArgs(model_path='/m/DeepSeek-V4', tp_size=8, mem_fraction_static=0.60, kv_cache_dtype='fp8_e4m3', json_model_override_args='{\"a\": 1}', cuda_graph_bs=[1, 2, 4], disable_radix_cache=True, page_size=256)",
            3,
        )
        .unwrap();
        assert_eq!(a.get("model_path"), Some("/m/DeepSeek-V4"));
        assert_eq!(a.get_u64("tp_size"), Some(8));
        assert_eq!(a.get_f64("mem_fraction_static"), Some(0.60));
        assert_eq!(a.get("cuda_graph_bs"), Some("[1, 2, 4]"));
        assert_eq!(a.get_bool("disable_radix_cache"), Some(true));
        assert_eq!(a.get_u64("page_size"), Some(256));
        assert!(!a.truncated);
    }

    #[test]
    fn vllm_non_default_and_truncation() {
        let a = parse_args(
            ArgsForm::VllmNonDefault,
            " {'model_tag': 'x', 'lora_modules': [LoRAModulePath(name='a', path='b')], 'max_model_len': 8192, 'tensor_parallel_si",
            1,
        )
        .unwrap();
        assert_eq!(a.get_u64("max_model_len"), Some(8192));
        assert!(a.truncated);
        assert!(!a.values.contains_key("tensor_parallel_si"));
    }

    #[test]
    fn engine_config() {
        let a = parse_args(
            ArgsForm::VllmEngineConfig,
            " model='/models/x', speculative_config=None, dtype=torch.bfloat16, max_seq_len=131072, tensor_parallel_size=4",
            1,
        )
        .unwrap();
        assert_eq!(a.get("speculative_config"), None);
        assert_eq!(a.get_u64("max_seq_len"), Some(131072));
        assert_eq!(a.get("dtype"), Some("torch.bfloat16"));
    }

    #[test]
    fn python_calls_and_kwargs_dicts() {
        let a = parse_python_call(
            "llm_kwargs={'max_model_len': 2048, 'kv_cache_dtype': 'fp8', 'tensor_parallel_size': 1, 'dtyp",
            1,
        )
        .unwrap();
        assert_eq!(a.get_u64("max_model_len"), Some(2048));
        assert_eq!(a.get("kv_cache_dtype"), Some("fp8"));
        assert!(a.truncated && !a.values.contains_key("dtyp"));
        let a = parse_python_call(
            "LLM(model=\"/m/x\", gpu_memory_utilization=0.9, max_model_len=4096)",
            1,
        )
        .unwrap();
        assert_eq!(a.get_f64("gpu_memory_utilization"), Some(0.9));
        assert_eq!(a.get("model"), Some("/m/x"));
        assert!(parse_python_call("LLM(", 1).is_none());
        assert!(parse_python_call("no bracket", 1).is_none());
    }

    #[test]
    fn commands_written_as_lists() {
        let flat = |s: &str| flat_command(s);
        assert_eq!(
            flat(r#"  command: ["vllm", "serve", "m", "--max-model-len", "4096"]"#).as_deref(),
            Some("  command:  vllm serve m --max-model-len 4096 ")
        );
        assert_eq!(flat("args: ['--tp_size', '2']").as_deref(), Some("args:  --tp_size 2 "));
        assert_eq!(
            flat(r#"    - "--max-model-len=8192""#).as_deref(),
            Some("--max-model-len=8192")
        );
        assert_eq!(flat("- --tp_size=2").as_deref(), Some("--tp_size=2"));
        // Data lists and list items that are not flags are not commands.
        assert_eq!(flat(r#"sizes: ["1", "2"]"#), None);
        assert_eq!(flat("- 4096"), None);
        assert_eq!(flat(r#"["--x" unclosed"#), None);
        assert_eq!(flat("plain line --tp 2"), None);
    }

    #[test]
    fn garbage_is_ignored() {
        assert!(parse_args(ArgsForm::SglangServerArgs, "=((((", 1).is_none());
        assert!(parse_args(ArgsForm::VllmNonDefault, "", 1).is_none());
        assert!(parse_args(ArgsForm::VllmNonDefault, "{'a", 1).is_none());
    }
}
