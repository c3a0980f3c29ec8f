//! What unbind reads from the input object: section headers, symbols and
//! relocation entries as plain numbers, bounds-checked once.

use object::elf::{FileHeader64, SectionHeader64, Sym64, ELFCLASS64, EM_BPF, EM_NONE, ET_REL};
use object::read::elf::{FileHeader, SectionHeader};
use object::Endianness;

use super::error::UnbindError;

/// `SHT_*`, `SHF_*` and other ELF numbers unbind compares against.
pub(crate) mod consts {
    pub const SHT_PROGBITS: u32 = 1;
    pub const SHT_SYMTAB: u32 = 2;
    pub const SHT_STRTAB: u32 = 3;
    pub const SHT_RELA: u32 = 4;
    pub const SHT_NOBITS: u32 = 8;
    pub const SHT_REL: u32 = 9;
    pub const SHT_SYMTAB_SHNDX: u32 = 18;
    pub const SHF_EXECINSTR: u64 = 0x4;
    pub const SHF_INFO_LINK: u64 = 0x40;
    pub const STB_GLOBAL: u8 = 1;
    pub const STB_WEAK: u8 = 2;
    pub const STT_NOTYPE: u8 = 0;
    pub const R_BPF_64_32: u32 = 10;
    pub const REL_SIZE: u64 = 16;
    pub const SYM_SIZE: u64 = 24;
    pub const SHDR_SIZE: u64 = 64;
}
use consts::*;

/// One section header, with its name and (for non-NOBITS sections) its bytes.
#[derive(Clone)]
pub(crate) struct Section<'a> {
    pub index: usize,
    pub name: String,
    pub sh_type: u32,
    pub flags: u64,
    pub offset: u64,
    pub size: u64,
    pub link: u32,
    pub info: u32,
    pub entsize: u64,
    /// The raw header, copied so it can be re-emitted with a few fields changed.
    pub header: SectionHeader64<Endianness>,
    pub data: &'a [u8],
}

impl Section<'_> {
    /// A code section as libbpf sees it: executable bits in the file.
    pub fn is_code(&self) -> bool {
        self.sh_type == SHT_PROGBITS && self.flags & SHF_EXECINSTR != 0
    }
}

/// One symbol table entry, decoded.
#[derive(Clone, Debug)]
pub(crate) struct Symbol {
    pub name: Vec<u8>,
    pub bind: u8,
    pub shndx: u16,
}

impl Symbol {
    pub fn is_undefined_global(&self) -> bool {
        self.shndx == 0 && (self.bind == STB_GLOBAL || self.bind == STB_WEAK)
    }
    pub fn is_defined_global(&self) -> bool {
        self.shndx != 0 && (self.bind == STB_GLOBAL || self.bind == STB_WEAK)
    }
}

/// One relocation entry of a `SHT_REL` section, decoded.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rel {
    pub offset: u64,
    pub sym: u32,
}

/// The parsed input object.
pub(crate) struct View<'a> {
    pub data: &'a [u8],
    pub endian: Endianness,
    pub sections: Vec<Section<'a>>,
    /// Section index of the section-name string table.
    pub shstrndx: usize,
    /// Section index of `.symtab`, if any.
    pub symtab: Option<usize>,
    pub symbols: Vec<Symbol>,
}

fn malformed(what: impl Into<String>) -> UnbindError {
    UnbindError::malformed(what)
}

/// The NUL-terminated string at `offset` of a string table.
pub(crate) fn c_str(table: &[u8], offset: usize) -> Option<&[u8]> {
    let rest = table.get(offset..)?;
    let end = rest.iter().position(|&b| b == 0)?;
    Some(&rest[..end])
}

