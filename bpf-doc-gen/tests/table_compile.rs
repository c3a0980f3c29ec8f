//! Headers written by `Table::to_bpf_helper_header` compile with clang-19 (`-target bpf
//! -Wall -Werror`), and calling every helper gives `call ID` (early binding, the default) or
//! `call -1` with an `R_BPF_64_32` relocation against the helper's name
//! (`BPF_HELPER_LATE_BINDING`).

use bpf_doc_gen::table::Table;
use object::{Object, ObjectSection, ObjectSymbol, RelocationTarget};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_path_buf()
}

fn platforms_dir() -> PathBuf {
    std::env::var_os("HELPER_BIND_PLATFORMS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("../shared/platforms"))
}

/// A C file that calls every helper once, each from its own section named after a section
/// prefix of the helper's program type (general helpers: `gen/`).
fn caller_source(table: &Table, prelude: &str) -> (String, BTreeMap<String, (u32, String)>) {
    let mut source = format!("{prelude}#include \"bpf_helper_defs.h\"\n");
    let mut expected = BTreeMap::new();
    for helper in &table.helpers {
        let prefix = match &helper.program_type {
            None => "gen/".to_string(),
            Some(p) => table.program_type(p).expect("declared").sections[0].clone(),
        };
        let section = format!("{prefix}{}", helper.name);
        let params = helper
            .args
            .split(',')
            .filter(|p| !p.contains("..."))
            .count();
        let params = if helper.args == "(void)" { 0 } else { params };
        let zeros = vec!["0"; params].join(", ");
        source.push_str(&format!(
            "__attribute__((section(\"{section}\"), used)) int call_{name}(void)\n\
             {{ {name}({zeros}); return 0; }}\n",
            name = helper.name
        ));
        expected.insert(section, (helper.id, helper.name.clone()));
    }
    (source, expected)
}

fn compile(dir: &Path, header: &str, source: &str, extra: &[&str]) -> Result<Vec<u8>, String> {
    std::fs::write(dir.join("bpf_helper_defs.h"), header).expect("write header");
    std::fs::write(dir.join("prog.c"), source).expect("write source");
    let output = Command::new("clang-19")
        .args([
            "-O2", "-target", "bpf", "-Wall", "-Werror", "-c", "prog.c", "-o", "prog.o",
        ])
        .args(["-I/usr/include/x86_64-linux-gnu"])
        .args(extra)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("clang-19 not runnable ({e}); run scripts/setup-test-env first")
        });
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    Ok(std::fs::read(dir.join("prog.o")).expect("read prog.o"))
}

/// One code section's calls as `(src_reg, imm)`, and its relocation symbols.
type SectionCalls = (Vec<(u8, i32)>, Vec<String>);

/// Per code section with a call: its calls and relocation symbols.
fn calls(object_bytes: &[u8]) -> BTreeMap<String, SectionCalls> {
    let file = object::File::parse(object_bytes).expect("clang output is ELF");
    let mut out = BTreeMap::new();
    for section in file.sections() {
        let name = section.name().expect("section name").to_string();
        if section.kind() != object::SectionKind::Text {
            continue;
        }
        let data = section.data().expect("section data");
        let insns: Vec<(u8, i32)> = data
            .chunks_exact(8)
            .filter(|insn| insn[0] == 0x85)
            .map(|insn| {
                (
                    insn[1] >> 4,
                    i32::from_le_bytes([insn[4], insn[5], insn[6], insn[7]]),
                )
            })
            .collect();
        let symbols: Vec<String> = section
            .relocations()
            .filter_map(|(_, rel)| match rel.target() {
                RelocationTarget::Symbol(index) => Some(
                    file.symbol_by_index(index)
                        .expect("symbol")
                        .name()
                        .expect("symbol name")
                        .to_string(),
                ),
                _ => None,
            })
            .collect();
        if !insns.is_empty() {
            out.insert(name, (insns, symbols));
        }
    }
    out
}

fn check_every_helper_binds(table: &Table, prelude: &str, flags: &[&str]) {
    let header = table.to_bpf_helper_header();
    let (source, expected) = caller_source(table, prelude);
    let dir = tempfile::tempdir().expect("tempdir");
    let early = compile(dir.path(), &header, &source, flags)
        .unwrap_or_else(|e| panic!("early build failed:\n{e}"));
    let late_flags = [flags, &["-DBPF_HELPER_LATE_BINDING"]].concat();
    let late = compile(dir.path(), &header, &source, &late_flags)
        .unwrap_or_else(|e| panic!("late build failed:\n{e}"));
    let early = calls(&early);
    let late = calls(&late);
    assert_eq!(early.len(), expected.len(), "one section per helper");
    for (section, (id, name)) in &expected {
        let (insns, symbols) = &early[section];
        assert_eq!(insns, &vec![(0u8, *id as i32)], "{section}: early call");
        assert!(
            symbols.is_empty(),
            "{section}: early build has no relocation"
        );
        let (insns, symbols) = &late[section];
        assert_eq!(insns, &vec![(1u8, -1)], "{section}: late call");
        assert_eq!(symbols, &vec![name.clone()], "{section}: late relocation");
    }
}

#[test]
fn windows_header_binds_every_helper_early_and_late() {
    let table = Table::from_platform_dir(&platforms_dir()).expect("facts");
    // -ffreestanding: clang's own <stdint.h>, not the host's (which wants 32-bit stubs for BPF).
    check_every_helper_binds(
        &table,
        "#include <stdint.h>\n#include <stddef.h>\n",
        &["-ffreestanding"],
    );
}

#[test]
fn linux_table_header_binds_every_helper_early_and_late() {
    let root = std::env::var_os("HELPER_BIND_ORACLES")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target/oracles"));
    let bpf_h = root.join("linux-unstable/bpf.h");
    let model = bpf_doc_gen::parse::parse_file(&bpf_h)
        .unwrap_or_else(|e| panic!("{e}; run scripts/setup-test-env"));
    check_every_helper_binds(
        &Table::from_model(&model),
        "#include <linux/types.h>\n",
        &[],
    );
}

#[test]
fn context_typedefs_can_be_skipped_for_the_platforms_own_headers() {
    let table = Table::from_platform_dir(&platforms_dir()).expect("facts");
    let header = table.to_bpf_helper_header();
    // The platform's own headers name the structs differently.
    let own = "#include <stdint.h>\n#include <stddef.h>\n\
               typedef struct xdp_md_ xdp_md_t;\ntypedef struct bpf_sock_addr_ bpf_sock_addr_t;\n\
               typedef struct bpf_sock_ops_ bpf_sock_ops_t;\ntypedef struct sample_ctx_ sample_program_context_t;\n\
               typedef struct process_md_ process_md_t;\ntypedef struct netevent_md_ netevent_event_md_t;\n";
    let source = format!("{own}#include \"bpf_helper_defs.h\"\nint x;\n");
    let dir = tempfile::tempdir().expect("tempdir");
    compile(
        dir.path(),
        &header,
        &source,
        &["-ffreestanding", "-DBPF_HELPER_NO_CONTEXT_TYPEDEFS"],
    )
    .unwrap_or_else(|e| panic!("with the switch:\n{e}"));
    let error = compile(dir.path(), &header, &source, &["-ffreestanding"])
        .expect_err("conflicting typedefs without the switch");
    assert!(error.contains("typedef redefinition"), "{error}");
}
