//! Every way unbind refuses an input: a clear error naming section and
//! instruction (or offset), no panic, and no output.

mod unbind_support;

use helper_bind::elf::{ElfView, Endian};
use helper_bind::error::ElfErrorKind;
use helper_bind::synth::ObjectBuilder;
use helper_bind::unbind::{self, UnbindError, UnbindOptions, UnknownHelperCall};
use unbind_support::*;

fn try_unbind(bytes: &[u8], from: &str) -> Result<unbind::UnbindOutput, UnbindError> {
    unbind::unbind(bytes, &platform(from), &UnbindOptions::default())
}

fn expect_err(bytes: &[u8], from: &str) -> UnbindError {
    match try_unbind(bytes, from) {
        Ok(out) => panic!("unbind accepted it: {}", out.summary()),
        Err(e) => e,
    }
}

/// Instruction indices of `call <id>` (src_reg 0) per code section.
fn calls_with_id(bytes: &[u8], big: bool, id: u32) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    for (name, code) in code_sections(bytes) {
        let mut i = 0;
        while i + 8 <= code.len() {
            let insn = helper_bind::insn::Insn::decode(
                if big { Endian::Big } else { Endian::Little },
                &code[i..],
            );
            if insn.is_call() && insn.src == 0 && insn.imm as u32 == id {
                found.push((name.clone(), i / 8));
            }
            i += if insn.code == 0x18 { 16 } else { 8 };
        }
    }
    found
}

/// File offset of field `at` of section header `index`.
/// Read from the raw header so it works on objects the view refuses.
fn header_field(bytes: &[u8], index: usize, at: usize) -> usize {
    let shoff: [u8; 8] = bytes[0x28..0x30].try_into().unwrap();
    let shoff = if bytes[5] == 2 {
        u64::from_be_bytes(shoff)
    } else {
        u64::from_le_bytes(shoff)
    };
    shoff as usize + index * 64 + at
}

fn section_index(bytes: &[u8], name: &str) -> usize {
    ElfView::parse(bytes)
        .unwrap()
        .section_by_name(name)
        .unwrap_or_else(|| panic!("no section {name}"))
        .index
}

fn put(bytes: &mut [u8], at: usize, value: u64, width: usize, big: bool) {
    let all = if big {
        value.to_be_bytes()
    } else {
        value.to_le_bytes()
    };
    let field = if big {
        &all[8 - width..]
    } else {
        &all[..width]
    };
    bytes[at..at + width].copy_from_slice(field);
}

#[test]
fn unknown_linux_ids_are_all_listed_with_section_and_instruction() {
    let dir = tempfile::tempdir().unwrap();
    for target in Target::BOTH {
        let obj = compile(
            "linux_unknown_id.c",
            target,
            Binding::Early,
            true,
            dir.path(),
        );
        let expected: Vec<UnknownHelperCall> = calls_with_id(&obj, target == Target::Big, 9999)
            .into_iter()
            .map(|(section, insn_index)| UnknownHelperCall {
                section,
                insn_index,
                id: 9999,
                subprogram: None,
            })
            .collect();
        assert_eq!(expected.len(), 2, "{target:?}: test program changed");
        let err = expect_err(&obj, "linux");
        let UnbindError::UnknownHelpers { platform, calls } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(platform, "linux");
        let mut calls = calls.clone();
        calls.sort_by(|a, b| a.section.cmp(&b.section));
        let mut expected = expected;
        expected.sort_by(|a, b| a.section.cmp(&b.section));
        assert_eq!(calls, expected);
        let text = err.to_string();
        for c in &calls {
            assert!(
                text.contains(&format!(
                    "section {}, instruction {}: call 9999",
                    c.section, c.insn_index
                )),
                "{text}"
            );
        }
        assert!(text.contains("--from"), "says what to do: {text}");
    }
}

