//! What each call instruction of an object is, independent of any platform.
//!
//! clang emits `call -1` (src_reg 1) with an `R_BPF_64_32` relocation for every extern function;
//! only the relocation's symbol tells helpers, kfuncs and BPF functions apart:
//! defined symbol → bpf-to-bpf call; undefined and listed in the BTF `.ksyms` DATASEC → kfunc;
//! any other undefined symbol → extern, which a platform table may know as a helper.

use std::collections::HashSet;
use std::sync::Arc;

use crate::elf::{ElfView, Reloc, R_BPF_64_32};
use crate::error::{ElfError, ElfErrorKind};
use crate::insn::{Insn, CALL_HELPER, CALL_PSEUDO, INSN_SIZE, OP_CALL, OP_LD_IMM64};

/// A relocation entry: index into [`ElfView::relocations`] and entry index within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RelocRef {
    /// Index into `ElfView::relocations`.
    pub table: usize,
    /// Entry index inside that relocation section.
    pub entry: usize,
}

/// What a call instruction calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallTarget {
    /// A helper by number (`call N`, src_reg 0, no relocation).
    Numeric {
        /// The helper ID (the immediate).
        id: u32,
    },
    /// A BPF function: a defined symbol, a section symbol, or a pc-relative call.
    Local {
        /// The relocation's symbol, if the call is relocated.
        symbol: Option<usize>,
    },
    /// An undefined symbol listed in the BTF `.ksyms` DATASEC.
    Kfunc {
        /// Symbol index.
        symbol: usize,
        /// Symbol name (shared by every call of the symbol).
        name: Arc<str>,
    },
    /// An undefined symbol that is not a kfunc: a helper declared by name, or something a
    /// later link must resolve.
    Extern {
        /// Symbol index.
        symbol: usize,
        /// Symbol name (shared by every call of the symbol).
        name: Arc<str>,
    },
    /// Anything else (for example src_reg 2, a kfunc call by BTF id).
    Other,
}

/// One call instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallSite {
    /// Section index of the code section.
    pub section: usize,
    /// Instruction index (byte offset / 8) inside the section.
    pub insn: usize,
    /// The decoded instruction.
    pub raw: Insn,
    /// The `R_BPF_64_32` relocation that patches it, if any.
    pub reloc: Option<RelocRef>,
    /// What it calls.
    pub target: CallTarget,
}

/// Names of kfuncs and kernel symbols declared in the object's BTF `.ksyms` DATASEC.
pub fn ksym_names<'a>(view: &ElfView<'a>) -> Result<HashSet<&'a [u8]>, ElfError> {
    let Some(btf) = view.btf()? else {
        return Ok(HashSet::new());
    };
    Ok(btf.ksyms())
}

/// Every call instruction of every code section, in section and instruction order.
///
/// Fails on an `R_BPF_64_32` relocation of a code section that is misaligned, outside the
/// section, not on a call, or doubled, and on unreadable BTF.
pub fn classify(view: &ElfView) -> Result<Vec<CallSite>, ElfError> {
    let ksyms = ksym_names(view)?;
    let mut targets = TargetCache::new(view, &ksyms);
    let mut sites = Vec::new();
    for sec in view.sections.iter().filter(|s| s.is_code()) {
        let code = view.section_data(sec.index);
        let calls = call_relocations(view, sec.index)?;
        let mut next = 0;
        let n = code.len() / INSN_SIZE;
        let mut i = 0;
        while i < n {
            // Only the opcode byte matters for most instructions; decode calls alone.
            let opcode = code[i * INSN_SIZE];
            if opcode == OP_LD_IMM64 {
                i += 2;
                continue;
            }
            if opcode == OP_CALL {
                let raw = Insn::decode(view.endian, &code[i * INSN_SIZE..]);
                // Both lists ascend: advance to this instruction's relocation, if any.
                let offset = (i * INSN_SIZE) as u64;
                while next < calls.len() && calls[next].0 < offset {
                    next += 1;
                }
                let reloc = calls.get(next).filter(|c| c.0 == offset).map(|c| c.1);
                let target = match reloc {
                    Some(r) => targets.target(view, r),
                    None if raw.src == CALL_HELPER => CallTarget::Numeric { id: raw.imm as u32 },
                    None if raw.src == CALL_PSEUDO => CallTarget::Local { symbol: None },
                    None => CallTarget::Other,
                };
                sites.push(CallSite {
                    section: sec.index,
                    insn: i,
                    raw,
                    reloc,
                    target,
                });
            }
            i += 1;
        }
    }
    Ok(sites)
}

