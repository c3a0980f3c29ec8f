//! unbind on objects clang-19 compiles from our sources at test time: the
//! unbound early-bound object must be what clang emits for `extern` helpers.

mod unbind_support;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::Path;

use helper_bind::platform::Platform;
use helper_bind::unbind::{self, UnbindOptions, UnbindOutput};
use unbind_support::*;

/// (source, platform) of every program in the round-trip set.
const SOURCES: [(&str, &str); 6] = [
    ("linux_maps.c", "linux"),
    ("linux_legacy_maps.c", "linux"),
    ("linux_no_relocs.c", "linux"),
    ("linux_many_progs.c", "linux"),
    ("windows_progs.c", "windows"),
    ("windows_subprog.c", "windows"),
];

fn names_for(name: &str) -> Platform {
    platform(name)
}

fn unbind_ok(bytes: &[u8], names: &Platform) -> UnbindOutput {
    unbind::unbind(bytes, names, &UnbindOptions::default())
        .unwrap_or_else(|e| panic!("unbind failed: {e}"))
}

/// Offsets of `call` instructions with src_reg=0 in each code section.
fn numeric_calls(bytes: &[u8], big: bool) -> Vec<(String, usize, u32)> {
    let mut calls = Vec::new();
    for (name, code) in code_sections(bytes) {
        let mut i = 0;
        while i + 8 <= code.len() {
            let insn = &code[i..i + 8];
            let src = if big { insn[1] & 0xf } else { insn[1] >> 4 };
            let imm: [u8; 4] = insn[4..8].try_into().unwrap();
            let imm = if big {
                u32::from_be_bytes(imm)
            } else {
                u32::from_le_bytes(imm)
            };
            if insn[0] == 0x85 && src == 0 {
                calls.push((name.clone(), i / 8, imm));
            }
            i += if insn[0] == 0x18 { 16 } else { 8 };
        }
    }
    calls
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn unbound_early_objects_equal_unbound_late_objects() {
    // clang keeps bpf_tail_call_static's inline `call 12` numeric even in a
    // late build, so the late object is unbound too before comparing; that it
    // only had tail calls left to unbind is checked separately.
    let dir = tempfile::tempdir().unwrap();
    for (source, platform) in SOURCES {
        let names = names_for(platform);
        for target in Target::BOTH {
            for btf in [true, false] {
                let what = format!("{source} {target:?} btf={btf}");
                let early = compile(source, target, Binding::Early, btf, dir.path());
                let late = compile(source, target, Binding::Late, btf, dir.path());
                let big = target == Target::Big;
                assert!(
                    !numeric_calls(&early, big).is_empty(),
                    "{what}: early object has no numeric calls"
                );
                let tail_ids: Vec<u32> = numeric_calls(&late, big).iter().map(|c| c.2).collect();
                assert!(
                    tail_ids.iter().all(|&id| id == 12) && platform == "linux"
                        || tail_ids.is_empty(),
                    "{what}: late object has numeric calls other than tail calls: {tail_ids:?}"
                );

                let from_early = unbind_ok(&early, &names).bytes;
                let from_late = unbind_ok(&late, &names).bytes;
                assert_eq!(
                    numeric_calls(&from_early, big),
                    vec![],
                    "{what}: numeric calls left"
                );
                assert_same_code(
                    &from_early,
                    &from_late,
                    &format!("{what} (against clang's extern-helper build)"),
                );
            }
        }
    }
}

#[test]
fn helper_symbols_are_what_clang_emits_for_extern_helpers() {
    let dir = tempfile::tempdir().unwrap();
    for target in Target::BOTH {
        let early = compile("linux_maps.c", target, Binding::Early, true, dir.path());
        let late = compile("linux_maps.c", target, Binding::Late, true, dir.path());
        let out = unbind_ok(&early, &platform("linux"));
        let clang: BTreeMap<String, _> = symbols(&late)
            .into_iter()
            .map(|s| (s.0.clone(), s))
            .collect();
        let ours = symbols(&out.bytes);
        let mut compared = 0;
        for call in &out.calls {
            let mine = ours.iter().find(|s| s.0 == call.name).unwrap();
            // bpf_tail_call has no clang counterpart (inline asm).
            if let Some(theirs) = clang.get(&call.name) {
                assert_eq!(mine, theirs, "{target:?}: symbol {}", call.name);
                compared += 1;
            }
            assert_eq!(
                (mine.1, mine.2, mine.3, mine.4),
                (1, 0, 0, 0),
                "GLOBAL, UND, NOTYPE, size 0"
            );
        }
        assert!(
            compared >= 5,
            "{target:?}: compared only {compared} symbols"
        );
        // Locals first: every new symbol is global and sits after the old ones.
        let before = symbols(&early).len();
        assert!(ours[before..].iter().all(|s| s.1 == 1));
        assert_eq!(ours.len(), before + out.symbols_added);
        assert_eq!(&symbols(&early)[..], &ours[..before]);
    }
}

#[test]
fn unbound_objects_pass_llvm_readelf_and_objdump() {
    let dir = tempfile::tempdir().unwrap();
    for (source, platform) in SOURCES {
        for target in Target::BOTH {
            for btf in [true, false] {
                let early = compile(source, target, Binding::Early, btf, dir.path());
                let out = unbind_ok(&early, &names_for(platform));
                let p = write(dir.path(), "unbound.o", &out.bytes);
                let (ok, stdout, stderr) =
                    tool("llvm-readelf-19", &[OsStr::new("-a"), p.as_os_str()]);
                assert!(ok && stderr.is_empty(), "{source} {target:?}: {stderr}");
                assert!(stdout.contains("R_BPF_64_32"));
                let (ok, stdout, stderr) =
                    tool("llvm-objdump-19", &[OsStr::new("-dr"), p.as_os_str()]);
                assert!(ok && stderr.is_empty(), "{source} {target:?}: {stderr}");
                for call in &out.calls {
                    assert!(
                        stdout.contains(&format!("R_BPF_64_32\t{}", call.name)),
                        "{source}: objdump does not show {}",
                        call.name
                    );
                }
            }
        }
    }
}

#[test]
fn bpftool_gen_object_links_unbound_objects_with_btf() {
    let dir = tempfile::tempdir().unwrap();
    for (source, platform) in SOURCES {
        for target in [Target::Little] {
            let early = compile(source, target, Binding::Early, true, dir.path());
            let out = unbind_ok(&early, &names_for(platform));
            assert!(!out.btf_funcs_added.is_empty(), "{source}: no BTF added");
            let input = write(dir.path(), "unbound.o", &out.bytes);
            let linked = dir.path().join("linked.o");
            let (ok, _, stderr) = tool(
                "bpftool",
                &[
                    OsStr::new("gen"),
                    OsStr::new("object"),
                    linked.as_os_str(),
                    input.as_os_str(),
                ],
            );
            assert!(ok, "{source}: bpftool gen object failed: {stderr}");
            // The linker keeps the helper calls as extern relocations.
            let linked_relocs = code_relocations(&std::fs::read(&linked).unwrap());
            for call in &out.calls {
                assert!(
                    linked_relocs.iter().any(|r| r.symbol == call.name),
                    "{source}: linked object lost {}",
                    call.name
                );
            }
        }
    }
}

#[test]
fn libbpf_linker_needs_the_btf_entries_and_any_btf_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let link = |bytes: &[u8]| {
        let input = write(dir.path(), "in.o", bytes);
        let out = dir.path().join("out.o");
        tool(
            "bpftool",
            &[
                OsStr::new("gen"),
                OsStr::new("object"),
                out.as_os_str(),
                input.as_os_str(),
            ],
        )
    };
    let early = compile(
        "linux_maps.c",
        Target::Little,
        Binding::Early,
        true,
        dir.path(),
    );
    let bare = unbind::unbind(
        &early,
        &platform("linux"),
        &UnbindOptions { add_btf: false },
    )
    .unwrap();
    let (ok, _, stderr) = link(&bare.bytes);
    assert!(!ok, "linker accepted externs without BTF");
    assert!(
        stderr.contains("failed to find BTF info for global/extern symbol"),
        "{stderr}"
    );

    // Without any BTF, clang's own late-bound object fails the same way as ours.
    let late = compile(
        "linux_maps.c",
        Target::Little,
        Binding::Late,
        false,
        dir.path(),
    );
    let early = compile(
        "linux_maps.c",
        Target::Little,
        Binding::Early,
        false,
        dir.path(),
    );
    let out = unbind_ok(&early, &platform("linux"));
    assert!(out.notes.iter().any(|n| n.contains("no .BTF")));
    let (ok_clang, _, err_clang) = link(&late);
    let (ok_ours, _, err_ours) = link(&out.bytes);
    assert!(!ok_clang && !ok_ours);
    assert!(err_clang.contains("failed to find BTF info for object"));
    assert!(err_ours.contains("failed to find BTF info for object"));
}

