//! unbind on synthetic objects whose layout clang does not produce: a separate
//! `.shstrtab`, padded relocation entries, `.llvm_addrsig`, big-endian.

use helper_bind::elf::{ElfView, Endian, R_BPF_64_32, R_BPF_64_64, SHT_REL};
use helper_bind::insn::Insn;
use helper_bind::platform::{Platform, PlatformKind};
use helper_bind::synth::{ObjectBuilder, GLOBAL_FUNC};
use helper_bind::unbind::{self, UnbindOptions};

fn insn(e: Endian, code: u8, src: u8, imm: i32) -> [u8; 8] {
    Insn {
        code,
        dst: 0,
        src,
        off: 0,
        imm,
    }
    .encode(e)
}

#[test]
fn padded_rel_entries_separate_shstrtab_and_addrsig_are_kept_consistent() {
    let linux = Platform::builtin(PlatformKind::Linux);
    for e in [Endian::Little, Endian::Big] {
        let mut b = ObjectBuilder::new(e);
        b.rel_entsize = 24;
        // xdp: ld_imm64 map (relocated), call 1, call 5; tc: call 5 only.
        let ld = insn(e, 0x18, 1, 0);
        let xdp = b.code_section(
            "xdp",
            &[
                ld,
                [0; 8],
                insn(e, 0x85, 0, 1),
                insn(e, 0x85, 0, 5),
                insn(e, 0x95, 0, 0),
            ],
        );
        let tc = b.code_section("tc", &[insn(e, 0x85, 0, 5), insn(e, 0x95, 0, 0)]);
        let maps = b.section(".maps", 1, 0x3, vec![0; 32]);
        let prog = b.symbol("prog", GLOBAL_FUNC, xdp as u16, 0, 40);
        let map = b.symbol("m", 0x11, maps as u16, 0, 32);
        b.reloc(xdp, 0, map, R_BPF_64_64);
        b.addrsig(vec![prog as u32, map as u32]);
        let input = b.build();
        let before = ElfView::parse(&input).unwrap();
        assert_ne!(
            before.shstrndx,
            before.sections[before.symtab.unwrap()].link as usize,
            "builder should give a separate .shstrtab"
        );

        let out = unbind::unbind(&input, &linux, &UnbindOptions::default()).unwrap();
        assert_eq!(out.calls.len(), 3);
        assert_eq!(out.rel_sections_added, 1);
        assert_eq!(out.symbols_added, 2);
        let view = ElfView::parse(&out.bytes).expect("output parses");

        // xdp's relocation section keeps its 24-byte entries, sorted by offset.
        let rel_xdp = view.relocations_for(xdp).next().unwrap();
        assert_eq!(rel_xdp.entsize, 24);
        let rows: Vec<(u64, u32, &[u8])> = rel_xdp
            .entries()
            .map(|r| (r.offset, r.kind, view.symbols[r.symbol as usize].name))
            .collect();
        assert_eq!(
            rows,
            vec![
                (0, R_BPF_64_64, &b"m"[..]),
                (16, R_BPF_64_32, &b"bpf_map_lookup_elem"[..]),
                (24, R_BPF_64_32, &b"bpf_ktime_get_ns"[..]),
            ]
        );
        // tc got a new .reltc, named through .shstrtab, both calls share one symbol.
        let rel_tc = view.relocations_for(tc).next().unwrap();
        let s = &view.sections[rel_tc.section];
        assert_eq!(
            (s.name, s.sh_type, s.flags),
            (&b".reltc"[..], SHT_REL, 0x40)
        );
        assert_eq!(s.link as usize, view.symtab.unwrap());
        assert_eq!(rel_tc.entry(0).symbol, rel_xdp.entry(2).symbol);
        // Calls are `call -1`, src_reg 1 now.
        for (section, at) in [(xdp, 16), (xdp, 24), (tc, 0)] {
            let code = view.section_data(section);
            let i = Insn::decode(e, &code[at..]);
            assert_eq!((i.code, i.src, i.imm), (0x85, 1, -1));
        }
        // Old sections keep their index, name and (if not grown) their bytes.
        for old in &before.sections {
            let new = &view.sections[old.index];
            assert_eq!(old.name, new.name);
            if old.sh_type == 0x6fff_4c03 {
                assert_eq!(before.section_data(old.index), view.section_data(new.index));
            }
        }
        // Symbol indices the addrsig lists still name the same symbols.
        for (i, sym) in before.symbols.iter().enumerate() {
            assert_eq!(sym.name, view.symbols[i].name);
            assert_eq!(sym.shndx, view.symbols[i].shndx);
        }
    }
}