impl<'a> View<'a> {
    /// Parse `data` as a 64-bit BPF relocatable object (either byte order).
    pub fn parse(data: &'a [u8]) -> Result<Self, UnbindError> {
        if data.len() < 4 || &data[..4] != b"\x7fELF" {
            return Err(malformed(
                "no ELF magic at offset 0 (is this an object file?)",
            ));
        }
        if data.len() > 4 && data[4] != ELFCLASS64.0 {
            return Err(malformed("32-bit ELF; BPF objects are 64-bit (ELFCLASS64)"));
        }
        let header = FileHeader64::<Endianness>::parse(data)
            .map_err(|e| malformed(format!("ELF header: {e}")))?;
        let endian = header
            .endian()
            .map_err(|e| malformed(format!("ELF header: {e}")))?;
        let machine = header.e_machine.get(endian).0;
        if machine != EM_BPF.0 && machine != EM_NONE.0 {
            return Err(malformed(format!(
                "e_machine is {machine}, not EM_BPF (247); this is not a BPF object"
            )));
        }
        if header.e_type.get(endian).0 != ET_REL.0 {
            return Err(malformed("not a relocatable object (e_type is not ET_REL)"));
        }
        let shentsize = u64::from(header.e_shentsize.get(endian));
        if shentsize != SHDR_SIZE && header.e_shoff.get(endian) != 0 {
            return Err(malformed(format!(
                "e_shentsize is {shentsize}, expected {SHDR_SIZE}"
            )));
        }
        let headers = header
            .section_headers(endian, data)
            .map_err(|e| malformed(format!("section header table: {e}")))?;
        let shstrndx = header
            .shstrndx(endian, data)
            .map_err(|e| malformed(format!("section name table index: {e}")))?
            as usize;
        let shstr_header = headers.get(shstrndx).ok_or_else(|| {
            malformed(format!(
                "section name table index {shstrndx} is beyond the {} sections",
                headers.len()
            ))
        })?;
        let shstrtab = shstr_header.data(endian, data).map_err(|_| {
            malformed(format!(
                "section name table (section {shstrndx}) lies outside the file"
            ))
        })?;

        let mut sections = Vec::with_capacity(headers.len());
        for (index, h) in headers.iter().enumerate() {
            let name_off = h.sh_name.get(endian) as usize;
            let name = c_str(shstrtab, name_off).ok_or_else(|| {
                malformed(format!(
                    "section {index}: name offset {name_off} is outside the section name table"
                ))
            })?;
            let name = String::from_utf8_lossy(name).into_owned();
            let sh_type = h.sh_type(endian).0;
            let section_data = if index == 0 || sh_type == SHT_NOBITS {
                &[][..]
            } else {
                h.data(endian, data).map_err(|_| {
                    malformed(format!(
                        "section {name} (index {index}): offset {:#x} + size {:#x} lies outside the \
                         {}-byte file",
                        h.sh_offset.get(endian),
                        h.sh_size.get(endian),
                        data.len()
                    ))
                })?
            };
            sections.push(Section {
                index,
                name,
                sh_type,
                flags: h.sh_flags(endian).0,
                offset: h.sh_offset.get(endian),
                size: h.sh_size.get(endian),
                link: h.sh_link.get(endian),
                info: h.sh_info.get(endian),
                entsize: h.sh_entsize.get(endian),
                header: *h,
                data: section_data,
            });
        }

        let mut symtab = None;
        for s in &sections {
            if s.sh_type == SHT_SYMTAB {
                if symtab.is_some() {
                    return Err(UnbindError::unsupported(
                        "the object has more than one SHT_SYMTAB section",
                    ));
                }
                symtab = Some(s.index);
            }
        }
        let mut view = View {
            data,
            endian,
            sections,
            shstrndx,
            symtab,
            symbols: Vec::new(),
        };
        if let Some(index) = symtab {
            view.symbols = view.read_symbols(index)?;
        }
        Ok(view)
    }

    /// The string table a symbol table or relocation section links to.
    pub fn linked_strtab(&self, index: usize) -> Result<&Section<'a>, UnbindError> {
        let s = &self.sections[index];
        let link = s.link as usize;
        match self.sections.get(link) {
            Some(t) if t.sh_type == SHT_STRTAB => Ok(t),
            _ => Err(malformed(format!(
                "section {}: sh_link {link} is not a string table",
                s.name
            ))),
        }
    }

    fn read_symbols(&self, index: usize) -> Result<Vec<Symbol>, UnbindError> {
        let s = &self.sections[index];
        if s.entsize != SYM_SIZE || s.size % SYM_SIZE != 0 {
            return Err(malformed(format!(
                "section {}: sh_entsize {} / sh_size {} do not describe 24-byte symbols",
                s.name, s.entsize, s.size
            )));
        }
        let strings = self.linked_strtab(index)?.data;
        let raw: &[Sym64<Endianness>] = object::pod::slice_from_all_bytes(s.data)
            .map_err(|_| malformed(format!("section {}: unreadable symbols", s.name)))?;
        raw.iter()
            .enumerate()
            .map(|(i, sym)| {
                let off = sym.st_name.get(self.endian) as usize;
                let name = c_str(strings, off).ok_or_else(|| {
                    malformed(format!(
                        "section {}: symbol {i} has name offset {off} outside its string table",
                        s.name
                    ))
                })?;
                Ok(Symbol {
                    name: name.to_vec(),
                    bind: sym.st_info.0 >> 4,
                    shndx: sym.st_shndx.get(self.endian).0,
                })
            })
            .collect()
    }

    /// Entries of a `SHT_REL` section, checked against the symbol table.
    pub fn rels(&self, index: usize) -> Result<Vec<Rel>, UnbindError> {
        let s = &self.sections[index];
        if s.entsize != REL_SIZE || s.size % REL_SIZE != 0 {
            return Err(UnbindError::unsupported(format!(
                "section {}: relocation entries of {} bytes (sh_entsize); only 16-byte Elf64_Rel \
                 is handled",
                s.name, s.entsize
            )));
        }
        Ok(s.data
            .chunks_exact(16)
            .map(|e| {
                let (o, i) = e.split_at(8);
                let offset = read_u64(self.endian, o);
                let info = read_u64(self.endian, i);
                Rel {
                    offset,
                    sym: (info >> 32) as u32,
                }
            })
            .collect())
    }
}

/// Read a `u64` in the object's byte order.
pub(crate) fn read_u64(endian: Endianness, bytes: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&bytes[..8]);
    match endian {
        Endianness::Little => u64::from_le_bytes(b),
        Endianness::Big => u64::from_be_bytes(b),
    }
}
