//! Per-platform helper tables: the compact `BPF_HELPER` headers kept in `headers/<platform>/`.
//! (placeholder: interface agreed, implementation pending)

/// A platform's helpers, program types and alias spellings.
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
    /// Numeric program type.
    pub id: u32,
    /// Enum spelling, e.g. `BPF_PROG_TYPE_XDP`.
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