#[test]
fn btf_gets_an_extern_func_per_new_helper() {
    let dir = tempfile::tempdir().unwrap();
    for target in Target::BOTH {
        let early = compile("linux_maps.c", target, Binding::Early, true, dir.path());
        let out = unbind_ok(&early, &platform("linux"));
        let p = write(dir.path(), "u.o", &out.bytes);
        let (ok, dump, err) = tool(
            "bpftool",
            &[
                OsStr::new("btf"),
                OsStr::new("dump"),
                OsStr::new("file"),
                p.as_os_str(),
            ],
        );
        assert!(ok, "{err}");
        let mut names: Vec<&str> = out.calls.iter().map(|c| c.name.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(out.btf_funcs_added.len(), names.len());
        for n in names {
            assert!(
                dump.lines()
                    .any(|l| l.contains(&format!("FUNC '{n}' type_id="))
                        && l.ends_with("linkage=extern")),
                "{target:?}: no extern FUNC for {n}:\n{dump}"
            );
        }
        // Old types keep their ids: the dump of the input is a prefix.
        let q = write(dir.path(), "e.o", &early);
        let (_, before, _) = tool(
            "bpftool",
            &[
                OsStr::new("btf"),
                OsStr::new("dump"),
                OsStr::new("file"),
                q.as_os_str(),
            ],
        );
        assert!(
            dump.starts_with(before.trim_end()),
            "{target:?}: old BTF types changed"
        );
    }
}

/// The type and string sections of raw `.BTF`.
fn btf_parts(btf: &[u8], big: bool) -> (&[u8], &[u8]) {
    let field = |at: usize| {
        let b: [u8; 4] = btf[at..at + 4].try_into().unwrap();
        (if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }) as usize
    };
    let hdr = field(4);
    let (type_off, type_len, str_off, str_len) = (field(8), field(12), field(16), field(20));
    (
        &btf[hdr + type_off..hdr + type_off + type_len],
        &btf[hdr + str_off..hdr + str_off + str_len],
    )
}

