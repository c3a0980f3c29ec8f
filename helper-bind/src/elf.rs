//! A read-only view of a 64-bit BPF ELF object: sections, symbols and relocations, either byte
//! order.
//!
//! The view is built once over the whole file and validates every offset, size and index it
//! stores, so later passes can index `data` with the recorded ranges without further checks.
//! Nothing is allocated from an untrusted count beyond what the file's length can hold: every
//! table is checked to lie inside the file before it is read.
//!
//! Hand-rolled rather than `object::read::elf` because binding needs the exact file offsets of
//! every header field and table entry (it edits them in place), must honour `sh_entsize`, must
//! not require aligned input, and must say where a bad field is.

use std::borrow::Cow;
use std::ops::Range;

use crate::btf::Btf;
use crate::error::{ElfError, ElfErrorKind, Location};

/// `e_machine` of BPF objects.
pub const EM_BPF: u16 = 247;
/// `e_machine` 0, which some old BPF objects carry.
pub const EM_NONE: u16 = 0;
/// Section with program-defined contents (code, data).
pub const SHT_PROGBITS: u32 = 1;
/// Symbol table section type.
pub const SHT_SYMTAB: u32 = 2;
/// String table section type.
pub const SHT_STRTAB: u32 = 3;
/// Relocations with explicit addends.
pub const SHT_RELA: u32 = 4;
/// Section without file data.
pub const SHT_NOBITS: u32 = 8;
/// Relocations without addends (what clang and gcc emit for BPF).
pub const SHT_REL: u32 = 9;
/// Section group; `sh_info` is a symbol index.
pub const SHT_GROUP: u32 = 17;
/// Extended section indices of the symbol table.
pub const SHT_SYMTAB_SHNDX: u32 = 18;
/// LLVM's address-significance table: ULEB128 symbol indices.
pub const SHT_LLVM_ADDRSIG: u32 = 0x6fff_4c03;
/// Executable section flag.
pub const SHF_EXECINSTR: u64 = 4;
/// Undefined section index of a symbol.
pub const SHN_UNDEF: u16 = 0;
/// Symbol's section index is in `SHT_SYMTAB_SHNDX`.
pub const SHN_XINDEX: u16 = 0xffff;
/// First reserved section index.
pub const SHN_LORESERVE: u16 = 0xff00;
/// Relocation type of a call (`call -1` patched with a function's address or helper ID).
pub const R_BPF_64_32: u32 = 10;
/// Relocation type of a 64-bit immediate load (maps, global data).
pub const R_BPF_64_64: u32 = 1;

/// Size of an ELF64 file header.
pub const EHDR_SIZE: usize = 64;
/// Minimum size of an ELF64 section header.
pub const SHDR_SIZE: u64 = 64;
/// Minimum size of an ELF64 symbol.
pub const SYM_SIZE: u64 = 24;
/// Minimum size of an ELF64 `Rel`.
pub const REL_SIZE: u64 = 16;
/// Minimum size of an ELF64 `Rela`.
pub const RELA_SIZE: u64 = 24;

/// Byte order of the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endian {
    /// `-target bpfel` (and plain `bpf` on little-endian hosts).
    Little,
    /// `-target bpfeb`.
    Big,
}

impl Endian {
    /// Reads a `u16` from the first 2 bytes of `b` (caller guarantees the length).
    pub fn u16(self, b: &[u8]) -> u16 {
        let a = [b[0], b[1]];
        match self {
            Endian::Little => u16::from_le_bytes(a),
            Endian::Big => u16::from_be_bytes(a),
        }
    }

    /// Reads a `u32` from the first 4 bytes of `b` (caller guarantees the length).
    pub fn u32(self, b: &[u8]) -> u32 {
        let a = [b[0], b[1], b[2], b[3]];
        match self {
            Endian::Little => u32::from_le_bytes(a),
            Endian::Big => u32::from_be_bytes(a),
        }
    }

    /// Reads a `u64` from the first 8 bytes of `b` (caller guarantees the length).
    pub fn u64(self, b: &[u8]) -> u64 {
        let mut a = [0u8; 8];
        a.copy_from_slice(&b[..8]);
        match self {
            Endian::Little => u64::from_le_bytes(a),
            Endian::Big => u64::from_be_bytes(a),
        }
    }

    /// Bytes of `v` in this order.
    pub fn u32_bytes(self, v: u32) -> [u8; 4] {
        match self {
            Endian::Little => v.to_le_bytes(),
            Endian::Big => v.to_be_bytes(),
        }
    }

    /// Bytes of `v` in this order.
    pub fn u64_bytes(self, v: u64) -> [u8; 8] {
        match self {
            Endian::Little => v.to_le_bytes(),
            Endian::Big => v.to_be_bytes(),
        }
    }
}

/// One section header, with its name resolved and its data range checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section<'a> {
    /// Index in the section header table.
    pub index: usize,
    /// Name bytes (without NUL) from the section-name string table.
    pub name: &'a [u8],
    /// File offset of this section header (for in-place edits of `sh_size`, `sh_info`).
    pub header_offset: u64,
    /// `sh_type`.
    pub sh_type: u32,
    /// `sh_flags`.
    pub flags: u64,
    /// `sh_offset`.
    pub offset: u64,
    /// `sh_size`.
    pub size: u64,
    /// `sh_link`.
    pub link: u32,
    /// `sh_info`.
    pub info: u32,
    /// `sh_addralign`.
    pub addralign: u64,
    /// `sh_entsize`.
    pub entsize: u64,
}

