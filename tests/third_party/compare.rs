//! Comparing an object with what the tool made of it.

use std::collections::BTreeMap;

use integration_tests::elf_view::{ElfView, SectionView, CALL_OPCODE};
use object::elf;

// unbind, then bind again

/// `.BTF` split into (types, strings) by its header, in the object's byte order.
pub fn btf_parts(data: &[u8], big_endian: bool) -> Option<(&[u8], &[u8])> {
    let word = |at: usize| -> Option<u32> {
        let b: [u8; 4] = data.get(at..at + 4)?.try_into().ok()?;
        Some(if big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    let hdr_len = word(4)? as usize;
    let (type_off, type_len) = (word(8)? as usize, word(12)? as usize);
    let (str_off, str_len) = (word(16)? as usize, word(20)? as usize);
    let types = data.get(hdr_len + type_off..hdr_len + type_off + type_len)?;
    let strings = data.get(hdr_len + str_off..hdr_len + str_off + str_len)?;
    Some((types, strings))
}

/// What a round trip may change: the symbol and string tables (names added then removed: the
/// symbols are compared entry by entry), the relocation sections of code (compared relocation
/// by relocation) and `.BTF` (extern FUNC entries appended: the original types and strings must
/// stay a prefix). `.llvm_addrsig` must come back byte for byte: the symbols are renumbered
/// back to where they were.
pub fn compare_round_trip(original: &ElfView, back: &ElfView) -> Vec<String> {
    let mut problems = Vec::new();
    let target_is_code = |rel: &SectionView, view: &ElfView| -> bool {
        // sh_info is not in the view: the relocation section of code is `.rel<code name>`.
        rel.name
            .strip_prefix(".rel")
            .and_then(|target| view.find_section(target))
            .is_some_and(SectionView::is_code)
    };
    for section in &original.sections {
        let Some(other) = back.find_section(&section.name) else {
            problems.push(format!("section {} is gone", section.name));
            continue;
        };
        if (section.sh_type, section.sh_flags) != (other.sh_type, other.sh_flags) {
            problems.push(format!("section {}: type or flags changed", section.name));
        }
        if section.relocations != other.relocations {
            problems.push(format!(
                "section {}: relocations differ ({} vs {})",
                section.name,
                section.relocations.len(),
                other.relocations.len()
            ));
        }
        let may_change = section.sh_type == elf::SHT_SYMTAB.0
            || section.sh_type == elf::SHT_STRTAB.0
            || section.name == ".BTF"
            || (section.sh_type == elf::SHT_REL.0 && target_is_code(section, original));
        if section.is_code() && section.data != other.data {
            problems.push(format!("code section {} differs", section.name));
        } else if !may_change && section.data != other.data {
            problems.push(format!(
                "section {} differs: {} became {}",
                section.name,
                short_hex(&section.data),
                short_hex(&other.data)
            ));
        }
        if section.name == ".BTF" {
            match (
                btf_parts(&section.data, original.big_endian),
                btf_parts(&other.data, back.big_endian),
            ) {
                (Some((t0, s0)), Some((t1, s1))) => {
                    if !t1.starts_with(t0) {
                        problems.push(".BTF: the original types are not kept as they were".into());
                    }
                    if !s1.starts_with(s0) {
                        problems
                            .push(".BTF: the original strings are not kept as they were".into());
                    }
                }
                _ => problems.push(".BTF header unreadable".into()),
            }
        }
        if section.sh_type == elf::SHT_STRTAB.0 && !other.data.starts_with(&section.data) {
            problems.push(format!(
                "string table {}: original strings not kept",
                section.name
            ));
        }
    }
    // unbind creates `.rel<code>` where the object had none; binding empties it again but keeps
    // the section (removing it would renumber every later section). An empty REL section is
    // harmless to every loader; anything else added is a problem.
    let added: Vec<&str> = back
        .sections
        .iter()
        .filter(|s| original.find_section(&s.name).is_none())
        .filter(|s| !(s.sh_type == elf::SHT_REL.0 && s.size == 0))
        .map(|s| s.name.as_str())
        .collect();
    if !added.is_empty() {
        problems.push(format!("sections added: {added:?}"));
    }
    if original.symbols != back.symbols {
        problems.push(format!(
            "symbols differ: {} before, {} after",
            original.symbols.len(),
            back.symbols.len()
        ));
    }
    if original.addrsig != back.addrsig {
        problems.push(".llvm_addrsig differs".into());
    }
    problems
}

/// The first bytes of a section, in hex, for messages.
pub fn short_hex(data: &[u8]) -> String {
    let hex: String = data.iter().take(48).map(|b| format!("{b:02x}")).collect();
    if data.len() > 48 {
        format!("{hex}... ({} bytes)", data.len())
    } else {
        format!("{hex} ({} bytes)", data.len())
    }
}

/// Code sections of `moved` against `original`: identical except the immediates of the numeric
/// calls `expected` names ((section, insn) -> new ID); returns the differences.
pub fn code_differences(
    original: &ElfView,
    moved: &ElfView,
    expected: &BTreeMap<(String, u64), i64>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for section in original.sections.iter().filter(|s| s.is_code()) {
        let Some(other) = moved.find_section(&section.name) else {
            problems.push(format!("code section {} is gone", section.name));
            continue;
        };
        if other.data.len() != section.data.len() {
            problems.push(format!("code section {} changed size", section.name));
            continue;
        }
        for (insn, (a, b)) in section.data.chunks(8).zip(other.data.chunks(8)).enumerate() {
            let want = expected.get(&(section.name.clone(), insn as u64));
            match want {
                Some(&id) if a[0] == CALL_OPCODE => {
                    let same_but_imm = a[..4] == b[..4];
                    if !same_but_imm || i64::from(moved.imm(b)) != id {
                        problems.push(format!(
                            "{}:{insn}: expected `call {id}`, found imm {}",
                            section.name,
                            moved.imm(b)
                        ));
                    }
                }
                _ if a != b => problems.push(format!("{}:{insn} changed", section.name)),
                _ => {}
            }
        }
    }
    problems
}
