//! Shared by the oracle tests: where the kernel oracles live and how to run their scripts.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// `HELPER_BIND_ORACLES` or `<workspace>/target/oracles`.
pub fn oracles_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("HELPER_BIND_ORACLES") {
        return PathBuf::from(d);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/oracles")
}

/// The kernel tree oracle `label` (`linux-6.1`, `linux-6.12`, `linux-unstable`); panics with
/// a pointer to the setup script if it is missing.
pub fn kernel(label: &str) -> PathBuf {
    let d = oracles_dir().join(label);
    assert!(
        d.join("bpf_doc.py").is_file() && d.join("bpf.h").is_file(),
        "oracle {} missing: run scripts/setup-test-env first",
        d.display()
    );
    d
}

/// Extra real bpf.h files fetched by scripts/fetch-old-bpf-h (may be empty).
pub fn extra_bpf_h() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(oracles_dir().join("bpf-h"))
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "h"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Runs `python3 SCRIPT ARGS --filename BPF_H`; `Ok(stdout)` on success, `Err(stderr)` when the
/// script rejects the input.
pub fn run_script(script: &Path, bpf_h: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("python3")
        .arg(script)
        .args(args)
        .arg("--filename")
        .arg(bpf_h)
        .output()
        .expect("python3 runs (scripts/setup-test-env installs it)");
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// A 6.1-style bpf.h rewritten to the 6.2+ explicit mapper (`FN(name, id, ##ctx)` in
/// `___BPF_FUNC_MAPPER`), so that the newest script can serve as oracle for the newest style
/// of an old header. The IDs are the positions, which is what the old mapper means.
pub fn with_explicit_mapper(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8192);
    let mut in_mapper = false;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with("#define __BPF_FUNC_MAPPER(FN)") {
            out.push_str("#define ___BPF_FUNC_MAPPER(FN, ctx...)\t\\\n");
            in_mapper = true;
            continue;
        }
        if in_mapper {
            let t = line.trim_start();
            if let Some(rest) = t.strip_prefix("FN(") {
                let name = &rest[..rest.find(')').unwrap()];
                out.push_str(&format!("\tFN({name}, {pos}, ##ctx)\t\\\n"));
                pos += 1;
                continue;
            }
            in_mapper = false;
        }
        out.push_str(line);
    }
    out
}

/// A bpf.h from before Linux 5.12 (no `DOC: eBPF Syscall Commands` block) with an empty such
/// block added, which the kernel scripts require even for `--header`; the helper output is
/// unaffected. Other headers are returned unchanged.
pub fn with_syscall_marker(text: &str) -> String {
    if text.contains("* DOC: eBPF Syscall Commands") {
        return text.to_string();
    }
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    format!(
        "{}/**\n * DOC: eBPF Syscall Commands\n *\n */\n{}",
        &text[..first_line_end],
        &text[first_line_end..]
    )
}
