//! The bind operation: bytes in, patched bytes out, or every reason why not.

use std::path::Path;
use std::sync::Arc;

use crate::classify::each_relocated_call_lazily;
use crate::elf::ElfView;
use crate::error::{BindError, BindProblem, ElfError, Error};
use crate::patch::{apply, edits, PatchStats, Write};
use crate::plan::{BindOptions, Binding, HelperTable, Planner};
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
///
/// The bound calls are kept as the plan's bindings plus the names of their few sections and
/// symbols, and handed out as [`BoundCall`]s by [`BindReport::bound`]: a report per call,
/// built up front, would be one of the largest allocations of binding a large object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BindReport {
    /// The calls bound, in section and instruction order.
    bindings: Vec<Binding>,
    /// Names of the sections with bound calls, by section index, ascending.
    section_names: Vec<(usize, Arc<str>)>,
    /// Names of the bound symbols, by symbol index, ascending.
    symbol_names: Vec<(usize, Arc<str>)>,
    /// Relocations, symbols and BTF records changed.
    pub stats: PatchStats,
    /// Externs left for a later link (with `allow_unresolved`).
    pub left_unresolved: Vec<BindProblem>,
}

/// The name of index `i` in a list sorted by index (empty if missing, which the report's own
/// construction rules out).
fn name_of(names: &[(usize, Arc<str>)], i: usize) -> Arc<str> {
    names
        .binary_search_by_key(&i, |(at, _)| *at)
        .map_or_else(|_| Arc::from(""), |k| names[k].1.clone())
}

/// The distinct values of `indices`, each below `limit`, ascending.
fn distinct(indices: impl Iterator<Item = usize>, limit: usize) -> Vec<usize> {
    let mut seen = vec![false; limit];
    let mut out = Vec::new();
    for i in indices {
        if !std::mem::replace(&mut seen[i], true) {
            out.push(i);
        }
    }
    out.sort_unstable();
    out
}

impl BindReport {
    /// The report of binding `bindings` in `view`.
    fn new(
        view: &ElfView,
        bindings: Vec<Binding>,
        stats: PatchStats,
        left_unresolved: Vec<BindProblem>,
    ) -> Self {
        let sections = distinct(bindings.iter().map(|b| b.section), view.sections.len());
        let symbols = distinct(bindings.iter().map(|b| b.symbol), view.symbols.len());
        BindReport {
            section_names: sections
                .into_iter()
                .map(|i| (i, Arc::from(view.section_name(i).as_ref())))
                .collect(),
            symbol_names: symbols
                .into_iter()
                .map(|i| (i, Arc::from(view.symbols[i].name().as_ref())))
                .collect(),
            bindings,
            stats,
            left_unresolved,
        }
    }

