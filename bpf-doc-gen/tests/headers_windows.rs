//! `headers/windows/bpf_helper_defs.h` is generated from the Windows facts in
//! `shared/platforms/`; this test regenerates it and fails on any difference.
//! `BLESS=1 cargo test -p bpf-doc-gen --test headers_windows` rewrites it.

use bpf_doc_gen::table::Table;
use std::path::PathBuf;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bpf-doc-gen sits in the workspace")
        .to_path_buf()
}

/// `shared/platforms/` beside the repository, or `HELPER_BIND_PLATFORMS`.
fn platforms_dir() -> PathBuf {
    std::env::var_os("HELPER_BIND_PLATFORMS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("../shared/platforms"))
}

#[test]
fn windows_header_is_generated_from_the_platform_facts() {
    let dir = platforms_dir();
    let table = Table::from_platform_dir(&dir).unwrap_or_else(|e| {
        panic!("cannot read the Windows facts ({e}); the repository expects shared/platforms/ beside it, or HELPER_BIND_PLATFORMS")
    });
    let generated = table.to_bpf_helper_header();
    let path = workspace().join("headers/windows/bpf_helper_defs.h");
    if std::env::var_os("BLESS").is_some() {
        // Atomic, so the other test never reads half a file.
        let tmp = path.with_extension("h.tmp");
        std::fs::write(&tmp, &generated).expect("write headers/windows/bpf_helper_defs.h");
        std::fs::rename(&tmp, &path).expect("rename into headers/windows/bpf_helper_defs.h");
    }
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with BLESS=1 to generate it", path.display()));
    assert!(
        committed == generated,
        "{} differs from what the facts in {} generate; it is generated, never edited: run BLESS=1 cargo test -p bpf-doc-gen --test headers_windows",
        path.display(),
        dir.display()
    );
}

#[test]
fn committed_windows_header_reads_back_as_the_platform_facts() {
    let table = Table::from_platform_dir(&platforms_dir()).expect("facts");
    let path = workspace().join("headers/windows/bpf_helper_defs.h");
    let text = std::fs::read_to_string(&path).expect("committed header");
    let parsed = Table::parse_bpf_helper_header(&text, &path.display().to_string()).expect("parse");
    assert_eq!(parsed, table);
}

#[test]
fn cli_platform_tsv_writes_the_committed_header() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_bpf-doc-gen"))
        .arg("--platform-tsv")
        .arg(platforms_dir())
        .output()
        .expect("run bpf-doc-gen");
    assert!(
        output.status.success(),
        "bpf-doc-gen --platform-tsv failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let committed = std::fs::read(workspace().join("headers/windows/bpf_helper_defs.h"))
        .expect("committed header");
    assert!(
        output.stdout == committed,
        "bpf-doc-gen --platform-tsv output differs from headers/windows/bpf_helper_defs.h"
    );
}

#[test]
fn cli_platform_tsv_error_names_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in [
        "windows.tsv",
        "windows-aliases.tsv",
        "windows-program-types.tsv",
    ] {
        std::fs::copy(platforms_dir().join(name), dir.path().join(name)).expect("copy");
    }
    let aliases = dir.path().join("windows-aliases.tsv");
    let text = std::fs::read_to_string(&aliases).expect("read");
    std::fs::write(&aliases, format!("{text}broken\n")).expect("write");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_bpf-doc-gen"))
        .arg("--platform-tsv")
        .arg(dir.path())
        .output()
        .expect("run bpf-doc-gen");
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "no partial output");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "{}:7: expected 2 tab-separated columns",
            aliases.display()
        )),
        "{stderr}"
    );
}
