//! Atomic output: the bytes go to a temporary file in the destination's directory, which is
//! then renamed over the destination. A crash or kill leaves either the old file or the new
//! one, never a truncated mix, and the input is only replaced when writing in place. The
//! temporary file has no name while it is written where the file system allows (module `temp`),
//! so a kill leaves nothing behind either.

mod temp;

use std::io::Write as _;
use std::os::unix::fs::FileExt as _;
use std::path::Path;

use crate::error::Error;
use crate::patch::Write;
use temp::TempFile;

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
fn temp_next_to(path: &Path) -> Result<TempFile, Error> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    TempFile::new_in(dir).map_err(io_error(
        path,
        "cannot create a temporary file next to the output",
    ))
}

/// Gives `tmp` the permissions of `path` if it exists, else of `mode_from`, then renames it
/// onto `path`.
fn finish(tmp: TempFile, path: &Path, mode_from: Option<&Path>) -> Result<(), Error> {
    let permissions = std::fs::metadata(path)
        .ok()
        .or_else(|| mode_from.and_then(|p| std::fs::metadata(p).ok()))
        .map(|m| m.permissions());
    if let Some(p) = permissions {
        tmp.as_file()
            .set_permissions(p)
            .map_err(io_error(path, "cannot set permissions of the output"))?;
    }
    tmp.persist(path).map_err(io_error(
        path,
        "cannot rename the temporary file onto the output",
    ))
}

/// Edits closer than this are written as one run (one vectored write, the unchanged bytes
/// between them taken from the mapped input) instead of separate kernel copies.
const COALESCE_GAP: usize = 64 * 1024;

