//! Finding the trace files of an input and the server args beside them.

pub mod discover;
pub mod server_args;