#[test]
fn windows_program_type_helper_outside_its_type_is_unknown() {
    let dir = tempfile::tempdir().unwrap();
    for target in Target::BOTH {
        let obj = compile(
            "windows_wrong_section.c",
            target,
            Binding::Early,
            false,
            dir.path(),
        );
        let err = expect_err(&obj, "windows");
        let UnbindError::UnknownHelpers { platform, calls } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(platform, "windows");
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].section, "bind/0");
        assert_eq!(calls[0].id, 65536);
        assert!(
            err.to_string().contains("belong to a program type"),
            "{err}"
        );
        assert_eq!(
            calls_with_id(&obj, target == Target::Big, 65536),
            vec![("bind/0".to_string(), calls[0].insn_index)]
        );
    }
}

/// A subprogram's program-type helper is named through its callers (as bind
/// does); refused when they disagree or when no program calls it.
#[test]
fn subprogram_helpers_without_one_program_type_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for target in Target::BOTH {
        let big = target == Target::Big;
        for (source, function, verdicts) in [
            (
                "windows_subprog_two_types.c",
                "both",
                vec![
                    "`xdp` names it bpf_xdp_adjust_head".to_string(),
                    "`sockops` names it bpf_sock_ops_get_flow_id".to_string(),
                ],
            ),
            ("windows_subprog_no_caller.c", "lonely", vec![]),
        ] {
            let obj = compile(source, target, Binding::Early, false, dir.path());
            let err = expect_err(&obj, "windows");
            let UnbindError::UnknownHelpers { calls, .. } = &err else {
                panic!("{err:?}")
            };
            let at = calls_with_id(&obj, big, 65536);
            assert_eq!(
                calls,
                &vec![UnknownHelperCall {
                    section: ".text".into(),
                    insn_index: at[0].1,
                    id: 65536,
                    subprogram: Some((function.to_string(), verdicts.clone())),
                }],
                "{source} {target:?}"
            );
            let text = err.to_string();
            assert!(text.contains(&format!("subprogram `{function}`")), "{text}");
        }
    }
}

#[test]
fn helper_name_taken_by_a_defined_global_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let obj = compile(
        "linux_name_taken.c",
        Target::Little,
        Binding::Early,
        false,
        dir.path(),
    );
    let err = expect_err(&obj, "linux");
    let UnbindError::NameTaken {
        name,
        section,
        insn_index,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(name, "bpf_ktime_get_ns");
    assert_eq!(section, "xdp");
    assert_eq!(
        calls_with_id(&obj, false, 5),
        vec![("xdp".to_string(), *insn_index)]
    );
    assert!(err.to_string().contains("rename"), "{err}");
}

#[test]
fn not_elf_32_bit_and_not_bpf_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let obj = compile(
        "linux_no_relocs.c",
        Target::Little,
        Binding::Early,
        false,
        dir.path(),
    );
    let kind = |bytes: &[u8]| match expect_err(bytes, "linux") {
        UnbindError::Elf(e) => e.kind,
        other => panic!("{other:?}"),
    };
    assert_eq!(kind(b"hello, world"), ElfErrorKind::NotElf);
    assert!(expect_err(b"", "linux")
        .to_string()
        .contains("not an ELF file"));
    let mut elf32 = obj.clone();
    elf32[4] = 1;
    assert_eq!(kind(&elf32), ElfErrorKind::Not64Bit { class: 1 });
    let mut x86 = obj.clone();
    x86[18..20].copy_from_slice(&62u16.to_le_bytes());
    assert_eq!(kind(&x86), ElfErrorKind::NotBpf { machine: 62 });
    // EM_NONE (old objects) is accepted.
    let mut em_none = obj.clone();
    em_none[18..20].copy_from_slice(&0u16.to_le_bytes());
    assert!(try_unbind(&em_none, "linux").is_ok());
}

#[test]
fn every_truncation_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    for target in Target::BOTH {
        let obj = compile("linux_maps.c", target, Binding::Early, false, dir.path());
        for len in 0..obj.len() {
            assert!(
                try_unbind(&obj[..len], "linux").is_err(),
                "{target:?}: truncated to {len} bytes was accepted"
            );
        }
    }
}

