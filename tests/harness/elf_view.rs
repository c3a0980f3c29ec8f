//! A comparable, owned view of a BPF object: sections, symbols, relocations by symbol name
//! and every `call` instruction. Built with the `object` crate, independently of helper-bind's
//! own reader, so the tests do not check the tool with itself.

use std::collections::BTreeSet;
use std::path::Path;

use object::elf;
use object::read::elf::{ElfFile64, SectionHeader, Sym};
use object::{Endianness, Object, ObjectSection, ObjectSymbol, RelocationTarget};

/// BPF `call` opcode (BPF_JMP | BPF_CALL).
pub const CALL_OPCODE: u8 = 0x85;
/// `lddw` (BPF_LD | BPF_IMM | BPF_DW): a 16-byte instruction.
const LD_IMM64_OPCODE: u8 = 0x18;
/// ELF relocation type of a call target or a 32-bit data reference in BPF.
pub const R_BPF_64_32: u32 = 10;
/// ELF relocation type of a 64-bit immediate load (maps, globals).
pub const R_BPF_64_64: u32 = 1;
/// `sh_type` of `.llvm_addrsig` (not named by `object`).
pub const SHT_LLVM_ADDRSIG: u32 = 0x6fff_4c03;

/// One relocation, with its symbol resolved to a name so that objects with different symbol
/// tables can be compared.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Reloc {
    /// Offset in the section it applies to.
    pub offset: u64,
    /// ELF relocation type.
    pub r_type: u32,
    /// Symbol name; for a section symbol, the section's name.
    pub symbol: String,
    /// Whether the symbol is undefined in this object.
    pub undefined: bool,
}

/// One section and the relocations that apply to it.
#[derive(Debug, Clone)]
pub struct SectionView {
    /// Section header index.
    pub index: usize,
    /// Section name.
    pub name: String,
    /// `sh_type`.
    pub sh_type: u32,
    /// `sh_flags`.
    pub sh_flags: u64,
    /// `sh_offset`.
    pub offset: u64,
    /// `sh_size`.
    pub size: u64,
    /// Contents (empty for `SHT_NOBITS`).
    pub data: Vec<u8>,
    /// Relocations applied to this section (from the REL section whose `sh_info` names it).
    pub relocations: Vec<Reloc>,
}

impl SectionView {
    /// `SHF_EXECINSTR`: a section of BPF instructions.
    pub fn is_code(&self) -> bool {
        self.sh_flags & elf::SHF_EXECINSTR.0 != 0
    }
}

/// One symbol table entry (the null entry excluded).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SymbolView {
    /// Name; for a section symbol, the section's name.
    pub name: String,
    /// `st_value`.
    pub value: u64,
    /// `st_size`.
    pub size: u64,
    /// `st_info` (binding and type).
    pub st_info: u8,
    /// `st_other` (visibility).
    pub st_other: u8,
    /// Name of the section it is defined in; `None` when undefined or absolute.
    pub section: Option<String>,
    /// Whether it is undefined (`SHN_UNDEF`).
    pub undefined: bool,
}

/// One `call` instruction.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Call {
    /// Code section.
    pub section: String,
    /// Instruction index (8-byte slots) within the section.
    pub index: usize,
    /// Source register: 0 helper by ID, 1 bpf-to-bpf or unresolved extern, 2 kfunc by BTF id.
    pub src_reg: u8,
    /// The immediate, decoded in the object's byte order.
    pub imm: i32,
    /// The symbol of the `R_BPF_64_32` relocation on this instruction, if any.
    pub target: Option<String>,
}

/// An owned view of a whole object.
#[derive(Debug, Clone)]
pub struct ElfView {
    /// Whether the object is big-endian (`-target bpfeb`).
    pub big_endian: bool,
    /// All sections in header order, the null section excluded.
    pub sections: Vec<SectionView>,
    /// All symbols in table order.
    pub symbols: Vec<SymbolView>,
    /// Names of the symbols listed in `.llvm_addrsig`, in order.
    pub addrsig: Vec<String>,
}

impl ElfView {
    /// Reads `path`; panics with the path on any parse error.
    pub fn read(path: &Path) -> ElfView {
        let data =
            std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        Self::parse(&data).unwrap_or_else(|e| panic!("cannot parse {}: {e}", path.display()))
    }

    /// Parses an object held in memory.
    pub fn parse(data: &[u8]) -> Result<ElfView, String> {
        Self::parse_object(data).map_err(|e| e.to_string())
    }

