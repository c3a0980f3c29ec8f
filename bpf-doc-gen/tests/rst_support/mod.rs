//! Runs the kernel's own `scripts/bpf_doc.py` (the oracle) next to our emitters.
//!
//! Shared by `rst_oracle.rs` and `json_oracle.rs`. Nothing the scripts print is stored: every
//! comparison runs the script live on the `bpf.h` files that `scripts/setup-test-env` extracted
//! into `target/oracles/` (or `$HELPER_BIND_ORACLES`).
#![allow(dead_code)] // each test file uses a different part

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use bpf_doc_gen::Model;

/// The extracted kernel generations: `linux-6.1`, `linux-6.12`, `linux-unstable` (7.2 today).
pub fn oracles_dir() -> PathBuf {
    let dir = match std::env::var_os("HELPER_BIND_ORACLES") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/oracles"),
    };
    assert!(
        dir.join("linux-6.1/bpf_doc.py").is_file(),
        "kernel oracles missing in {}: run scripts/setup-test-env first",
        dir.display()
    );
    dir
}

/// `bpf.h` of a kernel generation.
pub fn bpf_h(generation: &str) -> PathBuf {
    oracles_dir().join(generation).join("bpf.h")
}

/// Every (script, bpf.h) pair where the script accepts the header.
pub const PAIRS: &[(&str, &str)] = &[
    ("linux-6.1", "linux-6.1"),
    ("linux-6.12", "linux-6.12"),
    ("linux-unstable", "linux-6.12"),
    ("linux-unstable", "linux-unstable"),
];

/// Our model of a `bpf.h`.
pub fn parse(path: &Path) -> Model {
    bpf_doc_gen::parse::parse_file(path)
        .unwrap_or_else(|e| panic!("our parser rejects {}: {e}", path.display()))
}

/// A copy of one generation's `bpf_doc.py` in a scratch "kernel tree" of its own.
///
/// The script looks for `git describe`, `make kernelversion` and `git log` in the directory
/// above itself. A fresh temporary directory, with git told not to look above it, makes every
/// lookup fail, so the script prints its fallbacks (`:Version: Linux`, no `:Date:`) no matter
/// where the repository is checked out.
pub struct ScriptTree {
    dir: tempfile::TempDir,
}

impl ScriptTree {
    /// Copies `<oracles>/<generation>/bpf_doc.py` to `<tmp>/scripts/bpf_doc.py`.
    pub fn new(generation: &str) -> Self {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        fs::create_dir(dir.path().join("scripts")).unwrap();
        fs::copy(
            oracles_dir().join(generation).join("bpf_doc.py"),
            dir.path().join("scripts/bpf_doc.py"),
        )
        .expect("copy bpf_doc.py");
        ScriptTree { dir }
    }

    /// The scratch kernel tree root (what the script calls `linuxRoot`).
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `python3 scripts/bpf_doc.py --filename BPF_H ARGS...` and returns its stdout.
    /// Panics (showing stderr) if the script fails.
    pub fn run(&self, bpf_h: &Path, args: &[&str]) -> String {
        match self.try_run(bpf_h, args) {
            Ok(stdout) => stdout,
            Err(stderr) => panic!(
                "bpf_doc.py {args:?} on {} failed: {stderr}",
                bpf_h.display()
            ),
        }
    }

    /// Like [`ScriptTree::run`], but returns the script's stderr when it fails.
    pub fn try_run(&self, bpf_h: &Path, args: &[&str]) -> Result<String, String> {
        let ceiling = self.root().parent().unwrap_or(Path::new("/"));
        let out = Command::new("python3")
            .arg(self.root().join("scripts/bpf_doc.py"))
            .arg("--filename")
            .arg(bpf_h)
            .args(args)
            .current_dir(self.root())
            .env("GIT_CEILING_DIRECTORIES", ceiling)
            .env("LC_ALL", "C.UTF-8")
            .env("PYTHONIOENCODING", "utf-8")
            .output()
            .expect("run python3 (installed by scripts/setup-test-env)");
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        Ok(String::from_utf8(out.stdout).expect("bpf_doc.py prints UTF-8"))
    }
}

