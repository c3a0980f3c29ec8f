//! The `BPF_HELPER` header with clang-19 (`-target bpf`): without an override a program
//! compiles to the same object as with the kernel-style header; with
//! `-DBPF_HELPER_LATE_BINDING` every helper call is `call -1` with an `R_BPF_64_32`
//! relocation against the helper's name.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use bpf_doc_gen::{generate_file, Format, Options};
use object::{Object, ObjectSection, ObjectSymbol, RelocationFlags, RelocationTarget, SectionKind};

use object::elf::R_BPF_64_32;
const PROG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/c/count_packets.c");
/// The helpers count_packets.c calls, with their Linux IDs.
const CALLED: &[(&str, i32)] = &[
    ("bpf_get_smp_processor_id", 8),
    ("bpf_map_lookup_elem", 1),
    ("bpf_ktime_get_ns", 5),
    ("bpf_map_update_elem", 2),
    ("bpf_trace_printk", 6),
];

/// Writes `format` of the newest bpf.h as `dir/bpf_helper_defs.h`.
fn header(dir: &Path, format: Format) {
    let bpf_h = support::kernel("linux-unstable").join("bpf.h");
    let opts = Options {
        format,
        ..Options::default()
    };
    generate_file(&bpf_h, &dir.join("bpf_helper_defs.h"), &opts).unwrap();
}

fn clang(include: &Path, extra: &[&str], out: &Path) -> Vec<u8> {
    let status = Command::new("clang-19")
        .args(["-O2", "-target", "bpf", "-I/usr/include/x86_64-linux-gnu"])
        .arg(format!("-I{}", include.display()))
        .args(extra)
        .args(["-c", PROG, "-o"])
        .arg(out)
        .status()
        .expect("clang-19 runs (install it with scripts/setup-test-env)");
    assert!(status.success(), "clang-19 failed with {extra:?}");
    std::fs::read(out).unwrap()
}

struct Dirs {
    _tmp: tempfile::TempDir,
    classic: PathBuf,
    bpf_helper: PathBuf,
    out: PathBuf,
}

fn dirs() -> Dirs {
    let tmp = tempfile::tempdir().unwrap();
    let classic = tmp.path().join("classic");
    let bpf_helper = tmp.path().join("bpf_helper");
    let out = tmp.path().join("out");
    for d in [&classic, &bpf_helper, &out] {
        std::fs::create_dir(d).unwrap();
    }
    header(&classic, Format::Header);
    header(&bpf_helper, Format::BpfHelper);
    Dirs {
        _tmp: tmp,
        classic,
        bpf_helper,
        out,
    }
}

/// Every `call` instruction in executable sections: (section, offset, src_reg, imm).
fn calls(obj: &object::File<'_>) -> Vec<(String, u64, u8, i32)> {
    let mut v = Vec::new();
    for s in obj.sections().filter(|s| s.kind() == SectionKind::Text) {
        let data = s.data().unwrap();
        for (i, insn) in data.chunks_exact(8).enumerate() {
            if insn[0] == 0x85 {
                let imm = i32::from_le_bytes(insn[4..8].try_into().unwrap());
                v.push((
                    s.name().unwrap().to_string(),
                    i as u64 * 8,
                    insn[1] >> 4,
                    imm,
                ));
            }
        }
    }
    v
}

