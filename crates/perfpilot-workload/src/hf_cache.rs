//! `--tokenizer ORG/NAME`: find `tokenizer.json` in the local Hugging Face hub cache, as
//! `transformers` would offline (`HF_HUB_CACHE`, else `HF_HOME/hub`, else
//! `XDG_CACHE_HOME/huggingface/hub`, else `~/.cache/huggingface/hub`; inside,
//! `models--ORG--NAME/snapshots/<rev>/tokenizer.json`, the revision in `refs/main` first).

use std::path::{Path, PathBuf};

/// The hub cache directories to search, in order, from the environment.
pub fn hub_cache_dirs() -> Vec<PathBuf> {
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    let mut dirs = Vec::new();
    if let Some(d) = env("HF_HUB_CACHE").or_else(|| env("HUGGINGFACE_HUB_CACHE")) {
        dirs.push(d);
    }
    if let Some(h) = env("HF_HOME") {
        dirs.push(h.join("hub"));
    } else if let Some(x) = env("XDG_CACHE_HOME") {
        dirs.push(x.join("huggingface/hub"));
    } else if let Some(home) = env("HOME") {
        dirs.push(home.join(".cache/huggingface/hub"));
    }
    dirs.dedup();
    dirs
}

/// Whether `s` reads as a hub model id (`ORG/NAME`, no path-like prefix).
pub fn looks_like_model_id(s: &str) -> bool {
    let mut parts = s.split('/');
    matches!((parts.next(), parts.next(), parts.next()), (Some(o), Some(n), None)
        if !o.is_empty() && !n.is_empty() && !o.starts_with('.') && !s.ends_with(".json"))
}

/// Where `model_id`'s `tokenizer.json` sits in one of `dirs`; `Err` lists every place
/// looked at.
pub fn find_in_hub_cache(model_id: &str, dirs: &[PathBuf]) -> Result<PathBuf, Vec<PathBuf>> {
    let folder = format!("models--{}", model_id.replace('/', "--"));
    let mut looked = Vec::new();
    for dir in dirs {
        let repo = dir.join(&folder);
        let snapshots = repo.join("snapshots");
        if let Ok(rev) = std::fs::read_to_string(repo.join("refs/main")) {
            let p = snapshots.join(rev.trim()).join("tokenizer.json");
            if p.is_file() {
                return Ok(p);
            }
        }
        let mut found: Vec<PathBuf> = std::fs::read_dir(&snapshots)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .map(|e| e.path().join("tokenizer.json"))
                    .filter(|p| p.is_file())
                    .collect()
            })
            .unwrap_or_default();
        found.sort();
        if let Some(p) = found.pop() {
            return Ok(p);
        }
        looked.push(snapshots.join("*").join("tokenizer.json"));
    }
    Err(looked)
}

/// Describe the places looked at, for an error message.
pub(crate) fn describe_looked(looked: &[PathBuf]) -> String {
    if looked.is_empty() {
        return "no Hugging Face cache directory is known (set HF_HOME or HF_HUB_CACHE)".into();
    }
    let list: Vec<String> = looked.iter().map(|p| p.display().to_string()).collect();
    format!("looked in {}", list.join(", "))
}

/// `p` unless it is missing and reads as a model id found in the hub cache.
pub(crate) fn resolve(p: &Path) -> Result<PathBuf, String> {
    if p.exists() {
        return Ok(p.to_path_buf());
    }
    let s = p.to_string_lossy();
    if !looks_like_model_id(&s) {
        return Ok(p.to_path_buf());
    }
    find_in_hub_cache(&s, &hub_cache_dirs()).map_err(|looked| {
        format!(
            "`{s}` is not a file, and no tokenizer.json for model `{s}` is in the local Hugging \
             Face cache ({}); download it (huggingface-cli download {s} tokenizer.json) or pass \
             a tokenizer.json path",
            describe_looked(&looked)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_ids() {
        assert!(looks_like_model_id("Qwen/Qwen3-0.6B"));
        assert!(!looks_like_model_id("tok.json"));
        assert!(!looks_like_model_id("./x/y"));
        assert!(!looks_like_model_id("a/b/c"));
        assert!(!looks_like_model_id("dir/tokenizer.json"));
    }

    #[test]
    fn refs_main_is_preferred() {
        let d = tempfile::tempdir().unwrap();
        let repo = d.path().join("models--org--m");
        for rev in ["aaa", "zzz"] {
            std::fs::create_dir_all(repo.join("snapshots").join(rev)).unwrap();
            std::fs::write(repo.join("snapshots").join(rev).join("tokenizer.json"), "{}").unwrap();
        }
        std::fs::create_dir_all(repo.join("refs")).unwrap();
        std::fs::write(repo.join("refs/main"), "aaa\n").unwrap();
        let dirs = vec![d.path().to_path_buf()];
        assert!(find_in_hub_cache("org/m", &dirs).unwrap().ends_with("aaa/tokenizer.json"));
        std::fs::remove_file(repo.join("refs/main")).unwrap();
        assert!(find_in_hub_cache("org/m", &dirs).unwrap().ends_with("zzz/tokenizer.json"));
        let looked = find_in_hub_cache("org/other", &dirs).unwrap_err();
        assert!(describe_looked(&looked).contains("models--org--other/snapshots"));
    }
}
