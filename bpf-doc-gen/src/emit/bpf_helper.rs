//! The `BPF_HELPER` header: the kernel header's layout, but every helper declared as
//! `BPF_HELPER(return_type, name, (args), id);` after the macro block of
//! [`super::bpf_helper_macro`], so that the includer chooses early binding (the default, the
//! same code as the kernel header) or late binding (`BPF_HELPER_LATE_BINDING`: `extern`
//! declarations that `helper-bind` resolves per platform).
//!
//! Attributes go into the return type argument:
//! `BPF_HELPER(__bpf_fastcall __u32, bpf_get_smp_processor_id, (void), 8);`.

use super::error::EmitError;
use super::header::{render, Declaration, HeaderOptions};
use crate::model::Model;

/// The `BPF_HELPER` header for `model`. `opts.style` picks the forward declarations and
/// whether attributes are kept, as for [`super::header::helpers_header`].
pub fn bpf_helper_header(model: &Model, opts: &HeaderOptions) -> Result<String, EmitError> {
    render(model, opts, Declaration::BpfHelper)
}
