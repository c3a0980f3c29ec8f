//! Output formats, one module each.

pub mod bpf_helper;
pub mod bpf_helper_macro;
pub mod error;
pub mod header;
pub mod json;
mod man_text;
pub mod rst;
pub mod syscall_rst;

pub use error::EmitError;
