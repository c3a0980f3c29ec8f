//! Bad input through the CLI and the library: a clear error (file, section, offset), exit 2,
//! no panic, no output written, input unchanged.

mod support;

use std::fs;
use std::path::Path;

use helper_bind::elf::{Endian, R_BPF_64_32};
use helper_bind::insn::{Insn, OP_CALL};
use helper_bind::platform::{Platform, PlatformKind};
use helper_bind::synth::ObjectBuilder;
use helper_bind::{bind, BindFailure, BindOptions};
use support::*;

fn call() -> [u8; 8] {
    Insn {
        code: OP_CALL,
        dst: 0,
        src: 1,
        off: 0,
        imm: -1,
    }
    .encode(Endian::Little)
}

fn good_object() -> Vec<u8> {
    let mut b = ObjectBuilder::new(Endian::Little);
    let text = b.code_section("xdp", &[call(), [0x95, 0, 0, 0, 0, 0, 0, 0]]);
    let s = b.undefined("bpf_ktime_get_ns");
    b.reloc(text, 0, s, R_BPF_64_32);
    b.build()
}

/// Runs bind in place and with -o on `bytes`; checks exit 2, the messages, no output, input kept.
fn refuse(dir: &Path, name: &str, bytes: &[u8], expect: &[&str]) {
    let input = dir.join(name);
    fs::write(&input, bytes).unwrap();
    let output = dir.join(format!("{name}.out"));
    for args in [
        vec!["--platform", "linux", input.to_str().unwrap()],
        vec![
            "--platform",
            "windows",
            "-o",
            output.to_str().unwrap(),
            input.to_str().unwrap(),
        ],
        vec!["list", input.to_str().unwrap()],
    ] {
        let (code, stderr) = status(&helper_bind(&args));
        assert_eq!(code, 2, "{name} {args:?}: {stderr}");
        assert!(
            stderr.contains(input.to_str().unwrap()),
            "{name}: no file name: {stderr}"
        );
        for e in expect {
            assert!(stderr.contains(e), "{name}: expected `{e}` in: {stderr}");
        }
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(fs::read(&input).unwrap(), bytes, "{name}: input changed");
        assert!(!output.exists(), "{name}: output written");
    }
    let leftovers: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".helper-bind-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn not_elf_wrong_class_wrong_machine() {
    let dir = tempfile::tempdir().unwrap();
    refuse(
        dir.path(),
        "text.o",
        b"int main() { return 0; }\n",
        &["not an ELF file"],
    );
    refuse(dir.path(), "empty.o", b"", &["not an ELF file"]);
    let mut obj = good_object();
    obj[4] = 1;
    refuse(
        dir.path(),
        "elf32.o",
        &obj,
        &["ELF class 1 is not 64-bit", "file offset 0x4"],
    );
    let mut obj = good_object();
    obj[18] = 62;
    refuse(
        dir.path(),
        "x86.o",
        &obj,
        &["e_machine 62 is not BPF", "file offset 0x12"],
    );
}

#[test]
fn truncated_at_every_structure_boundary() {
    let dir = tempfile::tempdir().unwrap();
    let late = compile(dir.path(), "maps_xdp.c", "linux", "bpf", true);
    let full = fs::read(&late).unwrap();
    let view = helper_bind::elf::ElfView::parse(&full).unwrap();
    let mut cuts = vec![5, 16, 63, 64, full.len() - 1];
    cuts.push(view.shoff as usize);
    cuts.push(view.shoff as usize + 64 * 3 + 10);
    for s in &view.sections {
        cuts.push(s.offset as usize + 1);
    }
    cuts.sort_unstable();
    cuts.dedup();
    for cut in cuts {
        refuse(dir.path(), &format!("cut{cut}.o"), &full[..cut], &[]);
    }
}

#[test]
fn section_outside_the_file_names_section_and_offset() {
    let dir = tempfile::tempdir().unwrap();
    let mut obj = good_object();
    let view = helper_bind::elf::ElfView::parse(&obj).unwrap();
    let h = view.sections[1].header_offset as usize;
    obj[h + 24..h + 32].copy_from_slice(&0x10_0000u64.to_le_bytes());
    refuse(
        dir.path(),
        "far.o",
        &obj,
        &["section [1]", "extends past the end of the file"],
    );
}

