//! Platform helper tables as helper-bind uses them: which ID a helper name binds to, for
//! which section, and why not.
//!
//! A [`Platform`] wraps a [`Table`] (built in from `headers/<platform>/bpf_helper_defs.h`,
//! or read from a `bpf.h` or extra files) with lookup maps built once:
//!
//! * General helpers are callable from every section.
//! * Program-type helpers (Windows, IDs from 65536) only from sections of their program type.
//!   The section name selects the program type by the **longest registered prefix**, a plain
//!   string prefix at position 0 (`xdp_test` is `xdp`; `cgroup/bind4` is not `bind`).
//! * Aliases resolve to the helper they stand for.
//! * `bpf_trace_printk` and `bpf_printk`, where the platform has fixed-arity printk helpers
//!   (`bpf_trace_printk2`..`5` on Windows), resolve by argument count
//!   ([`Resolution::ByArity`]); on a platform with a single `bpf_trace_printk` (Linux),
//!   `bpf_printk` is that helper.

use bpf_doc_gen::table::{ProgramType, SourceLines, StaticTable, Table, TableError, TableHelper};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

static LINUX: StaticTable = helper_bind_macros::helper_table!("headers/linux/bpf_helper_defs.h");
static WINDOWS: StaticTable =
    helper_bind_macros::helper_table!("headers/windows/bpf_helper_defs.h");

/// The printk name every platform accepts, and the libbpf macro spelling of it.
const PRINTK_NAMES: [&str; 2] = ["bpf_trace_printk", "bpf_printk"];

/// Fixed-arity printk helpers are named this plus the total argument count.
const PRINTK_ARITY_PREFIX: &str = "bpf_trace_printk";

/// A target platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlatformKind {
    /// Linux: one global helper numbering, from `include/uapi/linux/bpf.h`.
    Linux,
    /// eBPF for Windows: general helpers 1..35, program-type helpers from 65536.
    Windows,
}

impl PlatformKind {
    /// Every platform, in a fixed order (for `list`).
    pub const ALL: [PlatformKind; 2] = [PlatformKind::Linux, PlatformKind::Windows];

    /// The name used on the command line: `linux` or `windows`.
    pub fn name(self) -> &'static str {
        match self {
            PlatformKind::Linux => "linux",
            PlatformKind::Windows => "windows",
        }
    }
}

impl fmt::Display for PlatformKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A platform name that is neither `linux` nor `windows`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPlatform(pub String);

impl fmt::Display for UnknownPlatform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown platform `{}`: expected `linux` or `windows`",
            self.0
        )
    }
}

impl std::error::Error for UnknownPlatform {}

impl FromStr for PlatformKind {
    type Err = UnknownPlatform;

    /// `linux` or `windows`, in any case.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "linux" => Ok(PlatformKind::Linux),
            "windows" => Ok(PlatformKind::Windows),
            _ => Err(UnknownPlatform(text.to_string())),
        }
    }
}

/// Why a platform table could not be loaded or extended.
#[derive(Debug)]
pub enum PlatformError {
    /// A file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A `bpf.h` given with `--uapi` could not be parsed; the error names `file:line`.
    Uapi(bpf_doc_gen::parse::ParseError),
    /// A helper table (a `BPF_HELPER` header or TSV given with `--helpers`) is malformed or
    /// contradicts the platform's table; the error names `file:line`.
    Table(TableError),
    /// A `--helpers` file is neither a `BPF_HELPER` header nor a helper TSV.
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
}

impl fmt::Display for PlatformError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlatformError::Io { path, source } => {
                write!(f, "{}: cannot read: {source}", path.display())
            }
            PlatformError::Uapi(e) => write!(f, "{e}"),
            PlatformError::Table(e) => write!(f, "{e}"),
            PlatformError::UnknownFormat { path } => write!(
                f,
                "{}:1: expected a BPF_HELPER header (lines `BPF_HELPER(return_type, name, (args), id);`) \
                 or a TSV with the columns name, id, return_type, params, scope, sections",
                path.display()
            ),
        }
    }
}

impl std::error::Error for PlatformError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PlatformError::Io { source, .. } => Some(source),
            PlatformError::Uapi(e) => Some(e),
            PlatformError::Table(e) => Some(e),
            PlatformError::UnknownFormat { .. } => None,
        }
    }
}

impl From<TableError> for PlatformError {
    fn from(e: TableError) -> Self {
        PlatformError::Table(e)
    }
}