#[test]
fn section_outside_the_file_names_the_section() {
    let dir = tempfile::tempdir().unwrap();
    for target in Target::BOTH {
        let big = target == Target::Big;
        let mut obj = compile("linux_maps.c", target, Binding::Early, false, dir.path());
        let xdp = section_index(&obj, "xdp");
        let at = header_field(&obj, xdp, 24);
        put(&mut obj, at, 0xffff_0000, 8, big);
        let err = expect_err(&obj, "linux");
        let UnbindError::Elf(e) = &err else {
            panic!("{err:?}")
        };
        assert!(matches!(e.kind, ElfErrorKind::OutOfFile { .. }), "{e:?}");
        assert!(
            err.to_string().contains(&format!("section [{xdp}]")),
            "{err}"
        );
    }
}

#[test]
fn code_size_not_a_multiple_of_eight_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut obj = compile(
        "linux_no_relocs.c",
        Target::Little,
        Binding::Early,
        false,
        dir.path(),
    );
    let xdp = section_index(&obj, "xdp");
    let at = header_field(&obj, xdp, 32);
    let size = u64::from_le_bytes(obj[at..at + 8].try_into().unwrap());
    put(&mut obj, at, size - 4, 8, false);
    // The shared ELF view refuses it before unbind looks at the code.
    let err = expect_err(&obj, "linux");
    let UnbindError::Elf(e) = &err else {
        panic!("{err:?}")
    };
    assert!(matches!(e.kind, ElfErrorKind::Malformed { .. }), "{e:?}");
    let text = err.to_string();
    assert!(
        text.contains("xdp") && text.contains("not a multiple of 8"),
        "{text}"
    );
}

#[test]
fn relocation_symbol_out_of_range_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for target in Target::BOTH {
        let big = target == Target::Big;
        let mut obj = compile("linux_maps.c", target, Binding::Early, false, dir.path());
        let rel = section_index(&obj, ".relxdp");
        let view = ElfView::parse(&obj).unwrap();
        let first = view.sections[rel].offset as usize;
        drop(view);
        // r_info of the first entry: symbol 1000, type R_BPF_64_64
        put(&mut obj, first + 8, (1000 << 32) | 1, 8, big);
        let err = expect_err(&obj, "linux");
        let UnbindError::Elf(e) = &err else {
            panic!("{err:?}")
        };
        assert!(
            matches!(e.kind, ElfErrorKind::IndexOutOfRange { index: 1000, .. }),
            "{e:?}"
        );
    }
}

#[test]
fn numeric_call_that_already_has_a_relocation_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for target in Target::BOTH {
        let big = target == Target::Big;
        let mut obj = compile(
            "linux_no_relocs.c",
            target,
            Binding::Late,
            false,
            dir.path(),
        );
        // Turn clang's first `call -1` (relocated) into `call 5` while keeping
        // its relocation.
        let relocs = code_relocations(&obj);
        let first = &relocs[0];
        let view = ElfView::parse(&obj).unwrap();
        let at =
            view.section_by_name(&first.section).unwrap().offset as usize + first.offset as usize;
        drop(view);
        obj[at + 1] = 0;
        put(&mut obj, at + 4, 5, 4, big);
        // The shared ELF view refuses a relocation on a call that is not relocated (src_reg 0),
        // naming the section and the instruction.
        let err = expect_err(&obj, "linux");
        let UnbindError::Elf(e) = &err else {
            panic!("{err:?}")
        };
        assert!(matches!(e.kind, ElfErrorKind::Malformed { .. }), "{e:?}");
        let text = err.to_string();
        assert!(
            text.contains(&first.section)
                && text.contains(&format!("instruction {}", first.offset / 8))
                && text.contains("src_reg 0"),
            "{text}"
        );
    }
}

