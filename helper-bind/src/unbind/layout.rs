//! Writing the edited object by growing the file, never moving a section that
//! stays the same size.
//!
//! Sections that grow (`.symtab`, its string table, extended `.rel*`, `.BTF`)
//! get a new copy at the end of the file; new sections (`.rel<code>`) are
//! appended there too and get the next section indices, so every existing
//! section index, symbol index and offset stays valid. A new section header
//! table goes last. The old copies are zeroed (when no other section shares
//! their bytes) so no stale symbol or string lingers.

use std::ops::Range;

use crate::elf::{ElfView, Endian, SHDR_SIZE};

/// Offset of `e_shoff` in the ELF64 header.
const E_SHOFF: usize = 0x28;
/// Offset of `e_shnum` in the ELF64 header.
const E_SHNUM: usize = 0x3c;
/// Section counts from here on live in section 0's `sh_size`.
const SHN_LORESERVE: usize = 0xff00;
/// Offsets of fields inside a section header.
const SH_OFFSET: usize = 24;
const SH_SIZE: usize = 32;

/// New contents for an existing section.
pub(crate) struct Moved {
    pub index: usize,
    pub data: Vec<u8>,
}

/// The header fields of a section that did not exist in the input.
pub(crate) struct NewHeader {
    pub name: u32,
    pub sh_type: u32,
    pub flags: u64,
    pub link: u32,
    pub info: u32,
    pub addralign: u64,
    pub entsize: u64,
}

/// A section that did not exist in the input.
pub(crate) struct Added {
    pub header: NewHeader,
    pub data: Vec<u8>,
}

fn align_to(out: &mut Vec<u8>, align: u64) {
    let align = align.clamp(1, 4096) as usize;
    let pad = (align - out.len() % align) % align;
    out.resize(out.len() + pad, 0);
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

fn encode_header(e: Endian, h: &NewHeader, offset: u64, size: u64, entsize: usize) -> Vec<u8> {
    let mut b = Vec::with_capacity(entsize);
    b.extend_from_slice(&e.u32_bytes(h.name));
    b.extend_from_slice(&e.u32_bytes(h.sh_type));
    b.extend_from_slice(&e.u64_bytes(h.flags));
    b.extend_from_slice(&e.u64_bytes(0)); // sh_addr
    b.extend_from_slice(&e.u64_bytes(offset));
    b.extend_from_slice(&e.u64_bytes(size));
    b.extend_from_slice(&e.u32_bytes(h.link));
    b.extend_from_slice(&e.u32_bytes(h.info));
    b.extend_from_slice(&e.u64_bytes(h.addralign));
    b.extend_from_slice(&e.u64_bytes(h.entsize));
    b.resize(entsize, 0);
    b
}

/// Build the output file: `patched` is the input with instructions already
/// rewritten in place (same length as the input).
pub(crate) fn write(
    view: &ElfView<'_>,
    mut patched: Vec<u8>,
    moved: Vec<Moved>,
    added: Vec<Added>,
) -> Vec<u8> {
    let e = view.endian;
    let entsize = view.shentsize as usize;
    let range = |i: usize| view.sections[i].file_range();
    // Sections whose new contents have the old size are rewritten in place.
    let moved_away = |m: &Moved| m.data.len() as u64 != view.sections[m.index].size;
    let mut is_moved = vec![false; view.sections.len()];
    for m in moved.iter().filter(|m| moved_away(m)) {
        is_moved[m.index] = true;
    }

    // Zero the old copies of moved sections unless a section that stays
    // still uses those bytes. Kept ranges sorted by start, with the running
    // maximum of their ends, answer "does any overlap?" by binary search.
    let mut kept: Vec<Range<usize>> = (1..view.sections.len())
        .filter(|&i| !is_moved[i])
        .map(range)
        .filter(|r| !r.is_empty())
        .collect();
    kept.sort_by_key(|r| r.start);
    let max_end: Vec<usize> = kept
        .iter()
        .scan(0, |end, r| {
            *end = r.end.max(*end);
            Some(*end)
        })
        .collect();
    for m in moved.iter().filter(|m| moved_away(m)) {
        let old = range(m.index);
        let starting_before_end = kept.partition_point(|r| r.start < old.end);
        let shared = starting_before_end > 0 && max_end[starting_before_end - 1] > old.start;
        if !shared {
            patched[old].fill(0);
        }
    }

    // The old header table is dropped when it is the tail of the file (as
    // clang writes it) and no section data lives inside it.
    let old_sht = view.shoff as usize..view.shoff as usize + view.sections.len() * entsize;
    let mut out = patched;
    if old_sht.end == out.len()
        && old_sht.start >= crate::elf::EHDR_SIZE
        && (1..view.sections.len()).all(|i| !overlaps(&range(i), &old_sht))
    {
        out.truncate(old_sht.start);
    }

    let mut headers: Vec<Vec<u8>> = view
        .sections
        .iter()
        .map(|s| {
            let at = s.header_offset as usize;
            view.data()[at..at + entsize].to_vec()
        })
        .collect();
    for m in moved {
        if m.data.len() as u64 == view.sections[m.index].size {
            // Same size: edit in place (the old copy was not zeroed either).
            out[range(m.index)].copy_from_slice(&m.data);
            continue;
        }
        align_to(&mut out, view.sections[m.index].addralign);
        let h = &mut headers[m.index];
        h[SH_OFFSET..SH_OFFSET + 8].copy_from_slice(&e.u64_bytes(out.len() as u64));
        h[SH_SIZE..SH_SIZE + 8].copy_from_slice(&e.u64_bytes(m.data.len() as u64));
        out.extend_from_slice(&m.data);
    }
    for a in added {
        align_to(&mut out, a.header.addralign);
        let offset = out.len() as u64;
        headers.push(encode_header(
            e,
            &a.header,
            offset,
            a.data.len() as u64,
            entsize,
        ));
        out.extend_from_slice(&a.data);
    }

    let count = headers.len();
    // Keep the input's extended numbering, or switch to it when needed.
    let extended = count >= SHN_LORESERVE || e.u16(&view.data()[E_SHNUM..]) == 0;
    if extended {
        // Extended numbering: e_shnum = 0, the real count in section 0.
        headers[0][SH_SIZE..SH_SIZE + 8].copy_from_slice(&e.u64_bytes(count as u64));
    }
    align_to(&mut out, 8);
    let shoff = out.len() as u64;
    for h in &headers {
        out.extend_from_slice(h);
    }
    let shnum = if extended { 0 } else { count as u16 };
    out[E_SHOFF..E_SHOFF + 8].copy_from_slice(&e.u64_bytes(shoff));
    let shnum = match e {
        Endian::Little => shnum.to_le_bytes(),
        Endian::Big => shnum.to_be_bytes(),
    };
    out[E_SHNUM..E_SHNUM + 2].copy_from_slice(&shnum);
    debug_assert!(entsize as u64 >= SHDR_SIZE);
    out
}
