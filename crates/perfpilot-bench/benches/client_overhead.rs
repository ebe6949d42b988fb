//! Client overhead benchmark (being written).
fn main() {}
