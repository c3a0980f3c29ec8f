//! From named calls to the edited object: which symbols to reuse or add, which
//! relocation sections to extend or create, what BTF to add.

use std::collections::BTreeMap;

use object::elf::{Rel64, SectionHeader64, Sym64};
use object::{Endianness, U16, U32, U64};

use super::calls::{make_relocated_call, NumericCall, INSN_SIZE};
use super::error::{UnbindError, UnknownHelperCall};
use super::layout::{Added, Moved};
use super::strings::GrowingStrings;
use super::view::consts::*;
use super::view::View;
use super::{btf, layout, HelperNames, UnbindOptions, UnbindOutput, UnboundCall};

/// A numeric call and the helper name it gets.
pub(crate) struct NamedCall {
    pub call: NumericCall,
    pub name: String,
}

/// Name every call, or list every call whose ID the platform does not know.
pub(crate) fn name_calls<N: HelperNames + ?Sized>(
    view: &View<'_>,
    found: &[NumericCall],
    names: &N,
) -> Result<Vec<NamedCall>, UnbindError> {
    let mut named = Vec::with_capacity(found.len());
    let mut unknown = Vec::new();
    for c in found {
        let section = &view.sections[c.section].name;
        match names.helper_name(c.id, section) {
            Some(name) => named.push(NamedCall {
                call: c.clone(),
                name: name.to_string(),
            }),
            None => unknown.push(UnknownHelperCall {
                section: section.clone(),
                insn_index: c.insn_index(),
                id: c.id,
            }),
        }
    }
    if unknown.is_empty() {
        Ok(named)
    } else {
        Err(UnbindError::UnknownHelpers {
            platform: names.platform_name().to_string(),
            calls: unknown,
        })
    }
}

fn encode_rel(e: Endianness, offset: u64, sym: u32) -> [u8; 16] {
    let rel = Rel64 {
        r_offset: U64::new(e, offset),
        r_info: U64::new(e, (u64::from(sym) << 32) | u64::from(R_BPF_64_32)),
    };
    let mut b = [0u8; 16];
    b.copy_from_slice(object::pod::bytes_of(&rel));
    b
}

/// For each code section, its one `SHT_REL` section (if any). Relocations of
/// code sections that live elsewhere (RELA, a second REL, another symbol
/// table) are refused: the new entries would have no single right home.
fn rel_sections_of_code(
    view: &View<'_>,
    symtab: usize,
    calls: &[NamedCall],
) -> Result<BTreeMap<usize, usize>, UnbindError> {
    let mut map = BTreeMap::new();
    for s in &view.sections {
        if s.sh_type != SHT_REL && s.sh_type != SHT_RELA {
            continue;
        }
        let target = s.info as usize;
        let Some(t) = view.sections.get(target) else {
            return Err(UnbindError::malformed(format!(
                "relocation section {}: sh_info {target} is not a section",
                s.name
            )));
        };
        if !t.is_code() || !calls.iter().any(|c| c.call.section == target) {
            continue;
        }
        if s.sh_type == SHT_RELA {
            return Err(UnbindError::unsupported(format!(
                "code section {} has SHT_RELA relocations ({}); clang and gcc emit SHT_REL",
                t.name, s.name
            )));
        }
        if s.link as usize != symtab {
            return Err(UnbindError::unsupported(format!(
                "relocation section {} refers to symbol table {} instead of .symtab",
                s.name, s.link
            )));
        }
        if let Some(first) = map.insert(target, s.index) {
            return Err(UnbindError::unsupported(format!(
                "code section {} has two relocation sections ({} and {})",
                t.name, view.sections[first].name, s.name
            )));
        }
    }
    Ok(map)
}

