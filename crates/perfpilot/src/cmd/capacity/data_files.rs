//! The data files both `capacity` commands can replace (README: every data file has a flag).

use std::path::PathBuf;

/// Files replacing the built-in data of `capacity explain` and `capacity plan`.
#[derive(clap::Args, Debug, Clone)]
pub(crate) struct DataFiles {
    /// GPU table replacing the built-in one (same TOML shape as `data/gpus.toml`).
    #[arg(long = "gpu-table", value_name = "FILE")]
    pub gpu_table: Option<PathBuf>,
    /// Framework sizing rules replacing the built-in ones (same TOML shape as
    /// `data/frameworks.toml`).
    #[arg(long, value_name = "FILE")]
    pub frameworks: Option<PathBuf>,
    /// Rule file replacing the built-in `config.json` reading rules (same schema as
    /// `crates/perfpilot-modelconfig/data/model_config.toml`).
    #[arg(long = "model-rules", value_name = "FILE")]
    pub model_rules: Option<PathBuf>,
    /// Config-field bounds and parallelism rule replacing the built-in ones (same TOML shape
    /// as `data/limits.toml`).
    #[arg(long, value_name = "FILE")]
    pub limits: Option<PathBuf>,
}
