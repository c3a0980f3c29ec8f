//! The bind operation: bytes in, patched bytes out, or every reason why not.

use std::path::Path;
use std::sync::Arc;

use crate::classify::relocated_calls;
use crate::elf::ElfView;
use crate::error::{BindError, BindProblem, ElfError, Error};
use crate::patch::{apply, edits, PatchStats, Write};
use crate::plan::{plan, BindOptions, HelperTable};
use crate::write::write_patched_copy;

/// One call that was bound. Section and symbol names are shared between calls (an object may
/// have 10^5 calls).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundCall {
    /// Section name.
    pub section: Arc<str>,
    /// Instruction index inside the section.
    pub insn: usize,
    /// The symbol name in the object.
    pub name: Arc<str>,
    /// The helper's table name.
    pub canonical: Arc<str>,
    /// Helper ID now in the instruction.
    pub id: u32,
}

/// What a bind did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BindReport {
    /// Every call bound, in section and instruction order.
    pub bound: Vec<BoundCall>,
    /// Relocations, symbols and BTF records changed.
    pub stats: PatchStats,
    /// Externs left for a later link (with `allow_unresolved`).
    pub left_unresolved: Vec<BindProblem>,
}

impl BindReport {
    /// Whether the object had nothing to bind (and so is unchanged).
    pub fn is_noop(&self) -> bool {
        self.bound.is_empty()
    }

    /// A one-line summary for people.
    pub fn summary(&self) -> String {
        if self.is_noop() {
            return "nothing to bind: no helper call is bound by name; object unchanged".into();
        }
        // Calls share their helper's name: distinct pointers first (integers sort fast), then
        // the few names behind them.
        let mut shared: Vec<*const u8> = self.bound.iter().map(|b| b.canonical.as_ptr()).collect();
        shared.sort_unstable();
        shared.dedup();
        let mut helpers: Vec<&str> = Vec::with_capacity(shared.len());
        for b in &self.bound {
            if let Ok(i) = shared.binary_search(&b.canonical.as_ptr()) {
                helpers.push(&b.canonical);
                shared[i] = std::ptr::null();
            }
        }
        helpers.sort_unstable();
        helpers.dedup();
        format!(
            "bound {} call(s) to {} helper(s); removed {} relocation(s) and {} symbol(s); made {} BTF FUNC(s) static",
            self.bound.len(),
            helpers.len(),
            self.stats.relocations_removed,
            self.stats.symbols_removed,
            self.stats.btf_funcs_fixed
        )
    }
}

/// Why a bind of bytes failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindFailure {
    /// Not a readable BPF object.
    BadInput(ElfError),
    /// Readable, but some calls cannot be bound.
    Bind(BindError),
}

impl std::fmt::Display for BindFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BindFailure::BadInput(e) => e.fmt(f),
            BindFailure::Bind(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for BindFailure {}

impl BindFailure {
    /// Attaches the file name.
    pub fn at(self, path: &Path) -> Error {
        match self {
            BindFailure::BadInput(source) => Error::BadInput {
                path: path.to_path_buf(),
                source,
            },
            BindFailure::Bind(source) => Error::Bind {
                path: path.to_path_buf(),
                source,
            },
        }
    }
}

/// The byte edits that bind the object in `data`, and what they do. `data` is not changed.
pub fn bind_edits(
    data: &[u8],
    table: &dyn HelperTable,
    options: BindOptions,
) -> Result<(Vec<Write>, BindReport), BindFailure> {
    let view = ElfView::parse(data).map_err(BindFailure::BadInput)?;
    // Binding only concerns relocated calls: no need to scan every instruction.
    let sites = relocated_calls(&view).map_err(BindFailure::BadInput)?;
    let plan = plan(&view, &sites, table, options).map_err(BindFailure::Bind)?;
    let (writes, stats) = edits(&view, &plan).map_err(BindFailure::BadInput)?;
    // Names by section and symbol index, made once each (objects may have 10^5 calls).
    let mut sections: Vec<Option<Arc<str>>> = vec![None; view.sections.len()];
    let mut names: Vec<Option<Arc<str>>> = vec![None; view.symbols.len()];
    let bound = plan
        .bindings
        .iter()
        .map(|b| BoundCall {
            section: sections[b.section]
                .get_or_insert_with(|| Arc::from(view.section_name(b.section).as_ref()))
                .clone(),
            insn: b.insn,
            name: names[b.symbol]
                .get_or_insert_with(|| Arc::from(view.symbols[b.symbol].name().as_ref()))
                .clone(),
            canonical: b.canonical.clone(),
            id: b.id,
        })
        .collect();
    let report = BindReport {
        bound,
        stats,
        left_unresolved: plan.left_unresolved,
    };
    Ok((writes, report))
}

/// Binds the object in `data` in place. On error `data` is unchanged.
pub fn bind(
    data: &mut [u8],
    table: &dyn HelperTable,
    options: BindOptions,
) -> Result<BindReport, BindFailure> {
    let (writes, report) = bind_edits(data, table, options)?;
    apply(data, &writes);
    Ok(report)
}

/// The input file's bytes: mapped read-only when possible, read into memory otherwise (empty
/// files, files that cannot be mapped).
enum InputBytes {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl std::ops::Deref for InputBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            InputBytes::Mapped(m) => m,
            InputBytes::Read(v) => v,
        }
    }
}

fn read_input(input: &Path) -> Result<InputBytes, Error> {
    let io = |source| Error::Io {
        path: input.to_path_buf(),
        action: "cannot read the input",
        source,
    };
    let file = std::fs::File::open(input).map_err(io)?;
    let is_file = file
        .metadata()
        .map(|m| m.is_file() && m.len() > 0)
        .unwrap_or(false);
    if is_file {
        // SAFETY: the mapping is read-only and private to this process, which never writes
        // the input through any handle (outputs go to a new temporary file). As with any
        // mapped file, another process truncating the input meanwhile would fault; an input
        // object is not expected to change while it is being bound.
        if let Ok(map) = unsafe { memmap2::Mmap::map(&file) } {
            return Ok(InputBytes::Mapped(map));
        }
    }
    let mut data = Vec::new();
    std::io::Read::read_to_end(&mut &file, &mut data).map_err(io)?;
    Ok(InputBytes::Read(data))
}

/// Binds `input` and writes the result to `output`, or back to `input` when `output` is
/// `None`, atomically. Nothing is written on error. When there is nothing to bind, the input
/// is left untouched (and copied to `output` if one is given).
///
/// The input is mapped, not copied; the output is a kernel-side copy of the input
/// (`copy_file_range`) with the few changed byte ranges written over it, so the cost stays
/// close to `cp`.
pub fn bind_file(
    input: &Path,
    output: Option<&Path>,
    table: &dyn HelperTable,
    options: BindOptions,
) -> Result<BindReport, Error> {
    let data = read_input(input)?;
    let (writes, report) = bind_edits(&data, table, options).map_err(|e| e.at(input))?;
    match output {
        Some(out) => write_patched_copy(input, &data, out, &writes)?,
        None if !report.is_noop() => write_patched_copy(input, &data, input, &writes)?,
        None => {}
    }
    Ok(report)
}
