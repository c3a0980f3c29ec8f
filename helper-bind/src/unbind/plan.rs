//! From named calls to the edited object: which symbols to reuse or add, which
//! relocation sections to extend or create, what BTF to add.

use std::collections::BTreeMap;

use crate::callgraph::{CallGraph, SUBPROGRAM_SECTION};
use crate::classify::CallSite;
use crate::elf::{
    ElfView, Endian, Symbol, REL_SIZE, R_BPF_64_32, SHT_LLVM_ADDRSIG, SHT_REL, SYM_SIZE,
};
use crate::insn::INSN_SIZE;

use super::calls::{make_relocated_call, NumericCall};
use super::error::{UnbindError, UnknownHelperCall};
use super::layout::{self, Added, Moved, NewHeader};
use super::strings::GrowingStrings;
use super::{btf, ctype, HelperNames, UnbindOptions, UnbindOutput, UnboundCall};

/// `SHF_INFO_LINK`: clang sets it on relocation sections (sh_info is a section).
const SHF_INFO_LINK: u64 = 0x40;
const SHT_STRTAB: u32 = 3;
const STB_GLOBAL: u8 = 1;
const STB_WEAK: u8 = 2;
/// `STB_GLOBAL << 4 | STT_NOTYPE`: what clang gives an extern helper.
const GLOBAL_NOTYPE: u8 = STB_GLOBAL << 4;

/// A numeric call and the helper name it gets.
pub(crate) struct NamedCall {
    pub call: NumericCall,
    pub name: String,
}

