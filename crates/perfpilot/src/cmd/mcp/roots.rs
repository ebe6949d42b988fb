//! What a tool call may touch. File arguments are confined to the server's roots (`--root`,
//! default the current directory): paths are resolved the way the tool will see them
//! (relative ones against the first root, where the tool runs), symlinks are followed, and a
//! path that leaves every root is refused with an error that says which argument and how to
//! allow it. Arguments that name environment variables (an API key for a benchmark) must be
//! allowed with `--allow-env NAME`: otherwise a caller could send any secret of the
//! server's environment to a URL of its choice.

use std::path::{Component, Path, PathBuf};

use perfpilot_io::normalize_lexically;
use serde_json::Value;

use super::registry::{Access, Tool};

/// The directories tool calls may read and write, and the environment variables they may
/// name.
#[derive(Debug, Clone)]
pub struct Roots {
    roots: Vec<PathBuf>,
    env: Vec<String>,
}

impl Roots {
    /// Canonicalise the given roots; each must be an existing directory.
    pub fn new(given: &[PathBuf]) -> anyhow::Result<Roots> {
        let mut roots = Vec::new();
        for root in given {
            let canonical = std::fs::canonicalize(root)
                .map_err(|e| anyhow::anyhow!("--root {}: {e}", root.display()))?;
            if !canonical.is_dir() {
                anyhow::bail!("--root {}: not a directory", root.display());
            }
            roots.push(canonical);
        }
        if roots.is_empty() {
            let cwd = std::env::current_dir()?;
            roots.push(std::fs::canonicalize(cwd)?);
        }
        Ok(Roots { roots, env: Vec::new() })
    }

    /// Also allow these environment-variable names in arguments such as `api_key_env`.
    pub fn with_env(mut self, names: &[String]) -> Roots {
        self.env = names.to_vec();
        self
    }

    /// The first root: tools run there, so relative arguments resolve against it.
    pub fn base(&self) -> &Path {
        &self.roots[0]
    }

    /// All roots.
    pub fn all(&self) -> &[PathBuf] {
        &self.roots
    }

    /// Check every path argument of a call; the error names the first offending argument.
    pub fn confine(&self, tool: &Tool, args: &Value) -> Result<(), String> {
        for arg in tool.paths {
            let values: Vec<&str> = match args.pointer(arg.pointer) {
                None | Some(Value::Null) => continue,
                Some(Value::String(s)) => vec![s.as_str()],
                Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
                Some(other) => {
                    return Err(format!(
                        "argument `{}` must be a path string, got {other}",
                        arg.pointer.trim_start_matches('/')
                    ));
                }
            };
            for value in values {
                self.check(arg.pointer.trim_start_matches('/'), value, arg.access)?;
            }
        }
        Ok(())
    }

    /// Whether a value of a name-or-file argument names a file (a separator, a `.toml`
    /// or `.json` suffix, or an existing file in the first root).
    fn looks_like_path(&self, value: &str) -> bool {
        value.contains('/')
            || value.contains('\\')
            || value.ends_with(".toml")
            || value.ends_with(".json")
            // Any entry of that name (a dangling link included) makes it a path.
            || std::fs::symlink_metadata(self.base().join(value)).is_ok()
    }

    /// Check one path argument.
    pub fn check(&self, name: &str, value: &str, access: Access) -> Result<(), String> {
        if access == Access::EnvVar {
            return if self.env.iter().any(|e| e == value) {
                Ok(())
            } else {
                Err(format!(
                    "argument `{name}` = `{value}` names an environment variable the server does \
                     not allow; start `perfpilot mcp` with `--allow-env {value}` to let tools read it"
                ))
            };
        }
        if access == Access::NameOrRead && !self.looks_like_path(value) {
            return Ok(());
        }
        let given = Path::new(value);
        let joined =
            if given.is_absolute() { given.to_path_buf() } else { self.base().join(given) };
        if access == Access::Write
            && std::fs::symlink_metadata(&joined).is_ok_and(|m| m.file_type().is_symlink())
        {
            // A link (dangling or not) could point anywhere by the time the tool writes.
            return Err(format!(
                "argument `{name}` = `{value}` is a symlink; outputs are never written through                  a link (give the target's path)"
            ));
        }
        let resolved = if access == Access::Write {
            resolve_for_write(&joined).ok_or_else(|| {
                format!("argument `{name}` = `{value}`: no existing parent directory")
            })?
        } else {
            match std::fs::canonicalize(&joined) {
                Ok(p) => p,
                // A missing file outside the roots is refused as outside, not as missing:
                // the answer must not depend on what exists beyond the roots.
                Err(e) => {
                    let lexical = normalize_lexically(&joined);
                    if !self.roots.iter().any(|r| lexical.starts_with(r)) {
                        lexical
                    } else {
                        return Err(format!(
                            "argument `{name}` = `{value}`: cannot open {}: {e}",
                            joined.display()
                        ));
                    }
                }
            }
        };
        if self.roots.iter().any(|r| resolved.starts_with(r)) {
            Ok(())
        } else {
            Err(format!(
                "argument `{name}` = `{value}` resolves to {}, outside the allowed roots ({}); \
                 start `perfpilot mcp` with `--root DIR` to allow another directory",
                resolved.display(),
                self.roots.iter().map(|r| r.display().to_string()).collect::<Vec<_>>().join(", ")
            ))
        }
    }
}