/// What a relocated call calls: its symbol decides. Decided once per symbol: an object may
/// call the same few helpers 10^5 times.
struct TargetCache<'k> {
    ksyms: &'k HashSet<&'k [u8]>,
    by_symbol: Vec<Option<CallTarget>>,
}

impl<'k> TargetCache<'k> {
    fn new(view: &ElfView, ksyms: &'k HashSet<&'k [u8]>) -> Self {
        TargetCache {
            ksyms,
            by_symbol: vec![None; view.symbols.len()],
        }
    }

    fn target(&mut self, view: &ElfView, r: RelocRef) -> CallTarget {
        let symbol = view.relocations[r.table].entry(r.entry).symbol as usize;
        if let Some(Some(known)) = self.by_symbol.get(symbol) {
            return known.clone();
        }
        let sym = &view.symbols[symbol];
        let target = if !sym.is_undefined() {
            CallTarget::Local {
                symbol: Some(symbol),
            }
        } else if self.ksyms.contains(&sym.name) {
            CallTarget::Kfunc {
                symbol,
                name: Arc::from(sym.name().as_ref()),
            }
        } else {
            CallTarget::Extern {
                symbol,
                name: Arc::from(sym.name().as_ref()),
            }
        };
        self.by_symbol[symbol] = Some(target.clone());
        target
    }
}

/// Only the relocated calls (helpers, kfuncs, relocated bpf-to-bpf calls), in section and
/// instruction order: what binding needs, found from the relocation tables without scanning
/// every instruction. The same checks as [`classify`] apply to each relocation.
pub fn relocated_calls(view: &ElfView) -> Result<Vec<CallSite>, ElfError> {
    let mut sites = Vec::new();
    each_relocated_call(view, |site| sites.push(site))?;
    Ok(sites)
}

/// Gives every relocated call of [`relocated_calls`] to `each`, in the same order, without
/// collecting them: binding keeps only the calls it rewrites (an object may have 10^5 calls).
/// Every relocation is checked first, so `each` sees nothing when the object is malformed.
pub fn each_relocated_call(view: &ElfView, mut each: impl FnMut(CallSite)) -> Result<(), ElfError> {
    let ksyms = ksym_names(view)?;
    let mut targets = TargetCache::new(view, &ksyms);
    let per_section = view
        .sections
        .iter()
        .filter(|s| s.is_code())
        .map(|s| checked_calls(view, s.index))
        .collect::<Result<Vec<_>, ElfError>>()?;
    for call in per_section.into_iter().flatten() {
        each(call_site(view, &mut targets, call));
    }
    Ok(())
}

/// [`relocated_calls`] through the path binding takes ([`each_relocated_call_lazily`], which
/// checks in-order relocation tables as it reads them), for fuzzing that both agree.
#[doc(hidden)]
pub fn relocated_calls_as_binding_reads_them(view: &ElfView) -> Result<Vec<CallSite>, ElfError> {
    let mut sites = Vec::new();
    each_relocated_call_lazily(view, |_, site| sites.push(site()))?;
    Ok(sites)
}

/// A relocated call before its [`CallSite`] is made.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RelocatedCall {
    /// Code section index.
    pub section: usize,
    /// Instruction index.
    pub insn: usize,
    /// Its relocation.
    pub reloc: RelocRef,
    /// The relocation's symbol index.
    pub symbol: usize,
}

