//! Moving an object between platforms. The early-bound build of a portable source for one
//! platform, rebound for the other (`--from P --platform Q`, or `unbind --from P` then
//! `--platform Q`), has exactly the code of the early-bound build of the same source for the
//! other platform; `check` tells beforehand whether that works; and a Windows build rebound
//! for Linux runs in the kernel like the Linux build.

use std::path::{Path, PathBuf};

use integration_tests::compile::{
    compile, compile_named, portable_programs, Binding, Endian, Platform, Program,
};
use integration_tests::elf_view::ElfView;
use integration_tests::oracle::{assert_btf_kept, assert_same_behaviour, kernel_unavailable, load};
use integration_tests::{scratch_dir, tool};

const BOTH_WAYS: [(Platform, Platform); 2] = [
    (Platform::Linux, Platform::Windows),
    (Platform::Windows, Platform::Linux),
];

fn portable(name: &str, platform: Platform) -> Program {
    portable_programs(platform)
        .into_iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("tests/bpf/portable/{name}.c"))
}

/// Asserts that `moved` has the code sections and undefined symbols of `native`.
fn assert_same_code(moved: &Path, native: &Path, label: &str) {
    let moved = ElfView::read(moved);
    let native = ElfView::read(native);
    let mut compared = 0;
    for section in native.code_sections() {
        assert_eq!(
            section.data,
            moved.section(&section.name).data,
            "{label}: {} differs from the native build",
            section.name
        );
        compared += 1;
    }
    assert!(compared > 0, "{label}: no code");
    assert_eq!(
        moved.undefined_symbols(),
        native.undefined_symbols(),
        "{label}"
    );
}

/// `helper-bind --from FROM --platform TO [extra] -o OUT INPUT`.
fn rebind(
    from: Platform,
    to: Platform,
    input: &Path,
    extra: &[&str],
) -> (std::process::Output, PathBuf) {
    let out = input.with_extension(format!("to-{}.o", to.name()));
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "--from".as_ref(),
        from.name().as_ref(),
        "--platform".as_ref(),
        to.name().as_ref(),
    ];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    args.extend(["-o".as_ref(), out.as_os_str(), input.as_os_str()]);
    (tool::run(args), out)
}

fn check(from: Platform, to: Platform, input: &Path) -> std::process::Output {
    tool::run([
        "check".as_ref(),
        "--from".as_ref(),
        from.name().as_ref(),
        "--platform".as_ref(),
        to.name().as_ref(),
        input.as_os_str(),
    ])
}

/// Both builds of `name` for one direction and byte order: (source build, native build).
fn builds(
    name: &str,
    from: Platform,
    to: Platform,
    endian: Endian,
    dir: &Path,
) -> (PathBuf, PathBuf) {
    let from_dir = dir.join(from.name());
    let to_dir = dir.join(to.name());
    std::fs::create_dir_all(&from_dir).unwrap();
    std::fs::create_dir_all(&to_dir).unwrap();
    (
        compile(&portable(name, from), endian, Binding::Early, &from_dir),
        compile(&portable(name, to), endian, Binding::Early, &to_dir),
    )
}

#[test]
fn unbind_then_bind_equals_the_native_build() {
    let dir = scratch_dir();
    for (from, to) in BOTH_WAYS {
        for program in portable_programs(from) {
            for endian in Endian::BOTH {
                let label = format!("{program} {endian:?} {} -> {}", from.name(), to.name());
                let (source_build, native) = builds(&program.name, from, to, endian, dir.path());
                let unbound = source_build.with_extension("unbound.o");
                let moved = source_build.with_extension("moved.o");
                tool::run_ok([
                    "unbind".as_ref(),
                    "--from".as_ref(),
                    from.name().as_ref(),
                    "-o".as_ref(),
                    unbound.as_os_str(),
                    source_build.as_os_str(),
                ]);
                tool::bind(to.name(), &unbound, &moved);
                assert_same_code(&moved, &native, &label);
            }
        }
    }
}

/// `clean.c` uses only helpers with the same widths on both platforms: `check` passes and
/// the one-step rebind gives the native build's code.
#[test]
fn rebind_equals_the_native_build_and_check_agrees() {
    let dir = scratch_dir();
    for (from, to) in BOTH_WAYS {
        for endian in Endian::BOTH {
            let label = format!("clean.c {endian:?} {} -> {}", from.name(), to.name());
            let (source_build, native) = builds("clean", from, to, endian, dir.path());
            let verdict = check(from, to, &source_build);
            assert_eq!(
                verdict.status.code(),
                Some(0),
                "{label}: check:\n{}",
                String::from_utf8_lossy(&verdict.stdout)
            );
            let (output, moved) = rebind(from, to, &source_build, &[]);
            assert!(
                output.status.success(),
                "{label}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            assert_same_code(&moved, &native, &label);
        }
    }
}

/// `counters.c` calls bpf_xdp_adjust_head, which returns `long` on Linux and `int` on
/// Windows: `check` fails naming it, rebind refuses without writing, and with
/// --allow-prototype-differences (the program ignores the return value) gives the native
/// build's code.
#[test]
fn prototype_differences_are_refused_unless_allowed() {
    let dir = scratch_dir();
    for (from, to) in BOTH_WAYS {
        for endian in Endian::BOTH {
            let label = format!("counters.c {endian:?} {} -> {}", from.name(), to.name());
            let (source_build, native) = builds("counters", from, to, endian, dir.path());
            let verdict = check(from, to, &source_build);
            let table = String::from_utf8_lossy(&verdict.stdout);
            assert_eq!(verdict.status.code(), Some(1), "{label}: check:\n{table}");
            assert!(table.contains("bpf_xdp_adjust_head"), "{label}: {table}");

            let (output, moved) = rebind(from, to, &source_build, &[]);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(1), "{label}: {stderr}");
            assert!(stderr.contains("bpf_xdp_adjust_head"), "{label}: {stderr}");
            assert!(!moved.exists(), "{label}: output written");

            let (output, moved) =
                rebind(from, to, &source_build, &["--allow-prototype-differences"]);
            assert!(
                output.status.success(),
                "{label}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            assert_same_code(&moved, &native, &label);
        }
    }
}

/// The strongest form: an object compiled for Windows, rebound for Linux, loads in this
/// kernel with its BTF and behaves exactly like the Linux build of the same source.
#[test]
fn windows_build_rebound_for_linux_runs_like_the_linux_build() {
    if kernel_unavailable("windows_build_rebound_for_linux_runs_like_the_linux_build") {
        return;
    }
    let dir = scratch_dir();
    let linux = compile_named(
        &portable("clean", Platform::Linux),
        Binding::Early,
        &dir.path().join("linux"),
    );
    let windows = compile_named(
        &portable("clean", Platform::Windows),
        Binding::Early,
        &dir.path().join("windows"),
    );
    let rebound_dir = dir.path().join("rebound");
    std::fs::create_dir_all(&rebound_dir).unwrap();
    let rebound = rebound_dir.join(windows.file_name().unwrap());
    tool::run_ok([
        "--from".as_ref(),
        "windows".as_ref(),
        "--platform".as_ref(),
        "linux".as_ref(),
        "-o".as_ref(),
        rebound.as_os_str(),
        windows.as_os_str(),
    ]);
    let linux_pins = load(&linux);
    let rebound_pins = load(&rebound);
    assert_btf_kept(
        &rebound_pins,
        "clean.c built for Windows, rebound for Linux",
    );
    assert_same_behaviour(&linux_pins, &rebound_pins, "clean.c windows -> linux");
}
