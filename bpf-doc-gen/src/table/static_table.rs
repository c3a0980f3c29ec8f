//! The `'static` form of a [`Table`], which `helper_table!` (crate `helper-bind-macros`)
//! expands to so that a platform's table is built into the binary at compile time.

use super::{Alias, ProgramType, Table, TableHelper};

/// A [`Table`] in `'static` memory. Convert with `Table::from(&STATIC_TABLE)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaticTable {
    /// Helpers in header order, as [`Table::helpers`].
    pub helpers: &'static [StaticHelper],
    /// As [`Table::program_types`].
    pub program_types: &'static [StaticProgramType],
    /// As [`Table::aliases`].
    pub aliases: &'static [StaticAlias],
}

/// A [`TableHelper`] in `'static` memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaticHelper {
    /// C name.
    pub name: &'static str,
    /// Helper ID.
    pub id: u32,
    /// C return type.
    pub return_type: &'static str,
    /// C parameter list with parentheses.
    pub args: &'static str,
    /// The program type that provides it; `None` for a general helper.
    pub program_type: Option<&'static str>,
}

/// A [`ProgramType`] in `'static` memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaticProgramType {
    /// Short name.
    pub name: &'static str,
    /// Numeric program type.
    pub id: u32,
    /// Enum spelling.
    pub enum_name: &'static str,
    /// Section-name prefixes that select it.
    pub sections: &'static [&'static str],
}

/// An [`Alias`] in `'static` memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaticAlias {
    /// The other spelling.
    pub alias: &'static str,
    /// The helper it stands for.
    pub name: &'static str,
}

impl From<&StaticTable> for Table {
    fn from(table: &StaticTable) -> Table {
        Table {
            helpers: table
                .helpers
                .iter()
                .map(|h| TableHelper {
                    name: h.name.to_string(),
                    id: h.id,
                    return_type: h.return_type.to_string(),
                    args: h.args.to_string(),
                    program_type: h.program_type.map(str::to_string),
                })
                .collect(),
            program_types: table
                .program_types
                .iter()
                .map(|p| ProgramType {
                    name: p.name.to_string(),
                    id: p.id,
                    enum_name: p.enum_name.to_string(),
                    sections: p.sections.iter().map(|s| s.to_string()).collect(),
                })
                .collect(),
            aliases: table
                .aliases
                .iter()
                .map(|a| Alias {
                    alias: a.alias.to_string(),
                    name: a.name.to_string(),
                })
                .collect(),
        }
    }
}
