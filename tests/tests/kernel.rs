//! The real kernel as the judge: bound Linux objects load through libbpf and the verifier
//! (`bpftool prog loadall`) with their BTF kept, and every program returns the same values,
//! leaves the same packet and the same map contents as the early-bound build of the same
//! source. `bpftool gen object` links bound objects, and binding a linked late-bound object
//! works.
//!
//! When bpf() is refused here (not root, no bpffs), each test prints why and skips the
//! kernel part; nothing is faked.

use std::path::{Path, PathBuf};

use integration_tests::compile::{
    compile, extra_program, programs, Binding, Endian, Platform, Program,
};
use integration_tests::differential::bound_matches;
use integration_tests::elf_view::ElfView;
use integration_tests::kernel::{self, PinDir};
use integration_tests::{packets, scratch_dir, tool};

/// `Some(reason)` when the kernel part cannot run; printed so the skip is visible.
fn kernel_unavailable(test: &str) -> bool {
    match kernel::unavailable_reason() {
        Some(reason) => {
            eprintln!("{test}: SKIPPING the kernel part: {reason}");
            true
        }
        None => false,
    }
}

/// Compiles `program` little-endian (the host's byte order) into `dir/<binding>/<name>.o`.
/// Both builds get the same file name, because libbpf derives the names of the internal
/// maps (`.rodata`) from it and the map dumps are compared by name.
fn build(program: &Program, binding: Binding, dir: &Path) -> PathBuf {
    let sub = dir.join(format!("{binding:?}").to_lowercase());
    std::fs::create_dir_all(&sub).unwrap();
    let compiled = compile(program, Endian::Little, binding, &sub);
    let named = sub.join(format!("{}.o", program.name));
    std::fs::rename(&compiled, &named).unwrap();
    named
}

/// Binds `late` into `dir/bound/<file name>`.
fn bind_linux(late: &Path, dir: &Path, extra: &[&str]) -> PathBuf {
    let sub = dir.join("bound");
    std::fs::create_dir_all(&sub).unwrap();
    let out = sub.join(late.file_name().unwrap());
    let mut args: Vec<&std::ffi::OsStr> = vec!["--platform".as_ref(), "linux".as_ref()];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    args.extend(["-o".as_ref(), out.as_os_str(), late.as_os_str()]);
    tool::run_ok(args);
    out
}

fn load(object: &Path) -> PinDir {
    let pins = PinDir::new();
    if let Err(e) = kernel::load_all(object, &pins) {
        panic!("{} does not load:\n{e}", object.display());
    }
    assert!(
        !pins.programs().is_empty(),
        "{}: no programs pinned",
        object.display()
    );
    pins
}

/// Asserts that every pinned program carries BTF (libbpf did not drop it).
fn assert_btf_kept(pins: &PinDir, label: &str) {
    for name in pins.programs() {
        let info = kernel::program_info(&pins.programs_dir().join(&name)).unwrap();
        assert!(
            info["btf_id"].as_u64().is_some_and(|id| id > 0),
            "{label}: program {name} loaded without BTF: {info}"
        );
    }
}

