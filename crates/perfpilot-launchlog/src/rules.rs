//! Data rules (`rules.toml`, embedded at build time and replaceable by `--launch-rules FILE`):
//! a trigger phrase, the semantic key the value is stated under, and how the value is read.
//! Lines that need more than one value or some state keep their Rust handlers; these rules
//! cover the one-value lines (llama.cpp context settings and buffers, TensorRT-LLM settings,
//! command-line flags). Loading and compiling a rule set is `crate::ruleset`.

use serde::Deserialize;

use crate::events::EventKind;
use crate::fields::leading_number;
use crate::units::LoggedBytes;

/// How a rule reads its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Form {
    /// `[=|:] N` after the phrase.
    Number,
    /// `[=|:] N UNIT` after the phrase.
    Size,
    /// `N UNIT` right before the phrase.
    SizeBefore,
    /// `[=|:] WORD` after the phrase.
    Word,
    /// `[=|:] N%` or `[=|:] F` after the phrase: a fraction (`90%` is 0.90).
    Fraction,
    /// No value: the line is printed once per launch (`starts_launch` is implied).
    Launch,
    /// No value: only a running server prints the line (start-up progress, its death).
    RunLine,
    /// No value: a run prints the line when it finishes (its closing timings or memory
    /// summary): a value line after it is the next run's.
    RunEnd,
}

/// Which framework a rule's line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RuleFramework {
    /// SGLang (votes).
    Sglang,
    /// vLLM (votes).
    Vllm,
    /// Another engine (read, no vote).
    Other,
}

/// One rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Rule {
    /// Trigger phrase.
    pub phrase: String,
    /// Semantic key.
    pub key: String,
    /// How the value is read.
    pub form: Form,
    /// Read the value after this text (searched after the phrase).
    #[serde(default)]
    pub marker: Option<String>,
    /// The value follows `marker` where the line holds it, else the phrase itself (two versions
    /// of one message: tpu-inference's `HBM split: attn=X GiB` and `attn=L layers × … B = X GiB`).
    #[serde(default)]
    pub marker_optional: bool,
    /// The rule does not apply when the text before the phrase holds one of these.
    #[serde(default)]
    pub skip_before: Vec<String>,
    /// The rule applies only where the text after the phrase holds this (a generic phrase
    /// such as `Available memory:` is one engine's line only with the rest of its wording).
    #[serde(default)]
    pub needs_after: Option<String>,
    /// The rule does not apply when the text after the phrase holds one of these (a phrase that
    /// is the head of a longer one of another meaning).
    #[serde(default)]
    pub skip_after: Vec<String>,
    /// The rule applies only where the text before the phrase holds this (the second value of
    /// such a line: one phrase triggers one rule).
    #[serde(default)]
    pub needs_before: Option<String>,
    /// Unit when the line prints none (`size` form).
    #[serde(default)]
    pub unit: Option<String>,
    /// The phrase must start the line (only spaces before it): a flag on its own line of a
    /// command continued with `\\`, a YAML list or a folded block.
    #[serde(default)]
    pub line_start: bool,
    /// The phrase names a program (form `launch`): the rule applies only where the line invokes
    /// it with arguments ([`invoked`]), not where a log line names it.
    #[serde(default)]
    pub invoked: bool,
    /// The line is printed once per launch, before the KV cache is sized: printed again by a
    /// process whose cache was sized, it starts another launch (a paste holding several runs).
    #[serde(default)]
    pub starts_launch: bool,
    /// The value (form `size`, key `kv_budget`) is the KV budget a process measures before it
    /// sizes its cache, as vLLM's `Available KV cache memory` is: it is stated as that event, so
    /// a process that states it again once its sizing ended (`Maximum concurrency`, printed at
    /// another second) has started another launch (two instances pasted one after the other).
    #[serde(default)]
    pub kv_sizing: bool,
    /// The line's `GB` / `MB` are decimal (10^9 / 10^6 bytes: the source divides by `1e9`), not
    /// the GiB / MiB that vLLM and SGLang print under those names (form `size`).
    #[serde(default)]
    pub decimal: bool,
    /// The phrase is a row label of a table: it starts the message (nothing before it but a log
    /// prefix ending in `]`, a `|` cell border or a list bullet) and the value is the row's only
    /// other cell (`label   12.77GiB`, `| label | 0.25 |`): nothing follows it on the line.
    #[serde(default)]
    pub cell: bool,
    /// Framework of the line.
    pub framework: RuleFramework,
    /// Where the phrase is printed.
    pub source: String,
}

