//! Binding hand-built objects: symbol renumbering everywhere, `.llvm_addrsig`, padded
//! relocation entries, EM_NONE, big-endian, printk arity on Windows.

use helper_bind::elf::{ElfView, Endian, R_BPF_64_32, R_BPF_64_64};
use helper_bind::insn::{Insn, OP_CALL};
use helper_bind::platform::{Platform, PlatformKind};
use helper_bind::synth::{uleb128, ObjectBuilder, GLOBAL_FUNC};
use helper_bind::{bind, BindFailure, BindOptions, BindProblem};

fn call(e: Endian) -> [u8; 8] {
    Insn {
        code: OP_CALL,
        dst: 0,
        src: 1,
        off: 0,
        imm: -1,
    }
    .encode(e)
}
fn mov(e: Endian, dst: u8) -> [u8; 8] {
    Insn {
        code: 0xb7,
        dst,
        src: 0,
        off: 0,
        imm: 0,
    }
    .encode(e)
}
const EXIT: [u8; 8] = [0x95, 0, 0, 0, 0, 0, 0, 0];

/// xdp: lookup, ktime, lookup again; a data section relocated against a global defined after
/// the helper symbols; addrsig listing symbols on both sides of them.
fn object(e: Endian, rel_entsize: u64) -> (Vec<u8>, usize) {
    let mut b = ObjectBuilder::new(e);
    let text = b.code_section("xdp", &[call(e), call(e), call(e), EXIT]);
    let data = b.section(".data", 1, 3, vec![0; 16]);
    let prog = b.symbol("prog", GLOBAL_FUNC, text as u16, 0, 32);
    let lookup = b.undefined("bpf_map_lookup_elem");
    let ktime = b.undefined("bpf_ktime_get_ns");
    let license = b.symbol("LICENSE", 0x11, data as u16, 0, 4);
    b.reloc(text, 0, lookup, R_BPF_64_32);
    b.reloc(text, 8, ktime, R_BPF_64_32);
    b.reloc(text, 16, lookup, R_BPF_64_32);
    b.reloc(data, 8, license, R_BPF_64_64);
    b.addrsig(vec![prog as u32, ktime as u32, license as u32]);
    b.rel_entsize = rel_entsize;
    (b.build(), license)
}

fn addrsig(view: &ElfView) -> Vec<u64> {
    let s = view.section_by_name(".llvm_addrsig").unwrap();
    let mut out = Vec::new();
    let (mut v, mut shift) = (0u64, 0);
    for &b in view.section_data(s.index) {
        v |= u64::from(b & 0x7f) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            out.push(v);
            v = 0;
            shift = 0;
        }
    }
    out
}

#[test]
fn dropped_symbols_are_renumbered_in_relocations_addrsig_and_symtab() {
    for e in [Endian::Little, Endian::Big] {
        for entsize in [16, 24] {
            let (mut obj, license) = object(e, entsize);
            let len = obj.len();
            let report = bind(
                &mut obj,
                &Platform::builtin(PlatformKind::Linux),
                BindOptions::default(),
            )
            .unwrap();
            assert_eq!(obj.len(), len);
            assert_eq!(report.bound_count(), 3);
            assert_eq!(report.stats.relocations_removed, 3);
            assert_eq!(report.stats.symbols_removed, 2);
            let v = ElfView::parse(&obj).unwrap();
            let names: Vec<&[u8]> = v.symbols.iter().map(|s| s.name).collect();
            assert_eq!(names, vec![&b""[..], b"prog", b"LICENSE"]);
            assert_eq!(v.sections[v.symtab.unwrap()].info, 1, "first global");
            // The code section's relocations are gone, the data one points at LICENSE's new index.
            let text_rel = v
                .relocations
                .iter()
                .find(|r| v.section_name(r.target) == "xdp")
                .unwrap();
            assert!(text_rel.is_empty());
            let data_rel = v
                .relocations
                .iter()
                .find(|r| v.section_name(r.target) == ".data")
                .unwrap();
            assert_eq!(data_rel.entry(0).symbol, 2);
            assert_eq!(data_rel.entsize, entsize);
            assert_eq!(
                addrsig(&v),
                vec![1, 2],
                "ktime dropped, LICENSE {license} -> 2"
            );
            // IDs in the instructions, in the object's byte order.
            let code = v.section_data(1);
            let ids: Vec<(u8, i32)> = code
                .chunks(8)
                .take(3)
                .map(|c| {
                    let i = Insn::decode(e, c);
                    (i.src, i.imm)
                })
                .collect();
            assert_eq!(ids, vec![(0, 1), (0, 5), (0, 1)]);
            // Freed tails are zero.
            let symtab = &v.sections[v.symtab.unwrap()];
            let tail_start = (symtab.offset + symtab.size) as usize;
            assert!(obj[tail_start..tail_start + 48].iter().all(|&b| b == 0));
        }
    }
}

#[test]
fn em_none_objects_bind() {
    let (mut obj, _) = object(Endian::Little, 16);
    obj[18] = 0;
    obj[19] = 0;
    let report = bind(
        &mut obj,
        &Platform::builtin(PlatformKind::Windows),
        BindOptions::default(),
    )
    .unwrap();
    let ids: Vec<u32> = report.bound().map(|b| b.id).collect();
    assert_eq!(ids, vec![1, 9, 1]);
}

fn printk_object(regs: &[u8]) -> Vec<u8> {
    let e = Endian::Little;
    let mut b = ObjectBuilder::new(e);
    let mut code: Vec<[u8; 8]> = regs.iter().map(|&r| mov(e, r)).collect();
    code.push(call(e));
    code.push(EXIT);
    let at = (code.len() - 2) as u64 * 8;
    let text = b.code_section("xdp", &code);
    let s = b.undefined("bpf_trace_printk");
    b.reloc(text, at, s, R_BPF_64_32);
    b.build()
}

#[test]
fn windows_printk_binds_by_argument_count_or_refuses() {
    let windows = Platform::builtin(PlatformKind::Windows);
    for (regs, id) in [
        (&[1u8, 2][..], 12),
        (&[1, 2, 3], 13),
        (&[2, 1, 3, 4], 14),
        (&[1, 2, 3, 4, 5], 15),
    ] {
        let mut obj = printk_object(regs);
        let r = bind(&mut obj, &windows, BindOptions::default()).unwrap();
        let first = r.bound().next().unwrap();
        assert_eq!(first.id, id, "{regs:?}");
        assert_eq!(&*first.canonical, format!("bpf_trace_printk{}", id - 10));
    }
    for regs in [&[1u8][..], &[1, 2, 4], &[2, 3]] {
        let mut obj = printk_object(regs);
        let before = obj.clone();
        let err = bind(
            &mut obj,
            &windows,
            BindOptions {
                allow_unresolved: true,
            },
        )
        .unwrap_err();
        let BindFailure::Bind(e) = err else {
            panic!("{err}")
        };
        assert!(
            matches!(e.problems[0], BindProblem::UnknownArity { .. }),
            "{regs:?}"
        );
        assert_eq!(obj, before);
    }
    // Linux: one variadic helper whatever the count.
    let mut obj = printk_object(&[1, 2, 4]);
    let r = bind(
        &mut obj,
        &Platform::builtin(PlatformKind::Linux),
        BindOptions::default(),
    )
    .unwrap();
    assert_eq!(r.bound().next().unwrap().id, 6);
}

#[test]
fn uleb_helper_round_trips() {
    let mut v = Vec::new();
    uleb128(&mut v, 300);
    assert_eq!(v, vec![0xac, 0x02]);
}
