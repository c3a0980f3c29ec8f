//! Shared helpers of the helper-bind integration tests: compiling our C programs with clang-19,
//! running the CLI, reading objects with an independent ELF reader (`object`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use object::{Object, ObjectSection, ObjectSymbol};

/// The workspace root (from this crate's manifest dir, not the target dir).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Our C sources.
pub fn c_source(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/c")
        .join(name)
}

/// Compiles `source` (under tests/data/c) for `platform` (`linux`/`windows`), `target`
/// (`bpf`/`bpfeb`), early or late bound, into `dir`; returns the object path.
pub fn compile(dir: &Path, source: &str, platform: &str, target: &str, late: bool) -> PathBuf {
    compile_file(dir, &c_source(source), platform, target, late)
}

/// [`compile`] for a C file anywhere (for example one a test generated).
pub fn compile_file(dir: &Path, path: &Path, platform: &str, target: &str, late: bool) -> PathBuf {
    let source = path.file_name().unwrap().to_str().unwrap();
    let out = dir.join(format!(
        "{}-{platform}-{target}-{}.o",
        source.trim_end_matches(".c"),
        if late { "late" } else { "early" }
    ));
    let mut cmd = Command::new("clang-19");
    cmd.args(["-O2", "-g", "-ffreestanding", "-target", target])
        .arg(format!(
            "-I{}",
            workspace().join("headers").join(platform).display()
        ))
        .arg("-I/usr/include/x86_64-linux-gnu");
    if platform == "windows" {
        cmd.arg("-DPLATFORM_WINDOWS");
    }
    if late {
        cmd.arg("-DBPF_HELPER_LATE_BINDING");
    }
    cmd.arg("-c").arg(path).arg("-o").arg(&out);
    let result = cmd.output().unwrap_or_else(|e| {
        panic!("cannot run clang-19 ({e}); install the toolchain with scripts/setup-test-env")
    });
    assert!(
        result.status.success(),
        "clang-19 failed on {source}: {}",
        String::from_utf8_lossy(&result.stderr)
    );
    out
}

/// Runs the helper-bind binary.
pub fn helper_bind(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_helper-bind"))
        .args(args)
        .output()
        .expect("run helper-bind")
}

/// Exit code and stderr of a run.
pub fn status(out: &Output) -> (i32, String) {
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Executable sections as (name, bytes), read with the `object` crate.
pub fn code_sections(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let file = object::File::parse(bytes).expect("object parses");
    file.sections()
        .filter(|s| s.kind() == object::SectionKind::Text)
        .map(|s| (s.name().unwrap().to_string(), s.data().unwrap().to_vec()))
        .collect()
}

/// Every section as (name, sh_type, bytes).
pub fn sections(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let file = object::File::parse(bytes).expect("object parses");
    file.sections()
        .map(|s| {
            (
                s.name().unwrap_or("").to_string(),
                s.data().unwrap_or(&[]).to_vec(),
            )
        })
        .collect()
}

/// Names of undefined symbols.
pub fn undefined_symbols(bytes: &[u8]) -> Vec<String> {
    let file = object::File::parse(bytes).expect("object parses");
    let mut v: Vec<String> = file
        .symbols()
        .filter(|s| s.is_undefined() && !s.name().unwrap_or("").is_empty())
        .map(|s| s.name().unwrap().to_string())
        .collect();
    v.sort();
    v
}

/// (code section, offset, symbol name) of every relocation in code sections.
pub fn code_relocations(bytes: &[u8]) -> Vec<(String, u64, String)> {
    let file = object::File::parse(bytes).expect("object parses");
    let mut out = Vec::new();
    for s in file.sections() {
        if s.kind() != object::SectionKind::Text {
            continue;
        }
        for (off, r) in s.relocations() {
            let name = match r.target() {
                object::RelocationTarget::Symbol(i) => {
                    let sym = file.symbol_by_index(i).unwrap();
                    let n = sym.name().unwrap_or("").to_string();
                    if n.is_empty() {
                        let section = sym
                            .section_index()
                            .and_then(|i| file.section_by_index(i).ok());
                        format!(
                            "section {}",
                            section.map_or("?", |s| s.name().unwrap_or("?"))
                        )
                    } else {
                        n
                    }
                }
                _ => String::new(),
            };
            out.push((s.name().unwrap().to_string(), off, name));
        }
    }
    out
}

/// Whether `bpftool` is present and bpf() works (an early-bound object loads). Prints why not.
pub fn can_load(probe: &Path) -> bool {
    let pin = format!("/sys/fs/bpf/helper-bind-probe-{}", std::process::id());
    let out = Command::new("bpftool")
        .args(["prog", "loadall"])
        .arg(probe)
        .arg(&pin)
        .output();
    let _ = std::fs::remove_dir_all(&pin);
    match out {
        Ok(o) if o.status.success() => true,
        Ok(o) => {
            eprintln!(
                "SKIP kernel loading: bpftool prog loadall of an early-bound object failed (bpf() refused?): {}",
                String::from_utf8_lossy(&o.stderr)
            );
            false
        }
        Err(e) => {
            eprintln!("SKIP kernel loading: cannot run bpftool: {e}");
            false
        }
    }
}

/// Loads every program of `object` with libbpf (bpftool prog loadall) and returns, for each
/// pinned program, its `bpftool prog show` JSON. Removes the pins.
pub fn load_all(object: &Path, tag: &str) -> Result<Vec<serde_json::Value>, String> {
    let pin = format!("/sys/fs/bpf/helper-bind-{tag}-{}", std::process::id());
    let out = Command::new("bpftool")
        .args(["prog", "loadall"])
        .arg(object)
        .arg(&pin)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        let _ = std::fs::remove_dir_all(&pin);
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let mut shows = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&pin)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        let show = Command::new("bpftool")
            .args(["-j", "prog", "show", "pinned"])
            .arg(&p)
            .output()
            .unwrap();
        shows.push(serde_json::from_slice(&show.stdout).unwrap());
    }
    std::fs::remove_dir_all(&pin).unwrap();
    Ok(shows)
}
