//! BPF instructions: decoding and encoding in either byte order, call patching, and the small
//! straight-line analysis that reads how many argument registers a call gets.
//!
//! Layout of one 8-byte instruction: `code`, a register byte, a 16-bit offset and a 32-bit
//! immediate, the last two in the object's byte order. In little-endian objects the register
//! byte is `src << 4 | dst`; in big-endian objects it is `dst << 4 | src`.

use crate::elf::Endian;

/// Size of one instruction slot.
pub const INSN_SIZE: usize = 8;
/// `BPF_JMP | BPF_CALL`.
pub const OP_CALL: u8 = 0x85;
/// `BPF_JMP | BPF_EXIT`.
pub const OP_EXIT: u8 = 0x95;
/// `BPF_LD | BPF_IMM | BPF_DW`: the 16-byte 64-bit immediate load.
pub const OP_LD_IMM64: u8 = 0x18;
/// `src_reg` of a call to a helper by ID.
pub const CALL_HELPER: u8 = 0;
/// `src_reg` of a call to a BPF function (pc-relative, or unresolved with imm = -1).
pub const CALL_PSEUDO: u8 = 1;
/// `src_reg` of a kfunc call by BTF ID (only after loading; clang never emits it).
pub const CALL_KFUNC: u8 = 2;

/// One decoded instruction slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Insn {
    /// Opcode byte.
    pub code: u8,
    /// Destination register (0..15).
    pub dst: u8,
    /// Source register (0..15); for calls, the call kind.
    pub src: u8,
    /// Signed offset.
    pub off: i16,
    /// Signed immediate.
    pub imm: i32,
}

impl Insn {
    /// Decodes the first 8 bytes of `b` (caller guarantees the length).
    pub fn decode(endian: Endian, b: &[u8]) -> Insn {
        let (dst, src) = match endian {
            Endian::Little => (b[1] & 0xf, b[1] >> 4),
            Endian::Big => (b[1] >> 4, b[1] & 0xf),
        };
        Insn {
            code: b[0],
            dst,
            src,
            off: endian.u16(&b[2..]) as i16,
            imm: endian.u32(&b[4..]) as i32,
        }
    }

    /// Encodes into 8 bytes.
    pub fn encode(&self, endian: Endian) -> [u8; 8] {
        let regs = match endian {
            Endian::Little => (self.src << 4) | (self.dst & 0xf),
            Endian::Big => (self.dst << 4) | (self.src & 0xf),
        };
        let off = match endian {
            Endian::Little => (self.off as u16).to_le_bytes(),
            Endian::Big => (self.off as u16).to_be_bytes(),
        };
        let imm = endian.u32_bytes(self.imm as u32);
        [
            self.code, regs, off[0], off[1], imm[0], imm[1], imm[2], imm[3],
        ]
    }

    /// Whether this is a `call`.
    pub fn is_call(&self) -> bool {
        self.code == OP_CALL
    }
}

/// Makes the call at `b[..8]` call helper `id`: src_reg = 0, imm = id, dst and off untouched.
pub fn bind_call(endian: Endian, b: &mut [u8], id: u32) {
    b[1] = match endian {
        Endian::Little => b[1] & 0x0f,
        Endian::Big => b[1] & 0xf0,
    };
    b[4..8].copy_from_slice(&endian.u32_bytes(id));
}

/// Per-instruction facts of one code section that the argument analysis needs.
#[derive(Debug, Clone)]
pub struct Flow {
    /// `leader[i]`: instruction slot `i` starts a basic block (section start, jump target,
    /// after a jump or exit, function entry).
    leader: Vec<bool>,
    /// `second[i]`: slot `i` is the second half of a 64-bit immediate load.
    second: Vec<bool>,
}

