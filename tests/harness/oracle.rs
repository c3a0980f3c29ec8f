//! Assertions that use the kernel as the judge: load an object, check its BTF survived,
//! run two loads side by side and compare everything observable.

use std::path::Path;

use crate::kernel::{self, PinDir};
use crate::{packets, scratch_dir};

/// Whether the kernel part of `test` cannot run here; if so, prints why, so the skip shows.
pub fn kernel_unavailable(test: &str) -> bool {
    match kernel::unavailable_reason() {
        Some(reason) => {
            eprintln!("{test}: SKIPPING the kernel part: {reason}");
            true
        }
        None => false,
    }
}

/// Loads every program of `object` into a fresh [`PinDir`]; panics with bpftool's output.
pub fn load(object: &Path) -> PinDir {
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
pub fn assert_btf_kept(pins: &PinDir, label: &str) {
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
pub fn assert_same_behaviour(early: &PinDir, bound: &PinDir, label: &str) -> usize {
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
pub fn sorted_dump(pinned: &Path) -> Vec<String> {
    let dump = kernel::dump_map(pinned).unwrap_or_else(|e| panic!("{e}"));
    let mut entries: Vec<String> = dump
        .as_array()
        .map(|entries| entries.iter().map(|e| e.to_string()).collect())
        .unwrap_or_else(|| vec![dump.to_string()]);
    entries.sort();
    entries
}
