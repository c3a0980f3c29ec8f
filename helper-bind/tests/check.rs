//! `helper-bind check`: per-call verdicts, object notes, the table, the JSON and the exit
//! status, over programs compiled here with clang-19 and synthetic objects.

mod check_support;

use check_support::*;
use helper_bind::check::{check, CallKind, CheckReport, NoteLevel, Severity, Verdict};
use helper_bind::elf::{Endian, R_BPF_64_32, R_BPF_64_64};
use helper_bind::insn::{Insn, OP_CALL};
use helper_bind::platform::PlatformKind::{Linux, Windows};
use helper_bind::synth::ObjectBuilder;

fn run_check(
    path: &std::path::Path,
    from: Linux_,
    to: helper_bind::platform::PlatformKind,
) -> CheckReport {
    let data = std::fs::read(path).unwrap();
    check(&data, &builtin(from.0), &builtin(to)).unwrap()
}

/// The source platform, spelled at call sites.
struct Linux_(helper_bind::platform::PlatformKind);
const FROM_LINUX: Linux_ = Linux_(Linux);
const FROM_WINDOWS: Linux_ = Linux_(Windows);

/// The verdict of the only call to `name` (panics when there is not exactly one).
fn verdict<'a>(r: &'a CheckReport, name: &str) -> &'a Verdict {
    let calls: Vec<_> = r
        .calls
        .iter()
        .filter(|c| c.name.as_deref() == Some(name))
        .collect();
    assert_eq!(calls.len(), 1, "calls to {name}: {:#?}", r.calls);
    &calls[0].verdict
}

fn note_kinds(r: &CheckReport) -> Vec<(&'static str, NoteLevel, Option<String>)> {
    r.notes
        .iter()
        .map(|n| (n.kind, n.level, n.section.clone()))
        .collect()
}

