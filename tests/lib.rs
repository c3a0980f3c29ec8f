//! Shared harness of the end-to-end tests.
//!
//! - [`compile`]: builds the BPF C programs under `tests/bpf/` with clang-19, early-bound (the
//!   project's generated `headers/<platform>/bpf_helper_defs.h` as is) or late-bound
//!   (`-DBPF_HELPER_LATE_BINDING`), for both byte orders.
//! - [`tool`]: runs the `helper-bind` binary.
//! - [`differential`]: the checks comparing early-bound, late-bound and bound objects.
//! - [`elf_view`]: a comparable view of an object (sections, symbols, relocations, calls).
//! - [`btf`]: a small reader of the `.BTF` type section, to check what binding changes there.
//! - [`kernel`]: bpftool wrappers, bpffs pins removed on drop, direct `BPF_PROG_TEST_RUN`.
//! - [`oracle`]: load, BTF-kept and same-behaviour assertions with the kernel as judge.
//! - [`packets`]: the test packets every program runs on.
//!
//! Environment:
//! - `HELPER_BIND_BIN`: the helper-bind binary to test (default: built from this workspace).
//! - `HELPER_BIND_TEST_HEADERS`: a directory with `linux/` and `windows/` header sets to use
//!   instead of the committed `headers/`.
//! - `HELPER_BIND_ORACLES`: the kernel oracles (default `<workspace>/target/oracles`).
//!
//! Tools (installed by `scripts/setup-test-env`): clang-19, bpftool. The kernel tests need
//! bpf() (root); when it is refused they print why and skip only their kernel part.
#![warn(missing_docs)]

use std::path::PathBuf;

#[path = "harness/btf.rs"]
pub mod btf;
#[path = "harness/compile.rs"]
pub mod compile;
#[path = "harness/differential.rs"]
pub mod differential;
#[path = "harness/elf_view.rs"]
pub mod elf_view;
#[path = "harness/kernel.rs"]
pub mod kernel;
#[path = "harness/oracle.rs"]
pub mod oracle;
#[path = "harness/packets.rs"]
pub mod packets;
#[path = "harness/tool.rs"]
pub mod tool;

/// The workspace root, computed from this crate's manifest directory (never from the target
/// directory, which engineers and CI place elsewhere).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent directory")
        .to_path_buf()
}

/// A fresh temporary directory for one test's objects. Objects never go into the repository.
pub fn scratch_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("helper-bind-test-")
        .tempdir()
        .expect("create a temporary directory")
}
