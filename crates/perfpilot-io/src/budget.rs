//! A reader that fails once more than a budget of bytes came through (gzip bombs).

use std::io::{self, Read};

/// Wraps a (decompressing) reader; after `budget` bytes the next read fails with an error
/// that names the budget and how to raise it.
pub struct BudgetReader<R> {
    inner: R,
    left: u64,
    budget: u64,
    what: String,
}

impl<R: Read> BudgetReader<R> {
    /// Bound `inner` to `budget` bytes; `what` names the input in the error.
    pub fn new(inner: R, budget: u64, what: impl Into<String>) -> BudgetReader<R> {
        BudgetReader { inner, left: budget, budget, what: what.into() }
    }

    /// Bound `inner` to [`crate::max_decompressed_bytes`].
    pub fn decompressed(inner: R, what: impl Into<String>) -> BudgetReader<R> {
        BudgetReader::new(inner, crate::max_decompressed_bytes(), what)
    }
}

impl<R: Read> Read for BudgetReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            // One probe byte: exactly `budget` bytes of input is fine.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "{}: decompresses to more than {} bytes; raise the budget with {} \
                         BYTES (or {}=BYTES) if that is expected",
                        self.what,
                        self.budget,
                        crate::FLAG_MAX_DECOMPRESSED_BYTES,
                        crate::ENV_MAX_DECOMPRESSED_BYTES
                    ),
                )),
            };
        }
        let want = buf.len().min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_the_budget_passes_and_one_more_fails() {
        let data = [7u8; 100];
        let mut out = Vec::new();
        BudgetReader::new(&data[..], 100, "x").read_to_end(&mut out).unwrap();
        assert_eq!(out.len(), 100);
        let err = BudgetReader::new(&data[..], 99, "t.json.gz").read_to_end(&mut out).unwrap_err();
        assert!(err.to_string().contains("t.json.gz") && err.to_string().contains("99"), "{err}");
    }
}
