//! Real BPF objects that other projects built with their own toolchains, never committed:
//! `scripts/fetch-third-party-bpf` (called by `scripts/setup-test-env`) puts them into
//! `target/third-party/<source>/<name>.o` (`$HELPER_BIND_THIRD_PARTY` overrides the place).
//! Today: xdp-tools' libxdp programs from Debian bookworm, trixie and unstable (three clang
//! generations), cilium/ebpf's test objects (both byte orders, clang 7 without BTF to clang 14,
//! legacy `maps` sections, kfuncs, many programs, a stale `.llvm_addrsig`), NSD's XDP programs
//! and rbpf's example classifier (an old clang's object without BTF or relocations).
//! The helpers live in `tests/third_party/`.
//!
//! Every test runs over every object and reports all objects that fail at once. llvm-objdump,
//! llvm-readelf, libbpf (`bpftool gen object`, `bpftool prog loadall`) and the kernel's verifier
//! are the judges, never helper-bind itself.
//!
//! The kernel's own headers are the other third-party input: every `bpf.h` under the oracles
//! directory must go through `bpf-doc-gen` and `helper-bind --uapi`.

use std::collections::{BTreeMap, BTreeSet};

use integration_tests::{kernel, scratch_dir, tool, workspace_root};
use serde_json::Value;

#[path = "../third_party/mod.rs"]
mod support;

use support::compare::{code_differences, compare_round_trip};
use support::disasm::{objdump_calls, DisassembledCall};
use support::objects::{objects, read_view, sorted_entries, third_party_dir, Findings};
use support::pins::Pins;
use support::run::*;

#[test]
fn list_reports_every_call_that_llvm_objdump_sees() {
    let mut findings = Findings::default();
    let all = objects();
    let (mut numeric_total, mut calls_total) = (0, 0);
    for object in &all {
        let view = read_view(&object.path);
        let disassembled = match objdump_calls(&object.path, view.big_endian) {
            Ok(c) => c,
            Err(e) => {
                findings.add(&object.label, e);
                continue;
            }
        };
        let listed = match listed_calls(&object.path) {
            Ok(l) => l,
            Err(e) => {
                findings.add(&object.label, e);
                continue;
            }
        };
        let text = tool::run(["list".as_ref(), object.path.as_os_str()]);
        match exit_code(&text) {
            Ok(0) => {}
            Ok(c) => findings.add(&object.label, format!("list exits {c}: {}", stderr(&text))),
            Err(e) => findings.add(&object.label, format!("list {e}")),
        }
        let numeric: Vec<&DisassembledCall> =
            disassembled.iter().filter(|c| c.src_reg == 0).collect();
        numeric_total += numeric.len();
        calls_total += disassembled.len();
        for call in &disassembled {
            let key = (call.section.clone(), call.insn);
            match (listed.get(&key), call.src_reg) {
                (None, _) => findings.add(
                    &object.label,
                    format!(
                        "list misses call {} (src_reg {}) at {}:{}",
                        call.imm, call.src_reg, call.section, call.insn
                    ),
                ),
                (Some((kind, id)), 0) if kind != "numeric" || *id != Some(i64::from(call.imm)) => {
                    findings.add(
                        &object.label,
                        format!(
                            "{}:{}: `call {}` (src_reg 0) listed as {kind} {id:?}",
                            call.section, call.insn, call.imm
                        ),
                    )
                }
                // clang emits kfunc calls like any extern call (src_reg 1) until libbpf resolves them.
                (Some((kind, _)), 1)
                    if !matches!(kind.as_str(), "local" | "extern" | "kfunc" | "other") =>
                {
                    findings.add(
                        &object.label,
                        format!(
                            "{}:{}: src_reg 1 call listed as {kind}",
                            call.section, call.insn
                        ),
                    )
                }
                (Some((kind, _)), 2) if !matches!(kind.as_str(), "kfunc" | "other") => findings
                    .add(
                        &object.label,
                        format!(
                            "{}:{}: src_reg 2 call listed as {kind}",
                            call.section, call.insn
                        ),
                    ),
                _ => {}
            }
        }
        if listed.len() != disassembled.len() {
            findings.add(
                &object.label,
                format!(
                    "list has {} rows, llvm-objdump-19 -d shows {} calls",
                    listed.len(),
                    disassembled.len()
                ),
            );
        }
        println!(
            "{}: {} calls, {} numeric helper calls (llvm-objdump-19 -d agrees)",
            object.label,
            disassembled.len(),
            numeric.len()
        );
    }
    println!(
        "{} objects, {calls_total} calls, {numeric_total} numeric helper calls",
        all.len()
    );
    findings.assert_none("list vs llvm-objdump-19", all.len());
}

