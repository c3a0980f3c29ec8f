//! Differential proof for Linux: every program under `tests/bpf/linux/`, both byte orders,
//! compiled early-bound (the generated header's IDs) and late-bound (extern helpers), then
//! bound with `helper-bind --platform linux`: every code section must equal the early build.

use integration_tests::compile::{compile, programs, Binding, Endian, Platform};
use integration_tests::differential::{
    bind_and_compare, file_bytes, late_matches_early, HeaderIds,
};
use integration_tests::elf_view::ElfView;
use integration_tests::{scratch_dir, tool};

/// The input helper-bind starts from: clang's late-bound output lines up call for call with
/// the early build, each helper called by name through an `R_BPF_64_32` relocation.
#[test]
fn late_bound_build_calls_each_helper_by_name() {
    let ids = HeaderIds::read(Platform::Linux);
    let dir = scratch_dir();
    for program in programs(Platform::Linux) {
        for endian in Endian::BOTH {
            let early = ElfView::read(&compile(&program, endian, Binding::Early, dir.path()));
            let late = ElfView::read(&compile(&program, endian, Binding::Late, dir.path()));
            let problems = late_matches_early(&early, &late, &ids);
            assert!(problems.is_empty(), "{program} {endian:?}:\n{problems}");
            assert!(
                early.undefined_symbols().len() < late.undefined_symbols().len(),
                "{program} {endian:?}: the late build should add undefined helper symbols"
            );
        }
    }
}

/// The proof: late-bound + helper-bind == early-bound, in every code section, both byte
/// orders; everything else is the input minus what binding promises to change.
#[test]
fn bound_code_equals_early_build() {
    let dir = scratch_dir();
    for program in programs(Platform::Linux) {
        for endian in Endian::BOTH {
            let problems = bind_and_compare(&program, endian, &[], dir.path());
            assert!(problems.is_empty(), "{program} {endian:?}:\n{problems}");
        }
    }
}

/// The same for every BPF ISA version clang can target (v1 has no 32-bit jumps, v4 adds
/// sign-extending moves and loads, byte swaps and long jumps) and for builds without debug
/// info or BTF (`-g0`). Without BTF nothing tells a kfunc from an unknown extern, so programs
/// that call kfuncs are left out of the `-g0` round.
#[test]
fn bound_code_equals_early_build_for_every_cpu_version_and_without_btf() {
    let dir = scratch_dir();
    let variants: [&[&str]; 5] = [
        &["-mcpu=v1"],
        &["-mcpu=v2"],
        &["-mcpu=v3"],
        &["-mcpu=v4"],
        &["-g0"],
    ];
    for program in programs(Platform::Linux) {
        for variant in variants {
            if variant == ["-g0"] && program.name == "kfunc" {
                continue;
            }
            for endian in Endian::BOTH {
                let problems = bind_and_compare(&program, endian, variant, dir.path());
                assert!(
                    problems.is_empty(),
                    "{program} {endian:?} {variant:?}:\n{problems}"
                );
            }
        }
    }
}

/// Binding in place (no `-o`) gives the same bytes as binding to a new file.
#[test]
fn in_place_binding_equals_output_file() {
    let dir = scratch_dir();
    let program = &programs(Platform::Linux)[0];
    for endian in Endian::BOTH {
        let late = compile(program, endian, Binding::Late, dir.path());
        let bound = dir.path().join("bound.o");
        tool::bind("linux", &late, &bound);
        tool::run_ok(["--platform".as_ref(), "linux".as_ref(), late.as_os_str()]);
        assert_eq!(
            file_bytes(&late),
            file_bytes(&bound),
            "{program} {endian:?}"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n.to_string_lossy().contains(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    }
}
