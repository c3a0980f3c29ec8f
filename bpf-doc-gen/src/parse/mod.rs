//! Parsing `bpf.h` into a [`crate::Model`]. (owned by the parser work; placeholder)
