//! GPU specs from `data/gpus.toml` (embedded; a user file can replace it).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::CapacityError;

const EMBEDDED: &str = include_str!("../data/gpus.toml");

/// One GPU model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GpuSpec {
    /// Key users type (`h100`).
    pub key: String,
    /// Driver product name.
    pub name: String,
    /// Other accepted names.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Memory in MiB as nvidia-smi reports it.
    #[serde(default)]
    pub memory_mib: Option<u64>,
    /// Memory in bytes, when only a byte figure was seen.
    #[serde(default)]
    pub memory_bytes: Option<u64>,
    /// False when the size is nominal, not seen in a driver printout.
    #[serde(default)]
    pub verified: bool,
    /// Where the number was seen.
    pub source: String,
}

impl GpuSpec {
    /// Total device memory in bytes.
    pub fn total_bytes(&self) -> i64 {
        match (self.memory_bytes, self.memory_mib) {
            (Some(b), _) => b as i64,
            (None, Some(m)) => (m * 1_048_576) as i64,
            (None, None) => 0,
        }
    }
}

#[derive(Deserialize)]
struct File {
    #[allow(dead_code)]
    schema: u32,
    gpu: Vec<GpuSpec>,
}

/// The GPU table.
#[derive(Debug, Clone)]
pub struct GpuTable {
    /// Entries in file order.
    pub gpus: Vec<GpuSpec>,
}

impl GpuTable {
    /// The embedded table.
    pub fn embedded() -> GpuTable {
        // The embedded file is checked by a unit test; an error here would be a build defect.
        GpuTable::parse(EMBEDDED, "data/gpus.toml").unwrap_or(GpuTable { gpus: Vec::new() })
    }

    /// Parse a table; errors name the file, line and column.
    pub fn parse(text: &str, path: &str) -> Result<GpuTable, CapacityError> {
        let f: File = toml::from_str(text).map_err(|e| CapacityError::toml(text, path, &e))?;
        for g in &f.gpu {
            // 1 MiB to 16 TiB: 0 MiB is no GPU, and larger sizes would leave i64 byte sums.
            let bytes = match (g.memory_bytes, g.memory_mib) {
                (Some(b), _) => Some(b),
                (None, Some(m)) => Some(m.saturating_mul(1_048_576)),
                (None, None) => None,
            };
            if let Some(b) = bytes
                && !(1_048_576..=1u64 << 44).contains(&b)
            {
                return Err(CapacityError::Data {
                    path: path.into(),
                    message: format!(
                        "GPU `{}`: memory must be between 1 MiB and 16 TiB (memory_mib 1 to \
                         16777216), got {b} bytes",
                        g.key
                    ),
                });
            }
            if g.memory_mib.is_none() && g.memory_bytes.is_none() {
                return Err(CapacityError::Data {
                    path: path.into(),
                    message: format!("GPU `{}` has neither memory_mib nor memory_bytes", g.key),
                });
            }
        }
        Ok(GpuTable { gpus: f.gpu })
    }

    /// Find by key, alias or driver name (case-insensitive; `-`, `_` and spaces ignored).
    pub fn find(&self, name: &str) -> Result<&GpuSpec, CapacityError> {
        let norm = |s: &str| s.to_ascii_lowercase().replace(['-', '_', ' '], "");
        let want = norm(name.trim_start_matches("NVIDIA ").trim_start_matches("nvidia "));
        self.gpus
            .iter()
            .find(|g| {
                norm(&g.key) == want
                    || g.aliases.iter().any(|a| norm(a) == want)
                    || norm(g.name.trim_start_matches("NVIDIA ")) == want
            })
            .ok_or_else(|| CapacityError::UnknownGpu {
                name: name.to_string(),
                known: self.gpus.iter().map(|g| g.key.as_str()).collect::<Vec<_>>().join(", "),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_table_loads() {
        let t = GpuTable::parse(EMBEDDED, "data/gpus.toml").unwrap();
        assert!(t.gpus.len() >= 10);
        assert_eq!(t.find("H100").unwrap().total_bytes(), 81559 * 1_048_576);
        assert_eq!(t.find("h200-sxm-141gb").unwrap().key, "h200");
        assert_eq!(t.find("NVIDIA B200").unwrap().key, "b200");
        assert!(t.find("tpu").is_err());
    }

    #[test]
    fn bad_table_names_line() {
        let e =
            GpuTable::parse("schema = 1\n[[gpu]]\nkey = 3\n", "x.toml").unwrap_err().to_string();
        assert!(e.contains("x.toml") && e.contains("line 3"), "{e}");
    }
}