/// Runs every program of both loads on the same inputs in the same order and asserts equal
/// results, then equal map contents. Returns how many distinct results the runs gave.
fn assert_same_behaviour(early: &PinDir, bound: &PinDir, label: &str) -> usize {
    let scratch = scratch_dir();
    assert_eq!(
        early.programs(),
        bound.programs(),
        "{label}: programs differ"
    );
    assert_eq!(early.maps(), bound.maps(), "{label}: maps differ");
    let mut runs = 0;
    let mut distinct = std::collections::BTreeSet::new();
    for name in early.programs() {
        let early_prog = early.programs_dir().join(&name);
        let bound_prog = bound.programs_dir().join(&name);
        let early_info = kernel::program_info(&early_prog).unwrap();
        let bound_info = kernel::program_info(&bound_prog).unwrap();
        assert_eq!(
            early_info["type"], bound_info["type"],
            "{label}/{name}: type"
        );

        if early_info["type"] == "syscall" {
            // struct syscall_args { __u32 slot; __u32 amount; } of multi.c
            for (slot, amount) in [(4u32, 7u32), (13, 1), (4, 100)] {
                let mut ctx = slot.to_ne_bytes().to_vec();
                ctx.extend_from_slice(&amount.to_ne_bytes());
                let a = kernel::run_syscall(&early_prog, &ctx).unwrap();
                let b = kernel::run_syscall(&bound_prog, &ctx).unwrap();
                assert_eq!(a, b, "{label}/{name}: syscall run with {ctx:?}");
                distinct.insert((name.clone(), a.0, a.1));
                runs += 1;
            }
            continue;
        }
        for packet in packets::all() {
            let a = kernel::run_packet(&early_prog, &packet.bytes, scratch.path())
                .unwrap_or_else(|e| panic!("{label}/{name} early, {}: {e}", packet.name));
            let b = kernel::run_packet(&bound_prog, &packet.bytes, scratch.path())
                .unwrap_or_else(|e| panic!("{label}/{name} bound, {}: {e}", packet.name));
            assert_eq!(a, b, "{label}/{name}: run on {}", packet.name);
            distinct.insert((name.clone(), a.retval, a.data_out));
            runs += 1;
        }
    }
    assert!(runs > 0, "{label}: nothing ran");
    for map in early.maps() {
        let a = sorted_dump(&early.maps_dir().join(&map));
        let b = sorted_dump(&bound.maps_dir().join(&map));
        assert_eq!(a, b, "{label}: map {map} differs after the runs");
    }
    distinct.len()
}

/// A map dump with entries sorted, since two hash maps with the same contents may iterate
/// in different orders.
fn sorted_dump(pinned: &Path) -> Vec<String> {
    let dump = kernel::dump_map(pinned).unwrap_or_else(|e| panic!("{e}"));
    let mut entries: Vec<String> = dump
        .as_array()
        .map(|entries| entries.iter().map(|e| e.to_string()).collect())
        .unwrap_or_else(|| vec![dump.to_string()]);
    entries.sort();
    entries
}

/// The heart of the proof: load, BTF, behaviour and maps, for every Linux program.
#[test]
fn bound_objects_load_keep_btf_and_behave_like_early_builds() {
    if kernel_unavailable("bound_objects_load_keep_btf_and_behave_like_early_builds") {
        return;
    }
    for program in programs(Platform::Linux) {
        let dir = scratch_dir();
        let early = build(&program, Binding::Early, dir.path());
        let late = build(&program, Binding::Late, dir.path());
        let bound = bind_linux(&late, dir.path(), &[]);

        let early_pins = load(&early);
        let bound_pins = load(&bound);
        assert_btf_kept(&early_pins, &format!("{program} early"));
        assert_btf_kept(&bound_pins, &format!("{program} bound"));
        assert_same_behaviour(&early_pins, &bound_pins, &program.to_string());
    }
}

/// Guards the comparison above: two loads of the same early build give identical results
/// (the programs are deterministic), and results depend on the input packet (a program
/// returning a constant would prove nothing).
#[test]
fn early_builds_are_deterministic_and_input_dependent() {
    if kernel_unavailable("early_builds_are_deterministic_and_input_dependent") {
        return;
    }
    for program in programs(Platform::Linux) {
        let dir = scratch_dir();
        let early = build(&program, Binding::Early, dir.path());
        let first = load(&early);
        let second = load(&early);
        let distinct = assert_same_behaviour(&first, &second, &format!("{program} twice"));
        assert!(
            distinct > 1,
            "{program}: every run gave the same result; the comparison would prove nothing"
        );
    }
}

/// Why binding is needed at all: libbpf refuses the late-bound object as compiled, because
/// its helper symbols are undefined externs with BTF.
#[test]
fn unbound_late_object_does_not_load() {
    if kernel_unavailable("unbound_late_object_does_not_load") {
        return;
    }
    let dir = scratch_dir();
    let program = extra_program("linux/maps.c", Platform::Linux);
    let late = build(&program, Binding::Late, dir.path());
    let pins = PinDir::new();
    let result = kernel::load_all(&late, &pins);
    assert!(
        result.is_err(),
        "the late-bound object loaded without binding"
    );
}