    /// Every call bound, in section and instruction order.
    pub fn bound(&self) -> impl ExactSizeIterator<Item = BoundCall> + '_ {
        self.bindings.iter().map(|b| BoundCall {
            section: name_of(&self.section_names, b.section),
            insn: b.insn,
            name: name_of(&self.symbol_names, b.symbol),
            canonical: b.canonical.clone(),
            id: b.id,
        })
    }

    /// How many calls were bound.
    pub fn bound_count(&self) -> usize {
        self.bindings.len()
    }

    /// Whether the object had nothing to bind (and so is unchanged).
    pub fn is_noop(&self) -> bool {
        self.bindings.is_empty()
    }

    /// How many different helpers the bound calls call.
    pub fn helper_count(&self) -> usize {
        // Calls share their helper's name (`Arc`): a handful of distinct pointers is found by
        // comparing with the few seen so far; only past that are the names themselves sorted.
        const FEW: usize = 64;
        let mut seen: Vec<&Arc<str>> = Vec::new();
        for b in &self.bindings {
            if seen.iter().any(|s| Arc::ptr_eq(s, &b.canonical)) {
                continue;
            }
            if seen.len() == FEW {
                let mut all: Vec<&str> = self.bindings.iter().map(|b| &*b.canonical).collect();
                all.sort_unstable();
                all.dedup();
                return all.len();
            }
            seen.push(&b.canonical);
        }
        let mut names: Vec<&str> = seen.into_iter().map(|s| &**s).collect();
        names.sort_unstable();
        names.dedup();
        names.len()
    }

    /// A one-line summary for people.
    pub fn summary(&self) -> String {
        if self.is_noop() {
            return "nothing to bind: no helper call is bound by name; object unchanged".into();
        }
        format!(
            "bound {} call(s) to {} helper(s); removed {} relocation(s) and {} symbol(s); made {} BTF FUNC(s) static",
            self.bound_count(),
            self.helper_count(),
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
    // Binding only concerns relocated calls: no need to scan every instruction, nor to keep
    // the calls it does not rewrite.
    let mut planner = Planner::new(&view, &[], options);
    // At most one binding per relocation of a code section: sized once, never regrown.
    planner.reserve(
        view.relocations
            .iter()
            .filter(|r| view.sections[r.target].is_code())
            .map(|r| r.len())
            .sum(),
    );
    each_relocated_call_lazily(&view, |call, site| planner.add_relocated(call, site, table))
        .map_err(BindFailure::BadInput)?;
    let plan = planner.finish().map_err(BindFailure::Bind)?;
    let (writes, stats) = edits(&view, &plan).map_err(BindFailure::BadInput)?;
    let report = BindReport::new(&view, plan.bindings, stats, plan.left_unresolved);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elf::{Endian, R_BPF_64_32};
    use crate::insn::{Insn, OP_CALL};
    use crate::platform::{Platform, PlatformKind};
    use crate::synth::ObjectBuilder;

    /// An object whose sections each call the named helpers once, in order.
    fn object(sections: &[(&str, &[&str])]) -> Vec<u8> {
        let calls: Vec<(&str, Vec<Call>)> = sections
            .iter()
            .map(|(section, names)| (*section, names.iter().map(|&n| (n, &[][..])).collect()))
            .collect();
        let sections: Vec<(&str, &[Call])> = calls.iter().map(|(s, c)| (*s, &c[..])).collect();
        object_with_args(&sections)
    }

    /// A helper call: its name and the argument registers set before it.
    type Call<'a> = (&'a str, &'a [u8]);

    /// An object whose sections call the named helpers in order, each after setting the
    /// listed argument registers.
    fn object_with_args(sections: &[(&str, &[Call])]) -> Vec<u8> {
        let e = Endian::Little;
        let insn = |code, dst, src, imm| {
            Insn {
                code,
                dst,
                src,
                off: 0,
                imm,
            }
            .encode(e)
        };
        let mut b = ObjectBuilder::new(e);
        let mut symbols: Vec<(String, usize)> = Vec::new();
        for (section, calls) in sections {
            let mut code = Vec::new();
            let mut at = Vec::new();
            for (_, regs) in calls.iter() {
                code.extend(regs.iter().map(|&r| insn(0xb7, r, 0, 0)));
                at.push(code.len() as u64 * 8);
                code.push(insn(OP_CALL, 0, 1, -1));
            }
            code.push(insn(0x95, 0, 0, 0));
            let sec = b.code_section(section, &code);
            for ((name, _), offset) in calls.iter().zip(at) {
                let symbol = match symbols.iter().find(|(n, _)| n == name) {
                    Some(&(_, s)) => s,
                    None => {
                        let s = b.undefined(name);
                        symbols.push((name.to_string(), s));
                        s
                    }
                };
                b.reloc(sec, offset, symbol, R_BPF_64_32);
            }
        }
        b.build()
    }

    /// Binding remembers a symbol's binding per section and skips resolving its later calls;
    /// it must bind exactly what planning every call site does, including calls that bind by
    /// their arguments (Windows printk) between remembered ones.
    #[test]
    fn remembered_bindings_match_planning_every_call() {
        let printk2: Call = ("bpf_printk", &[1, 2]);
        let printk3: Call = ("bpf_printk", &[1, 2, 3]);
        let lookup: Call = ("bpf_map_lookup_elem", &[1, 2]);
        let head: Call = ("bpf_xdp_adjust_head", &[1, 2]);
        let obj = object_with_args(&[
            (
                "xdp",
                &[
                    printk2, lookup, printk3, lookup, head, printk2, head, lookup,
                ],
            ),
            ("xdp/second", &[head, lookup, printk3, lookup]),
            ("bind4", &[lookup, printk2, lookup]),
        ]);
        for kind in [PlatformKind::Linux, PlatformKind::Windows] {
            let platform = Platform::builtin(kind);
            let view = ElfView::parse(&obj).unwrap();
            let sites = crate::classify::relocated_calls(&view).unwrap();
            let options = BindOptions::default();
            let planned = crate::plan::plan(&view, &sites, &platform, options);
            let (_, report) = bind_edits(&obj, &platform, options).unwrap();
            let plan = planned.unwrap();
            assert_eq!(report.bindings, plan.bindings, "{kind}");
            assert_eq!(report.bound_count(), 15, "{kind}");
            let ids: Vec<u32> = report.bindings.iter().map(|b| b.id).collect();
            if kind == PlatformKind::Windows {
                // printk by its argument count (r1-r2 set: printk2, ID 12; r1-r3: 13) wherever
                // it sits between remembered calls.
                assert_eq!(&ids[..8], &[12, 1, 13, 1, 65536, 12, 65536, 1]);
            }
        }
    }

    /// A binding is remembered for its section only: the same helper called from a section
    /// of another program type is resolved again (and refused on Windows).
    #[test]
    fn remembered_bindings_are_per_section() {
        let head: Call = ("bpf_xdp_adjust_head", &[1, 2]);
        let obj = object_with_args(&[("xdp", &[head, head]), ("bind4", &[head])]);
        let windows = Platform::builtin(PlatformKind::Windows);
        let Err(BindFailure::Bind(e)) = bind_edits(&obj, &windows, BindOptions::default()) else {
            panic!("bpf_xdp_adjust_head bound in a bind program");
        };
        assert!(
            matches!(&e.problems[..], [BindProblem::WrongProgramType { section, .. }] if section == "bind4"),
            "{e}"
        );
        let linux = Platform::builtin(PlatformKind::Linux);
        let (_, report) = bind_edits(&obj, &linux, BindOptions::default()).unwrap();
        assert_eq!(report.bound_count(), 3);
    }

    /// Fuzzing finding 19: a `.BTF` section typed as an address-significance table
    /// (SHT_LLVM_ADDRSIG) was rewritten by bind as a ULEB128 symbol list (and patched as BTF
    /// too), so bind's output no longer read back. Every command now refuses a `.BTF` that
    /// another role (code, symbol or relocation table, addrsig, group) would also rewrite.
    #[test]
    fn btf_section_with_another_role_is_refused() {
        use crate::elf::{SHF_EXECINSTR, SHT_LLVM_ADDRSIG, SHT_PROGBITS, SHT_REL};
        let e = Endian::Little;
        let call = Insn {
            code: OP_CALL,
            dst: 0,
            src: 1,
            off: 0,
            imm: -1,
        }
        .encode(e);
        let btf = crate::btf::tests::sample(e);
        for (sh_type, flags, role) in [
            (SHT_LLVM_ADDRSIG, 0, "SHT_LLVM_ADDRSIG"),
            (SHT_PROGBITS, SHF_EXECINSTR, "code"),
            (SHT_REL, 0, "relocation"),
        ] {
            let mut b = ObjectBuilder::new(e);
            let xdp = b.code_section("xdp", &[call, [0x95, 0, 0, 0, 0, 0, 0, 0]]);
            let helper = b.undefined("bpf_map_lookup_elem");
            b.reloc(xdp, 0, helper, R_BPF_64_32);
            b.section(".BTF", sh_type, flags, btf.clone());
            let obj = b.build();
            let err = match bind_edits(
                &obj,
                &Platform::builtin(PlatformKind::Linux),
                BindOptions::default(),
            ) {
                Err(BindFailure::BadInput(err)) => err.to_string(),
                other => panic!("{role}: {other:?}"),
            };
            assert!(
                err.contains("`.BTF` is also ") && err.contains(role),
                "{role}: {err}"
            );
        }
    }

    #[test]
    fn report_names_each_call_by_section_symbol_and_helper() {
        let mut obj = object(&[
            ("xdp", &["bpf_map_lookup_elem", "bpf_printk"]),
            ("tc", &["bpf_ktime_get_ns", "bpf_map_lookup_elem"]),
        ]);
        let linux = Platform::builtin(PlatformKind::Linux);
        let report = bind(&mut obj, &linux, BindOptions::default()).unwrap();
        let calls: Vec<(String, usize, String, String, u32)> = report
            .bound()
            .map(|b| {
                let (s, n, c) = (b.section, b.name, b.canonical);
                (s.to_string(), b.insn, n.to_string(), c.to_string(), b.id)
            })
            .collect();
        let call = |s: &str, i, n: &str, c: &str, id| (s.into(), i, n.into(), c.into(), id);
        assert_eq!(
            calls,
            vec![
                call("xdp", 0, "bpf_map_lookup_elem", "bpf_map_lookup_elem", 1),
                call("xdp", 1, "bpf_printk", "bpf_trace_printk", 6),
                call("tc", 0, "bpf_ktime_get_ns", "bpf_ktime_get_ns", 5),
                call("tc", 1, "bpf_map_lookup_elem", "bpf_map_lookup_elem", 1),
            ]
        );
        assert_eq!(report.bound_count(), 4);
        assert_eq!(report.helper_count(), 3);
        assert!(report
            .summary()
            .starts_with("bound 4 call(s) to 3 helper(s)"));
    }

    /// Past 64 distinct shared names (one per section here, all the same helper), the count
    /// falls back to comparing the names themselves.
    #[test]
    fn helper_count_compares_names_past_the_few_shared_ones() {
        let names: Vec<String> = (0..70).map(|i| format!("tc/s{i}")).collect();
        let calls: &[&str] = &["bpf_ktime_get_ns", "bpf_get_prandom_u32"];
        let sections: Vec<(&str, &[&str])> = names.iter().map(|n| (n.as_str(), calls)).collect();
        let mut obj = object(&sections);
        let linux = Platform::builtin(PlatformKind::Linux);
        let report = bind(&mut obj, &linux, BindOptions::default()).unwrap();
        assert_eq!(report.bound_count(), 140);
        assert_eq!(report.helper_count(), 2);
        let sections: std::collections::HashSet<Arc<str>> =
            report.bound().map(|b| b.section).collect();
        assert_eq!(sections.len(), 70);
    }
}
