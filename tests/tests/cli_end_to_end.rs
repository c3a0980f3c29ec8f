//! helper-bind's rules and errors seen from outside, on objects clang built from our sources:
//! unknown helpers (refused with a suggestion, or left with --allow-unresolved), Windows
//! program-type rules, Linux-only helpers on Windows, the no-op case, bad input, and
//! `list --json` checked call by call against the early-bound build.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;

use integration_tests::compile::{
    compile, compile_with, extra_program, programs, Binding, Endian, Platform, Program,
};
use integration_tests::differential::{file_bytes, HeaderIds};
use integration_tests::elf_view::ElfView;
use integration_tests::{scratch_dir, tool};

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `helper-bind --platform P -o OUT INPUT [extra]` and returns the output and OUT.
fn bind_attempt(platform: &str, input: &Path, extra: &[&str]) -> (Output, PathBuf) {
    let out = input.with_extension("bound.o");
    let mut args: Vec<&std::ffi::OsStr> = vec!["--platform".as_ref(), platform.as_ref()];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    args.extend(["-o".as_ref(), out.as_os_str(), input.as_os_str()]);
    (tool::run(args), out)
}

/// The common contract of a refused bind: exit status 1, no output written, input unchanged,
/// and every `needles` string in the message.
fn assert_refused(platform: &str, input: &Path, needles: &[&str]) -> String {
    let before = file_bytes(input);
    let (output, out) = bind_attempt(platform, input, &[]);
    let message = stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "exit status; stderr:\n{message}"
    );
    assert!(
        !out.exists(),
        "an output was written although binding failed"
    );
    assert_eq!(before, file_bytes(input), "the input was modified");
    for needle in needles {
        assert!(
            message.contains(needle),
            "`{needle}` missing from:\n{message}"
        );
    }
    message
}

fn late(program: &Program, dir: &Path) -> PathBuf {
    compile(program, Endian::Little, Binding::Late, dir)
}

#[test]
fn unknown_helper_is_refused_with_its_name_place_and_a_suggestion() {
    let dir = scratch_dir();
    let program = extra_program("errors/misspelled_helper.c", Platform::Linux);
    for endian in Endian::BOTH {
        let input = compile(&program, endian, Binding::Late, dir.path());
        let file_name = input.file_name().unwrap().to_string_lossy().into_owned();
        let call = ElfView::read(&input)
            .calls()
            .into_iter()
            .find(|c| c.target.as_deref() == Some("bpf_map_lookup_elm"))
            .expect("the misspelled call");
        let place = format!("instruction {}", call.index);
        for platform in ["linux", "windows"] {
            assert_refused(
                platform,
                &input,
                &[
                    &file_name,
                    "bpf_map_lookup_elm",
                    "bpf_map_lookup_elem",
                    "tc",
                    &place,
                ],
            );
        }
    }
}

#[test]
fn allow_unresolved_leaves_unknown_externs_and_binds_the_rest() {
    let dir = scratch_dir();
    let program = extra_program("link/part_b.c", Platform::Linux);
    let ids = HeaderIds::read(Platform::Linux);
    for endian in Endian::BOTH {
        let input = compile(&program, endian, Binding::Late, dir.path());
        assert_refused("linux", &input, &["add_weight", "--allow-unresolved"]);

        let (output, out) = bind_attempt("linux", &input, &["--allow-unresolved"]);
        assert!(output.status.success(), "{}", stderr(&output));
        let bound = ElfView::read(&out);
        assert_eq!(
            bound.undefined_symbols().into_iter().collect::<Vec<_>>(),
            ["add_weight"],
            "{endian:?}: only the unresolved extern stays undefined"
        );
        let calls = bound.calls();
        let left: Vec<_> = calls
            .iter()
            .filter(|c| c.target.as_deref() == Some("add_weight"))
            .collect();
        assert_eq!(left.len(), 1, "{calls:?}");
        assert_eq!(
            (left[0].src_reg, left[0].imm),
            (1, -1),
            "add_weight call untouched"
        );
        let load_bytes = ids.id("bpf_xdp_load_bytes").unwrap();
        assert!(
            calls
                .iter()
                .any(|c| c.src_reg == 0 && c.imm == load_bytes && c.target.is_none()),
            "{endian:?}: bpf_xdp_load_bytes not bound to {load_bytes}: {calls:?}"
        );
    }
}

