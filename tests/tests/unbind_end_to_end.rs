//! `helper-bind unbind` on our programs' early-bound builds: the result looks like what clang
//! emits for extern helpers (the late-bound build of the same source), `bpftool gen object`
//! accepts it, and binding it again for the same platform gives back the early build's code,
//! which the kernel loads and runs like the original.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use integration_tests::compile::{
    compile_named, compile_with, programs, Binding, Endian, Platform, Program,
};
use integration_tests::differential::{file_bytes, ExpectedId, HeaderIds, WindowsIds};
use integration_tests::elf_view::{ElfView, Reloc, CALL_OPCODE, R_BPF_64_32};
use integration_tests::kernel;
use integration_tests::oracle::{assert_btf_kept, assert_same_behaviour, kernel_unavailable, load};
use integration_tests::{scratch_dir, tool};

fn unbind(platform: Platform, input: &Path, out: &Path) {
    let before = file_bytes(input);
    tool::run_ok([
        "unbind".as_ref(),
        "--from".as_ref(),
        platform.name().as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
        input.as_os_str(),
    ]);
    assert_eq!(before, file_bytes(input), "unbind modified its input");
}

fn ids(platform: Platform) -> Box<dyn ExpectedId> {
    match platform {
        Platform::Linux => Box::new(HeaderIds::read(Platform::Linux)),
        Platform::Windows => Box::new(WindowsIds::read()),
    }
}

/// Compares the unbound early build with clang's late-bound build: the same instructions,
/// except where the source itself called a helper by number (which unbind names too); every
/// late-bound relocation present at the same place, against the same symbol or, where the
/// late build spells the helper differently (Windows printk and aliases), a symbol whose ID
/// is the one the early build calls.
fn unbound_problems(
    early: &ElfView,
    late: &ElfView,
    unbound: &ElfView,
    ids: &dyn ExpectedId,
) -> Vec<String> {
    let mut problems = Vec::new();
    for late_section in late.code_sections() {
        let Some(section) = unbound.find_section(&late_section.name) else {
            problems.push(format!("{}: missing", late_section.name));
            continue;
        };
        let early_section = early.section(&late_section.name);
        let numeric_in_source: BTreeSet<u64> = late
            .calls()
            .iter()
            .filter(|c| c.section == late_section.name && c.src_reg == 0)
            .map(|c| c.index as u64 * 8)
            .collect();
        for (index, (a, b)) in late_section
            .data
            .chunks(8)
            .zip(section.data.chunks(8))
            .enumerate()
        {
            let offset = index as u64 * 8;
            if a != b && !(a[0] == CALL_OPCODE && numeric_in_source.contains(&offset)) {
                problems.push(format!("{}[{index}]: {a:02x?} vs {b:02x?}", section.name));
            }
        }
        if late_section.data.len() != section.data.len() {
            problems.push(format!("{}: size differs", section.name));
        }
        let unbound_relocs: Vec<&Reloc> = section.relocations.iter().collect();
        for reloc in &late_section.relocations {
            let found = unbound_relocs
                .iter()
                .find(|r| r.offset == reloc.offset && r.r_type == reloc.r_type);
            let early_imm = early_section
                .data
                .get(reloc.offset as usize..reloc.offset as usize + 8)
                .map(|insn| early.imm(insn));
            let same_helper = |r: &Reloc| {
                r.symbol == reloc.symbol
                    || (reloc.undefined
                        && r.undefined
                        && early_imm.is_some_and(|id| {
                            ids.accepts(&reloc.symbol, id) && ids.accepts(&r.symbol, id)
                        }))
            };
            match found {
                Some(r) if same_helper(r) => {}
                other => problems.push(format!(
                    "{}: late relocation {reloc:?}, unbound {other:?}",
                    section.name
                )),
            }
        }
        // Each added relocation names the helper the source called by number.
        for reloc in &section.relocations {
            let in_late = late_section
                .relocations
                .iter()
                .any(|r| r.offset == reloc.offset);
            let names_numeric_call =
                reloc.r_type == R_BPF_64_32 && numeric_in_source.contains(&reloc.offset);
            if !(in_late || names_numeric_call) {
                problems.push(format!("{}: unexpected relocation {reloc:?}", section.name));
            }
        }
    }
    problems
}

