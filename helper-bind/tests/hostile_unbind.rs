//! Hostile objects for `unbind` (and `check`, which reads the same numeric calls): early-bound
//! objects (`call N`) with one lie each. Unbind grows sections and moves them to the end of the
//! file, so a lie about where a section lives can make it write over the ELF header; each must
//! be refused with exit 2, without output, with the input unchanged.

mod hostile_support;

use hostile_support::*;
use std::fs;

/// An early-bound program whose code section has no relocation section at all: unbind must
/// create `.relxdp` from scratch.
const TINY_EARLY_C: &str = r#"
typedef unsigned int __u32;
static __u32 (*bpf_get_prandom_u32)(void) = (void *)7;
__attribute__((section("xdp"), used)) int tiny(void *ctx) { return bpf_get_prandom_u32() & 1 ? 2 : 1; }
char LICENSE[] __attribute__((section("license"), used)) = "GPL";
"#;

fn bases() -> Vec<(String, Obj)> {
    let mut bases = Vec::new();
    for t in ["bpf", "bpfeb"] {
        bases.push((
            format!("early-{t}"),
            Obj::parse(clang_object(&early_sample_c(), t)),
        ));
        bases.push((
            format!("tiny-early-{t}"),
            Obj::parse(clang_object(TINY_EARLY_C, t)),
        ));
    }
    bases
}

fn run_in(argv: &[&str], input: &std::path::Path, out: &std::path::Path) -> Run {
    helper_bind(&args(argv.iter().map(|a| match *a {
        "{in}" => input.as_os_str().to_os_string(),
        "{out}" => out.as_os_str().to_os_string(),
        other => other.into(),
    })))
}

const UNBIND: &[&str] = &["unbind", "--from", "linux", "-o", "{out}", "{in}"];

/// What `unbind -o` does with `bytes`: `Ok(Some(stderr))` when it refuses cleanly (exit 2, no
/// output, input unchanged), `Ok(None)` when it writes an object `list` accepts, else why not.
fn unbind_refuses_or_writes_listable(bytes: &[u8]) -> Result<Option<String>, String> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("hostile.o");
    let out = dir.path().join("out.o");
    fs::write(&input, bytes).unwrap();
    let run = run_in(UNBIND, &input, &out);
    match run.code {
        Some(2) if !out.exists() && fs::read(&input).unwrap() == bytes => Ok(Some(run.stderr)),
        Some(0) => {
            let list = helper_bind(&args(["list".into(), out.into_os_string()]));
            if list.code == Some(0) {
                Ok(None)
            } else {
                Err(format!(
                    "unbind exit 0 wrote an object `list` refuses: {}",
                    list.stderr.trim()
                ))
            }
        }
        other => Err(format!("exit {other:?} [stderr: {}]", run.stderr.trim())),
    }
}
const UNBIND_IN_PLACE: &[&str] = &["unbind", "--from", "linux", "{in}"];
const CHECK: &[&str] = &["check", "--platform", "windows", "--from", "linux", "{in}"];

#[test]
fn early_bound_bases_unbind() {
    for (label, obj) in bases() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("early.o");
        let out = dir.path().join("out.o");
        fs::write(&input, &obj.bytes).unwrap();
        let run = run_in(UNBIND, &input, &out);
        assert_eq!(run.code, Some(0), "{label}: {run:?}");
        let unbound = fs::read(&out).unwrap();
        assert_eq!(&unbound[..4], b"\x7fELF", "{label}");
        let list = helper_bind(&args(["list".into(), out.clone().into_os_string()]));
        assert_eq!(
            list.code,
            Some(0),
            "{label}: the unbound object does not list: {list:?}"
        );
        assert!(
            list.stdout.contains("bpf_get_prandom_u32"),
            "{label}: {list:?}"
        );
    }
}