#[test]
fn binding_an_early_bound_object_is_a_clean_no_op() {
    let mut findings = Findings::default();
    let all = objects();
    let dir = scratch_dir();
    let mut early_bound = 0;
    for object in &all {
        let original = std::fs::read(&object.path).unwrap();
        let listed = match listed_calls(&object.path) {
            Ok(l) => l,
            Err(e) => {
                findings.add(&object.label, e);
                continue;
            }
        };
        let externs = listed.values().filter(|(k, _)| k == "extern").count();
        let out_path = dir.path().join("out.o");
        let _ = std::fs::remove_file(&out_path);
        let out = tool::run([
            "--platform".as_ref(),
            "linux".as_ref(),
            "-o".as_ref(),
            out_path.as_os_str(),
            object.path.as_os_str(),
        ]);
        let code = match exit_code(&out) {
            Ok(c) => c,
            Err(e) => {
                findings.add(&object.label, e);
                continue;
            }
        };
        if externs > 0 {
            // Calls to externs that are no helper (cilium's fwd_decl: a function for a later
            // link): refused by default, naming them, with nothing written.
            if code != 1 || out_path.exists() {
                findings.add(
                    &object.label,
                    format!(
                        "{externs} unresolved extern call(s): expected exit 1 and no output, got {code}, output written: {}: {}",
                        out_path.exists(),
                        stderr(&out)
                    ),
                );
            }
            println!(
                "{}: {externs} call(s) to unknown externs, refused: {}",
                object.label,
                stderr(&out)
            );
            continue;
        }
        early_bound += 1;
        if code != 0 || !stderr(&out).contains("nothing to bind") {
            findings.add(
                &object.label,
                format!(
                    "exit {code}, expected 0 and \"nothing to bind\": {}",
                    stderr(&out)
                ),
            );
            continue;
        }
        if std::fs::read(&out_path).ok().as_ref() != Some(&original) {
            findings.add(
                &object.label,
                "-o output is not byte-identical to the input",
            );
        }
        // In place: the file must not change.
        let in_place = dir.path().join("in-place.o");
        std::fs::write(&in_place, &original).unwrap();
        let out = tool::run([
            "--platform".as_ref(),
            "linux".as_ref(),
            in_place.as_os_str(),
        ]);
        if exit_code(&out) != Ok(0) || std::fs::read(&in_place).unwrap() != original {
            findings.add(
                &object.label,
                format!(
                    "in-place no-op changed the file or failed: {}",
                    stderr(&out)
                ),
            );
        }
    }
    println!(
        "{early_bound} of {} objects early-bound: no-op checked",
        all.len()
    );
    findings.assert_none("--platform linux on early-bound objects", all.len());
}