/// kfuncs are told from helpers by BTF alone (the `.ksyms` DATASEC). Built without BTF, the
/// kfunc program's kfunc calls are unknown externs: refused, or left with --allow-unresolved
/// while its helpers bind.
#[test]
fn kfuncs_without_btf_are_unknown_externs() {
    let dir = scratch_dir();
    let kfunc = programs(Platform::Linux)
        .into_iter()
        .find(|p| p.name == "kfunc")
        .expect("tests/bpf/linux/kfunc.c");
    let input = compile_with(&kfunc, Endian::Little, Binding::Late, &["-g0"], dir.path());
    assert!(ElfView::read(&input).find_section(".BTF").is_none());
    assert_refused("linux", &input, &["bpf_rcu_read_lock", "bpf_iter_num_new"]);

    let (output, out) = bind_attempt("linux", &input, &["--allow-unresolved"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let bound = ElfView::read(&out);
    let left: BTreeSet<String> = bound.undefined_symbols();
    let expected: BTreeSet<String> = [
        "bpf_iter_num_destroy",
        "bpf_iter_num_new",
        "bpf_iter_num_next",
        "bpf_rcu_read_lock",
        "bpf_rcu_read_unlock",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(left, expected, "only the kfuncs stay undefined");
}

#[test]
fn windows_helper_outside_its_program_type_is_refused() {
    let dir = scratch_dir();
    let program = extra_program("errors/windows_helper_outside_type.c", Platform::Windows);
    for endian in Endian::BOTH {
        let input = compile(&program, endian, Binding::Late, dir.path());
        assert_refused("windows", &input, &["bpf_xdp_adjust_head", "bind", "xdp"]);
    }
}

/// A `.text` subprogram gets its program type from the sections that call it: refused when
/// they disagree, or when none does.
#[test]
fn windows_subprogram_without_a_single_program_type_is_refused() {
    let dir = scratch_dir();
    for (source, needles) in [
        (
            "errors/windows_subprog_two_types.c",
            &["bpf_xdp_adjust_head", "adjust", "xdp", "sockops"][..],
        ),
        (
            "errors/windows_subprog_no_caller.c",
            &["bpf_xdp_adjust_head", "lonely_adjust"][..],
        ),
    ] {
        let program = extra_program(source, Platform::Windows);
        for endian in Endian::BOTH {
            let input = compile(&program, endian, Binding::Late, dir.path());
            assert_refused("windows", &input, needles);
        }
    }
}

/// Windows printk: the helper is chosen by argument count; where the code does not show the
/// count, binding refuses. The same object binds for Linux, whose printk is variadic.
#[test]
fn windows_printk_with_unknown_argument_count_is_refused() {
    let dir = scratch_dir();
    let program = extra_program("errors/windows_printk_arity_unknown.c", Platform::Windows);
    for endian in Endian::BOTH {
        let input = compile(&program, endian, Binding::Late, dir.path());
        let message = assert_refused("windows", &input, &["bpf_trace_printk", "bind"]);
        assert!(message.contains("argument"), "{message}");
        let (output, _) = bind_attempt("linux", &input, &[]);
        assert!(output.status.success(), "{}", stderr(&output));
    }
}

#[test]
fn linux_only_helpers_are_refused_for_windows_each_named() {
    let dir = scratch_dir();
    let skb = programs(Platform::Linux)
        .into_iter()
        .find(|p| p.name == "skb")
        .expect("tests/bpf/linux/skb.c");
    let input = late(&skb, dir.path());
    assert_refused(
        "windows",
        &input,
        &[
            "bpf_skb_load_bytes",
            "bpf_l3_csum_replace",
            "bpf_skb_store_bytes",
            "bpf_skb_pull_data",
        ],
    );
}

#[test]
fn object_with_nothing_to_bind_is_a_clean_no_op() {
    let dir = scratch_dir();
    for program in programs(Platform::Linux) {
        let early = compile(&program, Endian::Little, Binding::Early, dir.path());
        let before = file_bytes(&early);
        let (output, out) = bind_attempt("linux", &early, &[]);
        assert!(output.status.success(), "{program}: {}", stderr(&output));
        assert_eq!(
            file_bytes(&out),
            before,
            "{program}: output differs from the input"
        );
        assert_eq!(file_bytes(&early), before, "{program}: input modified");
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            stderr(&output)
        );
        assert!(!said.trim().is_empty(), "{program}: the no-op says nothing");
    }
}

#[test]
fn bad_input_fails_cleanly_without_output() {
    let dir = scratch_dir();
    let program = &programs(Platform::Linux)[0];
    let good = file_bytes(&late(program, dir.path()));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("text", b"this is not an ELF object\n".to_vec()),
        ("truncated-header", good[..40].to_vec()),
        ("truncated-half", good[..good.len() / 2].to_vec()),
    ];
    for (name, bytes) in cases {
        let input = dir.path().join(format!("{name}.o"));
        std::fs::write(&input, &bytes).unwrap();
        let (output, out) = bind_attempt("linux", &input, &[]);
        let message = stderr(&output);
        // 2 is helper-bind's status for bad input (1 means calls that cannot be bound).
        assert_eq!(
            output.status.code(),
            Some(2),
            "{name}: status; stderr:\n{message}"
        );
        assert!(
            message.contains(&format!("{name}.o")),
            "{name}: file not named:\n{message}"
        );
        assert!(!out.exists(), "{name}: output written");
        assert_eq!(file_bytes(&input), bytes, "{name}: input modified");
    }
}

/// `list --json` names every call site of every program, and for each platform the ID it
/// reports is the one the early-bound build of that platform has at the same instruction.
#[test]
fn list_json_matches_the_early_builds_call_by_call() {
    let dir = scratch_dir();
    for platform in [Platform::Linux, Platform::Windows] {
        for program in programs(platform) {
            for endian in Endian::BOTH {
                let late_path = compile(&program, endian, Binding::Late, dir.path());
                let early = ElfView::read(&compile(&program, endian, Binding::Early, dir.path()));
                let late = ElfView::read(&late_path);
                let output =
                    tool::run_ok(["list".as_ref(), "--json".as_ref(), late_path.as_os_str()]);
                let listed: serde_json::Value =
                    serde_json::from_slice(&output.stdout).expect("list --json prints JSON");
                let listed: BTreeMap<(String, u64), &serde_json::Value> = listed
                    .as_array()
                    .expect("a JSON array of call sites")
                    .iter()
                    .map(|site| {
                        let section = site["section"].as_str().unwrap().to_string();
                        ((section, site["insn"].as_u64().unwrap()), site)
                    })
                    .collect();
                let label = format!("{program} {endian:?}");
                let late_calls = late.calls();
                assert_eq!(
                    listed.len(),
                    late_calls.len(),
                    "{label}: one entry per call"
                );

                let early_calls: BTreeMap<_, _> = early
                    .calls()
                    .into_iter()
                    .map(|c| ((c.section.clone(), c.index as u64), c))
                    .collect();
                for call in late_calls {
                    let key = (call.section.clone(), call.index as u64);
                    let site = listed
                        .get(&key)
                        .unwrap_or_else(|| panic!("{label}: {key:?} not listed"));
                    if let Some(target) = &call.target {
                        if !target.starts_with('.') {
                            assert_eq!(site["name"], target.as_str(), "{label} {key:?}");
                        }
                    }
                    let early_call = &early_calls[&key];
                    if early_call.src_reg == 0 {
                        let verdict = &site["platforms"][platform.name()];
                        assert_eq!(
                            verdict["id"].as_i64(),
                            Some(i64::from(early_call.imm)),
                            "{label} {key:?}: {site}"
                        );
                    }
                }
            }
        }
    }
}

/// Rewriting in place (temp file + rename) keeps the input's permission bits, like strip.
#[test]
fn in_place_binding_keeps_the_file_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch_dir();
    let maps = programs(Platform::Linux)
        .into_iter()
        .find(|p| p.name == "maps")
        .expect("tests/bpf/linux/maps.c");
    for mode in [0o600, 0o640, 0o755] {
        let input = compile(&maps, Endian::Little, Binding::Late, dir.path());
        std::fs::set_permissions(&input, std::fs::Permissions::from_mode(mode)).unwrap();
        tool::run_ok(["--platform".as_ref(), "linux".as_ref(), input.as_os_str()]);
        let after = std::fs::metadata(&input).unwrap().permissions().mode() & 0o7777;
        assert_eq!(after, mode, "mode {mode:o} became {after:o}");
        assert!(
            ElfView::read(&input).undefined_symbols().is_empty(),
            "the file was not bound in place"
        );
    }
}