impl Section<'_> {
    /// The name for display (lossy UTF-8).
    pub fn name(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(self.name)
    }

    /// Whether it holds BPF instructions: executable `SHT_PROGBITS` (a `SHT_NULL` section is
    /// inactive whatever its flags).
    pub fn is_code(&self) -> bool {
        self.flags & SHF_EXECINSTR != 0 && self.sh_type == SHT_PROGBITS
    }

    /// File byte range of its data; empty for `SHT_NOBITS`. Checked against the file length.
    pub fn file_range(&self) -> Range<usize> {
        if self.sh_type == SHT_NOBITS || self.index == 0 {
            return 0..0;
        }
        // Validated in `ElfView::parse`: offset + size <= file length.
        self.offset as usize..(self.offset + self.size) as usize
    }

    /// Location of byte `offset_in_section` of this section, for error messages.
    pub fn location(&self, offset_in_section: u64) -> Location {
        Location::in_section(
            self.index,
            self.name().into_owned(),
            self.offset.saturating_add(offset_in_section),
        )
    }

    /// Byte offset of field `sh_size` of this header in the file.
    pub fn size_field_offset(&self) -> usize {
        self.header_offset as usize + 32
    }

    /// Byte offset of field `sh_info` of this header in the file.
    pub fn info_field_offset(&self) -> usize {
        self.header_offset as usize + 44
    }
}

/// One symbol of `.symtab`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol<'a> {
    /// Index in the symbol table.
    pub index: usize,
    /// Name bytes (without NUL).
    pub name: &'a [u8],
    /// `st_info`: binding in the high nibble, type in the low nibble.
    pub info: u8,
    /// `st_other` (visibility).
    pub other: u8,
    /// Section index, with `SHN_XINDEX` already resolved through `SHT_SYMTAB_SHNDX`.
    pub shndx: u32,
    /// `st_value`.
    pub value: u64,
    /// `st_size`.
    pub size: u64,
}

impl Symbol<'_> {
    /// The name as UTF-8, if it is.
    pub fn name_str(&self) -> Option<&str> {
        std::str::from_utf8(self.name).ok()
    }

    /// The name for display (lossy UTF-8).
    pub fn name(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(self.name)
    }

    /// Whether it is undefined (`SHN_UNDEF`) and not the null symbol.
    pub fn is_undefined(&self) -> bool {
        self.index != 0 && self.shndx == u32::from(SHN_UNDEF)
    }

    /// `STB_*` binding.
    pub fn binding(&self) -> u8 {
        self.info >> 4
    }

    /// `STT_*` type.
    pub fn kind(&self) -> u8 {
        self.info & 0xf
    }
}

/// One relocation entry. (RELA addends are not decoded: binding never needs them, and these
/// tables can hold 10^5 entries.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reloc {
    /// `r_offset`: byte offset inside the target section.
    pub offset: u64,
    /// Symbol index (checked to be inside the symbol table).
    pub symbol: u32,
    /// Relocation type (`R_BPF_*`).
    pub kind: u32,
}

/// A relocation section (`SHT_REL` or `SHT_RELA`) and its entries.
///
/// Entries are decoded when asked for, not stored: most relocation entries of a `-g` object
/// patch debug information and `.BTF.ext` (a third of a large object), which binding only
/// scans. [`ElfView::parse`] has checked every entry's symbol index already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelocSection<'a> {
    /// Index of the relocation section itself.
    pub section: usize,
    /// Index of the section its entries patch (`sh_info`).
    pub target: usize,
    /// `SHT_RELA` (explicit addends) rather than `SHT_REL`.
    pub is_rela: bool,
    /// Entry size (`sh_entsize`, checked to be at least the ELF64 structure size).
    pub entsize: u64,
    /// The largest symbol index any entry uses (0 without entries). Debug and `.BTF.ext`
    /// relocations name section symbols, which come first, so a pass that only cares about
    /// later symbols (helpers, globals) can skip these tables without reading them.
    pub max_symbol: u32,
    /// The section's data: whole entries only.
    raw: &'a [u8],
    endian: Endian,
}

impl<'a> RelocSection<'a> {
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.raw.len() / self.entsize as usize
    }

    /// Whether it has no entries.
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// Entry `i`. Panics when `i >= len()`.
    pub fn entry(&self, i: usize) -> Reloc {
        let at = i * self.entsize as usize;
        decode_reloc(self.endian, &self.raw[at..at + REL_SIZE as usize])
    }

    /// Every entry, in file order.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = Reloc> + 'a {
        let endian = self.endian;
        self.raw
            .chunks_exact(self.entsize as usize)
            .map(move |b| decode_reloc(endian, b))
    }

    /// Symbol index of every entry, in file order (the one field most scans need).
    pub fn symbols(&self) -> impl ExactSizeIterator<Item = u32> + 'a {
        let endian = self.endian;
        self.raw
            .chunks_exact(self.entsize as usize)
            .map(move |b| (endian.u64(&b[8..]) >> 32) as u32)
    }
}

