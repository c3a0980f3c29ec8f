//! Tables survive writing and reading back, and the Linux tables read from `bpf.h`, from
//! `headers/linux/bpf_helper_defs.h` and from `bpf-doc-gen --format bpf-helper` agree.

use bpf_doc_gen::emit::bpf_helper::bpf_helper_header;
use bpf_doc_gen::emit::header::{HeaderOptions, HeaderStyle};
use bpf_doc_gen::table::Table;
use std::path::{Path, PathBuf};

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

fn oracle_bpf_h(version: &str) -> PathBuf {
    let root = std::env::var_os("HELPER_BIND_ORACLES")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target/oracles"));
    let path = root.join(version).join("bpf.h");
    assert!(
        path.is_file(),
        "{} is missing: run scripts/setup-test-env (or set HELPER_BIND_ORACLES)",
        path.display()
    );
    path
}

fn linux_model(version: &str) -> bpf_doc_gen::Model {
    bpf_doc_gen::parse::parse_file(&oracle_bpf_h(version)).expect("oracle bpf.h parses")
}

fn reparse(table: &Table) -> Table {
    Table::parse_bpf_helper_header(&table.to_bpf_helper_header(), "generated.h")
        .expect("generated header parses")
}

#[test]
fn windows_facts_round_trip() {
    let table = Table::from_platform_dir(&platforms_dir()).expect("facts");
    assert_eq!(reparse(&table), table);
}

#[test]
fn linux_tables_round_trip_for_every_oracle() {
    for version in ["linux-6.1", "linux-6.12", "linux-unstable"] {
        let table = Table::from_model(&linux_model(version));
        assert!(table.helpers.len() > 150, "{version}");
        assert_eq!(reparse(&table), table, "{version}");
    }
}

#[test]
fn committed_linux_header_is_the_newest_uapi() {
    let path = workspace().join("headers/linux/bpf_helper_defs.h");
    let text = std::fs::read_to_string(&path).expect("headers/linux/bpf_helper_defs.h");
    let parsed = Table::parse_bpf_helper_header(&text, "headers/linux/bpf_helper_defs.h")
        .expect("committed header parses");
    assert_eq!(parsed.helpers.len(), 211);
    let ids: Vec<u32> = parsed.helpers.iter().map(|h| h.id).collect();
    assert_eq!(ids, (1..=211).collect::<Vec<u32>>());
    assert_eq!(parsed.helpers[210].name, "bpf_cgrp_storage_delete");
    assert!(parsed.program_types.is_empty() && parsed.aliases.is_empty());
    assert_eq!(parsed, Table::from_model(&linux_model("linux-unstable")));
    let fastcall = parsed.helper("bpf_get_smp_processor_id").expect("helper 8");
    assert_eq!((fastcall.id, fastcall.return_type.as_str()), (8, "__u32"));
}

#[test]
fn bpf_helper_format_with_docs_reads_as_the_model() {
    for version in ["linux-6.12", "linux-unstable"] {
        let model = linux_model(version);
        let text = bpf_helper_header(&model, &HeaderOptions::default()).expect("emits");
        assert!(text.contains(" * Returns"), "{version}: documentation kept");
        let parsed = Table::parse_bpf_helper_header(&text, version).expect("parses");
        assert_eq!(parsed, Table::from_model(&model), "{version}");
    }
}

#[test]
fn compat_6_1_bpf_helper_format_reads_as_the_model() {
    let model = linux_model("linux-6.1");
    let options = HeaderOptions {
        style: HeaderStyle::Linux6_1,
        no_docs: false,
    };
    let text = bpf_helper_header(&model, &options).expect("emits");
    let parsed = Table::parse_bpf_helper_header(&text, "6.1").expect("parses");
    assert_eq!(parsed, Table::from_model(&model));
}

#[test]
fn small_table_round_trips_with_every_feature() {
    let text = "\
BPF_HELPER(void*, g_one, ( void *map ,const void*key ), 1);
BPF_HELPER(__bpf_fastcall  unsigned long, g_two, (void), 0x2);
BPF_PROGRAM_TYPE(alpha, 7, BPF_PROG_TYPE_ALPHA, \"alpha/, alpha_x\");
BPF_HELPER(int, a_one, (struct thing *t, my_ctx_t *ctx), 65536);
BPF_PROGRAM_TYPE(empty, 8, , \"\")
BPF_PROGRAM_TYPE(beta, 9, BPF_PROG_TYPE_BETA, \"beta\")
BPF_HELPER(long, b_one, (const char *fmt, unsigned int n, ...), 65536);
#define g_alias g_one
";
    let table = Table::parse_bpf_helper_header(text, "small.h").expect("parses");
    assert_eq!(table.helpers[0].return_type, "void *");
    assert_eq!(table.helpers[0].args, "(void *map, const void *key)");
    assert_eq!(table.helpers[1].return_type, "unsigned long");
    assert_eq!(table.helpers[1].id, 2);
    assert_eq!(table.program_types[0].sections, vec!["alpha/", "alpha_x"]);
    assert_eq!(table.program_types[1].enum_name, "");
    assert!(table.program_types[1].sections.is_empty());
    assert_eq!(table.helpers[3].program_type.as_deref(), Some("beta"));
    assert_eq!(table.aliases.len(), 1);
    let written = table.to_bpf_helper_header();
    assert!(written.contains("struct thing;"), "{written}");
    assert!(
        written.contains("typedef struct my_ctx my_ctx_t;"),
        "{written}"
    );
    assert!(
        written.contains("BPF_PROGRAM_TYPE(empty, 8, , \"\")"),
        "{written}"
    );
    assert_eq!(reparse(&table), table);
}
