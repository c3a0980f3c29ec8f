//! Per-platform helper tables: the compact `BPF_HELPER` headers kept in `headers/<platform>/`.
//!
//! A [`Table`] is what a platform offers a BPF program: helper names, IDs and prototypes,
//! the program types that own helpers of their own (eBPF for Windows), and alias spellings.
//! It is read from and written to three forms:
//!
//! * a `BPF_HELPER` header ([`Table::parse_bpf_helper_header`], [`Table::to_bpf_helper_header`]),
//!   the form committed in `headers/` and embedded at compile time by `helper-bind-macros`;
//! * the Windows fact tables in `shared/platforms/` ([`Table::from_platform_dir`]) and the same
//!   TSV columns for extra helpers ([`Table::parse_tsv`]);
//! * a parsed Linux `bpf.h` ([`Table::from_model`]).
//!
//! Every constructor checks the same invariants (see [`Table`]) and returns the helpers in the
//! order the header writer uses, so that writing and reading back gives an equal table.
//!
//! [`StaticTable`] is the `'static` form that the `helper_table!` macro expands to.

mod builder;
mod error;
mod from_model;
mod header_read;
mod header_write;
mod merge;
mod static_table;
mod tsv;

pub use error::TableError;
pub use static_table::{StaticAlias, StaticHelper, StaticProgramType, StaticTable};

/// A platform's helpers, program types and alias spellings.
///
/// Invariants, checked by every constructor in this module:
/// * helpers come in header order: general helpers first, then each program type's helpers in
///   the order of [`Table::program_types`];
/// * every [`TableHelper::program_type`] names an entry of [`Table::program_types`];
/// * a name appears once per scope (general, or one program type), and so does an ID; the same
///   ID may mean different helpers in different program types (Windows numbers each program
///   type's helpers from 65536);
/// * program-type names and section prefixes are unique;
/// * an alias names an existing helper and is not itself a helper name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// Helpers in header order.
    pub helpers: Vec<TableHelper>,
    /// Program types that register section prefixes (Windows); empty on Linux.
    pub program_types: Vec<ProgramType>,
    /// Other spellings of a helper with the same ID and argument order.
    pub aliases: Vec<Alias>,
}

/// One helper of a platform table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableHelper {
    /// C name.
    pub name: String,
    /// Helper ID.
    pub id: u32,
    /// C return type, e.g. `void *` (attributes such as `__bpf_fastcall` removed).
    pub return_type: String,
    /// C parameter list with parentheses, e.g. `(void *map, const void *key)`.
    pub args: String,
    /// The program type that provides it; `None` for a helper every program can call.
    pub program_type: Option<String>,
}

/// A program type and the section prefixes that select it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramType {
    /// Short name, e.g. `xdp`.
    pub name: String,
    /// Numeric program type (0 when the source did not say, e.g. a `--helpers` TSV).
    pub id: u32,
    /// Enum spelling, e.g. `BPF_PROG_TYPE_XDP` (empty when the source did not say).
    pub enum_name: String,
    /// Section-name prefixes that select it (longest prefix wins).
    pub sections: Vec<String>,
}

/// An alternative spelling of a helper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    /// The other spelling.
    pub alias: String,
    /// The helper it stands for.
    pub name: String,
}

/// Where each entry of a parsed [`Table`] came from: 1-based line numbers, index for index.
///
/// Returned next to the table by the `*_located` parsers so that a later conflict (for example
/// a `--helpers` file redefining a built-in helper) can still name `file:line`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceLines {
    /// The file name used in messages.
    pub file: String,
    /// Line of each [`Table::helpers`] entry.
    pub helpers: Vec<usize>,
    /// Line of each [`Table::program_types`] entry.
    pub program_types: Vec<usize>,
    /// Line of each [`Table::aliases`] entry.
    pub aliases: Vec<usize>,
}

