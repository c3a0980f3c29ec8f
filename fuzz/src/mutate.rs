//! Structure-aware mutation of valid objects: an `arbitrary`-driven list of edits to header
//! fields at known offsets of a parsed seed (ELF header, section headers, symbols, relocation
//! entries, BTF header and type words, instructions), in the seed's own byte order.
//!
//! Byte-level fuzzing of ELF rarely gets past the first consistency check; editing one field of
//! an otherwise valid object reaches the binding logic with exactly one lie in it.

use arbitrary::Arbitrary;
use std::sync::OnceLock;

/// The seed objects compiled by build.rs from seeds-src/ (little- and big-endian, with BTF).
pub static SEEDS: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/seeds.rs"));

/// What to do to which seed.
#[derive(Arbitrary, Debug)]
pub struct Plan {
    /// Seed index (modulo the number of seeds).
    pub seed: u8,
    /// Which API gets the mutated object (modulo the number of APIs): one per input, so an
    /// execution costs one API call, not all of them (`check` alone is half of that).
    pub api: u8,
    /// Edits, applied in order.
    pub edits: Vec<Edit>,
}

/// One edit. Indices are taken modulo the number of entries of the seed.
#[derive(Arbitrary, Debug)]
pub enum Edit {
    /// A field of the ELF file header.
    Header { field: u8, value: Value },
    /// A field of a section header.
    Section {
        section: u8,
        field: u8,
        value: Value,
    },
    /// A field of a `.symtab` entry.
    Symbol {
        symbol: u16,
        field: u8,
        value: Value,
    },
    /// A field of a relocation entry (`sym` and `type` halves of `r_info` separately).
    Reloc {
        section: u8,
        entry: u16,
        field: u8,
        value: Value,
    },
    /// A field of the `.BTF` header, or a 32-bit word of its type or string data.
    Btf { word: u16, value: Value },
    /// A 32-bit word of `.BTF.ext`.
    BtfExt { word: u16, value: Value },
    /// One byte of an instruction of a code section (opcode, registers, offset, imm).
    Insn {
        section: u8,
        insn: u16,
        byte: u8,
        value: u8,
    },
    /// Cut the file.
    Truncate { keep: u32 },
}

/// A new field value.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Value {
    /// 0.
    Zero,
    /// 1.
    One,
    /// All ones (for the field's width).
    Max,
    /// The file length.
    FileLen,
    /// The file length minus a little.
    FileLenMinus(u8),
    /// The number of sections (just out of range as an index).
    SectionCount,
    /// The old value plus a small signed delta.
    Add(i16),
    /// Any value.
    Raw(u64),
}

/// (offset, width) of the ELF64 file-header fields.
const HEADER_FIELDS: &[(usize, usize)] = &[
    (4, 1),
    (5, 1),
    (16, 2),
    (18, 2),
    (20, 4),
    (40, 8),
    (52, 2),
    (58, 2),
    (60, 2),
    (62, 2),
];
/// (offset, width) of the section-header fields.
const SECTION_FIELDS: &[(usize, usize)] = &[
    (0, 4),
    (4, 4),
    (8, 8),
    (24, 8),
    (32, 8),
    (40, 4),
    (44, 4),
    (48, 8),
    (56, 8),
];
/// (offset, width) of the symbol fields.
const SYMBOL_FIELDS: &[(usize, usize)] = &[(0, 4), (4, 1), (5, 1), (6, 2), (8, 8), (16, 8)];

const SHT_SYMTAB: u32 = 2;
const SHT_REL: u32 = 9;
const SHF_EXECINSTR: u64 = 4;

struct SectionInfo {
    header_at: usize,
    sh_type: u32,
    flags: u64,
    offset: usize,
    size: usize,
    name: Vec<u8>,
}

struct Layout {
    big_endian: bool,
    sections: Vec<SectionInfo>,
}

impl Layout {
    fn of(bytes: &[u8]) -> Layout {
        let big_endian = bytes[5] == 2;
        let rd = |at: usize, w: usize| read(bytes, big_endian, at, w);
        let shoff = rd(40, 8) as usize;
        let shnum = rd(60, 2) as usize;
        let shstrndx = rd(62, 2) as usize;
        let mut sections: Vec<SectionInfo> = (0..shnum)
            .map(|i| {
                let at = shoff + i * 64;
                SectionInfo {
                    header_at: at,
                    sh_type: rd(at + 4, 4) as u32,
                    flags: rd(at + 8, 8),
                    offset: rd(at + 24, 8) as usize,
                    size: rd(at + 32, 8) as usize,
                    name: Vec::new(),
                }
            })
            .collect();
        let names_at = sections[shstrndx].offset;
        for s in &mut sections {
            let at = names_at + rd(s.header_at, 4) as usize;
            let end = bytes[at..].iter().position(|&b| b == 0).unwrap() + at;
            s.name = bytes[at..end].to_vec();
        }
        Layout {
            big_endian,
            sections,
        }
    }

    fn find(&self, pred: impl Fn(&SectionInfo) -> bool) -> Vec<&SectionInfo> {
        self.sections.iter().filter(|s| pred(s)).collect()
    }
}

