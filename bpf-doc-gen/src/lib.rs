//! `bpf-doc-gen`: the BPF helper database.
//!
//! Reads the helper documentation of `include/uapi/linux/bpf.h` from any kernel generation into a
//! [`Model`], and writes it out as the kernel's `bpf_helper_defs.h`, as a `BPF_HELPER` header for
//! load-time binding, as man-page sources or as JSON. [`table`] reads and writes the compact
//! per-platform helper tables kept in `headers/`.

#![warn(missing_docs)]

pub mod emit;
mod generate;
pub mod model;
pub mod parse;
pub mod table;

pub use generate::{
    generate_file, generate_str, render, write_atomic, Compat, Error, Format, Options,
};
pub use model::{Arg, Helper, IdSource, Model, SyscallCommand};