impl Flow {
    /// Computes block starts of `code` (a whole code section). `entries` are extra block starts
    /// in instruction indices, typically the function symbols of the section.
    pub fn new(endian: Endian, code: &[u8], entries: impl IntoIterator<Item = usize>) -> Flow {
        let n = code.len() / INSN_SIZE;
        let mut leader = vec![false; n + 1];
        let mut second = vec![false; n + 1];
        if n > 0 {
            leader[0] = true;
        }
        for e in entries {
            if e < n {
                leader[e] = true;
            }
        }
        let mut i = 0;
        while i < n {
            let insn = Insn::decode(endian, &code[i * INSN_SIZE..]);
            if insn.code == OP_LD_IMM64 {
                second[i + 1] = true;
                i += 2;
                continue;
            }
            let class = insn.code & 0x07;
            if class == 0x05 || class == 0x06 {
                let op = insn.code & 0xf0;
                if op == 0x90 {
                    leader[i + 1] = true;
                } else if op == 0x80 {
                    // A call returns to the next instruction: no block boundary. Its target
                    // is not marked: a relocated call's imm is relative to another section;
                    // function entries come from the symbols instead.
                } else {
                    // `gotol` (JMP32 | JA) keeps its offset in imm.
                    let delta = if insn.code == 0x06 {
                        i64::from(insn.imm)
                    } else {
                        i64::from(insn.off)
                    };
                    mark(&mut leader, i as i64 + 1 + delta);
                    leader[i + 1] = true;
                }
            }
            i += 1;
        }
        Flow { leader, second }
    }

    /// Which of r1..r5 are written in the straight-line code of the basic block before the
    /// call at slot `call`, back to the block start or to an earlier call (which clobbers
    /// r1..r5, so nothing before it can be an argument).
    pub fn args_before(&self, endian: Endian, code: &[u8], call: usize) -> ArgScan {
        let mut set = [false; 5];
        let mut i = call;
        let stop = loop {
            if i == 0 || self.leader.get(i).copied().unwrap_or(true) {
                break ScanStop::BlockStart;
            }
            let mut j = i - 1;
            if self.second[j] && j > 0 {
                j -= 1;
            }
            let insn = Insn::decode(endian, &code[j * INSN_SIZE..]);
            match written_register(&insn) {
                Effect::Writes(r) => {
                    if (1..=5).contains(&r) {
                        set[usize::from(r) - 1] = true;
                    }
                }
                Effect::ClobbersArgs => break ScanStop::EarlierCall,
                Effect::None => {}
            }
            i = j;
        };
        ArgScan { set, stop }
    }
}

fn mark(leader: &mut [bool], target: i64) {
    if target >= 0 && (target as usize) < leader.len() {
        leader[target as usize] = true;
    }
}

/// Where the backward scan for argument registers stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanStop {
    /// At the start of the basic block (section start, jump target, after a jump).
    BlockStart,
    /// At an earlier call or legacy packet load, which clobbers r1..r5.
    EarlierCall,
}

/// Result of [`Flow::args_before`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArgScan {
    /// `set[k]`: r(k+1) is written before the call within the scanned code.
    pub set: [bool; 5],
    /// Why the scan stopped.
    pub stop: ScanStop,
}

impl ArgScan {
    /// The argument count if the written registers are exactly r1..rN, else `None`.
    pub fn contiguous_count(&self) -> Option<u8> {
        let n = self.set.iter().take_while(|&&s| s).count();
        if self.set[n..].iter().any(|&s| s) {
            return None;
        }
        Some(n as u8)
    }
}

enum Effect {
    Writes(u8),
    ClobbersArgs,
    None,
}

