//! Compile-time helper tables. (placeholder)
