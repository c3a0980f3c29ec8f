//! The differential checks must be able to fail: each one is shown a damaged object and
//! must report it. (A check that passes on anything would make the suites prove nothing.)

use integration_tests::btf::{self, Btf};
use integration_tests::compile::{compile, programs, Binding, Endian, Platform};
use integration_tests::differential::{
    bound_helpers, bound_matches, late_matches_early, ExpectedId, HeaderIds,
};
use integration_tests::elf_view::ElfView;
use integration_tests::{scratch_dir, tool};

struct Views {
    early: ElfView,
    late: ElfView,
    bound: ElfView,
}

fn views(name: &str, endian: Endian) -> Views {
    let dir = scratch_dir();
    let program = programs(Platform::Linux)
        .into_iter()
        .find(|p| p.name == name)
        .unwrap();
    let early = compile(&program, endian, Binding::Early, dir.path());
    let late = compile(&program, endian, Binding::Late, dir.path());
    let bound = dir.path().join("bound.o");
    tool::bind("linux", &late, &bound);
    Views {
        early: ElfView::read(&early),
        late: ElfView::read(&late),
        bound: ElfView::read(&bound),
    }
}

#[test]
fn undamaged_objects_pass() {
    for endian in Endian::BOTH {
        let v = views("printk", endian);
        assert_eq!(bound_matches(&v.early, &v.late, &v.bound), "");
    }
}

#[test]
fn an_unbound_object_is_reported() {
    let v = views("maps", Endian::Little);
    let problems = bound_matches(&v.early, &v.late, &v.late);
    assert!(problems.contains("code differs"), "{problems}");
}

#[test]
fn a_wrong_helper_id_is_reported() {
    for endian in Endian::BOTH {
        let mut v = views("maps", endian);
        let call = v
            .bound
            .calls()
            .into_iter()
            .find(|c| c.src_reg == 0)
            .unwrap();
        let section = v
            .bound
            .sections
            .iter_mut()
            .find(|s| s.name == call.section)
            .unwrap();
        // The imm's low byte: last byte big-endian, first little-endian.
        let at = call.index * 8 + if endian == Endian::Big { 7 } else { 4 };
        section.data[at] ^= 0x40;
        let problems = bound_matches(&v.early, &v.late, &v.bound);
        assert!(problems.contains("code differs"), "{endian:?}: {problems}");
    }
}

#[test]
fn a_helper_left_extern_in_btf_is_reported() {
    for endian in Endian::BOTH {
        let mut v = views("maps", endian);
        let helpers = bound_helpers(&v.late, &v.bound);
        let btf_section = v
            .bound
            .sections
            .iter_mut()
            .find(|s| s.name == ".BTF")
            .unwrap();
        let parsed = Btf::parse(&btf_section.data, endian == Endian::Big).unwrap();
        let helper = helpers.iter().next().unwrap();
        let func = parsed.func(helper).unwrap();
        // info = kind << 24 | vlen, after name_off; the linkage is vlen's low byte.
        let at = func.offset + if endian == Endian::Big { 7 } else { 4 };
        btf_section.data[at] = btf::linkage::EXTERN as u8;
        let problems = bound_matches(&v.early, &v.late, &v.bound);
        assert!(problems.contains("not static"), "{endian:?}: {problems}");
    }
}

#[test]
fn a_changed_data_section_is_reported() {
    let mut v = views("maps", Endian::Little);
    let license = v
        .bound
        .sections
        .iter_mut()
        .find(|s| s.name == "license")
        .unwrap();
    license.data[0] ^= 1;
    let problems = bound_matches(&v.early, &v.late, &v.bound);
    assert!(problems.contains("license: contents changed"), "{problems}");
}

#[test]
fn a_leftover_helper_symbol_is_reported() {
    let mut v = views("maps", Endian::Little);
    let helper = v
        .late
        .symbols
        .iter()
        .find(|s| s.undefined && s.name == "bpf_map_lookup_elem")
        .unwrap()
        .clone();
    v.bound.symbols.push(helper);
    let problems = bound_matches(&v.early, &v.late, &v.bound);
    assert!(problems.contains("undefined symbols left"), "{problems}");
}

struct RejectAll;

impl ExpectedId for RejectAll {
    fn accepts(&self, _: &str, _: i32) -> bool {
        false
    }
}

#[test]
fn late_build_check_rejects_wrong_ids() {
    let v = views("maps", Endian::Little);
    assert_eq!(
        late_matches_early(&v.early, &v.late, &HeaderIds::read(Platform::Linux)),
        ""
    );
    let problems = late_matches_early(&v.early, &v.late, &RejectAll);
    assert!(problems.contains("late build calls"), "{problems}");
}

/// An `.llvm_addrsig` entry past the end of `.symtab` (seen in real third-party objects) is
/// recorded, not a parse failure, so such objects can still be compared.
#[test]
fn an_invalid_addrsig_entry_is_recorded() {
    let dir = scratch_dir();
    let maps = programs(Platform::Linux)
        .into_iter()
        .find(|p| p.name == "maps")
        .unwrap();
    let path = compile(&maps, Endian::Little, Binding::Late, dir.path());
    let mut bytes = std::fs::read(&path).unwrap();
    let view = ElfView::parse(&bytes).unwrap();
    let addrsig = view
        .sections
        .iter()
        .find(|s| s.sh_type == integration_tests::elf_view::SHT_LLVM_ADDRSIG)
        .expect("clang writes .llvm_addrsig");
    assert!(addrsig.size > 0, "no entries to damage");
    bytes[addrsig.offset as usize] = 0x7f; // one-byte ULEB128: symbol 127, past .symtab
    let view = ElfView::parse(&bytes).expect("still parses");
    assert!(
        view.addrsig
            .contains(&"<invalid symbol index 127>".to_string()),
        "{:?}",
        view.addrsig
    );
}