#[test]
fn portable_linux_object_binds_cleanly_on_windows_with_printk_by_arity() {
    let dir = tempfile::tempdir().unwrap();
    for target in Target::BOTH {
        let obj = compile("portable.c", Linux, Binding::Early, target, dir.path());
        let r = run_check(&obj, FROM_LINUX, Windows);
        assert!(r.binds_cleanly(), "{target:?}: {r:#?}");
        let printk: Vec<(u8, u32, &str)> = r
            .calls
            .iter()
            .filter_map(|c| match &c.verdict {
                Verdict::PrintkArity { arity, id, helper } => {
                    assert_eq!(c.kind, CallKind::Numeric);
                    assert_eq!(c.imm, Some(6));
                    Some((*arity, *id, helper.as_str()))
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            printk,
            vec![
                (2, 12, "bpf_trace_printk2"),
                (3, 13, "bpf_trace_printk3"),
                (4, 14, "bpf_trace_printk4")
            ]
        );
        assert_eq!(
            verdict(&r, "bpf_ktime_get_ns"),
            &Verdict::Resolves {
                id: 9,
                helper: "bpf_ktime_get_ns".into()
            }
        );
        // bpf_tail_call: Windows adds const to both pointers; a note, not a failure.
        match verdict(&r, "bpf_tail_call") {
            Verdict::PrototypeDiffers {
                id: 5, differences, ..
            } => {
                assert_eq!(differences.len(), 2, "{differences:?}");
                assert!(differences.iter().all(|d| d.severity == Severity::Note));
            }
            v => panic!("bpf_tail_call: {v:?}"),
        }
        assert_eq!(
            r.calls
                .iter()
                .filter(|c| c.verdict == Verdict::Local)
                .count(),
            2
        );
        let kinds = note_kinds(&r);
        assert!(kinds.contains(&("program-type", NoteLevel::Info, Some("xdp".into()))));
        let connect = r
            .notes
            .iter()
            .find(|n| n.section.as_deref() == Some("cgroup/connect4"))
            .expect("a note on cgroup/connect4");
        assert!(connect.message.contains("sock_addr"), "{}", connect.message);
        assert!(!kinds.contains(&(
            "xdp-return-codes",
            NoteLevel::Warning,
            Some("cgroup/connect4".into())
        )));
        assert!(kinds.contains(&("xdp-return-codes", NoteLevel::Warning, Some("xdp".into()))));
        assert!(kinds.contains(&("numeric-calls", NoteLevel::Info, None)));
        // The same object on Linux: nothing differs, nothing to say about XDP codes.
        let same = run_check(&obj, FROM_LINUX, Linux);
        assert!(same.binds_cleanly());
        assert!(same
            .calls
            .iter()
            .all(|c| matches!(c.verdict, Verdict::Resolves { .. } | Verdict::Local)));
        assert!(!note_kinds(&same).iter().any(|n| n.0 == "xdp-return-codes"));
    }
}

#[test]
fn every_call_verdict_of_a_linux_object_on_windows() {
    let dir = tempfile::tempdir().unwrap();
    let obj = compile(
        "verdicts.c",
        Linux,
        Binding::Late,
        Target::Little,
        dir.path(),
    );
    let r = run_check(&obj, FROM_LINUX, Windows);
    assert!(!r.binds_cleanly());

    // u32 on Linux, u64 on Windows: a width difference fails.
    match verdict(&r, "bpf_get_smp_processor_id") {
        Verdict::PrototypeDiffers {
            id: 8, differences, ..
        } => {
            assert_eq!(differences.len(), 1);
            assert_eq!(differences[0].place, "return");
            assert_eq!(differences[0].severity, Severity::Failure);
            assert!(differences[0].what.contains("32 vs 64"));
        }
        v => panic!("{v:?}"),
    }
    // __s64 on Linux, int on Windows.
    let csum = verdict(&r, "bpf_csum_diff");
    assert!(csum.fails(), "{csum:?}");
    match csum {
        Verdict::PrototypeDiffers { differences, .. } => {
            assert_eq!(
                (differences[0].from.as_str(), differences[0].to.as_str()),
                ("__s64", "int")
            );
        }
        v => panic!("{v:?}"),
    }
    // __u64 vs int64_t and a const pointer: notes only, the call binds.
    let cookie = verdict(&r, "bpf_get_socket_cookie");
    assert!(
        matches!(cookie, Verdict::PrototypeDiffers { id: 26, .. }),
        "{cookie:?}"
    );
    assert!(!cookie.fails());
    assert_eq!(
        verdict(&r, "bpf_trace_printk"),
        &Verdict::PrintkArity {
            arity: 3,
            id: 13,
            helper: "bpf_trace_printk3".into()
        }
    );
    assert_eq!(
        verdict(&r, "bpf_get_prandom_u32"),
        &Verdict::Resolves {
            id: 6,
            helper: "bpf_get_prandom_u32".into()
        }
    );
    assert_eq!(
        verdict(&r, "bpf_rcu_read_lock"),
        &Verdict::Kfunc { supported: false }
    );
    assert_eq!(verdict(&r, "twice"), &Verdict::Local);
    assert!(matches!(
        verdict(&r, "bpf_skb_store_bytes"),
        Verdict::Missing { .. }
    ));
    assert_eq!(
        verdict(&r, "bpf_xdp_adjust_head"),
        &Verdict::WrongProgramType {
            needs: vec!["xdp".into()]
        }
    );
    let failing: Vec<&str> = r.failing().map(|c| c.name.as_deref().unwrap()).collect();
    assert_eq!(
        failing,
        vec![
            "bpf_get_smp_processor_id",
            "bpf_csum_diff",
            "bpf_rcu_read_lock",
            "bpf_rcu_read_unlock",
            "bpf_skb_store_bytes",
            "bpf_xdp_adjust_head"
        ]
    );
    let kinds = note_kinds(&r);
    assert!(kinds.contains(&("program-type", NoteLevel::Info, Some("xdp".into()))));
    assert!(kinds.contains(&("no-program-type", NoteLevel::Warning, Some("tc".into()))));
    assert!(kinds.contains(&("kfuncs", NoteLevel::Error, None)));

    // On Linux, for which it was written, everything resolves and kfuncs are fine.
    let linux = run_check(&obj, FROM_LINUX, Linux);
    assert!(linux.binds_cleanly(), "{linux:#?}");
    assert_eq!(
        verdict(&linux, "bpf_csum_diff"),
        &Verdict::Resolves {
            id: 28,
            helper: "bpf_csum_diff".into()
        }
    );
    assert!(note_kinds(&linux).contains(&("kfuncs", NoteLevel::Info, None)));
}

#[test]
fn a_windows_object_checked_for_linux() {
    let dir = tempfile::tempdir().unwrap();
    for target in Target::BOTH {
        let obj = compile(
            "windows_only.c",
            Windows,
            Binding::Early,
            target,
            dir.path(),
        );
        let r = run_check(&obj, FROM_WINDOWS, Linux);
        assert!(!r.binds_cleanly());
        assert!(matches!(
            verdict(&r, "bpf_get_current_logon_id"),
            Verdict::Missing { .. }
        ));
        // Windows' fixed-arity printk becomes Linux's variadic one.
        assert_eq!(
            verdict(&r, "bpf_trace_printk3"),
            &Verdict::PrintkArity {
                arity: 3,
                id: 6,
                helper: "bpf_trace_printk".into()
            }
        );
        // 65536 is bpf_xdp_adjust_head only because the section is xdp.
        let head = r
            .calls
            .iter()
            .find(|c| c.imm == Some(65536))
            .expect("call 65536");
        assert_eq!(head.name.as_deref(), Some("bpf_xdp_adjust_head"));
        assert!(matches!(
            head.verdict,
            Verdict::PrototypeDiffers { id: 44, .. }
        ));
        assert!(head.verdict.fails(), "int on Windows, long on Linux");
        assert_eq!(
            verdict(&r, "bpf_get_current_pid_tgid"),
            &Verdict::Resolves {
                id: 14,
                helper: "bpf_get_current_pid_tgid".into()
            }
        );
    }
}

fn call(e: Endian, src: u8, imm: i32) -> [u8; 8] {
    Insn {
        code: OP_CALL,
        dst: 0,
        src,
        off: 0,
        imm,
    }
    .encode(e)
}

fn mov(e: Endian, dst: u8) -> [u8; 8] {
    Insn {
        code: 0xb7,
        dst,
        src: 0,
        off: 0,
        imm: 1,
    }
    .encode(e)
}

const EXIT: [u8; 8] = [0x95, 0, 0, 0, 0, 0, 0, 0];

/// A synthetic object: `tc` calls printk with only r1 set (arity unknowable), `call 9999`
/// (no helper), a call by BTF id (src_reg 2) and refers to a data extern; a legacy `maps`
/// section; no BTF.
fn synthetic(e: Endian) -> Vec<u8> {
    let mut b = ObjectBuilder::new(e);
    let ld = Insn {
        code: 0x18,
        dst: 1,
        src: 0,
        off: 0,
        imm: 0,
    }
    .encode(e);
    let text = b.code_section(
        "tc",
        &[
            mov(e, 1),
            call(e, 1, -1),   // 1: bpf_trace_printk, r2 unset
            call(e, 0, 9999), // 2: unknown ID
            call(e, 2, 1234), // 3: by BTF id
            ld,               // 4..5: address of an extern variable
            [0; 8],
            EXIT,
        ],
    );
    b.section("maps", 1, 3, vec![0; 20]);
    let printk = b.undefined("bpf_trace_printk");
    let var = b.undefined("CONFIG_HZ");
    b.reloc(text, 8, printk, R_BPF_64_32);
    b.reloc(text, 32, var, R_BPF_64_64);
    b.build()
}

#[test]
fn synthetic_objects_give_the_remaining_verdicts_and_notes() {
    for e in [Endian::Little, Endian::Big] {
        let obj = synthetic(e);
        let win = check(&obj, &builtin(Linux), &builtin(Windows)).unwrap();
        let by_insn = |r: &CheckReport, i: usize| {
            r.calls
                .iter()
                .find(|c| c.insn == i)
                .unwrap()
                .verdict
                .clone()
        };
        match by_insn(&win, 1) {
            Verdict::UnknownArity { reason } => {
                assert!(reason.contains("not both set"), "{reason}")
            }
            v => panic!("{v:?}"),
        }
        assert_eq!(by_insn(&win, 2), Verdict::UnknownId);
        assert_eq!(by_insn(&win, 3), Verdict::Other { supported: false });
        let kinds = note_kinds(&win);
        assert!(kinds.contains(&("no-program-type", NoteLevel::Warning, Some("tc".into()))));
        assert!(kinds.contains(&("undefined-symbols", NoteLevel::Warning, None)));
        assert!(kinds.contains(&("legacy-maps", NoteLevel::Info, Some("maps".into()))));
        assert!(kinds.contains(&("no-btf", NoteLevel::Info, None)));
        let undefined = win
            .notes
            .iter()
            .find(|n| n.kind == "undefined-symbols")
            .unwrap();
        assert!(
            undefined.message.contains("CONFIG_HZ"),
            "{}",
            undefined.message
        );
        assert!(!win.binds_cleanly());

        // On Linux printk needs no arity, a call by BTF id is fine, call 9999 is not.
        let linux = check(&obj, &builtin(Linux), &builtin(Linux)).unwrap();
        assert_eq!(
            by_insn(&linux, 1),
            Verdict::Resolves {
                id: 6,
                helper: "bpf_trace_printk".into()
            }
        );
        assert_eq!(by_insn(&linux, 3), Verdict::Other { supported: true });
        assert_eq!(linux.failing().count(), 1);
        assert!(note_kinds(&linux).contains(&(
            "legacy-maps",
            NoteLevel::Warning,
            Some("maps".into())
        )));
    }
}

#[test]
fn bad_input_is_an_error_naming_the_problem() {
    let e = check(b"not an object", &builtin(Linux), &builtin(Windows)).unwrap_err();
    assert!(e.to_string().contains("not an ELF file"), "{e}");
}

#[test]
fn cli_exit_status_is_0_clean_1_not_clean_2_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let good = compile(
        "portable.c",
        Linux,
        Binding::Early,
        Target::Little,
        dir.path(),
    );
    let bad = compile(
        "verdicts.c",
        Linux,
        Binding::Late,
        Target::Little,
        dir.path(),
    );
    let junk = dir.path().join("junk.o");
    std::fs::write(&junk, b"junk").unwrap();
    let s = |p: &std::path::Path| p.to_str().unwrap().to_string();

    let o = helper_bind(&["check", "--platform", "windows", &s(&good)], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let table = stdout(&o);
    assert!(table.starts_with("SECTION"), "{table}");
    assert!(table.contains("printk-arity"), "{table}");
    assert!(table.contains("binds cleanly on windows"), "{table}");

    let o = helper_bind(&["check", "--platform", "windows", &s(&bad)], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("wrong-program-type FAIL"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("does not bind cleanly on windows"));

    let o = helper_bind(&["check", "--platform", "linux", &s(&bad)], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));

    for input in [s(&junk), s(&dir.path().join("missing.o"))] {
        let o = helper_bind(&["check", "--platform", "windows", &input], dir.path());
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains(&input), "{}", stderr(&o));
    }
}

#[test]
fn json_report_matches_its_expectation() {
    let dir = tempfile::tempdir().unwrap();
    let obj = compile(
        "verdicts.c",
        Linux,
        Binding::Late,
        Target::Little,
        dir.path(),
    );
    std::fs::copy(&obj, dir.path().join("verdicts.o")).unwrap();
    let o = helper_bind(
        &["check", "--platform", "windows", "--json", "verdicts.o"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    // Structure, independent of the expectation file.
    assert_eq!(json["platform"], "windows");
    assert_eq!(json["from"], "linux");
    assert_eq!(json["binds_cleanly"], false);
    let calls = json["calls"].as_array().unwrap();
    let wrong = calls
        .iter()
        .find(|c| c["verdict"] == "wrong-program-type")
        .unwrap();
    assert_eq!(wrong["needs"], serde_json::json!(["xdp"]));
    assert_eq!(wrong["ok"], false);
    let printk = calls
        .iter()
        .find(|c| c["verdict"] == "printk-arity")
        .unwrap();
    assert_eq!(
        (printk["arity"].as_u64(), printk["id"].as_u64()),
        (Some(3), Some(13))
    );
    assert_eq!(json["summary"]["failing"], 6);

    let expected = data_dir().join("expected/verdicts.windows.json");
    if std::env::var_os("BLESS").is_some() {
        std::fs::create_dir_all(expected.parent().unwrap()).unwrap();
        std::fs::write(&expected, stdout(&o)).unwrap();
    }
    let want = std::fs::read_to_string(&expected).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with BLESS=1 to create it)",
            expected.display()
        )
    });
    assert_eq!(
        stdout(&o),
        want,
        "re-bless with BLESS=1 if the change is intended"
    );
}

