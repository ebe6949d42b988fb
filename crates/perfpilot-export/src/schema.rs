//! The Parquet schemas of the dataset. `docs/trace.md` ("Columnar export") documents each
//! column; a change of columns, types or meaning bumps [`DATASET_VERSION`].

/// `schema_version` in every file's key-value metadata.
pub const DATASET_VERSION: &str = "perfpilot.trace.export/1";

/// Key of the dataset version in the key-value metadata.
pub const VERSION_KEY: &str = "schema_version";

/// One row per GPU op (kernel, memcpy, memset) of one rank; the rank is the Hive
/// partition (`kernels/rank=N/`), not a column of the file.
pub const KERNELS: &str = "message kernels {
  required binary stage (STRING);
  required binary kind (STRING);
  required int64 device;
  required int64 stream;
  required int64 start_ns;
  required int64 dur_ns;
  required int32 name_id;
  required binary category (STRING);
  required binary evidence (STRING);
  required binary rule (STRING);
  required binary site_kind (STRING);
  optional binary call_site (STRING);
  optional binary launch_op (STRING);
  optional int64 correlation;
  optional int32 pass;
  optional int32 layer;
}";

/// One row per distinct full kernel name of the dataset.
pub const NAMES: &str = "message names {
  required int32 name_id;
  required binary name (STRING);
  required binary canonical (STRING);
  required binary row_id (STRING);
}";

/// Rows per row group (a reader's unit of parallelism and skipping).
pub const ROW_GROUP_ROWS: usize = 1 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_parse() {
        for s in [KERNELS, NAMES] {
            parquet::schema::parser::parse_message_type(s).unwrap();
        }
    }
}