/// Like strip and objcopy: binding through a symlink (in place, or `-o` naming a link)
/// rewrites the link's target and keeps the link.
#[test]
fn binding_through_a_symlink_rewrites_its_target_and_keeps_the_link() {
    let dir = scratch_dir();
    let maps = programs(Platform::Linux)
        .into_iter()
        .find(|p| p.name == "maps")
        .expect("tests/bpf/linux/maps.c");
    let late = compile(&maps, Endian::Little, Binding::Late, dir.path());
    let expected = dir.path().join("expected.o");
    tool::bind("linux", &late, &expected);

    // In place through a link.
    let target = dir.path().join("target.o");
    let link = dir.path().join("link.o");
    std::fs::copy(&late, &target).unwrap();
    std::os::unix::fs::symlink("target.o", &link).unwrap();
    tool::run_ok(["--platform".as_ref(), "linux".as_ref(), link.as_os_str()]);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "link replaced"
    );
    assert_eq!(
        file_bytes(&target),
        file_bytes(&expected),
        "the link's target was not bound"
    );

    // -o naming a link.
    let out_target = dir.path().join("out-target.o");
    let out_link = dir.path().join("out-link.o");
    std::fs::write(&out_target, b"old contents").unwrap();
    std::os::unix::fs::symlink("out-target.o", &out_link).unwrap();
    tool::bind("linux", &late, &out_link);
    assert!(
        std::fs::symlink_metadata(&out_link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "-o link replaced"
    );
    assert_eq!(
        file_bytes(&out_target),
        file_bytes(&expected),
        "-o: the link's target was not written"
    );
}
