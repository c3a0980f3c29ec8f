//! Round trip: binding an unbound object for the platform it came from gives
//! back the original code, through the library and through the CLI.

mod unbind_support;

use std::ffi::OsStr;
use std::process::Command;

use helper_bind::bind::bind;
use helper_bind::plan::BindOptions;
use helper_bind::unbind::{self, UnbindOptions};
use unbind_support::*;

const SOURCES: [(&str, &str); 7] = [
    ("linux_maps.c", "linux"),
    ("linux_legacy_maps.c", "linux"),
    ("linux_no_relocs.c", "linux"),
    ("linux_many_progs.c", "linux"),
    ("linux_mixed.c", "linux"),
    ("windows_progs.c", "windows"),
    ("windows_subprog.c", "windows"),
];

#[test]
fn bind_of_unbind_gives_back_the_original_code() {
    let dir = tempfile::tempdir().unwrap();
    for (source, from) in SOURCES {
        let names = platform(from);
        for target in Target::BOTH {
            for btf in [true, false] {
                let what = format!("{source} {target:?} btf={btf}");
                let original = compile(source, target, Binding::Early, btf, dir.path());
                let out = unbind::unbind(&original, &names, &UnbindOptions::default())
                    .unwrap_or_else(|e| panic!("{what}: unbind: {e}"));
                assert!(!out.calls.is_empty(), "{what}");
                let mut bound = out.bytes.clone();
                let report = bind(&mut bound, &names, BindOptions::default())
                    .unwrap_or_else(|e| panic!("{what}: bind: {e}"));
                assert!(report.bound_count() >= out.calls.len(), "{what}");
                // linux_mixed also has a call clang bound by name: the round
                // trip must equal binding the original directly. For the pure
                // early-bound objects that is the original itself.
                let mut expected = original.clone();
                let direct = bind(&mut expected, &names, BindOptions::default()).unwrap();
                assert_eq!(direct.is_noop(), source != "linux_mixed.c", "{what}");
                assert_same_code(&bound, &expected, &format!("{what} (after the round trip)"));
            }
        }
    }
}

#[test]
fn bound_round_trip_of_a_btf_object_still_links() {
    let dir = tempfile::tempdir().unwrap();
    let names = platform("linux");
    let original = compile(
        "linux_maps.c",
        Target::Little,
        Binding::Early,
        true,
        dir.path(),
    );
    let mut bytes = unbind::unbind(&original, &names, &UnbindOptions::default())
        .unwrap()
        .bytes;
    bind(&mut bytes, &names, BindOptions::default()).unwrap();
    let input = dir.path().join("bound.o");
    std::fs::write(&input, &bytes).unwrap();
    let linked = dir.path().join("linked.o");
    let (ok, _, stderr) = tool(
        "bpftool",
        &[
            OsStr::new("gen"),
            OsStr::new("object"),
            linked.as_os_str(),
            input.as_os_str(),
        ],
    );
    assert!(ok, "{stderr}");
}

fn helper_bind() -> Command {
    Command::new(env!("CARGO_BIN_EXE_helper-bind"))
}

#[test]
fn cli_unbind_writes_the_library_result_and_leaves_the_input() {
    let dir = tempfile::tempdir().unwrap();
    for target in Target::BOTH {
        let original = compile("linux_maps.c", target, Binding::Early, true, dir.path());
        let input = dir.path().join("in.o");
        let output = dir.path().join("out.o");
        std::fs::write(&input, &original).unwrap();
        let run = helper_bind()
            .args(["unbind", "--from", "linux", "-o"])
            .arg(&output)
            .arg(&input)
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let expected =
            unbind::unbind(&original, &platform("linux"), &UnbindOptions::default()).unwrap();
        assert_eq!(std::fs::read(&output).unwrap(), expected.bytes);
        assert_eq!(std::fs::read(&input).unwrap(), original, "input changed");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(stderr.contains(&expected.summary()), "{stderr}");

        // In place: the file becomes the unbound object; binding it back with
        // the CLI restores the code.
        let run = helper_bind()
            .args(["unbind", "--from", "linux"])
            .arg(&input)
            .output()
            .unwrap();
        assert!(run.status.success());
        assert_eq!(std::fs::read(&input).unwrap(), expected.bytes);
        let run = helper_bind()
            .args(["--platform", "linux"])
            .arg(&input)
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert_eq!(
            code_sections(&std::fs::read(&input).unwrap()),
            code_sections(&original)
        );
    }
}

