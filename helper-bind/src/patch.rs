//! Turns a [`Plan`] into in-place byte edits of the object.
//!
//! Every section keeps its offset; only these bytes change:
//! * each bound call: src_reg → 0, imm → helper ID;
//! * relocation sections: bound entries removed (the rest keep their order), symbol indices
//!   renumbered, `sh_size` shrunk, the freed tail zeroed;
//! * `.symtab` (and `SHT_SYMTAB_SHNDX`): dropped symbols removed the same way, `sh_info`
//!   (first global) recomputed;
//! * section groups' signature symbol and `.llvm_addrsig`'s ULEB128 symbol list renumbered;
//! * BTF of the removed helpers made loadable ([`crate::btf`]).
//!
//! The edits are computed from the read-only view first and applied afterwards, so the file is
//! read once into one buffer and patched there.

use std::collections::HashSet;

use crate::elf::{ElfView, Section, SHT_GROUP, SHT_LLVM_ADDRSIG};
use crate::error::{ElfError, ElfErrorKind};
use crate::insn::{bind_call, INSN_SIZE};
use crate::plan::Plan;
use crate::synth::uleb128;

/// Write `bytes` at file offset `offset`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    /// File offset.
    pub offset: usize,
    /// New bytes.
    pub bytes: Bytes,
}

/// The new bytes of a [`Write`]. Binding writes one instruction per call and objects can have
/// 10^5 calls, so up to [`Bytes::INLINE`] bytes are kept inline rather than in an allocation
/// each.
#[derive(Clone, PartialEq, Eq)]
pub enum Bytes {
    /// At most [`Bytes::INLINE`] bytes: `data[..len]`.
    Inline {
        /// How many bytes of `data` are used.
        len: u8,
        /// The bytes, then zeros.
        data: [u8; Bytes::INLINE],
    },
    /// Any length.
    Heap(Vec<u8>),
}

impl Bytes {
    /// The most bytes kept inline: one instruction, or any ELF header field.
    pub const INLINE: usize = 8;

    /// `bytes`, inline when short enough.
    pub fn copy_from(bytes: &[u8]) -> Self {
        if bytes.len() <= Self::INLINE {
            let mut data = [0; Self::INLINE];
            data[..bytes.len()].copy_from_slice(bytes);
            Bytes::Inline {
                len: bytes.len() as u8,
                data,
            }
        } else {
            Bytes::Heap(bytes.to_vec())
        }
    }
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Inline { len, data } => &data[..usize::from(*len)],
            Bytes::Heap(v) => v,
        }
    }
}

impl std::ops::DerefMut for Bytes {
    fn deref_mut(&mut self) -> &mut [u8] {
        match self {
            Bytes::Inline { len, data } => &mut data[..usize::from(*len)],
            Bytes::Heap(v) => v,
        }
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(v: Vec<u8>) -> Self {
        Bytes::Heap(v)
    }
}

impl From<&[u8]> for Bytes {
    fn from(v: &[u8]) -> Self {
        Bytes::copy_from(v)
    }
}

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Counts of what the edits change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PatchStats {
    /// Relocation entries removed.
    pub relocations_removed: usize,
    /// Symbols removed.
    pub symbols_removed: usize,
    /// BTF FUNC records made static.
    pub btf_funcs_fixed: usize,
}

/// Index remapping after removing some symbols.
struct Renumber {
    /// `new[old]`; `u32::MAX` for removed symbols.
    new: Vec<u32>,
    /// Smallest removed index (indices below it keep their number).
    first_dropped: usize,
}

impl Renumber {
    fn new(count: usize, dropped: &[usize]) -> Self {
        let mut new = Vec::with_capacity(count);
        let mut next = 0u32;
        let mut d = dropped.iter().peekable();
        for i in 0..count {
            if d.peek() == Some(&&i) {
                d.next();
                new.push(u32::MAX);
            } else {
                new.push(next);
                next += 1;
            }
        }
        Renumber {
            new,
            first_dropped: dropped.first().copied().unwrap_or(count),
        }
    }