/// Name every call, or list every call whose ID the platform does not know.
///
/// A call in a subprogram (`.text`, no program type of its own) whose ID the
/// section cannot name is named through the programs that reach it by
/// bpf-to-bpf calls, as bind resolves such calls: all must agree.
pub(crate) fn name_calls<N: HelperNames + ?Sized>(
    view: &ElfView<'_>,
    sites: &[CallSite],
    found: &[NumericCall],
    names: &N,
) -> Result<Vec<NamedCall>, UnbindError> {
    let mut graph: Option<CallGraph> = None;
    let mut named = Vec::with_capacity(found.len());
    let mut unknown = Vec::new();
    for c in found {
        let section = view.section_name(c.section);
        let mut subprogram = None;
        let name = match names.helper_name(c.id, &section) {
            Some(name) => Some(name.to_string()),
            None if section == SUBPROGRAM_SECTION => {
                let graph = graph.get_or_insert_with(|| CallGraph::new(view, sites));
                let (name, why) = through_callers(view, graph, c, names);
                subprogram = Some(why);
                name
            }
            None => None,
        };
        match name {
            Some(name) => named.push(NamedCall {
                call: c.clone(),
                name,
            }),
            None => unknown.push(UnknownHelperCall {
                section: section.into_owned(),
                insn_index: c.insn_index(),
                id: c.id,
                subprogram,
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

/// The name every program reaching the subprogram of `call` gives its ID, if
/// there is at least one and they agree; else the subprogram's name and each
/// caller's verdict.
fn through_callers<N: HelperNames + ?Sized>(
    view: &ElfView<'_>,
    graph: &CallGraph,
    call: &NumericCall,
    names: &N,
) -> (Option<String>, (String, Vec<String>)) {
    let function = graph.function_at(call.section, call.insn_index());
    let programs = function
        .map(|f| graph.reaching_programs(view, f))
        .unwrap_or_default();
    let function_name =
        function.map_or_else(|| "?".to_string(), |f| graph.function(f).name.clone());
    let verdicts: Vec<(String, Option<&str>)> = programs
        .iter()
        .map(|&p| {
            let section = view.section_name(p).into_owned();
            let name = names.helper_name(call.id, &section);
            (section, name)
        })
        .collect();
    let first = verdicts.first().and_then(|v| v.1);
    if first.is_some() && verdicts.iter().all(|v| v.1 == first) {
        return (first.map(str::to_string), (function_name, Vec::new()));
    }
    let why = verdicts
        .iter()
        .map(|(section, name)| match name {
            Some(n) => format!("`{section}` names it {n}"),
            None => format!("`{section}` has no helper {}", call.id),
        })
        .collect();
    (None, (function_name, why))
}

fn is_global(s: &Symbol<'_>) -> bool {
    matches!(s.binding(), STB_GLOBAL | STB_WEAK)
}

/// Largest table entry size unbind writes new entries with. ELF's are 16 (REL), 24 (RELA,
/// symbols); an empty table may claim any size, and unbind would allocate that much per new
/// entry (found by fuzzing: 1.4e17 bytes).
const MAX_GROWN_ENTSIZE: u64 = 256;

/// The entry size of table `index`, which unbind adds entries to: at least `min`, at most
/// [`MAX_GROWN_ENTSIZE`].
fn grown_entsize(view: &ElfView<'_>, index: usize, min: u64) -> Result<usize, UnbindError> {
    let entsize = view.sections[index].entsize.max(min);
    if entsize > MAX_GROWN_ENTSIZE {
        return Err(UnbindError::malformed(format!(
            "section {} has entry size {entsize}; unbind adds entries to it and writes entries of at most {MAX_GROWN_ENTSIZE} bytes",
            view.section_name(index)
        )));
    }
    Ok(entsize as usize)
}

/// A relocation entry of `entsize` bytes (REL: offset, info; zero padding).
fn encode_rel(e: Endian, offset: u64, sym: u32, entsize: usize) -> Vec<u8> {
    let mut b = Vec::with_capacity(entsize);
    b.extend_from_slice(&e.u64_bytes(offset));
    b.extend_from_slice(&e.u64_bytes((u64::from(sym) << 32) | u64::from(R_BPF_64_32)));
    b.resize(entsize, 0);
    b
}

/// A symbol table entry of `entsize` bytes for an undefined global helper.
fn encode_extern_sym(e: Endian, name: u32, entsize: usize) -> Vec<u8> {
    let mut b = Vec::with_capacity(entsize);
    b.extend_from_slice(&e.u32_bytes(name));
    b.push(GLOBAL_NOTYPE);
    b.push(0); // st_other: default visibility
    b.extend_from_slice(&[0, 0]); // st_shndx: SHN_UNDEF
    b.extend_from_slice(&e.u64_bytes(0)); // st_value
    b.extend_from_slice(&e.u64_bytes(0)); // st_size
    b.resize(entsize, 0);
    b
}

/// The relocation section of each code section that gets new entries. A code
/// section whose relocations live in RELA or in two sections is refused: the
/// new entries would have no single right home.
fn rel_sections_of_code(
    view: &ElfView<'_>,
    calls: &[NamedCall],
) -> Result<BTreeMap<usize, usize>, UnbindError> {
    let targets: std::collections::HashSet<usize> = calls.iter().map(|c| c.call.section).collect();
    let mut map = BTreeMap::new();
    for r in &view.relocations {
        if !targets.contains(&r.target) {
            continue;
        }
        let target = view.section_name(r.target);
        let name = view.section_name(r.section);
        if r.is_rela {
            return Err(UnbindError::unsupported(format!(
                "code section {target} has SHT_RELA relocations ({name}); clang and gcc emit SHT_REL"
            )));
        }
        // The view checks the link only when an entry uses a symbol; the
        // entries unbind adds do.
        if Some(view.sections[r.section].link as usize) != view.symtab {
            return Err(UnbindError::malformed(format!(
                "relocation section {name} of code section {target} links to section {} instead \
                 of the symbol table",
                view.sections[r.section].link
            )));
        }
        if let Some(first) = map.insert(r.target, r.section) {
            return Err(UnbindError::unsupported(format!(
                "code section {target} has two relocation sections ({} and {name})",
                view.section_name(first)
            )));
        }
    }
    Ok(map)
}

/// Build the unbound object.
pub(crate) fn apply<N: HelperNames + ?Sized>(
    view: &ElfView<'_>,
    named: Vec<NamedCall>,
    names: &N,
    opts: &UnbindOptions,
) -> Result<UnbindOutput, UnbindError> {
    let e = view.endian;
    let symtab = view.symtab.ok_or_else(|| {
        UnbindError::unsupported(
            "the object has no .symtab, so there is nowhere to put helper symbols",
        )
    })?;
    let strtab = view.sections[symtab].link as usize;
    if view.sections[strtab].sh_type != SHT_STRTAB {
        return Err(UnbindError::malformed(format!(
            "the symbol table's sh_link ({strtab}) is not a string table"
        )));
    }
    let rel_of = rel_sections_of_code(view, &named)?;

    // Symbols: reuse an undefined global of the helper's name, else add one.
    let mut strtab_strings = GrowingStrings::new(view.section_data(strtab));
    // New relocation sections get names; the section-name table grows only if it is one
    // (found by fuzzing: e_shstrndx naming a REL section, which grew by a partial entry).
    let names_added = named.iter().any(|c| !rel_of.contains_key(&c.call.section));
    if names_added && view.sections[view.shstrndx].sh_type != SHT_STRTAB {
        return Err(UnbindError::malformed(format!(
            "the section-name table (e_shstrndx {}, {}) is not a string table (SHT_STRTAB), \
             so the new relocation sections cannot be named",
            view.shstrndx,
            view.section_name(view.shstrndx)
        )));
    }
    let mut shstrtab_strings =
        (view.shstrndx != strtab).then(|| GrowingStrings::new(view.section_data(view.shstrndx)));
    let sym_entsize = grown_entsize(view, symtab, SYM_SIZE)?;
    let mut sym_of: BTreeMap<&str, u32> = BTreeMap::new();
    let mut new_syms: Vec<u8> = Vec::new();
    let mut symbols_added = 0;
    for c in &named {
        if sym_of.contains_key(c.name.as_str()) {
            continue;
        }
        let mut same_name = view
            .symbols
            .iter()
            .filter(|s| s.name == c.name.as_bytes() && is_global(s));
        if same_name.clone().any(|s| !s.is_undefined()) {
            return Err(UnbindError::NameTaken {
                name: c.name.clone(),
                section: view.section_name(c.call.section).into_owned(),
                insn_index: c.call.insn_index(),
            });
        }
        let index = match same_name.next() {
            Some(s) => s.index as u32,
            None => {
                let index = (view.symbols.len() + symbols_added) as u32;
                let name = strtab_strings.offset_of(c.name.as_bytes());
                new_syms.extend(encode_extern_sym(e, name, sym_entsize));
                symbols_added += 1;
                index
            }
        };
        sym_of.insert(&c.name, index);
    }

    // Relocations: per code section, old entries plus new, sorted by offset
    // (stable, so old entries keep their order) as clang writes them.
    let mut moved = Vec::new();
    let mut added = Vec::new();
    let mut per_section: BTreeMap<usize, Vec<&NamedCall>> = BTreeMap::new();
    for c in &named {
        per_section.entry(c.call.section).or_default().push(c);
    }
    let mut rel_sections_added = 0;
    for (target, calls) in per_section {
        let existing = rel_of.get(&target).copied();
        let entsize = match existing {
            Some(r) => grown_entsize(view, r, REL_SIZE)?,
            None => REL_SIZE as usize,
        };
        let mut entries: Vec<(u64, Vec<u8>)> = Vec::new();
        if let Some(rel) = existing {
            let table = view.relocations.iter().find(|r| r.section == rel);
            let raw = view.section_data(rel).chunks_exact(entsize);
            for (r, bytes) in table.into_iter().flat_map(|t| t.entries()).zip(raw) {
                entries.push((r.offset, bytes.to_vec()));
            }
        }
        for c in calls {
            let entry = encode_rel(e, c.call.offset, sym_of[c.name.as_str()], entsize);
            entries.push((c.call.offset, entry));
        }
        entries.sort_by_key(|(offset, _)| *offset);
        let data: Vec<u8> = entries.into_iter().flat_map(|(_, b)| b).collect();
        match existing {
            Some(rel) => moved.push(Moved { index: rel, data }),
            None => {
                let name = format!(".rel{}", view.section_name(target));
                let name = match shstrtab_strings.as_mut() {
                    Some(s) => s.offset_of(name.as_bytes()),
                    None => strtab_strings.offset_of(name.as_bytes()),
                };
                added.push(Added {
                    header: NewHeader {
                        name,
                        sh_type: SHT_REL,
                        flags: SHF_INFO_LINK,
                        link: symtab as u32,
                        info: target as u32,
                        addralign: 8,
                        entsize: REL_SIZE,
                    },
                    data,
                });
                rel_sections_added += 1;
            }
        }
    }

    // BTF: extern FUNC entries for helper names it does not record yet, in
    // order of first call as clang records them.
    let mut notes = Vec::new();
    let mut btf_funcs_added = Vec::new();
    let mut btf_funcs_made_extern = Vec::new();
    if opts.add_btf {
        if let Some(btf_section) = view.section_by_name(".BTF") {
            let mut wanted: Vec<btf::Wanted<'_>> = Vec::new();
            for c in &named {
                if wanted.iter().any(|w| w.name == c.name) {
                    continue;
                }
                // A static FUNC of that name may be the object's own function
                // rather than a helper bind made static.
                let defined = view
                    .symbols
                    .iter()
                    .any(|s| s.index != 0 && !s.is_undefined() && s.name == c.name.as_bytes());
                let proto = names
                    .prototype(&c.name)
                    .and_then(|(ret, args)| ctype::parse_proto(ret, args));
                if proto.is_none() {
                    notes.push(format!(
                        "no readable prototype for {}: its BTF FUNC_PROTO is empty, so linking \
                         with an object that declares it will fail",
                        c.name
                    ));
                }
                wanted.push(btf::Wanted {
                    name: &c.name,
                    may_relink: !defined,
                    proto,
                });
            }
            match btf::add_extern_funcs(e, view.section_data(btf_section.index), &wanted) {
                Ok(Some(edit)) => {
                    btf_funcs_added = edit.added;
                    btf_funcs_made_extern = edit.relinked;
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
                "the object has no .BTF: libbpf's linker (bpftool gen object) needs BTF for \
                 extern symbols; bind the object before loading it"
                    .to_string(),
            );
        }
    }

    if symbols_added > 0 {
        let mut data = view.section_data(symtab).to_vec();
        data.extend_from_slice(&new_syms);
        moved.push(Moved {
            index: symtab,
            data,
        });
        if let Some(shndx) = view.symtab_shndx {
            // One extended section index (0: undefined) per new symbol.
            let mut data = view.section_data(shndx).to_vec();
            data.resize(data.len() + 4 * symbols_added, 0);
            moved.push(Moved { index: shndx, data });
        }
        // A stale `.llvm_addrsig` entry (an index past the end of `.symtab`, as in every
        // cilium/ebpf test object) would now name a new helper symbol: keep it stale, past the
        // added symbols (binding shifts it back by the symbols it drops).
        let old_count = view.symbols.len() as u64;
        for sec in view
            .sections
            .iter()
            .filter(|s| s.sh_type == SHT_LLVM_ADDRSIG)
        {
            let Ok(entries) = crate::patch::decode_addrsig(view.section_data(sec.index)) else {
                continue; // malformed: binding reports it; unbind leaves it as it is
            };
            if entries.iter().any(|&i| i >= old_count) {
                let mut data = Vec::with_capacity(sec.size as usize + entries.len());
                for i in entries {
                    let shifted = if i >= old_count {
                        i + symbols_added as u64
                    } else {
                        i
                    };
                    crate::synth::uleb128(&mut data, shifted);
                }
                moved.push(Moved {
                    index: sec.index,
                    data,
                });
            }
        }
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

    // A table that also claims to be code (SHF_EXECINSTR) would be read as instructions once
    // it grows by a size that is not whole instructions (found by fuzzing: `.BTF` flagged
    // executable): refuse rather than write an object no reader accepts.
    if let Some(m) = moved.iter().find(|m| view.sections[m.index].is_code()) {
        return Err(UnbindError::malformed(format!(
            "section {} would grow, but it is flagged executable (SHF_EXECINSTR) and so reads \
             as code; clear the flag",
            view.section_name(m.index)
        )));
    }

    let mut patched = view.data().to_vec();
    let mut unbound = Vec::with_capacity(named.len());
    for c in named {
        let at = view.sections[c.call.section].offset as usize + c.call.offset as usize;
        make_relocated_call(e, &mut patched[at..at + INSN_SIZE]);
        unbound.push(UnboundCall {
            section: view.section_name(c.call.section).into_owned(),
            insn_index: c.call.insn_index(),
            id: c.call.id,
            name: c.name,
        });
    }

    let bytes = layout::write(view, patched, moved, added);
    // Whatever the input's oddities, never hand out an object the reader refuses.
    // (as far as every command reads it: the view, then the calls and the BTF `.ksyms`)
    let read_back = ElfView::parse(&bytes).and_then(|v| crate::classify::classify(&v).map(|_| ()));
    if let Err(e) = read_back {
        return Err(UnbindError::malformed(format!(
            "the unbound object would not read back ({e}); the input has a layout unbind \
             cannot extend"
        )));
    }
    Ok(UnbindOutput {
        bytes,
        calls: unbound,
        symbols_added,
        rel_sections_added,
        btf_funcs_added,
        btf_funcs_made_extern,
        notes,
    })
}
