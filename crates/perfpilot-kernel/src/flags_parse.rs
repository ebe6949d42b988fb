//! The build of one side, read from where the real flags live (`loop-kda-ncu.md` 5.1):
//! `compile_commands.json`, a `build.ninja` (CMake/Ninja, torch `cpp_extension`, tvm-ffi,
//! flashinfer JIT), raw nvcc/hipcc/gcc command lines, or Triton compile metadata JSON.
//! Each compile step becomes a [`Unit`]: a name (the source file), the command line and
//! its tokens.

use std::collections::BTreeMap;
use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::KernelError;

/// The kind of build description a side was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BuildFormat {
    /// `compile_commands.json` (CMake, `ninja -t compdb`).
    CompileCommands,
    /// A `build.ninja` file.
    Ninja,
    /// Triton compile metadata (the JSON beside the cubin in the Triton cache).
    TritonMetadata,
    /// Compiler command lines (a file or a literal string).
    CommandLines,
}

/// One compile step.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// Source file name (or `triton`/`cmd#N` when there is none).
    pub name: String,
    /// The command line as shown to the user.
    pub line: String,
    /// Its tokens (Triton: `triton:<key>=<value>` pseudo-flags).
    pub tokens: Vec<String>,
}

/// A side's build: format and compile steps.
#[derive(Debug, Clone)]
pub struct Build {
    /// What it was read from.
    pub format: BuildFormat,
    /// Compile steps, in file order.
    pub units: Vec<Unit>,
}

const SOURCE_EXTS: &[&str] = &[".cu", ".cpp", ".cc", ".cxx", ".c", ".hip", ".mm", ".m"];
const COMPILERS: &[&str] =
    &["nvcc", "hipcc", "gcc", "g++", "cc", "c++", "clang", "clang++", "icpx", "amdclang++"];

/// Whether `token` names a source file.
pub fn is_source(token: &str) -> bool {
    !token.starts_with('-') && SOURCE_EXTS.iter().any(|e| token.ends_with(e))
}

/// Whether `token` is a compiler executable (`/usr/local/cuda/bin/nvcc`, `g++-12`).
pub fn is_compiler(token: &str) -> bool {
    let base = token.rsplit('/').next().unwrap_or(token);
    let stem = base.split('-').next().unwrap_or(base);
    COMPILERS.contains(&base) || COMPILERS.contains(&stem)
}

/// Read one side: `arg` is a file, or (when no such file exists) a literal command line.
pub fn read_build(arg: &str) -> Result<Build, KernelError> {
    let path = Path::new(arg);
    if !path.exists() && arg.contains(' ') {
        return Ok(Build {
            format: BuildFormat::CommandLines,
            units: command_units(arg, "<arg>")?,
        });
    }
    let text = perfpilot_io::read_to_string_bounded(path).map_err(|e| KernelError::io(path, e))?;
    parse_build(&text, arg)
}

/// Parse a build description's text; `name` is its file name (format detection, errors).
pub fn parse_build(text: &str, name: &str) -> Result<Build, KernelError> {
    let trimmed = text.trim_start();
    let file = name.rsplit('/').next().unwrap_or(name);
    if file.ends_with(".ninja") {
        return Ok(Build { format: BuildFormat::Ninja, units: ninja_units(text, name)? });
    }
    if file.ends_with(".json") || trimmed.starts_with('[') || trimmed.starts_with('{') {
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            KernelError::Invalid(format!(
                "{name}:{}:{}: not JSON ({e}); expected compile_commands.json (an array) or Triton metadata (an object)",
                e.line(),
                e.column()
            ))
        })?;
        return match v {
            serde_json::Value::Array(a) => {
                Ok(Build { format: BuildFormat::CompileCommands, units: compdb_units(&a, name)? })
            }
            serde_json::Value::Object(o) => {
                Ok(Build { format: BuildFormat::TritonMetadata, units: vec![triton_unit(&o)] })
            }
            _ => Err(KernelError::Invalid(format!(
                "{name}:1: expected a JSON array (compile_commands.json) or object (Triton metadata)"
            ))),
        };
    }
    Ok(Build { format: BuildFormat::CommandLines, units: command_units(text, name)? })
}

/// Split a command line like a POSIX shell (quotes, backslashes); `None` on an
/// unterminated quote.
pub fn shell_split(line: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut has = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                has = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        x => cur.push(x),
                    }
                }
            }
            '"' => {
                has = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => cur.push(chars.next()?),
                        x => cur.push(x),
                    }
                }
            }
            '\\' => {
                has = true;
                if let Some(x) = chars.next()
                    && x != '\n'
                {
                    cur.push(x);
                }
            }
            c if c.is_whitespace() => {
                if has {
                    out.push(std::mem::take(&mut cur));
                    has = false;
                }
            }
            c => {
                has = true;
                cur.push(c);
            }
        }
    }
    if has {
        out.push(cur);
    }
    Some(out)
}

