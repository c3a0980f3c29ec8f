//! `helper_ids!("path")`: one `pub const` per helper ID.

use crate::helper_table::track;
use crate::locate::{load, LoadedHeader};
use proc_macro2::{Span, TokenStream};
use quote::quote;

/// The constants: general helpers at the call site, each program type's in a module.
pub(crate) fn expand(path: &syn::LitStr) -> syn::Result<TokenStream> {
    let LoadedHeader { path, table } = load(&path.value(), path.span())?;
    let tracked = track(&path);
    let constant = |name: &str, id: u32| {
        let ident = syn::Ident::new(&name.to_uppercase(), Span::call_site());
        let doc = format!("Helper ID of `{name}`.");
        quote!(#[doc = #doc] pub const #ident: u32 = #id;)
    };
    let general = table
        .helpers
        .iter()
        .filter(|h| h.program_type.is_none())
        .map(|h| constant(&h.name, h.id));
    let mut modules = Vec::new();
    for p in &table.program_types {
        let module = module_ident(&p.name)?;
        let doc = format!(
            "Helper IDs of program type `{}` (sections {}).",
            p.name,
            p.sections.join(", ")
        );
        let ids = table
            .helpers
            .iter()
            .filter(|h| h.program_type.as_deref() == Some(p.name.as_str()))
            .map(|h| constant(&h.name, h.id));
        modules.push(quote!(#[doc = #doc] pub mod #module { #(#ids)* }));
    }
    Ok(quote! {
        #tracked
        #(#general)*
        #(#modules)*
    })
}

/// A module named after a program type; `r#name` for Rust keywords.
fn module_ident(name: &str) -> syn::Result<syn::Ident> {
    if let Ok(ident) = syn::parse_str::<syn::Ident>(name) {
        return Ok(ident);
    }
    if matches!(name, "self" | "super" | "crate" | "Self" | "_") {
        return Err(syn::Error::new(
            Span::call_site(),
            format!("program type `{name}` cannot be the name of a Rust module"),
        ));
    }
    Ok(syn::Ident::new_raw(name, Span::call_site()))
}