/// A rule file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleFile {
    /// Format version (1).
    pub version: u32,
    /// The rules, in file order.
    pub rule: Vec<Rule>,
    /// Lines a serving log repeats, replacing the embedded `background.toml` for the
    /// candidate-line prefilter (speed only; absent: the embedded table).
    #[serde(default)]
    pub background: Option<Vec<BackgroundLine>>,
}

/// One background line of a rule file (`[[background]]`), as in `background.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BackgroundLine {
    /// The line as the engine prints it.
    pub text: String,
    /// Where the line is printed.
    pub source: String,
}

/// Parse rule-file text (shape only; `crate::ruleset` checks the values).
pub(crate) fn parse_file(text: &str) -> Result<RuleFile, toml::de::Error> {
    toml::from_str(text)
}

/// Drop spaces and one `=` or `:` before a value.
fn value_start(text: &str) -> &str {
    let t = text.trim_start();
    let t = t.strip_prefix('=').or_else(|| t.strip_prefix(':')).unwrap_or(t);
    t.trim_start()
}

/// The value text after the phrase: the whole `after`, or what follows the marker. A value
/// must be separated from the phrase by a space, `=` or `:` (so `: n_ctx` does not read
/// `: n_ctx_train`).
fn value_text<'a>(rule: &Rule, after: &'a str) -> Option<&'a str> {
    let sep = |c: char| c.is_whitespace() || c == '=' || c == ':';
    let t = match &rule.marker {
        Some(m) => match after.find(m.as_str()) {
            Some(i) => &after[i + m.len()..],
            None if rule.marker_optional => after,
            None => return None,
        },
        None => after,
    };
    let first = t.chars().next()?;
    // A phrase that opens a parenthesis (`max_num_seqs (`) ends in its separator too.
    let phrase_ends_in_sep = rule.phrase.chars().next_back().is_some_and(|c| sep(c) || c == '(');
    let at_phrase = t.len() == after.len();
    if at_phrase && !phrase_ends_in_sep && !sep(first) {
        return None;
    }
    Some(value_start(t))
}

/// A count as an engine's argument parser reads it: `32768`, or with a size suffix right after
/// the digits, as vLLM's `human_readable_int` takes it (`vllm/engine/arg_utils.py`, the type of
/// `--max-model-len` and the other token counts): lower case is decimal (`25.6k` = 25,600,
/// `1m` = 10^6), upper case binary and whole (`32K` = 32,768, `1M` = 2^20). A letter after the
/// suffix (`16GB`, `4096MiB`) is a unit, not a suffix: the number alone is read there.
pub(crate) fn with_suffix(number: &str, rest: &str) -> Option<f64> {
    let v: f64 = crate::units::plain_number(number).parse().ok()?;
    let mut chars = rest.chars();
    let suffix = chars.next();
    let ends = chars.next().is_none_or(|c| !c.is_ascii_alphanumeric() && c != '_');
    let whole = !number.contains('.');
    let mult = match suffix {
        Some('k') if ends => 1e3,
        Some('m') if ends => 1e6,
        Some('g') if ends => 1e9,
        Some('K') if ends && whole => 1024.0,
        Some('M') if ends && whole => 1_048_576.0,
        Some('G') if ends && whole => 1_073_741_824.0,
        _ => 1.0,
    };
    Some(if mult == 1.0 { v } else { (v * mult).trunc() })
}

/// The size suffixes [`with_suffix`] reads.
pub(crate) const SUFFIXES: [char; 6] = ['k', 'm', 'g', 'K', 'M', 'G'];

/// The text after `number`, a slice of `text` (`leading_number` may skip marks before it).
fn after_number<'a>(text: &'a str, number: &str) -> &'a str {
    let off = (number.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
    text.get(off + number.len()..).unwrap_or("")
}

fn size_from(
    number: &str,
    rest: &str,
    default_unit: Option<&str>,
    decimal: bool,
) -> Option<LoggedBytes> {
    let unit = rest.split_whitespace().next().unwrap_or("");
    // A unit glued to the number's closing text (`11.44GB,`): only its letters.
    let unit = unit.trim_end_matches([',', ';', ')']);
    let read = if decimal { LoggedBytes::from_decimal_unit } else { LoggedBytes::from_number_unit };
    read(number, unit).or_else(|| default_unit.and_then(|u| read(number, u)))
}

