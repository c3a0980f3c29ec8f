//! `helper-bind list`: every call site with what it resolves to per platform, text and JSON.

mod support;

use support::*;

fn list_json(args: &[&str]) -> Vec<serde_json::Value> {
    let out = helper_bind(args);
    assert_eq!(status(&out).0, 0, "{}", status(&out).1);
    serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn row<'a>(rows: &'a [serde_json::Value], name: &str) -> &'a serde_json::Value {
    rows.iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no row for {name}"))
}

#[test]
fn late_object_lists_helpers_kfuncs_subprograms_and_numeric_calls() {
    let dir = tempfile::tempdir().unwrap();
    let late = compile(dir.path(), "tc_kfunc.c", "linux", "bpf", true);
    let rows = list_json(&["list", "--json", late.to_str().unwrap()]);
    let lookup = row(&rows, "bpf_map_lookup_elem");
    assert_eq!(lookup["kind"], "extern");
    assert_eq!(lookup["section"], "tc");
    assert_eq!(lookup["platforms"]["linux"]["status"], "binds");
    assert_eq!(lookup["platforms"]["linux"]["id"], 1);
    assert_eq!(lookup["platforms"]["windows"]["id"], 1);
    let skb = row(&rows, "bpf_skb_load_bytes");
    assert_eq!(skb["platforms"]["linux"]["id"], 26);
    assert_eq!(skb["platforms"]["windows"]["status"], "unresolved");
    let cpu = row(&rows, "bpf_get_smp_processor_id");
    assert_eq!(cpu["platforms"]["windows"]["id"], 8);
    let kfunc = row(&rows, "bpf_rcu_read_lock");
    assert_eq!(kfunc["kind"], "kfunc");
    assert_eq!(kfunc["platforms"]["linux"]["status"], "kfunc");
    // Printk with one argument after fmt, fmt_size: 6 on Linux, bpf_trace_printk3 on Windows.
    let printk = row(&rows, "bpf_trace_printk");
    assert_eq!(printk["platforms"]["linux"]["id"], 6);
    assert_eq!(printk["platforms"]["windows"]["id"], 13);
    assert_eq!(
        printk["platforms"]["windows"]["helper"],
        "bpf_trace_printk3"
    );
    // The inline-asm `call 7`: numeric, a different helper on each platform.
    let numeric = rows.iter().find(|r| r["kind"] == "numeric").unwrap();
    assert_eq!(numeric["section"], "classifier");
    assert_eq!(numeric["id"], 7);
    assert_eq!(
        numeric["platforms"]["linux"]["helper"],
        "bpf_get_prandom_u32"
    );
    assert_eq!(
        numeric["platforms"]["windows"]["helper"],
        "bpf_ktime_get_boot_ns"
    );

    let only = list_json(&[
        "list",
        "--platform",
        "windows",
        "--json",
        late.to_str().unwrap(),
    ]);
    assert!(only
        .iter()
        .all(|r| r["platforms"].as_object().unwrap().keys().eq(["windows"])));
}

#[test]
fn text_table_has_one_line_per_call_and_a_column_per_platform() {
    let dir = tempfile::tempdir().unwrap();
    let late = compile(dir.path(), "maps_xdp.c", "linux", "bpf", true);
    let out = helper_bind(&["list", late.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["SECTION", "INSN", "CALL", "LINUX", "WINDOWS"]
    );
    let json = list_json(&["list", "--json", late.to_str().unwrap()]);
    assert_eq!(lines.len(), json.len() + 1);
    assert!(text.contains("bpf_map_update_elem [extern]"), "{text}");
    // The static subprogram is called through the .text section symbol; named after it.
    assert!(text.contains("bump [local]"), "{text}");
    assert!(text.contains("classify_len [local]"), "{text}");
    // Early build: the same calls, now numeric, named on Linux.
    let early = compile(dir.path(), "maps_xdp.c", "linux", "bpf", false);
    let early_rows = list_json(&[
        "list",
        "--platform",
        "linux",
        "--json",
        early.to_str().unwrap(),
    ]);
    let names: Vec<&str> = early_rows
        .iter()
        .filter(|r| r["kind"] == "numeric")
        .map(|r| r["platforms"]["linux"]["helper"].as_str().unwrap())
        .collect();
    let late_names: Vec<&str> = json
        .iter()
        .filter(|r| r["kind"] == "extern")
        .map(|r| r["platforms"]["linux"]["helper"].as_str().unwrap())
        .collect();
    assert_eq!(names, late_names);
}