#[test]
fn a_static_call_through_a_section_symbol_with_a_huge_value_does_not_panic() {
    // Regression: the callee's name was looked up with overflowing arithmetic on st_value.
    for value in [u64::MAX, i64::MAX as u64, 0] {
        let e = Endian::Little;
        let mut b = ObjectBuilder::new(e);
        let text = b.code_section(".text", &[call(e, 1, 1), EXIT, EXIT]);
        let section_symbol = b.symbol("", 3, text as u16, value, 0);
        b.reloc(text, 0, section_symbol, R_BPF_64_32);
        let obj = b.build();
        let r = check(&obj, &builtin(Linux), &builtin(Windows)).unwrap();
        assert_eq!(r.calls[0].verdict, Verdict::Local);
        assert_eq!(r.calls[0].name.as_deref(), Some(".text"));
    }
}

#[test]
fn program_type_helper_in_a_subprogram_whose_callers_disagree() {
    let dir = tempfile::tempdir().unwrap();
    let obj = compile(
        "subprogram.c",
        Linux,
        Binding::Late,
        Target::Little,
        dir.path(),
    );
    let r = run_check(&obj, FROM_LINUX, Windows);
    match verdict(&r, "bpf_xdp_adjust_head") {
        Verdict::Subprogram { function, callers } => {
            assert_eq!(function, "pop");
            assert_eq!(callers.len(), 2, "{callers:?}");
            assert!(
                callers
                    .iter()
                    .any(|c| c.contains("`xdp` binds it to 65536")),
                "{callers:?}"
            );
        }
        v => panic!("{v:?}"),
    }
    assert!(!r.binds_cleanly());
    // Linux has no program-type helpers: it binds.
    assert!(run_check(&obj, FROM_LINUX, Linux).binds_cleanly());
}

