//! bpffs pins of one `bpftool prog loadall`, removed on drop.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use integration_tests::elf_view::ElfView;
use integration_tests::kernel;
use serde_json::Value;

use super::objects::sorted_entries;
use super::run::{run_tool, stderr};

/// A bpffs directory `/sys/fs/bpf/hb-tp-<pid>-<n>` for one `bpftool prog loadall`; removed with
/// every pin in it on drop, also when the test fails. Maps declared with
/// `pinning = LIBBPF_PIN_BY_NAME` (libxdp's) are pinned by libbpf at `/sys/fs/bpf/<map name>`,
/// outside that directory: those the load creates are removed on drop too.
pub struct Pins {
    dir: PathBuf,
    /// `/sys/fs/bpf/<map name>` for each map of the object that was not pinned before the load.
    by_name: Vec<PathBuf>,
}

impl Pins {
    pub fn new(object: &ElfView) -> Pins {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let by_name = object
            .symbols
            .iter()
            .filter(|s| {
                matches!(s.section.as_deref(), Some(".maps" | "maps")) && !s.name.is_empty()
            })
            .map(|s| Path::new(kernel::BPFFS).join(&s.name))
            .filter(|p| !p.exists())
            .collect();
        Pins {
            dir: Path::new(kernel::BPFFS).join(format!("hb-tp-{}-{n}", std::process::id())),
            by_name,
        }
    }

    /// `bpftool prog loadall OBJECT PINS`; the last libbpf or bpftool line on failure.
    pub fn load(&self, object: &Path) -> Result<(), String> {
        let out = run_tool(
            kernel::BPFTOOL,
            &[
                "prog".as_ref(),
                "loadall".as_ref(),
                object.as_os_str(),
                self.dir.as_os_str(),
            ],
        );
        if out.status.success() {
            return Ok(());
        }
        let text = stderr(&out);
        // libbpf's first complaint says why (bpftool's own last lines only say that it failed).
        Err(text
            .lines()
            .find(|l| l.starts_with("libbpf:") && !l.contains("skipping"))
            .or_else(|| text.lines().find(|l| l.starts_with("Error:")))
            .unwrap_or(&text)
            .to_string())
    }

    /// Pinned program name -> whether the kernel has BTF for it.
    pub fn programs_with_btf(&self) -> BTreeMap<String, bool> {
        let mut programs = BTreeMap::new();
        for pin in sorted_entries(&self.dir) {
            let info = kernel::program_info(&pin)
                .unwrap_or_else(|e| panic!("bpftool prog show pinned {}: {e}", pin.display()));
            programs.insert(
                pin.file_name().unwrap().to_string_lossy().into_owned(),
                info.get("btf_id")
                    .and_then(Value::as_u64)
                    .is_some_and(|id| id > 0),
            );
        }
        programs
    }
}

impl Drop for Pins {
    fn drop(&mut self) {
        if self.dir.exists() {
            if let Err(e) = std::fs::remove_dir_all(&self.dir) {
                eprintln!("warning: could not remove pins {}: {e}", self.dir.display());
            }
        }
        for pin in self.by_name.iter().filter(|p| p.exists()) {
            if let Err(e) = std::fs::remove_file(pin) {
                eprintln!("warning: could not remove pin {}: {e}", pin.display());
            }
        }
    }
}
