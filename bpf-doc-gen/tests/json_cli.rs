//! `bpf-doc-gen --format json|syscall-json` end to end against the newest kernel script.

#[path = "rst_support/mod.rs"]
mod rst_support;

use std::process::Command;

use rst_support::{assert_same_text, bpf_h, ScriptTree};

fn stdout_of(format: &str, generation: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_bpf-doc-gen"))
        .args(["--format", format])
        .arg(bpf_h(generation))
        .output()
        .expect("run bpf-doc-gen");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn format_json_is_the_scripts_json_plus_ids() {
    let theirs = ScriptTree::new("linux-unstable").run(&bpf_h("linux-unstable"), &["--json"]);
    let ours = stdout_of("json", "linux-unstable");
    let id_line = regex::Regex::new(r#",\n {12}"id": \d+\n"#).unwrap();
    assert_eq!(
        id_line.find_iter(&ours).count(),
        theirs.matches("\n            \"proto\": ").count(),
        "one id per helper object"
    );
    assert_same_text(&id_line.replace_all(&ours, "\n"), &theirs, "--format json");
}

#[test]
fn format_syscall_json_is_the_scripts_json() {
    let theirs =
        ScriptTree::new("linux-unstable").run(&bpf_h("linux-6.12"), &["--json", "syscall"]);
    let ours = stdout_of("syscall-json", "linux-6.12");
    assert_same_text(&ours, &theirs, "--format syscall-json");
}
