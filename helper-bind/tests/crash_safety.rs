//! Crash safety and determinism of writing.
//!
//! - SIGKILL at many points of a bind of a large object (spread over the whole run, and right
//!   after the output's temp file is opened, i.e. during the write): the output is either
//!   absent or complete and identical to a reference bind; the input is unchanged (in place:
//!   either the original or the complete bound object). The temp file has no name while it is
//!   written (`O_TMPFILE`), so a kill leaves nothing behind; only a kill in the instant between
//!   naming it and renaming it over the output could, and such a file must say it is one.
//! - Write failures: the output on a full filesystem (a 1 MiB tmpfs in a private mount
//!   namespace, root only: skipped with a message otherwise) and a file-size limit (RLIMIT_FSIZE
//!   with SIGXFSZ ignored, so write() fails with EFBIG): a non-zero exit with an error, no
//!   output, no temp file, input unchanged.
//! - Determinism: the same input and options give the same bytes, whatever the file name,
//!   directory or mode (-o or in place).

mod hostile_support;

use hostile_support::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_helper-bind");
/// The large object: a few thousand calls (quick to bind even in a debug build) and 96 MB of
/// other section data, so most of a run is the write.
const LARGE_CALLS: usize = 2_000;
const LARGE_PADDING: usize = 96 << 20;

fn bind_cmd(input: &Path, output: Option<&Path>) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(["--platform", "linux"]);
    if let Some(out) = output {
        cmd.arg("-o").arg(out);
    }
    cmd.arg(input).stdout(Stdio::null()).stderr(Stdio::piped());
    cmd
}

