//! The one-call API for build scripts and the CLI: a `bpf.h` (path or text) in, any format out,
//! optionally written atomically to a file.
//!
//! ```no_run
//! // build.rs
//! use bpf_doc_gen::{generate_file, Format, Options};
//! let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("bpf_helper_defs.h");
//! let opts = Options { format: Format::BpfHelper, no_docs: true, ..Options::default() };
//! generate_file("/usr/include/linux/bpf.h".as_ref(), &out, &opts).unwrap();
//! println!("cargo:rerun-if-changed=/usr/include/linux/bpf.h");
//! ```

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::emit::header::{HeaderOptions, HeaderStyle};
use crate::emit::rst::{RstOptions, RstStyle};
use crate::emit::{bpf_helper, header, json, rst, syscall_rst, EmitError};
use crate::model::Model;
use crate::parse::{self, ParseError};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// The kernel's `bpf_helper_defs.h` (`bpf_doc.py --header`).
    #[default]
    Header,
    /// The same header with every helper declared through `BPF_HELPER(...)`.
    BpfHelper,
    /// The `bpf-helpers(7)` man-page source (`bpf_doc.py`).
    Rst,
    /// The `bpf(2)` man-page source (`bpf_doc.py syscall`).
    SyscallRst,
    /// The helpers as JSON (`bpf_doc.py --json`, plus each helper's `id`).
    Json,
    /// The syscall commands as JSON (`bpf_doc.py --json syscall`).
    SyscallJson,
}

/// Which kernel script generation to imitate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compat {
    /// The newest script.
    #[default]
    Newest,
    /// Linux 6.1's script (`--compat 6.1`).
    Linux6_1,
}

/// Everything that selects an output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Output format.
    pub format: Format,
    /// Script generation to reproduce.
    pub compat: Compat,
    /// Header formats: leave out documentation text (prototypes and IDs only). The man-page
    /// and JSON formats are documentation and ignore it.
    pub no_docs: bool,
    /// Man pages: the `:Version:` field (`Linux VERSION`); `None` prints `Linux`.
    pub man_version: Option<String>,
    /// Man pages: the `:Date:` field; `None` leaves it out.
    pub man_date: Option<String>,
}

/// Renders `model` in the format `opts` selects.
pub fn render(model: &Model, opts: &Options) -> Result<String, EmitError> {
    let header_opts = HeaderOptions {
        style: match opts.compat {
            Compat::Newest => HeaderStyle::Newest,
            Compat::Linux6_1 => HeaderStyle::Linux6_1,
        },
        no_docs: opts.no_docs,
    };
    let rst_opts = || RstOptions {
        kernel_version: opts.man_version.clone(),
        date: opts.man_date.clone(),
        style: match opts.compat {
            Compat::Newest => RstStyle::Newest,
            Compat::Linux6_1 => RstStyle::Linux6_1,
        },
    };
    match opts.format {
        Format::Header => header::helpers_header(model, &header_opts),
        Format::BpfHelper => bpf_helper::bpf_helper_header(model, &header_opts),
        Format::Rst => rst::helpers_rst(model, &rst_opts()),
        Format::SyscallRst => syscall_rst::syscalls_rst(model, &rst_opts()),
        Format::Json => json::helpers_json(model),
        Format::SyscallJson => json::syscalls_json(model),
    }
}

/// Parses `bpf_h` and renders it. `file_name` names the input in errors.
pub fn generate_str(bpf_h: &str, file_name: &str, opts: &Options) -> Result<String, Error> {
    let model = parse::parse_str(bpf_h, file_name)?;
    render(&model, opts).map_err(|source| Error::Emit {
        file: file_name.to_string(),
        source,
    })
}

/// Reads `input`, renders it and writes the result to `output` atomically: a temporary file in
/// the same directory, renamed over `output` only when complete. On error `output` is left
/// as it was.
pub fn generate_file(input: &Path, output: &Path, opts: &Options) -> Result<(), Error> {
    let model = parse::parse_file(input)?;
    let text = render(&model, opts).map_err(|source| Error::Emit {
        file: input.display().to_string(),
        source,
    })?;
    write_atomic(output, text.as_bytes()).map_err(|source| Error::Write {
        path: output.to_path_buf(),
        source,
    })
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so
/// readers see either the old file or the complete new one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let existing = std::fs::metadata(path).ok().map(|m| m.permissions());
    let mut builder = tempfile::Builder::new();
    builder.prefix(".bpf-doc-gen.");
    // A temporary file is private (0600); the output should get the mode any newly created
    // file gets (0666 less the umask), or keep the mode of the file it replaces.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    if let Some(permissions) = existing {
        tmp.as_file().set_permissions(permissions)?;
    }
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Why [`generate_file`] or [`generate_str`] failed.
#[derive(Debug)]
pub enum Error {
    /// The input could not be read or parsed.
    Parse(ParseError),
    /// The input parsed but cannot be rendered in the chosen format.
    Emit {
        /// The input's name.
        file: String,
        /// Why.
        source: EmitError,
    },
    /// The output could not be written.
    Write {
        /// The output path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl From<ParseError> for Error {
    fn from(e: ParseError) -> Self {
        Error::Parse(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Parse(e) => write!(f, "{e}"),
            Error::Emit {
                file,
                source: EmitError::NotC { helper, line, text },
            } => write!(
                f,
                "{file}:{line}: helper {helper}: `{text}` is not a C type or name; \
                 fix the prototype in the documentation comment"
            ),
            Error::Emit { file, source } => write!(f, "{file}: {source}"),
            Error::Write { path, source } => {
                write!(f, "{}: cannot write: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Parse(e) => Some(e),
            Error::Emit { source, .. } => Some(source),
            Error::Write { source, .. } => Some(source),
        }
    }
}