/// The symbol indices of an `.llvm_addrsig` section (ULEB128s, one after another); an entry
/// that is cut off or longer than 64 bits is an error at its byte offset.
pub fn addrsig_entries(raw: &[u8]) -> impl Iterator<Item = Result<u64, (usize, String)>> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        if i >= raw.len() {
            return None;
        }
        let start = i;
        let mut value = 0u64;
        let mut shift = 0;
        loop {
            let Some(&b) = raw.get(i) else {
                i = raw.len();
                return Some(Err((
                    start,
                    "ULEB128 symbol index runs past the end of .llvm_addrsig".into(),
                )));
            };
            i += 1;
            if shift >= 64 {
                i = raw.len();
                return Some(Err((
                    start,
                    "ULEB128 symbol index in .llvm_addrsig is too long".into(),
                )));
            }
            value |= u64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                return Some(Ok(value));
            }
        }
    })
}

fn decode_reloc(endian: Endian, b: &[u8]) -> Reloc {
    let info = endian.u64(&b[8..]);
    Reloc {
        offset: endian.u64(b),
        symbol: (info >> 32) as u32,
        kind: info as u32,
    }
}

/// The largest symbol index of the relocation entries of `data` (`step` bytes each), 0
/// without entries. The symbol index is the high half of `r_info` (bytes 8..16): one `u32`
/// per entry, read with the entry size and byte order fixed at compile time for the two
/// standard sizes so that the loop over 10^5 debug and `.BTF.ext` entries vectorizes.
fn max_reloc_symbol(data: &[u8], step: usize, endian: Endian) -> u32 {
    fn fixed<const STEP: usize, const BIG: bool>(data: &[u8]) -> u32 {
        data.chunks_exact(STEP)
            .map(|b| {
                if BIG {
                    u32::from_be_bytes([b[8], b[9], b[10], b[11]])
                } else {
                    u32::from_le_bytes([b[12], b[13], b[14], b[15]])
                }
            })
            .fold(0, u32::max)
    }
    match (step as u64, endian) {
        (REL_SIZE, Endian::Little) => fixed::<{ REL_SIZE as usize }, false>(data),
        (REL_SIZE, Endian::Big) => fixed::<{ REL_SIZE as usize }, true>(data),
        (RELA_SIZE, Endian::Little) => fixed::<{ RELA_SIZE as usize }, false>(data),
        (RELA_SIZE, Endian::Big) => fixed::<{ RELA_SIZE as usize }, true>(data),
        _ => data
            .chunks_exact(step)
            .map(|b| (endian.u64(&b[8..]) >> 32) as u32)
            .fold(0, u32::max),
    }
}

/// A validated read-only view of a BPF ELF64 object.
#[derive(Debug, Clone)]
pub struct ElfView<'a> {
    data: &'a [u8],
    /// Byte order.
    pub endian: Endian,
    /// `e_machine` (`EM_BPF` or `EM_NONE`).
    pub machine: u16,
    /// `e_shoff`.
    pub shoff: u64,
    /// `e_shentsize`.
    pub shentsize: u64,
    /// Section-name string table index.
    pub shstrndx: usize,
    /// All sections, indexed by section index (index 0 is the null section).
    pub sections: Vec<Section<'a>>,
    /// Index of the `SHT_SYMTAB` section, if any.
    pub symtab: Option<usize>,
    /// Index of the `SHT_SYMTAB_SHNDX` section of the symbol table, if any.
    pub symtab_shndx: Option<usize>,
    /// Symbols of the symbol table, indexed by symbol index (empty without a symbol table).
    pub symbols: Vec<Symbol<'a>>,
    /// Every relocation section, in section order.
    pub relocations: Vec<RelocSection<'a>>,
    /// `.BTF`, parsed on first use (see [`ElfView::btf`]).
    btf: std::cell::OnceCell<Result<Option<Btf<'a>>, ElfError>>,
}

fn out_of_file(loc: Location, what: &'static str, start: u64, size: u64, len: usize) -> ElfError {
    ElfError::new(
        loc,
        ElfErrorKind::OutOfFile {
            what,
            start,
            size,
            file_len: len as u64,
        },
    )
}

/// Checked `start..start+size` inside a buffer of length `len`.
fn checked_range(start: u64, size: u64, len: usize) -> Option<Range<usize>> {
    let end = start.checked_add(size)?;
    if end > len as u64 {
        return None;
    }
    Some(start as usize..end as usize)
}

/// A string table must end with NUL (the ELF rule), so no string can run past it.
fn check_final_nul(data: &[u8], table: &Section) -> Result<(), ElfError> {
    let bytes = &data[table.file_range()];
    match bytes.last() {
        Some(&b) if b != 0 => Err(ElfError::new(
            Location::in_section(
                table.index,
                format!("#{}", table.index),
                table.offset + table.size - 1,
            ),
            ElfErrorKind::UnterminatedString {
                offset: table.size - 1,
            },
        )),
        _ => Ok(()),
    }
}

/// NUL-terminated string at `offset` of string table `table` (a file range).
fn string_at<'a>(
    data: &'a [u8],
    table: &Section<'a>,
    offset: u64,
    loc: impl FnOnce() -> Location,
) -> Result<&'a [u8], ElfError> {
    let bytes = &data[table.file_range()];
    if offset >= bytes.len() as u64 {
        if offset == 0 && bytes.is_empty() {
            return Ok(&[]);
        }
        return Err(ElfError::new(
            loc(),
            ElfErrorKind::IndexOutOfRange {
                what: "string offset",
                index: offset,
                limit: bytes.len() as u64,
            },
        ));
    }
    let rest = &bytes[offset as usize..];
    match rest.iter().position(|&b| b == 0) {
        Some(n) => Ok(&rest[..n]),
        None => Err(ElfError::new(
            loc(),
            ElfErrorKind::UnterminatedString { offset },
        )),
    }
}