#[test]
fn early_binding_gives_the_same_object_as_the_kernel_header() {
    let d = dirs();
    let a = clang(&d.classic, &[], &d.out.join("classic.o"));
    let b = clang(&d.bpf_helper, &[], &d.out.join("bpf_helper.o"));
    assert!(a == b, "objects differ without -g");
    // The committed headers/linux/bpf_helper_defs.h (no docs) too.
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../headers/linux");
    let c = clang(&committed, &[], &d.out.join("committed.o"));
    assert!(
        a == c,
        "object with headers/linux/bpf_helper_defs.h differs"
    );

    // With -g only DWARF may differ (it records the header's line numbers); code,
    // relocations, maps, BTF and symbols must not.
    let a = clang(&d.classic, &["-g"], &d.out.join("classic-g.o"));
    let b = clang(&d.bpf_helper, &["-g"], &d.out.join("bpf_helper-g.o"));
    let (oa, ob) = (
        object::File::parse(&*a).unwrap(),
        object::File::parse(&*b).unwrap(),
    );
    let sections = |o: &object::File<'_>| -> BTreeMap<String, Vec<u8>> {
        o.sections()
            .map(|s| (s.name().unwrap().to_string(), s.data().unwrap().to_vec()))
            .filter(|(n, _)| !n.starts_with(".debug_") && !n.starts_with(".rel.debug_"))
            .collect()
    };
    let (sa, sb) = (sections(&oa), sections(&ob));
    assert!(sa.contains_key(".BTF") && sa.contains_key("xdp"));
    assert_eq!(sa.keys().collect::<Vec<_>>(), sb.keys().collect::<Vec<_>>());
    for (name, data) in &sa {
        assert!(data == &sb[name], "section {name} differs with -g");
    }

    // And those calls are the numeric Linux helper calls.
    let got: Vec<i32> = calls(&oa)
        .iter()
        .map(|c| {
            assert_eq!(c.2, 0, "early-bound call with src_reg {}", c.2);
            c.3
        })
        .collect();
    assert_eq!(got, CALLED.iter().map(|c| c.1).collect::<Vec<_>>());
}

#[test]
fn late_binding_switch_gives_relocated_call_minus_one() {
    let d = dirs();
    let bytes = clang(
        &d.bpf_helper,
        &["-g", "-DBPF_HELPER_LATE_BINDING"],
        &d.out.join("late.o"),
    );
    let obj = object::File::parse(&*bytes).unwrap();
    // Relocations of executable sections, by (section, offset).
    let mut relocs = BTreeMap::new();
    for s in obj.sections().filter(|s| s.kind() == SectionKind::Text) {
        for (off, r) in s.relocations() {
            let RelocationTarget::Symbol(idx) = r.target() else {
                continue;
            };
            let sym = obj.symbol_by_index(idx).unwrap();
            let RelocationFlags::Elf { r_type } = r.flags() else {
                panic!("not ELF")
            };
            relocs.insert(
                (s.name().unwrap().to_string(), off),
                (r_type, sym.name().unwrap().to_string(), sym.is_undefined()),
            );
        }
    }
    let calls = calls(&obj);
    assert_eq!(calls.len(), CALLED.len());
    for ((section, off, src, imm), (name, _)) in calls.iter().zip(CALLED) {
        assert_eq!((*src, *imm), (1, -1), "{name}: call -1 with src_reg 1");
        let (r_type, sym, undefined) = &relocs[&(section.clone(), *off)];
        assert_eq!(
            (*r_type, sym.as_str(), *undefined),
            (R_BPF_64_32, *name, true)
        );
    }
}

/// Every bpf.h generation, in both header formats and both styles, gives a header that
/// clang-19 compiles warning-free (-Wall -Werror) with count_packets.c.
#[test]
fn every_generation_gives_a_warning_free_header() {
    let mut inputs: Vec<PathBuf> = ["linux-6.1", "linux-6.12", "linux-unstable"]
        .iter()
        .map(|k| support::kernel(k).join("bpf.h"))
        .collect();
    inputs.extend(support::extra_bpf_h());
    let tmp = tempfile::tempdir().unwrap();
    for input in &inputs {
        for format in [Format::Header, Format::BpfHelper] {
            for compat in [bpf_doc_gen::Compat::Newest, bpf_doc_gen::Compat::Linux6_1] {
                let opts = Options {
                    format,
                    compat,
                    ..Options::default()
                };
                generate_file(input, &tmp.path().join("bpf_helper_defs.h"), &opts)
                    .unwrap_or_else(|e| panic!("{e}"));
                let what = format!("{} {format:?} {compat:?}", input.display());
                let status = Command::new("clang-19")
                    .args(["-O2", "-Wall", "-Werror", "-target", "bpf"])
                    .arg("-I/usr/include/x86_64-linux-gnu")
                    .arg(format!("-I{}", tmp.path().display()))
                    .args(["-c", PROG, "-o"])
                    .arg(tmp.path().join("p.o"))
                    .status()
                    .expect("clang-19 runs");
                assert!(status.success(), "{what} does not compile cleanly");
            }
        }
    }
}