/// What a helper name means in a given section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution<'a> {
    /// Bind to `id`; `canonical` is the helper's table name (differs from the name asked for
    /// when that was an alias, or `bpf_printk` on Linux).
    Helper {
        /// Helper ID.
        id: u32,
        /// The table name of the helper.
        canonical: &'a str,
    },
    /// printk on a platform with fixed-arity helpers: `(total argument count including fmt
    /// and fmt_size, ID)` pairs, ascending (Windows: 2→12, 3→13, 4→14, 5→15). The caller
    /// counts the arguments set up before the call.
    ByArity(&'a [(u8, u32)]),
    /// The helper exists, but only for other program types than the section's.
    WrongProgramType {
        /// The program types that provide it.
        needs: Vec<String>,
    },
    /// No helper of this platform has this name.
    Unknown,
}

/// A platform's helper table with its lookup maps.
#[derive(Debug, Clone)]
pub struct Platform {
    kind: PlatformKind,
    table: Table,
    /// (hash of the name, index into `table.helpers`), sorted: the helpers of one name are
    /// in table order among the entries of its hash (a name may exist once per scope). A
    /// sorted list of numbers rather than a map of names: it is built at every start, and
    /// sorting a few hundred numbers costs a fraction of copying and hashing every name into
    /// a map or sorting the names themselves.
    by_name: Vec<(u64, usize)>,
    /// Alias → helper name.
    aliases: HashMap<String, String>,
    /// (scope, helper ID, helper index), sorted; the scope is 0 for a general helper and
    /// 1 + the program type index for a program type's. Where a table gives one ID twice in
    /// a scope, the later helper counts.
    ids: Vec<(usize, u32, usize)>,
    /// Program type name → index into `table.program_types`.
    program_type_index: HashMap<String, usize>,
    /// (prefix, program type index), longest prefix first.
    prefixes: Vec<(String, usize)>,
    /// Fixed-arity printk helpers, ascending arity; empty when the platform has none.
    printk_by_arity: Vec<(u8, u32)>,
    /// [`Platform::helper_names`], listed on first use (the "did you mean" candidates, asked
    /// for once per unknown name; a bind without unknown names never needs them).
    names: std::sync::OnceLock<Vec<String>>,
}

impl Platform {
    /// The table built into this binary (from `headers/<platform>/bpf_helper_defs.h`).
    pub fn builtin(kind: PlatformKind) -> Platform {
        let table = match kind {
            PlatformKind::Linux => Table::from(&LINUX),
            PlatformKind::Windows => Table::from(&WINDOWS),
        };
        Platform::from_table(kind, table)
    }

    /// Linux with the helper IDs of the given `include/uapi/linux/bpf.h`.
    pub fn from_uapi(path: &Path) -> Result<Platform, PlatformError> {
        let model = bpf_doc_gen::parse::parse_file(path).map_err(PlatformError::Uapi)?;
        Ok(Platform::from_table(
            PlatformKind::Linux,
            Table::from_model(&model),
        ))
    }

    /// A platform of `kind` with the given table (which satisfies the [`Table`] invariants,
    /// as every table from `bpf_doc_gen::table` does).
    pub fn from_table(kind: PlatformKind, table: Table) -> Platform {
        let mut platform = Platform {
            kind,
            table,
            by_name: Vec::new(),
            aliases: HashMap::new(),
            ids: Vec::new(),
            program_type_index: HashMap::new(),
            prefixes: Vec::new(),
            printk_by_arity: Vec::new(),
            names: std::sync::OnceLock::new(),
        };
        platform.index();
        platform
    }

    /// Adds the helpers (and program types and aliases) of a `BPF_HELPER` header or a helper
    /// TSV in the columns of `windows.tsv`, told apart by content. Entries identical to
    /// existing ones are skipped; contradicting ones are an error at `file:line`, and the
    /// platform is then unchanged.
    pub fn add_helpers_file(&mut self, path: &Path) -> Result<(), PlatformError> {
        let text = std::fs::read_to_string(path).map_err(|source| PlatformError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let file = path.display().to_string();
        let (table, lines): (Table, SourceLines) = match detect_format(&text) {
            Some(Format::Header) => Table::parse_bpf_helper_header_located(&text, &file)?,
            Some(Format::Tsv) => Table::parse_tsv_located(&text, &file)?,
            None => {
                return Err(PlatformError::UnknownFormat {
                    path: path.to_path_buf(),
                })
            }
        };
        self.table.merge(&table, &lines)?;
        self.index();
        Ok(())
    }

    /// Which platform this is.
    pub fn kind(&self) -> PlatformKind {
        self.kind
    }

    /// The whole table.
    pub fn table(&self) -> &Table {
        &self.table
    }

    /// The program type a section name selects: the one with the longest registered prefix
    /// that the name starts with. `None` when no prefix matches (and always on Linux, which
    /// registers none).
    pub fn program_type_for_section(&self, section: &str) -> Option<&ProgramType> {
        self.program_type_index_for_section(section)
            .map(|i| &self.table.program_types[i])
    }

    fn program_type_index_for_section(&self, section: &str) -> Option<usize> {
        // `prefixes` is sorted longest first, so the first match is the longest.
        self.prefixes
            .iter()
            .find(|(prefix, _)| section.starts_with(prefix.as_str()))
            .map(|&(_, i)| i)
    }

    /// What calling `name` from a function in section `section` binds to.
    pub fn resolve(&self, name: &str, section: &str) -> Resolution<'_> {
        let canonical = self.aliases.get(name).map_or(name, String::as_str);
        let mut indices = self.indices_named(canonical).peekable();
        if indices.peek().is_none() {
            return self.resolve_printk(name);
        }
        let program_type = self.program_type_index_for_section(section);
        let mut needs = Vec::new();
        for i in indices {
            let helper = &self.table.helpers[i];
            match &helper.program_type {
                None => {
                    return Resolution::Helper {
                        id: helper.id,
                        canonical: &helper.name,
                    }
                }
                Some(p) => {
                    if program_type == self.program_type_index.get(p).copied() {
                        return Resolution::Helper {
                            id: helper.id,
                            canonical: &helper.name,
                        };
                    }
                    needs.push(p.clone());
                }
            }
        }
        Resolution::WrongProgramType { needs }
    }

