//! The Windows fact tables and `--helpers` TSVs.

use bpf_doc_gen::table::{Table, TableError};
use std::path::{Path, PathBuf};

fn platforms_dir() -> PathBuf {
    std::env::var_os("HELPER_BIND_PLATFORMS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/platforms"))
}

#[test]
fn windows_facts_as_a_table() {
    let table = Table::from_platform_dir(&platforms_dir()).expect("facts");
    assert_eq!(table.helpers.len(), 50);
    let general: Vec<u32> = table
        .helpers
        .iter()
        .filter(|h| h.program_type.is_none())
        .map(|h| h.id)
        .collect();
    assert_eq!(general, (1..=35).collect::<Vec<u32>>());
    let names: Vec<&str> = table
        .program_types
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "xdp",
            "bind",
            "sock_addr",
            "sockops",
            "netevent_monitor",
            "process",
            "sample"
        ]
    );
    let sample = table.program_type("sample").expect("sample");
    assert_eq!(
        (sample.id, sample.enum_name.as_str()),
        (999, "BPF_PROG_TYPE_SAMPLE")
    );
    assert_eq!(sample.sections, ["sample_ext"]);
    assert_eq!(
        table
            .program_type("sock_addr")
            .expect("sock_addr")
            .sections
            .len(),
        10
    );
    let adjust = table.helper("bpf_xdp_adjust_head").expect("xdp helper");
    assert_eq!(
        (
            adjust.id,
            adjust.return_type.as_str(),
            adjust.args.as_str(),
            adjust.program_type.as_deref()
        ),
        (65536, "int", "(xdp_md_t *ctx, int delta)", Some("xdp"))
    );
    // Program-type helpers follow the program types' order; within one, the file's order.
    let scoped: Vec<(&str, u32)> = table
        .helpers
        .iter()
        .filter_map(|h| Some((h.program_type.as_deref()?, h.id)))
        .collect();
    assert_eq!(scoped[0], ("xdp", 65536));
    assert_eq!(scoped[1..3], [("sock_addr", 65537), ("sock_addr", 65538)]);
    assert_eq!(scoped.last(), Some(&("sample", 65542)));
    let aliases: Vec<(&str, &str)> = table
        .aliases
        .iter()
        .map(|a| (a.alias.as_str(), a.name.as_str()))
        .collect();
    assert!(aliases.contains(&("memcpy_s", "bpf_memcpy_s")));
    assert_eq!(aliases.len(), 5);
}

#[test]
fn helper_tsv_with_and_without_header_row() {
    let rows = "x_one\t65536\tint\t( x_ctx_t*ctx )\tx\tx/,x_\n\
                g\t40\tvoid*\t(void)\tgeneral\t-\n";
    let with = Table::parse_tsv(
        &format!("name\tid\treturn_type\tparams\tscope\tsections\n# comment\n\n{rows}"),
        "with.tsv",
    )
    .expect("with header");
    let without = Table::parse_tsv(rows, "without.tsv").expect("without header");
    assert_eq!(with, without);
    assert_eq!(with.helpers[0].name, "g", "general helpers first");
    assert_eq!(with.helpers[0].return_type, "void *");
    assert_eq!(with.helpers[1].args, "(x_ctx_t *ctx)");
    let x = with.program_type("x").expect("declared by the row");
    assert_eq!((x.id, x.enum_name.as_str()), (0, ""));
    assert_eq!(x.sections, ["x/", "x_"]);
}

fn copy_facts(dir: &Path) {
    for name in [
        "windows.tsv",
        "windows-aliases.tsv",
        "windows-program-types.tsv",
    ] {
        std::fs::copy(platforms_dir().join(name), dir.join(name)).expect("copy fact file");
    }
}

fn edit(dir: &Path, name: &str, from: &str, to: &str) {
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{name} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn platform_dir_errors_name_file_and_line() {
    let cases: [(&str, &str, &str, &str); 4] = [
        (
            "windows.tsv",
            "\txdp\txdp\n",
            "\tnosuch\tnosuch\n",
            "windows.tsv:37: helper `bpf_xdp_adjust_head` has scope `nosuch`, which is neither `general` nor a program type of windows-program-types.tsv",
        ),
        (
            "windows.tsv",
            "\tsockops\tsockops\n",
            "\tsockops\tsockops,extra\n",
            "windows.tsv:40: helper `bpf_sock_ops_get_flow_id`: the sections `sockops,extra` differ from those of program type `sockops`: `sockops`",
        ),
        (
            "windows-aliases.tsv",
            "memcpy_s\tbpf_memcpy_s",
            "memcpy_s\tbpf_nothing",
            "windows-aliases.tsv:5: alias `memcpy_s` stands for `bpf_nothing`, which is no helper of this table",
        ),
        (
            "windows-program-types.tsv",
            "bind\t2\t",
            "bind\ttwo\t",
            "windows-program-types.tsv:3: expected a program type number in column `prog_type_id`, found `two`",
        ),
    ];
    for (file, from, to, expected) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        copy_facts(dir.path());
        edit(dir.path(), file, from, to);
        let error = Table::from_platform_dir(dir.path())
            .unwrap_err()
            .to_string();
        let expected = format!("{}/{expected}", dir.path().display());
        assert_eq!(error, expected);
    }
}

#[test]
fn platform_dir_missing_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_facts(dir.path());
    std::fs::remove_file(dir.path().join("windows-aliases.tsv")).expect("remove");
    let error = Table::from_platform_dir(dir.path()).unwrap_err();
    assert!(matches!(error, TableError::Io { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("windows-aliases.tsv: cannot read"),
        "{error}"
    );
}