/// Byte ranges covering every write of `sorted` (ordered by offset), merging neighbours
/// closer than [`COALESCE_GAP`].
fn coalesce(sorted: &[&Write]) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for w in sorted {
        let r = w.offset..w.offset + w.bytes.len();
        match out.last_mut() {
            Some(last) if r.start <= last.end + COALESCE_GAP => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Edited runs are assembled in a buffer of this size and written a buffer at a time: the
/// unchanged bytes between edits are copied in memory (fast, cache-hot) rather than handed to
/// the kernel as thousands of tiny vectors (each one costs the kernel more than the copy).
const STAGE: usize = 128 * 1024;

/// Writes `run` of the output: `original` with the `writes` inside it applied, which are
/// sorted by offset and do not overlap, through the reusable `stage` buffer.
fn write_run(
    file: &std::fs::File,
    original: &[u8],
    run: std::ops::Range<usize>,
    writes: &[&Write],
    stage: &mut Vec<u8>,
) -> std::io::Result<()> {
    let mut next = 0;
    let mut pos = run.start;
    while pos < run.end {
        let end = (pos + STAGE).min(run.end);
        stage.clear();
        stage.extend_from_slice(&original[pos..end]);
        // Writes that end before this chunk are done; one may straddle into the next chunk.
        while next < writes.len() && writes[next].offset + writes[next].bytes.len() <= pos {
            next += 1;
        }
        for w in writes[next..].iter().take_while(|w| w.offset < end) {
            let from = w.offset.max(pos);
            let to = (w.offset + w.bytes.len()).min(end);
            stage[from - pos..to - pos].copy_from_slice(&w.bytes[from - w.offset..to - w.offset]);
        }
        file.write_all_at(stage, pos as u64)?;
        pos = end;
    }
    Ok(())
}

/// Stretches shorter than this are written from memory rather than copied by the kernel.
const SMALL_COPY: usize = 16 * 1024;

/// Copies `range` of `source` to the same offsets of `dest` inside the kernel
/// (`copy_file_range`: no copy through this process, a reflink where the file system can).
/// Where the kernel cannot (another file system, an old kernel) or the input got shorter
/// since it was read, the rest comes from `original`, the bytes that were parsed.
fn copy_range(
    source: &std::fs::File,
    dest: &std::fs::File,
    original: &[u8],
    range: std::ops::Range<usize>,
) -> std::io::Result<()> {
    if range.len() < SMALL_COPY {
        // A kernel copy costs more to set up than a short write from memory.
        return dest.write_all_at(&original[range.clone()], range.start as u64);
    }
    let end = range.end as u64;
    let (mut at_in, mut at_out) = (range.start as u64, range.start as u64);
    while at_in < end {
        let want = (end - at_in).min(1 << 30) as usize;
        match rustix::fs::copy_file_range(source, Some(&mut at_in), dest, Some(&mut at_out), want) {
            Ok(0) => break,
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => {}
            // No space, file too large, I/O error: the same write from memory fails the same
            // way, with the error reported there.
            Err(_) => break,
        }
    }
    let rest = at_out as usize..range.end;
    dest.write_all_at(&original[rest.clone()], rest.start as u64)
}

/// Writes `input` with `writes` applied to `output` atomically. `original` is the content of
/// `input` that `writes` were computed from.
///
/// Every output byte is written once: the unchanged stretches are copied file to file by the
/// kernel, and each run of nearby edits is assembled from `original` (the mapped input) and
/// `writes` in a small reusable buffer and written from there.
pub fn write_patched_copy(
    input: &Path,
    original: &[u8],
    output: &Path,
    writes: &[Write],
) -> Result<(), Error> {
    let output = &resolve_target(output);
    let tmp = temp_next_to(output)?;
    let source = std::fs::File::open(input).map_err(io_error(input, "cannot reopen the input"))?;
    let failed = io_error(output, "cannot write the temporary output");
    let mut sorted: Vec<&Write> = writes.iter().filter(|w| !w.bytes.is_empty()).collect();
    // Binding produces its writes mostly in file order: then this is only a check.
    if !sorted.windows(2).all(|w| w[0].offset <= w[1].offset) {
        sorted.sort_by_key(|w| w.offset);
    }
    let mut done = 0;
    let mut next = 0;
    // Grown by the first run to at most STAGE bytes: a small object needs no 128 KiB buffer
    // (which malloc would map and unmap).
    let mut stage = Vec::new();
    let result = (|| {
        for run in coalesce(&sorted) {
            copy_range(&source, tmp.as_file(), original, done..run.start)?;
            let first = next;
            while next < sorted.len() && sorted[next].offset < run.end {
                next += 1;
            }
            let in_run = &sorted[first..next];
            let disjoint = in_run
                .windows(2)
                .all(|p| p[0].offset + p[0].bytes.len() <= p[1].offset);
            if disjoint {
                write_run(tmp.as_file(), original, run.clone(), in_run, &mut stage)?;
            } else {
                // Overlapping edits: the later one in `writes` wins, as in `patch::apply`.
                let mut chunk = original[run.clone()].to_vec();
                for w in writes
                    .iter()
                    .filter(|w| w.offset >= run.start && w.offset < run.end)
                {
                    let at = w.offset - run.start;
                    chunk[at..at + w.bytes.len()].copy_from_slice(&w.bytes);
                }
                tmp.as_file().write_all_at(&chunk, run.start as u64)?;
            }
            done = run.end;
        }
        copy_range(&source, tmp.as_file(), original, done..original.len())
    })();
    result.map_err(failed)?;
    finish(tmp, output, Some(input))
}

/// Writes `bytes` to `path` atomically. The new file gets the permissions of the file it
/// replaces, or of `mode_from` (the input) when `path` does not exist yet, like `cp` and
/// `objcopy`.
pub fn write_atomically(path: &Path, bytes: &[u8], mode_from: Option<&Path>) -> Result<(), Error> {
    let path = &resolve_target(path);
    let tmp = temp_next_to(path)?;
    tmp.as_file()
        .write_all(bytes)
        .map_err(io_error(path, "cannot write the temporary output"))?;
    finish(tmp, path, mode_from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patch::Bytes;

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
                bytes: Bytes::copy_from(b"N"),
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
            bytes: Bytes::copy_from(&vec![0; n]),
        };
        let writes = [w(10, 4), w(100, 8), w(200, 8), w(10_000_000, 4)];
        let sorted: Vec<&Write> = writes.iter().collect();
        assert_eq!(coalesce(&sorted), vec![10..208, 10_000_000..10_000_004]);
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
                bytes: Bytes::copy_from(&[0xaa; 4]),
            },
            Write {
                offset: 99_990,
                bytes: Bytes::copy_from(&[0xbb; 10]),
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
    fn patched_copy_matches_applying_the_writes_in_memory() {
        // Writes straddling the staging buffer's chunk boundaries, runs far apart (kernel copy
        // between them), writes at the very start and end, and overlapping writes (the later
        // one wins, as in `patch::apply`).
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.o");
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&input, &data).unwrap();
        let w = |offset: usize, len: usize, fill: u8| Write {
            offset,
            bytes: Bytes::copy_from(&vec![fill; len]),
        };
        let mut writes = vec![w(0, 3, 1), w(data.len() - 5, 5, 2)];
        for k in 0..200 {
            writes.push(w(400_000 + k * 1_003, 8, k as u8));
        }
        writes.push(w(STAGE - 4, 8, 0xee));
        writes.push(w(400_000 + 2 * STAGE - 3, 9, 0xdd));
        writes.push(w(2_000_000, 70_000, 0xcc));
        let disjoint_cases = writes.clone();
        let mut overlapping = writes.clone();
        overlapping.push(w(2_000_100, 16, 0xbb));
        overlapping.push(w(2_000_096, 4, 0xaa));
        for case in [disjoint_cases, overlapping] {
            let out = dir.path().join("out.o");
            let mut expected = data.clone();
            crate::patch::apply(&mut expected, &case);
            write_patched_copy(&input, &data, &out, &case).unwrap();
            assert!(std::fs::read(&out).unwrap() == expected);
        }
        assert!(std::fs::read(&input).unwrap() == data);
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