#[test]
fn on_its_own_platform_numeric_calls_are_named_with_added_helpers() {
    // call 40 is no built-in Windows helper; a --helpers TSV adds one.
    let dir = tempfile::tempdir().unwrap();
    let tsv = dir.path().join("ext.tsv");
    std::fs::write(
        &tsv,
        "name\tid\treturn_type\tparams\tscope\tsections\n\
         hb_ext_helper\t40\tint64_t\t(void)\tgeneral\t-\n",
    )
    .unwrap();
    let e = Endian::Little;
    let mut b = ObjectBuilder::new(e);
    b.code_section("xdp", &[call(e, 0, 40), EXIT]);
    let obj = b.build();
    let plain = check(&obj, &builtin(Windows), &builtin(Windows)).unwrap();
    assert_eq!(plain.calls[0].verdict, Verdict::UnknownId);
    let mut extended = builtin(Windows);
    extended.add_helpers_file(&tsv).unwrap();
    let r = check(&obj, &builtin(Windows), &extended).unwrap();
    assert_eq!(
        r.calls[0].verdict,
        Verdict::Resolves {
            id: 40,
            helper: "hb_ext_helper".into()
        }
    );
    assert!(r.binds_cleanly());
}

#[test]
fn text_report_matches_its_expectation() {
    let dir = tempfile::tempdir().unwrap();
    let obj = compile(
        "windows_only.c",
        Windows,
        Binding::Early,
        Target::Little,
        dir.path(),
    );
    std::fs::copy(&obj, dir.path().join("windows_only.o")).unwrap();
    let o = helper_bind(
        &[
            "check",
            "--from",
            "windows",
            "--platform",
            "linux",
            "windows_only.o",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let expected = data_dir().join("expected/windows_only.linux.txt");
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&expected, stdout(&o)).unwrap();
    }
    let want = std::fs::read_to_string(&expected).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with BLESS=1 to create it)",
            expected.display()
        )
    });
    assert_eq!(
        stdout(&o),
        want,
        "re-bless with BLESS=1 if the change is intended"
    );
}