    /// printk spellings that are no helper of the table.
    fn resolve_printk(&self, name: &str) -> Resolution<'_> {
        if !PRINTK_NAMES.contains(&name) {
            return Resolution::Unknown;
        }
        if !self.printk_by_arity.is_empty() {
            return Resolution::ByArity(&self.printk_by_arity);
        }
        // `bpf_printk` on a platform with one variadic `bpf_trace_printk`.
        match self.general_helper(PRINTK_NAMES[0]) {
            Some(helper) => Resolution::Helper {
                id: helper.id,
                canonical: &helper.name,
            },
            None => Resolution::Unknown,
        }
    }

    /// Indices of the helpers called `name`, in table order (none when there is none).
    fn indices_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = usize> + Clone + 's {
        let hash = name_hash(name);
        let start = self.by_name.partition_point(|&(h, _)| h < hash);
        self.by_name[start..]
            .iter()
            .take_while(move |&&(h, _)| h == hash)
            .map(|&(_, i)| i)
            .filter(move |&i| self.table.helpers[i].name == name)
    }

    fn general_helper(&self, name: &str) -> Option<&TableHelper> {
        self.indices_named(name)
            .map(|i| &self.table.helpers[i])
            .find(|h| h.program_type.is_none())
    }

    /// Every name [`Platform::resolve`] knows: helpers, aliases and the printk spellings
    /// (for "did you mean" suggestions). Each name once, helpers first in table order.
    pub fn helper_names(&self) -> impl Iterator<Item = &str> {
        let mut seen = std::collections::HashSet::new();
        let printk = PRINTK_NAMES
            .iter()
            .copied()
            .filter(|n| !matches!(self.resolve_printk(n), Resolution::Unknown));
        self.table
            .helpers
            .iter()
            .map(|h| h.name.as_str())
            .chain(self.table.aliases.iter().map(|a| a.alias.as_str()))
            .chain(printk)
            .filter(move |n| seen.insert(*n))
    }

    /// The helper a numeric `call ID` in section `section` calls: a general helper, or one of
    /// the section's program type.
    pub fn name_of_id(&self, id: u32, section: &str) -> Option<&str> {
        let index = self.id_index(0, id).or_else(|| {
            let program_type = self.program_type_index_for_section(section)?;
            self.id_index(1 + program_type, id)
        })?;
        Some(&self.table.helpers[index].name)
    }

    /// The helper with `id` in `scope` (see [`Platform::ids`]).
    fn id_index(&self, scope: usize, id: u32) -> Option<usize> {
        let end = self.ids.partition_point(|&(s, i, _)| (s, i) <= (scope, id));
        let &(s, i, index) = self.ids[..end].last()?;
        ((s, i) == (scope, id)).then_some(index)
    }

    /// The helper called `name` (or the one an alias stands for): the general one, else the
    /// first program type's. For comparing prototypes.
    pub fn helper(&self, name: &str) -> Option<&TableHelper> {
        let canonical = self.aliases.get(name).map_or(name, String::as_str);
        let mut indices = self.indices_named(canonical);
        indices
            .clone()
            .map(|i| &self.table.helpers[i])
            .find(|h| h.program_type.is_none())
            .or_else(|| indices.next().map(|i| &self.table.helpers[i]))
    }

    /// Rebuilds the lookup maps from `self.table`.
    fn index(&mut self) {
        let table = &self.table;
        self.program_type_index = table
            .program_types
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.clone(), i))
            .collect();
        self.by_name = (table.helpers.iter().enumerate())
            .map(|(i, h)| (name_hash(&h.name), i))
            .collect();
        // By hash, then index: equal names keep table order.
        self.by_name.sort_unstable();
        let program_type_index = &self.program_type_index;
        self.ids = (table.helpers.iter().enumerate())
            .filter_map(|(i, helper)| {
                let scope = match &helper.program_type {
                    None => 0,
                    Some(p) => 1 + *program_type_index.get(p)?,
                };
                Some((scope, helper.id, i))
            })
            .collect();
        self.ids.sort_unstable();
        self.aliases = table
            .aliases
            .iter()
            .map(|a| (a.alias.clone(), a.name.clone()))
            .collect();
        self.prefixes = table
            .program_types
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.sections.iter().map(move |s| (s.clone(), i)))
            .collect();
        self.prefixes
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        self.printk_by_arity = table
            .helpers
            .iter()
            .filter(|h| h.program_type.is_none())
            .filter_map(|h| {
                let arity: u8 = h.name.strip_prefix(PRINTK_ARITY_PREFIX)?.parse().ok()?;
                Some((arity, h.id))
            })
            .collect();
        self.printk_by_arity.sort_unstable();
        self.names = std::sync::OnceLock::new();
    }

    /// [`Platform::helper_names`] as a list, computed once.
    pub fn helper_name_list(&self) -> Vec<&str> {
        self.names
            .get_or_init(|| self.helper_names().map(str::to_string).collect())
            .iter()
            .map(String::as_str)
            .collect()
    }
}