fn relocated_call(section: usize, offset: u64, reloc: RelocRef, symbol: usize) -> RelocatedCall {
    RelocatedCall {
        section,
        insn: offset as usize / INSN_SIZE,
        reloc,
        symbol,
    }
}

/// The calls of code section `target`, checked, sorted and located as [`call_relocations`]
/// gives them.
fn checked_calls(view: &ElfView, target: usize) -> Result<Vec<RelocatedCall>, ElfError> {
    let calls = call_relocations(view, target)?;
    Ok(calls
        .into_iter()
        .map(|(offset, r)| {
            let symbol = view.relocations[r.table].entry(r.entry).symbol as usize;
            relocated_call(target, offset, r, symbol)
        })
        .collect())
}

fn call_site(view: &ElfView, targets: &mut TargetCache, call: RelocatedCall) -> CallSite {
    let at = call.insn * INSN_SIZE;
    CallSite {
        section: call.section,
        insn: call.insn,
        raw: Insn::decode(
            view.endian,
            &view.section_data(call.section)[at..at + INSN_SIZE],
        ),
        reloc: Some(call.reloc),
        target: targets.target(view, call.reloc),
    }
}

/// [`each_relocated_call`], handing `each` the call's location and a maker of its
/// [`CallSite`], for callers that can often tell from the location alone what to do.
///
/// Unlike [`each_relocated_call`], a code section whose one relocation table lists its calls
/// in order (what clang writes) is checked as it is read, without collecting its calls first,
/// so `each` may see calls of an object this then reports malformed: the caller must drop
/// what it made of them on an error. `each` never sees a call that failed a check.
pub(crate) fn each_relocated_call_lazily(
    view: &ElfView,
    mut each: impl FnMut(RelocatedCall, &mut dyn FnMut() -> CallSite),
) -> Result<(), ElfError> {
    let ksyms = ksym_names(view)?;
    let mut targets = TargetCache::new(view, &ksyms);
    for sec in view.sections.iter().filter(|s| s.is_code()) {
        let mut emit = |call: RelocatedCall| {
            each(call, &mut || call_site(view, &mut targets, call));
        };
        match in_order_table(view, sec.index) {
            Some(table) => stream_calls(view, sec.index, table, &mut emit)?,
            None => checked_calls(view, sec.index)?.into_iter().for_each(emit),
        }
    }
    Ok(())
}

/// The one relocation table of code section `target`, if its call relocations are in
/// strictly ascending offset order (then sorting them, and looking for duplicates, is moot).
fn in_order_table(view: &ElfView, target: usize) -> Option<usize> {
    let mut tables = (0..view.relocations.len()).filter(|&t| view.relocations[t].target == target);
    let table = tables.next()?;
    if tables.next().is_some() {
        return None;
    }
    let mut last = None;
    for r in view.relocations[table].entries() {
        if r.kind == R_BPF_64_32 {
            if last.is_some_and(|l| r.offset <= l) {
                return None;
            }
            last = Some(r.offset);
        }
    }
    Some(table)
}

/// Checks and hands over the calls of code section `target`, whose relocation table `table`
/// lists them in ascending order, as [`call_relocations`] would, with the same error first.
fn stream_calls(
    view: &ElfView,
    target: usize,
    table: usize,
    emit: &mut dyn FnMut(RelocatedCall),
) -> Result<(), ElfError> {
    let code = view.section_data(target);
    // `call_relocations` reports a call on the second half of a load only once every entry
    // passed the other checks: keep the first such call and stop handing calls over.
    let mut second_half = None;
    for (entry, r) in view.relocations[table].entries().enumerate() {
        if r.kind != R_BPF_64_32 {
            continue;
        }
        check_call_relocation(view, target, table, entry, &r)?;
        let reloc = RelocRef { table, entry };
        if second_half.is_some() {
            continue;
        }
        if is_second_half(code, r.offset as usize / INSN_SIZE) {
            second_half = Some((r.offset, reloc));
            continue;
        }
        emit(relocated_call(target, r.offset, reloc, r.symbol as usize));
    }
    match second_half {
        Some((offset, reloc)) => Err(second_half_error(view, target, offset, reloc)),
        None => Ok(()),
    }
}

