//! Compile-time BPF helper tables from the `BPF_HELPER` headers in `headers/`.
//!
//! * [`helper_table!`] embeds a whole table as a `::bpf_doc_gen::table::StaticTable`.
//! * [`helper_ids!`] declares one `pub const` per helper ID, for Rust BPF programs.
//!
//! Both read the header while the calling crate compiles, through the same parser as
//! `bpf_doc_gen::table::Table::parse_bpf_helper_header`, and make cargo rebuild the caller when
//! the header changes. A header that cannot be read or parsed is a `compile_error!` naming
//! `file:line` and what was expected.
//!
//! Paths are relative to the calling crate's `CARGO_MANIFEST_DIR` or, failing that, to the
//! nearest directory above it that has the file (so a workspace member can name
//! `headers/linux/bpf_helper_defs.h`).

#![warn(missing_docs)]

use proc_macro::TokenStream;

mod helper_ids;
mod helper_table;
mod locate;

/// Expands to a `::bpf_doc_gen::table::StaticTable` holding the helpers, program types and
/// aliases of a `BPF_HELPER` header; the calling crate must depend on `bpf-doc-gen`.
///
/// ```ignore
/// static WINDOWS: bpf_doc_gen::table::StaticTable =
///     helper_bind_macros::helper_table!("headers/windows/bpf_helper_defs.h");
/// let table = bpf_doc_gen::table::Table::from(&WINDOWS);
/// ```
#[proc_macro]
pub fn helper_table(input: TokenStream) -> TokenStream {
    helper_table::parse(input.into())
        .and_then(|path| helper_table::expand(&path))
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Declares `pub const NAME: u32 = ID;` for every helper of a `BPF_HELPER` header, the name in
/// upper case (`BPF_MAP_LOOKUP_ELEM`). Helpers of a program type go into a module named after
/// it (`xdp::BPF_XDP_ADJUST_HEAD`), since program types reuse IDs.
///
/// ```ignore
/// helper_bind_macros::helper_ids!("headers/linux/bpf_helper_defs.h");
/// assert_eq!(BPF_MAP_LOOKUP_ELEM, 1);
/// ```
#[proc_macro]
pub fn helper_ids(input: TokenStream) -> TokenStream {
    helper_table::parse(input.into())
        .and_then(|path| helper_ids::expand(&path))
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
