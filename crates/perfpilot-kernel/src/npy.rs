//! A small, strict `.npy` reader (format versions 1.0, 2.0, 3.0; C order; little- or
//! big-endian integers and floats). Errors name the file and the byte offset.

use std::path::Path;

use crate::KernelError;

/// Element types the reader understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Elem {
    /// IEEE binary16.
    F16,
    /// IEEE binary32.
    F32,
    /// IEEE binary64.
    F64,
    /// Signed integers of 1, 2, 4 or 8 bytes.
    Int(u8),
    /// Unsigned integers of 1, 2, 4 or 8 bytes (bf16 and fp8 travel as `u2` / `u1`).
    UInt(u8),
    /// Booleans (`|b1`).
    Bool,
}

impl Elem {
    fn size(self) -> usize {
        match self {
            Elem::F16 => 2,
            Elem::F32 => 4,
            Elem::F64 => 8,
            Elem::Int(n) | Elem::UInt(n) => n as usize,
            Elem::Bool => 1,
        }
    }
}

/// A parsed array: its descriptor, shape and the raw bits of each element.
#[derive(Debug, Clone, PartialEq)]
pub struct NpyArray {
    /// The `descr` string (`<f4`).
    pub descr: String,
    /// The element type.
    pub elem: Elem,
    /// The shape.
    pub shape: Vec<usize>,
    /// Each element's bits, zero-extended (integers sign-extended into i64 bits).
    pub bits: Vec<u64>,
}

impl NpyArray {
    /// Element values as f64. `dtype` (the task's dtype) says how unsigned storage is
    /// meant: `bf16` for `u2`, `fp8` (e4m3) for `u1`; otherwise integers are values.
    pub fn values(&self, dtype: &str) -> Vec<f64> {
        self.bits
            .iter()
            .map(|&b| match (self.elem, dtype) {
                (Elem::F16, _) => f16_to_f64(b as u16),
                (Elem::F32, _) => f64::from(f32::from_bits(b as u32)),
                (Elem::F64, _) => f64::from_bits(b),
                (Elem::UInt(2), "bf16") => f64::from(f32::from_bits((b as u32) << 16)),
                (Elem::UInt(1), "fp8") => e4m3_to_f64(b as u8),
                (Elem::Int(_), _) => b as i64 as f64,
                (Elem::UInt(_) | Elem::Bool, _) => b as f64,
            })
            .collect()
    }
}

/// Read and parse a `.npy` file.
pub fn read_npy(path: &Path) -> Result<NpyArray, KernelError> {
    let bytes = std::fs::read(path).map_err(|e| KernelError::io(path, e))?;
    parse_npy(&bytes, &path.display().to_string())
}

/// Parse `.npy` bytes; `name` names the file in errors.
pub fn parse_npy(bytes: &[u8], name: &str) -> Result<NpyArray, KernelError> {
    let err = |offset: usize, message: String| KernelError::Npy {
        path: name.to_string(),
        offset,
        message,
    };
    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        return Err(err(0, "expected the magic string \\x93NUMPY (not a .npy file)".into()));
    }
    let (major, minor) = (bytes[6], bytes[7]);
    let (hlen, start) = match major {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 if bytes.len() >= 12 => {
            (u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize, 12)
        }
        _ => return Err(err(6, format!("unsupported format version {major}.{minor}"))),
    };
    let end = start + hlen;
    let header = bytes.get(start..end).ok_or_else(|| {
        err(start, format!("header of {hlen} bytes runs past the end ({} bytes)", bytes.len()))
    })?;
    let header = std::str::from_utf8(header)
        .map_err(|e| err(start + e.valid_up_to(), "header is not UTF-8".into()))?;
    let descr = dict_value(header, "descr")
        .and_then(|v| v.strip_prefix('\'')?.strip_suffix('\'').map(str::to_string))
        .ok_or_else(|| err(start, "header has no 'descr': '...' entry".into()))?;
    let fortran = dict_value(header, "fortran_order")
        .ok_or_else(|| err(start, "header has no 'fortran_order' entry".into()))?;
    if fortran != "False" {
        return Err(err(start, format!("fortran_order {fortran}: only C order is supported")));
    }
    let shape_txt = dict_value(header, "shape")
        .ok_or_else(|| err(start, "header has no 'shape': (...) entry".into()))?;
    let shape = parse_shape(&shape_txt).ok_or_else(|| {
        err(start, format!("shape `{shape_txt}`: expected a tuple of non-negative integers"))
    })?;
    let (big, elem) = parse_descr(&descr)
        .ok_or_else(|| err(start, format!("descr '{descr}' is not a supported numeric type")))?;
    let count = shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
    let count = count.ok_or_else(|| err(start, "shape overflows".into()))?;
    let size = elem.size();
    let data = &bytes[end..];
    if Some(data.len()) != count.checked_mul(size) {
        return Err(err(
            end,
            format!(
                "expected {count} elements of {size} bytes ({} bytes) after the header, found {}",
                count.saturating_mul(size),
                data.len()
            ),
        ));
    }
    let bits = data
        .chunks_exact(size)
        .map(|c| {
            let mut b = [0u8; 8];
            if big {
                b[8 - size..].copy_from_slice(c);
                let v = u64::from_be_bytes(b);
                sign_extend(v, elem)
            } else {
                b[..size].copy_from_slice(c);
                sign_extend(u64::from_le_bytes(b), elem)
            }
        })
        .collect();
    Ok(NpyArray { descr, elem, shape, bits })
}

