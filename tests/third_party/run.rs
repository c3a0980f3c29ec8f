//! Running helper-bind, bpf-doc-gen and the third-party judges (llvm-readelf, bpftool).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use integration_tests::{kernel, tool, workspace_root};
use serde_json::Value;

use super::objects::sorted_entries;

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr)
        .trim_end()
        .to_string()
}

/// helper-bind's exit status; a panic (101) or a signal is always a finding.
pub fn exit_code(output: &Output) -> Result<i32, String> {
    match output.status.code() {
        Some(101) => Err(format!("panicked: {}", stderr(output))),
        Some(c) => Ok(c),
        None => Err(format!("killed by a signal: {}", output.status)),
    }
}

pub fn run_tool(program: &str, args: &[&std::ffi::OsStr]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {program} (scripts/setup-test-env installs it): {e}")
        })
}

/// Whether the object calls externs that are no helper (they need `--allow-unresolved`).
pub fn calls_externs(path: &Path) -> Result<bool, String> {
    Ok(listed_calls(path)?
        .values()
        .any(|(kind, _)| kind == "extern"))
}

/// `helper-bind unbind --from linux -o OUT IN`, then `helper-bind --platform linux -o BACK OUT`
/// (with `--allow-unresolved` when IN itself calls externs that are no helper, such as cilium's
/// forward-declared function in fwd_decl: a later link resolves those).
pub fn round_trip(input: &Path, unbound: &Path, back: &Path) -> Result<(), String> {
    let calls_externs = calls_externs(input)?;
    let out = tool::run([
        "unbind".as_ref(),
        "--from".as_ref(),
        "linux".as_ref(),
        "-o".as_ref(),
        unbound.as_os_str(),
        input.as_os_str(),
    ]);
    if exit_code(&out)? != 0 {
        return Err(format!("unbind --from linux failed: {}", stderr(&out)));
    }
    let mut args = vec![
        "--platform".as_ref(),
        "linux".as_ref(),
        "-o".as_ref(),
        back.as_os_str(),
        unbound.as_os_str(),
    ];
    if calls_externs {
        args.push("--allow-unresolved".as_ref());
    }
    let out = tool::run(args);
    if exit_code(&out)? != 0 {
        return Err(format!(
            "--platform linux of the unbound object failed: {}",
            stderr(&out)
        ));
    }
    Ok(())
}

/// `helper-bind --from FROM --platform TO -o OUT IN`.
pub fn rebind(from: &str, to: &str, input: &Path, out: &Path) -> Output {
    tool::run([
        "--from".as_ref(),
        from.as_ref(),
        "--platform".as_ref(),
        to.as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
        input.as_os_str(),
    ])
}

/// `helper-bind list --json` rows: (section, insn) -> (kind, id).
pub type ListedCalls = BTreeMap<(String, u64), (String, Option<i64>)>;

pub fn listed_calls(path: &Path) -> Result<ListedCalls, String> {
    let out = tool::run(["list".as_ref(), "--json".as_ref(), path.as_os_str()]);
    if exit_code(&out)? != 0 {
        return Err(format!("list --json failed: {}", stderr(&out)));
    }
    let rows: Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("list --json is not JSON: {e}"))?;
    let rows = rows.as_array().ok_or("list --json is not an array")?;
    let mut listed = BTreeMap::new();
    for row in rows {
        let section = row["section"].as_str().ok_or("row without section")?;
        let insn = row["insn"].as_u64().ok_or("row without insn")?;
        let kind = row["kind"].as_str().ok_or("row without kind")?;
        if listed
            .insert(
                (section.to_string(), insn),
                (kind.to_string(), row["id"].as_i64()),
            )
            .is_some()
        {
            return Err(format!("list --json lists {section}:{insn} twice"));
        }
    }
    Ok(listed)
}

/// `llvm-readelf-19 -a` warnings (its stderr).
pub fn readelf_warnings(path: &Path) -> String {
    stderr(&run_tool(
        "llvm-readelf-19",
        &["-a".as_ref(), path.as_os_str()],
    ))
}

/// `bpftool gen object OUT IN`: libbpf's static linker accepts the object, or why not.
pub fn libbpf_links(input: &Path, dir: &Path) -> Result<(), String> {
    let out = run_tool(
        kernel::BPFTOOL,
        &[
            "gen".as_ref(),
            "object".as_ref(),
            dir.join("linked.o").as_os_str(),
            input.as_os_str(),
        ],
    );
    if out.status.success() {
        Ok(())
    } else {
        let text = stderr(&out);
        Err(text
            .lines()
            .find(|l| l.starts_with("libbpf:"))
            .unwrap_or(&text)
            .to_string())
    }
}

/// The kernel oracles (`$HELPER_BIND_ORACLES`, default `<workspace>/target/oracles`).
pub fn oracles_dir() -> PathBuf {
    std::env::var_os("HELPER_BIND_ORACLES")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/oracles"))
}

/// Every real `bpf.h`: each kernel oracle's, `bpf-h/*.h` (scripts/fetch-old-bpf-h) and the system's.
pub fn oracle_headers() -> Vec<PathBuf> {
    let oracles = oracles_dir();
    let mut headers: Vec<PathBuf> = sorted_entries(&oracles)
        .into_iter()
        .map(|d| d.join("bpf.h"))
        .filter(|h| h.is_file())
        .collect();
    headers.extend(
        sorted_entries(&oracles.join("bpf-h"))
            .into_iter()
            .filter(|h| h.extension().is_some_and(|e| e == "h")),
    );
    // The system's own header (linux-libc-dev), bpf-doc-gen's default input.
    let system = PathBuf::from("/usr/include/linux/bpf.h");
    if system.is_file() {
        headers.push(system);
    }
    assert!(
        headers.len() >= 3,
        "kernel headers missing in {}: run scripts/setup-test-env",
        oracles.display()
    );
    headers
}

pub fn bpf_doc_gen_bin() -> PathBuf {
    // helper-bind and bpf-doc-gen are built into the same directory.
    let bin = tool::helper_bind_bin().with_file_name("bpf-doc-gen");
    if !bin.is_file() {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let target = bin
            .parent()
            .and_then(Path::parent)
            .expect("<target>/<profile>");
        let mut cmd = Command::new(cargo);
        cmd.current_dir(workspace_root())
            .args(["build", "-p", "bpf-doc-gen", "--bin", "bpf-doc-gen"])
            .env("CARGO_TARGET_DIR", target);
        if bin
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|n| n == "release")
        {
            cmd.arg("--release");
        }
        assert!(
            cmd.status().expect("cargo build").success(),
            "cargo build -p bpf-doc-gen failed"
        );
    }
    bin
}

/// The kernel's own generators among the oracles (`scripts/bpf_doc.py`, or
/// `scripts/bpf_helpers_doc.py` before Linux 5.11).
pub fn kernel_scripts() -> Vec<PathBuf> {
    sorted_entries(&oracles_dir())
        .into_iter()
        .flat_map(|d| [d.join("bpf_doc.py"), d.join("bpf_helpers_doc.py")])
        .filter(|s| s.is_file())
        .collect()
}

/// Whether `SCRIPT --header --filename BPF_H` succeeds.
pub fn kernel_script_accepts(script: &Path, bpf_h: &Path) -> bool {
    Command::new("python3")
        .arg(script)
        .args(["--header", "--filename"])
        .arg(bpf_h)
        .output()
        .is_ok_and(|o| o.status.success())
}
