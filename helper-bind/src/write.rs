//! Atomic output: the bytes go to a temporary file in the destination's directory, which is
//! then renamed over the destination. A crash or kill leaves either the old file or the new
//! one, never a truncated mix, and the input is only replaced when writing in place.

use std::io::Write as _;
use std::path::Path;

use crate::error::Error;

/// Writes `bytes` to `path` atomically. The new file gets the permissions of the file it
/// replaces, or of `mode_from` (the input) when `path` does not exist yet, like `cp` and
/// `objcopy`.
pub fn write_atomically(path: &Path, bytes: &[u8], mode_from: Option<&Path>) -> Result<(), Error> {
    let io = |action: &'static str| {
        move |source: std::io::Error| Error::Io {
            path: path.to_path_buf(),
            action,
            source,
        }
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".helper-bind-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io("cannot create a temporary file next to the output"))?;
    tmp.write_all(bytes)
        .map_err(io("cannot write the temporary output"))?;
    let permissions = std::fs::metadata(path)
        .ok()
        .or_else(|| mode_from.and_then(|p| std::fs::metadata(p).ok()))
        .map(|m| m.permissions());
    if let Some(p) = permissions {
        tmp.as_file()
            .set_permissions(p)
            .map_err(io("cannot set permissions of the output"))?;
    }
    tmp.persist(path)
        .map_err(|e| io("cannot rename the temporary file onto the output")(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn failure_names_the_path_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("missing-dir").join("x.o");
        let e = write_atomically(&out, b"x", None).unwrap_err();
        assert!(e.to_string().contains("missing-dir"), "{e}");
        assert_eq!(e.exit_code(), 2);
        assert!(!out.exists());
    }
}
