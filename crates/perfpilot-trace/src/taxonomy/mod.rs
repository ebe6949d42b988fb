//! Kernel taxonomy: categories and the data-driven rules that assign them.

mod category;

pub use category::Category;