fn layouts() -> &'static [Layout] {
    static LAYOUTS: OnceLock<Vec<Layout>> = OnceLock::new();
    LAYOUTS.get_or_init(|| SEEDS.iter().map(|(_, b)| Layout::of(b)).collect())
}

fn read(bytes: &[u8], big_endian: bool, at: usize, width: usize) -> u64 {
    let mut v = 0u64;
    for k in 0..width {
        let b = u64::from(bytes[at + k]);
        v |= if big_endian {
            b << (8 * (width - 1 - k))
        } else {
            b << (8 * k)
        };
    }
    v
}

fn write(bytes: &mut [u8], big_endian: bool, at: usize, width: usize, v: u64) {
    for k in 0..width {
        let shift = if big_endian {
            8 * (width - 1 - k)
        } else {
            8 * k
        };
        bytes[at + k] = (v >> shift) as u8;
    }
}

/// Writes `value` into the `width`-byte field at `at`, if it lies inside the file.
fn set(
    bytes: &mut [u8],
    big_endian: bool,
    at: usize,
    width: usize,
    value: Value,
    nsections: usize,
) {
    if at + width > bytes.len() {
        return;
    }
    let mask = if width == 8 {
        u64::MAX
    } else {
        (1u64 << (8 * width)) - 1
    };
    let old = read(bytes, big_endian, at, width);
    let v = match value {
        Value::Zero => 0,
        Value::One => 1,
        Value::Max => u64::MAX,
        Value::FileLen => bytes.len() as u64,
        Value::FileLenMinus(d) => (bytes.len() as u64).saturating_sub(u64::from(d)),
        Value::SectionCount => nsections as u64,
        Value::Add(d) => old.wrapping_add(d as i64 as u64),
        Value::Raw(v) => v,
    };
    write(bytes, big_endian, at, width, v & mask);
}

fn pick<T>(items: &[T], k: usize) -> Option<&T> {
    if items.is_empty() {
        None
    } else {
        Some(&items[k % items.len()])
    }
}

/// The seed's name and the mutated bytes.
pub fn apply(plan: &Plan) -> (&'static str, Vec<u8>) {
    let index = plan.seed as usize % SEEDS.len();
    let (name, seed) = SEEDS[index];
    let layout = &layouts()[index];
    let be = layout.big_endian;
    let n = layout.sections.len();
    let mut bytes = seed.to_vec();
    let mut keep = bytes.len();
    let word_in = |s: Option<&&SectionInfo>, word: u16| {
        s.filter(|s| s.size >= 4)
            .map(|s| s.offset + (usize::from(word) * 4) % (s.size & !3))
    };
    for edit in plan.edits.iter().take(16) {
        match *edit {
            Edit::Header { field, value } => {
                let (at, w) = *pick(HEADER_FIELDS, field.into()).unwrap();
                set(&mut bytes, be, at, w, value, n);
            }
            Edit::Section {
                section,
                field,
                value,
            } => {
                let s = &layout.sections[usize::from(section) % n];
                let (at, w) = *pick(SECTION_FIELDS, field.into()).unwrap();
                set(&mut bytes, be, s.header_at + at, w, value, n);
            }
            Edit::Symbol {
                symbol,
                field,
                value,
            } => {
                for s in layout.find(|s| s.sh_type == SHT_SYMTAB) {
                    let count = s.size / 24;
                    if count > 0 {
                        let (at, w) = *pick(SYMBOL_FIELDS, field.into()).unwrap();
                        let base = s.offset + (usize::from(symbol) % count) * 24;
                        set(&mut bytes, be, base + at, w, value, n);
                    }
                }
            }
            Edit::Reloc {
                section,
                entry,
                field,
                value,
            } => {
                let rels = layout.find(|s| s.sh_type == SHT_REL);
                if let Some(s) = pick(&rels, section.into()) {
                    let count = s.size / 16;
                    if count > 0 {
                        let base = s.offset + (usize::from(entry) % count) * 16;
                        // r_info is one 64-bit field: sym in the high half, type in the low.
                        let (at, w) = match field % 3 {
                            0 => (0, 8),                       // r_offset
                            1 => (if be { 8 } else { 12 }, 4), // symbol index
                            _ => (if be { 12 } else { 8 }, 4), // type
                        };
                        set(&mut bytes, be, base + at, w, value, n);
                    }
                }
            }
            Edit::Btf { word, value } => {
                let btf = layout.find(|s| s.name == b".BTF");
                if let Some(at) = word_in(btf.first(), word) {
                    set(&mut bytes, be, at, 4, value, n);
                }
            }
            Edit::BtfExt { word, value } => {
                let ext = layout.find(|s| s.name == b".BTF.ext");
                if let Some(at) = word_in(ext.first(), word) {
                    set(&mut bytes, be, at, 4, value, n);
                }
            }
            Edit::Insn {
                section,
                insn,
                byte,
                value,
            } => {
                let code = layout.find(|s| s.flags & SHF_EXECINSTR != 0 && s.size >= 8);
                if let Some(s) = pick(&code, section.into()) {
                    let at =
                        s.offset + (usize::from(insn) % (s.size / 8)) * 8 + usize::from(byte % 8);
                    bytes[at] = value;
                }
            }
            Edit::Truncate { keep: k } => keep = keep.min(k as usize),
        }
    }
    bytes.truncate(keep);
    (name, bytes)
}
