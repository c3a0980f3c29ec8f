//! Batch packaging: several objects, one output directory, failures isolated.

mod check_support;

use std::path::{Path, PathBuf};

use check_support::*;
use helper_bind::batch::{is_output_dir, run_batch, Job};
use helper_bind::platform::PlatformKind::{Linux, Windows};
use helper_bind::BindOptions;

/// `dir/in/` with three late-bound Linux objects that bind on Windows, one that does not
/// (helpers Windows lacks) and one that is not ELF.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let src = dir.join("build");
    let inp = dir.join("in");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::create_dir_all(&inp).unwrap();
    let good = compile("portable.c", Linux, Binding::Late, Target::Little, &src);
    let good_be = compile("portable.c", Linux, Binding::Late, Target::Big, &src);
    let bad = compile("verdicts.c", Linux, Binding::Late, Target::Little, &src);
    let mut list = Vec::new();
    for (name, from) in [
        ("a.o", &good),
        ("b.o", &good_be),
        ("c.o", &bad),
        ("d.o", &good),
    ] {
        std::fs::copy(from, inp.join(name)).unwrap();
        list.push(inp.join(name));
    }
    std::fs::write(inp.join("e.o"), b"not an object").unwrap();
    list.push(inp.join("e.o"));
    list
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

#[test]
fn cli_binds_the_good_objects_and_writes_nothing_for_the_failed_ones() {
    let dir = tempfile::tempdir().unwrap();
    let ins = inputs(dir.path());
    let originals: Vec<Vec<u8>> = ins.iter().map(|p| read(p)).collect();
    let o = helper_bind(
        &[
            "--platform",
            "windows",
            "-o",
            "out/",
            "in/a.o",
            "in/b.o",
            "in/c.o",
            "in/d.o",
            "in/e.o",
        ],
        dir.path(),
    );
    let err = stderr(&o);
    // Not ELF is bad input (2), the highest status among the failures.
    assert_eq!(o.status.code(), Some(2), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines[0].starts_with("in/c.o: "), "{err}");
    assert!(lines[0].contains("bpf_skb_store_bytes"), "{err}");
    assert!(lines[1].starts_with("in/e.o: "), "{err}");
    assert!(lines[1].contains("not an ELF file"), "{err}");
    assert!(lines[2].contains("3 of 5 object(s); 2 failed"), "{err}");
    // Not a terminal: no progress bar drawn.
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "{err:?}");
    assert_eq!(files_in(&dir.path().join("out")), vec!["a.o", "b.o", "d.o"]);
    // Each output is what a single bind gives; inputs are untouched.
    for name in ["a.o", "b.o", "d.o"] {
        let single = dir.path().join(format!("single-{name}"));
        let o = helper_bind(
            &[
                "--platform",
                "windows",
                "-o",
                single.to_str().unwrap(),
                &format!("in/{name}"),
            ],
            dir.path(),
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(
            read(&dir.path().join("out").join(name)),
            read(&single),
            "{name}"
        );
    }
    for (p, before) in ins.iter().zip(&originals) {
        assert_eq!(&read(p), before, "{}", p.display());
    }
}