impl Table {
    /// The general helper or, failing that, the first program-type helper called `name`.
    pub fn helper(&self, name: &str) -> Option<&TableHelper> {
        self.helpers
            .iter()
            .find(|h| h.name == name && h.program_type.is_none())
            .or_else(|| self.helpers.iter().find(|h| h.name == name))
    }

    /// The program type called `name`.
    pub fn program_type(&self, name: &str) -> Option<&ProgramType> {
        self.program_types.iter().find(|p| p.name == name)
    }
}

/// Puts C declaration text (a type, or a whole parameter list) into the one spelling tables use, so that equal types compare
/// equal: words separated by one space, one space before a run of `*` and none after it,
/// `, ` between parameters, no space inside parentheses (`void*` and `void  *` both become
/// `void *`; `( void*map ,int x )` becomes `(void *map, int x)`).
pub(crate) fn normalize_type(text: &str) -> String {
    #[derive(PartialEq, Clone, Copy)]
    enum Kind {
        Word,
        Stars,
        Open,
        Close,
        Comma,
        Other,
    }
    let mut out = String::with_capacity(text.len());
    let mut prev: Option<Kind> = None;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let kind = if c == b'_' || c.is_ascii_alphanumeric() {
            while i < bytes.len() && (bytes[i] == b'_' || bytes[i].is_ascii_alphanumeric()) {
                i += 1;
            }
            Kind::Word
        } else if text[i..].starts_with("...") {
            i += 3;
            Kind::Word
        } else if c == b'*' {
            while i < bytes.len() && bytes[i] == b'*' {
                i += 1;
            }
            Kind::Stars
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            match c {
                b'(' | b'[' => Kind::Open,
                b')' | b']' => Kind::Close,
                b',' => Kind::Comma,
                _ => Kind::Other,
            }
        };
        let space = matches!(
            (prev, kind),
            (Some(Kind::Word), Kind::Word)
                | (Some(Kind::Word), Kind::Stars)
                | (Some(Kind::Word), Kind::Open)
                | (Some(Kind::Comma), _)
                | (Some(Kind::Other), _)
                | (Some(Kind::Word | Kind::Close | Kind::Stars), Kind::Other)
        );
        if space {
            out.push(' ');
        }
        out.push_str(&text[start..i]);
        prev = Some(kind);
    }
    out
}

/// Splits at `sep` outside parentheses, brackets and string literals.
pub(crate) fn split_top_level(text: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut in_string = false;
    let mut escaped = false;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            _ if c == sep && depth == 0 => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// True when two section lists hold the same prefixes, in any order.
pub(crate) fn same_sections(a: &[String], b: &[String]) -> bool {
    let mut a: Vec<&String> = a.iter().collect();
    let mut b: Vec<&String> = b.iter().collect();
    a.sort();
    b.sort();
    a == b
}

/// True for a C identifier.
pub(crate) fn is_ident(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_get_one_spelling() {
        assert_eq!(normalize_type("void*"), "void *");
        assert_eq!(normalize_type("  const   void  * "), "const void *");
        assert_eq!(normalize_type("char * *"), "char **");
        assert_eq!(normalize_type("char**p"), "char **p");
        assert_eq!(normalize_type("long"), "long");
        assert_eq!(normalize_type("void *map"), "void *map");
        assert_eq!(normalize_type("..."), "...");
    }

    #[test]
    fn args_get_one_spelling() {
        assert_eq!(
            normalize_type("( void*map ,const void *key )"),
            "(void *map, const void *key)"
        );
        assert_eq!(normalize_type("(void)"), "(void)");
        assert_eq!(normalize_type("()"), "()");
        assert_eq!(
            normalize_type("(int (*cb)(void *a, int b), void *ctx)"),
            "(int (*cb)(void *a, int b), void *ctx)"
        );
    }

    #[test]
    fn identifiers() {
        assert!(is_ident("bpf_map_lookup_elem"));
        assert!(is_ident("_x1"));
        assert!(!is_ident("1x"));
        assert!(!is_ident("a-b"));
        assert!(!is_ident(""));
    }
}