/// Checks that entry `entry` of relocation table `table`, an `R_BPF_64_32` relocation of
/// code section `target`, names a symbol and sits on a relocatable call.
fn check_call_relocation(
    view: &ElfView,
    target: usize,
    table: usize,
    entry: usize,
    r: &Reloc,
) -> Result<(), ElfError> {
    let sec = &view.sections[target];
    let code = view.section_data(target);
    let rel = &view.relocations[table];
    let rel_sec = &view.sections[rel.section];
    // Built only for an error: a location owns the section's name.
    let entry_loc = || rel_sec.location(entry as u64 * rel.entsize);
    let symbol = match view.symbols.get(r.symbol as usize) {
        Some(s) if s.index != 0 => Some(s),
        _ => None,
    };
    let Some(symbol) = symbol else {
        // A call must name its target; symbol 0 (the null symbol) names nothing.
        return Err(ElfError::new(
            entry_loc(),
            ElfErrorKind::IndexOutOfRange {
                what: "call relocation symbol index",
                index: u64::from(r.symbol),
                limit: view.symbols.len() as u64,
            },
        ));
    };
    let fits = r
        .offset
        .checked_add(INSN_SIZE as u64)
        .is_some_and(|end| end <= code.len() as u64);
    if r.offset % INSN_SIZE as u64 != 0 || !fits {
        return Err(ElfError::new(
            entry_loc(),
            ElfErrorKind::BadRelocationOffset {
                insn_offset: r.offset,
                section_size: sec.size,
            },
        ));
    }
    let opcode = code[r.offset as usize];
    let at = r.offset as usize;
    let src = Insn::decode(view.endian, &code[at..at + INSN_SIZE]).src;
    if opcode == OP_CALL && src != CALL_PSEUDO {
        // clang relocates only `call -1` with src_reg 1; a relocated `call N`
        // contradicts itself (is it the number or the symbol?).
        return Err(ElfError::new(
            sec.location(r.offset),
            ElfErrorKind::Malformed {
                what: format!(
                    "R_BPF_64_32 relocation against `{}` sits on a call with src_reg {src} (instruction {}); relocated calls have src_reg 1",
                    symbol.name(),
                    r.offset / INSN_SIZE as u64
                ),
            },
        ));
    }
    if opcode != OP_CALL {
        return Err(ElfError::new(
            sec.location(r.offset),
            ElfErrorKind::RelocationNotOnCall {
                insn_offset: r.offset,
                opcode,
                symbol: symbol.name().into_owned(),
            },
        ));
    }
    Ok(())
}

