//! Hostile bpf.h inputs for the `bpf-doc-gen` binary: missing files, binary junk, blocks cut
//! off midway, malformed prototypes, mapper and documentation that disagree. Each must give a
//! non-zero exit (never a panic) with a `file:line:` error, in every output format, and never
//! create or touch the `-o` file.
//!
//! The corruptions start from the kernel's real bpf.h files (extracted by
//! scripts/setup-test-env into target/oracles, never committed), which are checked to generate
//! first, so a tool that refuses everything cannot pass.

use regex::Regex;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_bpf-doc-gen");
const FORMATS: &[&str] = &["header", "bpf-helper", "rst", "syscall-rst", "json"];

fn oracles() -> PathBuf {
    let dir = std::env::var_os("HELPER_BIND_ORACLES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .unwrap()
                .join("target/oracles")
        });
    assert!(
        dir.join("linux-6.12/bpf.h").is_file(),
        "kernel oracles missing under {}: run scripts/setup-test-env",
        dir.display()
    );
    dir
}

/// The oracle bpf.h files: (label, text).
fn kernel_headers() -> Vec<(String, String)> {
    let dir = oracles();
    ["linux-6.1", "linux-6.12", "linux-unstable"]
        .iter()
        .map(|v| {
            (
                v.to_string(),
                fs::read_to_string(dir.join(v).join("bpf.h")).unwrap(),
            )
        })
        .collect()
}

/// One hostile input and, when the fault sits on one line, that 1-based line.
struct Case {
    name: String,
    bytes: Vec<u8>,
    line: Option<usize>,
}

/// 1-based number of the first line containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle}"))
        + 1
}

/// `text` with 1-based line `n` replaced by `with` (or removed when `with` is None).
fn replace_line(text: &str, n: usize, with: Option<&str>) -> Vec<u8> {
    let mut out = String::new();
    for (k, l) in text.split_inclusive('\n').enumerate() {
        if k + 1 == n {
            if let Some(w) = with {
                out.push_str(w);
                out.push('\n');
            }
        } else {
            out.push_str(l);
        }
    }
    out.into_bytes()
}

/// `text` cut right after 1-based line `n`.
fn cut_after(text: &str, n: usize) -> Vec<u8> {
    text.split_inclusive('\n')
        .take(n)
        .collect::<String>()
        .into_bytes()
}

fn hostile_cases() -> Vec<Case> {
    let mut junk = Vec::new();
    let mut x: u32 = 0x1234_5678;
    for _ in 0..8192 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        junk.push(x as u8);
    }
    let mut cases = vec![
        Case {
            name: "empty file".into(),
            bytes: Vec::new(),
            line: None,
        },
        Case {
            name: "binary junk".into(),
            bytes: junk.clone(),
            line: None,
        },
        Case {
            name: "NUL bytes".into(),
            bytes: vec![0; 1000],
            line: None,
        },
        Case {
            name: "a C file that is no bpf.h".into(),
            bytes: b"int main(void)\n{\n\treturn 0;\n}\n".to_vec(),
            line: None,
        },
    ];
    for (label, text) in kernel_headers() {
        let helpers_start = line_of(&text, "Start of BPF helper function descriptions");
        let update = line_of(&text, " * long bpf_map_update_elem(");
        let ktime = line_of(&text, " * u64 bpf_ktime_get_ns(void)");
        let mapper_ktime = line_of(&text, "FN(ktime_get_ns");
        let syscalls = line_of(&text, "DOC: eBPF Syscall Commands");
        let l = |what: &str| format!("{label}: {what}");
        cases.push(Case {
            name: l("cut inside the syscall block"),
            bytes: cut_after(&text, syscalls + 20),
            line: None,
        });
        cases.push(Case {
            name: l("cut right after the helper block starts"),
            bytes: cut_after(&text, helpers_start + 1),
            line: None,
        });
        cases.push(Case {
            name: l("cut inside a helper description"),
            bytes: cut_after(&text, update + 2),
            line: None,
        });
        cases.push(Case {
            name: l("cut inside the mapper"),
            bytes: cut_after(&text, mapper_ktime),
            line: None,
        });
        cases.push(Case {
            name: l("prototype without closing parenthesis"),
            bytes: replace_line(
                &text,
                update,
                Some(" * long bpf_map_update_elem(struct bpf_map *map, const void *key"),
            ),
            line: Some(update),
        });
        cases.push(Case {
            name: l("prototype without a name"),
            bytes: replace_line(&text, ktime, Some(" * u64 (void)")),
            line: Some(ktime),
        });
        cases.push(Case {
            name: l("prototype that is no C"),
            bytes: replace_line(&text, ktime, Some(" * ((((bpf_ktime_get_ns")),
            line: Some(ktime),
        });
        cases.push(Case {
            name: l("binary junk in a prototype"),
            bytes: {
                let mut b = replace_line(
                    &text,
                    ktime,
                    Some(" * u64 bpf_ktime_get_ns(\u{1}\u{2}\u{7f})"),
                );
                // invalid UTF-8 too
                let at = b.windows(3).position(|w| w == [1, 2, 0x7f]).unwrap();
                b[at] = 0xff;
                b
            },
            line: Some(ktime),
        });
        cases.push(Case {
            name: l("helper documented but missing from the mapper"),
            bytes: replace_line(&text, mapper_ktime, None),
            line: None,
        });
        if label != "linux-6.1" {
            // Explicit IDs (6.2+): a duplicate ID.
            let dup = text
                .lines()
                .nth(mapper_ktime - 1)
                .unwrap()
                .replace(", 5,", ", 3,");
            cases.push(Case {
                name: l("duplicate helper ID in the mapper"),
                bytes: replace_line(&text, mapper_ktime, Some(&dup)),
                line: Some(mapper_ktime),
            });
        }
    }
    cases
}