/// The canonical form of a path that may not exist yet: its nearest existing ancestor,
/// canonicalised, plus the remaining plain components (`..` is refused: it could climb out
/// of the ancestor after the check).
fn resolve_for_write(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = std::fs::canonicalize(path) {
        return Some(p);
    }
    let mut rest = Vec::new();
    let mut cur = path;
    loop {
        let name = cur.file_name()?;
        rest.push(name.to_os_string());
        cur = cur.parent()?;
        if let Ok(base) = std::fs::canonicalize(cur) {
            let mut out = base;
            for part in rest.iter().rev() {
                out.push(part);
            }
            if out.components().any(|c| matches!(c, Component::ParentDir)) {
                return None;
            }
            return Some(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roots_in(dir: &Path) -> Roots {
        Roots::new(&[dir.to_path_buf()]).unwrap()
    }

    #[test]
    fn relative_and_absolute_paths_inside_the_root_pass() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.json"), "{}").unwrap();
        let roots = roots_in(dir.path());
        assert!(roots.check("input", "a.json", Access::Read).is_ok());
        let abs = dir.path().join("a.json");
        assert!(roots.check("input", abs.to_str().unwrap(), Access::Read).is_ok());
        assert!(roots.check("out", "new/dir/file.json", Access::Write).is_ok());
    }

    #[test]
    fn escapes_are_refused_with_the_argument_named() {
        let dir = tempfile::tempdir().unwrap();
        let inner = dir.path().join("root");
        std::fs::create_dir(&inner).unwrap();
        std::fs::write(dir.path().join("secret.txt"), "x").unwrap();
        let roots = roots_in(&inner);
        let err = roots.check("input", "../secret.txt", Access::Read).unwrap_err();
        assert!(err.contains("argument `input`"), "{err}");
        assert!(err.contains("outside the allowed roots"), "{err}");
        assert!(err.contains("--root"), "{err}");
        let err = roots.check("out", "../elsewhere.json", Access::Write).unwrap_err();
        assert!(err.contains("outside the allowed roots"), "{err}");
        let err = roots.check("out", "x/../../y.json", Access::Write).unwrap_err();
        assert!(err.contains("argument `out`"), "{err}");
    }

    #[test]
    fn a_value_that_looks_like_a_url_is_still_a_path() {
        let dir = tempfile::tempdir().unwrap();
        let inner = dir.path().join("root");
        std::fs::create_dir_all(inner.join("http:")).unwrap();
        std::fs::write(dir.path().join("secret.txt"), "x").unwrap();
        let roots = roots_in(&inner);
        let err = roots.check("from", "http://../../secret.txt", Access::Read).unwrap_err();
        assert!(err.contains("outside the allowed roots"), "{err}");
        assert!(roots.check("output", "http://../../x.json", Access::Write).is_err());
    }

    #[test]
    fn a_missing_file_outside_the_root_is_refused_as_outside_and_one_inside_as_missing() {
        let dir = tempfile::tempdir().unwrap();
        let inner = dir.path().join("a/b/root");
        std::fs::create_dir_all(&inner).unwrap();
        let roots = roots_in(&inner);
        let err = roots.check("from", "../../no/such/file.json", Access::Read).unwrap_err();
        assert!(err.contains("outside the allowed roots"), "{err}");
        let err = roots.check("from", "missing.json", Access::Read).unwrap_err();
        assert!(err.contains("cannot open"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_out_of_the_root_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let inner = dir.path().join("root");
        std::fs::create_dir(&inner).unwrap();
        std::fs::write(dir.path().join("secret.txt"), "x").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), inner.join("link.txt")).unwrap();
        let roots = roots_in(&inner);
        assert!(roots.check("input", "link.txt", Access::Read).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn an_output_that_is_a_symlink_is_refused_even_dangling_or_inside() {
        let dir = tempfile::tempdir().unwrap();
        let inner = dir.path().join("root");
        std::fs::create_dir(&inner).unwrap();
        std::os::unix::fs::symlink(dir.path().join("r.jsonl"), inner.join("l.jsonl")).unwrap();
        std::os::unix::fs::symlink("x.json", inner.join("inside.json")).unwrap();
        let roots = roots_in(&inner);
        let err = roots.check("records", "l.jsonl", Access::Write).unwrap_err();
        assert!(err.contains("is a symlink"), "{err}");
        assert!(roots.check("out", "inside.json", Access::Write).is_err());
        assert!(!dir.path().join("r.jsonl").exists());
    }

    #[test]
    fn names_are_not_paths_but_files_given_for_names_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let roots = roots_in(dir.path());
        assert!(roots.check("profile", "sglang-h100-llama3.1-8b", Access::NameOrRead).is_ok());
        let err = roots.check("profile", "/etc/profile.toml", Access::NameOrRead).unwrap_err();
        assert!(err.contains("argument `profile`"), "{err}");
    }

    #[test]
    fn only_allowed_environment_variables_pass() {
        let dir = tempfile::tempdir().unwrap();
        let roots = roots_in(dir.path()).with_env(&["OPENAI_API_KEY".to_string()]);
        assert!(roots.check("api_key_env", "OPENAI_API_KEY", Access::EnvVar).is_ok());
        let err = roots.check("api_key_env", "AWS_SECRET_ACCESS_KEY", Access::EnvVar).unwrap_err();
        assert!(err.contains("--allow-env AWS_SECRET_ACCESS_KEY"), "{err}");
    }

    #[test]
    fn missing_inputs_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let roots = roots_in(dir.path());
        let err = roots.check("input", "nope.json", Access::Read).unwrap_err();
        assert!(err.contains("cannot open"), "{err}");
    }
}
