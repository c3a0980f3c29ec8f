//! Builds small synthetic BPF ELF objects in memory, for tests and fuzzing seeds.
//!
//! Layout: file header, section data in the order sections were added, then the relocation
//! sections, `.llvm_addrsig`, `.symtab`, `.strtab`, `.shstrtab`, and the section header table.
//! Symbols keep the order they were added in (add local symbols first).

use crate::elf::{Endian, SHF_EXECINSTR, SHT_LLVM_ADDRSIG, SHT_REL, SHT_SYMTAB};

struct SynthSection {
    name: String,
    sh_type: u32,
    flags: u64,
    data: Vec<u8>,
    link: u32,
    info: u32,
    entsize: u64,
}

struct SynthSymbol {
    name: String,
    info: u8,
    shndx: u16,
    value: u64,
    size: u64,
}

/// In-memory builder of a BPF ELF64 relocatable object.
pub struct ObjectBuilder {
    endian: Endian,
    sections: Vec<SynthSection>,
    symbols: Vec<SynthSymbol>,
    relocs: Vec<(usize, u64, usize, u32)>,
    addrsig: Option<Vec<u32>>,
    /// `sh_entsize` written for relocation sections (16 = natural `Rel` size). Larger values
    /// pad each entry with zero bytes.
    pub rel_entsize: u64,
}

/// `STB_GLOBAL << 4 | STT_NOTYPE`, what clang gives undefined externs.
pub const GLOBAL_NOTYPE: u8 = 0x10;
/// `STB_GLOBAL << 4 | STT_FUNC`.
pub const GLOBAL_FUNC: u8 = 0x12;
/// `STB_LOCAL << 4 | STT_FUNC`.
pub const LOCAL_FUNC: u8 = 0x02;

impl ObjectBuilder {
    /// An empty object of the given byte order.
    pub fn new(endian: Endian) -> Self {
        ObjectBuilder {
            endian,
            sections: Vec::new(),
            symbols: Vec::new(),
            relocs: Vec::new(),
            addrsig: None,
            rel_entsize: 16,
        }
    }

    /// Adds an executable section of instructions; returns its section index.
    pub fn code_section(&mut self, name: &str, insns: &[[u8; 8]]) -> usize {
        self.section(name, 1, 0x2 | SHF_EXECINSTR, insns.concat())
    }

    /// Adds a section with arbitrary type, flags and data; returns its section index.
    pub fn section(&mut self, name: &str, sh_type: u32, flags: u64, data: Vec<u8>) -> usize {
        self.sections.push(SynthSection {
            name: name.to_string(),
            sh_type,
            flags,
            data,
            link: 0,
            info: 0,
            entsize: 0,
        });
        self.sections.len()
    }

    /// Adds an undefined global symbol; returns its symbol index.
    pub fn undefined(&mut self, name: &str) -> usize {
        self.symbol(name, GLOBAL_NOTYPE, 0, 0, 0)
    }

    /// Adds a symbol; returns its symbol index.
    pub fn symbol(&mut self, name: &str, info: u8, shndx: u16, value: u64, size: u64) -> usize {
        self.symbols.push(SynthSymbol {
            name: name.to_string(),
            info,
            shndx,
            value,
            size,
        });
        self.symbols.len()
    }

    /// Adds a relocation of `kind` at byte `offset` of section `target` against `symbol`.
    pub fn reloc(&mut self, target: usize, offset: u64, symbol: usize, kind: u32) {
        self.relocs.push((target, offset, symbol, kind));
    }

    /// Adds an `.llvm_addrsig` section listing these symbol indices.
    pub fn addrsig(&mut self, symbols: Vec<u32>) {
        self.addrsig = Some(symbols);
    }

