//! Running the `helper-bind` binary, built from this workspace.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use crate::workspace_root;

/// The `helper-bind` binary: `$HELPER_BIND_BIN` if set, otherwise built (once per test
/// process) into the target directory this test binary runs from.
///
/// It is built rather than assumed because `cargo test -p integration-tests` rebuilds the
/// `helper_bind` library it depends on but not the binary, which could then be stale.
pub fn helper_bind_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("HELPER_BIND_BIN") {
            return PathBuf::from(bin);
        }
        // <target>/<profile>/deps/<test binary>
        let exe = std::env::current_exe().expect("path of the test binary");
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("test binary lives in <target>/<profile>/deps");
        let target_dir = profile_dir.parent().expect("profile dir has a parent");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.current_dir(workspace_root())
            .args(["build", "-p", "helper-bind", "--bin", "helper-bind"])
            .env("CARGO_TARGET_DIR", target_dir);
        if profile_dir.file_name().is_some_and(|n| n == "release") {
            cmd.arg("--release");
        }
        let status = cmd.status().expect("run cargo build for helper-bind");
        assert!(status.success(), "cargo build -p helper-bind failed");
        let bin = profile_dir.join("helper-bind");
        assert!(bin.is_file(), "{} was not built", bin.display());
        bin
    })
}

/// Runs `helper-bind ARGS...` and returns its output, whatever the exit status.
pub fn run<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(helper_bind_bin())
        .args(args)
        .output()
        .expect("run helper-bind")
}

/// Runs `helper-bind ARGS...`, panicking with its stderr unless it exits 0.
pub fn run_ok<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S> + Clone,
    S: AsRef<std::ffi::OsStr>,
{
    let output = run(args.clone());
    assert!(
        output.status.success(),
        "helper-bind {:?} failed with {}:\n{}",
        args.into_iter()
            .map(|a| a.as_ref().to_string_lossy().into_owned())
            .collect::<Vec<_>>(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// `helper-bind --platform PLATFORM -o OUT INPUT`, which must succeed.
pub fn bind(platform: &str, input: &Path, out: &Path) -> Output {
    run_ok([
        "--platform".as_ref(),
        platform.as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
        input.as_os_str(),
    ])
}
