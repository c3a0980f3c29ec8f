//! The build.rs API end to end: tests/build.rs generated `$OUT_DIR/bpf_helper_defs.h` with
//! `bpf_doc_gen::generate_file`; a C program compiled by clang-19 against it calls the
//! helpers by their kernel IDs, or by name with `-DBPF_HELPER_LATE_BINDING`.

use std::path::Path;
use std::process::Command;

use object::{Object, ObjectSection, ObjectSymbol, RelocationTarget, SectionKind};

const SOURCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/build-api/ringbuf_reserve.c");

fn include_dir() -> &'static str {
    if let Some(e) = option_env!("BPF_DOC_GEN_BUILD_ERROR") {
        panic!("tests/build.rs could not generate the header: {e}");
    }
    env!("BPF_DOC_GEN_INCLUDE_DIR")
}

fn compile(extra: &[&str], out: &Path) -> Vec<u8> {
    let status = Command::new("clang-19")
        .args([
            "-O2",
            "-g",
            "-target",
            "bpf",
            "-I/usr/include/x86_64-linux-gnu",
        ])
        .arg(format!("-I{}", include_dir()))
        .args(extra)
        .args(["-c", SOURCE, "-o"])
        .arg(out)
        .status()
        .expect("clang-19 runs (scripts/setup-test-env installs it)");
    assert!(
        status.success(),
        "clang-19 failed on {SOURCE} with {extra:?}"
    );
    std::fs::read(out).unwrap()
}

/// (src_reg, imm, relocation symbol) of every call in the program section.
fn calls(bytes: &[u8]) -> Vec<(u8, i32, Option<String>)> {
    let obj = object::File::parse(bytes).unwrap();
    let text = obj.section_by_name("tc").expect("section tc");
    assert_eq!(text.kind(), SectionKind::Text);
    let relocs: Vec<(u64, String)> = text
        .relocations()
        .filter_map(|(off, r)| match r.target() {
            RelocationTarget::Symbol(i) => Some((
                off,
                obj.symbol_by_index(i).unwrap().name().unwrap().to_string(),
            )),
            _ => None,
        })
        .collect();
    let data = text.data().unwrap();
    data.chunks_exact(8)
        .enumerate()
        .filter(|(_, insn)| insn[0] == 0x85)
        .map(|(i, insn)| {
            let off = i as u64 * 8;
            let sym = relocs
                .iter()
                .find(|(o, _)| *o == off)
                .map(|(_, s)| s.clone());
            (
                insn[1] >> 4,
                i32::from_le_bytes(insn[4..8].try_into().unwrap()),
                sym,
            )
        })
        .collect()
}

#[test]
fn header_generated_by_build_rs_compiles_and_binds_early_or_late() {
    let header =
        std::fs::read_to_string(Path::new(include_dir()).join("bpf_helper_defs.h")).unwrap();
    // What build.rs wrote is exactly what the library renders for the same bpf.h.
    let source = env!("BPF_DOC_GEN_SOURCE");
    let expected = bpf_doc_gen::generate_str(
        &std::fs::read_to_string(source).unwrap(),
        source,
        &bpf_doc_gen::Options {
            format: bpf_doc_gen::Format::BpfHelper,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(
        header == expected,
        "OUT_DIR header differs from generate_str"
    );

    let dir = tempfile::tempdir().unwrap();
    let early = calls(&compile(&[], &dir.path().join("early.o")));
    assert_eq!(
        early,
        vec![(0, 131, None), (0, 132, None)],
        "bpf_ringbuf_reserve, _submit"
    );
    let late = calls(&compile(
        &["-DBPF_HELPER_LATE_BINDING"],
        &dir.path().join("late.o"),
    ));
    assert_eq!(
        late,
        vec![
            (1, -1, Some("bpf_ringbuf_reserve".to_string())),
            (1, -1, Some("bpf_ringbuf_submit".to_string()))
        ]
    );
}
