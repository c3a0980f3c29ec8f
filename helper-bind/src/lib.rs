//! `helper-bind`: binds BPF helper calls declared by name to a platform's helper IDs.
//!
//! Pipeline: [`elf`] (read-only view) → [`classify`] (what each call is) → [`plan`] (what to
//! change, or every problem at once) → [`patch`] (in-place byte edits) → [`write`](mod@write) (atomic output).
#![warn(missing_docs)]

pub mod batch;
pub mod bind;
pub mod btf;
pub mod callgraph;
pub mod check;
pub mod classify;
pub mod elf;
pub mod error;
pub mod insn;
pub mod list;
pub mod patch;
pub mod plan;
pub mod platform;
pub mod rebind;
pub mod synth;
pub mod unbind;
pub mod write;

pub use bind::{bind, bind_edits, bind_file, BindFailure, BindReport, BoundCall};
pub use error::{BindError, BindProblem, ElfError, ElfErrorKind, Error, Location};
pub use plan::{BindOptions, HelperTable};
