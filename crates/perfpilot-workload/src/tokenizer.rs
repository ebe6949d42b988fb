//! Tokenizers: the trait datasets use, and its implementation on a local
//! `tokenizer.json` (Hugging Face `tokenizers` crate). The benchmark client adds a second
//! implementation on a server's `/tokenize` endpoint.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::WorkloadError;

/// What datasets need from a tokenizer. Counts never include special tokens the server
/// adds on its own (BOS); that is the convention of both anchors' dataset code.
pub trait TextTokenizer: Send + Sync {
    /// A short description for result files (path or `server:<url>`).
    fn name(&self) -> String;
    /// Token ids of `text`, without added special tokens.
    fn encode(&self, text: &str) -> Result<Vec<u32>, WorkloadError>;
    /// Text of `ids`, keeping special tokens out of the text where the tokenizer can.
    fn decode(&self, ids: &[u32]) -> Result<String, WorkloadError>;
    /// Number of token ids (including added tokens).
    fn vocab_size(&self) -> u32;
    /// Ids of special (added, control) tokens that random prompts must not contain.
    fn special_ids(&self) -> BTreeSet<u32>;
    /// Number of tokens in `text` (default: `encode(text).len()`).
    fn count(&self, text: &str) -> Result<u32, WorkloadError> {
        Ok(u32::try_from(self.encode(text)?.len()).unwrap_or(u32::MAX))
    }
    /// Whether [`TextTokenizer::decode`] works and ids cover the vocabulary (default
    /// true). A server with `/tokenize` but no `/detokenize` says false; random text is
    /// then built from words and measured with [`TextTokenizer::count`].
    fn can_decode(&self) -> bool {
        true
    }
    /// Special tokens the server adds to a text prompt on its own (BOS, …): random text
    /// prompts are made this much shorter, so the server sees the requested length, as
    /// SGLang's random dataset does (default 0).
    fn added_special_tokens(&self) -> u32 {
        0
    }
}

/// A tokenizer loaded from a local `tokenizer.json`.
pub struct TokenizerFile {
    path: PathBuf,
    inner: tokenizers::Tokenizer,
}

impl std::fmt::Debug for TokenizerFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenizerFile").field("path", &self.path).finish()
    }
}

impl TokenizerFile {
    /// Load `path` (a `tokenizer.json`, or a directory that holds one), or, when no such
    /// file exists and `path` reads as `ORG/NAME`, that model's `tokenizer.json` from the
    /// local Hugging Face cache (the error then says where it looked).
    pub fn open(path: &Path) -> Result<TokenizerFile, WorkloadError> {
        let path = &crate::hf_cache::resolve(path).map_err(|message| WorkloadError::Tokenizer {
            name: path.display().to_string(),
            message,
        })?;
        let file = if path.is_dir() { path.join("tokenizer.json") } else { path.to_path_buf() };
        if !file.exists() {
            return Err(WorkloadError::io(
                &file,
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such tokenizer file"),
            ));
        }
        let bytes = perfpilot_io::read_bounded(&file).map_err(|e| WorkloadError::io(&file, e))?;
        let inner =
            tokenizers::Tokenizer::from_bytes(&bytes).map_err(|e| WorkloadError::Tokenizer {
                name: file.display().to_string(),
                message: format!("not a Hugging Face tokenizer.json: {e}"),
            })?;
        Ok(TokenizerFile { path: file, inner })
    }

    /// The file this tokenizer was loaded from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Ids with special tokens added (BOS etc.) — what a server sees for `text` when it
    /// adds them itself.
    pub fn encode_with_special(&self, text: &str) -> Result<Vec<u32>, WorkloadError> {
        self.inner
            .encode(text, true)
            .map(|e| e.get_ids().to_vec())
            .map_err(|e| self.err(format!("cannot encode: {e}")))
    }

    fn err(&self, message: String) -> WorkloadError {
        WorkloadError::Tokenizer { name: self.path.display().to_string(), message }
    }
}

impl TextTokenizer for TokenizerFile {
    fn name(&self) -> String {
        self.path.display().to_string()
    }

    fn encode(&self, text: &str) -> Result<Vec<u32>, WorkloadError> {
        self.inner
            .encode_fast(text, false)
            .map(|e| e.get_ids().to_vec())
            .map_err(|e| self.err(format!("cannot encode: {e}")))
    }

    fn decode(&self, ids: &[u32]) -> Result<String, WorkloadError> {
        self.inner.decode(ids, true).map_err(|e| self.err(format!("cannot decode: {e}")))
    }

    fn vocab_size(&self) -> u32 {
        u32::try_from(self.inner.get_vocab_size(true)).unwrap_or(u32::MAX)
    }

    fn special_ids(&self) -> BTreeSet<u32> {
        self.inner.get_added_tokens_decoder().into_iter().map(|(id, _)| id).collect()
    }

    fn added_special_tokens(&self) -> u32 {
        // The post-processor's additions for one sequence (BOS for Llama, none for GPT-2).
        self.inner.get_post_processor().map_or(0, |p| {
            u32::try_from(tokenizers::PostProcessor::added_tokens(p, false)).unwrap_or(0)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared(name: &str) -> Option<PathBuf> {
        let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/bench/tokenizers")
            .join(name)
            .join("tokenizer.json");
        p.exists().then_some(p)
    }

    #[test]
    fn gpt2_encodes_reference_sentence() {
        let Some(p) = shared("gpt2") else {
            panic!("fixture tests/fixtures/bench/tokenizers/gpt2/tokenizer.json missing")
        };
        let t = TokenizerFile::open(&p).unwrap();
        // Reference ids from the GPT-2 tokenizer (openai-community/gpt2).
        let ids = t.encode("Hello world").unwrap();
        assert_eq!(ids, vec![15496, 995]);
        assert_eq!(t.decode(&ids).unwrap(), "Hello world");
        assert_eq!(t.vocab_size(), 50257);
        assert!(t.special_ids().contains(&50256));
    }

    #[test]
    fn missing_file_names_the_path() {
        let err = TokenizerFile::open(Path::new("/nonexistent/tok.json")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/tok.json"), "{err}");
    }
}
