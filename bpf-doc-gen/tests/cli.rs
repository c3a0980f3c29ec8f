//! The `bpf-doc-gen` command line: outputs, defaults and option handling.

mod support;

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_bpf-doc-gen");

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn newest() -> String {
    support::kernel("linux-unstable")
        .join("bpf.h")
        .display()
        .to_string()
}

#[test]
fn output_file_equals_stdout_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("defs.h");
    let stdout = run(&[&newest()]);
    assert!(stdout.status.success());
    let to_file = run(&[&newest(), "-o", out.to_str().unwrap()]);
    assert!(to_file.status.success() && to_file.stdout.is_empty());
    assert_eq!(std::fs::read(&out).unwrap(), stdout.stdout);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["defs.h"]);
}

#[test]
fn committed_header_is_what_the_cli_prints() {
    let out = run(&["--format", "bpf-helper", "--no-docs", &newest()]);
    assert!(out.status.success());
    let committed =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../headers/linux/bpf_helper_defs.h");
    assert!(out.stdout == std::fs::read(committed).unwrap());
}

#[test]
fn default_input_is_the_system_bpf_h() {
    let system = "/usr/include/linux/bpf.h";
    assert!(
        Path::new(system).is_file(),
        "{system} missing: run scripts/setup-test-env"
    );
    let default = run(&[]);
    let explicit = run(&[system]);
    assert!(
        default.status.success(),
        "{}",
        String::from_utf8_lossy(&default.stderr)
    );
    assert_eq!(default.stdout, explicit.stdout);
    assert!(default
        .stdout
        .starts_with(b"/* This is auto-generated file. See bpf_doc.py for details. */\n"));
}

#[test]
fn compat_accepts_only_known_versions() {
    let bad = run(&["--compat", "5.10", &newest()]);
    assert!(!bad.status.success() && bad.stdout.is_empty());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("6.1"));
    let old = run(&["--compat", "6.1", &newest()]);
    assert!(old.status.success());
    let text = String::from_utf8(old.stdout).unwrap();
    assert!(text
        .contains("static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *) 1;"));
    assert!(!text.contains("__bpf_fastcall"));
}

#[test]
fn no_docs_keeps_prototypes_and_ids_only() {
    let out = run(&["--no-docs", &newest()]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("Returns") && !text.contains(" * bpf_"));
    assert_eq!(text.matches("= (void *) ").count(), 211);
    assert!(text.contains(
        "static __bpf_fastcall __u32 (* const bpf_get_smp_processor_id)(void) = (void *) 8;\n"
    ));
}

#[test]
fn platform_tsv_writes_the_platform_table_header() {
    let platforms = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/platforms");
    assert!(
        platforms.is_dir(),
        "{} missing (shared/ beside the repository)",
        platforms.display()
    );
    let out = run(&["--platform-tsv", platforms.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = bpf_doc_gen::table::Table::from_platform_dir(&platforms).unwrap();
    assert!(out.stdout == table.to_bpf_helper_header().into_bytes());
    // A bpf.h and a platform directory are two inputs; one is refused.
    let both = run(&["--platform-tsv", platforms.to_str().unwrap(), &newest()]);
    assert!(!both.status.success());
}

#[test]
fn a_type_no_script_knows_is_kept_and_its_struct_declared() {
    // Headers from before the kernel script could write C (Linux 5.2 has a `struct pt_reg`
    // typo) have types no script accepts: the header is still written, in the same style.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bpf.h");
    std::fs::write(
        &input,
        "/*\n * Start of BPF helper function descriptions:\n *\n * long bpf_x(struct nope *n)\n \
         * \tDescription\n * \t\tX.\n * \tReturn\n * \t\t0.\n */\n",
    )
    .unwrap();
    let out = dir.path().join("out.h");
    let r = run(&[input.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let header = std::fs::read_to_string(&out).unwrap();
    assert!(header.contains("\nstruct nope;\n"), "{header}");
    assert!(
        header.contains("static long (* const bpf_x)(struct nope *n) = (void *) 1;"),
        "{header}"
    );
}

#[cfg(unix)]
#[test]
fn output_mode_is_that_of_a_new_file_or_the_replaced_one() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    // What this process's umask gives a plain new file.
    let plain = dir.path().join("plain");
    std::fs::write(&plain, b"").unwrap();
    let out = dir.path().join("new.h");
    assert!(run(&[&newest(), "-o", out.to_str().unwrap()])
        .status
        .success());
    assert_eq!(mode(&out), mode(&plain));
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).unwrap();
    assert!(run(&["--no-docs", &newest(), "-o", out.to_str().unwrap()])
        .status
        .success());
    assert_eq!(mode(&out), 0o640);
}