/// FNV-1a: a few instructions per byte, and only an index key (equal hashes are told apart
/// by comparing the names).
fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The two `--helpers` formats.
enum Format {
    Header,
    Tsv,
}

/// A header has a `BPF_HELPER(` or `BPF_PROGRAM_TYPE(` line; a TSV has tab-separated lines
/// and neither.
fn detect_format(text: &str) -> Option<Format> {
    let mut tabs = false;
    for line in text.lines() {
        let line = line.trim_start();
        if line.starts_with("BPF_HELPER") || line.starts_with("BPF_PROGRAM_TYPE") {
            return Some(Format::Header);
        }
        tabs |= line.contains('\t');
    }
    tabs.then_some(Format::Tsv)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `indices_named` must give: every helper of that name, in table order.
    fn scan(p: &Platform, name: &str) -> Vec<usize> {
        (0..p.table.helpers.len())
            .filter(|&i| p.table.helpers[i].name == name)
            .collect()
    }

    fn names(p: &Platform) -> Vec<String> {
        let mut names: Vec<String> = p.table.helpers.iter().map(|h| h.name.clone()).collect();
        names.extend(["", "bpf_", "bpf_map_lookup_elemX", "no_such_helper"].map(String::from));
        names
    }

    #[test]
    fn name_index_finds_every_helper_of_a_name_in_table_order() {
        for kind in PlatformKind::ALL {
            let p = Platform::builtin(kind);
            for name in names(&p) {
                assert_eq!(p.indices_named(&name).collect::<Vec<_>>(), scan(&p, &name));
            }
            // Every helper under the hash of the name looked up, as if all collided: the
            // names alone must tell the helpers apart.
            for name in names(&p) {
                let mut collided = p.clone();
                for entry in &mut collided.by_name {
                    entry.0 = name_hash(&name);
                }
                collided.by_name.sort_unstable();
                assert_eq!(
                    collided.indices_named(&name).collect::<Vec<_>>(),
                    scan(&p, &name),
                    "{kind:?} {name}"
                );
            }
        }
    }

    /// What `name_of_id` must give: the last general helper with the ID, else the last one
    /// with the ID of the program type the section selects.
    fn id_scan<'p>(p: &'p Platform, id: u32, section: &str) -> Option<&'p str> {
        let program_type = p.program_type_for_section(section).map(|t| t.name.as_str());
        let last = |scope: Option<&str>| {
            p.table
                .helpers
                .iter()
                .rev()
                .find(|h| h.id == id && h.program_type.as_deref() == scope)
                .map(|h| h.name.as_str())
        };
        last(None).or_else(|| last(Some(program_type?)))
    }

    #[test]
    fn id_index_finds_the_helper_of_an_id_in_a_section() {
        for kind in PlatformKind::ALL {
            let p = Platform::builtin(kind);
            let mut sections: Vec<&str> = vec!["xdp", ".text", "no_such_section"];
            sections.extend(
                p.table
                    .program_types
                    .iter()
                    .flat_map(|t| t.sections.iter().map(String::as_str)),
            );
            let mut ids: Vec<u32> = p
                .table
                .helpers
                .iter()
                .flat_map(|h| [h.id, h.id + 1])
                .collect();
            ids.extend([0, 65535, u32::MAX]);
            for section in sections {
                for &id in &ids {
                    assert_eq!(
                        p.name_of_id(id, section),
                        id_scan(&p, id, section),
                        "{kind:?} {id} {section}"
                    );
                }
            }
        }
    }
}
