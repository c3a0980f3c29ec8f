//! Differential proof for eBPF for Windows: every program under `tests/bpf/windows/`, both
//! byte orders, early-bound with the generated Windows header and late-bound, then bound with
//! `helper-bind --platform windows`: every code section must equal the early build. Covers
//! program-type helpers chosen by section prefix, printk by argument count and an alias.

use integration_tests::compile::{compile, programs, Binding, Endian, Platform};
use integration_tests::differential::{bind_and_compare, late_matches_early, WindowsIds};
use integration_tests::elf_view::ElfView;
use integration_tests::scratch_dir;

#[test]
fn late_bound_build_calls_each_helper_by_name() {
    let ids = WindowsIds::read();
    assert!(
        ids.aliases().contains_key("bpf_memcpy"),
        "the Windows header should spell the bpf_memcpy alias"
    );
    let dir = scratch_dir();
    let mut names_called = std::collections::BTreeSet::new();
    for program in programs(Platform::Windows) {
        for endian in Endian::BOTH {
            let early = ElfView::read(&compile(&program, endian, Binding::Early, dir.path()));
            let late = ElfView::read(&compile(&program, endian, Binding::Late, dir.path()));
            let problems = late_matches_early(&early, &late, &ids);
            assert!(problems.is_empty(), "{program} {endian:?}:\n{problems}");
            names_called.extend(late.calls().into_iter().filter_map(|c| c.target));
        }
    }
    // The cases the Windows rules are about must really be in the programs.
    for name in [
        "bpf_trace_printk",
        "bpf_memcpy",
        "bpf_xdp_adjust_head",
        "bpf_sock_addr_set_redirect_context",
        "bpf_sock_ops_get_flow_id",
    ] {
        assert!(names_called.contains(name), "no program calls {name}");
    }
}

#[test]
fn bound_code_equals_early_build() {
    let dir = scratch_dir();
    for program in programs(Platform::Windows) {
        for endian in Endian::BOTH {
            let problems = bind_and_compare(&program, endian, &[], dir.path());
            assert!(problems.is_empty(), "{program} {endian:?}:\n{problems}");
        }
    }
}

/// Every BPF ISA version clang targets, and builds without BTF (`-g0`).
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
    for program in programs(Platform::Windows) {
        for variant in variants {
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
