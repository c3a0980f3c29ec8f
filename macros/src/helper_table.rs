//! `helper_table!("path")`: a header's table as a `'static` constant.

use crate::locate::{load, LoadedHeader};
use proc_macro2::TokenStream;
use quote::quote;

/// The one argument of both macros: a string literal naming the header.
pub(crate) fn parse(input: TokenStream) -> syn::Result<syn::LitStr> {
    syn::parse2::<syn::LitStr>(input).map_err(|e| {
        syn::Error::new(
            e.span(),
            "expected one string literal: the path of a BPF_HELPER header, e.g. \"headers/linux/bpf_helper_defs.h\"",
        )
    })
}

/// `{ const _: &[u8] = include_bytes!(PATH); ::bpf_doc_gen::table::StaticTable { .. } }`.
pub(crate) fn expand(path: &syn::LitStr) -> syn::Result<TokenStream> {
    let LoadedHeader { path, table } = load(&path.value(), path.span())?;
    let tracked = track(&path);
    let helpers = table.helpers.iter().map(|h| {
        let (name, id, ret, args) = (&h.name, h.id, &h.return_type, &h.args);
        let program_type = match &h.program_type {
            Some(p) => quote!(::core::option::Option::Some(#p)),
            None => quote!(::core::option::Option::None),
        };
        quote! {
            ::bpf_doc_gen::table::StaticHelper {
                name: #name,
                id: #id,
                return_type: #ret,
                args: #args,
                program_type: #program_type,
            }
        }
    });
    let program_types = table.program_types.iter().map(|p| {
        let (name, id, enum_name, sections) = (&p.name, p.id, &p.enum_name, &p.sections);
        quote! {
            ::bpf_doc_gen::table::StaticProgramType {
                name: #name,
                id: #id,
                enum_name: #enum_name,
                sections: &[#(#sections),*],
            }
        }
    });
    let aliases = table.aliases.iter().map(|a| {
        let (alias, name) = (&a.alias, &a.name);
        quote!(::bpf_doc_gen::table::StaticAlias { alias: #alias, name: #name })
    });
    Ok(quote! {
        {
            #tracked
            ::bpf_doc_gen::table::StaticTable {
                helpers: &[#(#helpers),*],
                program_types: &[#(#program_types),*],
                aliases: &[#(#aliases),*],
            }
        }
    })
}

/// `const _: &[u8] = include_bytes!(PATH);`: makes cargo rebuild the caller when the header
/// changes (proc macros have no stable way to declare a dependency otherwise).
pub(crate) fn track(path: &std::path::Path) -> TokenStream {
    let path = path.display().to_string();
    quote!(
        const _: &[u8] = include_bytes!(#path);
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::Span;

    fn lit(path: &str) -> syn::LitStr {
        syn::LitStr::new(path, Span::call_site())
    }

    #[test]
    fn missing_header_is_an_error_naming_it() {
        let error = expand(&lit("no/such/header.h")).unwrap_err().to_string();
        assert!(error.contains("cannot find `no/such/header.h`"), "{error}");
    }

    #[test]
    fn malformed_header_is_an_error_with_file_and_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("bad.h");
        std::fs::write(&path, "/* ok */\nBPF_HELPER(int, x, (void));\n").expect("write");
        let error = expand(&lit(path.to_str().expect("utf-8")))
            .unwrap_err()
            .to_string();
        assert!(error.contains("bad.h:2: expected `BPF_HELPER(return_type, name, (args), id);` with 4 arguments, found 3"), "{error}");
    }

    #[test]
    fn expansion_names_the_static_types_and_tracks_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ok.h");
        std::fs::write(&path, "BPF_HELPER(long, h, (void), 3);\n").expect("write");
        let code = expand(&lit(path.to_str().expect("utf-8")))
            .expect("expands")
            .to_string();
        assert!(code.contains("include_bytes"), "{code}");
        assert!(
            code.contains(":: bpf_doc_gen :: table :: StaticTable"),
            "{code}"
        );
        assert!(code.contains("name : \"h\""), "{code}");
    }

    #[test]
    fn argument_must_be_one_string_literal() {
        let error = parse(quote!(42)).err().expect("rejected").to_string();
        assert!(error.contains("expected one string literal"), "{error}");
    }
}
