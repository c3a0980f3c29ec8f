//! Writing the edited object by growing the file, never moving a section that
//! stays the same size.
//!
//! Sections that grow (`.symtab`, its string table, extended `.rel*`, `.BTF`)
//! get a new copy at the end of the file; new sections (`.rel<code>`) are
//! appended there too and get the next section indices, so every existing
//! section index, symbol index and offset stays valid. A new section header
//! table goes last. The old copies are zeroed (when no other section shares
//! their bytes) so no stale symbol or string lingers.

use object::elf::SectionHeader64;
use object::{Endianness, U16, U64};

use super::error::UnbindError;
use super::view::consts::{SHDR_SIZE, SHT_NOBITS};
use super::view::View;

/// Offset of `e_shoff` in the ELF64 header.
const E_SHOFF: usize = 0x28;
/// Offset of `e_shnum` in the ELF64 header.
const E_SHNUM: usize = 0x3c;
/// Section counts from here on live in section 0's `sh_size`.
const SHN_LORESERVE: usize = 0xff00;

/// New contents for an existing section.
pub(crate) struct Moved {
    pub index: usize,
    pub data: Vec<u8>,
}

/// A section that did not exist in the input.
pub(crate) struct Added {
    pub header: SectionHeader64<Endianness>,
    pub data: Vec<u8>,
}

fn align_to(out: &mut Vec<u8>, align: u64) {
    let align = align.max(1) as usize;
    let pad = (align - out.len() % align) % align;
    out.resize(out.len() + pad, 0);
}

/// Byte range of a section's contents in the input, if it has any.
fn file_range(view: &View<'_>, index: usize) -> Option<(u64, u64)> {
    let s = &view.sections[index];
    (index != 0 && s.sh_type != SHT_NOBITS && s.size != 0).then(|| (s.offset, s.offset + s.size))
}

/// Build the output file: `patched` is the input with instructions already
/// rewritten in place (same length as the input).
pub(crate) fn write(
    view: &View<'_>,
    mut patched: Vec<u8>,
    moved: Vec<Moved>,
    added: Vec<Added>,
) -> Result<Vec<u8>, UnbindError> {
    let e = view.endian;
    let old_shoff = read_shoff(view);
    let old_sht_end = old_shoff + view.sections.len() as u64 * SHDR_SIZE;

    // Zero the old copies of moved sections unless another section still uses
    // those bytes.
    for m in &moved {
        let Some((start, end)) = file_range(view, m.index) else {
            continue;
        };
        let shared = (0..view.sections.len())
            .filter(|&i| i != m.index && !moved.iter().any(|o| o.index == i))
            .filter_map(|i| file_range(view, i))
            .any(|(s, t)| s < end && start < t);
        if !shared {
            patched[start as usize..end as usize].fill(0);
        }
    }

    // The old header table is dropped when it is the tail of the file (as
    // clang writes it) and no section data lives inside it.
    let mut out = patched;
    let sht_is_tail = old_sht_end == out.len() as u64
        && (0..view.sections.len())
            .filter_map(|i| file_range(view, i))
            .all(|(_, end)| end <= old_shoff);
    if sht_is_tail && old_shoff >= 64 {
        out.truncate(old_shoff as usize);
    }

    let mut headers: Vec<SectionHeader64<Endianness>> =
        view.sections.iter().map(|s| s.header).collect();
    for m in moved {
        let h = &mut headers[m.index];
        align_to(&mut out, h.sh_addralign.get(e));
        h.sh_offset = U64::new(e, out.len() as u64);
        h.sh_size = U64::new(e, m.data.len() as u64);
        out.extend_from_slice(&m.data);
    }
    for a in added {
        let mut h = a.header;
        align_to(&mut out, h.sh_addralign.get(e));
        h.sh_offset = U64::new(e, out.len() as u64);
        h.sh_size = U64::new(e, a.data.len() as u64);
        out.extend_from_slice(&a.data);
        headers.push(h);
    }

    let count = headers.len();
    if count >= SHN_LORESERVE {
        // Extended numbering: e_shnum = 0, the real count in section 0.
        headers[0].sh_size = U64::new(e, count as u64);
    }
    align_to(&mut out, 8);
    let shoff = out.len() as u64;
    for h in &headers {
        out.extend_from_slice(object::pod::bytes_of(h));
    }
    let shnum = if count >= SHN_LORESERVE {
        0
    } else {
        count as u16
    };
    out[E_SHOFF..E_SHOFF + 8].copy_from_slice(object::pod::bytes_of(&U64::new(e, shoff)));
    out[E_SHNUM..E_SHNUM + 2]
        .copy_from_slice(object::pod::bytes_of(&U16::<Endianness>::new(e, shnum)));
    Ok(out)
}

fn read_shoff(view: &View<'_>) -> u64 {
    super::view::read_u64(view.endian, &view.data[E_SHOFF..E_SHOFF + 8])
}
