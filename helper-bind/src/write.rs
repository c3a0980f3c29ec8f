//! Atomic output: the bytes go to a temporary file in the destination's directory, which is
//! then renamed over the destination. A crash or kill leaves either the old file or the new
//! one, never a truncated mix, and the input is only replaced when writing in place.

use std::io::Write as _;
use std::os::unix::fs::FileExt as _;
use std::path::Path;

use tempfile::NamedTempFile;

use crate::error::Error;
use crate::patch::Write;

fn io_error<'p>(path: &'p Path, action: &'static str) -> impl FnOnce(std::io::Error) -> Error + 'p {
    move |source| Error::Io {
        path: path.to_path_buf(),
        action,
        source,
    }
}

/// Where writing `path` lands: the file a symbolic link points to (as strip and objcopy do,
/// so the link survives), else `path` itself.
fn resolve_target(path: &Path) -> std::path::PathBuf {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link {
        if let Ok(target) = std::fs::canonicalize(path) {
            return target;
        }
    }
    path.to_path_buf()
}

/// A temporary file next to `path` (same directory, so the final rename is atomic).
fn temp_next_to(path: &Path) -> Result<NamedTempFile, Error> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    tempfile::Builder::new()
        .prefix(".helper-bind-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io_error(
            path,
            "cannot create a temporary file next to the output",
        ))
}

/// Gives `tmp` the permissions of `path` if it exists, else of `mode_from`, then renames it
/// onto `path`.
fn finish(tmp: NamedTempFile, path: &Path, mode_from: Option<&Path>) -> Result<(), Error> {
    let permissions = std::fs::metadata(path)
        .ok()
        .or_else(|| mode_from.and_then(|p| std::fs::metadata(p).ok()))
        .map(|m| m.permissions());
    if let Some(p) = permissions {
        tmp.as_file()
            .set_permissions(p)
            .map_err(io_error(path, "cannot set permissions of the output"))?;
    }
    tmp.persist(path)
        .map_err(|e| io_error(path, "cannot rename the temporary file onto the output")(e.error))?;
    Ok(())
}

/// Edits closer than this are written as one range (one syscall instead of many tiny ones).
const COALESCE_GAP: usize = 64 * 1024;

