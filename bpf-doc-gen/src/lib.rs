//! `bpf-doc-gen`: the BPF helper database.
//!
//! Reads the helper documentation of `include/uapi/linux/bpf.h` from any kernel generation into a
//! [`Model`], and writes it out as the kernel's `bpf_helper_defs.h`, as a `BPF_HELPER` header for
//! load-time binding, as man-page sources or as JSON. [`table`] reads and writes the compact
//! per-platform helper tables kept in `headers/`.
//!
//! The pieces, in data-flow order:
//! - [`parse::parse_file`] / [`parse::parse_str`]: `bpf.h` → [`Model`], or a
//!   [`parse::ParseError`] that names `file:line` and what was expected there;
//! - [`emit`]: one module per format, each `Model` → `String`; [`render`] picks one by
//!   [`Options`];
//! - [`generate_file`] (for `build.rs`): path in, format out, written atomically with
//!   [`write_atomic`]; [`generate_str`] for text in memory.
//!
//! ```no_run
//! // build.rs of a crate that compiles BPF C against the running system's helpers
//! let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap());
//! let opts = bpf_doc_gen::Options {
//!     format: bpf_doc_gen::Format::BpfHelper,
//!     ..Default::default()
//! };
//! bpf_doc_gen::generate_file(
//!     "/usr/include/linux/bpf.h".as_ref(),
//!     &out.join("bpf_helper_defs.h"),
//!     &opts,
//! )
//! .unwrap();
//! ```

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
