//! Links GCC's unwinder statically (`libgcc_eh.a`, what `gcc -static-libgcc` does) where the
//! toolchain has it, so the `helper-bind` binary does not load `libgcc_s.so.1` at start-up.
//!
//! Why: a bind of a megabyte-sized object takes a few milliseconds, so start-up is a large part
//! of it, and loading `libgcc_s.so.1` cost 0.1 ms of every run on the benchmark machine (a VM):
//! its constructor `__cpu_indicator_init` executes `cpuid` about twenty times, and each one
//! traps to the hypervisor. Rust's standard library needs the library only for the unwinder
//! (`_Unwind_*`), which `libgcc_eh.a` provides; with it found first, the linker's `--as-needed`
//! (rustc's default) leaves `libgcc_s.so.1` out. Panics and backtraces unwind as before.
//!
//! Skipped, leaving rustc's default, for other targets, cross builds (`cc` would name the
//! build machine's archive), static builds (they link the archive already) and toolchains
//! without the archive (for example clang with compiler-rt).

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CC");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let static_crt = var("CARGO_CFG_TARGET_FEATURE")
        .split(',')
        .any(|f| f == "crt-static");
    let cross = var("HOST") != var("TARGET");
    if var("CARGO_CFG_TARGET_OS") != "linux"
        || var("CARGO_CFG_TARGET_ENV") != "gnu"
        || static_crt
        || cross
    {
        return;
    }
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let Ok(out) = Command::new(&cc)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
    else {
        return;
    };
    // Without the archive the compiler echoes the bare name back.
    let archive = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    if !out.status.success() || !archive.is_absolute() || !archive.is_file() {
        return;
    }
    let Some(dir) = archive.parent() else {
        return;
    };
    println!("cargo:rustc-link-search=native={}", dir.display());
    // `-bundle`: linked into the final binaries, not copied into the library's rlib.
    println!("cargo:rustc-link-lib=static:-bundle=gcc_eh");
}