#[test]
fn a_helper_of_the_source_platform_gets_no_typo_suggestion_but_a_typo_does() {
    let e = Endian::Little;
    let mut b = ObjectBuilder::new(e);
    let text = b.code_section("xdp", &[call(e, 1, -1), call(e, 1, -1), EXIT]);
    let real = b.undefined("bpf_xdp_adjust_tail"); // Linux only
    let typo = b.undefined("bpf_ktime_get_sn");
    b.reloc(text, 0, real, R_BPF_64_32);
    b.reloc(text, 8, typo, R_BPF_64_32);
    let obj = b.build();
    let r = check(&obj, &builtin(Linux), &builtin(Windows)).unwrap();
    assert_eq!(
        verdict(&r, "bpf_xdp_adjust_tail"),
        &Verdict::Missing { suggestion: None }
    );
    assert_eq!(
        verdict(&r, "bpf_ktime_get_sn"),
        &Verdict::Missing {
            suggestion: Some("bpf_ktime_get_ns".into())
        }
    );
}

#[test]
fn corrupted_objects_never_panic_check_or_rebind() {
    use helper_bind::rebind::{rebind, RebindOptions};
    let dir = tempfile::tempdir().unwrap();
    // portable.c: every helper resolves, so no "did you mean" search (slow in debug builds)
    // runs for the unmutated calls.
    let obj = compile(
        "portable.c",
        Windows,
        Binding::Early,
        Target::Little,
        dir.path(),
    );
    let good = std::fs::read(obj).unwrap();
    let (linux, windows) = (builtin(Linux), builtin(Windows));
    let lenient = RebindOptions {
        allow_unresolved: true,
        allow_prototype_differences: true,
    };
    let mut outcomes = [0usize; 2];
    // Every byte, three values each: header fields, section headers, symbols, relocations,
    // code and BTF all get hit. Rebind (check, unbind, bind; slower) on every 16th offset.
    for offset in 0..good.len() {
        for value in [0x00u8, 0xff, 0x80] {
            if good[offset] == value {
                continue;
            }
            let mut bad = good.clone();
            bad[offset] = value;
            let checked = check(&bad, &windows, &linux);
            outcomes[usize::from(checked.is_ok())] += 1;
            if offset % 16 == 0 {
                let _ = rebind(&bad, &windows, &linux, lenient);
            }
        }
    }
    // Truncation.
    for len in 0..good.len() {
        assert!(check(&good[..len], &windows, &linux).is_err());
    }
    // Both outcomes occur, so the mutations reached past the parser.
    assert!(outcomes[0] > 0 && outcomes[1] > 0, "{outcomes:?}");
}