    fn is_dropped(&self, i: usize) -> bool {
        self.new.get(i) == Some(&u32::MAX)
    }

    fn changes(&self, i: usize) -> bool {
        i >= self.first_dropped
    }
}

/// Replaces section `s`'s data with `content` followed by zeros up to its old size, and sets
/// `sh_size` to the content length.
fn shrink_section(view: &ElfView, s: &Section, mut content: Vec<u8>, out: &mut Vec<Write>) {
    let new_size = content.len() as u64;
    content.resize(s.size as usize, 0);
    out.push(Write {
        offset: s.offset as usize,
        bytes: content.into(),
    });
    if new_size != s.size {
        out.push(Write {
            offset: s.size_field_offset(),
            bytes: view.endian.u64_bytes(new_size)[..].into(),
        });
    }
}

/// The edits that carry out `plan` on the object `view` describes.
pub fn edits(view: &ElfView, plan: &Plan) -> Result<(Vec<Write>, PatchStats), ElfError> {
    let endian = view.endian;
    let data = view.data();
    let mut out = Vec::new();
    let mut stats = PatchStats::default();

    // One small write per bound call: the writer sends a code section's calls out in one
    // vectored write with the bytes between them taken from the input, so nothing here copies
    // the code (objects can have 10^5 calls in megabytes of code).
    out.reserve(plan.bindings.len());
    for b in &plan.bindings {
        let at = view.sections[b.section].offset as usize + b.insn * INSN_SIZE;
        let mut insn = Bytes::copy_from(&data[at..at + INSN_SIZE]);
        bind_call(endian, &mut insn, b.id);
        out.push(Write {
            offset: at,
            bytes: insn,
        });
    }

    let renumber = Renumber::new(view.symbols.len(), &plan.drop_symbols);
    // Per relocation section, which entries go (allocated only for sections that lose some).
    let mut dropped_relocs: Vec<Vec<bool>> = vec![Vec::new(); view.relocations.len()];
    for b in &plan.bindings {
        let drops = &mut dropped_relocs[b.reloc.table];
        if drops.is_empty() {
            drops.resize(view.relocations[b.reloc.table].len(), false);
        }
        drops[b.reloc.entry] = true;
    }

    for (t, rel) in view.relocations.iter().enumerate() {
        let drops = &dropped_relocs[t];
        let renumbers = renumber.changes(rel.max_symbol as usize)
            && rel.symbols().any(|s| renumber.changes(s as usize));
        if drops.is_empty() && !renumbers {
            continue;
        }
        let sec = &view.sections[rel.section];
        let raw = view.section_data(rel.section);
        let entsize = rel.entsize as usize;
        let mut content = Vec::with_capacity(raw.len());
        for (i, r) in rel.entries().enumerate() {
            if drops.get(i).copied().unwrap_or(false) {
                stats.relocations_removed += 1;
                continue;
            }
            let start = content.len();
            content.extend_from_slice(&raw[i * entsize..(i + 1) * entsize]);
            let new_symbol = renumber.new[r.symbol as usize];
            let info = (u64::from(new_symbol) << 32) | u64::from(r.kind);
            content[start + 8..start + 16].copy_from_slice(&endian.u64_bytes(info));
        }
        shrink_section(view, sec, content, &mut out);
    }

    if !plan.drop_symbols.is_empty() {
        if let Some(symtab) = view.symtab {
            let sec = &view.sections[symtab];
            let entsize = (sec.size / view.symbols.len().max(1) as u64) as usize;
            let raw = view.section_data(symtab);
            let mut content = Vec::with_capacity(raw.len());
            for i in 0..view.symbols.len() {
                if !renumber.is_dropped(i) {
                    content.extend_from_slice(&raw[i * entsize..(i + 1) * entsize]);
                }
            }
            stats.symbols_removed = plan.drop_symbols.len();
            shrink_section(view, sec, content, &mut out);
            let first_global = sec.info as usize;
            let kept_locals = (0..first_global.min(view.symbols.len()))
                .filter(|&i| !renumber.is_dropped(i))
                .count();
            if kept_locals != first_global {
                out.push(Write {
                    offset: sec.info_field_offset(),
                    bytes: endian.u32_bytes(kept_locals as u32)[..].into(),
                });
            }
        }
        if let Some(shndx) = view.symtab_shndx {
            let sec = &view.sections[shndx];
            let raw = view.section_data(shndx);
            let mut content = Vec::with_capacity(raw.len());
            for (i, chunk) in raw.chunks_exact(4).enumerate() {
                if !renumber.is_dropped(i) {
                    content.extend_from_slice(chunk);
                }
            }
            shrink_section(view, sec, content, &mut out);
        }
        for sec in view.sections.iter().filter(|s| s.sh_type == SHT_GROUP) {
            let old = sec.info as usize;
            if renumber.changes(old) && !renumber.is_dropped(old) && old < renumber.new.len() {
                out.push(Write {
                    offset: sec.info_field_offset(),
                    bytes: endian.u32_bytes(renumber.new[old])[..].into(),
                });
            }
        }
        for sec in view
            .sections
            .iter()
            .filter(|s| s.sh_type == SHT_LLVM_ADDRSIG)
        {
            let raw = view.section_data(sec.index);
            let old = decode_addrsig(raw).map_err(|(at, what)| {
                ElfError::new(sec.location(at as u64), ElfErrorKind::Malformed { what })
            })?;
            let mut content = Vec::with_capacity(raw.len());
            for index in old {
                let Some(&new) = renumber.new.get(index as usize) else {
                    // A stale entry past the table keeps its distance past the end, so it never
                    // starts naming a real symbol (unbind does the mirror image).
                    uleb128(&mut content, index - plan.drop_symbols.len() as u64);
                    continue;
                };
                if new != u32::MAX {
                    uleb128(&mut content, u64::from(new));
                }
            }
            if content != raw {
                shrink_section(view, sec, content, &mut out);
            }
        }
        if let (Some(sec), Some(btf)) = (view.section_by_name(".BTF"), view.btf()?) {
            let names: HashSet<&[u8]> = plan
                .drop_symbols
                .iter()
                .map(|&i| view.symbols[i].name)
                .collect();
            let (fixes, funcs) = btf.fix_extern_funcs(&names);
            stats.btf_funcs_fixed = funcs;
            for e in fixes {
                out.push(Write {
                    offset: sec.offset as usize + e.offset,
                    bytes: endian.u32_bytes(e.value)[..].into(),
                });
            }
        }
    }
    Ok((out, stats))
}

/// Decodes a ULEB128 list; on error, the byte offset and what is wrong.
pub(crate) fn decode_addrsig(raw: &[u8]) -> Result<Vec<u64>, (usize, String)> {
    crate::elf::addrsig_entries(raw).collect()
}

/// Applies `writes` to `buf` (offsets come from a view of the same bytes).
pub fn apply(buf: &mut [u8], writes: &[Write]) {
    for w in writes {
        buf[w.offset..w.offset + w.bytes.len()].copy_from_slice(&w.bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addrsig_round_trip_and_errors() {
        let mut raw = Vec::new();
        for v in [1u64, 200, 3] {
            uleb128(&mut raw, v);
        }
        assert_eq!(decode_addrsig(&raw).unwrap(), vec![1, 200, 3]);
        assert!(decode_addrsig(&[0x80])
            .unwrap_err()
            .1
            .contains("past the end"));
        assert!(decode_addrsig(&[0xff; 11])
            .unwrap_err()
            .1
            .contains("too long"));
    }

    #[test]
    fn renumber_skips_dropped() {
        let r = Renumber::new(6, &[2, 4]);
        assert_eq!(r.new, vec![0, 1, u32::MAX, 2, u32::MAX, 3]);
        assert!(!r.changes(1));
        assert!(r.changes(3));
    }
}