/// Whether the text after a program's name is its arguments: among the first two words (past a
/// `.exe` suffix and a closing quote) is a flag (`-…`), a `\\` line continuation or a path or
/// model id (a word holding `/`). `trtllm-serve serve ./model`, `llama-server -m m.gguf` and
/// `llama-server \\` are invocations; `llama-server process has terminated` and a traceback's
/// `…/bin/trtllm-serve", line 5` are not. `spaced`: the phrase ends with the space after the name.
pub(crate) fn invoked(after: &str, spaced: bool) -> bool {
    let rest = after.strip_prefix(".exe").unwrap_or(after);
    // A container image's tag (`vllm/vllm-openai:v0.9.2 --model …`): the words after it are the
    // image's arguments.
    let rest = match rest.strip_prefix(':') {
        Some(tag) if tag.starts_with(|c: char| c.is_ascii_alphanumeric()) => {
            tag.find(char::is_whitespace).map_or("", |i| &tag[i..])
        }
        _ => rest,
    };
    let rest = rest.strip_prefix(['"', '\'']).unwrap_or(rest);
    if !spaced && !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return false; // the name goes on (`llama-server.log`, `trtllm-serve_x`)
    }
    rest.split_whitespace().take(2).any(|w| w.starts_with('-') || w == "\\" || w.contains('/'))
}

/// Apply a rule to the text around its phrase.
pub(crate) fn apply(rule: &Rule, before: &str, after: &str) -> Option<EventKind> {
    if rule.skip_before.iter().any(|s| before.contains(s.as_str())) {
        return None;
    }
    if rule.skip_after.iter().any(|s| after.contains(s.as_str())) {
        return None;
    }
    if rule.needs_after.as_ref().is_some_and(|n| !after.contains(n.as_str())) {
        return None;
    }
    if rule.needs_before.as_ref().is_some_and(|n| !before.contains(n.as_str())) {
        return None;
    }
    if rule.line_start && !before.trim().is_empty() {
        return None;
    }
    // `python -m MODULE` runs the module whatever follows (a folded YAML command puts its flags
    // on the next lines).
    let module_run = before.trim_end_matches(['"', '\'', '`']).ends_with("-m ");
    if rule.invoked && !module_run && !invoked(after, rule.phrase.ends_with(char::is_whitespace)) {
        return None;
    }
    if rule.cell {
        return cell(rule, before, after);
    }
    let key = rule.key.clone();
    match rule.form {
        Form::Launch => Some(EventKind::LaunchStart { marker: key }),
        Form::RunLine => Some(EventKind::RunLine { marker: key }),
        Form::RunEnd => Some(EventKind::RunEnd { marker: key }),
        Form::Number => {
            let t = value_text(rule, after)?;
            let n = leading_number(t)?;
            let value = with_suffix(n, after_number(t, n))?;
            Some(EventKind::Setting { key, value })
        }
        Form::Size => {
            let t = value_text(rule, after)?;
            let n = leading_number(t)?;
            let rest = &t.trim_start()[n.len()..];
            let size = size_from(n, rest, rule.unit.as_deref(), rule.decimal)?;
            if rule.kv_sizing {
                return Some(EventKind::AvailableKvMemory { size });
            }
            Some(EventKind::Size { key, size })
        }
        Form::SizeBefore => {
            let mut words = before.split_whitespace().rev();
            let unit = words.next()?;
            let n = leading_number(words.next()?)?;
            Some(EventKind::Size { key, size: LoggedBytes::from_number_unit(n, unit)? })
        }
        Form::Word => {
            let t = value_text(rule, after)?;
            // A dtype class as Python's `%s` prints it: `<class 'jax.numpy.bfloat16'>`.
            let t = t.strip_prefix("<class ").unwrap_or(t);
            let end = t.find([',', ' ', ')', '\t']).unwrap_or(t.len());
            let w = t[..end].trim_matches(['\'', '"', '.', '>']).trim_start_matches("torch.");
            let w = w.trim_start_matches("jax.").trim_start_matches("numpy.");
            // `auto` states no value (the engine picks it later).
            (!w.is_empty() && w != "auto").then(|| EventKind::Word { key, value: w.to_string() })
        }
        Form::Fraction => {
            let t = value_text(rule, after)?;
            let n = leading_number(t)?;
            let v: f64 = n.parse().ok()?;
            let pct = t.trim_start()[n.len()..].trim_start().starts_with('%');
            let value = if pct { v / 100.0 } else { v };
            (value.is_finite() && (0.0..=1.0).contains(&value))
                .then_some(EventKind::Setting { key, value })
        }
    }
}