#[test]
fn relocation_not_on_a_call_and_symbol_out_of_range() {
    let dir = tempfile::tempdir().unwrap();
    let mut b = ObjectBuilder::new(Endian::Little);
    let text = b.code_section(
        "xdp",
        &[[0xb7, 1, 0, 0, 0, 0, 0, 0], [0x95, 0, 0, 0, 0, 0, 0, 0]],
    );
    let s = b.undefined("bpf_ktime_get_ns");
    b.reloc(text, 0, s, R_BPF_64_32);
    refuse(
        dir.path(),
        "notcall.o",
        &b.build(),
        &["section [1] `xdp`", "not on a call", "bpf_ktime_get_ns"],
    );

    let mut b = ObjectBuilder::new(Endian::Big);
    let text = b.code_section("xdp", &[call(), [0x95, 0, 0, 0, 0, 0, 0, 0]]);
    b.reloc(text, 0, 77, R_BPF_64_32);
    refuse(
        dir.path(),
        "badsym.o",
        &b.build(),
        &["`.relxdp`", "relocation symbol index 77 out of range"],
    );

    let mut b = ObjectBuilder::new(Endian::Little);
    let text = b.code_section("xdp", &[call()]);
    let s = b.undefined("bpf_ktime_get_ns");
    b.reloc(text, 4, s, R_BPF_64_32);
    refuse(
        dir.path(),
        "misaligned.o",
        &b.build(),
        &["not an 8-byte aligned instruction"],
    );
}

#[test]
fn corrupting_any_header_byte_never_panics_and_never_half_patches() {
    let dir = tempfile::tempdir().unwrap();
    let late = compile(dir.path(), "tc_kfunc.c", "linux", "bpf", true);
    let full = fs::read(&late).unwrap();
    let linux = Platform::builtin(PlatformKind::Linux);
    let view = helper_bind::elf::ElfView::parse(&full).unwrap();
    // The ELF header, every section header, and every byte of the symbol and relocation tables.
    let mut offsets: Vec<usize> = (0..64).collect();
    offsets.extend(view.shoff as usize..full.len());
    for s in &view.sections {
        if matches!(s.sh_type, 2 | 9) {
            offsets.extend(s.file_range());
        }
    }
    let mut refused = 0;
    for &at in &offsets {
        for value in [0x00u8, 0xff, 0x41] {
            let mut data = full.clone();
            if data[at] == value {
                continue;
            }
            data[at] = value;
            let before = data.clone();
            match bind(&mut data, &linux, BindOptions::default()) {
                Ok(_) => {}
                Err(e) => {
                    refused += 1;
                    assert_eq!(data, before, "offset {at:#x}: buffer changed on error {e}");
                    if let BindFailure::BadInput(e) = e {
                        assert!(!e.to_string().is_empty());
                    }
                }
            }
        }
    }
    assert!(refused > 100, "only {refused} corruptions refused");
}

/// xorshift64*: a small deterministic generator, so a failure names a reproducible case.
fn next(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_f491_4f6c_dd1d)
}

#[test]
fn random_corruption_anywhere_never_panics_bind_or_list() {
    let dir = tempfile::tempdir().unwrap();
    let iterations: u64 = std::env::var("HELPER_BIND_CORRUPTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let linux = Platform::builtin(PlatformKind::Linux);
    let windows = Platform::builtin(PlatformKind::Windows);
    let objects = [
        fs::read(compile(dir.path(), "tc_kfunc.c", "linux", "bpf", true)).unwrap(),
        fs::read(compile(
            dir.path(),
            "windows_types.c",
            "windows",
            "bpfeb",
            true,
        ))
        .unwrap(),
    ];
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for i in 0..iterations {
        let original = &objects[(i % 2) as usize];
        let mut data = original.clone();
        for _ in 0..1 + next(&mut state) % 4 {
            let at = (next(&mut state) % data.len() as u64) as usize;
            data[at] = next(&mut state) as u8;
        }
        let before = data.clone();
        for table in [&linux, &windows] {
            let mut copy = data.clone();
            if bind(&mut copy, table, BindOptions::default()).is_err() {
                assert_eq!(copy, before, "iteration {i}: changed on error");
            }
            let _ = helper_bind::list::list(&data, &[("p", table)]);
        }
    }
}