#[test]
fn unbind_then_bind_gives_the_original_back() {
    let mut findings = Findings::default();
    let all = objects();
    let dir = scratch_dir();
    let (mut unbound_calls, mut linked) = (0, 0);
    for object in &all {
        let unbound = dir.path().join("unbound.o");
        let back = dir.path().join("back.o");
        if let Err(e) = round_trip(&object.path, &unbound, &back) {
            findings.add(&object.label, e);
            continue;
        }
        let original = read_view(&object.path);
        for problem in compare_round_trip(&original, &read_view(&back)) {
            findings.add(&object.label, format!("after unbind + bind: {problem}"));
        }
        // The unbound object: no numeric helper call left, and what clang itself emits for
        // extern helpers, as far as llvm-readelf and libbpf's linker can tell.
        match listed_calls(&unbound) {
            Ok(rows) => {
                let left = rows.values().filter(|(k, _)| k == "numeric").count();
                let externs = rows.values().filter(|(k, _)| k == "extern").count();
                unbound_calls += externs;
                if left > 0 {
                    findings.add(
                        &object.label,
                        format!("{left} numeric call(s) left after unbind"),
                    );
                }
            }
            Err(e) => findings.add(&object.label, format!("unbound object: {e}")),
        }
        // Unbinding again finds nothing to do and changes nothing.
        let again = dir.path().join("again.o");
        let out = tool::run([
            "unbind".as_ref(),
            "--from".as_ref(),
            "linux".as_ref(),
            "-o".as_ref(),
            again.as_os_str(),
            unbound.as_os_str(),
        ]);
        if exit_code(&out) != Ok(0) || std::fs::read(&again).ok() != std::fs::read(&unbound).ok() {
            findings.add(
                &object.label,
                format!(
                    "unbinding the unbound object again is no no-op: {}",
                    stderr(&out)
                ),
            );
        }
        let warnings = readelf_warnings(&unbound);
        if !warnings.is_empty() && readelf_warnings(&object.path).is_empty() {
            findings.add(
                &object.label,
                format!("llvm-readelf-19 -a warns on the unbound object: {warnings}"),
            );
        }
        match (
            libbpf_links(&object.path, dir.path()),
            libbpf_links(&unbound, dir.path()),
        ) {
            (Ok(()), Ok(())) => linked += 1,
            (Ok(()), Err(e)) => findings.add(
                &object.label,
                format!("bpftool gen object refuses the unbound object: {e}"),
            ),
            (Err(e), _) => println!(
                "{}: bpftool gen object refuses the original too ({e})",
                object.label
            ),
        }
    }
    println!(
        "{} objects round-tripped ({unbound_calls} extern calls in the unbound objects); \
         {linked} unbound objects linked by bpftool gen object",
        all.len()
    );
    findings.assert_none("unbind --from linux, then --platform linux", all.len());
}

#[test]
fn round_tripped_objects_load_where_the_originals_do() {
    if let Some(reason) = kernel::unavailable_reason() {
        println!("skipping the kernel check of third-party objects: {reason}");
        return;
    }
    let mut findings = Findings::default();
    let all = objects();
    let dir = scratch_dir();
    let (mut loaded, mut with_btf, mut skipped) = (0, 0, Vec::new());
    for object in &all {
        let view = read_view(&object.path);
        if view.big_endian {
            skipped.push(format!(
                "{}: big-endian, this kernel is little-endian",
                object.label
            ));
            continue;
        }
        let original = Pins::new(&view);
        if let Err(e) = original.load(&object.path) {
            skipped.push(format!(
                "{}: the original does not load standalone: {e}",
                object.label
            ));
            continue;
        }
        let before = original.programs_with_btf();
        drop(original);
        let (unbound, back) = (dir.path().join("unbound.o"), dir.path().join("back.o"));
        if let Err(e) = round_trip(&object.path, &unbound, &back) {
            findings.add(&object.label, e);
            continue;
        }
        let round_tripped = Pins::new(&view);
        if let Err(e) = round_tripped.load(&back) {
            findings.add(
                &object.label,
                format!("the original loads, the round-tripped object does not: {e}"),
            );
            continue;
        }
        let after = round_tripped.programs_with_btf();
        if before.keys().ne(after.keys()) {
            findings.add(
                &object.label,
                format!("programs {:?} became {:?}", before.keys(), after.keys()),
            );
        }
        for (program, had_btf) in &before {
            if *had_btf && !after.get(program).copied().unwrap_or(false) {
                findings.add(
                    &object.label,
                    format!("program {program} lost its BTF (no btf_id)"),
                );
            }
        }
        loaded += 1;
        with_btf += usize::from(before.values().any(|b| *b));
    }
    for s in &skipped {
        println!("skipped {s}");
    }
    println!(
        "{loaded} round-tripped objects loaded like their originals ({with_btf} with BTF kept), {} skipped",
        skipped.len()
    );
    assert!(
        loaded > 0,
        "no third-party object loaded at all: {skipped:#?}"
    );
    findings.assert_none("loading round-tripped objects", all.len());
}

