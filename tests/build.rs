//! Generates `$OUT_DIR/bpf_helper_defs.h` with the `bpf_doc_gen` library API, as a downstream
//! crate's build script would: the `BPF_HELPER` form of the newest kernel bpf.h in the oracles
//! (scripts/setup-test-env), else the system's /usr/include/linux/bpf.h.
//! `tests/build_api.rs` compiles a C program against it.
//!
//! A failure does not stop this crate from building (every other end-to-end test lives here);
//! it is handed to the test through `BPF_DOC_GEN_BUILD_ERROR`, which then fails with it.

use std::path::PathBuf;

use bpf_doc_gen::{generate_file, Format, Options};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=HELPER_BIND_ORACLES");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap());
    let oracles = std::env::var_os("HELPER_BIND_ORACLES")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../target/oracles"));
    let candidates = [
        oracles.join("linux-unstable/bpf.h"),
        PathBuf::from("/usr/include/linux/bpf.h"),
    ];
    // Only existing paths: Cargo reruns a build script on every build while a watched path is
    // missing.
    for c in candidates.iter().filter(|c| c.is_file()) {
        println!("cargo:rerun-if-changed={}", c.display());
    }
    let Some(bpf_h) = candidates.iter().find(|p| p.is_file()) else {
        report("no bpf.h: run scripts/setup-test-env (or install linux-libc-dev)");
        return;
    };
    let header = out_dir.join("bpf_helper_defs.h");
    let opts = Options {
        format: Format::BpfHelper,
        ..Options::default()
    };
    match generate_file(bpf_h, &header, &opts) {
        Ok(()) => {
            println!(
                "cargo:rustc-env=BPF_DOC_GEN_INCLUDE_DIR={}",
                out_dir.display()
            );
            println!("cargo:rustc-env=BPF_DOC_GEN_SOURCE={}", bpf_h.display());
        }
        Err(e) => report(&e.to_string()),
    }
}

fn report(msg: &str) {
    println!("cargo:warning=bpf-doc-gen: {msg}");
    println!(
        "cargo:rustc-env=BPF_DOC_GEN_BUILD_ERROR={}",
        msg.replace('\n', " ")
    );
}
