//! The fetched objects, and the findings collected over all of them.

use std::path::{Path, PathBuf};

use integration_tests::elf_view::ElfView;
use integration_tests::workspace_root;

/// One fetched object.
pub struct ThirdParty {
    /// `<source>/<name>.o`, for messages.
    pub label: String,
    pub path: PathBuf,
}

pub fn third_party_dir() -> PathBuf {
    std::env::var_os("HELPER_BIND_THIRD_PARTY")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/third-party"))
}

/// Every fetched object, sorted; panics naming the fetch script when there are none.
pub fn objects() -> Vec<ThirdParty> {
    let dir = third_party_dir();
    let mut found = Vec::new();
    for source in sorted_entries(&dir) {
        for file in sorted_entries(&source) {
            if file.extension().is_some_and(|e| e == "o") {
                found.push(ThirdParty {
                    label: format!(
                        "{}/{}",
                        source.file_name().unwrap().to_string_lossy(),
                        file.file_name().unwrap().to_string_lossy()
                    ),
                    path: file,
                });
            }
        }
    }
    assert!(
        !found.is_empty(),
        "no third-party BPF objects in {}: run scripts/fetch-third-party-bpf \
         (scripts/setup-test-env calls it)",
        dir.display()
    );
    found
}

pub fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// Problems found over all objects; the test fails at the end, listing every one.
#[derive(Default)]
pub struct Findings {
    problems: Vec<String>,
}

impl Findings {
    pub fn add(&mut self, label: &str, problem: impl std::fmt::Display) {
        self.problems.push(format!("{label}: {problem}"));
    }

    pub fn assert_none(self, what: &str, checked: usize) {
        assert!(
            self.problems.is_empty(),
            "{what}: {} problem(s) over {checked} object(s):\n{}",
            self.problems.len(),
            self.problems.join("\n")
        );
    }
}

/// The harness's view of an object. cilium's objects carry a stale `.llvm_addrsig` (symbol indices
/// past the end of `.symtab`; `llvm-readelf --addrsig` warns too): the view names such entries
/// `<invalid symbol index N>`, and the round trip compares the section byte for byte.
pub fn read_view(path: &Path) -> ElfView {
    ElfView::read(path)
}