fn unit_from_tokens(tokens: Vec<String>, line: String, fallback: String) -> Unit {
    let name = tokens
        .iter()
        .find(|t| is_source(t))
        .map(|t| t.rsplit('/').next().unwrap_or(t).to_string())
        .unwrap_or(fallback);
    Unit { name, line, tokens }
}

/// Command lines: one per line (`\` continues a line), `#` comments; shell chains
/// (`&&`, `;`) split, keeping the steps that run a compiler.
pub fn command_units(text: &str, name: &str) -> Result<Vec<Unit>, KernelError> {
    let mut units = Vec::new();
    let mut logical = String::new();
    let mut start = 1;
    for (i, raw) in text.lines().enumerate() {
        if logical.is_empty() {
            start = i + 1;
        }
        if let Some(body) = raw.strip_suffix('\\') {
            logical.push_str(body);
            logical.push(' ');
            continue;
        }
        logical.push_str(raw);
        let line = std::mem::take(&mut logical);
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        for step in line.split("&&").flat_map(|s| s.split(';')) {
            let tokens = shell_split(step).ok_or_else(|| {
                KernelError::Invalid(format!(
                    "{name}:{start}: unterminated quote; expected a closing `'` or `\"`"
                ))
            })?;
            if tokens.first().is_some_and(|t| is_compiler(t)) {
                let n = units.len();
                units.push(unit_from_tokens(tokens, step.trim().to_string(), format!("cmd#{n}")));
            }
        }
    }
    if units.is_empty() {
        return Err(KernelError::Invalid(format!(
            "{name}: no compiler command line found (expected a line starting with nvcc, hipcc, gcc, g++, cc, c++, clang or clang++)"
        )));
    }
    Ok(units)
}

fn compdb_units(entries: &[serde_json::Value], name: &str) -> Result<Vec<Unit>, KernelError> {
    let mut units = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let bad = |what: &str| {
            KernelError::Invalid(format!(
                "{name}: entry {i}: {what} (compile_commands.json entries have `directory`, `file` and `command` or `arguments`)"
            ))
        };
        let tokens: Vec<String> = match (e.get("arguments"), e.get("command")) {
            (Some(serde_json::Value::Array(a)), _) => a
                .iter()
                .map(|x| {
                    x.as_str().map(str::to_string).ok_or_else(|| bad("`arguments` must be strings"))
                })
                .collect::<Result<_, _>>()?,
            (_, Some(serde_json::Value::String(c))) => {
                shell_split(c).ok_or_else(|| bad("`command` has an unterminated quote"))?
            }
            _ => return Err(bad("expected `command` (a string) or `arguments` (an array)")),
        };
        let line = tokens.join(" ");
        let mut u = unit_from_tokens(tokens, line, format!("entry#{i}"));
        if let Some(f) = e.get("file").and_then(|f| f.as_str()) {
            u.name = f.rsplit('/').next().unwrap_or(f).to_string();
        }
        units.push(u);
    }
    if units.is_empty() {
        return Err(KernelError::Invalid(format!(
            "{name}: empty compile_commands.json: expected at least one entry"
        )));
    }
    Ok(units)
}

fn triton_unit(o: &serde_json::Map<String, serde_json::Value>) -> Unit {
    let mut flat = BTreeMap::new();
    fn walk(prefix: &str, v: &serde_json::Value, out: &mut BTreeMap<String, String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                    walk(&key, x, out);
                }
            }
            serde_json::Value::String(s) => {
                out.insert(prefix.to_string(), s.clone());
            }
            other => {
                out.insert(prefix.to_string(), other.to_string());
            }
        }
    }
    for (k, v) in o {
        walk(k, v, &mut flat);
    }
    let name = flat.get("name").cloned().unwrap_or_else(|| "triton".into());
    let tokens: Vec<String> = flat.iter().map(|(k, v)| format!("triton:{k}={v}")).collect();
    let line = flat.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ");
    Unit { name, line, tokens }
}