impl<'a> ElfView<'a> {
    /// Parses and validates `data`.
    pub fn parse(data: &'a [u8]) -> Result<Self, ElfError> {
        let len = data.len();
        if len < 4 || &data[..4] != b"\x7fELF" {
            return Err(ElfError::new(Location::at(0), ElfErrorKind::NotElf));
        }
        if len < 6 {
            return Err(ElfError::new(
                Location::at(0),
                ElfErrorKind::Truncated {
                    what: "ELF identification",
                    needed: 16,
                    available: len as u64,
                },
            ));
        }
        if data[4] != 2 {
            return Err(ElfError::new(
                Location::at(4),
                ElfErrorKind::Not64Bit { class: data[4] },
            ));
        }
        let endian = match data[5] {
            1 => Endian::Little,
            2 => Endian::Big,
            d => {
                return Err(ElfError::new(
                    Location::at(5),
                    ElfErrorKind::BadEncoding { data: d },
                ))
            }
        };
        if len < EHDR_SIZE {
            return Err(ElfError::new(
                Location::at(0),
                ElfErrorKind::Truncated {
                    what: "ELF64 file header",
                    needed: EHDR_SIZE as u64,
                    available: len as u64,
                },
            ));
        }
        let machine = endian.u16(&data[18..]);
        if machine != EM_BPF && machine != EM_NONE {
            return Err(ElfError::new(
                Location::at(18),
                ElfErrorKind::NotBpf { machine },
            ));
        }
        let shoff = endian.u64(&data[40..]);
        let shentsize = u64::from(endian.u16(&data[58..]));
        let mut shnum = u64::from(endian.u16(&data[60..]));
        let mut shstrndx = u64::from(endian.u16(&data[62..]));

        if shoff == 0 {
            // No section header table: nothing to bind, but still a valid (empty) view.
            return Ok(ElfView {
                data,
                endian,
                machine,
                shoff,
                shentsize,
                shstrndx: 0,
                sections: Vec::new(),
                symtab: None,
                symtab_shndx: None,
                symbols: Vec::new(),
                relocations: Vec::new(),
                btf: Default::default(),
            });
        }
        if shentsize < SHDR_SIZE {
            return Err(ElfError::new(
                Location::at(58),
                ElfErrorKind::BadEntrySize {
                    what: "section header table",
                    entsize: shentsize,
                    size: shentsize.saturating_mul(shnum),
                    min: SHDR_SIZE,
                },
            ));
        }
        // Extended numbering: the real counts live in section 0.
        if checked_range(shoff, SHDR_SIZE, len).is_none() {
            return Err(out_of_file(
                Location::at(40),
                "section header table",
                shoff,
                shentsize.saturating_mul(shnum.max(1)),
                len,
            ));
        }
        let s0 = shoff as usize;
        if shnum == 0 {
            shnum = endian.u64(&data[s0 + 32..]);
        }
        if shstrndx == u64::from(SHN_XINDEX) {
            shstrndx = u64::from(endian.u32(&data[s0 + 40..]));
        }
        let table_size = shnum.saturating_mul(shentsize);
        if checked_range(shoff, table_size, len).is_none() {
            return Err(out_of_file(
                Location::at(40),
                "section header table",
                shoff,
                table_size,
                len,
            ));
        }
        if shstrndx >= shnum {
            return Err(ElfError::new(
                Location::at(62),
                ElfErrorKind::IndexOutOfRange {
                    what: "section-name string table index",
                    index: shstrndx,
                    limit: shnum,
                },
            ));
        }

        let mut sections = Vec::with_capacity(shnum as usize);
        for i in 0..shnum as usize {
            let h = shoff as usize + i * shentsize as usize;
            let b = &data[h..h + SHDR_SIZE as usize];
            let s = Section {
                index: i,
                name: &[],
                header_offset: h as u64,
                // Section 0 is the null section whatever its type field says (the field is
                // reserved; only its size, link and info carry extended numbering): a type
                // there must never make it read as a table.
                sh_type: if i == 0 { 0 } else { endian.u32(&b[4..]) },
                flags: endian.u64(&b[8..]),
                offset: endian.u64(&b[24..]),
                size: endian.u64(&b[32..]),
                link: endian.u32(&b[40..]),
                info: endian.u32(&b[44..]),
                addralign: endian.u64(&b[48..]),
                entsize: endian.u64(&b[56..]),
            };
            sections.push(s);
        }
        let in_file = |s: &Section| {
            s.index == 0
                || s.sh_type == SHT_NOBITS
                || checked_range(s.offset, s.size, len).is_some()
        };
        let shstrndx = shstrndx as usize;
        let names = sections[shstrndx].clone();
        // The name table first, so later errors can name their section.
        if !in_file(&names) {
            return Err(out_of_file(
                Location::in_section(shstrndx, format!("#{shstrndx}"), names.header_offset + 24),
                "section-name string table",
                names.offset,
                names.size,
                len,
            ));
        }
        check_final_nul(data, &names)?;
        for s in sections.iter_mut().skip(1) {
            let h = s.header_offset;
            let name_off = u64::from(endian.u32(&data[h as usize..]));
            let loc = || Location::in_section(s.index, format!("#{}", s.index), h);
            s.name = string_at(data, &names, name_off, loc)?;
        }
        for s in &sections {
            if !in_file(s) {
                return Err(out_of_file(
                    Location::in_section(s.index, s.name().into_owned(), s.header_offset + 24),
                    "section data",
                    s.offset,
                    s.size,
                    len,
                ));
            }
        }

        let mut view = ElfView {
            data,
            endian,
            machine,
            shoff,
            shentsize,
            shstrndx,
            sections,
            symtab: None,
            symtab_shndx: None,
            symbols: Vec::new(),
            relocations: Vec::new(),
            btf: Default::default(),
        };
        view.check_btf_role()?;
        // Every tool must see the same instructions: a code section is whole instructions.
        if let Some(s) = view
            .sections
            .iter()
            .find(|s| s.is_code() && s.size % 8 != 0)
        {
            return Err(ElfError::new(
                s.location(0),
                ElfErrorKind::Malformed {
                    what: format!(
                        "code section size {} is not a multiple of 8 (BPF instructions are 8 bytes)",
                        s.size
                    ),
                },
            ));
        }
        view.parse_symbols()?;
        view.parse_relocations()?;
        view.check_overlaps()?;
        view.check_addrsig()?;
        Ok(view)
    }