struct Run {
    code: Option<i32>,
    stderr: String,
}

fn run(args: &[&std::ffi::OsStr]) -> Run {
    let out = Command::new(BIN).args(args).output().unwrap();
    Run {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn the_kernel_headers_themselves_generate() {
    // The base the corruptions start from must be accepted, or every test below proves nothing.
    let dir = tempfile::tempdir().unwrap();
    for (label, text) in kernel_headers() {
        let input = dir.path().join("bpf.h");
        fs::write(&input, &text).unwrap();
        let out = dir.path().join("out.h");
        let r = run(&["-o".as_ref(), out.as_os_str(), input.as_os_str()]);
        assert_eq!(r.code, Some(0), "{label}: {}", r.stderr);
        assert!(
            fs::read_to_string(&out)
                .unwrap()
                .contains("bpf_map_lookup_elem"),
            "{label}"
        );
    }
}

#[test]
fn every_hostile_bpf_h_is_refused_with_file_and_line() {
    let line_re = Regex::new(r"hostile\.h:(\d+):").unwrap();
    let mut failures = Vec::new();
    let cases = hostile_cases();
    for case in &cases {
        for format in FORMATS {
            for out_exists in [false, true] {
                let dir = tempfile::tempdir().unwrap();
                let input = dir.path().join("hostile.h");
                let out = dir.path().join("out.h");
                fs::write(&input, &case.bytes).unwrap();
                if out_exists {
                    fs::write(&out, "previous contents\n").unwrap();
                }
                let r = run(&[
                    "--format".as_ref(),
                    format.as_ref(),
                    "-o".as_ref(),
                    out.as_os_str(),
                    input.as_os_str(),
                ]);
                let mut why = Vec::new();
                if r.stderr.contains("panicked") || r.code.is_none() || r.code == Some(101) {
                    why.push(format!("crashed ({:?})", r.code));
                } else if r.code == Some(0) {
                    why.push("accepted".to_string());
                }
                match line_re.captures(&r.stderr) {
                    None => why.push("no `hostile.h:LINE:` in the error".to_string()),
                    Some(c) => {
                        let got: usize = c[1].parse().unwrap();
                        if case.line.is_some_and(|want| want != got) {
                            why.push(format!(
                                "error at line {got}, fault is on line {}",
                                case.line.unwrap()
                            ));
                        }
                    }
                }
                let expected_out = if out_exists {
                    Some("previous contents\n".to_string())
                } else {
                    None
                };
                if fs::read_to_string(&out).ok() != expected_out {
                    why.push(format!(
                        "-o file {} touched",
                        if out_exists { "existing" } else { "absent" }
                    ));
                }
                let mut left = fs::read_dir(dir.path()).unwrap().count();
                left -= 1 + out_exists as usize;
                if left != 0 {
                    why.push(format!("{left} temp file(s) left"));
                }
                if fs::read(&input).unwrap() != case.bytes {
                    why.push("input modified".to_string());
                }
                if !why.is_empty() {
                    failures.push(format!(
                        "{} | --format {format} (-o {}): {} [stderr: {}]",
                        case.name,
                        if out_exists { "existing" } else { "absent" },
                        why.join("; "),
                        r.stderr.trim()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} runs broke a promise:\n{}",
        failures.len(),
        cases.len() * FORMATS.len() * 2,
        failures.join("\n")
    );
}

#[test]
fn missing_and_unreadable_inputs_are_refused_with_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-bpf.h");
    let out = dir.path().join("out.h");
    for (what, input) in [
        ("missing file", missing.clone()),
        ("a directory", dir.path().to_path_buf()),
    ] {
        let r = run(&["-o".as_ref(), out.as_os_str(), input.as_os_str()]);
        assert!(
            matches!(r.code, Some(c) if c != 0 && c != 101),
            "{what}: exit {:?}: {}",
            r.code,
            r.stderr
        );
        assert!(
            r.stderr.contains(&*input.to_string_lossy()),
            "{what}: error does not name the path: {}",
            r.stderr
        );
        assert!(!out.exists(), "{what}: output created");
    }
}

/// A one-helper bpf.h (no mapper: IDs by description order) whose prototype line is `proto`.
fn one_helper(proto: &str) -> String {
    format!(
        "/*\n * Start of BPF helper function descriptions:\n *\n * {proto}\n * \tDescription\n * \t\tLookup.\n * \tReturn\n * \t\tValue.\n */\n"
    )
}

#[test]
fn malformed_prototypes_never_become_a_header_that_does_not_compile() {
    // Found by fuzzing (parse_bpf_h: the BPF_HELPER header round trip): prototypes the kernel's
    // loose regex splits into a return type holding `(`, `[` or `;`, or a name that is no C
    // identifier, were written into `--format bpf-helper` output with exit 0, giving a header
    // neither clang nor helper-bind's table reader accepts. Each must be refused at its line,
    // or give a header that compiles (both bindings) and reads back as a table; `--format
    // header` must at least not crash.
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let good = "void *bpf_map_lookup_elem(struct bpf_map *map, const void *key)";
    for proto in [
        good,
        "voi[ *bpf_map_lookup_elem(struct bpf_map *map, const void *key)",
        "void *bpf_map_lookup_elem(struct bpf_map *map, const(void *key)",
        "void *8bpf_map_lookup_elem(struct bpf_map *map, const void *key)",
        "long bpf_a(int a), bpf_b(int b)",
        "long bpf_a(int a); int x(int b)",
        // Found by the 2026-12-05 campaign: `...` is a parameter, never a return type.
        "... bpf_map_update_elem(struct bpf_map *map, const void *key, u64 flags)",
    ] {
        let input = dir.path().join("v.h");
        let out = dir.path().join("v.out.h");
        let _ = fs::remove_file(&out);
        fs::write(&input, one_helper(proto)).unwrap();
        for format in ["bpf-helper", "header"] {
            let r = run(&[
                "--format".as_ref(),
                format.as_ref(),
                "--no-docs".as_ref(),
                "-o".as_ref(),
                out.as_os_str(),
                input.as_os_str(),
            ]);
            let what = format!("{proto:?} --format {format}");
            match r.code {
                Some(0) => {
                    let text = fs::read_to_string(&out).unwrap();
                    if format == "bpf-helper" {
                        if let Err(e) =
                            bpf_doc_gen::table::Table::parse_bpf_helper_header(&text, "v.out.h")
                        {
                            failures.push(format!(
                                "{what}: exit 0, but the table reader refuses it: {e}"
                            ));
                        }
                    }
                    // `header` must match the kernel script byte for byte, whatever that
                    // prints (its regex takes `8bpf_x` as a name too); only our own format is
                    // held to compiling.
                    if format == "header" {
                        continue;
                    }
                    for late in [false, true] {
                        if let Err(e) = compiles(dir.path(), &out, late) {
                            failures.push(format!(
                                "{what}: exit 0, but it does not compile (late: {late}): {e}"
                            ));
                        }
                    }
                }
                Some(101) | None => failures.push(format!("{what}: crashed: {}", r.stderr)),
                Some(_) => {
                    if !r.stderr.contains("v.h:4:") {
                        failures.push(format!("{what}: refused without `v.h:4:`: {}", r.stderr));
                    }
                    if proto == good {
                        failures.push(format!("{what}: a valid prototype refused: {}", r.stderr));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Compiles `header` with clang-19 for BPF, early- or late-bound.
fn compiles(dir: &Path, header: &Path, late: bool) -> Result<(), String> {
    let c = dir.join("use.c");
    let define = if late {
        "#define BPF_HELPER_LATE_BINDING\n"
    } else {
        ""
    };
    fs::write(
        &c,
        format!(
            "#include <linux/types.h>\n{define}#include \"{}\"\n",
            header.display()
        ),
    )
    .unwrap();
    let out = Command::new("clang-19")
        .args([
            "-target",
            "bpf",
            "-fsyntax-only",
            "-I/usr/include/x86_64-linux-gnu",
        ])
        .arg(&c)
        .output()
        .map_err(|e| format!("clang-19 not runnable ({e}): run scripts/setup-test-env"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr)
            .lines()
            .next()
            .unwrap_or("")
            .to_string())
    }
}