/// Two objects where one calls a global function of the other. Bound separately (the
/// caller with --allow-unresolved), `bpftool gen object` links them and the result loads and
/// behaves like the linked early build.
#[test]
fn bpftool_links_bound_objects() {
    if kernel_unavailable("bpftool_links_bound_objects") {
        return;
    }
    let dir = scratch_dir();
    let a = extra_program("link/part_a.c", Platform::Linux);
    let b = extra_program("link/part_b.c", Platform::Linux);

    let early_linked = dir.path().join("early-link").join("linked.o");
    std::fs::create_dir_all(early_linked.parent().unwrap()).unwrap();
    link(
        &early_linked,
        &[
            &build(&a, Binding::Early, dir.path()),
            &build(&b, Binding::Early, dir.path()),
        ],
    );

    let late_a = build(&a, Binding::Late, dir.path());
    let late_b = build(&b, Binding::Late, dir.path());
    let bound_a = bind_linux(&late_a, dir.path(), &[]);
    let bound_b = bind_linux(&late_b, dir.path(), &["--allow-unresolved"]);
    let bound_linked = dir.path().join("bound-link").join("linked.o");
    std::fs::create_dir_all(bound_linked.parent().unwrap()).unwrap();
    link(&bound_linked, &[&bound_a, &bound_b]);

    let early_view = ElfView::read(&early_linked);
    let bound_view = ElfView::read(&bound_linked);
    for section in early_view.code_sections() {
        assert_eq!(
            section.data,
            bound_view.section(&section.name).data,
            "linked {}: code differs from the linked early build",
            section.name
        );
    }
    let early_pins = load(&early_linked);
    let bound_pins = load(&bound_linked);
    assert_btf_kept(&bound_pins, "linked bound objects");
    assert_same_behaviour(&early_pins, &bound_pins, "linked bound objects");
}

/// The other order: link the late-bound objects first (the linker resolves the cross-object
/// call and keeps the helper externs), then bind the linked object.
#[test]
fn binding_a_linked_late_object_works() {
    if kernel_unavailable("binding_a_linked_late_object_works") {
        return;
    }
    let dir = scratch_dir();
    let a = extra_program("link/part_a.c", Platform::Linux);
    let b = extra_program("link/part_b.c", Platform::Linux);

    let early_linked = dir.path().join("early").join("linked.o");
    std::fs::create_dir_all(early_linked.parent().unwrap()).unwrap();
    link(
        &early_linked,
        &[
            &build(&a, Binding::Early, dir.path()),
            &build(&b, Binding::Early, dir.path()),
        ],
    );
    let late_linked = dir.path().join("late").join("linked.o");
    std::fs::create_dir_all(late_linked.parent().unwrap()).unwrap();
    link(
        &late_linked,
        &[
            &build(&a, Binding::Late, dir.path()),
            &build(&b, Binding::Late, dir.path()),
        ],
    );
    let bound_linked = bind_linux(&late_linked, dir.path(), &[]);

    let problems = bound_matches(
        &ElfView::read(&early_linked),
        &ElfView::read(&late_linked),
        &ElfView::read(&bound_linked),
    );
    assert!(problems.is_empty(), "linked then bound:\n{problems}");

    let early_pins = load(&early_linked);
    let bound_pins = load(&bound_linked);
    assert_btf_kept(&bound_pins, "linked then bound");
    assert_same_behaviour(&early_pins, &bound_pins, "linked then bound");
}

/// `bpftool gen object OUT IN...`.
fn link(out: &Path, inputs: &[&Path]) {
    let mut args: Vec<&std::ffi::OsStr> = vec!["gen".as_ref(), "object".as_ref(), out.as_os_str()];
    args.extend(inputs.iter().map(|p| p.as_os_str()));
    if let Err(e) = kernel::bpftool(args) {
        panic!("linking {inputs:?} failed:\n{e}");
    }
}