#[test]
fn object_without_symbol_table_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut obj = compile(
        "linux_no_relocs.c",
        Target::Little,
        Binding::Early,
        false,
        dir.path(),
    );
    let symtab = section_index(&obj, ".symtab");
    let at = header_field(&obj, symtab, 4);
    put(&mut obj, at, 1, 4, false); // SHT_PROGBITS
    let err = expect_err(&obj, "linux");
    assert!(err.to_string().contains("no .symtab"), "{err}");
}

fn call(id: i32) -> [u8; 8] {
    let insn = helper_bind::insn::Insn {
        code: 0x85,
        dst: 0,
        src: 0,
        off: 0,
        imm: id,
    };
    insn.encode(Endian::Little)
}

const EXIT: [u8; 8] = [0x95, 0, 0, 0, 0, 0, 0, 0];

#[test]
fn rela_relocations_of_a_code_section_are_refused() {
    let mut b = ObjectBuilder::new(Endian::Little);
    let xdp = b.code_section("xdp", &[call(5), EXIT]);
    b.symbol("prog", 0x12, xdp as u16, 0, 16);
    let rela = b.section(".relaxdp", 4, 0x40, Vec::new());
    let mut obj = b.build();
    // The builder puts .symtab right after our sections (no relocs, no addrsig).
    let symtab = rela + 1;
    // Point the empty RELA section at xdp and .symtab, with RELA's entry size.
    let link = header_field(&obj, rela, 40);
    put(&mut obj, link, symtab as u64, 4, false);
    let info = header_field(&obj, rela, 44);
    put(&mut obj, info, xdp as u64, 4, false);
    let entsize = header_field(&obj, rela, 56);
    put(&mut obj, entsize, 24, 8, false);
    let err = expect_err(&obj, "linux");
    assert!(err.to_string().contains("SHT_RELA"), "{err}");
}

/// Random byte corruption of a real object: unbind returns an error or an
/// object the ELF view reads back, never panics.
#[test]
fn random_corruption_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let names = platform("linux");
    for target in Target::BOTH {
        let obj = compile("linux_maps.c", target, Binding::Early, true, dir.path());
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut accepted = 0;
        for _ in 0..3000 {
            let mut bad = obj.clone();
            for _ in 0..1 + next() % 4 {
                let at = (next() % bad.len() as u64) as usize;
                bad[at] = next() as u8;
            }
            if let Ok(out) = unbind::unbind(&bad, &names, &UnbindOptions::default()) {
                accepted += 1;
                ElfView::parse(&out.bytes).expect("unbind wrote an object the view cannot read");
            }
        }
        assert!(accepted > 0, "every corruption was refused: test too weak");
    }
}

/// Found by fuzzing: a relocation section with no entries may link to any
/// section (nothing in it uses a symbol); extending it with helper relocations
/// would make an invalid object. It must be refused.
#[test]
fn relocation_section_not_linked_to_the_symbol_table_is_refused() {
    for e in [Endian::Little, Endian::Big] {
        let big = e == Endian::Big;
        let mut b = ObjectBuilder::new(e);
        let code = |code: u8, imm: i32| {
            helper_bind::insn::Insn {
                code,
                dst: 0,
                src: 0,
                off: 0,
                imm,
            }
            .encode(e)
        };
        let xdp = b.code_section("xdp", &[code(0x85, 5), code(0x95, 0)]);
        let rel = b.section(".relxdp", 9, 0x40, Vec::new());
        let mut obj = b.build();
        let (link, info, entsize) = (
            header_field(&obj, rel, 40),
            header_field(&obj, rel, 44),
            header_field(&obj, rel, 56),
        );
        put(&mut obj, link, xdp as u64, 4, big); // sh_link: not .symtab
        put(&mut obj, info, xdp as u64, 4, big); // sh_info: xdp
        put(&mut obj, entsize, 16, 8, big);
        ElfView::parse(&obj).expect("the view accepts it (no entry uses a symbol)");
        let err = expect_err(&obj, "linux");
        assert!(
            err.to_string().contains(".relxdp") && err.to_string().contains("symbol table"),
            "{err}"
        );
    }
}
