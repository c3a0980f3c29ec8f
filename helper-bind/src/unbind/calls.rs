//! Finding numeric helper calls (`call N`, src_reg=0) and rewriting them into
//! the `call -1`, src_reg=1 form clang emits for calls through a relocation.

use object::Endianness;

use super::error::UnbindError;
use super::view::View;

/// Size of one BPF instruction slot.
pub(crate) const INSN_SIZE: usize = 8;
/// `BPF_JMP | BPF_CALL | BPF_K`.
const OP_CALL: u8 = 0x85;
/// `BPF_LD | BPF_IMM | BPF_DW`: a 64-bit load that occupies two slots.
const OP_LD_IMM64: u8 = 0x18;
/// src_reg of a call that a relocation resolves (clang: "pseudo call").
const SRC_PSEUDO_CALL: u8 = 1;

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

/// src_reg of an instruction: the high nibble of byte 1 in little-endian
/// objects, the low nibble in big-endian ones.
fn src_reg(endian: Endianness, regs: u8) -> u8 {
    match endian {
        Endianness::Little => regs >> 4,
        Endianness::Big => regs & 0x0f,
    }
}

fn with_src_reg(endian: Endianness, regs: u8, src: u8) -> u8 {
    match endian {
        Endianness::Little => (regs & 0x0f) | (src << 4),
        Endianness::Big => (regs & 0xf0) | src,
    }
}

fn imm(endian: Endianness, insn: &[u8]) -> u32 {
    let b = [insn[4], insn[5], insn[6], insn[7]];
    match endian {
        Endianness::Little => u32::from_le_bytes(b),
        Endianness::Big => u32::from_be_bytes(b),
    }
}

/// Every numeric helper call in every code section, in file order.
pub(crate) fn find_numeric_calls(view: &View<'_>) -> Result<Vec<NumericCall>, UnbindError> {
    let mut calls = Vec::new();
    for s in view.sections.iter().filter(|s| s.is_code()) {
        if s.data.len() % INSN_SIZE != 0 {
            return Err(UnbindError::malformed(format!(
                "code section {}: size {} is not a multiple of the 8-byte instruction size",
                s.name,
                s.data.len()
            )));
        }
        let mut slots = s.data.chunks_exact(INSN_SIZE).enumerate();
        while let Some((index, insn)) = slots.next() {
            match insn[0] {
                // The second slot of a 64-bit load holds data, not an opcode.
                OP_LD_IMM64 => {
                    slots.next();
                }
                OP_CALL if src_reg(view.endian, insn[1]) == 0 => calls.push(NumericCall {
                    section: s.index,
                    offset: (index * INSN_SIZE) as u64,
                    id: imm(view.endian, insn),
                }),
                _ => {}
            }
        }
    }
    Ok(calls)
}

/// Rewrite the instruction at `insn` (8 bytes) from `call N` into `call -1`
/// with src_reg=1; dst_reg and the offset field are kept.
pub(crate) fn make_relocated_call(endian: Endianness, insn: &mut [u8]) {
    insn[1] = with_src_reg(endian, insn[1], SRC_PSEUDO_CALL);
    insn[4..8].copy_from_slice(&[0xff; 4]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn src_reg_nibble_depends_on_byte_order() {
        // dst=2, src=0 -> little: 0x02, big: 0x20
        let mut le = [OP_CALL, 0x02, 0, 0, 1, 0, 0, 0];
        make_relocated_call(Endianness::Little, &mut le);
        assert_eq!(le, [OP_CALL, 0x12, 0, 0, 0xff, 0xff, 0xff, 0xff]);
        let mut be = [OP_CALL, 0x20, 0, 0, 0, 0, 0, 1];
        make_relocated_call(Endianness::Big, &mut be);
        assert_eq!(be, [OP_CALL, 0x21, 0, 0, 0xff, 0xff, 0xff, 0xff]);
        assert_eq!(src_reg(Endianness::Little, 0x12), 1);
        assert_eq!(src_reg(Endianness::Big, 0x21), 1);
    }

    #[test]
    fn imm_is_read_in_object_byte_order() {
        let insn = [OP_CALL, 0, 0, 0, 0x00, 0x00, 0x01, 0x02];
        assert_eq!(imm(Endianness::Big, &insn), 0x0102);
        assert_eq!(imm(Endianness::Little, &insn), 0x0201_0000);
    }
}