#[test]
fn object_without_sections_is_a_no_op() {
    // An ELF header with no section header table: nothing to unbind.
    let mut b = ObjectBuilder::new(Endian::Little);
    b.code_section("xdp", &[insn(Endian::Little, 0x95, 0, 0)]);
    let mut obj = b.build();
    obj[0x28..0x30].fill(0); // e_shoff = 0
    let out = unbind::unbind(
        &obj,
        &Platform::builtin(PlatformKind::Linux),
        &UnbindOptions::default(),
    )
    .unwrap();
    assert_eq!(out.bytes, obj);
    assert!(out.calls.is_empty());
}

/// Many code sections, each with its own relocation section to extend: every
/// old copy is zeroed and every new one is complete. (The first version
/// checked overlaps pairwise and took minutes on an object like this.)
#[test]
fn thousands_of_sections_are_all_extended_and_old_copies_zeroed() {
    let e = Endian::Little;
    let n = 3000;
    let mut b = ObjectBuilder::new(e);
    let maps = b.section(".maps", 1, 0x3, vec![0; 32]);
    let map = b.symbol("m", 0x11, maps as u16, 0, 32);
    let mut code = Vec::new();
    for i in 0..n {
        let s = b.code_section(
            &format!("xdp/p{i}"),
            &[
                insn(e, 0x18, 1, 0),
                [0; 8],
                insn(e, 0x85, 0, 5),
                insn(e, 0x95, 0, 0),
            ],
        );
        b.reloc(s, 0, map, R_BPF_64_64);
        code.push(s);
    }
    let input = b.build();
    let before = ElfView::parse(&input).unwrap();
    let out = unbind::unbind(
        &input,
        &Platform::builtin(PlatformKind::Linux),
        &UnbindOptions::default(),
    )
    .unwrap();
    assert_eq!(out.calls.len(), n);
    let view = ElfView::parse(&out.bytes).unwrap();
    for s in code {
        let rel = view.relocations_for(s).next().unwrap();
        assert_eq!(rel.len(), 2);
        assert_eq!(rel.entry(1).offset, 16);
        let old = &before.sections[rel.section];
        assert!(
            out.bytes[old.file_range()].iter().all(|&b| b == 0),
            "old copy of section {} not zeroed",
            rel.section
        );
    }
}

/// Extended section numbering (e_shnum 0, the count in section 0's sh_size)
/// stays extended, with the new count.
#[test]
fn extended_section_numbering_is_kept_with_the_new_count() {
    let e = Endian::Big;
    let mut b = ObjectBuilder::new(e);
    b.code_section("xdp", &[insn(e, 0x85, 0, 5), insn(e, 0x95, 0, 0)]);
    let mut obj = b.build();
    let view = ElfView::parse(&obj).unwrap();
    let count = view.sections.len();
    let s0 = view.shoff as usize;
    drop(view);
    obj[0x3c..0x3e].fill(0); // e_shnum = 0
    obj[s0 + 32..s0 + 40].copy_from_slice(&(count as u64).to_be_bytes());
    assert_eq!(ElfView::parse(&obj).unwrap().sections.len(), count);

    let out = unbind::unbind(
        &obj,
        &Platform::builtin(PlatformKind::Linux),
        &UnbindOptions::default(),
    )
    .unwrap();
    assert_eq!(out.rel_sections_added, 1);
    let view = ElfView::parse(&out.bytes).unwrap();
    assert_eq!(view.sections.len(), count + 1);
    assert_eq!(&out.bytes[0x3c..0x3e], &[0, 0]);
    assert_eq!(view.relocations.len(), 1);
}
