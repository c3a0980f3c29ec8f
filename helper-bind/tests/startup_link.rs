//! build.rs links GCC's unwinder statically so that the binary does not load libgcc_s.so.1
//! at every start (see build.rs for the measured reason). These tests check that it took
//! effect and that panics still unwind.

use object::elf::DT_NEEDED;
use object::read::elf::{Dyn, ElfFile64};
use std::process::Command;

/// Whether the C compiler build.rs asks has `libgcc_eh.a` (else build.rs leaves rustc's default).
fn toolchain_has_libgcc_eh() -> bool {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    Command::new(cc)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| std::path::PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .is_some_and(|p| p.is_absolute() && p.is_file())
}

fn needed_libraries(path: &str) -> Vec<String> {
    let data = std::fs::read(path).unwrap();
    let file = ElfFile64::<object::Endianness>::parse(&*data).unwrap();
    let endian = file.endian();
    let sections = file.elf_section_table();
    let Some((dynamic, link)) = sections.dynamic(endian, &*data).unwrap() else {
        return Vec::new(); // statically linked
    };
    let strings = sections.strings(endian, &*data, link).unwrap();
    dynamic
        .iter()
        .filter(|d| d.d_tag(endian) == DT_NEEDED)
        .map(|d| String::from_utf8_lossy(d.string(endian, strings).unwrap()).into_owned())
        .collect()
}

#[test]
fn the_binary_does_not_load_libgcc_s() {
    if !cfg!(all(target_os = "linux", target_env = "gnu")) || !toolchain_has_libgcc_eh() {
        eprintln!("skipped: no glibc target or no libgcc_eh.a, so build.rs keeps libgcc_s");
        return;
    }
    let needed = needed_libraries(env!("CARGO_BIN_EXE_helper-bind"));
    assert!(
        needed.iter().all(|n| !n.starts_with("libgcc_s")),
        "helper-bind still needs {needed:?}"
    );
    assert!(
        needed.iter().any(|n| n.starts_with("libc.so")),
        "{needed:?}"
    );
}

#[test]
fn panics_still_unwind() {
    // This test binary is linked the way the helper-bind binary is.
    let caught = std::panic::catch_unwind(|| {
        let v: Vec<u8> = Vec::new();
        v[std::hint::black_box(3)]
    });
    assert!(caught.is_err());
    let trace = std::backtrace::Backtrace::force_capture().to_string();
    assert!(trace.contains("panics_still_unwind"), "{trace}");
}