/// `R_BPF_64_32` relocations of code section `target`, by byte offset, each checked to sit on
/// a call instruction.
fn call_relocations(view: &ElfView, target: usize) -> Result<Vec<(u64, RelocRef)>, ElfError> {
    let code = view.section_data(target);
    // At most one call per entry of the section's relocation tables: sized once.
    let mut calls = Vec::with_capacity(view.relocations_for(target).map(|r| r.len()).sum());
    for (table, rel) in view.relocations.iter().enumerate() {
        if rel.target != target {
            continue;
        }
        for (entry, r) in rel.entries().enumerate() {
            if r.kind != R_BPF_64_32 {
                continue;
            }
            check_call_relocation(view, target, table, entry, &r)?;
            calls.push((r.offset, RelocRef { table, entry }));
        }
    }
    // Sorted, no hashing: objects can have 10^5 calls. clang writes them in offset order, so
    // the sort is mostly a check. A second entry at the same offset is the duplicate.
    if !calls
        .windows(2)
        .all(|w| (w[0].0, w[0].1.table, w[0].1.entry) <= (w[1].0, w[1].1.table, w[1].1.entry))
    {
        calls.sort_unstable_by_key(|&(offset, r)| (offset, r.table, r.entry));
    }
    if let Some(w) = calls.windows(2).find(|w| w[0].0 == w[1].0) {
        let (offset, dup) = w[1];
        let rel = &view.relocations[dup.table];
        return Err(ElfError::new(
            view.sections[rel.section].location(dup.entry as u64 * rel.entsize),
            ElfErrorKind::DuplicateRelocation {
                insn_offset: offset,
            },
        ));
    }
    // The second half of a 16-byte load is no instruction: `classify`, which walks the code,
    // never sees a call there, so binding must not patch one (found by fuzzing: `check` and
    // `bind` disagreed about such an object).
    if let Some(&(offset, r)) = calls
        .iter()
        .find(|&&(offset, _)| is_second_half(code, offset as usize / INSN_SIZE))
    {
        return Err(second_half_error(view, target, offset, r));
    }
    Ok(calls)
}

/// The error for a call relocation at `offset` of code section `target` that sits on the
/// second half of a 16-byte load.
fn second_half_error(view: &ElfView, target: usize, offset: u64, r: RelocRef) -> ElfError {
    let want = offset as usize / INSN_SIZE;
    let rel = &view.relocations[r.table];
    ElfError::new(
        view.sections[rel.section].location(r.entry as u64 * rel.entsize),
        ElfErrorKind::Malformed {
            what: format!(
                "R_BPF_64_32 relocation on instruction {want} of `{}`, which is the second \
                 half of the 16-byte load at instruction {}",
                view.sections[target].name(),
                want - 1
            ),
        },
    )
}