/// Sections the tool did not mean to change keep their bytes; grown ones keep
/// the old contents as a prefix; code differs only in unbound instructions.
#[test]
fn everything_else_stays_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    for (source, platform) in SOURCES {
        for target in Target::BOTH {
            let early = compile(source, target, Binding::Early, true, dir.path());
            let out = unbind_ok(&early, &names_for(platform));
            let old = object::read::elf::ElfFile64::<object::Endianness>::parse(&*early).unwrap();
            let new =
                object::read::elf::ElfFile64::<object::Endianness>::parse(&*out.bytes).unwrap();
            use object::{Object, ObjectSection};
            let new_sections: Vec<_> = new.sections().collect();
            for s in old.sections() {
                let n = &new_sections[s.index().0 - 1];
                let what = format!("{source} {target:?} section {}", s.name().unwrap());
                assert_eq!(s.name().unwrap(), n.name().unwrap(), "{what}");
                let (a, b) = (s.data().unwrap(), n.data().unwrap());
                let kind = s.elf_section_header().sh_type.get(old.endian()).0;
                match (s.name().unwrap(), kind) {
                    (".BTF", _) => {
                        let big = target == Target::Big;
                        let (old_types, old_strings) = btf_parts(a, big);
                        let (new_types, new_strings) = btf_parts(b, big);
                        assert!(new_types.starts_with(old_types), "{what}: types changed");
                        assert!(
                            new_strings.starts_with(old_strings),
                            "{what}: strings moved"
                        );
                        assert_eq!(a[..12], b[..12], "{what}: header");
                    }
                    (_, 2) | (_, 3) => assert!(b.starts_with(a), "{what}: not a prefix"),
                    (_, 9) => {
                        for e in a.chunks(16) {
                            assert!(b.chunks(16).any(|f| f == e), "{what}: lost a relocation");
                        }
                    }
                    _ if s.kind() == object::SectionKind::Text => {
                        assert_eq!(a.len(), b.len());
                        let changed: Vec<usize> = (0..a.len() / 8)
                            .filter(|i| a[i * 8..i * 8 + 8] != b[i * 8..i * 8 + 8])
                            .collect();
                        let expected: Vec<usize> = out
                            .calls
                            .iter()
                            .filter(|c| c.section == s.name().unwrap())
                            .map(|c| c.insn_index)
                            .collect();
                        assert_eq!(changed, expected, "{what}");
                        for i in changed {
                            assert_eq!(a[i * 8], b[i * 8]);
                            assert_eq!(a[i * 8 + 2..i * 8 + 4], b[i * 8 + 2..i * 8 + 4]);
                        }
                    }
                    _ => {
                        assert_eq!(a, b, "{what}");
                        assert_eq!(
                            s.elf_section_header().sh_offset.get(old.endian()),
                            n.elf_section_header().sh_offset.get(new.endian()),
                            "{what}: moved"
                        );
                    }
                }
            }
            assert_eq!(
                new_sections.len(),
                old.sections().count() + out.rel_sections_added
            );
        }
    }
}