    /// The whole file.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// Data of section `index` (empty for `SHT_NOBITS`). Panics on an invalid index.
    pub fn section_data(&self, index: usize) -> &'a [u8] {
        &self.data[self.sections[index].file_range()]
    }

    /// Name of section `index` for display, or `#index` when there is no such section.
    pub fn section_name(&self, index: usize) -> Cow<'_, str> {
        match self.sections.get(index) {
            Some(s) => s.name(),
            None => Cow::Owned(format!("#{index}")),
        }
    }

    /// First section named `name`.
    pub fn section_by_name(&self, name: &str) -> Option<&Section<'a>> {
        self.sections.iter().find(|s| s.name == name.as_bytes())
    }

    /// The object's `.BTF` section, parsed once however many passes read it (it can be
    /// megabytes). `None` without one; an error naming the section when it is malformed.
    pub fn btf(&self) -> Result<Option<&Btf<'a>>, ElfError> {
        let parsed = self.btf.get_or_init(|| {
            let Some(sec) = self.section_by_name(".BTF") else {
                return Ok(None);
            };
            Btf::parse(self.section_data(sec.index), self.endian)
                .map(Some)
                .map_err(|what| ElfError::new(sec.location(0), ElfErrorKind::Btf { what }))
        });
        parsed.as_ref().map(Option::as_ref).map_err(Clone::clone)
    }

    /// Relocation sections whose entries patch section `target`.
    pub fn relocations_for(&self, target: usize) -> impl Iterator<Item = &RelocSection<'a>> {
        self.relocations.iter().filter(move |r| r.target == target)
    }

    /// Checks that section `index` is a table of `min`-byte entries and returns its entry size.
    fn table_entsize(&self, index: usize, what: &'static str, min: u64) -> Result<u64, ElfError> {
        let s = &self.sections[index];
        // An entry size of 0 is common in hand-made objects; it means the natural size.
        let entsize = if s.entsize == 0 { min } else { s.entsize };
        if entsize < min || s.size % entsize != 0 {
            return Err(ElfError::new(
                s.location(0),
                ElfErrorKind::BadEntrySize {
                    what,
                    entsize: s.entsize,
                    size: s.size,
                    min,
                },
            ));
        }
        Ok(entsize)
    }

    fn section_link(&self, index: usize, what: &'static str) -> Result<usize, ElfError> {
        let s = &self.sections[index];
        let link = s.link as usize;
        if link == 0 || link >= self.sections.len() {
            return Err(ElfError::new(
                Location::in_section(index, s.name().into_owned(), s.header_offset + 40),
                ElfErrorKind::IndexOutOfRange {
                    what,
                    index: u64::from(s.link),
                    limit: self.sections.len() as u64,
                },
            ));
        }
        Ok(link)
    }

    fn parse_symbols(&mut self) -> Result<(), ElfError> {
        let Some(symtab) = self.sections.iter().position(|s| s.sh_type == SHT_SYMTAB) else {
            return Ok(());
        };
        self.symtab = Some(symtab);
        let entsize = self.table_entsize(symtab, "symbol table", SYM_SIZE)?;
        let strtab = self.section_link(symtab, "symbol string table index")?;
        let shndx_table = self
            .sections
            .iter()
            .position(|s| s.sh_type == SHT_SYMTAB_SHNDX && s.link as usize == symtab);
        self.symtab_shndx = shndx_table;
        let count = self.sections[symtab].size / entsize;
        let strings = self.sections[strtab].clone();
        let symtab_section = &self.sections[symtab];
        if strings.sh_type != SHT_STRTAB {
            return Err(ElfError::new(
                Location::in_section(symtab, symtab_section.name().into_owned(), symtab_section.header_offset + 40),
                ElfErrorKind::Malformed {
                    what: format!(
                        "the symbol table's string table (sh_link {strtab}, `{}`) is not a string table (SHT_STRTAB)",
                        strings.name()
                    ),
                },
            ));
        }
        check_final_nul(self.data, &strings)?;
        if u64::from(symtab_section.info) > count {
            return Err(ElfError::new(
                Location::in_section(
                    symtab,
                    symtab_section.name().into_owned(),
                    symtab_section.header_offset + 44,
                ),
                ElfErrorKind::IndexOutOfRange {
                    what: "first global symbol index (sh_info)",
                    index: u64::from(symtab_section.info),
                    limit: count,
                },
            ));
        }
        let base = self.sections[symtab].offset;
        let endian = self.endian;
        let mut symbols = Vec::with_capacity(count as usize);
        for i in 0..count {
            let at = base + i * entsize;
            let b = &self.data[at as usize..(at + SYM_SIZE) as usize];
            // Built only for an error: a location owns the section's name.
            let loc = || self.sections[symtab].location(i * entsize);
            let name = string_at(self.data, &strings, u64::from(endian.u32(b)), loc)?;
            let mut shndx = u32::from(endian.u16(&b[6..]));
            if shndx == u32::from(SHN_XINDEX) {
                let Some(t) = shndx_table else {
                    return Err(ElfError::new(
                        loc(),
                        ElfErrorKind::Malformed {
                            what: format!("symbol {i} uses SHN_XINDEX but there is no SHT_SYMTAB_SHNDX section"),
                        },
                    ));
                };
                let tdata = self.section_data(t);
                let o = (i * 4) as usize;
                if o + 4 > tdata.len() {
                    return Err(ElfError::new(
                        self.sections[t].location(0),
                        ElfErrorKind::IndexOutOfRange {
                            what: "extended section index entry",
                            index: i,
                            limit: tdata.len() as u64 / 4,
                        },
                    ));
                }
                shndx = endian.u32(&tdata[o..]);
            }
            // SHN_ABS, SHN_COMMON and the other reserved values name no section.
            let raw = endian.u16(&b[6..]);
            let reserved = raw >= SHN_LORESERVE && raw != SHN_XINDEX;
            if !reserved && shndx as usize >= self.sections.len() {
                return Err(ElfError::new(
                    loc(),
                    ElfErrorKind::IndexOutOfRange {
                        what: "section index of symbol",
                        index: u64::from(shndx),
                        limit: self.sections.len() as u64,
                    },
                ));
            }
            symbols.push(Symbol {
                index: i as usize,
                name,
                info: b[4],
                other: b[5],
                shndx,
                value: endian.u64(&b[8..]),
                size: endian.u64(&b[16..]),
            });
        }
        self.symbols = symbols;
        Ok(())
    }

    /// The parts this tool reads or rewrites must not share bytes: the ELF header, the section
    /// header table, code, relocation and symbol tables, the symbol string table, `.BTF`,
    /// `.llvm_addrsig`.
    fn check_overlaps(&self) -> Result<(), ElfError> {
        let strtab = self.symtab.map(|s| self.sections[s].link as usize);
        let mut ranges: Vec<(u64, u64, usize)> = self
            .sections
            .iter()
            .filter(|s| {
                s.is_code()
                    || matches!(
                        s.sh_type,
                        SHT_SYMTAB
                            | SHT_REL
                            | SHT_RELA
                            | SHT_SYMTAB_SHNDX
                            | SHT_LLVM_ADDRSIG
                            | SHT_GROUP
                    )
                    || Some(s.index) == strtab
                    || s.name == b".BTF"
            })
            .filter(|s| s.sh_type != SHT_NOBITS && s.size > 0)
            .map(|s| (s.offset, s.offset.saturating_add(s.size), s.index))
            .collect();
        let table = self.shentsize.saturating_mul(self.sections.len() as u64);
        ranges.push((self.shoff, self.shoff.saturating_add(table), usize::MAX));
        ranges.push((0, EHDR_SIZE as u64, usize::MAX - 1));
        ranges.sort_unstable();
        for w in ranges.windows(2) {
            let ((_, end, a), (start, _, b)) = (w[0], w[1]);
            if start < end {
                let name = |i: usize| {
                    if i == usize::MAX {
                        "the section header table".to_string()
                    } else if i == usize::MAX - 1 {
                        "the ELF header".to_string()
                    } else {
                        format!("section [{i}] `{}`", self.section_name(i))
                    }
                };
                let (at, other) = if b >= usize::MAX - 1 { (a, b) } else { (b, a) };
                let loc = if at >= usize::MAX - 1 {
                    Location::at(start)
                } else {
                    self.sections[at].location(0)
                };
                return Err(ElfError::new(
                    loc,
                    ElfErrorKind::Malformed {
                        what: format!("{} overlaps {}", name(at), name(other)),
                    },
                ));
            }
        }
        Ok(())
    }

    /// `.BTF` is found by name and patched as BTF; a `.BTF` whose type or flags give it a
    /// second role that binding or unbinding also rewrites (code, a symbol, relocation or
    /// string table, an address-significance table, a group) would be rewritten twice, as two
    /// different things (fuzzing finding 19: a `.BTF` typed SHT_LLVM_ADDRSIG came out of bind
    /// as a symbol list).
    fn check_btf_role(&self) -> Result<(), ElfError> {
        let symbol_strings = self
            .sections
            .iter()
            .find(|s| s.sh_type == SHT_SYMTAB)
            .map(|s| s.link as usize);
        for s in self.sections.iter().filter(|s| s.name == b".BTF") {
            let role = match s.sh_type {
                _ if s.is_code() => "a code section (SHF_EXECINSTR)",
                SHT_SYMTAB => "a symbol table (SHT_SYMTAB)",
                SHT_REL => "a relocation table (SHT_REL)",
                SHT_RELA => "a relocation table (SHT_RELA)",
                SHT_SYMTAB_SHNDX => "an extended symbol index table (SHT_SYMTAB_SHNDX)",
                SHT_LLVM_ADDRSIG => "an address-significance table (SHT_LLVM_ADDRSIG)",
                SHT_GROUP => "a section group (SHT_GROUP)",
                _ if Some(s.index) == symbol_strings => "the symbol string table",
                _ => continue,
            };
            return Err(ElfError::new(
                Location::in_section(s.index, s.name().into_owned(), s.header_offset + 4),
                ElfErrorKind::Malformed {
                    what: format!(
                        "`.BTF` is also {role} (type {:#x}, flags {:#x}) and would be rewritten as both; BTF is plain data (clang writes it as SHT_PROGBITS without SHF_EXECINSTR)",
                        s.sh_type, s.flags
                    ),
                },
            ));
        }
        Ok(())
    }

    /// `.llvm_addrsig` is rewritten whenever symbols are removed or added, so every tool must
    /// agree up front on whether it can be read (a cut-off entry used to pass `list` and
    /// `check` and fail only `bind`).
    fn check_addrsig(&self) -> Result<(), ElfError> {
        for s in self
            .sections
            .iter()
            .filter(|s| s.sh_type == SHT_LLVM_ADDRSIG)
        {
            if let Some(Err((at, what))) =
                addrsig_entries(self.section_data(s.index)).find(Result::is_err)
            {
                return Err(ElfError::new(
                    s.location(at as u64),
                    ElfErrorKind::Malformed { what },
                ));
            }
        }
        Ok(())
    }

    fn parse_relocations(&mut self) -> Result<(), ElfError> {
        let endian = self.endian;
        for index in 0..self.sections.len() {
            let s = &self.sections[index];
            let is_rela = match s.sh_type {
                SHT_REL => false,
                SHT_RELA => true,
                _ => continue,
            };
            let (min, what) = if is_rela {
                (RELA_SIZE, "relocation table (RELA)")
            } else {
                (REL_SIZE, "relocation table (REL)")
            };
            let entsize = self.table_entsize(index, what, min)?;
            let s = &self.sections[index];
            let target = s.info as usize;
            let bad_target = self.sections.get(target).map_or(true, |t| {
                target == index
                    || matches!(
                        t.sh_type,
                        0 | SHT_SYMTAB | SHT_STRTAB | SHT_REL | SHT_RELA | SHT_SYMTAB_SHNDX
                    )
            });
            if target == 0 || bad_target {
                let what = match self.sections.get(target) {
                    Some(t) if target != 0 => format!(
                        "relocation section patches section [{target}] `{}` (type {}), which relocations cannot apply to",
                        t.name(),
                        t.sh_type
                    ),
                    _ => format!(
                        "relocation target section index {target} out of range (only {})",
                        self.sections.len()
                    ),
                };
                return Err(ElfError::new(
                    Location::in_section(index, s.name().into_owned(), s.header_offset + 44),
                    ElfErrorKind::Malformed { what },
                ));
            }
            if s.size > 0 && s.link as usize != self.symtab.unwrap_or(usize::MAX) {
                return Err(ElfError::new(
                    Location::in_section(index, s.name().into_owned(), s.header_offset + 40),
                    ElfErrorKind::Malformed {
                        what: format!(
                            "relocation section links to section {} which is not the symbol table",
                            s.link
                        ),
                    },
                ));
            }
            let data = self.section_data(index);
            let limit = self.symbols.len().max(1);
            let step = entsize as usize;
            // One tight pass over r_info; nothing is stored (see `RelocSection`).
            let max_symbol = max_reloc_symbol(data, step, endian);
            if max_symbol as usize >= limit {
                let i = data
                    .chunks_exact(step)
                    .position(|b| (endian.u64(&b[8..]) >> 32) as usize >= limit)
                    .unwrap_or(0);
                let symbol = endian.u64(&data[i * step + 8..]) >> 32;
                return Err(ElfError::new(
                    s.location(i as u64 * entsize + 8),
                    ElfErrorKind::IndexOutOfRange {
                        what: "relocation symbol index",
                        index: symbol,
                        limit: self.symbols.len() as u64,
                    },
                ));
            }
            self.relocations.push(RelocSection {
                section: index,
                target,
                is_rela,
                entsize,
                max_symbol,
                raw: data,
                endian,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fixed-size fast paths find the same largest symbol index as decoding each
    /// `r_info` in full, for both byte orders and for a non-standard entry size.
    #[test]
    fn largest_relocation_symbol_matches_full_decoding() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let data: Vec<u8> = (0..24 * 40)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        for endian in [Endian::Little, Endian::Big] {
            for step in [16usize, 24, 32] {
                for len in [0, step, step * 3 + 5, data.len()] {
                    let part = &data[..len.min(data.len())];
                    let expected = part
                        .chunks_exact(step)
                        .map(|b| (endian.u64(&b[8..]) >> 32) as u32)
                        .max()
                        .unwrap_or(0);
                    assert_eq!(
                        max_reloc_symbol(part, step, endian),
                        expected,
                        "{endian:?} {step} {len}"
                    );
                }
            }
        }
    }
    use crate::synth::ObjectBuilder;

    #[test]
    fn rejects_non_elf_and_wrong_class_and_machine() {
        let e = ElfView::parse(b"hello world").unwrap_err();
        assert_eq!(e.kind, ElfErrorKind::NotElf);
        let mut obj = ObjectBuilder::new(Endian::Little).build();
        obj[4] = 1;
        assert_eq!(
            ElfView::parse(&obj).unwrap_err().kind,
            ElfErrorKind::Not64Bit { class: 1 }
        );
        let mut obj = ObjectBuilder::new(Endian::Little).build();
        obj[18] = 62; // x86-64
        assert_eq!(
            ElfView::parse(&obj).unwrap_err().kind,
            ElfErrorKind::NotBpf { machine: 62 }
        );
        let mut obj = ObjectBuilder::new(Endian::Little).build();
        obj[5] = 7;
        assert_eq!(
            ElfView::parse(&obj).unwrap_err().kind,
            ElfErrorKind::BadEncoding { data: 7 }
        );
    }

    #[test]
    fn accepts_em_none_and_both_orders() {
        for endian in [Endian::Little, Endian::Big] {
            let mut b = ObjectBuilder::new(endian);
            let text = b.code_section("xdp", &[[0x95, 0, 0, 0, 0, 0, 0, 0]]);
            let sym = b.undefined("bpf_ktime_get_ns");
            b.reloc(text, 0, sym, R_BPF_64_32);
            let mut obj = b.build();
            let v = ElfView::parse(&obj).unwrap();
            assert_eq!(v.endian, endian);
            assert_eq!(v.relocations.len(), 1);
            assert_eq!(v.relocations[0].entry(0).symbol as usize, sym);
            assert_eq!(v.symbols[sym].name, b"bpf_ktime_get_ns");
            assert!(v.symbols[sym].is_undefined());
            assert_eq!(v.section_by_name("xdp").unwrap().index, text);
            obj[18] = 0;
            obj[19] = 0;
            assert_eq!(ElfView::parse(&obj).unwrap().machine, EM_NONE);
        }
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let mut b = ObjectBuilder::new(Endian::Little);
        let text = b.code_section("xdp", &[[0x95, 0, 0, 0, 0, 0, 0, 0]]);
        let sym = b.undefined("bpf_ktime_get_ns");
        b.reloc(text, 0, sym, R_BPF_64_32);
        let obj = b.build();
        for n in 0..obj.len() {
            assert!(ElfView::parse(&obj[..n]).is_err(), "prefix {n} accepted");
        }
    }

    #[test]
    fn honours_entsize_and_rejects_bad_ones() {
        let mut b = ObjectBuilder::new(Endian::Little);
        let text = b.code_section("xdp", &[[0x95, 0, 0, 0, 0, 0, 0, 0]; 2]);
        let sym = b.undefined("a");
        b.reloc(text, 0, sym, R_BPF_64_32);
        b.reloc(text, 8, sym, R_BPF_64_32);
        b.rel_entsize = 24; // padded entries
        let obj = b.build();
        let v = ElfView::parse(&obj).unwrap();
        assert_eq!(v.relocations[0].entsize, 24);
        assert_eq!(v.relocations[0].entry(1).offset, 8);
        let mut b2 = ObjectBuilder::new(Endian::Little);
        let t = b2.code_section("xdp", &[[0x95, 0, 0, 0, 0, 0, 0, 0]]);
        let s = b2.undefined("a");
        b2.reloc(t, 0, s, R_BPF_64_32);
        b2.rel_entsize = 8;
        let e = ElfView::parse(&b2.build()).unwrap_err();
        assert!(
            matches!(e.kind, ElfErrorKind::BadEntrySize { entsize: 8, .. }),
            "{e}"
        );
    }

    #[test]
    fn symbol_index_out_of_range_names_the_section() {
        let mut b = ObjectBuilder::new(Endian::Big);
        let text = b.code_section("xdp", &[[0x95, 0, 0, 0, 0, 0, 0, 0]]);
        b.reloc(text, 0, 99, R_BPF_64_32);
        let e = ElfView::parse(&b.build()).unwrap_err();
        assert!(matches!(
            e.kind,
            ElfErrorKind::IndexOutOfRange { index: 99, .. }
        ));
        assert!(e.to_string().contains(".relxdp"), "{e}");
    }

    #[test]
    fn code_section_of_partial_instructions_is_refused() {
        let mut b = ObjectBuilder::new(Endian::Little);
        b.section("xdp", 1, 6, vec![0x95, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0]);
        let e = ElfView::parse(&b.build()).unwrap_err();
        assert!(e.to_string().contains("not a multiple of 8"), "{e}");
        assert!(e.to_string().contains("`xdp`"), "{e}");
    }

    #[test]
    fn section_outside_file_is_reported() {
        let mut b = ObjectBuilder::new(Endian::Little);
        b.code_section("xdp", &[[0x95, 0, 0, 0, 0, 0, 0, 0]]);
        let mut obj = b.build();
        let v = ElfView::parse(&obj).unwrap();
        let h = v.sections[1].header_offset as usize;
        obj[h + 32..h + 40].copy_from_slice(&u64::MAX.to_le_bytes());
        let e = ElfView::parse(&obj).unwrap_err();
        assert!(matches!(e.kind, ElfErrorKind::OutOfFile { .. }), "{e}");
    }
}
