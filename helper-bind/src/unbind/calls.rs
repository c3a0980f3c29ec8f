//! Finding numeric helper calls (`call N`, src_reg=0) and rewriting them into
//! the `call -1`, src_reg=1 form clang emits for calls through a relocation.

use crate::classify::{classify, CallSite, CallTarget};
use crate::elf::{ElfView, Endian};
use crate::insn::{Insn, CALL_HELPER, CALL_PSEUDO, INSN_SIZE};

use super::error::UnbindError;

/// A `call N` with src_reg=0 in a code section.
#[derive(Clone, Debug)]
pub(crate) struct NumericCall {
    /// Section index.
    pub section: usize,
    /// Byte offset of the instruction within its section.
    pub offset: u64,
    /// The helper ID (`imm`).
    pub id: u32,
}

impl NumericCall {
    /// Instruction index within the section.
    pub fn insn_index(&self) -> usize {
        self.offset as usize / INSN_SIZE
    }
}

/// Classify every call of the object (the shared pass bind uses), after
/// checking that code sections hold whole instructions.
pub(crate) fn call_sites(view: &ElfView<'_>) -> Result<Vec<CallSite>, UnbindError> {
    for s in view.sections.iter().filter(|s| s.is_code()) {
        if s.size % INSN_SIZE as u64 != 0 {
            return Err(UnbindError::malformed(format!(
                "code section {} is {} bytes, not a multiple of the 8-byte instruction size",
                s.name(),
                s.size
            )));
        }
    }
    Ok(classify(view)?)
}

/// Every numeric helper call, in file order. A `call N` that also carries a
/// relocation is refused: the relocation would win at load time, so it is not
/// a numeric call, and not something clang makes either.
pub(crate) fn numeric_calls(
    view: &ElfView<'_>,
    sites: &[CallSite],
) -> Result<Vec<NumericCall>, UnbindError> {
    let mut calls = Vec::new();
    for site in sites {
        if let Some(r) = site.reloc.filter(|_| site.raw.src == CALL_HELPER) {
            return Err(UnbindError::unsupported(format!(
                "section {}, instruction {}: `call {}` (src_reg 0) also has a relocation in {}",
                view.section_name(site.section),
                site.insn,
                site.raw.imm as u32,
                view.section_name(view.relocations[r.table].section)
            )));
        }
        if let CallTarget::Numeric { id } = site.target {
            calls.push(NumericCall {
                section: site.section,
                offset: (site.insn * INSN_SIZE) as u64,
                id,
            });
        }
    }
    Ok(calls)
}

/// Rewrite the 8-byte instruction `bytes` from `call N` into `call -1` with
/// src_reg=1 (what clang emits before linking); dst_reg and offset are kept.
pub(crate) fn make_relocated_call(endian: Endian, bytes: &mut [u8]) {
    let mut insn = Insn::decode(endian, bytes);
    insn.src = CALL_PSEUDO;
    insn.imm = -1;
    bytes[..INSN_SIZE].copy_from_slice(&insn.encode(endian));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insn::OP_CALL;

    #[test]
    fn src_reg_nibble_depends_on_byte_order() {
        // dst=2, src=0, off=3 -> little: regs 0x02, big: regs 0x20
        let mut le = [OP_CALL, 0x02, 3, 0, 1, 0, 0, 0];
        make_relocated_call(Endian::Little, &mut le);
        assert_eq!(le, [OP_CALL, 0x12, 3, 0, 0xff, 0xff, 0xff, 0xff]);
        let mut be = [OP_CALL, 0x20, 0, 3, 0, 0, 0, 1];
        make_relocated_call(Endian::Big, &mut be);
        assert_eq!(be, [OP_CALL, 0x21, 0, 3, 0xff, 0xff, 0xff, 0xff]);
    }
}