#[test]
fn check_for_windows_gives_every_object_a_verdict() {
    let mut findings = Findings::default();
    let all = objects();
    let mut verdicts: BTreeMap<String, usize> = BTreeMap::new();
    let (mut clean, mut not_clean) = (0, 0);
    for object in &all {
        let out = tool::run([
            "check".as_ref(),
            "--platform".as_ref(),
            "windows".as_ref(),
            "--json".as_ref(),
            object.path.as_os_str(),
        ]);
        let code = match exit_code(&out) {
            Ok(c) => c,
            Err(e) => {
                findings.add(&object.label, format!("check {e}"));
                continue;
            }
        };
        if code != 0 && code != 1 {
            findings.add(
                &object.label,
                format!("check exits {code}: {}", stderr(&out)),
            );
            continue;
        }
        let report: Value = match serde_json::from_slice(&out.stdout) {
            Ok(v) => v,
            Err(e) => {
                findings.add(&object.label, format!("check --json is not JSON: {e}"));
                continue;
            }
        };
        if report["binds_cleanly"].as_bool() != Some(code == 0) {
            findings.add(
                &object.label,
                format!(
                    "exit {code} but binds_cleanly = {}",
                    report["binds_cleanly"]
                ),
            );
        }
        // The table a packager reads gives the same answer.
        let table = tool::run([
            "check".as_ref(),
            "--platform".as_ref(),
            "windows".as_ref(),
            object.path.as_os_str(),
        ]);
        if exit_code(&table) != Ok(code) || table.stdout.is_empty() {
            findings.add(
                &object.label,
                format!(
                    "check without --json: {:?} (JSON: exit {code}), {} bytes of table: {}",
                    exit_code(&table),
                    table.stdout.len(),
                    stderr(&table)
                ),
            );
        }
        let mut mine: BTreeMap<&str, usize> = BTreeMap::new();
        for call in report["calls"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let verdict = call["verdict"].as_str().unwrap_or("<none>");
            *mine.entry(verdict).or_default() += 1;
            *verdicts.entry(verdict.to_string()).or_default() += 1;
        }
        if code == 0 {
            clean += 1;
        } else {
            not_clean += 1;
        }
        println!("{}: exit {code}, verdicts {mine:?}", object.label);
    }
    println!("windows: {clean} objects bind cleanly, {not_clean} do not; verdicts over all calls: {verdicts:?}");
    findings.assert_none("check --platform windows", all.len());
}

