//! The call instructions as another project's disassembler (llvm-objdump-19) sees them.

use std::path::Path;

use integration_tests::elf_view::CALL_OPCODE;

use super::run::{run_tool, stderr};

// llvm-objdump: the call instructions, as another project's disassembler sees them

/// One `call` instruction from `llvm-objdump-19 -d`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DisassembledCall {
    pub section: String,
    pub insn: u64,
    pub src_reg: u8,
    pub imm: i32,
}

pub fn objdump_calls(path: &Path, big_endian: bool) -> Result<Vec<DisassembledCall>, String> {
    let out = run_tool("llvm-objdump-19", &["-d".as_ref(), path.as_os_str()]);
    if !out.status.success() {
        return Err(format!("llvm-objdump-19 -d failed: {}", stderr(&out)));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut calls = Vec::new();
    let mut section = String::new();
    for line in text.lines() {
        if let Some(name) = line
            .strip_prefix("Disassembly of section ")
            .and_then(|l| l.strip_suffix(':'))
        {
            section = name.to_string();
            continue;
        }
        // "      12:\t85 00 00 00 01 00 00 00\tcall 0x1"
        let mut fields = line.split('\t');
        let (Some(address), Some(bytes)) = (fields.next(), fields.next()) else {
            continue;
        };
        let Some(Ok(insn)) = address.trim().strip_suffix(':').map(str::parse::<u64>) else {
            continue;
        };
        let bytes: Vec<u8> = bytes
            .split_whitespace()
            .map(|b| u8::from_str_radix(b, 16))
            .collect::<Result<_, _>>()
            .map_err(|e| format!("llvm-objdump line {line:?}: {e}"))?;
        if bytes.len() != 8 || bytes[0] != CALL_OPCODE {
            continue;
        }
        let imm: [u8; 4] = bytes[4..8].try_into().unwrap();
        let (src_reg, imm) = if big_endian {
            (bytes[1] & 0x0f, i32::from_be_bytes(imm))
        } else {
            (bytes[1] >> 4, i32::from_le_bytes(imm))
        };
        calls.push(DisassembledCall {
            section: section.clone(),
            insn,
            src_reg,
            imm,
        });
    }
    Ok(calls)
}
