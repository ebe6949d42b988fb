//! Launch-log parsing throughput (filled in below once the parser is final).
fn main() {}
