//! The tables `helper_table!` and `helper_ids!` build at compile time equal what
//! `Table::parse_bpf_helper_header` reads from the same files at run time.

use bpf_doc_gen::table::{StaticTable, Table};
use helper_bind_macros::{helper_ids, helper_table};
use std::path::Path;

static SMALL: StaticTable = helper_table!("tests/fixtures/small_table.h");
static WINDOWS: StaticTable = helper_table!("headers/windows/bpf_helper_defs.h");
static LINUX: StaticTable = helper_table!("headers/linux/bpf_helper_defs.h");

fn parse_at_run_time(relative: &str) -> Table {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = [manifest.join(relative), manifest.join("..").join(relative)]
        .into_iter()
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{relative} not found"));
    let text = std::fs::read_to_string(&path).expect("read");
    Table::parse_bpf_helper_header(&text, relative).expect("parse")
}

#[test]
fn small_table_matches_run_time_parse() {
    assert_eq!(
        Table::from(&SMALL),
        parse_at_run_time("tests/fixtures/small_table.h")
    );
}

#[test]
fn small_table_contents() {
    let names: Vec<(&str, u32, Option<&str>)> = SMALL
        .helpers
        .iter()
        .map(|h| (h.name, h.id, h.program_type))
        .collect();
    assert_eq!(
        names,
        vec![
            ("demo_lookup", 1, None),
            ("demo_fast", 2, None),
            ("alpha_only", 65536, Some("alpha")),
            ("kw_helper", 65536, Some("type")),
        ]
    );
    assert_eq!(SMALL.helpers[1].return_type, "long", "attribute dropped");
    assert_eq!(SMALL.helpers[0].args, "(void *map, const void *key)");
    assert_eq!(SMALL.program_types.len(), 3);
    assert_eq!(SMALL.program_types[0].sections, &["alpha", "alpha_long"]);
    assert!(SMALL.program_types[1].sections.is_empty());
    assert_eq!(SMALL.aliases.len(), 1);
    assert_eq!(
        (SMALL.aliases[0].alias, SMALL.aliases[0].name),
        ("demo_find", "demo_lookup")
    );
}

#[test]
fn windows_table_matches_run_time_parse() {
    let table = Table::from(&WINDOWS);
    assert_eq!(
        table,
        parse_at_run_time("headers/windows/bpf_helper_defs.h")
    );
    assert_eq!(table.helpers.len(), 50);
    assert_eq!(table.program_types.len(), 7);
    assert_eq!(table.aliases.len(), 5);
}

#[test]
fn linux_table_matches_run_time_parse() {
    let table = Table::from(&LINUX);
    assert_eq!(table, parse_at_run_time("headers/linux/bpf_helper_defs.h"));
    assert_eq!(table.helpers.len(), 211);
    assert_eq!(table.helper("bpf_trace_printk").map(|h| h.id), Some(6));
}

mod linux_ids {
    helper_bind_macros::helper_ids!("headers/linux/bpf_helper_defs.h");
}

mod small_ids {
    helper_bind_macros::helper_ids!("tests/fixtures/small_table.h");
}
helper_ids!("headers/windows/bpf_helper_defs.h");

#[test]
fn helper_ids_are_constants() {
    assert_eq!(small_ids::DEMO_LOOKUP, 1);
    assert_eq!(small_ids::DEMO_FAST, 2);
    assert_eq!(small_ids::alpha::ALPHA_ONLY, 65536);
    assert_eq!(small_ids::r#type::KW_HELPER, 65536);
    assert_eq!(BPF_MAP_LOOKUP_ELEM, 1);
    assert_eq!(linux_ids::BPF_TRACE_PRINTK, 6);
    assert_eq!(linux_ids::BPF_CGRP_STORAGE_DELETE, 211);
    assert_eq!(BPF_TRACE_PRINTK5, 15);
    assert_eq!(xdp::BPF_XDP_ADJUST_HEAD, 65536);
    assert_eq!(sock_addr::BPF_SOCK_ADDR_SET_REDIRECT_CONTEXT, 65537);
}
