//! Output formats, one module each.

pub mod bpf_helper_macro;