/// Build the unbound object.
pub(crate) fn apply(
    view: &View<'_>,
    named: Vec<NamedCall>,
    opts: &UnbindOptions,
) -> Result<UnbindOutput, UnbindError> {
    let e = view.endian;
    let symtab = view.symtab.ok_or_else(|| {
        UnbindError::unsupported(
            "the object has no .symtab, so there is nowhere to put helper symbols",
        )
    })?;
    if view.sections.iter().any(|s| s.sh_type == SHT_SYMTAB_SHNDX) {
        return Err(UnbindError::unsupported(
            "the object has a SHT_SYMTAB_SHNDX section (more than 65,279 sections)",
        ));
    }
    let strtab = view.linked_strtab(symtab)?.index;
    let rel_of = rel_sections_of_code(view, symtab, &named)?;

    // Existing relocations: valid symbols, and none sitting on a numeric call.
    let mut existing_rels = BTreeMap::new();
    for (&target, &rel) in &rel_of {
        let entries = view.rels(rel)?;
        for (i, r) in entries.iter().enumerate() {
            if r.sym as usize >= view.symbols.len() {
                return Err(UnbindError::malformed(format!(
                    "relocation section {}: entry {i} refers to symbol {} of {}",
                    view.sections[rel].name,
                    r.sym,
                    view.symbols.len()
                )));
            }
        }
        if let Some(c) = named
            .iter()
            .find(|c| c.call.section == target && entries.iter().any(|r| r.offset == c.call.offset))
        {
            return Err(UnbindError::unsupported(format!(
                "section {}, instruction {}: `call {}` already has a relocation in {}",
                view.sections[target].name,
                c.call.insn_index(),
                c.call.id,
                view.sections[rel].name
            )));
        }
        existing_rels.insert(target, entries);
    }

    // Symbols: reuse an undefined global of the helper's name, else add one.
    let mut strtab_strings = GrowingStrings::new(view.sections[strtab].data);
    let mut shstrtab_strings =
        (view.shstrndx != strtab).then(|| GrowingStrings::new(view.sections[view.shstrndx].data));
    let mut sym_of: BTreeMap<String, u32> = BTreeMap::new();
    let mut new_syms: Vec<Sym64<Endianness>> = Vec::new();
    for c in &named {
        if sym_of.contains_key(&c.name) {
            continue;
        }
        let same_name = |s: &&super::view::Symbol| s.name == c.name.as_bytes();
        if view
            .symbols
            .iter()
            .filter(same_name)
            .any(|s| s.is_defined_global())
        {
            return Err(UnbindError::NameTaken {
                name: c.name.clone(),
                section: view.sections[c.call.section].name.clone(),
                insn_index: c.call.insn_index(),
            });
        }
        let reuse = view
            .symbols
            .iter()
            .enumerate()
            .skip(1)
            .find(|(_, s)| s.name == c.name.as_bytes() && s.is_undefined_global());
        let index = match reuse {
            Some((i, _)) => i as u32,
            None => {
                let index = (view.symbols.len() + new_syms.len()) as u32;
                new_syms.push(Sym64 {
                    st_name: U32::new(e, strtab_strings.offset_of(c.name.as_bytes())),
                    st_info: object::elf::SymbolInfo((STB_GLOBAL << 4) | STT_NOTYPE),
                    st_other: Default::default(),
                    st_shndx: U16::new(e, Default::default()),
                    st_value: U64::new(e, 0),
                    st_size: U64::new(e, 0),
                });
                index
            }
        };
        sym_of.insert(c.name.clone(), index);
    }

    // Relocations: per code section, old entries plus new, sorted by offset
    // (stable, so old entries keep their relative order) as clang writes them.
    let mut moved = Vec::new();
    let mut added = Vec::new();
    let mut per_section: BTreeMap<usize, Vec<(u64, [u8; 16])>> = BTreeMap::new();
    for c in &named {
        let entry = encode_rel(e, c.call.offset, sym_of[&c.name]);
        per_section
            .entry(c.call.section)
            .or_default()
            .push((c.call.offset, entry));
    }
    let mut rel_sections_added = 0;
    for (target, new_entries) in per_section {
        let mut entries: Vec<(u64, [u8; 16])> = Vec::new();
        if let Some(&rel) = rel_of.get(&target) {
            for (r, raw) in existing_rels[&target]
                .iter()
                .zip(view.sections[rel].data.chunks_exact(16))
            {
                let mut b = [0u8; 16];
                b.copy_from_slice(raw);
                entries.push((r.offset, b));
            }
        }
        entries.extend(new_entries);
        entries.sort_by_key(|(offset, _)| *offset);
        let data: Vec<u8> = entries.iter().flat_map(|(_, b)| *b).collect();
        match rel_of.get(&target) {
            Some(&rel) => moved.push(Moved { index: rel, data }),
            None => {
                let name = format!(".rel{}", view.sections[target].name);
                let name_off = match shstrtab_strings.as_mut() {
                    Some(s) => s.offset_of(name.as_bytes()),
                    None => strtab_strings.offset_of(name.as_bytes()),
                };
                added.push(Added {
                    header: SectionHeader64 {
                        sh_name: U32::new(e, name_off),
                        sh_type: U32::new(e, object::elf::SectionType(SHT_REL)),
                        sh_flags: U64::new(e, object::elf::SectionFlags(SHF_INFO_LINK)),
                        sh_addr: U64::new(e, 0),
                        sh_offset: U64::new(e, 0),
                        sh_size: U64::new(e, 0),
                        sh_link: U32::new(e, symtab as u32),
                        sh_info: U32::new(e, target as u32),
                        sh_addralign: U64::new(e, 8),
                        sh_entsize: U64::new(e, REL_SIZE),
                    },
                    data,
                });
                rel_sections_added += 1;
            }
        }
    }

    // BTF: extern FUNC entries for helper names it does not record yet.
    let mut notes = Vec::new();
    let mut btf_funcs_added = Vec::new();
    if opts.add_btf {
        if let Some(btf_section) = view.sections.iter().find(|s| s.name == ".BTF") {
            // In order of first call, as clang records them.
            let mut wanted: Vec<&str> = Vec::new();
            for c in &named {
                if !wanted.contains(&c.name.as_str()) {
                    wanted.push(&c.name);
                }
            }
            match btf::add_extern_funcs(e, btf_section.data, &wanted) {
                Ok(Some(edit)) => {
                    btf_funcs_added = edit.added;
                    moved.push(Moved {
                        index: btf_section.index,
                        data: edit.data,
                    });
                }
                Ok(None) => {}
                Err(why) => notes.push(format!(
                    ".BTF left unchanged ({why}); libbpf's linker will not find the helpers in BTF"
                )),
            }
        } else {
            notes.push(
                "the object has no .BTF: loaders and libbpf's linker need BTF for extern \
                 symbols, so bind it before loading or linking"
                    .to_string(),
            );
        }
    }

    if !new_syms.is_empty() {
        let mut data = view.sections[symtab].data.to_vec();
        data.extend_from_slice(object::pod::bytes_of_slice(&new_syms));
        moved.push(Moved {
            index: symtab,
            data,
        });
    }
    if let Some(data) = strtab_strings.grown() {
        moved.push(Moved {
            index: strtab,
            data,
        });
    }
    if let Some(data) = shstrtab_strings.and_then(|s| s.grown()) {
        moved.push(Moved {
            index: view.shstrndx,
            data,
        });
    }

    let mut patched = view.data.to_vec();
    let mut unbound = Vec::with_capacity(named.len());
    for c in named {
        let s = &view.sections[c.call.section];
        let at = (s.offset + c.call.offset) as usize;
        make_relocated_call(e, &mut patched[at..at + INSN_SIZE]);
        unbound.push(UnboundCall {
            section: s.name.clone(),
            insn_index: c.call.insn_index(),
            id: c.call.id,
            name: c.name,
        });
    }

    let bytes = layout::write(view, patched, moved, added)?;
    Ok(UnbindOutput {
        bytes,
        calls: unbound,
        symbols_added: new_syms.len(),
        rel_sections_added,
        btf_funcs_added,
        notes,
    })
}