#[test]
fn cli_exit_status_is_1_when_only_binding_fails_and_0_when_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    inputs(dir.path());
    let o = helper_bind(
        &["--platform", "windows", "-o", "out", "in/a.o", "in/c.o"],
        dir.path(),
    );
    // `out` does not exist and has no trailing slash: two inputs need a directory.
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!dir.path().join("out").exists());

    std::fs::create_dir(dir.path().join("out")).unwrap();
    let o = helper_bind(
        &["--platform", "windows", "-o", "out", "in/a.o", "in/c.o"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(files_in(&dir.path().join("out")), vec!["a.o"]);

    let o = helper_bind(
        &[
            "--platform",
            "linux",
            "-o",
            "out2/",
            "in/a.o",
            "in/c.o",
            "in/d.o",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        files_in(&dir.path().join("out2")),
        vec!["a.o", "c.o", "d.o"]
    );
}

#[test]
fn cli_rebinds_a_batch() {
    let dir = tempfile::tempdir().unwrap();
    let build = dir.path().join("build");
    std::fs::create_dir(&build).unwrap();
    let linux = compile("portable.c", Linux, Binding::Early, Target::Little, &build);
    let windows = compile(
        "portable.c",
        Windows,
        Binding::Early,
        Target::Little,
        &build,
    );
    let bad = compile("verdicts.c", Linux, Binding::Late, Target::Little, &build);
    std::fs::copy(&linux, dir.path().join("p1.o")).unwrap();
    std::fs::copy(&linux, dir.path().join("p2.o")).unwrap();
    std::fs::copy(&bad, dir.path().join("v.o")).unwrap();
    let o = helper_bind(
        &[
            "--from",
            "linux",
            "--platform",
            "windows",
            "-o",
            "out/",
            "p1.o",
            "v.o",
            "p2.o",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("v.o: cannot rebind from linux to windows"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        stderr(&o).lines().count(),
        2,
        "one line per failure + summary"
    );
    assert_eq!(files_in(&dir.path().join("out")), vec!["p1.o", "p2.o"]);
    for name in ["p1.o", "p2.o"] {
        assert_eq!(
            code_sections(&read(&dir.path().join("out").join(name))),
            code_sections(&read(&windows))
        );
    }
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    let ins = inputs(dir.path());
    let windows = builtin(Windows);
    let job = Job::Bind {
        to: &windows,
        options: BindOptions::default(),
    };
    let mut reports = Vec::new();
    for threads in [1, 4] {
        let out = dir.path().join(format!("out{threads}"));
        let seen = std::sync::atomic::AtomicUsize::new(0);
        let report = run_batch(&ins, Some(&out), &job, threads, &|_| {
            seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        });
        assert_eq!(
            seen.into_inner(),
            ins.len(),
            "progress called once per object"
        );
        assert!(!report.all_succeeded());
        assert_eq!(report.exit_code(), 2);
        let ok: Vec<bool> = report.results.iter().map(|r| r.outcome.is_ok()).collect();
        assert_eq!(ok, vec![true, true, false, true, false]);
        let bytes: Vec<Vec<u8>> = ["a.o", "b.o", "d.o"]
            .iter()
            .map(|n| read(&out.join(n)))
            .collect();
        reports.push((ok, bytes));
    }
    assert_eq!(reports[0], reports[1]);
}

#[test]
fn same_file_name_twice_fails_the_second_instead_of_overwriting() {
    let dir = tempfile::tempdir().unwrap();
    let ins = inputs(dir.path());
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::copy(&ins[1], other.join("a.o")).unwrap();
    let linux = builtin(Linux);
    let job = Job::Bind {
        to: &linux,
        options: BindOptions::default(),
    };
    let out = dir.path().join("out");
    let report = run_batch(
        &[ins[0].clone(), other.join("a.o")],
        Some(&out),
        &job,
        2,
        &|_| {},
    );
    assert!(report.results[0].outcome.is_ok());
    let e = report.results[1].outcome.as_ref().unwrap_err();
    assert!(e.message.contains("same file name"), "{}", e.message);
    // out/a.o is the first input's bind, not the second's.
    let single = dir.path().join("single.o");
    helper_bind::bind_file(&ins[0], Some(&single), &linux, BindOptions::default()).unwrap();
    assert_eq!(read(&out.join("a.o")), read(&single));
}

#[test]
fn output_directory_is_a_trailing_slash_or_an_existing_directory() {
    let dir = tempfile::tempdir().unwrap();
    assert!(is_output_dir(Path::new("out/")));
    assert!(is_output_dir(dir.path()));
    assert!(!is_output_dir(&dir.path().join("x.o")));
}

#[test]
fn without_an_output_directory_each_object_is_bound_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let ins = inputs(dir.path());
    let before: Vec<Vec<u8>> = ins.iter().map(|p| read(p)).collect();
    let o = helper_bind(
        &["--platform", "windows", "in/a.o", "in/b.o", "in/c.o"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let single = dir.path().join("single.o");
    let windows = builtin(Windows);
    helper_bind::bind_file(
        &ins[0].with_file_name("d.o"),
        Some(&single),
        &windows,
        BindOptions::default(),
    )
    .unwrap();
    assert_eq!(read(&ins[0]), read(&single), "a.o bound in place");
    assert_ne!(read(&ins[1]), before[1], "b.o bound in place");
    assert_eq!(read(&ins[2]), before[2], "the failed c.o is untouched");
    assert_eq!(
        files_in(&dir.path().join("in")),
        vec!["a.o", "b.o", "c.o", "d.o", "e.o"]
    );
}
