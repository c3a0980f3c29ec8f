//! `bpf-doc-gen --format rst|syscall-rst` end to end: the binary's output against the kernel
//! scripts, its man-page flags, `-o`, and its errors.

#[path = "rst_support/mod.rs"]
mod rst_support;

use std::path::Path;
use std::process::{Command, Output};

use rst_support::{assert_same_text, bpf_h, ScriptTree};

fn bpf_doc_gen(args: &[&str], bpf_h: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bpf-doc-gen"))
        .args(args)
        .arg(bpf_h)
        .output()
        .expect("run bpf-doc-gen")
}

fn stdout_of(args: &[&str], bpf_h: &Path) -> String {
    let out = bpf_doc_gen(args, bpf_h);
    assert!(
        out.status.success(),
        "bpf-doc-gen {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn format_rst_with_compat_6_1_prints_what_script_6_1_prints() {
    let path = bpf_h("linux-6.1");
    let theirs = ScriptTree::new("linux-6.1").run(&path, &[]);
    let ours = stdout_of(&["--format", "rst", "--compat", "6.1"], &path);
    assert_same_text(&ours, &theirs, "bpf-doc-gen --format rst --compat 6.1");
}

#[test]
fn format_syscall_rst_prints_what_the_newest_script_prints() {
    let path = bpf_h("linux-unstable");
    let theirs = ScriptTree::new("linux-unstable").run(&path, &["syscall"]);
    let ours = stdout_of(&["--format", "syscall-rst"], &path);
    assert_same_text(&ours, &theirs, "bpf-doc-gen --format syscall-rst");
}

#[test]
fn man_flags_fill_version_and_date() {
    let path = bpf_h("linux-unstable");
    let ours = stdout_of(
        &[
            "--format",
            "rst",
            "--man-version",
            "v7.2-rc1",
            "--man-date",
            "2026-01-02",
        ],
        &path,
    );
    assert!(ours.contains("\n:Manual section: 7\n:Version: Linux v7.2-rc1\n:Date: 2026-01-02\n\n"));
    let default = stdout_of(&["--format", "rst"], &path);
    assert!(default.contains("\n:Manual section: 7\n:Version: Linux\n\n\nDESCRIPTION\n"));
}

#[test]
fn output_file_holds_exactly_what_stdout_gets() {
    let path = bpf_h("linux-6.12");
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("bpf-helpers.rst");
    let stdout = stdout_of(&["--format", "rst"], &path);
    let status = bpf_doc_gen(
        &["--format", "rst", "-o", out_file.to_str().unwrap()],
        &path,
    );
    assert!(status.status.success());
    assert!(status.stdout.is_empty(), "-o still printed to stdout");
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), stdout);
}

#[test]
fn multi_line_man_date_is_refused_without_output() {
    let path = bpf_h("linux-unstable");
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("page.rst");
    let out = bpf_doc_gen(
        &[
            "--format",
            "rst",
            "--man-date",
            "2026\n:Evil: yes",
            "-o",
            out_file.to_str().unwrap(),
        ],
        &path,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("--man-date"), "{stderr}");
    assert!(stderr.contains("single line"), "{stderr}");
    assert!(!out_file.exists(), "an output file was left behind");
}

/// A header without the syscall documentation block (as before Linux 5.12): the helper page
/// still works, the syscall page is a clear error naming the file.
#[test]
fn syscall_rst_without_syscall_block_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = rst_support::edited_bpf_h(dir.path(), "linux-unstable", |text| {
        let start = text.find("/**\n * DOC: eBPF Syscall Commands").unwrap();
        let end = start + text[start..].find(" */\n").unwrap() + 4;
        format!("{}{}", &text[..start], &text[end..])
    });
    let helpers_page = stdout_of(&["--format", "rst"], &path);
    assert!(helpers_page.contains("**long bpf_map_update_elem("));
    let out = bpf_doc_gen(&["--format", "syscall-rst"], &path);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(stderr.contains(path.to_str().unwrap()), "{stderr}");
    assert!(
        stderr.contains("no syscall documentation block"),
        "{stderr}"
    );
}
