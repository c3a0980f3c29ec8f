//! `--format rst` and `--format syscall-rst` against the kernel's `bpf_doc.py`, run live on
//! every `bpf.h` each script generation accepts. Byte-for-byte comparisons; nothing the
//! scripts print is stored.

#[path = "rst_support/mod.rs"]
mod rst_support;

use std::path::Path;
use std::process::Command;

use bpf_doc_gen::emit::rst::{helpers_rst, RstOptions, RstStyle};
use bpf_doc_gen::emit::syscall_rst::syscalls_rst;
use rst_support::{
    assert_same_text, bpf_h, edit_lookup_elem_doc, explicit_mapper, parse, ScriptTree,
};

/// What the given script generation is reproduced by.
fn style_of(script: &str) -> RstStyle {
    if script == "linux-6.1" {
        RstStyle::Linux6_1
    } else {
        RstStyle::Newest
    }
}

fn check_helpers(script: &str, header: &str) {
    let path = bpf_h(header);
    let theirs = ScriptTree::new(script).run(&path, &[]);
    let opts = RstOptions {
        style: style_of(script),
        ..Default::default()
    };
    let ours = helpers_rst(&parse(&path), &opts).unwrap();
    assert_same_text(
        &ours,
        &theirs,
        &format!("{script} bpf_doc.py on {header} bpf.h"),
    );
}

fn check_syscalls(script: &str, header: &str) {
    let path = bpf_h(header);
    let theirs = ScriptTree::new(script).run(&path, &["syscall"]);
    let opts = RstOptions {
        style: style_of(script),
        ..Default::default()
    };
    let ours = syscalls_rst(&parse(&path), &opts).unwrap();
    assert_same_text(
        &ours,
        &theirs,
        &format!("{script} bpf_doc.py syscall on {header} bpf.h"),
    );
}

#[test]
fn helpers_rst_matches_script_6_1_on_bpf_h_6_1() {
    check_helpers("linux-6.1", "linux-6.1");
}

#[test]
fn helpers_rst_matches_script_6_12_on_bpf_h_6_12() {
    check_helpers("linux-6.12", "linux-6.12");
}

#[test]
fn helpers_rst_matches_newest_script_on_bpf_h_6_12() {
    check_helpers("linux-unstable", "linux-6.12");
}

#[test]
fn helpers_rst_matches_newest_script_on_newest_bpf_h() {
    check_helpers("linux-unstable", "linux-unstable");
}

#[test]
fn syscall_rst_matches_script_6_1_on_bpf_h_6_1() {
    check_syscalls("linux-6.1", "linux-6.1");
}

#[test]
fn syscall_rst_matches_script_6_12_on_bpf_h_6_12() {
    check_syscalls("linux-6.12", "linux-6.12");
}

#[test]
fn syscall_rst_matches_newest_script_on_bpf_h_6_12() {
    check_syscalls("linux-unstable", "linux-6.12");
}

#[test]
fn syscall_rst_matches_newest_script_on_newest_bpf_h() {
    check_syscalls("linux-unstable", "linux-unstable");
}

/// A 6.1 header (which the newest script rejects) gets the newest style by default: what the
/// newest script prints for the same header with its mapper rewritten to the 6.2+ form.
#[test]
fn old_header_in_newest_style_matches_newest_script_on_converted_header() {
    let dir = tempfile::tempdir().unwrap();
    let converted = rst_support::edited_bpf_h(dir.path(), "linux-6.1", explicit_mapper);
    let tree = ScriptTree::new("linux-unstable");
    let original = bpf_h("linux-6.1");
    let ours = helpers_rst(&parse(&original), &RstOptions::default()).unwrap();
    assert_same_text(&ours, &tree.run(&converted, &[]), "6.1 bpf.h, newest style");
    let ours = syscalls_rst(&parse(&original), &RstOptions::default()).unwrap();
    let theirs = tree.run(&converted, &["syscall"]);
    assert_same_text(&ours, &theirs, "6.1 bpf.h syscall page, newest style");
}