#[test]
fn existing_undefined_symbol_is_reused() {
    let dir = tempfile::tempdir().unwrap();
    for target in Target::BOTH {
        let obj = compile("linux_mixed.c", target, Binding::Early, false, dir.path());
        let out = unbind_ok(&obj, &platform("linux"));
        assert_eq!(out.calls.len(), 1);
        assert_eq!(out.symbols_added, 0);
        let syms = symbols(&out.bytes);
        assert_eq!(syms.len(), symbols(&obj).len());
        let relocs = code_relocations(&out.bytes);
        assert_eq!(relocs.len(), 2);
        assert!(relocs
            .iter()
            .all(|r| r.symbol == "bpf_ktime_get_ns" && r.r_type == 10));
        assert!(relocs.windows(2).all(|w| w[0].offset < w[1].offset));
    }
}

#[test]
fn nothing_to_unbind_is_a_byte_identical_no_op() {
    let dir = tempfile::tempdir().unwrap();
    for target in Target::BOTH {
        let late = compile("linux_no_relocs.c", target, Binding::Late, true, dir.path());
        let out = unbind_ok(&late, &platform("linux"));
        assert!(out.calls.is_empty());
        assert_eq!(out.bytes, late);
        assert_eq!(out.summary(), "no numeric helper calls: nothing to unbind");
    }
}

#[test]
fn object_without_relocation_sections_gets_them() {
    let dir = tempfile::tempdir().unwrap();
    for target in Target::BOTH {
        let early = compile(
            "linux_no_relocs.c",
            target,
            Binding::Early,
            false,
            dir.path(),
        );
        assert!(code_relocations(&early).is_empty());
        let out = unbind_ok(&early, &platform("linux"));
        assert_eq!(out.rel_sections_added, 2);
        let p = write(dir.path(), "u.o", &out.bytes);
        let (_, sections, _) = tool("llvm-readelf-19", &[OsStr::new("-S"), p.as_os_str()]);
        for name in [".relxdp", ".relsocket"] {
            let line = sections
                .lines()
                .find(|l| l.contains(&format!(" {name} ")))
                .unwrap_or_else(|| panic!("no {name}:\n{sections}"));
            // type REL, entsize 16, flag I (SHF_INFO_LINK), align 8, as clang writes it
            assert!(line.contains("REL ") && line.contains(" 10   I "), "{line}");
            assert!(line.trim_end().ends_with(" 8"), "{line}");
        }
    }
}