#[test]
fn numeric_program_type_call_in_a_subprogram_is_named_through_its_callers() {
    // Regression: call 65536 in .text (no program type) was "unknown-id" even though every
    // program reaching it is xdp.
    let dir = tempfile::tempdir().unwrap();
    let obj = compile(
        "windows_subprogram.c",
        Windows,
        Binding::Early,
        Target::Little,
        dir.path(),
    );
    let own = run_check(&obj, FROM_WINDOWS, Windows);
    assert!(own.binds_cleanly(), "{own:#?}");
    let head = own.calls.iter().find(|c| c.imm == Some(65536)).unwrap();
    assert_eq!(head.section, ".text");
    assert_eq!(head.name.as_deref(), Some("bpf_xdp_adjust_head"));
    assert_eq!(
        head.verdict,
        Verdict::Resolves {
            id: 65536,
            helper: "bpf_xdp_adjust_head".into()
        }
    );
    // Rebinding to its own platform gives back the same code.
    let data = std::fs::read(&obj).unwrap();
    let same = helper_bind::rebind::rebind(
        &data,
        &builtin(Windows),
        &builtin(Windows),
        Default::default(),
    )
    .unwrap();
    assert_eq!(code_sections(&same.bytes), code_sections(&data));
    let linux = run_check(&obj, FROM_WINDOWS, Linux);
    let head = linux.calls.iter().find(|c| c.imm == Some(65536)).unwrap();
    assert!(
        matches!(head.verdict, Verdict::PrototypeDiffers { id: 44, .. }),
        "{:?}",
        head.verdict
    );
}

#[test]
fn an_early_bound_object_that_cannot_be_unbound_does_not_rebind_cleanly() {
    // Fuzzing finding 11: `check` called an early-bound object without a symbol table clean,
    // and `rebind` then failed (unbinding needs `.symtab` for the helper symbols).
    for e in [Endian::Little, Endian::Big] {
        let mut b = ObjectBuilder::new(e);
        b.code_section("xdp", &[call(e, 0, 7), [0x95, 0, 0, 0, 0, 0, 0, 0]]);
        let mut obj = b.build();
        let view = helper_bind::elf::ElfView::parse(&obj).unwrap();
        let h = view.sections[view.symtab.unwrap()].header_offset as usize;
        obj[h + 4..h + 8].copy_from_slice(&e.u32_bytes(0)); // .symtab becomes SHT_NULL
        for to in [Linux, Windows] {
            let report = check(&obj, &builtin(Linux), &builtin(to)).unwrap();
            assert!(!report.binds_cleanly(), "{e:?} -> {to:?}: {report:?}");
            assert!(
                report.notes.iter().any(|n| n.kind == "unbind"
                    && n.level == NoteLevel::Error
                    && n.message.contains(".symtab")),
                "{:?}",
                report.notes
            );
            let rebound = helper_bind::rebind::rebind(
                &obj,
                &builtin(Linux),
                &builtin(to),
                Default::default(),
            );
            assert!(rebound.is_err(), "check and rebind disagree");
        }
    }
}
