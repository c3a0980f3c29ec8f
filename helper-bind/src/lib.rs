//! `helper-bind`: binds BPF helper calls declared by name to a platform's helper IDs.
//!
//! Pipeline: [`elf`] (read-only view) → [`classify`] (what each call is) → [`plan`] (what to
//! change, or every problem at once) → [`patch`] (in-place byte edits) → [`write`] (atomic output).
#![warn(missing_docs)]

pub mod elf;
pub mod error;
pub mod insn;
pub mod platform;
pub mod synth;
pub mod unbind;

pub use error::{BindError, BindProblem, ElfError, ElfErrorKind, Error, Location};
