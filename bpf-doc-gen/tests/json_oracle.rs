//! `--format json` against the newest kernel `bpf_doc.py --json` (the only generation with
//! JSON output), run live on every `bpf.h` it accepts. Our output is the script's, byte for
//! byte, plus an `"id"` key closing each helper object; the IDs are checked against the
//! script's own `--header` output.

#[path = "rst_support/mod.rs"]
mod rst_support;

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use bpf_doc_gen::emit::json::{helpers_json, syscalls_json};
use regex::Regex;
use rst_support::{
    assert_same_text, bpf_h, edit_lookup_elem_doc, explicit_mapper, parse, ScriptTree,
};

/// Our JSON without the `"id"` lines, and the IDs in order.
fn split_ids(ours: &str) -> (String, Vec<u32>) {
    let id_line = Regex::new(r#",\n {12}"id": (\d+)\n"#).unwrap();
    let ids = id_line
        .captures_iter(ours)
        .map(|c| c[1].parse().unwrap())
        .collect();
    (id_line.replace_all(ours, "\n").into_owned(), ids)
}

/// Helper name → ID, from the newest script's `--header` (`... (* const name)(...) = (void *) ID;`).
fn script_ids(tree: &ScriptTree, path: &Path) -> HashMap<String, u32> {
    let decl = Regex::new(r"(?m)\(\* const (\w+)\)\(.*\) = \(void \*\) (\d+);$").unwrap();
    let header = tree.run(path, &["--header"]);
    decl.captures_iter(&header)
        .map(|c| (c[1].to_string(), c[2].parse().unwrap()))
        .collect()
}

fn check_helpers(path: &Path, what: &str) {
    check_helpers_as(path, path, what)
}

/// Our JSON for `ours_from` against the script's for `theirs_from` (the same header, maybe
/// with its mapper rewritten for the script).
fn check_helpers_as(ours_from: &Path, path: &Path, what: &str) {
    let tree = ScriptTree::new("linux-unstable");
    let theirs = tree.run(path, &["--json"]);
    let ours = helpers_json(&parse(ours_from)).unwrap();
    let (without_ids, ids) = split_ids(&ours);
    assert_same_text(&without_ids, &theirs, what);

    let value: serde_json::Value = serde_json::from_str(&ours).expect("our JSON parses");
    let helpers = value["helpers"].as_array().expect("a helpers array");
    assert_eq!(ids.len(), helpers.len(), "one id per helper object");
    let expected = script_ids(&tree, path);
    assert!(
        expected.len() > 100,
        "too few helpers in the script's header"
    );
    for (helper, id) in helpers.iter().zip(ids) {
        let name = helper["name"].as_str().unwrap();
        assert_eq!(helper["id"], id, "{name}");
        assert_eq!(Some(&id), expected.get(name), "{what}: id of {name}");
    }
}

#[test]
fn helpers_json_matches_newest_script_on_bpf_h_6_12() {
    check_helpers(&bpf_h("linux-6.12"), "bpf_doc.py --json on 6.12 bpf.h");
}

#[test]
fn helpers_json_matches_newest_script_on_newest_bpf_h() {
    check_helpers(
        &bpf_h("linux-unstable"),
        "bpf_doc.py --json on newest bpf.h",
    );
}

/// A 6.1 header, whose IDs come from mapper positions: the newest script's output for the
/// same header with the mapper rewritten to explicit IDs.
#[test]
fn helpers_json_of_old_header_matches_newest_script_on_converted_header() {
    let dir = tempfile::tempdir().unwrap();
    let converted = rst_support::edited_bpf_h(dir.path(), "linux-6.1", explicit_mapper);
    check_helpers_as(&bpf_h("linux-6.1"), &converted, "6.1 bpf.h, --json");
}

/// Quotes, a backslash, trailing blanks and control characters in the text.
#[test]
fn helpers_json_matches_the_script_on_unusual_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = rst_support::edited_bpf_h(dir.path(), "linux-unstable", edit_lookup_elem_doc);
    check_helpers(&path, "bpf_doc.py --json on edited bpf.h");
}

/// Re-dumps `json_text` with Python's `json.dumps(obj, indent=4)` (what the script prints).
fn python_json_dumps(json_text: &str) -> String {
    let mut child = Command::new("python3")
        .args([
            "-c",
            "import json, sys; print(json.dumps(json.load(sys.stdin), indent=4))",
        ])
        .env("PYTHONIOENCODING", "utf-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run python3 (installed by scripts/setup-test-env)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(json_text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "python3 json.dumps failed");
    String::from_utf8(out.stdout).unwrap()
}

/// The real headers are ASCII and the scripts cannot read non-ASCII ones (see
/// `edit_lookup_elem_doc`), so Python's `ensure_ascii` escaping is checked by round trip: our
/// output, loaded and dumped again by Python, must come back byte for byte.
#[test]
fn non_ascii_and_control_characters_escape_like_python() {
    let mut model = parse(&bpf_h("linux-unstable"));
    model.helpers[0].desc =
        "caf\u{e9} \u{1F600} \u{7f}\u{1}\u{1f}\u{8}\u{c}\r\t\"\\/ \u{2028}\n".into();
    model.helpers[0].name = "bpf_\u{3bb}".into();
    let ours = helpers_json(&model).unwrap();
    assert!(ours.is_ascii());
    assert!(ours.contains(r#"caf\u00e9 \ud83d\ude00 \u007f\u0001\u001f\b\f\r\t\"\\/ \u2028\n"#));
    assert_same_text(
        &ours,
        &python_json_dumps(&ours),
        "python json.dumps round trip",
    );
}

fn check_syscalls(header: &str) {
    let path = bpf_h(header);
    let theirs = ScriptTree::new("linux-unstable").run(&path, &["--json", "syscall"]);
    let ours = syscalls_json(&parse(&path)).unwrap();
    assert_same_text(
        &ours,
        &theirs,
        &format!("bpf_doc.py --json syscall on {header}"),
    );
}

#[test]
fn syscall_json_matches_newest_script_on_bpf_h_6_12() {
    check_syscalls("linux-6.12");
}

#[test]
fn syscall_json_matches_newest_script_on_newest_bpf_h() {
    check_syscalls("linux-unstable");
}