/// One golden file per input object: every unbound call (section,
/// instruction, ID, name). `BLESS=1` rewrites them.
#[test]
fn unbound_calls_match_golden_files() {
    let dir = tempfile::tempdir().unwrap();
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for (source, platform) in SOURCES {
        for target in Target::BOTH {
            let early = compile(source, target, Binding::Early, true, dir.path());
            let out = unbind_ok(&early, &names_for(platform));
            let mut text = format!("# {}\n", out.summary());
            for c in &out.calls {
                text.push_str(&format!(
                    "{}\t{}\t{}\t{}\n",
                    c.section, c.insn_index, c.id, c.name
                ));
            }
            let golden = data_dir().join("expected").join(format!(
                "{}.{}.txt",
                source.trim_end_matches(".c"),
                target.clang_target()
            ));
            if bless {
                std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
                std::fs::write(&golden, &text).unwrap();
            } else {
                let want = std::fs::read_to_string(&golden).unwrap_or_else(|e| {
                    panic!("{}: {e} (run with BLESS=1 to create)", golden.display())
                });
                if want != text {
                    failures.push(format!("{}:\n{text}", golden.display()));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "golden files differ (BLESS=1 to accept):\n{}",
        failures.join("\n")
    );
}

/// libbpf cannot open an object with unbound helper externs, whether clang
/// or unbind made it: the unbound object fails the same way as clang's
/// extern-helper build (bind it first). Opening fails before any pinning.
#[test]
fn libbpf_refuses_unbound_objects_exactly_like_clangs_extern_builds() {
    let dir = tempfile::tempdir().unwrap();
    let pin = format!("/sys/fs/bpf/helper-bind-unbind-test-{}", std::process::id());
    let open_error = |bytes: &[u8]| {
        let p = write(dir.path(), "o.o", bytes);
        let (ok, _, stderr) = tool(
            "bpftool",
            &[
                OsStr::new("-d"),
                OsStr::new("prog"),
                OsStr::new("loadall"),
                p.as_os_str(),
                OsStr::new(&pin),
            ],
        );
        assert!(
            !ok,
            "libbpf loaded an object with unresolved helper externs"
        );
        // The last libbpf diagnostic, with BTF type ids (which differ) masked.
        let line = stderr
            .lines()
            .rfind(|l| l.starts_with("libbpf: "))
            .unwrap_or_default()
            .to_string();
        line.split(' ')
            .map(|w| if w.starts_with('[') { "[id]" } else { w })
            .collect::<Vec<_>>()
            .join(" ")
    };
    for (source, btf, expected) in [
        ("linux_maps.c", true, "failed to find BTF for extern"),
        ("linux_no_relocs.c", false, "failed to find BTF for extern"),
    ] {
        let early = compile(source, Target::Little, Binding::Early, btf, dir.path());
        let late = compile(source, Target::Little, Binding::Late, btf, dir.path());
        let ours = open_error(&unbind_ok(&early, &platform("linux")).bytes);
        let clangs = open_error(&late);
        assert!(ours.contains(expected), "{source}: {ours}");
        assert_eq!(ours, clangs, "{source}");
    }
    assert!(!Path::new(&pin).exists());
}

/// The unbound object's helper prototypes match clang's declarations: libbpf's
/// linker takes it together with a late-bound object that declares the same
/// helpers (it compares parameter counts, integer sizes and pointer targets).
#[test]
fn unbound_object_links_with_clangs_declarations_of_the_same_helpers() {
    let dir = tempfile::tempdir().unwrap();
    let early = compile(
        "linux_maps.c",
        Target::Little,
        Binding::Early,
        true,
        dir.path(),
    );
    let other = compile(
        "linux_other.c",
        Target::Little,
        Binding::Late,
        true,
        dir.path(),
    );
    let out = unbind_ok(&early, &platform("linux"));
    assert!(out.notes.is_empty(), "{:?}", out.notes);
    let ours = write(dir.path(), "unbound.o", &out.bytes);
    let theirs = write(dir.path(), "other.o", &other);
    let linked = dir.path().join("linked.o");
    let (ok, _, stderr) = tool(
        "bpftool",
        &[
            OsStr::new("gen"),
            OsStr::new("object"),
            linked.as_os_str(),
            ours.as_os_str(),
            theirs.as_os_str(),
        ],
    );
    assert!(ok, "{stderr}");
    // Every helper of ours is declared by the other object too.
    let declared: Vec<String> = code_relocations(&other)
        .into_iter()
        .map(|r| r.symbol)
        .collect();
    for call in &out.calls {
        assert!(declared.contains(&call.name), "{} not exercised", call.name);
    }
}