/// Whether slot `i` of `code` is the second half of a 16-byte load rather than an instruction,
/// as a walk from the start of the section (a load opcode takes two slots, anything else one)
/// would find, without walking: the slot before a run of load opcodes always starts an
/// instruction (it is an 8-byte instruction or a load's second half), so the run pairs up from
/// its first slot, and slot `i` is a second half exactly when the run ending at `i - 1` is odd.
/// Costs the length of that run (0 or 1 in real code), not the length of the section.
fn is_second_half(code: &[u8], i: usize) -> bool {
    let run = (0..i)
        .rev()
        .take_while(|&j| code[j * INSN_SIZE] == OP_LD_IMM64)
        .count();
    run % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elf::{Endian, R_BPF_64_64};
    use crate::synth::{ObjectBuilder, GLOBAL_FUNC};

    fn call(endian: Endian, src: u8, imm: i32) -> [u8; 8] {
        Insn {
            code: OP_CALL,
            dst: 0,
            src,
            off: 0,
            imm,
        }
        .encode(endian)
    }

    /// `is_second_half` agrees with a walk from the section start on every slot of every
    /// pattern of load and other opcodes up to 12 slots long.
    #[test]
    fn second_half_matches_a_forward_walk() {
        for len in 1..=12usize {
            for pattern in 0u32..(1 << len) {
                let code: Vec<u8> = (0..len)
                    .flat_map(|j| {
                        let op = if pattern >> j & 1 == 1 {
                            OP_LD_IMM64
                        } else {
                            OP_CALL
                        };
                        [op, 0, 0, 0, 0, 0, 0, 0]
                    })
                    .collect();
                let mut starts = vec![false; len];
                let mut at = 0;
                while at < len {
                    starts[at] = true;
                    at += if code[at * INSN_SIZE] == OP_LD_IMM64 {
                        2
                    } else {
                        1
                    };
                }
                for (i, &start) in starts.iter().enumerate() {
                    assert_eq!(
                        is_second_half(&code, i),
                        !start,
                        "pattern {pattern:b}, slot {i}"
                    );
                }
            }
        }
    }

    /// The streaming check of in-order tables must hand over the same calls, and fail with
    /// the same error, as the collecting one that sorts and checks first.
    #[test]
    fn streaming_and_collecting_checks_agree() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let (mut streamed, mut failed) = (0, 0);
        for round in 0..4000 {
            let e = if round % 2 == 0 {
                Endian::Little
            } else {
                Endian::Big
            };
            let mut b = ObjectBuilder::new(e);
            let sym = b.undefined("bpf_ktime_get_ns");
            let local = b.symbol("f", 0x12, 0, 0, 0);
            for section in 0..1 + next(2) {
                let len = 1 + next(10) as usize;
                let insns: Vec<[u8; 8]> = (0..len)
                    .map(|_| match next(6) {
                        0 | 1 => call(e, 1, -1),
                        2 => call(e, 0, 5),
                        3 => {
                            let mut load = [0u8; 8];
                            load[0] = OP_LD_IMM64;
                            load
                        }
                        4 => [0xb7, 0, 0, 0, 0, 0, 0, 0],
                        _ => [0x95, 0, 0, 0, 0, 0, 0, 0],
                    })
                    .collect();
                let text = b.code_section(&format!("xdp/{section}"), &insns);
                // Mostly ascending call offsets (what clang writes), sometimes not.
                let mut offset = 0u64;
                for _ in 0..next(5) {
                    offset = match next(8) {
                        0 => next(len as u64 + 2) * 8,
                        1 => offset + 3,
                        _ => offset + 8 * next(3),
                    };
                    let kind = if next(6) == 0 {
                        R_BPF_64_64
                    } else {
                        R_BPF_64_32
                    };
                    let target = match next(8) {
                        0 => 0,
                        1 => local,
                        _ => sym,
                    };
                    b.reloc(text, offset, target, kind);
                }
            }
            let obj = b.build();
            let Ok(view) = ElfView::parse(&obj) else {
                continue;
            };
            if view
                .sections
                .iter()
                .any(|s| s.is_code() && in_order_table(&view, s.index).is_some())
            {
                streamed += 1;
            }
            let collected = relocated_calls(&view);
            let mut sites = Vec::new();
            let lazily = each_relocated_call_lazily(&view, |call, site| {
                let site = site();
                assert_eq!((call.section, call.insn), (site.section, site.insn));
                sites.push(site);
            });
            match (collected, lazily) {
                (Ok(expected), Ok(())) => assert_eq!(sites, expected, "round {round}"),
                (Err(expected), Err(got)) => {
                    failed += 1;
                    assert_eq!(got.to_string(), expected.to_string(), "round {round}");
                }
                (expected, got) => panic!("round {round}: {expected:?} vs {got:?}"),
            }
        }
        // Both paths and both outcomes were exercised.
        assert!(
            streamed > 1000 && failed > 500,
            "{streamed} streamed, {failed} failed"
        );
    }

    #[test]
    fn a_relocated_call_inside_a_16_byte_load_is_refused() {
        // Fuzzing finding 17: a relocated `call -1` whose previous instruction became a
        // 16-byte load; `classify` skips it as the load's second half, `bind` patched it.
        for e in [Endian::Little, Endian::Big] {
            let mut b = ObjectBuilder::new(e);
            let mut load = [0u8; 8];
            load[0] = OP_LD_IMM64;
            let text = b.code_section("xdp", &[load, call(e, 1, -1), [0x95, 0, 0, 0, 0, 0, 0, 0]]);
            let sym = b.undefined("bpf_ktime_get_ns");
            b.reloc(text, 8, sym, R_BPF_64_32);
            let obj = b.build();
            let view = ElfView::parse(&obj).unwrap();
            assert!(classify(&view)
                .unwrap_err()
                .to_string()
                .contains("second half"));
            let e = relocated_calls(&view).unwrap_err();
            assert!(e.to_string().contains("instruction 1"), "{e}");
        }
    }

    #[test]
    fn sorts_calls_into_kinds() {
        for e in [Endian::Little, Endian::Big] {
            let mut b = ObjectBuilder::new(e);
            let ld = Insn {
                code: OP_LD_IMM64,
                dst: 1,
                src: 0,
                off: 0,
                imm: 0,
            }
            .encode(e);
            let text = b.code_section(
                "xdp",
                &[
                    call(e, 1, -1), // 0 extern helper
                    call(e, 0, 7),  // 1 numeric
                    call(e, 1, -1), // 2 local via symbol
                    call(e, 1, 3),  // 3 pc-relative local
                    ld,             // 4..5 ld_imm64 (map)
                    [0; 8],
                    call(e, 2, 99), // 6 other
                    [0x95, 0, 0, 0, 0, 0, 0, 0],
                ],
            );
            let helper = b.undefined("bpf_map_lookup_elem");
            let func = b.symbol("f", GLOBAL_FUNC, text as u16, 56, 8);
            let map = b.undefined("some_map");
            b.reloc(text, 0, helper, R_BPF_64_32);
            b.reloc(text, 16, func, R_BPF_64_32);
            b.reloc(text, 32, map, R_BPF_64_64);
            let obj = b.build();
            let view = ElfView::parse(&obj).unwrap();
            let sites = classify(&view).unwrap();
            let targets: Vec<_> = sites.iter().map(|s| (s.insn, s.target.clone())).collect();
            assert_eq!(
                targets,
                vec![
                    (
                        0,
                        CallTarget::Extern {
                            symbol: helper,
                            name: "bpf_map_lookup_elem".into()
                        }
                    ),
                    (1, CallTarget::Numeric { id: 7 }),
                    (2, CallTarget::Local { symbol: Some(func) }),
                    (3, CallTarget::Local { symbol: None }),
                    (6, CallTarget::Other),
                ]
            );
        }
    }

    #[test]
    fn relocated_calls_are_the_relocated_sites_of_the_full_scan() {
        let e = Endian::Big;
        let mut b = ObjectBuilder::new(e);
        let text = b.code_section(
            "xdp",
            &[
                call(e, 0, 7),
                call(e, 1, -1),
                call(e, 1, 2),
                call(e, 1, -1),
                call(e, 1, -1),
            ],
        );
        let f = b.symbol("f", GLOBAL_FUNC, text as u16, 0, 8);
        let h = b.undefined("bpf_ktime_get_ns");
        // Relocations out of instruction order.
        b.reloc(text, 32, h, R_BPF_64_32);
        b.reloc(text, 8, h, R_BPF_64_32);
        b.reloc(text, 24, f, R_BPF_64_32);
        let obj = b.build();
        let view = ElfView::parse(&obj).unwrap();
        let full: Vec<CallSite> = classify(&view)
            .unwrap()
            .into_iter()
            .filter(|s| s.reloc.is_some())
            .collect();
        assert_eq!(relocated_calls(&view).unwrap(), full);
        assert_eq!(
            full.iter().map(|s| s.insn).collect::<Vec<_>>(),
            vec![1, 3, 4]
        );
    }

    #[test]
    fn relocation_not_on_call_is_an_error_naming_the_section() {
        let mut b = ObjectBuilder::new(Endian::Little);
        let text = b.code_section("tc", &[[0xb7, 1, 0, 0, 0, 0, 0, 0]]);
        let s = b.undefined("bpf_ktime_get_ns");
        b.reloc(text, 0, s, R_BPF_64_32);
        let obj = b.build();
        let e = classify(&ElfView::parse(&obj).unwrap()).unwrap_err();
        assert!(matches!(
            e.kind,
            ElfErrorKind::RelocationNotOnCall { opcode: 0xb7, .. }
        ));
        assert!(e.to_string().contains("`tc`"), "{e}");
    }

    #[test]
    fn misaligned_outside_and_duplicate_relocations_are_errors() {
        for (offset, twice) in [(4u64, false), (8, false), (0, true)] {
            let mut b = ObjectBuilder::new(Endian::Little);
            let text = b.code_section("tc", &[call(Endian::Little, 1, -1)]);
            let s = b.undefined("bpf_ktime_get_ns");
            b.reloc(text, offset, s, R_BPF_64_32);
            if twice {
                b.reloc(text, offset, s, R_BPF_64_32);
            }
            let obj = b.build();
            let e = classify(&ElfView::parse(&obj).unwrap()).unwrap_err();
            if twice {
                assert!(
                    matches!(e.kind, ElfErrorKind::DuplicateRelocation { .. }),
                    "{e}"
                );
            } else {
                assert!(
                    matches!(e.kind, ElfErrorKind::BadRelocationOffset { .. }),
                    "{e}"
                );
            }
            assert!(e.to_string().contains(".reltc"), "{e}");
        }
    }

    #[test]
    fn call_relocation_against_the_null_symbol_or_past_a_partial_insn_is_an_error() {
        // Regressions: symbol 0 (panicked without a .symtab), a trailing partial slot.
        let mut b = ObjectBuilder::new(Endian::Little);
        let text = b.section("xdp", 1, 6, call(Endian::Little, 1, -1).to_vec());
        b.reloc(text, 0, 0, R_BPF_64_32);
        let mut obj = b.build();
        let view = ElfView::parse(&obj).unwrap();
        let symtab = view.symtab.unwrap();
        let h = view.sections[symtab].header_offset as usize;
        // The null symbol names no call target.
        let e = classify(&view).unwrap_err();
        assert!(
            matches!(e.kind, ElfErrorKind::IndexOutOfRange { index: 0, .. }),
            "{e}"
        );
        obj[h + 4..h + 8].copy_from_slice(&1u32.to_le_bytes()); // .symtab becomes PROGBITS
        let e = ElfView::parse(&obj).unwrap_err();
        assert!(e.to_string().contains("not the symbol table"), "{e}");

        let mut b = ObjectBuilder::new(Endian::Little);
        let mut code = call(Endian::Little, 1, -1).to_vec();
        code.extend_from_slice(&[0x85, 0x10, 0, 0]); // half an instruction
        let text = b.section("xdp", 1, 6, code);
        let s = b.undefined("bpf_ktime_get_ns");
        b.reloc(text, 8, s, R_BPF_64_32);
        let obj = b.build();
        // Refused already by the view: a code section must hold whole instructions.
        let e = ElfView::parse(&obj).unwrap_err();
        assert!(e.to_string().contains("not a multiple of 8"), "{e}");
    }

    #[test]
    fn relocated_numeric_call_is_an_error() {
        // G's finding: a relocation on `call N` (src_reg 0) is contradictory input.
        let mut b = ObjectBuilder::new(Endian::Big);
        let text = b.code_section("xdp", &[call(Endian::Big, 0, 5)]);
        let s = b.undefined("bpf_ktime_get_ns");
        b.reloc(text, 0, s, R_BPF_64_32);
        let obj = b.build();
        let e = classify(&ElfView::parse(&obj).unwrap()).unwrap_err();
        assert!(e.to_string().contains("src_reg 0"), "{e}");
    }

    #[test]
    fn relocations_outside_code_are_ignored() {
        let mut b = ObjectBuilder::new(Endian::Little);
        b.code_section("tc", &[[0x95, 0, 0, 0, 0, 0, 0, 0]]);
        let dbg = b.section(".debug_info", 1, 0, vec![0; 16]);
        let s = b.undefined("bpf_ktime_get_ns");
        b.reloc(dbg, 3, s, R_BPF_64_32);
        let obj = b.build();
        assert!(classify(&ElfView::parse(&obj).unwrap()).unwrap().is_empty());
    }
}
