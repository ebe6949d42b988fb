//! Seconds given by a user (flags, JSON options) turned into a [`Duration`] without the
//! panic of `Duration::from_secs_f64` on huge, negative or NaN values.

use std::time::Duration;

/// The longest wait any option may ask for: 1e9 s (about 31.7 years). Longer values would
/// overflow `Instant` arithmetic and are never meant.
pub const MAX_SECONDS: f64 = 1e9;

/// A seconds option outside `[min, MAX_SECONDS]`, NaN or infinite.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{option} {value}: expected seconds {lower} and at most {MAX_SECONDS:e}")]
pub struct SecondsError {
    /// The option (flag or JSON field) as the user wrote it.
    pub option: String,
    /// The value given.
    pub value: f64,
    /// `"> 0"` or `">= 0"`.
    pub lower: &'static str,
}

/// Strictly positive seconds, at most [`MAX_SECONDS`].
pub fn positive_seconds(option: &str, value: f64) -> Result<Duration, SecondsError> {
    if value > 0.0 && value <= MAX_SECONDS {
        Duration::try_from_secs_f64(value).map_err(|_| err(option, value, "> 0"))
    } else {
        Err(err(option, value, "> 0"))
    }
}

/// Non-negative seconds, at most [`MAX_SECONDS`].
pub fn nonnegative_seconds(option: &str, value: f64) -> Result<Duration, SecondsError> {
    if (0.0..=MAX_SECONDS).contains(&value) {
        Duration::try_from_secs_f64(value).map_err(|_| err(option, value, ">= 0"))
    } else {
        Err(err(option, value, ">= 0"))
    }
}

fn err(option: &str, value: f64, lower: &'static str) -> SecondsError {
    SecondsError { option: option.to_string(), value, lower }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        assert_eq!(positive_seconds("--x", 1.5), Ok(Duration::from_millis(1500)));
        for v in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e308, MAX_SECONDS * 1.01] {
            let e = positive_seconds("--x", v).unwrap_err();
            assert!(e.to_string().starts_with("--x "), "{e}");
        }
        assert_eq!(nonnegative_seconds("--y", 0.0), Ok(Duration::ZERO));
        assert!(nonnegative_seconds("--y", 1e308).is_err());
        assert!(nonnegative_seconds("--y", -0.5).is_err());
    }
}
