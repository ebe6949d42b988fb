//! What this run may touch: the inputs it read (never overwritten by an output) and, when
//! confined, the roots every opened path must resolve into.

use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use crate::IoError;

/// Environment variable holding the confinement roots of a worker process (a path list
/// joined like `PATH`); set by `perfpilot mcp` for each tool call.
pub const ENV_CONFINE_ROOTS: &str = "PERFPILOT_CONFINE_ROOTS";

/// One input of the run: its identity on disk and the path it was read as.
#[derive(Clone)]
struct Input {
    #[cfg(unix)]
    id: (u64, u64),
    canonical: PathBuf,
    given: PathBuf,
}

fn inputs() -> &'static Mutex<Vec<Input>> {
    static INPUTS: OnceLock<Mutex<Vec<Input>>> = OnceLock::new();
    INPUTS.get_or_init(|| Mutex::new(Vec::new()))
}

fn roots_cell() -> &'static Mutex<Option<Vec<PathBuf>>> {
    static ROOTS: OnceLock<Mutex<Option<Vec<PathBuf>>>> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let from_env = std::env::var_os(ENV_CONFINE_ROOTS).map(|v| {
            std::env::split_paths(&v)
                .filter(|p| !p.as_os_str().is_empty())
                .map(|p| std::fs::canonicalize(&p).unwrap_or(p))
                .collect::<Vec<_>>()
        });
        Mutex::new(from_env.filter(|r| !r.is_empty()))
    })
}

/// Record `path` as an input of this run: an output that resolves to the same file is
/// refused. The readers of this crate call it; call it for inputs read otherwise.
pub fn note_input(path: &Path) {
    let Ok(meta) = std::fs::metadata(path) else { return };
    if !meta.is_file() {
        return;
    }
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let input = Input {
        #[cfg(unix)]
        id: {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino())
        },
        canonical,
        given: path.to_path_buf(),
    };
    if let Ok(mut list) = inputs().lock() {
        list.push(input);
    }
}

/// The input of this run that `target` (an existing, resolved path) is, if any.
pub(crate) fn input_matching(target: &Path) -> Option<PathBuf> {
    let list = inputs().lock().ok()?;
    #[cfg(unix)]
    if let Ok(meta) = std::fs::metadata(target) {
        use std::os::unix::fs::MetadataExt;
        let id = (meta.dev(), meta.ino());
        // Inode numbers are reused once a file is deleted: an entry counts only while
        // its own path still names that inode.
        let alive =
            |i: &&Input| std::fs::metadata(&i.canonical).is_ok_and(|m| (m.dev(), m.ino()) == i.id);
        if let Some(i) = list.iter().filter(alive).find(|i| i.id == id) {
            return Some(i.given.clone());
        }
    }
    let canonical = std::fs::canonicalize(target).ok()?;
    list.iter().find(|i| i.canonical == canonical).map(|i| i.given.clone())
}

/// Confine every path this crate opens to `roots` for the rest of the process (the MCP
/// worker calls it). Roots are canonicalised.
pub fn confine(roots: &[PathBuf]) {
    let canon = roots.iter().map(|r| std::fs::canonicalize(r).unwrap_or_else(|_| r.clone()));
    if let Ok(mut cell) = roots_cell().lock() {
        *cell = Some(canon.collect());
    }
}

/// The confinement roots, when this process is confined.
pub fn confined_roots() -> Option<Vec<PathBuf>> {
    roots_cell().lock().ok()?.clone()
}

/// `path` with `.` dropped and each `..` taking off the component before it, without
/// touching the file system (for paths that may not exist).
pub fn normalize_lexically(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Resolve `path` (symlinks followed, `..` removed): the canonical path when it exists,
/// else its canonical parent plus the file name.
pub(crate) fn resolve(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map(|d| d.join(path)).unwrap_or_else(|_| path.to_path_buf())
    };
    let abs = normalize_lexically(&abs);
    match (abs.parent(), abs.file_name()) {
        (Some(parent), Some(name)) => match std::fs::canonicalize(parent) {
            Ok(p) => p.join(name),
            Err(_) => abs,
        },
        _ => abs,
    }
}

/// When this process is confined, check that `path` resolves (symlinks followed, `..`
/// removed) inside a root; returns the resolved path. Unconfined, returns `path` as is.
pub fn check_confined(path: &Path) -> Result<PathBuf, IoError> {
    let Some(roots) = confined_roots() else { return Ok(path.to_path_buf()) };
    let resolved = resolve(path);
    if roots.iter().any(|r| resolved.starts_with(r)) {
        Ok(resolved)
    } else {
        Err(IoError::Outside {
            path: path.to_path_buf(),
            resolved,
            roots: roots.iter().map(|r| r.display().to_string()).collect::<Vec<_>>().join(", "),
        })
    }
}