/// Linux objects moved to Windows where `check` says they bind cleanly (and refused with nothing
/// written where it says they do not): every numeric call gets the Windows ID `check` named,
/// nothing else in the code changes, the code is what unbind + bind in two steps gives, and
/// moving back to Linux gives the original code.
#[test]
fn rebind_to_windows_agrees_with_check_and_comes_back() {
    let mut findings = Findings::default();
    let all = objects();
    let dir = scratch_dir();
    let (mut moved, mut refused, mut calls) = (0, 0, 0);
    for object in &all {
        let out = tool::run([
            "check".as_ref(),
            "--platform".as_ref(),
            "windows".as_ref(),
            "--json".as_ref(),
            object.path.as_os_str(),
        ]);
        let Ok(report) = serde_json::from_slice::<Value>(&out.stdout) else {
            findings.add(&object.label, format!("check --json: {}", stderr(&out)));
            continue;
        };
        let clean = out.status.code() == Some(0);
        let windows = dir.path().join("windows.o");
        let _ = std::fs::remove_file(&windows);
        let out = rebind("linux", "windows", &object.path, &windows);
        match (exit_code(&out), clean) {
            (Ok(0), true) if windows.exists() => {}
            (Ok(1), false) if !windows.exists() => {
                refused += 1;
                continue;
            }
            (code, _) => {
                findings.add(
                    &object.label,
                    format!(
                        "check says binds cleanly = {clean}, rebind --from linux --platform windows gives {code:?} \
                         (output written: {}): {}",
                        windows.exists(),
                        stderr(&out)
                    ),
                );
                continue;
            }
        }
        let mut expected = BTreeMap::new();
        for call in report["calls"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            if let (Some("numeric"), Some(section), Some(insn), Some(id)) = (
                call["call"].as_str(),
                call["section"].as_str(),
                call["insn"].as_u64(),
                call["id"].as_i64(),
            ) {
                expected.insert((section.to_string(), insn), id);
            }
        }
        calls += expected.len();
        let original = read_view(&object.path);
        for p in code_differences(&original, &read_view(&windows), &expected) {
            findings.add(&object.label, format!("moved to Windows: {p}"));
        }
        // The same code as unbind, then bind for Windows, in two steps.
        let (unbound, two_steps) = (dir.path().join("unbound.o"), dir.path().join("two-steps.o"));
        let unbind = tool::run([
            "unbind".as_ref(),
            "--from".as_ref(),
            "linux".as_ref(),
            "-o".as_ref(),
            unbound.as_os_str(),
            object.path.as_os_str(),
        ]);
        let bind = tool::run([
            "--platform".as_ref(),
            "windows".as_ref(),
            "-o".as_ref(),
            two_steps.as_os_str(),
            unbound.as_os_str(),
        ]);
        if exit_code(&unbind) != Ok(0) || exit_code(&bind) != Ok(0) {
            findings.add(
                &object.label,
                format!(
                    "rebind works, unbind + bind for Windows does not: {} {}",
                    stderr(&unbind),
                    stderr(&bind)
                ),
            );
        } else {
            for p in code_differences(
                &read_view(&windows),
                &read_view(&two_steps),
                &BTreeMap::new(),
            ) {
                findings.add(&object.label, format!("rebind vs unbind + bind: {p}"));
            }
        }
        let linux = dir.path().join("linux.o");
        let out = rebind("windows", "linux", &windows, &linux);
        if exit_code(&out) != Ok(0) {
            findings.add(
                &object.label,
                format!("moving back to Linux: {}", stderr(&out)),
            );
            continue;
        }
        for p in code_differences(&original, &read_view(&linux), &BTreeMap::new()) {
            findings.add(&object.label, format!("Linux -> Windows -> Linux: {p}"));
        }
        // Outside the code, moving changes only what a round trip may change.
        let windows_view = read_view(&windows);
        for p in compare_round_trip(&original, &windows_view) {
            if !p.starts_with("code section") {
                findings.add(&object.label, format!("moved to Windows: {p}"));
            }
        }
        for p in compare_round_trip(&original, &read_view(&linux)) {
            findings.add(&object.label, format!("Linux -> Windows -> Linux: {p}"));
        }
        moved += 1;
    }
    println!(
        "{moved} objects moved to Windows ({calls} numeric calls renumbered) and back; \
         {refused} refused as check predicted"
    );
    findings.assert_none("rebind Linux -> Windows -> Linux", all.len());
}

/// Batch mode over every unbound third-party object at once: the objects calling a non-helper
/// extern fail (exit 1, one line each, nothing written for them), every other output is
/// byte-identical to binding that object alone.
#[test]
fn batch_binding_of_every_unbound_object_matches_binding_each_alone() {
    let all = objects();
    let dir = scratch_dir();
    let (inputs, outputs) = (dir.path().join("in"), dir.path().join("out"));
    std::fs::create_dir_all(&inputs).unwrap();
    std::fs::create_dir_all(&outputs).unwrap();
    let mut expected = BTreeMap::new(); // input name -> Some(alone-bound bytes) or None (fails)
    let mut args: Vec<std::ffi::OsString> = vec![
        "--platform".into(),
        "linux".into(),
        "-o".into(),
        format!("{}/", outputs.display()).into(),
    ];
    for (n, object) in all.iter().enumerate() {
        let name = format!("{n:03}.o");
        let (unbound, back) = (inputs.join(&name), dir.path().join("back.o"));
        round_trip(&object.path, &unbound, &back)
            .unwrap_or_else(|e| panic!("{}: {e}", object.label));
        let fails = calls_externs(&object.path).unwrap();
        expected.insert(
            name,
            (
                object.label.clone(),
                (!fails).then(|| std::fs::read(&back).unwrap()),
            ),
        );
        args.push(unbound.into_os_string());
    }
    let out = tool::run(&args);
    let failing = expected.values().filter(|(_, b)| b.is_none()).count();
    assert_eq!(
        exit_code(&out),
        Ok(if failing > 0 { 1 } else { 0 }),
        "batch of {} objects with {failing} unbindable: {}",
        expected.len(),
        stderr(&out)
    );
    let mut findings = Findings::default();
    for (name, (label, alone)) in &expected {
        let written = std::fs::read(outputs.join(name)).ok();
        match (alone, written) {
            (Some(a), Some(w)) if *a == w => {}
            (Some(_), Some(_)) => findings.add(label, "batch output differs from binding it alone"),
            (Some(_), None) => findings.add(label, "batch wrote no output"),
            (None, Some(_)) => findings.add(label, "batch wrote the output of a failed object"),
            (None, None) => {
                if stderr(&out)
                    .lines()
                    .filter(|l| l.contains(name.as_str()))
                    .count()
                    != 1
                {
                    findings.add(label, format!("expected one error line naming {name}"));
                }
            }
        }
    }
    println!(
        "batch: {} unbound objects, {failing} refused, the rest identical to binding alone",
        expected.len()
    );
    findings.assert_none("batch binding", expected.len());
}