/// Asserts two texts are identical; on failure shows the first differing line with context
/// instead of two multi-hundred-kilobyte strings.
pub fn assert_same_text(ours: &str, theirs: &str, what: &str) {
    if ours == theirs {
        return;
    }
    let ours_lines: Vec<&str> = ours.split('\n').collect();
    let theirs_lines: Vec<&str> = theirs.split('\n').collect();
    let first = ours_lines
        .iter()
        .zip(&theirs_lines)
        .position(|(a, b)| a != b)
        .unwrap_or(ours_lines.len().min(theirs_lines.len()));
    let from = first.saturating_sub(3);
    let show = |lines: &[&str]| {
        lines
            .iter()
            .enumerate()
            .skip(from)
            .take(7)
            .map(|(i, l)| format!("{:>6}: {l:?}", i + 1))
            .collect::<Vec<_>>()
            .join("\n")
    };
    panic!(
        "{what}: output differs from bpf_doc.py at line {} ({} vs {} lines)\n--- ours\n{}\n--- bpf_doc.py\n{}",
        first + 1,
        ours_lines.len(),
        theirs_lines.len(),
        show(&ours_lines),
        show(&theirs_lines)
    );
}

/// Writes a variant of a generation's `bpf.h` into `dir`, after applying `edit` to its text.
/// Used to reach corners the real headers do not (non-ASCII text, trailing blanks).
pub fn edited_bpf_h(dir: &Path, generation: &str, edit: impl FnOnce(String) -> String) -> PathBuf {
    let text = fs::read_to_string(bpf_h(generation)).unwrap();
    let path = dir.join(format!("{generation}-edited-bpf.h"));
    fs::write(&path, edit(text)).unwrap();
    path
}

/// Rewrites `bpf_map_lookup_elem`'s documentation: quotes and a backslash, trailing blanks, a
/// description ending in a code block, a Return section ending in blanks and U+001F (which
/// Python's `rstrip` drops and Rust's `trim_end` would not).
///
/// No non-ASCII text: the scripts seek to blocks with character offsets used as byte offsets
/// (`seek_to`), so any multi-byte character before `___BPF_FUNC_MAPPER` makes them fail.
pub fn edit_lookup_elem_doc(text: String) -> String {
    let original = " * \tDescription\n\
                    \x20* \t\tPerform a lookup in *map* for an entry associated to *key*.\n\
                    \x20* \tReturn\n\
                    \x20* \t\tMap value associated to *key*, or **NULL** if no entry was\n\
                    \x20* \t\tfound.\n\
                    \x20*\n";
    let edited = " * \tDescription\n\
                  \x20* \t\tPerform a lookup \"in\" *map*.  \n\
                  \x20*\n\
                  \x20* \t\t::\n\
                  \x20*\n\
                  \x20* \t\t\tcode \\n\n\
                  \x20*\n\
                  \x20* \tReturn\n\
                  \x20* \t\tMap value, or **NULL**  \t\n\
                  \x20*\n\
                  \x20* \t\t\x1f\n\
                  \x20*\n";
    assert!(
        text.contains(original),
        "bpf.h changed: pick another helper to edit"
    );
    text.replacen(original, edited, 1)
}

/// Rewrites a Linux 6.1 `bpf.h` mapper (`__BPF_FUNC_MAPPER(FN)` with `FN(name),` lines, IDs by
/// position) into the 6.2+ form (`___BPF_FUNC_MAPPER(FN, ctx...)` with `FN(name, id, ##ctx)`),
/// so that the newest script, which only reads the new form, can serve as the oracle for the
/// default (newest-style) output of an old header. The documentation is left untouched.
pub fn explicit_mapper(text: String) -> String {
    const OLD: &str = "#define __BPF_FUNC_MAPPER(FN)";
    let start = text.find(OLD).expect("a 6.1-style __BPF_FUNC_MAPPER");
    let mut out = String::with_capacity(text.len() + 16 * 1024);
    out.push_str(&text[..start]);
    out.push_str("#define ___BPF_FUNC_MAPPER(FN, ctx...)");
    let mut rest = &text[start + OLD.len()..];
    // The rest of the #define line, then one `FN(name),` line per helper.
    let eol = rest.find('\n').unwrap() + 1;
    out.push_str(&rest[..eol]);
    rest = &rest[eol..];
    let mut id = 0;
    while let Some(body) = rest.trim_start().strip_prefix("FN(") {
        let close = body.find("),").expect("FN(name),");
        let eol = rest.find('\n').unwrap() + 1;
        out.push_str(&format!("\tFN({}, {id}, ##ctx)\t\\\n", &body[..close]));
        rest = &rest[eol..];
        id += 1;
    }
    assert!(id > 200, "only {id} FN() lines converted");
    out.push_str(rest);
    out
}
