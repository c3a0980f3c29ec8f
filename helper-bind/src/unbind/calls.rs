//! Finding numeric helper calls (`call N`, src_reg=0) and rewriting them into
//! the `call -1`, src_reg=1 form clang emits for calls through a relocation.

use crate::elf::{ElfView, Endian};
use crate::insn::{Insn, CALL_HELPER, CALL_PSEUDO, INSN_SIZE, OP_LD_IMM64};

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

/// Every numeric helper call in every code section, in file order.
pub(crate) fn find_numeric_calls(view: &ElfView<'_>) -> Result<Vec<NumericCall>, UnbindError> {
    let mut calls = Vec::new();
    for s in view.sections.iter().filter(|s| s.is_code()) {
        let code = view.section_data(s.index);
        if code.len() % INSN_SIZE != 0 {
            return Err(UnbindError::malformed(format!(
                "code section {} is {} bytes, not a multiple of the 8-byte instruction size",
                s.name(),
                code.len()
            )));
        }
        let mut slots = code.chunks_exact(INSN_SIZE).enumerate();
        while let Some((index, bytes)) = slots.next() {
            let insn = Insn::decode(view.endian, bytes);
            if insn.code == OP_LD_IMM64 {
                // The second slot of a 64-bit load holds data, not an opcode.
                slots.next();
            } else if insn.is_call() && insn.src == CALL_HELPER {
                calls.push(NumericCall {
                    section: s.index,
                    offset: (index * INSN_SIZE) as u64,
                    id: insn.imm as u32,
                });
            }
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