#[test]
fn cli_refusals_write_nothing_and_exit_by_kind() {
    let dir = tempfile::tempdir().unwrap();
    let unknown = compile(
        "linux_unknown_id.c",
        Target::Little,
        Binding::Early,
        false,
        dir.path(),
    );
    let cases: [(&str, Vec<u8>, i32, &str); 2] = [
        ("unknown.o", unknown, 1, "call 9999"),
        ("text.o", b"not an object".to_vec(), 2, "not an ELF file"),
    ];
    for (name, bytes, code, message) in cases {
        let input = dir.path().join(name);
        let output = dir.path().join(format!("{name}.out"));
        std::fs::write(&input, &bytes).unwrap();
        let run = helper_bind()
            .args(["unbind", "--from", "linux", "-o"])
            .arg(&output)
            .arg(&input)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(code), "{name}: {stderr}");
        assert!(stderr.contains(message), "{name}: {stderr}");
        assert!(
            stderr.contains(&input.display().to_string()),
            "{name}: error does not name the file: {stderr}"
        );
        assert!(!output.exists(), "{name}: output written");
        assert_eq!(
            std::fs::read(&input).unwrap(),
            bytes,
            "{name}: input changed"
        );
    }
}

/// The BTF that unbind adds (an extern FUNC and its prototype per helper,
/// including printk's variadic one), once bind has made it static, is accepted
/// by the kernel: the round-tripped objects load with their BTF.
#[test]
fn round_tripped_objects_load_in_the_kernel_with_btf() {
    let dir = tempfile::tempdir().unwrap();
    let names = platform("linux");
    for (source, programs) in [
        ("linux_no_relocs.c", ["coin", "cpu_parity"]),
        ("linux_maps.c", ["count_xdp", "count_tc"]),
    ] {
        let original = compile(source, Target::Little, Binding::Early, true, dir.path());
        let out = unbind::unbind(&original, &names, &UnbindOptions::default()).unwrap();
        assert!(!out.btf_funcs_added.is_empty());
        let mut bytes = out.bytes;
        bind(&mut bytes, &names, BindOptions::default()).unwrap();
        let obj = dir.path().join("rt.o");
        std::fs::write(&obj, &bytes).unwrap();

        let pin = format!("/sys/fs/bpf/helper-bind-unbind-rt-{}", std::process::id());
        let (ok, _, stderr) = tool(
            "bpftool",
            &[
                OsStr::new("prog"),
                OsStr::new("loadall"),
                obj.as_os_str(),
                OsStr::new(&pin),
            ],
        );
        if !ok && (stderr.contains("Operation not permitted") || stderr.contains("permission")) {
            let _ = std::fs::remove_dir_all(&pin);
            eprintln!("skipping the kernel load: bpf() refused here ({stderr})");
            return;
        }
        let shown = programs.map(|prog| {
            let path = format!("{pin}/{prog}");
            tool(
                "bpftool",
                &[
                    OsStr::new("prog"),
                    OsStr::new("show"),
                    OsStr::new("pinned"),
                    OsStr::new(&path),
                ],
            )
        });
        let _ = std::fs::remove_dir_all(&pin);
        assert!(ok, "{source}: load failed: {stderr}");
        for (ok, text, err) in shown {
            assert!(ok, "{source}: {err}");
            assert!(
                text.contains("btf_id"),
                "{source}: loaded without BTF: {text}"
            );
        }
        assert!(!std::path::Path::new(&pin).exists());
    }
}

/// Unbinding a bound object: bind left the helpers' BTF FUNCs static; unbind
/// makes them extern again in place (no type added), so libbpf's linker takes
/// the result, and the object equals clang's late build in code and relocations.
#[test]
fn unbinding_a_bound_object_restores_extern_btf_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let names = platform("linux");
    for target in Target::BOTH {
        let late = compile("linux_no_relocs.c", target, Binding::Late, true, dir.path());
        let mut bound = late.clone();
        bind(&mut bound, &names, BindOptions::default()).unwrap();
        let out = unbind::unbind(&bound, &names, &UnbindOptions::default()).unwrap();
        assert!(out.btf_funcs_added.is_empty(), "{:?}", out.btf_funcs_added);
        let mut relinked = out.btf_funcs_made_extern.clone();
        relinked.sort();
        assert_eq!(
            relinked,
            [
                "bpf_get_prandom_u32",
                "bpf_get_smp_processor_id",
                "bpf_ktime_get_ns"
            ]
        );
        assert_same_code(&out.bytes, &late, "unbound bound object vs the late build");

        if target == Target::Big {
            continue; // libbpf links only objects of the host's byte order
        }
        let input = dir.path().join("bu.o");
        std::fs::write(&input, &out.bytes).unwrap();
        let linked = dir.path().join("bu.linked.o");
        let (ok, _, stderr) = tool(
            "bpftool",
            &[
                OsStr::new("gen"),
                OsStr::new("object"),
                linked.as_os_str(),
                input.as_os_str(),
            ],
        );
        assert!(ok, "{target:?}: {stderr}");
        let (_, dump, _) = tool(
            "bpftool",
            &[
                OsStr::new("btf"),
                OsStr::new("dump"),
                OsStr::new("file"),
                input.as_os_str(),
            ],
        );
        for name in &relinked {
            let line = dump
                .lines()
                .find(|l| l.contains(&format!("FUNC '{name}'")))
                .unwrap();
            assert!(line.ends_with("linkage=extern"), "{line}");
        }
    }
}