#[test]
fn every_kernel_header_generates_and_binds_third_party_objects() {
    let mut findings = Findings::default();
    let headers = oracle_headers();
    let doc_gen = bpf_doc_gen_bin();
    let dir = scratch_dir();

    // Unbound third-party objects and what the built-in table binds them to.
    let mut unbound = Vec::new();
    for (n, object) in objects().iter().enumerate() {
        let (u, b) = (
            dir.path().join(format!("{n}-unbound.o")),
            dir.path().join(format!("{n}-back.o")),
        );
        if round_trip(&object.path, &u, &b).is_ok() && u.exists() {
            let externs = calls_externs(&object.path).unwrap_or(false);
            unbound.push((object.label.clone(), u, b, externs));
        }
    }

    for header in &headers {
        let label = header
            .strip_prefix(workspace_root())
            .unwrap_or(header)
            .display()
            .to_string();
        let mut formats_refused = Vec::new();
        for format in ["header", "bpf-helper", "json"] {
            let out = run_tool(
                doc_gen.to_str().unwrap(),
                &["--format".as_ref(), format.as_ref(), header.as_os_str()],
            );
            if out.status.success() && !out.stdout.is_empty() {
                if format == "json" && serde_json::from_slice::<Value>(&out.stdout).is_err() {
                    findings.add(&label, "bpf-doc-gen --format json is not JSON");
                }
                continue;
            }
            // A refusal must be clean (no panic, nothing written, the line named) and agree
            // with the kernel: no generation of its scripts may accept what we refuse.
            let message = stderr(&out);
            let names_line = message.contains(&format!("{}:", header.display()));
            if !matches!(out.status.code(), Some(1 | 2)) || !out.stdout.is_empty() || !names_line {
                findings.add(
                    &label,
                    format!(
                        "bpf-doc-gen --format {format} fails unclearly ({}): {message}",
                        out.status
                    ),
                );
            }
            for script in kernel_scripts() {
                if format == "header" && kernel_script_accepts(&script, header) {
                    findings.add(
                        &label,
                        format!(
                            "{} accepts it, bpf-doc-gen refuses: {message}",
                            script.display()
                        ),
                    );
                }
            }
            formats_refused.push(format);
        }
        if !formats_refused.is_empty() {
            println!("{label}: {formats_refused:?} refused, as every kernel script refuses it");
        }
        let (mut same, mut refused) = (0, 0);
        for (object, u, builtin, externs) in &unbound {
            let out_path = dir.path().join("uapi.o");
            let mut args = vec![
                "--platform".as_ref(),
                "linux".as_ref(),
                "--uapi".as_ref(),
                header.as_os_str(),
                "-o".as_ref(),
                out_path.as_os_str(),
                u.as_os_str(),
            ];
            if *externs {
                args.push("--allow-unresolved".as_ref());
            }
            let out = tool::run(args);
            match exit_code(&out) {
                Ok(0) if std::fs::read(&out_path).ok() == std::fs::read(builtin).ok() => same += 1,
                Ok(0) => findings.add(
                    &label,
                    format!("{object}: --uapi binds differently from the built-in table"),
                ),
                // An older kernel without one of the helpers: refused, naming it.
                Ok(1) if stderr(&out).contains("is not a helper of this platform") => refused += 1,
                Ok(c) => findings.add(
                    &label,
                    format!("{object}: --uapi exits {c}: {}", stderr(&out)),
                ),
                Err(e) => findings.add(&label, format!("{object}: --uapi {e}")),
            }
        }
        println!(
            "{label}: {} of 3 formats generated; {same} objects bind as with the built-in \
             table, {refused} refused (helper newer than the header)",
            3 - formats_refused.len()
        );
    }
    findings.assert_none("kernel headers", headers.len());
}