/// Runs a command in `dir`, panicking with its stderr if it fails.
fn run_in(dir: &Path, program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .env("GIT_AUTHOR_DATE", "2024-03-05T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-03-05T12:00:00Z")
        .output()
        .unwrap_or_else(|e| panic!("run {program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Inside a kernel tree without git the script takes the version from `make kernelversion`;
/// `--man-version` reproduces that.
#[test]
fn man_version_reproduces_make_kernelversion() {
    let tree = ScriptTree::new("linux-unstable");
    std::fs::write(
        tree.root().join("Makefile"),
        "kernelversion:\n\t@echo 7.2.0-test\n",
    )
    .unwrap();
    let path = bpf_h("linux-unstable");
    let theirs = tree.run(&path, &[]);
    assert!(theirs.contains("\n:Version: Linux 7.2.0-test\n"));
    let opts = RstOptions {
        kernel_version: Some("7.2.0-test".into()),
        ..Default::default()
    };
    let ours = helpers_rst(&parse(&path), &opts).unwrap();
    assert_same_text(&ours, &theirs, "with make kernelversion");
}

/// Inside a kernel git tree the script prints `git describe` and the date of the last commit
/// touching the helper block; `--man-version` and `--man-date` reproduce both.
#[test]
fn man_version_and_date_reproduce_a_kernel_git_tree() {
    let tree = ScriptTree::new("linux-unstable");
    let root = tree.root();
    std::fs::create_dir_all(root.join("include/uapi/linux")).unwrap();
    std::fs::copy(
        bpf_h("linux-unstable"),
        root.join("include/uapi/linux/bpf.h"),
    )
    .unwrap();
    run_in(root, "git", &["init", "-q"]);
    run_in(root, "git", &["add", "include"]);
    run_in(root, "git", &["commit", "-q", "-m", "bpf.h"]);
    run_in(root, "git", &["tag", "-a", "v7.2-test", "-m", "v7.2-test"]);
    let path = root.join("include/uapi/linux/bpf.h");
    let theirs = tree.run(&path, &[]);
    assert!(
        theirs.contains("\n:Version: Linux v7.2-test\n:Date: 2024-03-05\n\nDESCRIPTION\n"),
        "the script did not pick up the scratch git tree:\n{}",
        &theirs[..theirs.find("DESCRIPTION").unwrap_or(0)]
    );
    let opts = RstOptions {
        kernel_version: Some("v7.2-test".into()),
        date: Some("2024-03-05".into()),
        ..Default::default()
    };
    let ours = helpers_rst(&parse(&path), &opts).unwrap();
    assert_same_text(&ours, &theirs, "in a kernel git tree");
}

/// Text the real headers do not contain: non-ASCII characters, trailing blanks in a Return
/// section and a description ending with a code block.
#[test]
fn unusual_text_matches_the_script() {
    let dir = tempfile::tempdir().unwrap();
    let path = rst_support::edited_bpf_h(dir.path(), "linux-unstable", edit_lookup_elem_doc);
    let theirs = ScriptTree::new("linux-unstable").run(&path, &[]);
    let ours = helpers_rst(&parse(&path), &RstOptions::default()).unwrap();
    assert_same_text(&ours, &theirs, "edited bpf.h");
}

/// A command in `enum bpf_cmd` without documentation: the script refuses to print the page
/// and so do we, naming the command.
#[test]
fn undocumented_command_is_refused_like_the_script() {
    let dir = tempfile::tempdir().unwrap();
    let path = rst_support::edited_bpf_h(dir.path(), "linux-unstable", |text| {
        let first = "enum bpf_cmd {\n\tBPF_MAP_CREATE,\n";
        assert!(text.contains(first), "bpf.h changed: pick another anchor");
        text.replacen(
            first,
            "enum bpf_cmd {\n\tBPF_MAP_CREATE,\n\tBPF_NEW_CMD,\n",
            1,
        )
    });
    let stderr = ScriptTree::new("linux-unstable")
        .try_run(&path, &["syscall"])
        .expect_err("the script accepts an undocumented command");
    assert!(stderr.contains("doesn't match the number"), "{stderr}");
    let err = syscalls_rst(&parse(&path), &RstOptions::default()).unwrap_err();
    assert!(
        err.to_string()
            .contains("description of BPF_NEW_CMD is missing"),
        "{err}"
    );
}

/// `rst2man` (python3-docutils) turns both pages into man pages without a warning.
#[test]
fn rst2man_accepts_both_pages() {
    let path = bpf_h("linux-unstable");
    let model = parse(&path);
    let dir = tempfile::tempdir().unwrap();
    for (name, page) in [
        (
            "bpf-helpers.rst",
            helpers_rst(&model, &RstOptions::default()),
        ),
        ("bpf.rst", syscalls_rst(&model, &RstOptions::default())),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, page.unwrap()).unwrap();
        let out = Command::new("rst2man")
            .arg("--halt=warning")
            .arg(&file)
            .output()
            .expect("rst2man not found: install python3-docutils (scripts/setup-test-env does)");
        assert!(
            out.status.success(),
            "rst2man rejects our {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let man = String::from_utf8_lossy(&out.stdout);
        assert!(
            man.contains(".TH"),
            "rst2man printed no man page for {name}"
        );
    }
}
