//! `--format header` against the kernel's own `bpf_doc.py --header`, byte for byte: every
//! available bpf.h against every script generation that accepts it (newest style against the
//! 6.12 and newest scripts, `--compat 6.1` against the 6.1 script). Where the newest script
//! cannot read an old header, it reads the same header with its mapper rewritten to the 6.2+
//! form, which must give our newest-style output for the original. Headers older than the
//! syscall block get an empty one for the scripts (which insist on it even for `--header`).

mod support;

use std::path::{Path, PathBuf};

use bpf_doc_gen::{generate_str, Compat, Format, Options};

fn ours(bpf_h: &Path, compat: Compat) -> Vec<u8> {
    let text = std::fs::read_to_string(bpf_h).unwrap();
    let opts = Options {
        format: Format::Header,
        compat,
        ..Options::default()
    };
    generate_str(&text, &bpf_h.display().to_string(), &opts)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_bytes()
}

fn all_bpf_h() -> Vec<(String, PathBuf)> {
    let mut v: Vec<(String, PathBuf)> = ["linux-6.1", "linux-6.12", "linux-unstable"]
        .iter()
        .map(|k| (k.to_string(), support::kernel(k).join("bpf.h")))
        .collect();
    v.extend(
        support::extra_bpf_h()
            .into_iter()
            .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), p)),
    );
    v
}

/// Compares with every script; returns which scripts accepted the header.
fn compare_with_scripts(label: &str, bpf_h: &Path, script_input: &Path) -> Vec<&'static str> {
    let mut accepted = Vec::new();
    for (script, compat) in [
        ("linux-6.1", Compat::Linux6_1),
        ("linux-6.12", Compat::Newest),
        ("linux-unstable", Compat::Newest),
    ] {
        let py = support::kernel(script).join("bpf_doc.py");
        match support::run_script(&py, script_input, &["--header"]) {
            Ok(expected) => {
                let got = ours(bpf_h, compat);
                if got != expected {
                    let dir = std::env::temp_dir();
                    let (e, g) = (
                        dir.join(format!("expected-{label}-{script}.h")),
                        dir.join(format!("got-{label}-{script}.h")),
                    );
                    std::fs::write(&e, &expected).unwrap();
                    std::fs::write(&g, &got).unwrap();
                    panic!(
                        "{label} with {script}'s script differs: diff {} {}",
                        e.display(),
                        g.display()
                    );
                }
                accepted.push(script);
            }
            Err(err) => eprintln!(
                "{label}: {script}'s script rejects it: {}",
                err.trim().lines().last().unwrap_or("")
            ),
        }
    }
    accepted
}

#[test]
fn every_bpf_h_matches_every_script_that_accepts_it() {
    for (label, path) in all_bpf_h() {
        let text = std::fs::read_to_string(&path).unwrap();
        let marked = support::with_syscall_marker(&text);
        let dir = tempfile::tempdir().unwrap();
        let script_input = if marked == text {
            path.clone()
        } else {
            let p = dir.path().join("bpf.h");
            std::fs::write(&p, marked).unwrap();
            p
        };
        let accepted = compare_with_scripts(&label, &path, &script_input);
        eprintln!("{label}: identical to the scripts of {accepted:?}");
        // The three kernel oracles are known to be accepted by these scripts; guard against a
        // test that silently compares nothing.
        let expected: &[&str] = match label.as_str() {
            "linux-6.1" => &["linux-6.1"],
            "linux-6.12" => &["linux-6.12", "linux-unstable"],
            "linux-unstable" => &["linux-unstable"],
            _ => continue,
        };
        assert_eq!(accepted, expected, "{label}");
    }
}

#[test]
fn old_headers_get_the_newest_style_the_newest_script_gives_their_rewritten_form() {
    let newest = support::kernel("linux-unstable").join("bpf_doc.py");
    let mut compared = 0;
    for (label, path) in all_bpf_h() {
        let text = std::fs::read_to_string(&path).unwrap();
        if !text.contains("#define __BPF_FUNC_MAPPER(FN)\t") {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let rewritten = dir.path().join("bpf.h");
        let marked = support::with_syscall_marker(&text);
        std::fs::write(&rewritten, support::with_explicit_mapper(&marked)).unwrap();
        match support::run_script(&newest, &rewritten, &["--header"]) {
            Ok(expected) => {
                assert!(
                    ours(&path, Compat::Newest) == expected,
                    "{label}: newest style differs"
                );
                compared += 1;
            }
            Err(e) => eprintln!(
                "{label}: newest script rejects even the rewritten form: {}",
                e.trim().lines().last().unwrap_or("")
            ),
        }
    }
    assert!(compared >= 1, "linux-6.1 at least must be compared");
}

/// Linux 5.10's generator (`scripts/bpf_helpers_doc.py`, fetched by scripts/fetch-old-bpf-h
/// when Debian still serves bullseye) numbers helpers by description order and reads helpers
/// without a Description section. Its helper blocks must equal ours (`--compat 6.1` style:
/// same declarations); only the first line and the forward declarations differ.
#[test]
fn helper_blocks_match_the_5_10_generator_where_it_accepts_the_header() {
    let dir = support::oracles_dir().join("linux-5.10");
    let script = dir.join("bpf_helpers_doc.py");
    if !script.is_file() {
        eprintln!(
            "SKIPPED: {} absent (scripts/fetch-old-bpf-h could not fetch Debian bullseye's \
             linux-source-5.10)",
            script.display()
        );
        return;
    }
    let body = |text: &[u8]| -> Vec<u8> {
        let at = text
            .windows(5)
            .position(|w| w == b"\n\n/*\n")
            .expect("a helper block");
        text[at..].to_vec()
    };
    let mut inputs = vec![("linux-5.10".to_string(), dir.join("bpf.h"))];
    inputs.extend(all_bpf_h());
    let mut compared = Vec::new();
    for (label, path) in inputs {
        match support::run_script(&script, &path, &["--header"]) {
            Ok(expected) => {
                let got = ours(&path, Compat::Linux6_1);
                // It silently stops at the first section it does not know (`Attributes`).
                let count = |t: &[u8]| t.windows(11).filter(|w| w == b"= (void *) ").count();
                if count(&expected) < count(&got) {
                    eprintln!(
                        "{label}: the 5.10 generator stops early ({} of {} helpers)",
                        count(&expected),
                        count(&got)
                    );
                    continue;
                }
                assert!(
                    body(&got) == body(&expected),
                    "{label}: helper blocks differ from the 5.10 generator's"
                );
                compared.push(label);
            }
            Err(e) => eprintln!(
                "{label}: the 5.10 generator rejects it: {}",
                e.trim().lines().last().unwrap_or("")
            ),
        }
    }
    eprintln!("identical helper blocks to the 5.10 generator: {compared:?}");
    assert!(
        compared.iter().any(|l| l == "linux-5.10"),
        "its own bpf.h at least"
    );
}
