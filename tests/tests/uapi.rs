//! `--uapi PATH/bpf.h`: Linux helper IDs taken from a kernel's own UAPI header (the oracles
//! `scripts/setup-test-env` extracts) bind our programs exactly like the built-in table, and
//! a helper the given kernel does not have is refused.

use std::path::Path;

use integration_tests::compile::{
    compile, extra_program, oracle_bpf_h, programs, Binding, Endian, Platform,
};
use integration_tests::differential::file_bytes;
use integration_tests::{scratch_dir, tool};

fn bind_with_uapi(uapi: &Path, input: &Path, out: &Path) -> std::process::Output {
    tool::run([
        "--platform".as_ref(),
        "linux".as_ref(),
        "--uapi".as_ref(),
        uapi.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        input.as_os_str(),
    ])
}

#[test]
fn every_kernels_uapi_header_binds_like_the_builtin_table() {
    let dir = scratch_dir();
    for program in programs(Platform::Linux) {
        for endian in Endian::BOTH {
            let late = compile(&program, endian, Binding::Late, dir.path());
            let builtin = dir.path().join("builtin.o");
            tool::bind("linux", &late, &builtin);
            for kernel in ["linux-6.1", "linux-6.12", "linux-unstable"] {
                let out = dir.path().join(format!("{kernel}.o"));
                let output = bind_with_uapi(&oracle_bpf_h(kernel), &late, &out);
                assert!(
                    output.status.success(),
                    "{program} {endian:?} {kernel}: {}",
                    String::from_utf8_lossy(&output.stderr)
                );
                assert_eq!(
                    file_bytes(&out),
                    file_bytes(&builtin),
                    "{program} {endian:?}: --uapi {kernel} differs from the built-in table"
                );
            }
        }
    }
}

#[test]
fn a_helper_newer_than_the_uapi_header_is_refused() {
    let dir = scratch_dir();
    let program = extra_program("errors/newer_helper.c", Platform::Linux);
    let late = compile(&program, Endian::Little, Binding::Late, dir.path());

    let out = dir.path().join("old.o");
    let output = bind_with_uapi(&oracle_bpf_h("linux-6.1"), &late, &out);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("bpf_cgrp_storage_get"), "{stderr}");
    assert!(!out.exists());

    let out = dir.path().join("new.o");
    let output = bind_with_uapi(&oracle_bpf_h("linux-6.12"), &late, &out);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let calls = integration_tests::elf_view::ElfView::read(&out).calls();
    assert!(
        calls.iter().any(|c| c.src_reg == 0 && c.imm == 210),
        "bpf_cgrp_storage_get not bound to 210: {calls:?}"
    );
}