fn written_register(insn: &Insn) -> Effect {
    match insn.code & 0x07 {
        // LD: only the 64-bit immediate load writes dst; legacy packet loads act like calls.
        0x00 => {
            if insn.code == OP_LD_IMM64 {
                Effect::Writes(insn.dst)
            } else {
                Effect::ClobbersArgs
            }
        }
        // LDX, ALU, ALU64 write dst.
        0x01 | 0x04 | 0x07 => Effect::Writes(insn.dst),
        // STX atomics with BPF_FETCH write src; cmpxchg writes r0; load-acquire writes dst.
        0x03 if insn.code & 0xe0 == 0xc0 => {
            if insn.imm == 0xf1 {
                Effect::Writes(0)
            } else if insn.imm == 0x100 {
                Effect::Writes(insn.dst)
            } else if insn.imm & 1 != 0 {
                Effect::Writes(insn.src)
            } else {
                Effect::None
            }
        }
        0x05 | 0x06 if insn.code & 0xf0 == 0x80 => Effect::ClobbersArgs,
        _ => Effect::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn i(code: u8, dst: u8, src: u8, off: i16, imm: i32) -> [u8; 8] {
        Insn {
            code,
            dst,
            src,
            off,
            imm,
        }
        .encode(Endian::Little)
    }

    #[test]
    fn encode_decode_both_orders() {
        let insn = Insn {
            code: OP_CALL,
            dst: 0,
            src: 1,
            off: -3,
            imm: -1,
        };
        let le = insn.encode(Endian::Little);
        assert_eq!(le, [0x85, 0x10, 0xfd, 0xff, 0xff, 0xff, 0xff, 0xff]);
        let be = insn.encode(Endian::Big);
        assert_eq!(be, [0x85, 0x01, 0xff, 0xfd, 0xff, 0xff, 0xff, 0xff]);
        assert_eq!(Insn::decode(Endian::Little, &le), insn);
        assert_eq!(Insn::decode(Endian::Big, &be), insn);
    }

    #[test]
    fn bind_call_sets_src_and_imm_in_each_order() {
        let mut le = Insn {
            code: OP_CALL,
            dst: 3,
            src: 1,
            off: 0,
            imm: -1,
        }
        .encode(Endian::Little);
        bind_call(Endian::Little, &mut le, 65536 + 2);
        assert_eq!(le, [0x85, 0x03, 0, 0, 0x02, 0x00, 0x01, 0x00]);
        let mut be = Insn {
            code: OP_CALL,
            dst: 3,
            src: 1,
            off: 0,
            imm: -1,
        }
        .encode(Endian::Big);
        bind_call(Endian::Big, &mut be, 65536 + 2);
        assert_eq!(be, [0x85, 0x30, 0, 0, 0x00, 0x01, 0x00, 0x02]);
    }

    fn scan(code: &[[u8; 8]], call: usize) -> ArgScan {
        let bytes: Vec<u8> = code.concat();
        Flow::new(Endian::Little, &bytes, []).args_before(Endian::Little, &bytes, call)
    }

    #[test]
    fn counts_registers_set_since_previous_call() {
        let code = [
            i(0xb7, 3, 0, 0, 7),    // r3 = 7 (before the earlier call: not counted)
            i(OP_CALL, 0, 0, 0, 5), // call 5
            i(OP_LD_IMM64, 1, 0, 0, 0),
            [0; 8],                  // second half of ld_imm64
            i(0xb7, 2, 0, 0, 6),     // r2 = 6
            i(0xbf, 3, 0, 0, 0),     // r3 = r0
            i(OP_CALL, 0, 1, 0, -1), // call printk
        ];
        let s = scan(&code, 6);
        assert_eq!(s.set, [true, true, true, false, false]);
        assert_eq!(s.stop, ScanStop::EarlierCall);
        assert_eq!(s.contiguous_count(), Some(3));
    }

    #[test]
    fn stops_at_jump_targets_and_reports_gaps() {
        let code = [
            i(0xb7, 4, 0, 0, 1), // r4 = 1 (other block)
            i(0x15, 6, 0, 1, 0), // if r6 == 0 goto +1 -> slot 3 is a target
            i(0xb7, 5, 0, 0, 1), // r5 = 1
            i(0xb7, 1, 0, 0, 1), // r1 = 1 (target)
            i(0xb7, 2, 0, 0, 1), // r2 = 1
            i(0xb7, 4, 0, 0, 1), // r4 = 1
            i(OP_CALL, 0, 1, 0, -1),
        ];
        let s = scan(&code, 6);
        assert_eq!(s.stop, ScanStop::BlockStart);
        assert_eq!(s.set, [true, true, false, true, false]);
        assert_eq!(s.contiguous_count(), None);
    }

    #[test]
    fn relocated_call_immediates_do_not_split_blocks() {
        // Regression: a call relocated against another section's symbol has an imm that is
        // not a target in this section; it once cut the printk's block after r1 was set.
        let code = [
            i(OP_CALL, 0, 1, 0, 1), // call .text+1 (relocated): imm would point at slot 2
            i(0xb7, 1, 0, 0, 1),
            i(0xb7, 2, 0, 0, 1),
            i(OP_CALL, 0, 1, 0, -1),
        ];
        let s = scan(&code, 3);
        assert_eq!(s.contiguous_count(), Some(2));
        assert_eq!(s.stop, ScanStop::EarlierCall);
    }

    #[test]
    fn atomics_and_loads_are_writes() {
        let code = [
            i(0xdb, 1, 2, 0, 0x01), // r2 = atomic_fetch_add((u64 *)(r1 + 0), r2)
            i(0x79, 1, 10, -8, 0),  // r1 = *(u64 *)(r10 - 8)
            i(OP_CALL, 0, 1, 0, -1),
        ];
        assert_eq!(scan(&code, 2).contiguous_count(), Some(2));
    }
}