/// Binds `input` to `output` and returns the bytes and how long it took.
fn reference_bind(input: &Path, output: &Path) -> (Vec<u8>, Duration) {
    let start = Instant::now();
    let out = bind_cmd(input, Some(output)).output().unwrap();
    let took = start.elapsed();
    assert!(
        out.status.success(),
        "reference bind failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (fs::read(output).unwrap(), took)
}

/// Files in `dir` other than `keep`; those whose name does not say "tmp" are a failure.
fn leftovers(dir: &Path, keep: &[&str]) -> Vec<String> {
    dir_entries(dir)
        .into_iter()
        .filter(|n| !keep.contains(&n.as_str()))
        .collect()
}

/// Kill points: `n` delays spread evenly over `span`.
fn spread(span: Duration, n: u32) -> impl Iterator<Item = Duration> {
    (0..n).map(move |k| span * k / n)
}

/// Whether process `pid` has an unnamed file of `dir` open (an `O_TMPFILE` output being
/// written shows as `DIR/#INODE (deleted)` in `/proc/PID/fd`).
fn writing_in(pid: u32, dir: &Path) -> bool {
    let Ok(fds) = fs::read_dir(format!("/proc/{pid}/fd")) else {
        return false;
    };
    fds.flatten().any(|fd| {
        fs::read_link(fd.path()).is_ok_and(|target| {
            let target = target.to_string_lossy().into_owned();
            target.starts_with(&*dir.to_string_lossy()) && target.ends_with("(deleted)")
        })
    })
}

/// Starts the bind, waits `delay` (or until a new file shows up in `dir` and then `delay`),
/// and SIGKILLs it. Returns false when the process had already finished.
fn kill_bind(
    cmd: &mut Command,
    dir: &Path,
    before: &[String],
    delay: Duration,
    at_write: bool,
) -> bool {
    let mut child = cmd.spawn().unwrap();
    if at_write {
        let deadline = Instant::now() + Duration::from_secs(120);
        while dir_entries(dir).len() == before.len()
            && !writing_in(child.id(), dir)
            && Instant::now() < deadline
        {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::yield_now();
        }
    }
    sleep(delay);
    let finished = child.try_wait().unwrap().is_some();
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
    !finished
}

struct KillReport {
    killed: u32,
    complete: u32,
    absent: u32,
    temp_names: Vec<String>,
}

fn check_kills(in_place: bool) -> KillReport {
    let dir = tempfile::tempdir().unwrap();
    let original = padded_object(false, LARGE_CALLS, "xdp", LARGE_PADDING);
    let input = dir.path().join("large.o");
    let output = dir.path().join("bound.o");
    fs::write(&input, &original).unwrap();
    let (reference, took) = reference_bind(&input, &output);
    fs::remove_file(&output).unwrap();

    let mut report = KillReport {
        killed: 0,
        complete: 0,
        absent: 0,
        temp_names: Vec::new(),
    };
    let mut failures = Vec::new();
    let points: Vec<(Duration, bool)> = spread(took * 6 / 5, 12)
        .map(|d| (d, false))
        .chain(spread(Duration::from_millis(40), 8).map(|d| (d, true)))
        .collect();
    for (delay, at_write) in points {
        let before = dir_entries(dir.path());
        let mut cmd = if in_place {
            bind_cmd(&input, None)
        } else {
            bind_cmd(&input, Some(&output))
        };
        if kill_bind(&mut cmd, dir.path(), &before, delay, at_write) {
            report.killed += 1;
        }
        let what = format!(
            "kill after {delay:?}{}",
            if at_write {
                " from the first new file"
            } else {
                ""
            }
        );
        let now_input = fs::read(&input).unwrap();
        let result = if in_place {
            Some(now_input.clone())
        } else {
            if now_input != original {
                failures.push(format!("{what}: input modified"));
            }
            fs::read(&output).ok()
        };
        match result {
            Some(bytes) if bytes == reference => report.complete += 1,
            Some(bytes) if in_place && bytes == original => report.absent += 1,
            None => report.absent += 1,
            Some(bytes) => failures.push(format!(
                "{what}: {} holds {} bytes that are neither the input nor the complete output ({} bytes)",
                if in_place { "the input" } else { "the output" },
                bytes.len(),
                reference.len()
            )),
        }
        for name in leftovers(dir.path(), &["large.o", "bound.o"]) {
            if !name.contains("tmp") {
                failures.push(format!(
                    "{what}: left {name}, whose name does not say it is a temp file"
                ));
            }
            report.temp_names.push(name.clone());
            fs::remove_file(dir.path().join(&name)).unwrap();
        }
        let _ = fs::remove_file(&output);
        if in_place {
            fs::write(&input, &original).unwrap();
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    report
}

#[test]
fn sigkill_never_leaves_a_truncated_output() {
    let r = check_kills(false);
    eprintln!(
        "-o: {} runs killed; output complete {} times, absent {} times; temp files left: {:?}",
        r.killed, r.complete, r.absent, r.temp_names
    );
    assert!(
        r.killed > 0,
        "no run was killed while working: the object is too small to test this"
    );
    assert_no_temp_files_worth_mentioning(&r);
}

/// A kill leaves a temp file only in the instant between naming the finished file and
/// renaming it over the output (microseconds of a run of tens of milliseconds): of 20 kills,
/// not more than one should land there.
fn assert_no_temp_files_worth_mentioning(r: &KillReport) {
    assert!(
        r.temp_names.len() <= 1,
        "{} of {} kills left temp files: {:?}",
        r.temp_names.len(),
        r.killed,
        r.temp_names
    );
}

#[test]
fn sigkill_never_damages_an_input_rewritten_in_place() {
    let r = check_kills(true);
    eprintln!(
        "in place: {} runs killed; input bound {} times, original {} times; temp files left: {:?}",
        r.killed, r.complete, r.absent, r.temp_names
    );
    assert!(
        r.killed > 0,
        "no run was killed while working: the object is too small to test this"
    );
    assert_no_temp_files_worth_mentioning(&r);
}

/// Runs `script` under `sh` with the helper-bind binary as `$BIN`.
fn sh(script: &str) -> (Option<i32>, String, String) {
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .env("BIN", BIN)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn large_input(dir: &Path) -> (PathBuf, Vec<u8>) {
    let bytes = padded_object(false, 1_000, "xdp", 4 << 20); // 4 MB, 1,000 calls
    let input = dir.join("large.o");
    fs::write(&input, &bytes).unwrap();
    (input, bytes)
}

#[test]
fn a_file_size_limit_fails_the_write_cleanly() {
    // RLIMIT_FSIZE of 1 MiB with SIGXFSZ ignored: writes past it fail with EFBIG.
    for in_place in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let (input, original) = large_input(dir.path());
        let out = dir.path().join("bound.o");
        let target = if in_place {
            String::new()
        } else {
            format!("-o '{}'", out.display())
        };
        let (code, _, stderr) = sh(&format!(
            "trap '' XFSZ; ulimit -f 2048; exec \"$BIN\" --platform linux {target} '{}'",
            input.display()
        ));
        let mode = if in_place { "in place" } else { "-o" };
        assert!(
            matches!(code, Some(c) if c != 0 && c != 101),
            "{mode}: exit {code:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{mode}: {stderr}");
        assert!(!stderr.trim().is_empty(), "{mode}: no error message");
        assert_eq!(fs::read(&input).unwrap(), original, "{mode}: input changed");
        assert_eq!(
            dir_entries(dir.path()),
            ["large.o"],
            "{mode}: output or temp file left; {stderr}"
        );
    }
}

#[test]
fn a_full_filesystem_fails_the_write_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let (input, original) = large_input(dir.path());
    let small = dir.path().join("small");
    fs::create_dir(&small).unwrap();
    // A private mount namespace: the 1 MiB tmpfs disappears with the shell, even on failure.
    let script = format!(
        "mount -t tmpfs -o size=1m tmpfs '{small}' || exit 77
         \"$BIN\" --platform linux -o '{small}/bound.o' '{input}'; code=$?
         echo \"exit=$code\"; ls -A '{small}'",
        small = small.display(),
        input = input.display()
    );
    let out = Command::new("unshare")
        .args(["-m", "sh", "-c", &script])
        .env("BIN", BIN)
        .output();
    let out = match out {
        Ok(out) if out.status.code() == Some(0) => out,
        Ok(out) => {
            eprintln!(
                "SKIPPED: cannot mount a tmpfs in a private mount namespace (needs root): {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            return;
        }
        Err(e) => {
            eprintln!("SKIPPED: unshare not runnable: {e}");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut lines = stdout.lines();
    let code: i32 = lines
        .next()
        .and_then(|l| l.strip_prefix("exit="))
        .unwrap()
        .parse()
        .unwrap();
    let left: Vec<&str> = lines.collect();
    assert!(code != 0 && code != 101, "exit {code}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("bound.o") || stderr.contains("space"),
        "error names neither the output nor the cause: {stderr}"
    );
    assert!(left.is_empty(), "left on the full filesystem: {left:?}");
    assert_eq!(fs::read(&input).unwrap(), original, "input changed");
}

#[test]
fn binding_is_deterministic() {
    for target in ["bpf", "bpfeb"] {
        let object = clang_object(SAMPLE_C, target);
        for platform in ["linux", "windows"] {
            let mut results = Vec::new();
            for (name, in_place) in [
                ("a.o", false),
                ("a.o", false),
                ("other-name.o", false),
                ("b.o", true),
            ] {
                let dir = tempfile::tempdir().unwrap();
                let input = dir.path().join(name);
                fs::write(&input, &object).unwrap();
                let out = dir.path().join("out.o");
                let mut cmd = Command::new(BIN);
                cmd.args(["--platform", platform]);
                if !in_place {
                    cmd.arg("-o").arg(&out);
                }
                let run = cmd.arg(&input).output().unwrap();
                assert!(
                    run.status.success(),
                    "{target} {platform}: {}",
                    String::from_utf8_lossy(&run.stderr)
                );
                results.push(fs::read(if in_place { &input } else { &out }).unwrap());
            }
            assert_ne!(
                results[0], object,
                "{target} {platform}: binding changed nothing"
            );
            for (k, r) in results.iter().enumerate().skip(1) {
                assert!(
                    r == &results[0],
                    "{target} {platform}: run {k} gave different bytes"
                );
            }
        }
    }
}

#[test]
fn listing_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("a.o");
    fs::write(&input, clang_object(SAMPLE_C, "bpf")).unwrap();
    for json in [false, true] {
        let run = || {
            let mut cmd = Command::new(BIN);
            cmd.arg("list");
            if json {
                cmd.arg("--json");
            }
            let out = cmd.arg(&input).output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            out.stdout
        };
        let first = run();
        assert!(!first.is_empty());
        assert_eq!(first, run(), "list (json: {json}) differs between runs");
    }
}