/// Byte ranges of `patched` covering every write, merging neighbours closer than
/// [`COALESCE_GAP`].
fn coalesce(writes: &[Write]) -> Vec<std::ops::Range<usize>> {
    let mut ranges: Vec<std::ops::Range<usize>> = writes
        .iter()
        .map(|w| w.offset..w.offset + w.bytes.len())
        .collect();
    ranges.sort_unstable_by_key(|r| r.start);
    let mut out: Vec<std::ops::Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end + COALESCE_GAP => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Writes `input` with `writes` applied to `output` atomically. `original` is the content of
/// `input` that `writes` were computed from.
///
/// The bulk is copied file to file by the kernel (`copy_file_range` through `std::io::copy`);
/// only the edited ranges, merged, are written from memory. If the input changed size since
/// it was read, the whole patched buffer is written instead.
pub fn write_patched_copy(
    input: &Path,
    original: &[u8],
    output: &Path,
    writes: &[Write],
) -> Result<(), Error> {
    let output = &resolve_target(output);
    let mut tmp = temp_next_to(output)?;
    let mut source =
        std::fs::File::open(input).map_err(io_error(input, "cannot reopen the input"))?;
    let copied = std::io::copy(&mut source, tmp.as_file_mut()).map_err(io_error(
        output,
        "cannot copy the input to the temporary output",
    ))?;
    let ranges = if copied == original.len() as u64 {
        coalesce(writes)
    } else {
        // The input changed under us: write what we parsed, never a mix.
        tmp.as_file()
            .set_len(original.len() as u64)
            .map_err(io_error(output, "cannot resize the temporary output"))?;
        std::iter::once(0..original.len()).collect()
    };
    let mut sorted: Vec<&Write> = writes.iter().collect();
    sorted.sort_unstable_by_key(|w| w.offset);
    for r in ranges {
        // A range that is exactly one write (the common case for a code section's calls) is
        // written from that write's bytes without another copy.
        if let [single] = sorted
            .iter()
            .filter(|w| w.offset >= r.start && w.offset < r.end)
            .take(2)
            .collect::<Vec<_>>()[..]
        {
            if single.offset == r.start && single.bytes.len() == r.len() {
                tmp.as_file()
                    .write_all_at(&single.bytes, r.start as u64)
                    .map_err(io_error(output, "cannot write the temporary output"))?;
                continue;
            }
        }
        let mut chunk = original[r.clone()].to_vec();
        for w in sorted
            .iter()
            .filter(|w| w.offset >= r.start && w.offset < r.end)
        {
            let at = w.offset - r.start;
            chunk[at..at + w.bytes.len()].copy_from_slice(&w.bytes);
        }
        tmp.as_file()
            .write_all_at(&chunk, r.start as u64)
            .map_err(io_error(output, "cannot write the temporary output"))?;
    }
    finish(tmp, output, Some(input))
}

/// Writes `bytes` to `path` atomically. The new file gets the permissions of the file it
/// replaces, or of `mode_from` (the input) when `path` does not exist yet, like `cp` and
/// `objcopy`.
pub fn write_atomically(path: &Path, bytes: &[u8], mode_from: Option<&Path>) -> Result<(), Error> {
    let path = &resolve_target(path);
    let mut tmp = temp_next_to(path)?;
    tmp.write_all(bytes)
        .map_err(io_error(path, "cannot write the temporary output"))?;
    finish(tmp, path, mode_from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writing_through_a_symlink_replaces_its_target_and_keeps_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.o");
        let link = dir.path().join("link.o");
        std::fs::write(&target, b"old").unwrap();
        std::os::unix::fs::symlink("target.o", &link).unwrap();
        write_atomically(&link, b"new", None).unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        write_patched_copy(
            &target,
            b"new",
            &link,
            &[Write {
                offset: 0,
                bytes: b"N".to_vec(),
            }],
        )
        .unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&target).unwrap(), b"New");
    }

    #[test]
    fn coalesces_close_writes_only() {
        let w = |offset, n| Write {
            offset,
            bytes: vec![0; n],
        };
        let writes = [w(100, 8), w(10, 4), w(200, 8), w(10_000_000, 4)];
        assert_eq!(coalesce(&writes), vec![10..208, 10_000_000..10_000_004]);
    }

    #[test]
    fn replaces_atomically_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("x.o");
        std::fs::write(&out, b"old").unwrap();
        write_atomically(&out, b"new bytes", None).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"new bytes");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn patched_copy_applies_writes_and_leaves_the_input() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.o");
        let data: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
        std::fs::write(&input, &data).unwrap();
        let writes = vec![
            Write {
                offset: 3,
                bytes: vec![0xaa; 4],
            },
            Write {
                offset: 99_990,
                bytes: vec![0xbb; 10],
            },
        ];
        let out = dir.path().join("out.o");
        let mut expected = data.clone();
        crate::patch::apply(&mut expected, &writes);
        write_patched_copy(&input, &data, &out, &writes).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), expected);
        assert_eq!(std::fs::read(&input).unwrap(), data);
        // The input changed size since it was read: what was parsed is written, patched.
        std::fs::write(&input, &data[..10]).unwrap();
        write_patched_copy(&input, &data, &out, &writes).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), expected);
    }

    #[test]
    fn failure_names_the_path_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("missing-dir").join("x.o");
        let e = write_atomically(&out, b"x", None).unwrap_err();
        assert!(e.to_string().contains("missing-dir"), "{e}");
        assert_eq!(e.exit_code(), 2);
        assert!(!out.exists());
    }
}