/// A `build.ninja`: variables, rules and `build` statements; every build whose rule's
/// command compiles (`-c`) becomes a unit with `$in`, `$out` and variables expanded.
pub fn ninja_units(text: &str, name: &str) -> Result<Vec<Unit>, KernelError> {
    // Join `$`-continued lines.
    let mut lines: Vec<(usize, String)> = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let (n, mut acc) = pending.take().unwrap_or((i + 1, String::new()));
        if acc.is_empty() {
            acc.push_str(raw);
        } else {
            acc.push_str(raw.trim_start());
        }
        if acc.ends_with('$') && !acc.ends_with("$$") {
            acc.pop();
            pending = Some((n, acc));
        } else {
            lines.push((n, acc));
        }
    }
    let mut vars: BTreeMap<String, String> = BTreeMap::new();
    let mut rules: BTreeMap<String, String> = BTreeMap::new();
    // (line, outputs, rule, inputs, build-local variables)
    type BuildStmt = (usize, String, String, String, BTreeMap<String, String>);
    let mut builds: Vec<BuildStmt> = Vec::new();
    enum Scope {
        Top,
        Rule(String),
        Build(usize),
    }
    let mut scope = Scope::Top;
    for (n, line) in &lines {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let indented = line.starts_with(' ') || line.starts_with('\t');
        if !indented {
            scope = Scope::Top;
        }
        let l = line.trim();
        if let Some(r) = l.strip_prefix("rule ") {
            scope = Scope::Rule(r.trim().to_string());
            continue;
        }
        if let Some(b) = l.strip_prefix("build ") {
            let Some((outs, rest)) = b.split_once(": ") else {
                return Err(KernelError::Invalid(format!(
                    "{name}:{n}: expected `build OUTPUTS: RULE INPUTS`"
                )));
            };
            let mut it = rest.split_whitespace();
            let rule = it.next().unwrap_or("").to_string();
            let ins: Vec<&str> = it.take_while(|t| *t != "|" && *t != "||").collect();
            builds.push((*n, outs.trim().to_string(), rule, ins.join(" "), BTreeMap::new()));
            scope = Scope::Build(builds.len() - 1);
            continue;
        }
        let Some((k, v)) = l.split_once('=') else {
            if l.starts_with("default ")
                || l.starts_with("include ")
                || l.starts_with("subninja ")
                || l.starts_with("pool ")
            {
                continue;
            }
            return Err(KernelError::Invalid(format!(
                "{name}:{n}: expected `name = value`, `rule`, or `build`"
            )));
        };
        let (k, v) = (k.trim().to_string(), v.trim().to_string());
        match &scope {
            Scope::Top => {
                let expanded = expand(&v, &vars, &BTreeMap::new());
                vars.insert(k, expanded);
            }
            Scope::Rule(r) if k == "command" => {
                rules.insert(r.clone(), v);
            }
            Scope::Rule(_) => {}
            Scope::Build(i) => {
                builds[*i].4.insert(k, v);
            }
        }
    }
    let mut units = Vec::new();
    for (n, outs, rule, ins, local) in builds {
        let Some(cmd) = rules.get(&rule) else {
            if rule == "phony" {
                continue;
            }
            return Err(KernelError::Invalid(format!(
                "{name}:{n}: build uses rule `{rule}`, which is not defined"
            )));
        };
        let mut scope_vars = local.clone();
        scope_vars.insert("in".into(), ins.clone());
        scope_vars.insert("out".into(), outs.clone());
        let line = expand(cmd, &vars, &scope_vars);
        let tokens = shell_split(&line).ok_or_else(|| {
            KernelError::Invalid(format!(
                "{name}:{n}: the expanded command has an unterminated quote"
            ))
        })?;
        if !tokens.iter().any(|t| t == "-c" || t == "--compile") {
            continue;
        }
        let k = units.len();
        units.push(unit_from_tokens(tokens, line, format!("build#{k}")));
    }
    if units.is_empty() {
        return Err(KernelError::Invalid(format!(
            "{name}: no compile step (a build whose rule's command has `-c`)"
        )));
    }
    Ok(units)
}

/// Expand `$var`, `${var}`, `$$`, `$ `, `$:` with `local` before `vars`.
fn expand(s: &str, vars: &BTreeMap<String, String>, local: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('$') | Some(' ') | Some(':') => {
                out.push(chars.next().unwrap_or('$'));
            }
            Some('{') => {
                chars.next();
                let mut n = String::new();
                for x in chars.by_ref() {
                    if x == '}' {
                        break;
                    }
                    n.push(x);
                }
                out.push_str(local.get(&n).or(vars.get(&n)).map_or("", String::as_str));
            }
            _ => {
                let mut n = String::new();
                while let Some(&x) = chars.peek() {
                    if x.is_ascii_alphanumeric() || x == '_' || x == '-' {
                        n.push(x);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push_str(local.get(&n).or(vars.get(&n)).map_or("", String::as_str));
            }
        }
    }
    out
}