    /// Serialises the object.
    pub fn build(&self) -> Vec<u8> {
        let e = self.endian;
        let mut sections: Vec<SynthSection> = self
            .sections
            .iter()
            .map(|s| SynthSection {
                name: s.name.clone(),
                sh_type: s.sh_type,
                flags: s.flags,
                data: s.data.clone(),
                link: s.link,
                info: s.info,
                entsize: s.entsize,
            })
            .collect();
        let n_user = sections.len();
        // Section indices of what we append: rel sections, addrsig, symtab, strtab, shstrtab.
        let mut targets: Vec<usize> = self.relocs.iter().map(|r| r.0).collect();
        targets.sort_unstable();
        targets.dedup();
        let symtab_index = n_user + targets.len() + usize::from(self.addrsig.is_some()) + 1;
        for &t in &targets {
            let mut data = Vec::new();
            for r in self.relocs.iter().filter(|r| r.0 == t) {
                data.extend_from_slice(&e.u64_bytes(r.1));
                data.extend_from_slice(&e.u64_bytes(((r.2 as u64) << 32) | u64::from(r.3)));
                data.resize(
                    data.len() + (self.rel_entsize.saturating_sub(16)) as usize,
                    0,
                );
            }
            let tname = self
                .sections
                .get(t.wrapping_sub(1))
                .map_or("x", |s| &s.name);
            sections.push(SynthSection {
                name: format!(".rel{tname}"),
                sh_type: SHT_REL,
                flags: 0x40,
                data,
                link: symtab_index as u32,
                info: t as u32,
                entsize: self.rel_entsize,
            });
        }
        if let Some(list) = &self.addrsig {
            let mut data = Vec::new();
            for &v in list {
                uleb128(&mut data, u64::from(v));
            }
            sections.push(SynthSection {
                name: ".llvm_addrsig".into(),
                sh_type: SHT_LLVM_ADDRSIG,
                flags: 0x8000_0000,
                data,
                link: symtab_index as u32,
                info: 0,
                entsize: 0,
            });
        }
        let mut strtab = vec![0u8];
        let mut symtab = vec![0u8; 24];
        let mut first_global = self.symbols.len() + 1;
        for (i, s) in self.symbols.iter().enumerate() {
            if s.info >> 4 != 0 && first_global > self.symbols.len() {
                first_global = i + 1;
            }
            let name = strtab.len() as u32;
            strtab.extend_from_slice(s.name.as_bytes());
            strtab.push(0);
            symtab.extend_from_slice(&e.u32_bytes(name));
            symtab.push(s.info);
            symtab.push(0);
            let shndx = match e {
                Endian::Little => s.shndx.to_le_bytes(),
                Endian::Big => s.shndx.to_be_bytes(),
            };
            symtab.extend_from_slice(&shndx);
            symtab.extend_from_slice(&e.u64_bytes(s.value));
            symtab.extend_from_slice(&e.u64_bytes(s.size));
        }
        sections.push(SynthSection {
            name: ".symtab".into(),
            sh_type: SHT_SYMTAB,
            flags: 0,
            data: symtab,
            link: symtab_index as u32 + 1,
            info: first_global.min(self.symbols.len() + 1) as u32,
            entsize: 24,
        });
        sections.push(SynthSection {
            name: ".strtab".into(),
            sh_type: 3,
            flags: 0,
            data: strtab,
            link: 0,
            info: 0,
            entsize: 0,
        });
        let mut shstrtab = vec![0u8];
        let mut name_offsets = Vec::new();
        for s in &sections {
            name_offsets.push(shstrtab.len() as u32);
            shstrtab.extend_from_slice(s.name.as_bytes());
            shstrtab.push(0);
        }
        name_offsets.push(shstrtab.len() as u32);
        shstrtab.extend_from_slice(b".shstrtab\0");
        sections.push(SynthSection {
            name: ".shstrtab".into(),
            sh_type: 3,
            flags: 0,
            data: shstrtab,
            link: 0,
            info: 0,
            entsize: 0,
        });

        let mut out = vec![0u8; 64];
        let mut offsets = Vec::new();
        for s in &sections {
            while out.len() % 8 != 0 {
                out.push(0);
            }
            offsets.push(out.len() as u64);
            out.extend_from_slice(&s.data);
        }
        while out.len() % 8 != 0 {
            out.push(0);
        }
        let shoff = out.len() as u64;
        out.extend_from_slice(&[0u8; 64]);
        for (i, s) in sections.iter().enumerate() {
            let mut h = Vec::with_capacity(64);
            h.extend_from_slice(&e.u32_bytes(name_offsets[i]));
            h.extend_from_slice(&e.u32_bytes(s.sh_type));
            h.extend_from_slice(&e.u64_bytes(s.flags));
            h.extend_from_slice(&e.u64_bytes(0));
            h.extend_from_slice(&e.u64_bytes(offsets[i]));
            h.extend_from_slice(&e.u64_bytes(s.data.len() as u64));
            h.extend_from_slice(&e.u32_bytes(s.link));
            h.extend_from_slice(&e.u32_bytes(s.info));
            h.extend_from_slice(&e.u64_bytes(8));
            h.extend_from_slice(&e.u64_bytes(s.entsize));
            out.extend_from_slice(&h);
        }
        let shnum = sections.len() as u16 + 1;
        let u16b = |v: u16| match e {
            Endian::Little => v.to_le_bytes(),
            Endian::Big => v.to_be_bytes(),
        };
        out[..4].copy_from_slice(b"\x7fELF");
        out[4] = 2;
        out[5] = if e == Endian::Little { 1 } else { 2 };
        out[6] = 1;
        out[16..18].copy_from_slice(&u16b(1)); // ET_REL
        out[18..20].copy_from_slice(&u16b(crate::elf::EM_BPF));
        out[20..24].copy_from_slice(&e.u32_bytes(1));
        out[40..48].copy_from_slice(&e.u64_bytes(shoff));
        out[52..54].copy_from_slice(&u16b(64));
        out[58..60].copy_from_slice(&u16b(64));
        out[60..62].copy_from_slice(&u16b(shnum));
        out[62..64].copy_from_slice(&u16b(shnum - 1));
        out
    }
}

/// Appends `v` as ULEB128.
pub fn uleb128(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}