#[test]
fn lies_about_section_placement_are_refused() {
    let mut failures = Vec::new();
    for (label, obj) in bases() {
        let rels: Vec<Section> = obj
            .sections
            .iter()
            .filter(|s| {
                s.sh_type == SHT_REL && obj.sections[s.info as usize].flags & SHF_EXECINSTR != 0
            })
            .cloned()
            .collect();
        let mut cases: Vec<(String, Vec<u8>)> = Vec::new();
        for r in &rels {
            // Found by fuzzing (mutate_object): a code relocation section moved onto the ELF
            // header (its entries read as R_BPF_NONE) passed the reader; unbind then wrote the
            // grown relocations there and produced a file without the ELF magic.
            cases.push((
                format!("{label} {} at offset 0", r.name),
                obj.with(|o| o.put_u64(r.field(shdr::OFFSET), 0)),
            ));
            cases.push((
                format!("{label} {} over the section headers", r.name),
                obj.with(|o| {
                    let shoff = o.shoff;
                    o.put_u64(r.field(shdr::OFFSET), shoff)
                }),
            ));
        }
        let symtab = obj.section_of_type(SHT_SYMTAB).clone();
        cases.push((
            format!("{label} .symtab at offset 0"),
            obj.with(|o| o.put_u64(symtab.field(shdr::OFFSET), 0)),
        ));
        for (name, bytes) in cases {
            for mode in [UNBIND, UNBIND_IN_PLACE, CHECK] {
                let dir = tempfile::tempdir().unwrap();
                let input = dir.path().join("hostile.o");
                let out = dir.path().join("out.o");
                fs::write(&input, &bytes).unwrap();
                let run = run_in(mode, &input, &out);
                let mut why = Vec::new();
                if run.code != Some(2) {
                    why.push(format!("exit {:?}, expected 2", run.code));
                }
                if !run.stderr.contains("hostile.o") {
                    why.push("error does not name the file".into());
                }
                if fs::read(&input).unwrap() != bytes {
                    why.push("input modified".into());
                }
                let left = dir_entries(dir.path());
                if left != ["hostile.o"] {
                    why.push(format!("files left: {left:?}"));
                }
                if !why.is_empty() {
                    failures.push(format!(
                        "{name} | helper-bind {}: {} [stderr: {}]",
                        mode.join(" "),
                        why.join("; "),
                        run.stderr.trim()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} broken promises:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn unbind_output_is_readable_or_nothing_is_written() {
    // Found by fuzzing (mutate_object): a code section without relocations whose sh_type is
    // SHT_NULL (flags still AX) was unbound into a new `.rel<name>` that the reader then refused ("relocation target
    // section ... out of range"): unbind wrote an object no other subcommand accepts.
    let mut failures = Vec::new();
    for (label, obj) in bases() {
        let code: Vec<Section> = obj
            .sections
            .iter()
            .filter(|s| s.flags & SHF_EXECINSTR != 0 && s.size > 0)
            .cloned()
            .collect();
        for c in code {
            for (what, sh_type) in [("SHT_NULL", 0u32), ("SHT_NOBITS", 8), ("SHT_REL", SHT_REL)] {
                let bytes = obj.with(|o| o.put_u32(c.field(shdr::TYPE), sh_type));
                let name = format!("{label} {} turned {what}", c.name);
                match unbind_refuses_or_writes_listable(&bytes) {
                    Ok(_) => {}
                    Err(why) => failures.push(format!("{name}: {why}")),
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn tables_flagged_executable_are_not_grown_into_broken_code() {
    // Found by fuzzing (unbind, 2026-12-05): `.BTF` flagged SHF_EXECINSTR with a size of whole
    // instructions reads as a code section; unbind grew it by a size that is not, and wrote an
    // object the reader refuses ("code section size ... is not a multiple of 8").
    let mut failures = Vec::new();
    for (label, obj) in bases() {
        let btf = obj.section(".BTF").clone();
        let bytes = obj.with(|o| {
            o.put_u64(btf.field(shdr::FLAGS), btf.flags | SHF_EXECINSTR);
            // Whole instructions, so the reader accepts the input (the bytes past the BTF
            // header's lengths are ignored by BTF readers).
            o.put_u64(btf.field(shdr::SIZE), btf.size.div_ceil(8) * 8);
        });
        match unbind_refuses_or_writes_listable(&bytes) {
            Ok(Some(stderr)) => assert!(stderr.contains(".BTF"), "{label}: {stderr}"),
            Ok(None) => {}
            Err(why) => failures.push(format!("{label}: {why}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn empty_tables_claiming_huge_entries_are_refused_not_allocated() {
    // Found by fuzzing (unbind, 2026-12-05): an empty relocation table with sh_entsize 1.4e17
    // passes the reader (0 bytes are whole entries of any size); unbind then allocated that
    // much for each entry it adds. The same holds for an empty symbol table.
    let mut cases = 0;
    for (label, obj) in bases() {
        let tables: Vec<Section> = obj
            .sections
            .iter()
            .filter(|s| s.sh_type == SHT_SYMTAB || s.name == ".relxdp")
            .cloned()
            .collect();
        for t in tables {
            let bytes = obj.with(|o| {
                o.put_u64(t.field(shdr::SIZE), 0);
                o.put_u64(t.field(shdr::ENTSIZE), 1 << 56);
            });
            let dir = tempfile::tempdir().unwrap();
            let input = dir.path().join("hostile.o");
            let out = dir.path().join("out.o");
            fs::write(&input, &bytes).unwrap();
            // Under the helper's address-space cap, an attempt to allocate would abort.
            let run = run_in(UNBIND, &input, &out);
            assert_eq!(run.code, Some(2), "{label} {}: {run:?}", t.name);
            assert!(!out.exists(), "{label} {}", t.name);
            assert_eq!(fs::read(&input).unwrap(), bytes);
            cases += 1;
        }
    }
    assert!(cases >= 6, "only {cases} cases: the bases changed");
}

#[test]
fn a_section_name_table_that_is_no_string_table_is_not_grown() {
    // Found by fuzzing (check -> rebind, 2026-12-05): e_shstrndx naming a relocation section
    // (whose bytes happen to read as names), and a code section whose relocation section lost
    // its type, so unbind must add and name a new `.rel<name>`: it appended the name to the
    // relocation section, leaving it with partial entries: exit 0 and an object nothing reads.
    let mut cases = 0;
    let mut failures = Vec::new();
    for (label, obj) in bases() {
        let max_name = obj
            .sections
            .iter()
            .map(|s| obj.u32_at(s.field(shdr::NAME)))
            .max()
            .unwrap_or(0);
        let Some(names) = obj
            .sections
            .iter()
            .filter(|s| s.sh_type == SHT_REL && s.size > u64::from(max_name) + 64)
            .filter(|s| obj.bytes[(s.offset + s.size) as usize - 1] == 0)
            .max_by_key(|s| s.size)
            .cloned()
        else {
            continue;
        };
        let code_rels: Vec<Section> = obj
            .sections
            .iter()
            .filter(|s| s.sh_type == SHT_REL && s.index != names.index)
            .filter(|s| obj.sections[s.info as usize].flags & SHF_EXECINSTR != 0)
            .cloned()
            .collect();
        for lost in code_rels {
            let bytes = obj.with(|o| {
                o.put_u16(ehdr::SHSTRNDX, names.index as u16);
                o.put_u32(lost.field(shdr::TYPE), 0);
            });
            let case = format!(
                "{label} names in [{}], [{}] untyped",
                names.index, lost.index
            );
            match unbind_refuses_or_writes_listable(&bytes) {
                Ok(Some(_)) => cases += 1,
                Ok(None) => {}
                Err(why) => failures.push(format!("{case}: {why}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        cases > 0,
        "no case reached unbind's naming of a new section"
    );
}

#[test]
fn a_btf_section_typed_as_addrsig_is_not_rewritten_as_one() {
    // Found by fuzzing (mutate_object, 2026-12-05): `.BTF` with sh_type SHT_LLVM_ADDRSIG.
    // unbind rewrote it as an address-significance table (new symbol indices over the BTF
    // magic) and exited 0; `list` and a second unbind then refused the object's BTF.
    let mut failures = Vec::new();
    for (label, obj) in bases() {
        let btf = obj.section(".BTF").clone();
        let bytes = obj.with(|o| o.put_u32(btf.field(shdr::TYPE), 0x6fff_4c03));
        match unbind_refuses_or_writes_listable(&bytes) {
            Ok(_) => {}
            Err(why) => failures.push(format!("{label}: {why}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