fn sign_extend(v: u64, elem: Elem) -> u64 {
    match elem {
        Elem::Int(n) if n < 8 => {
            let shift = 64 - 8 * u32::from(n);
            (((v << shift) as i64) >> shift) as u64
        }
        _ => v,
    }
}

/// The raw text of `'key': VALUE` in a Python dict literal (up to the next `,` outside
/// parentheses, or the closing brace).
fn dict_value(header: &str, key: &str) -> Option<String> {
    let pat = format!("'{key}':");
    let i = header.find(&pat)? + pat.len();
    let rest = header[i..].trim_start();
    let mut depth = 0;
    let mut end = rest.len();
    for (j, c) in rest.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' | '}' if depth == 0 => {
                end = j;
                break;
            }
            _ => {}
        }
    }
    Some(rest[..end].trim().to_string())
}

fn parse_shape(s: &str) -> Option<Vec<usize>> {
    let inner = s.strip_prefix('(')?.strip_suffix(')')?;
    inner.split(',').map(str::trim).filter(|p| !p.is_empty()).map(|p| p.parse().ok()).collect()
}

fn parse_descr(d: &str) -> Option<(bool, Elem)> {
    let (order, ty) = d.split_at_checked(1)?;
    let big = match order {
        "<" | "|" | "=" => false,
        ">" => true,
        _ => return None,
    };
    let (kind, n) = ty.split_at_checked(1)?;
    let n: u8 = n.parse().ok()?;
    let elem = match (kind, n) {
        ("f", 2) => Elem::F16,
        ("f", 4) => Elem::F32,
        ("f", 8) => Elem::F64,
        ("i", 1 | 2 | 4 | 8) => Elem::Int(n),
        ("u", 1 | 2 | 4 | 8) => Elem::UInt(n),
        ("b", 1) => Elem::Bool,
        _ => return None,
    };
    Some((big, elem))
}

/// IEEE binary16 → f64.
pub fn f16_to_f64(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((h >> 10) & 0x1f);
    let man = f64::from(h & 0x3ff);
    sign * match exp {
        0 => man * 2f64.powi(-24),
        31 if man == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        e => (1.0 + man / 1024.0) * 2f64.powi(e - 15),
    }
}

/// fp8 e4m3fn (no infinities; 0x7f / 0xff are NaN) → f64.
pub fn e4m3_to_f64(b: u8) -> f64 {
    let sign = if b & 0x80 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((b >> 3) & 0xf);
    let man = f64::from(b & 0x7);
    if exp == 15 && man == 7.0 {
        return f64::NAN;
    }
    sign * match exp {
        0 => man / 8.0 * 2f64.powi(-6),
        e => (1.0 + man / 8.0) * 2f64.powi(e - 7),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn npy(descr: &str, shape: &str, data: &[u8]) -> Vec<u8> {
        let mut h = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
        while (10 + h.len() + 1) % 64 != 0 {
            h.push(' ');
        }
        h.push('\n');
        let mut v = b"\x93NUMPY\x01\x00".to_vec();
        v.extend((h.len() as u16).to_le_bytes());
        v.extend(h.as_bytes());
        v.extend(data);
        v
    }

    #[test]
    fn reads_f32_f16_bf16_i32() {
        let data: Vec<u8> = [1.5f32, -2.0].iter().flat_map(|x| x.to_le_bytes()).collect();
        let a = parse_npy(&npy("<f4", "(2,)", &data), "a.npy").unwrap();
        assert_eq!((a.shape.clone(), a.values("fp32")), (vec![2], vec![1.5, -2.0]));
        let a = parse_npy(&npy("<f2", "(1,)", &0x3c00u16.to_le_bytes()), "h.npy").unwrap();
        assert_eq!(a.values("fp16"), vec![1.0]);
        let a = parse_npy(&npy("<u2", "(1,)", &0x3fc0u16.to_le_bytes()), "b.npy").unwrap();
        assert_eq!(a.values("bf16"), vec![1.5]);
        let a = parse_npy(&npy("<i4", "(1, 1)", &(-3i32).to_le_bytes()), "i.npy").unwrap();
        assert_eq!(a.values("bitwise"), vec![-3.0]);
        assert_eq!(e4m3_to_f64(0x38), 1.0);
    }

    #[test]
    fn errors_name_offsets() {
        let e = parse_npy(b"hello world", "x.npy").unwrap_err().to_string();
        assert!(e.starts_with("x.npy: byte 0: expected the magic"), "{e}");
        let mut b = npy("<f4", "(3,)", &[0; 8]);
        let e = parse_npy(&b, "y.npy").unwrap_err().to_string();
        assert!(e.contains("byte 128: expected 3 elements of 4 bytes (12 bytes)"), "{e}");
        b = npy("<c8", "(1,)", &[0; 8]);
        let e = parse_npy(&b, "z.npy").unwrap_err().to_string();
        assert!(e.contains("byte 10: descr '<c8'"), "{e}");
    }
}