/// A table row `label  value`: the label starts the message and the value (with its unit for a
/// size) is all that follows it.
fn cell(rule: &Rule, before: &str, after: &str) -> Option<EventKind> {
    // A quoted key (`"max_model_len": 4096,` of a pretty-printed JSON config) is a cell too.
    let quote = before.ends_with(['"', '\'']);
    let head = before.trim_end_matches(['"', '\'']).trim_end();
    if !(head.is_empty() || head.ends_with([']', '|', '-', '*'])) {
        return None;
    }
    let after = if quote { after.strip_prefix(['"', '\''])? } else { after };
    let blank =
        |t: &str| t.trim_matches(|c: char| c.is_whitespace() || c == '|' || c == ',').is_empty();
    let t = after.trim_start_matches(|c: char| c.is_whitespace() || c == '|');
    let t = value_start(t);
    if rule.form == Form::Word {
        let end = t.find(|c: char| c.is_whitespace() || c == '|').unwrap_or(t.len());
        let w = t[..end].trim_matches(['\'', '"', ',']).trim_start_matches("torch.");
        let ok = blank(&t[end..]) && !w.is_empty() && w != "auto";
        return ok.then(|| EventKind::Word { key: rule.key.clone(), value: w.to_string() });
    }
    let n = leading_number(t)?;
    let rest = &t[n.len()..];
    let key = rule.key.clone();
    match rule.form {
        Form::Size => {
            let r = rest.trim_start();
            let end = r.find(|c: char| c.is_whitespace() || c == '|').unwrap_or(r.len());
            let (unit, tail) = r.split_at(end);
            if !blank(tail) {
                return None;
            }
            let size = LoggedBytes::from_number_unit(n, unit).or_else(|| {
                let default = rule.unit.as_deref().filter(|_| unit.is_empty())?;
                LoggedBytes::from_number_unit(n, default)
            })?;
            Some(EventKind::Size { key, size })
        }
        Form::Number | Form::Fraction => {
            let pct = rest.trim_start().starts_with('%');
            let tail = if pct { &rest.trim_start()[1..] } else { rest };
            // `max_model_len: 32K` of a YAML config is read as the flag is (`with_suffix`).
            let suffixed = !pct && rule.form == Form::Number && rest.starts_with(SUFFIXES);
            let tail = if suffixed { &rest[1..] } else { tail };
            if !blank(tail) {
                return None;
            }
            let v = if suffixed { with_suffix(n, rest)? } else { n.parse().ok()? };
            let value = if pct { v / 100.0 } else { v };
            (rule.form == Form::Number || (0.0..=1.0).contains(&value))
                .then_some(EventKind::Setting { key, value })
        }
        Form::SizeBefore | Form::Launch | Form::RunLine | Form::RunEnd | Form::Word => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(phrase: &str) -> Rule {
        crate::LaunchRules::builtin().rules.iter().find(|r| r.phrase == phrase).unwrap().clone()
    }

    #[test]
    fn a_program_named_on_a_line_is_a_command_only_where_invoked() {
        // Anbeeld/beellama.cpp#74 (Windows prompt), NVIDIA/TensorRT-LLM#9412 (compose command),
        // ggml-org/llama.cpp#9195 (a wrapper's prefix): real lines, cut after their first words; a
        // Python traceback frame's text after the script's name.
        let server = rule("llama-server");
        let serve = rule("trtllm-serve ");
        let command = |r: &Rule, line: &str| {
            let at = line.find(r.phrase.as_str()).expect("phrase") + r.phrase.len();
            apply(r, &line[..at - r.phrase.len()], &line[at..]).is_some()
        };
        assert!(command(
            &server,
            r#"e:\llama.cpp\build\bin\Release>llama-server.exe   -m "f:\_AI\Qwen3.6-35B-A3B-Etherni-Q2-Qua"#
        ));
        assert!(command(&serve, "      trtllm-serve serve ./models/gemma3-27b"));
        assert!(!command(
            &server,
            "llama-server [falcon-7b:2048:10]: terminate called after throwing"
        ));
        assert!(!invoked("\", line 5, in <module>", false));
        // A container image run with arguments (vLLM's `vllm/vllm-openai` image runs the server).
        assert!(invoked(":latest --model mistralai/Mistral-7B-v0.1", false));
        assert!(invoked(":v0.9.2 \\", false));
        assert!(invoked(":latest Qwen/Qwen3-32B --tensor-parallel-size 2", false));
        assert!(!invoked(":v0.26.0-cu129", false));
        assert!(!invoked(":v0.17.0, command: [vllm], arguments: [serve", false));
        assert!(!invoked("-rocm:latest --model m", false));
        // Round 27: SGLang's server named in prose by its DeepGEMM JIT warning (devopsrustem/slurmv4
        // 3/12.sh, cut) is no command; a module run is one whatever follows (sgl-project/sglang#20973's
        // folded command; servekit's 0.5.x deprecation warning, cut).
        let sglang = rule("sglang.launch_server");
        assert!(!command(
            &sglang,
            "It is recommended to run `sglang.compile_deep_gemm` with same args as `sglang.launch_server` for pre-compilation"
        ));
        assert!(command(&sglang, "      python3 -m sglang.launch_server"));
        assert!(command(
            &sglang,
            "launch_server.py:51: UserWarning: 'python -m sglang.launch_server' is still supported"
        ));
    }

    #[test]
    fn table_parses_and_every_rule_names_a_source() {
        let rules = crate::LaunchRules::builtin().rules.clone();
        assert!(rules.len() > 40);
        for r in &rules {
            assert!(!r.source.trim().is_empty(), "{} has no source", r.phrase);
            assert!(!r.key.is_empty() && !r.phrase.is_empty());
        }
    }

    #[test]
    fn counts_with_vllms_size_suffixes() {
        // vllm/engine/arg_utils.py human_readable_int: `1k` 1,000, `1K` 1,024, `25.6k` 25,600.
        assert_eq!(with_suffix("32", "K"), Some(32768.0));
        assert_eq!(with_suffix("32", "k "), Some(32000.0));
        assert_eq!(with_suffix("25.6", "k"), Some(25600.0));
        assert_eq!(with_suffix("1", "M,"), Some(1_048_576.0));
        assert_eq!(with_suffix("2", "g"), Some(2e9));
        // Binary suffixes take whole numbers only; a unit is no suffix; no suffix, the number.
        assert_eq!(with_suffix("1.5", "K"), Some(1.5));
        assert_eq!(with_suffix("16", "GB"), Some(16.0));
        assert_eq!(with_suffix("4096", "MiB"), Some(4096.0));
        assert_eq!(with_suffix("4,096", " tokens"), Some(4096.0));
        assert_eq!(with_suffix("x", ""), None);
        let r = rule(" --max-model-len");
        assert_eq!(
            apply(&r, "vllm serve m", " 32K --port 8000"),
            Some(EventKind::Setting { key: "max_model_len".into(), value: 32768.0 })
        );
    }

    #[test]
    fn forms() {
        let r = rule(": n_ctx");
        assert_eq!(
            apply(&r, "llama_context", "         = 4096"),
            Some(EventKind::Setting { key: "n_ctx".into(), value: 4096.0 })
        );
        // `: n_ctx_train = …` is another key: the phrase must be followed by a separator.
        assert_eq!(apply(&r, "print_info", "_train      = 32768"), None);
        let r = rule(" compute buffer size =");
        assert!(apply(&r, "llama_context:  ROCm_Host", "   74.01 MiB").is_none());
        match apply(&r, "llama_context:      ROCm0", "  2664.00 MiB") {
            Some(EventKind::Size { size, .. }) => assert_eq!(size.bytes, 2664 << 20),
            other => panic!("{other:?}"),
        }
        let r = rule("for execution context memory");
        match apply(&r, "[TensorRT-LLM][INFO] [MemUsageChange] Allocated 480.04 MiB ", ".") {
            Some(EventKind::Size { key, size }) => {
                assert_eq!(key, "exec_context_mem");
                assert_eq!(size.bytes, (480.04f64 * 1048576.0).round() as i64);
            }
            other => panic!("{other:?}"),
        }
        let r = rule("now: CPU");
        match apply(&r, "…", " 0, GPU 6683 (MiB)") {
            Some(EventKind::Size { size, .. }) => assert_eq!(size.bytes, 6683 << 20),
            other => panic!("{other:?}"),
        }
        let r = rule(" --gpu-memory-utilization");
        assert!(apply(&r, "", " to 0.9271.").is_none());
        assert_eq!(
            apply(&r, "", "=0.9200 is"),
            Some(EventKind::Setting { key: "gpu_memory_utilization".into(), value: 0.92 })
        );
        let r = rule("Using KV cache dtype:");
        assert_eq!(
            apply(&r, "", " torch.bfloat16"),
            Some(EventKind::Word { key: "kv_dtype".into(), value: "bfloat16".into() })
        );
    }
}
