//! Which program sections reach a subprogram through bpf-to-bpf calls.
//!
//! A helper that belongs to a program type (Windows) may be called from a subprogram in
//! `.text`, which has no program type of its own: the programs calling it decide. Functions are
//! the `STT_FUNC` symbols of code sections; a call's target is its relocation symbol plus
//! `imm + 1` instructions, or `insn + imm + 1` in the same section when not relocated.

use std::collections::{BTreeSet, HashMap};

use crate::classify::{CallSite, CallTarget};
use crate::elf::ElfView;
use crate::insn::INSN_SIZE;

const STT_FUNC: u8 = 2;
/// The section of subprograms in libbpf's convention; every other code section is a program.
pub const SUBPROGRAM_SECTION: &str = ".text";

/// One function: a code range of a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// Code section index.
    pub section: usize,
    /// First instruction index.
    pub start: usize,
    /// Name (the symbol's, or the section's when the section has no function symbol).
    pub name: String,
}

/// Functions and who calls whom.
#[derive(Debug, Clone, Default)]
pub struct CallGraph {
    /// Functions ordered by (section, start).
    functions: Vec<Function>,
    /// `callers[f]`: functions with a call into `f`.
    callers: Vec<BTreeSet<usize>>,
    /// Per section, the range of `functions` it owns.
    by_section: HashMap<usize, std::ops::Range<usize>>,
}

impl CallGraph {
    /// Builds the graph of `view` from its call sites.
    pub fn new(view: &ElfView, sites: &[CallSite]) -> Self {
        let mut functions: Vec<Function> = view
            .symbols
            .iter()
            .filter(|s| s.kind() == STT_FUNC)
            .filter(|s| {
                view.sections
                    .get(s.shndx as usize)
                    .is_some_and(|sec| sec.is_code())
            })
            .map(|s| Function {
                section: s.shndx as usize,
                start: (s.value / INSN_SIZE as u64) as usize,
                name: s.name().into_owned(),
            })
            .collect();
        // A code section without function symbols is one function.
        for sec in view.sections.iter().filter(|s| s.is_code()) {
            if !functions
                .iter()
                .any(|f| f.section == sec.index && f.start == 0)
            {
                functions.push(Function {
                    section: sec.index,
                    start: 0,
                    name: sec.name().into_owned(),
                });
            }
        }
        functions.sort_by_key(|f| (f.section, f.start));
        functions.dedup_by_key(|f| (f.section, f.start));
        let mut by_section: HashMap<usize, std::ops::Range<usize>> = HashMap::new();
        for (i, f) in functions.iter().enumerate() {
            by_section
                .entry(f.section)
                .and_modify(|r| r.end = i + 1)
                .or_insert(i..i + 1);
        }
        let mut graph = CallGraph {
            callers: vec![BTreeSet::new(); functions.len()],
            functions,
            by_section,
        };
        for site in sites {
            let CallTarget::Local { symbol } = site.target else {
                continue;
            };
            let delta = i64::from(site.raw.imm) + 1;
            let (section, base) = match symbol {
                Some(s) => {
                    let sym = &view.symbols[s];
                    (sym.shndx as usize, (sym.value / INSN_SIZE as u64) as i64)
                }
                None => (site.section, site.insn as i64),
            };
            let target = base + delta;
            let (Some(callee), Some(caller)) = (
                usize::try_from(target)
                    .ok()
                    .and_then(|t| graph.function_at(section, t)),
                graph.function_at(site.section, site.insn),
            ) else {
                continue;
            };
            graph.callers[callee].insert(caller);
        }
        graph
    }

    /// The function containing instruction `insn` of `section`.
    pub fn function_at(&self, section: usize, insn: usize) -> Option<usize> {
        let range = self.by_section.get(&section)?.clone();
        let slice = &self.functions[range.clone()];
        let k = slice.partition_point(|f| f.start <= insn);
        (k > 0).then(|| range.start + k - 1)
    }

    /// The function `f`.
    pub fn function(&self, f: usize) -> &Function {
        &self.functions[f]
    }

    /// Program sections (code sections other than `.text`) whose functions reach `f` through
    /// calls, transitively, in section index order.
    pub fn reaching_programs(&self, view: &ElfView, f: usize) -> Vec<usize> {
        let mut seen = vec![false; self.functions.len()];
        let mut stack = vec![f];
        let mut programs = BTreeSet::new();
        seen[f] = true;
        while let Some(g) = stack.pop() {
            for &c in &self.callers[g] {
                if seen[c] {
                    continue;
                }
                seen[c] = true;
                let section = self.functions[c].section;
                if view.section_name(section) == SUBPROGRAM_SECTION {
                    stack.push(c);
                } else {
                    programs.insert(section);
                }
            }
        }
        programs.into_iter().collect()
    }
}
