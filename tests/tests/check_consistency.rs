//! `check` and binding agree: an object `check` passes always binds, an object binding
//! refuses never passes `check`, and every program binds cleanly on the platform it was
//! written for. Over all our late-bound programs and error sources, for both targets.

use std::path::Path;

use integration_tests::compile::{
    compile, extra_program, programs, Binding, Endian, Platform, Program,
};
use integration_tests::elf_view::ElfView;
use integration_tests::{scratch_dir, tool};

fn status(output: &std::process::Output) -> Option<i32> {
    output.status.code()
}

fn all_programs() -> Vec<Program> {
    let mut all = programs(Platform::Linux);
    all.extend(programs(Platform::Windows));
    for source in [
        "errors/misspelled_helper.c",
        "errors/newer_helper.c",
        "link/part_b.c",
    ] {
        all.push(extra_program(source, Platform::Linux));
    }
    for source in [
        "errors/windows_helper_outside_type.c",
        "errors/windows_subprog_two_types.c",
        "errors/windows_printk_arity_unknown.c",
    ] {
        all.push(extra_program(source, Platform::Windows));
    }
    all
}

fn check(from: Platform, to: Platform, input: &Path, json: bool) -> std::process::Output {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "check".as_ref(),
        "--from".as_ref(),
        from.name().as_ref(),
        "--platform".as_ref(),
        to.name().as_ref(),
    ];
    if json {
        args.push("--json".as_ref());
    }
    args.push(input.as_os_str());
    tool::run(args)
}

#[test]
fn check_and_bind_agree() {
    let dir = scratch_dir();
    let mut seen = std::collections::BTreeSet::new();
    for program in all_programs() {
        let input = compile(&program, Endian::Little, Binding::Late, dir.path());
        for target in [Platform::Linux, Platform::Windows] {
            let label = format!("{program} for {}", target.name());
            let checked = check(program.platform, target, &input, false);
            let out = dir.path().join("bound.o");
            let _ = std::fs::remove_file(&out);
            let bound = tool::run([
                "--platform".as_ref(),
                target.name().as_ref(),
                "-o".as_ref(),
                out.as_os_str(),
                input.as_os_str(),
            ]);
            let (c, b) = (status(&checked), status(&bound));
            seen.insert((c, b));
            assert!(matches!(c, Some(0 | 1)), "{label}: check exit {c:?}");
            if c == Some(0) {
                assert_eq!(
                    b,
                    Some(0),
                    "{label}: check passes but binding fails:\n{}",
                    String::from_utf8_lossy(&bound.stderr)
                );
            }
            if b == Some(1) {
                assert_eq!(c, Some(1), "{label}: binding refuses but check passes");
            }
            if target == program.platform
                && program.source.parent().unwrap().ends_with(target.name())
            {
                assert_eq!(
                    c,
                    Some(0),
                    "{label}: a program does not check clean on its own platform:\n{}",
                    String::from_utf8_lossy(&checked.stdout)
                );
            }
            let json = check(program.platform, target, &input, true);
            assert_eq!(status(&json), c, "{label}: --json changes the exit status");
            let report: serde_json::Value =
                serde_json::from_slice(&json.stdout).unwrap_or_else(|e| panic!("{label}: {e}"));
            assert_eq!(
                report["binds_cleanly"].as_bool(),
                Some(c == Some(0)),
                "{label}: binds_cleanly disagrees with the exit status"
            );
        }
    }
    // Both outcomes must occur, or the implications above were never exercised.
    assert!(seen.contains(&(Some(0), Some(0))), "{seen:?}");
    assert!(seen.contains(&(Some(1), Some(1))), "{seen:?}");
}

/// An early build checked and rebound for the platform it was built for: `check` passes and
/// `--from P --platform P` changes no instruction (each numeric call is unbound and bound
/// back to the same ID). Every numeric call is resolved on its own: two different calls in
/// one section must not share a verdict.
#[test]
fn early_builds_check_clean_and_rebind_to_themselves() {
    let dir = scratch_dir();
    for platform in [Platform::Linux, Platform::Windows] {
        for program in programs(platform) {
            for endian in Endian::BOTH {
                let label = format!("{program} {endian:?}");
                let early = compile(&program, endian, Binding::Early, dir.path());
                let checked = check(platform, platform, &early, false);
                assert_eq!(
                    status(&checked),
                    Some(0),
                    "{label}: check --from {0} --platform {0}:\n{1}",
                    platform.name(),
                    String::from_utf8_lossy(&checked.stdout)
                );
                let rebound = early.with_extension("rebound.o");
                tool::run_ok([
                    "--from".as_ref(),
                    platform.name().as_ref(),
                    "--platform".as_ref(),
                    platform.name().as_ref(),
                    "-o".as_ref(),
                    rebound.as_os_str(),
                    early.as_os_str(),
                ]);
                let early = ElfView::read(&early);
                let rebound = ElfView::read(&rebound);
                for section in early.code_sections() {
                    assert_eq!(
                        section.data,
                        rebound.section(&section.name).data,
                        "{label}: {} changed",
                        section.name
                    );
                }
            }
        }
    }
}
