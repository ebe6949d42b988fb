//! Output format selection.

use std::io::IsTerminal;

/// How a result is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Box-drawn tables for a terminal.
    Table,
    /// GitHub-flavoured markdown.
    Md,
    /// The JSON envelope (machine contract).
    Json,
}

impl Format {
    /// The default when the user did not choose: `table` when stdout is a terminal,
    /// `md` when it is piped or redirected.
    pub fn auto() -> Format {
        if std::io::stdout().is_terminal() { Format::Table } else { Format::Md }
    }

    /// Resolve an optional user choice against [`Format::auto`].
    pub fn resolve(choice: Option<Format>) -> Format {
        choice.unwrap_or_else(Format::auto)
    }

    /// Parse `table`, `md`/`markdown` or `json`.
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "table" => Some(Format::Table),
            "md" | "markdown" => Some(Format::Md),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::parse(s).ok_or_else(|| format!("unknown format `{s}` (expected table, md or json)"))
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Format::Table => "table",
            Format::Md => "md",
            Format::Json => "json",
        })
    }
}
