//! `nvidia-smi --query-gpu=index,memory.used,memory.free --format=csv[,noheader]` files.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::CapacityError;

/// One GPU's memory as nvidia-smi printed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SmiRow {
    /// GPU index.
    pub index: u32,
    /// Used bytes.
    pub used_bytes: i64,
    /// Free bytes.
    pub free_bytes: i64,
}

impl SmiRow {
    /// used + free (the driver's total less its own reserve).
    pub fn total_bytes(&self) -> i64 {
        self.used_bytes + self.free_bytes
    }
}

fn mib(field: &str) -> Option<i64> {
    let t = field.trim();
    let (num, unit) = match t.split_once(' ') {
        Some((n, u)) => (n, u.trim()),
        None => (t, "MiB"),
    };
    let v: f64 = num.parse().ok()?;
    let scale = match unit {
        "MiB" | "" => 1_048_576.0,
        "GiB" => 1_073_741_824.0,
        "KiB" => 1024.0,
        _ => return None,
    };
    Some((v * scale).round() as i64)
}

/// Parse the CSV; `path` names the file in errors.
pub fn parse(text: &str, path: &str) -> Result<Vec<SmiRow>, CapacityError> {
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.to_ascii_lowercase().starts_with("index") {
            continue;
        }
        let fields: Vec<&str> = line.split(',').collect();
        let err =
            |m: &str| CapacityError::Smi { path: path.into(), line: i + 1, message: m.into() };
        if fields.len() < 3 {
            return Err(err(
                "expected `index, memory.used, memory.free` (nvidia-smi --query-gpu=index,memory.used,memory.free --format=csv)",
            ));
        }
        let index = fields[0]
            .trim()
            .parse()
            .map_err(|_| err("the first column (index) is not an integer"))?;
        let used = mib(fields[1]).ok_or_else(|| err("memory.used is not a number of MiB"))?;
        let free = mib(fields[2]).ok_or_else(|| err("memory.free is not a number of MiB"))?;
        rows.push(SmiRow { index, used_bytes: used, free_bytes: free });
    }
    if rows.is_empty() {
        return Err(CapacityError::Smi {
            path: path.into(),
            line: 0,
            message: "no GPU rows".into(),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_and_without_header() {
        let r = parse("index, memory.used [MiB], memory.free [MiB]\n0, 75000 MiB, 6559 MiB\n1, 74000 MiB, 7559 MiB\n", "x").unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].total_bytes(), 81559 * 1_048_576);
        let e = parse("0, abc, 1\n", "smi.csv").unwrap_err().to_string();
        assert!(e.contains("smi.csv line 1"), "{e}");
    }
}
