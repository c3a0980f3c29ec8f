//! Shared parts of the fuzz targets: an allocation guard that turns any allocation sized from
//! an untrusted field (larger than the input could justify) into a crash libFuzzer records, and
//! the structure-aware object mutator.

pub mod alloc_guard;
pub mod exercise;
pub mod mutate;