    fn parse_object(data: &[u8]) -> object::Result<ElfView> {
        let file = ElfFile64::<Endianness>::parse(data)?;
        let endian = file.endian();
        let big_endian = !file.is_little_endian();

        let symbol_name = |index: object::SymbolIndex| -> object::Result<(String, bool)> {
            let symbol = file.symbol_by_index(index)?;
            let name = if symbol.kind() == object::SymbolKind::Section {
                match symbol.section_index() {
                    Some(section) => file.section_by_index(section)?.name()?.to_string(),
                    None => String::new(),
                }
            } else {
                symbol.name()?.to_string()
            };
            Ok((name, symbol.is_undefined()))
        };

        let mut sections = Vec::new();
        for section in file.sections() {
            let header = section.elf_section_header();
            let mut relocations = Vec::new();
            for (offset, reloc) in section.relocations() {
                let object::RelocationFlags::Elf { r_type } = reloc.flags() else {
                    unreachable!("ELF relocations carry ELF flags")
                };
                let (symbol, undefined) = match reloc.target() {
                    RelocationTarget::Symbol(index) => symbol_name(index)?,
                    other => (format!("{other:?}"), false),
                };
                relocations.push(Reloc {
                    offset,
                    r_type: r_type.0,
                    symbol,
                    undefined,
                });
            }
            sections.push(SectionView {
                index: section.index().0,
                name: section.name()?.to_string(),
                sh_type: header.sh_type(endian).0,
                sh_flags: header.sh_flags(endian).0,
                offset: header.sh_offset(endian),
                size: header.sh_size(endian),
                data: section.data()?.to_vec(),
                relocations,
            });
        }

        let mut symbols = Vec::new();
        for symbol in file.symbols() {
            let (name, undefined) = symbol_name(symbol.index())?;
            let elf_symbol = symbol.elf_symbol();
            let section = match symbol.section_index() {
                Some(index) => Some(file.section_by_index(index)?.name()?.to_string()),
                None => None,
            };
            symbols.push(SymbolView {
                name,
                value: symbol.address(),
                size: symbol.size(),
                st_info: elf_symbol.st_info().0,
                st_other: elf_symbol.st_other().0,
                section,
                undefined,
            });
        }

        let mut addrsig = Vec::new();
        if let Some(section) = file
            .sections()
            .find(|s| s.elf_section_header().sh_type(endian).0 == SHT_LLVM_ADDRSIG)
        {
            let mut bytes = section.data()?;
            while !bytes.is_empty() {
                let Some(index) = read_uleb128(&mut bytes) else {
                    // Recorded, not dropped, so that comparisons with a good object fail.
                    addrsig.push("<truncated .llvm_addrsig>".to_string());
                    break;
                };
                // Some toolchains leave entries past the end of .symtab (llvm-readelf warns
                // too); record them like a truncated list instead of refusing the object.
                addrsig.push(match symbol_name(object::SymbolIndex(index as usize)) {
                    Ok((name, _)) => name,
                    Err(_) => format!("<invalid symbol index {index}>"),
                });
            }
        }

        Ok(ElfView {
            big_endian,
            sections,
            symbols,
            addrsig,
        })
    }

    /// The section called `name`; panics if there is none.
    pub fn section(&self, name: &str) -> &SectionView {
        self.find_section(name)
            .unwrap_or_else(|| panic!("no section {name}"))
    }

    /// The section called `name`, if any.
    pub fn find_section(&self, name: &str) -> Option<&SectionView> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// The section at header index `index`.
    pub fn section_by_index(&self, index: usize) -> Option<&SectionView> {
        self.sections.iter().find(|s| s.index == index)
    }

    /// Executable sections that hold instructions (empty ones such as a bare `.text` skipped).
    pub fn code_sections(&self) -> impl Iterator<Item = &SectionView> {
        self.sections.iter().filter(|s| s.is_code() && s.size > 0)
    }

    /// Names of the undefined symbols.
    pub fn undefined_symbols(&self) -> BTreeSet<String> {
        self.symbols
            .iter()
            .filter(|s| s.undefined && !s.name.is_empty())
            .map(|s| s.name.clone())
            .collect()
    }

    /// Every `call` instruction of every code section, in order.
    pub fn calls(&self) -> Vec<Call> {
        let mut calls = Vec::new();
        for section in self.code_sections() {
            let mut index = 0;
            while (index + 1) * 8 <= section.data.len() {
                let insn = &section.data[index * 8..index * 8 + 8];
                if insn[0] == CALL_OPCODE {
                    let offset = (index * 8) as u64;
                    calls.push(Call {
                        section: section.name.clone(),
                        index,
                        src_reg: self.src_reg(insn[1]),
                        imm: self.imm(insn),
                        target: section
                            .relocations
                            .iter()
                            .find(|r| r.offset == offset && r.r_type == R_BPF_64_32)
                            .map(|r| r.symbol.clone()),
                    });
                }
                index += if insn[0] == LD_IMM64_OPCODE { 2 } else { 1 };
            }
        }
        calls
    }

    /// Source register of an instruction's register byte: the high nibble little-endian, the
    /// low nibble big-endian.
    pub fn src_reg(&self, regs: u8) -> u8 {
        if self.big_endian {
            regs & 0x0f
        } else {
            regs >> 4
        }
    }

    /// The 32-bit immediate of an 8-byte instruction.
    pub fn imm(&self, insn: &[u8]) -> i32 {
        let bytes: [u8; 4] = insn[4..8].try_into().unwrap();
        if self.big_endian {
            i32::from_be_bytes(bytes)
        } else {
            i32::from_le_bytes(bytes)
        }
    }
}

fn read_uleb128(bytes: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    let mut shift = 0;
    loop {
        let (&byte, rest) = bytes.split_first()?;
        *bytes = rest;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
        shift += 7;
        if shift >= 64 {
            return None;
        }
    }
}

/// Section header type of a section that holds relocations.
pub fn is_relocation_section(section: &SectionView) -> bool {
    section.sh_type == elf::SHT_REL.0 || section.sh_type == elf::SHT_RELA.0
}
