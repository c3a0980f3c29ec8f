//! Shared by the check, rebind and batch tests: compiling the C sources of
//! tests/data/portability with clang-19 against the project's generated helper headers,
//! running the binary, and reading code sections with an independent ELF reader.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use helper_bind::platform::{Platform, PlatformKind};
use object::read::elf::ElfFile64;
use object::{Endianness, Object, ObjectSection, SectionKind};

pub const CLANG: &str = "clang-19";

pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/portability")
}

/// Byte order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Little,
    Big,
}

impl Target {
    pub const BOTH: [Target; 2] = [Target::Little, Target::Big];
    fn clang(self) -> &'static str {
        match self {
            Target::Little => "bpf",
            Target::Big => "bpfeb",
        }
    }
}

/// Helper IDs baked in (`call N`) or calls by name (`extern`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binding {
    Early,
    Late,
}

/// Compiles `tests/data/portability/<source>` for `platform` into `dir`: the platform's
/// generated `headers/<platform>/bpf_helper_defs.h`, early or late bound, with BTF (-g).
pub fn compile(
    source: &str,
    platform: PlatformKind,
    binding: Binding,
    target: Target,
    dir: &Path,
) -> PathBuf {
    let out = dir.join(format!(
        "{}.{platform}.{binding:?}.{}.o",
        source.trim_end_matches(".c"),
        target.clang()
    ));
    let mut cmd = Command::new(CLANG);
    cmd.args(["-O2", "-g", "-Wall", "-Werror", "-target", target.clang()]);
    cmd.arg("-I")
        .arg(workspace().join("headers").join(platform.name()));
    match platform {
        PlatformKind::Linux => {
            cmd.arg("-I/usr/include/x86_64-linux-gnu");
        }
        PlatformKind::Windows => {
            cmd.args(["-ffreestanding", "-DHB_WINDOWS"]);
        }
    }
    if binding == Binding::Late {
        cmd.arg("-DBPF_HELPER_LATE_BINDING");
    }
    cmd.arg("-c")
        .arg(data_dir().join(source))
        .arg("-o")
        .arg(&out);
    let result = cmd.output().unwrap_or_else(|e| {
        panic!("cannot run {CLANG}: {e}; install the test tools with scripts/setup-test-env")
    });
    assert!(
        result.status.success(),
        "{cmd:?} failed:\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    out
}

pub fn builtin(kind: PlatformKind) -> Platform {
    Platform::builtin(kind)
}

/// The `helper-bind` binary of this build.
pub fn helper_bind(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_helper-bind"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run helper-bind")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Executable sections by name, read with the `object` crate.
pub fn code_sections(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let file = ElfFile64::<Endianness>::parse(bytes).expect("object parses the file");
    file.sections()
        .filter(|s| s.kind() == SectionKind::Text)
        .map(|s| {
            (
                s.name().expect("section name").to_string(),
                s.data().expect("section data").to_vec(),
            )
        })
        .collect()
}

/// The data of the named section, read with the `object` crate (`None` when absent).
pub fn section_data(bytes: &[u8], name: &str) -> Option<Vec<u8>> {
    let file = ElfFile64::<Endianness>::parse(bytes).expect("object parses the file");
    file.section_by_name(name)
        .map(|s| s.data().expect("section data").to_vec())
}

/// Files in `dir`, sorted.
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
