//! `--helpers FILE`: helpers a platform's built-in table does not have (a made-up Linux
//! helper, a made-up Windows extension with its own program type) bind from a BPF_HELPER
//! header to exactly the early-bound build's code; without the file they are refused.

use integration_tests::compile::{
    bpf_sources_dir, compile, extra_program, Binding, Endian, Platform,
};
use integration_tests::differential::{bound_matches, late_matches_early, HeaderIds};
use integration_tests::elf_view::ElfView;
use integration_tests::{scratch_dir, tool};

const CASES: [(&str, &str, Platform, &str); 2] = [
    (
        "ext/linux_uses_ext.c",
        "ext/linux_ext_helpers.h",
        Platform::Linux,
        "hb_ext_count",
    ),
    (
        "ext/windows_uses_ext.c",
        "ext/windows_ext_helpers.h",
        Platform::Windows,
        "hb_ext_emit_pair",
    ),
];

#[test]
fn extension_helpers_bind_like_the_early_build() {
    let dir = scratch_dir();
    for (source, helpers, platform, _) in CASES {
        let program = extra_program(source, platform);
        let helpers = bpf_sources_dir().join(helpers);
        let ids = HeaderIds::read(platform).with_file(&helpers);
        for endian in Endian::BOTH {
            let early_path = compile(&program, endian, Binding::Early, dir.path());
            let late_path = compile(&program, endian, Binding::Late, dir.path());
            let early = ElfView::read(&early_path);
            let late = ElfView::read(&late_path);
            let problems = late_matches_early(&early, &late, &ids);
            assert!(problems.is_empty(), "{program} {endian:?}:\n{problems}");

            let bound_path =
                dir.path()
                    .join(format!("{}-{}-bound.o", program.name, endian.target()));
            tool::run_ok([
                "--platform".as_ref(),
                platform.name().as_ref(),
                "--helpers".as_ref(),
                helpers.as_os_str(),
                "-o".as_ref(),
                bound_path.as_os_str(),
                late_path.as_os_str(),
            ]);
            let problems = bound_matches(&early, &late, &ElfView::read(&bound_path));
            assert!(problems.is_empty(), "{program} {endian:?}:\n{problems}");
        }
    }
}

#[test]
fn extension_helpers_without_the_file_are_refused() {
    let dir = scratch_dir();
    for (source, _, platform, helper) in CASES {
        let program = extra_program(source, platform);
        let late = compile(&program, Endian::Little, Binding::Late, dir.path());
        let out = dir.path().join("out.o");
        let output = tool::run([
            "--platform".as_ref(),
            platform.name().as_ref(),
            "-o".as_ref(),
            out.as_os_str(),
            late.as_os_str(),
        ]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{program}: {stderr}");
        assert!(
            stderr.contains(helper),
            "{program}: {helper} not named:\n{stderr}"
        );
        assert!(!out.exists(), "{program}: output written");
    }
}
