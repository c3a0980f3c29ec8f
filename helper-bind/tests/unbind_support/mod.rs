//! Shared by the unbind tests: compiling our C sources with clang-19, helper
//! tables for the tests, and an independent ELF reader (the `object` crate's
//! high-level API) to check what unbind wrote.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use helper_bind::platform::{Platform, PlatformKind};
use object::read::elf::ElfFile64;
use object::{Endianness, Object, ObjectSection, ObjectSymbol, RelocationTarget};

pub const CLANG: &str = "clang-19";

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn data_dir() -> PathBuf {
    manifest_dir().join("tests/data/unbind")
}

/// Byte order to compile for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Little,
    Big,
}

impl Target {
    pub const BOTH: [Target; 2] = [Target::Little, Target::Big];
    pub fn clang_target(self) -> &'static str {
        match self {
            Target::Little => "bpf",
            Target::Big => "bpfeb",
        }
    }
}

/// How helpers are declared in the compiled program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binding {
    /// Numeric IDs baked in (libbpf's bpf_helper_defs.h, or our Windows table).
    Early,
    /// `extern` declarations: clang emits `call -1` + relocations.
    Late,
}

fn run(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().unwrap_or_else(|e| {
        panic!(
            "cannot run {:?}: {e}; install the test tools with scripts/setup-test-env",
            cmd.get_program()
        )
    });
    assert!(
        out.status.success(),
        "{:?} failed: {}",
        cmd,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// libbpf's headers rewritten so every helper is `extern` (late binding):
/// `static T (*name)(args) = (void *) N;` becomes `extern T name(args);`.
/// Generated at test time from the installed libbpf-dev, never committed.
fn late_linux_headers(dir: &Path) -> PathBuf {
    let inc = dir.join("late-include");
    let bpf = inc.join("bpf");
    std::fs::create_dir_all(&bpf).unwrap();
    let defs = std::fs::read_to_string("/usr/include/bpf/bpf_helper_defs.h")
        .expect("/usr/include/bpf/bpf_helper_defs.h (libbpf-dev; run scripts/setup-test-env)");
    let mut late = String::new();
    for line in defs.lines() {
        match early_decl(line) {
            Some((ret, name, args, _)) => {
                late.push_str(&format!("extern {ret}{name}({args});\n"));
            }
            None => {
                late.push_str(line);
                late.push('\n');
            }
        }
    }
    std::fs::write(bpf.join("bpf_helper_defs.h"), late).unwrap();
    std::fs::copy("/usr/include/bpf/bpf_helpers.h", bpf.join("bpf_helpers.h")).unwrap();
    inc
}

/// Split `static RET (*NAME)(ARGS) = (void *) ID;` into its parts.
fn early_decl(line: &str) -> Option<(&str, &str, &str, u32)> {
    let rest = line.strip_prefix("static ")?;
    let (ret, rest) = rest.split_once("(*")?;
    let (name, rest) = rest.split_once(")(")?;
    let (args, rest) = rest.rsplit_once(") = (void *) ")?;
    let id = rest.strip_suffix(';')?.parse().ok()?;
    Some((ret, name, args, id))
}

/// Compile `tests/data/unbind/<source>` into `dir`, return the object bytes.
pub fn compile(source: &str, target: Target, binding: Binding, btf: bool, dir: &Path) -> Vec<u8> {
    let src = data_dir().join(source);
    let out = dir.join(format!(
        "{}.{}.{:?}.{}.o",
        source.trim_end_matches(".c"),
        target.clang_target(),
        binding,
        if btf { "g" } else { "nog" }
    ));
    let mut cmd = Command::new(CLANG);
    cmd.args(["-O2", "-Wall", "-Werror", "-target", target.clang_target()]);
    if btf {
        cmd.arg("-g");
    }
    if source.starts_with("windows") {
        cmd.arg("-ffreestanding");
        if binding == Binding::Late {
            cmd.arg("-DLATE");
        }
    } else {
        if binding == Binding::Late {
            cmd.arg("-I").arg(late_linux_headers(dir));
        }
        cmd.args(["-I/usr/include/x86_64-linux-gnu"]);
    }
    cmd.arg("-c").arg(&src).arg("-o").arg(&out);
    run(&mut cmd);
    std::fs::read(&out).unwrap()
}

/// The built-in helper tables of `platform` (`linux` or `windows`).
pub fn platform(name: &str) -> Platform {
    Platform::builtin(name.parse::<PlatformKind>().expect("platform name"))
}

/// A relocation as the tests compare them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RelocRow {
    pub section: String,
    pub offset: u64,
    pub r_type: u32,
    pub symbol: String,
}

/// Code sections (executable) by name, read with the `object` crate.
pub fn code_sections(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let file = ElfFile64::<Endianness>::parse(bytes).expect("object parses the file");
    file.sections()
        .filter(|s| s.kind() == object::SectionKind::Text)
        .map(|s| (s.name().unwrap().to_string(), s.data().unwrap().to_vec()))
        .collect()
}

/// Asserts that two objects have the same code sections and the same code relocations
/// (compared as sets: the order of entries within a table does not matter).
#[allow(dead_code)] // not every test binary that includes this module uses it
pub fn assert_same_code(a: &[u8], b: &[u8], what: &str) {
    assert_eq!(code_sections(a), code_sections(b), "{what}: code differs");
    let mut ra = code_relocations(a);
    let mut rb = code_relocations(b);
    ra.sort();
    rb.sort();
    assert_eq!(ra, rb, "{what}: relocations differ");
}

/// Every relocation that applies to a code section.
pub fn code_relocations(bytes: &[u8]) -> Vec<RelocRow> {
    let file = ElfFile64::<Endianness>::parse(bytes).expect("object parses the file");
    let mut rows = Vec::new();
    for s in file
        .sections()
        .filter(|s| s.kind() == object::SectionKind::Text)
    {
        for (offset, r) in s.relocations() {
            let object::RelocationFlags::Elf { r_type } = r.flags() else {
                panic!("not an ELF relocation")
            };
            let RelocationTarget::Symbol(idx) = r.target() else {
                panic!("relocation without symbol")
            };
            let sym = file.symbol_by_index(idx).unwrap();
            rows.push(RelocRow {
                section: s.name().unwrap().to_string(),
                offset,
                r_type: r_type.0,
                symbol: sym.name().unwrap().to_string(),
            });
        }
    }
    rows
}

/// (name, binding, section index, kind) of each symbol.
pub fn symbols(bytes: &[u8]) -> Vec<(String, u8, u16, u8, u64)> {
    let file = ElfFile64::<Endianness>::parse(bytes).unwrap();
    let e = file.endian();
    file.elf_symbol_table()
        .symbols()
        .iter()
        .map(|s| {
            use object::read::elf::Sym;
            (
                String::from_utf8_lossy(
                    file.elf_symbol_table()
                        .symbol_name(e, s)
                        .unwrap_or_default(),
                )
                .into_owned(),
                s.st_bind().0,
                s.st_shndx(e).0,
                s.st_type().0,
                s.st_size(e),
            )
        })
        .collect()
}

/// Run a tool, returning (success, stdout, stderr).
pub fn tool(program: &str, args: &[&std::ffi::OsStr]) -> (bool, String, String) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {program}: {e}; install it with scripts/setup-test-env")
        });
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
