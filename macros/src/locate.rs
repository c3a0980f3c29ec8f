//! Finds and reads the header a macro names.

use bpf_doc_gen::table::Table;
use proc_macro2::Span;
use std::path::{Path, PathBuf};

/// A header read and parsed at compile time.
pub(crate) struct LoadedHeader {
    /// Absolute path, for `include_bytes!` (so cargo tracks the file).
    pub(crate) path: PathBuf,
    /// Its table.
    pub(crate) table: Table,
}

/// Resolves `relative` against `CARGO_MANIFEST_DIR` and the directories above it, then reads
/// and parses the header. Errors point at `span` (the path literal).
pub(crate) fn load(relative: &str, span: Span) -> syn::Result<LoadedHeader> {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    let path = find(&manifest_dir, Path::new(relative)).ok_or_else(|| {
        syn::Error::new(
            span,
            format!(
                "cannot find `{relative}` in {} or any directory above it",
                manifest_dir.display()
            ),
        )
    })?;
    let text = std::fs::read_to_string(&path)
        .map_err(|e| syn::Error::new(span, format!("{}: cannot read: {e}", path.display())))?;
    let table = Table::parse_bpf_helper_header(&text, &path.display().to_string())
        .map_err(|e| syn::Error::new(span, e.to_string()))?;
    Ok(LoadedHeader { path, table })
}

/// The first existing `dir/relative` for `dir` = `start` and its ancestors; absolute paths as
/// they are.
fn find(start: &Path, relative: &Path) -> Option<PathBuf> {
    if relative.is_absolute() {
        return relative.is_file().then(|| relative.to_path_buf());
    }
    let start = start.canonicalize().unwrap_or_else(|_| start.to_path_buf());
    start
        .ancestors()
        .map(|dir| dir.join(relative))
        .find(|candidate| candidate.is_file())
}
