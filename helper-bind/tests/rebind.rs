//! `helper-bind --from P --platform Q`: rebinding across platforms in one step, proven
//! against the native early-bound build of the same source.

mod check_support;

use check_support::*;
use helper_bind::platform::PlatformKind::{Linux, Windows};
use helper_bind::rebind::{rebind, RebindError, RebindOptions};

fn read(p: &std::path::Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

#[test]
fn linux_object_rebinds_to_exactly_the_windows_early_build() {
    let dir = tempfile::tempdir().unwrap();
    for target in Target::BOTH {
        let linux = compile("portable.c", Linux, Binding::Early, target, dir.path());
        let windows = compile("portable.c", Windows, Binding::Early, target, dir.path());
        // The two builds differ only in helper IDs, so the test means something.
        assert_ne!(code_sections(&read(&linux)), code_sections(&read(&windows)));
        let out = rebind(
            &read(&linux),
            &builtin(Linux),
            &builtin(Windows),
            RebindOptions::default(),
        )
        .unwrap();
        assert_eq!(out.unbound, 10, "{target:?}");
        assert_eq!(out.bound.bound_count(), 10);
        assert_eq!(
            code_sections(&out.bytes),
            code_sections(&read(&windows)),
            "{target:?}"
        );
        // What rebinding does not mean to change stays byte-identical.
        for name in [
            ".BTF",
            ".BTF.ext",
            ".maps",
            ".rodata",
            "license",
            ".debug_info",
        ] {
            let before = section_data(&read(&linux), name);
            assert!(before.is_some(), "{name} present in the input");
            assert_eq!(section_data(&out.bytes, name), before, "{name} {target:?}");
        }
    }
}

#[test]
fn windows_object_rebinds_to_exactly_the_linux_early_build() {
    let dir = tempfile::tempdir().unwrap();
    for target in Target::BOTH {
        let linux = compile("portable.c", Linux, Binding::Early, target, dir.path());
        let windows = compile("portable.c", Windows, Binding::Early, target, dir.path());
        let out = rebind(
            &read(&windows),
            &builtin(Windows),
            &builtin(Linux),
            RebindOptions::default(),
        )
        .unwrap();
        assert_eq!(
            code_sections(&out.bytes),
            code_sections(&read(&linux)),
            "{target:?}"
        );
        // And back again: the round trip gives the Windows build.
        let back = rebind(
            &out.bytes,
            &builtin(Linux),
            &builtin(Windows),
            RebindOptions::default(),
        )
        .unwrap();
        assert_eq!(code_sections(&back.bytes), code_sections(&read(&windows)));
    }
}

#[test]
fn late_bound_linux_object_rebinds_like_a_bind() {
    let dir = tempfile::tempdir().unwrap();
    let late = compile(
        "portable.c",
        Linux,
        Binding::Late,
        Target::Little,
        dir.path(),
    );
    let windows = compile(
        "portable.c",
        Windows,
        Binding::Early,
        Target::Little,
        dir.path(),
    );
    let out = rebind(
        &read(&late),
        &builtin(Linux),
        &builtin(Windows),
        RebindOptions::default(),
    )
    .unwrap();
    assert_eq!(out.unbound, 0, "a late-bound build has no numeric call");
    assert_eq!(code_sections(&out.bytes), code_sections(&read(&windows)));
}

#[test]
fn cli_rebinds_to_an_output_and_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let linux = compile("portable.c", Linux, Binding::Early, Target::Big, dir.path());
    let windows = compile(
        "portable.c",
        Windows,
        Binding::Early,
        Target::Big,
        dir.path(),
    );
    let input = dir.path().join("prog.o");
    std::fs::copy(&linux, &input).unwrap();
    let before = read(&input);

    let o = helper_bind(
        &[
            "--from",
            "linux",
            "--platform",
            "windows",
            "-o",
            "out.o",
            "prog.o",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("rebound from linux to windows"),
        "{}",
        stderr(&o)
    );
    assert_eq!(read(&input), before, "the input is not touched with -o");
    let out = read(&dir.path().join("out.o"));
    assert_eq!(code_sections(&out), code_sections(&read(&windows)));

    let o = helper_bind(
        &["--from", "linux", "--platform", "windows", "prog.o"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(read(&input), out, "in place gives the same bytes as -o");
    assert!(
        !files_in(dir.path()).iter().any(|f| f.ends_with(".tmp")),
        "{:?}",
        files_in(dir.path())
    );
}

#[test]
fn a_non_portable_object_is_refused_with_every_problem_and_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let obj = compile(
        "verdicts.c",
        Linux,
        Binding::Late,
        Target::Little,
        dir.path(),
    );
    let data = read(&obj);
    let e = rebind(
        &data,
        &builtin(Linux),
        &builtin(Windows),
        RebindOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.exit_code(), 1);
    let RebindError::NotPortable { failures, .. } = &e else {
        panic!("{e}")
    };
    let text = e.to_string();
    for name in [
        "bpf_get_smp_processor_id",
        "bpf_csum_diff",
        "bpf_rcu_read_lock",
        "bpf_skb_store_bytes",
        "bpf_xdp_adjust_head",
        "kfuncs",
    ] {
        assert!(text.contains(name), "{name} missing from:\n{text}");
    }
    assert_eq!(failures.len(), 7, "{text}");
    assert!(text.contains("section `tc` instruction"), "{text}");

    std::fs::copy(&obj, dir.path().join("v.o")).unwrap();
    let o = helper_bind(
        &[
            "--from",
            "linux",
            "--platform",
            "windows",
            "-o",
            "out.o",
            "v.o",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("v.o: cannot rebind from linux to windows"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("out.o").exists());
    assert_eq!(read(&dir.path().join("v.o")), data);
}

#[test]
fn options_let_width_differences_and_missing_helpers_through() {
    let dir = tempfile::tempdir().unwrap();
    let windows = compile(
        "windows_only.c",
        Windows,
        Binding::Early,
        Target::Little,
        dir.path(),
    );
    let data = read(&windows);
    // bpf_get_current_logon_id is missing on Linux; bpf_xdp_adjust_head returns int vs long.
    let e = rebind(
        &data,
        &builtin(Windows),
        &builtin(Linux),
        RebindOptions::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("bpf_get_current_logon_id"), "{e}");
    let only_width = RebindOptions {
        allow_prototype_differences: true,
        ..RebindOptions::default()
    };
    let e = rebind(&data, &builtin(Windows), &builtin(Linux), only_width).unwrap_err();
    assert!(!e.to_string().contains("bpf_xdp_adjust_head"), "{e}");
    let both = RebindOptions {
        allow_prototype_differences: true,
        allow_unresolved: true,
    };
    let out = rebind(&data, &builtin(Windows), &builtin(Linux), both).unwrap();
    // Everything else bound to Linux IDs; the missing helper stays a call by name.
    let ids: Vec<(String, u32)> = out
        .bound
        .bound()
        .map(|b| (b.canonical.to_string(), b.id))
        .collect();
    assert!(ids.contains(&("bpf_xdp_adjust_head".into(), 44)), "{ids:?}");
    assert!(ids.contains(&("bpf_trace_printk".into(), 6)), "{ids:?}");
    assert_eq!(out.bound.left_unresolved.len(), 1);
    assert!(out.bound.left_unresolved[0]
        .to_string()
        .contains("bpf_get_current_logon_id"));
}

#[test]
fn bad_input_is_exit_2_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("junk.o"), b"\x7fELF junk").unwrap();
    let o = helper_bind(
        &["--from", "linux", "--platform", "windows", "junk.o"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("junk.o"), "{}", stderr(&o));
    assert_eq!(read(&dir.path().join("junk.o")), b"\x7fELF junk");
}

/// Removes a bpffs pin directory when dropped, whatever the test's outcome.
struct Pins(std::path::PathBuf);

impl Drop for Pins {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn windows_object_rebound_to_linux_loads_in_the_kernel_with_btf() {
    let probe = std::process::Command::new("bpftool")
        .args(["prog", "show"])
        .output();
    match probe {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            println!(
                "skipping the kernel load: bpf() is refused here ({})",
                String::from_utf8_lossy(&o.stderr).trim()
            );
            return;
        }
        Err(e) => panic!("cannot run bpftool: {e}; install it with scripts/setup-test-env"),
    }
    let dir = tempfile::tempdir().unwrap();
    let windows = compile(
        "portable.c",
        Windows,
        Binding::Early,
        Target::Little,
        dir.path(),
    );
    let out = rebind(
        &read(&windows),
        &builtin(Windows),
        &builtin(Linux),
        RebindOptions::default(),
    )
    .unwrap();
    let obj = dir.path().join("rebound.o");
    std::fs::write(&obj, &out.bytes).unwrap();
    let pins = Pins(std::path::PathBuf::from(format!(
        "/sys/fs/bpf/hb-rebind-test-{}",
        std::process::id()
    )));
    let o = std::process::Command::new("bpftool")
        .args(["prog", "loadall"])
        .arg(&obj)
        .arg(&pins.0)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "bpftool prog loadall: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    for prog in ["count_packets", "record_pid"] {
        let o = std::process::Command::new("bpftool")
            .args(["-j", "prog", "show", "pinned"])
            .arg(pins.0.join(prog))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let info: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert!(
            info["btf_id"].as_u64().is_some(),
            "{prog} loaded without BTF: {info}"
        );
    }
}