/// Runs `check` for every program of both platforms, both byte orders, built with BTF and
/// without (`-g0`). Without BTF a kfunc is an unknown extern, so the kfunc program is left out
/// of the `-g0` round.
fn each_build(mut check: impl FnMut(&Program, Endian, &[&str], &Path)) {
    let dir = scratch_dir();
    for platform in [Platform::Linux, Platform::Windows] {
        for program in programs(platform) {
            for variant in [&[][..], &["-g0"][..]] {
                if !variant.is_empty() && program.name == "kfunc" {
                    continue;
                }
                for endian in Endian::BOTH {
                    check(&program, endian, variant, dir.path());
                }
            }
        }
    }
}

#[test]
fn unbound_early_build_looks_like_clangs_late_build() {
    each_build(|program, endian, variant, dir| {
        let early_path = compile_with(program, endian, Binding::Early, variant, dir);
        let late = ElfView::read(&compile_with(program, endian, Binding::Late, variant, dir));
        let unbound_path = early_path.with_extension("unbound.o");
        unbind(program.platform, &early_path, &unbound_path);
        let early = ElfView::read(&early_path);
        let unbound = ElfView::read(&unbound_path);
        let problems = unbound_problems(&early, &late, &unbound, ids(program.platform).as_ref());
        assert!(
            problems.is_empty(),
            "{program} {endian:?} {variant:?}:\n{}",
            problems.join("\n")
        );
    });
}

#[test]
fn binding_the_unbound_object_gives_back_the_early_code() {
    each_build(|program, endian, variant, dir| {
        let early_path = compile_with(program, endian, Binding::Early, variant, dir);
        let unbound = early_path.with_extension("unbound.o");
        let rebound = early_path.with_extension("rebound.o");
        unbind(program.platform, &early_path, &unbound);
        tool::bind(program.platform.name(), &unbound, &rebound);
        let early = ElfView::read(&early_path);
        let rebound = ElfView::read(&rebound);
        for section in early.code_sections() {
            let out = rebound.section(&section.name);
            assert_eq!(
                section.data, out.data,
                "{program} {endian:?} {variant:?} {}",
                section.name
            );
            let mut a = section.relocations.clone();
            let mut b = out.relocations.clone();
            a.sort();
            b.sort();
            assert_eq!(
                a, b,
                "{program} {endian:?} {variant:?} {}: relocations",
                section.name
            );
        }
        assert_eq!(
            early.undefined_symbols(),
            rebound.undefined_symbols(),
            "{program} {endian:?} {variant:?}: undefined symbols"
        );
    });
}

/// Unbound objects are valid linker input, and unbind → bind loads and behaves like the
/// original early build in the kernel.
#[test]
fn unbound_objects_link_and_rebound_objects_run_like_the_original() {
    let dir = scratch_dir();
    let kernel_ok =
        !kernel_unavailable("unbound_objects_link_and_rebound_objects_run_like_the_original");
    for program in programs(Platform::Linux) {
        let early = compile_named(&program, Binding::Early, dir.path());
        let unbound = in_subdir(dir.path(), "unbound", &early);
        unbind(Platform::Linux, &early, &unbound);

        let linked = in_subdir(dir.path(), "linked", &early);
        if let Err(e) = kernel::bpftool([
            "gen".as_ref(),
            "object".as_ref(),
            linked.as_os_str(),
            unbound.as_os_str(),
        ]) {
            panic!("{program}: bpftool gen object refuses the unbound object:\n{e}");
        }
        assert!(
            !ElfView::read(&linked).undefined_symbols().is_empty(),
            "{program}: the linked object should still call helpers by name"
        );

        if kernel_ok {
            let rebound = in_subdir(dir.path(), "rebound", &early);
            tool::bind("linux", &linked, &rebound);
            let early_pins = load(&early);
            let rebound_pins = load(&rebound);
            assert_btf_kept(&rebound_pins, &format!("{program} unbound, linked, bound"));
            assert_same_behaviour(&early_pins, &rebound_pins, &program.to_string());
        }
    }
}

/// `dir/<sub>/<file name of like>`: same file name, so libbpf names internal maps alike.
fn in_subdir(dir: &Path, sub: &str, like: &Path) -> PathBuf {
    let sub = dir.join(sub);
    std::fs::create_dir_all(&sub).unwrap();
    sub.join(like.file_name().unwrap())
}
