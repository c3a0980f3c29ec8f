//! The file an output is written to before it replaces the destination.
//!
//! Where the file system can (Linux `O_TMPFILE`, with `/proc` to name it), the file has no
//! name while it is written: a process killed at any point before the final rename leaves
//! nothing behind, however large the output. It gets a name (`.helper-bind-*.tmp`, by
//! `linkat`) only to be renamed over the destination, since a link cannot replace a file; a
//! kill in that instant is the only way a temporary file can be left. Elsewhere it is a named
//! `.helper-bind-*.tmp` from the start, which a kill leaves behind.

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd as _;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// Name of temporary files: hidden, and saying what they are.
const PREFIX: &str = ".helper-bind-";
const SUFFIX: &str = ".tmp";

/// A file being written in the directory of its destination.
#[derive(Debug)]
pub(crate) enum TempFile {
    /// Unnamed until [`TempFile::persist`].
    Unnamed {
        /// The open file.
        file: File,
        /// Its directory (the destination's).
        dir: PathBuf,
    },
    /// Named from the start (no `O_TMPFILE` or no `/proc`).
    Named(NamedTempFile),
}

impl TempFile {
    /// A new empty file (mode 0600) in `dir`: unnamed where possible.
    pub(crate) fn new_in(dir: &Path) -> io::Result<TempFile> {
        // Naming an unnamed file needs its /proc/self/fd link (linkat with AT_EMPTY_PATH
        // needs a capability); without /proc, the file would stay unnamable.
        if Path::new("/proc/self/fd").is_dir() {
            use rustix::fs::{Mode, OFlags, CWD};
            let flags = OFlags::TMPFILE | OFlags::RDWR | OFlags::CLOEXEC;
            // Fails on file systems without O_TMPFILE support (EOPNOTSUPP, EISDIR on old
            // kernels); then a named file is the way.
            if let Ok(fd) = rustix::fs::openat(CWD, dir, flags, Mode::from_raw_mode(0o600)) {
                return Ok(TempFile::Unnamed {
                    file: File::from(fd),
                    dir: dir.to_path_buf(),
                });
            }
        }
        Self::named_in(dir)
    }

    /// A new empty named file (mode 0600) in `dir`.
    pub(crate) fn named_in(dir: &Path) -> io::Result<TempFile> {
        tempfile::Builder::new()
            .prefix(PREFIX)
            .suffix(SUFFIX)
            .tempfile_in(dir)
            .map(TempFile::Named)
    }

    /// The open file.
    pub(crate) fn as_file(&self) -> &File {
        match self {
            TempFile::Unnamed { file, .. } => file,
            TempFile::Named(named) => named.as_file(),
        }
    }

    /// Renames the file over `dest` (in the same directory), atomically. On failure nothing
    /// is left: neither a name for the file nor a changed `dest`.
    pub(crate) fn persist(self, dest: &Path) -> io::Result<()> {
        match self {
            TempFile::Named(named) => named.persist(dest).map(drop).map_err(|e| e.error),
            TempFile::Unnamed { file, dir } => {
                let link = format!("/proc/self/fd/{}", file.as_raw_fd());
                // A fresh name, retried on collision; removed again if the rename fails.
                let named = tempfile::Builder::new()
                    .prefix(PREFIX)
                    .suffix(SUFFIX)
                    .make_in(&dir, |name| {
                        use rustix::fs::{AtFlags, CWD};
                        rustix::fs::linkat(CWD, link.as_str(), CWD, name, AtFlags::SYMLINK_FOLLOW)
                            .map_err(io::Error::from)
                    })?;
                named.persist(dest).map(drop).map_err(|e| e.error)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// While it is written the file has no name (on this machine's file systems, which have
    /// O_TMPFILE); persisted, it replaces the destination and leaves no other name.
    #[test]
    fn unnamed_file_appears_only_as_the_destination() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.o");
        std::fs::write(&dest, b"old").unwrap();
        let tmp = TempFile::new_in(dir.path()).unwrap();
        assert!(matches!(tmp, TempFile::Unnamed { .. }), "{tmp:?}");
        tmp.as_file().write_all(b"new").unwrap();
        assert_eq!(names(dir.path()), ["out.o"]);
        tmp.persist(&dest).unwrap();
        assert_eq!(names(dir.path()), ["out.o"]);
        assert_eq!(std::fs::read(&dest).unwrap(), b"new");
        // Dropped unfinished: nothing at all.
        let tmp = TempFile::new_in(dir.path()).unwrap();
        tmp.as_file().write_all(b"lost").unwrap();
        drop(tmp);
        assert_eq!(names(dir.path()), ["out.o"]);
    }

    /// The named fallback behaves the same from the outside, apart from its name while open.
    #[test]
    fn named_file_replaces_the_destination_too() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.o");
        let tmp = TempFile::named_in(dir.path()).unwrap();
        tmp.as_file().write_all(b"new").unwrap();
        let open = names(dir.path());
        assert_eq!(open.len(), 1);
        assert!(
            open[0].starts_with(PREFIX) && open[0].ends_with(SUFFIX),
            "{open:?}"
        );
        tmp.persist(&dest).unwrap();
        assert_eq!(names(dir.path()), ["out.o"]);
        assert_eq!(std::fs::read(&dest).unwrap(), b"new");
    }

    /// A rename that fails (the destination is a non-empty directory) leaves the directory as
    /// it was: no name for the unnamed file stays behind.
    #[test]
    fn failed_persist_leaves_no_name() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("busy");
        std::fs::create_dir(&dest).unwrap();
        std::fs::write(dest.join("x"), b"x").unwrap();
        for make in [TempFile::new_in, TempFile::named_in] {
            let tmp = make(dir.path()).unwrap();
            tmp.as_file().write_all(b"new").unwrap();
            let kind = format!("{tmp:?}");
            assert!(tmp.persist(&dest).is_err());
            assert_eq!(names(dir.path()), ["busy"], "{kind}");
        }
    }
}