/// The fetched set is what the fetch script promises (a source silently lost would shrink
/// every other test's coverage).
#[test]
fn the_fetched_set_covers_both_byte_orders_btf_and_no_btf() {
    let all = objects();
    let mut kinds: BTreeSet<&str> = BTreeSet::new();
    for object in &all {
        let view = read_view(&object.path);
        kinds.insert(if view.big_endian {
            "big-endian"
        } else {
            "little-endian"
        });
        kinds.insert(if view.find_section(".BTF").is_some() {
            "btf"
        } else {
            "no-btf"
        });
        if view.find_section("maps").is_some() {
            kinds.insert("legacy-maps");
        }
    }
    for source in sorted_entries(&third_party_dir()) {
        if let Ok(s) = std::fs::read_to_string(source.join("SOURCE")) {
            println!(
                "{}: {}",
                source.file_name().unwrap().to_string_lossy(),
                s.trim()
            );
        }
    }
    println!("{} objects: {kinds:?}", all.len());
    for wanted in [
        "big-endian",
        "little-endian",
        "btf",
        "no-btf",
        "legacy-maps",
    ] {
        assert!(
            kinds.contains(wanted),
            "no {wanted} object among {} (scripts/fetch-third-party-bpf)",
            all.len()
        );
    }
}

/// Every cilium/ebpf object has a stale `.llvm_addrsig`: symbol indices past the end of
/// `.symtab`. `unbind` appends helper symbols there, so a stale index silently starts naming a
/// helper, and binding then drops it with the helper symbol: the round trip changed the section
/// (loader-clang-14 and manyprogs, both byte orders). A stale entry must stay as it was.
#[test]
fn a_stale_addrsig_entry_survives_unbind_then_bind() {
    let dir = scratch_dir();
    let source = workspace_root().join("tests/third_party/stale_addrsig.c");
    for target in ["bpf", "bpfeb"] {
        let object = dir.path().join(format!("{target}.o"));
        let out = run_tool(
            "clang-19",
            &[
                "-O2".as_ref(),
                "-g".as_ref(),
                "-target".as_ref(),
                target.as_ref(),
                "-I/usr/include/x86_64-linux-gnu".as_ref(),
                "-c".as_ref(),
                source.as_os_str(),
                "-o".as_ref(),
                object.as_os_str(),
            ],
        );
        assert!(out.status.success(), "clang-19: {}", stderr(&out));
        // Point the last entry one past the last symbol, as cilium's objects do.
        let mut data = std::fs::read(&object).unwrap();
        let view = read_view(&object);
        let addrsig = view
            .sections
            .iter()
            .find(|s| s.name == ".llvm_addrsig")
            .expect("clang-19 writes .llvm_addrsig");
        let symbols = view.symbols.len() + 1; // the null symbol is not in the view
        assert!(
            symbols < 0x80
                && addrsig.size > 0
                && data[(addrsig.offset + addrsig.size - 1) as usize] < 0x80
        );
        data[(addrsig.offset + addrsig.size - 1) as usize] = symbols as u8;
        std::fs::write(&object, &data).unwrap();

        let (unbound, back) = (dir.path().join("unbound.o"), dir.path().join("back.o"));
        round_trip(&object, &unbound, &back).unwrap_or_else(|e| panic!("{target}: {e}"));
        let problems = compare_round_trip(&read_view(&object), &read_view(&back));
        assert!(problems.is_empty(), "-target {target}: {problems:#?}");
    }
}
