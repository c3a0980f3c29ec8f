//! The parser against the kernel script's own parse: `bpf_doc.py --json` (newest script) prints
//! every field it keeps per helper and per syscall command; our model must hold the same.

mod support;

use std::path::Path;

use bpf_doc_gen::parse::{parse_file, parse_str};
use bpf_doc_gen::Model;
use serde_json::Value;

fn script() -> std::path::PathBuf {
    support::kernel("linux-unstable").join("bpf_doc.py")
}

fn compare_helpers(model: &Model, json: &Value, what: &str) {
    let helpers = json["helpers"].as_array().expect("helpers array");
    assert_eq!(
        model.helpers.len(),
        helpers.len(),
        "{what}: number of descriptions"
    );
    for (h, j) in model.helpers.iter().zip(helpers) {
        let ctx = format!("{what}: {}", h.name);
        assert_eq!(j["name"], h.name.as_str(), "{ctx}");
        assert_eq!(j["proto"], h.proto.as_str(), "{ctx}");
        assert_eq!(j["desc"], h.desc.as_str(), "{ctx}");
        assert_eq!(j["ret"], h.ret.as_str(), "{ctx}");
        assert_eq!(j["ret_type"], h.ret_type.as_str(), "{ctx}");
        assert_eq!(j["ret_star"], h.ret_star.as_str(), "{ctx}");
        let attrs: Vec<&str> = h.attrs.iter().map(String::as_str).collect();
        assert_eq!(j["attrs"], serde_json::json!(attrs), "{ctx}");
        let args = j["args"].as_array().unwrap();
        assert_eq!(args.len(), h.args.len(), "{ctx}");
        for (a, ja) in h.args.iter().zip(args) {
            assert_eq!(ja["type"], a.ty.as_str(), "{ctx}");
            // The script's star is None exactly when the name is.
            match &a.name {
                Some(n) => {
                    assert_eq!(ja["name"], n.as_str(), "{ctx}");
                    assert_eq!(ja["star"], a.star.as_str(), "{ctx}");
                }
                None => {
                    assert!(ja["name"].is_null(), "{ctx}");
                    assert!(ja["star"].is_null(), "{ctx}");
                }
            }
        }
    }
}

fn compare_syscalls(model: &Model, json: &Value, what: &str) {
    let cmds = json["syscall"].as_array().expect("syscall array");
    let ours = model.syscalls.as_ref().expect("syscall block parsed");
    assert_eq!(ours.len(), cmds.len(), "{what}: number of commands");
    for (c, j) in ours.iter().zip(cmds) {
        assert_eq!(j["proto"], c.name.as_str(), "{what}");
        assert_eq!(j["desc"], c.desc.as_str(), "{what}: {}", c.name);
        assert_eq!(j["ret"], c.ret.as_str(), "{what}: {}", c.name);
    }
}

fn check(bpf_h: &Path, what: &str) -> Model {
    let model = parse_file(bpf_h).unwrap_or_else(|e| panic!("{what}: {e}"));
    let helpers = support::run_script(&script(), bpf_h, &["--json"]).expect("script accepts");
    compare_helpers(&model, &serde_json::from_slice(&helpers).unwrap(), what);
    let syscalls =
        support::run_script(&script(), bpf_h, &["--json", "syscall"]).expect("script accepts");
    compare_syscalls(&model, &serde_json::from_slice(&syscalls).unwrap(), what);
    model
}

#[test]
fn newest_header_parses_like_the_newest_script() {
    let m = check(&support::kernel("linux-unstable").join("bpf.h"), "unstable");
    assert_eq!(m.id_source, bpf_doc_gen::IdSource::ExplicitMapper);
    let last = m.helpers.last().unwrap();
    assert_eq!(
        (last.name.as_str(), last.id),
        ("bpf_cgrp_storage_delete", 211)
    );
    let fastcall = m
        .helpers
        .iter()
        .find(|h| h.name == "bpf_get_smp_processor_id")
        .unwrap();
    assert_eq!(
        (fastcall.id, fastcall.attrs.clone()),
        (8, vec!["__bpf_fastcall".to_string()])
    );
}

#[test]
fn header_6_12_parses_like_the_newest_script() {
    check(&support::kernel("linux-6.12").join("bpf.h"), "6.12");
}

#[test]
fn header_6_1_parses_like_the_newest_script_reads_its_explicit_form() {
    let orig = support::kernel("linux-6.1").join("bpf.h");
    let text = std::fs::read_to_string(&orig).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let converted = dir.path().join("bpf.h");
    std::fs::write(&converted, support::with_explicit_mapper(&text)).unwrap();
    let from_converted = check(&converted, "6.1 (explicit mapper)");
    let from_orig = parse_str(&text, "6.1").unwrap();
    assert_eq!(from_orig.id_source, bpf_doc_gen::IdSource::PositionalMapper);
    let ids = |m: &Model| {
        m.helpers
            .iter()
            .map(|h| (h.name.clone(), h.id))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&from_orig), ids(&from_converted));
}

#[test]
fn extra_headers_parse_like_the_newest_script_where_it_accepts_them() {
    for h in support::extra_bpf_h() {
        let text = std::fs::read_to_string(&h).unwrap();
        let ours = parse_str(&text, &h.display().to_string())
            .unwrap_or_else(|e| panic!("{}: {e}", h.display()));
        let dir = tempfile::tempdir().unwrap();
        let converted = dir.path().join("bpf.h");
        std::fs::write(&converted, support::with_explicit_mapper(&text)).unwrap();
        match support::run_script(&script(), &converted, &["--json"]) {
            Ok(json) => compare_helpers(
                &ours,
                &serde_json::from_slice(&json).unwrap(),
                &h.display().to_string(),
            ),
            Err(e) => eprintln!(
                "{}: newest script rejects it ({}); parsed {} helpers",
                h.display(),
                e.lines().last().unwrap_or(""),
                ours.helpers.len()
            ),
        }
    }
}

/// Without any mapper (the oldest headers), IDs come from the order of the descriptions; on a
/// real header they must be the IDs its mapper gives.
#[test]
fn description_order_gives_the_mapper_ids_on_real_headers() {
    for oracle in ["linux-6.1", "linux-unstable"] {
        let text = std::fs::read_to_string(support::kernel(oracle).join("bpf.h")).unwrap();
        let with = parse_str(&text, oracle).unwrap();
        let without_text = text
            .replace(
                "#define ___BPF_FUNC_MAPPER(FN, ctx...)",
                "#define NO_MAPPER_1",
            )
            .replace("#define __BPF_FUNC_MAPPER(FN)", "#define NO_MAPPER_2");
        let without = parse_str(&without_text, oracle).unwrap();
        assert_eq!(without.id_source, bpf_doc_gen::IdSource::DescriptionOrder);
        assert_eq!(with.helpers, without.helpers, "{oracle}");
    }
}
