//! The error type shared by the output formats.

use std::fmt;

/// Why an output format could not be produced from a [`crate::Model`].
///
/// Emitters only fail on models or options that cannot be rendered faithfully; they never
/// return partial output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmitError {
    /// The format needs the `DOC: eBPF Syscall Commands` block, which the input lacks.
    NoSyscallBlock,
    /// The syscall block documents a different number of commands than `enum bpf_cmd` lists
    /// (aliases such as `BPF_PROG_RUN = BPF_PROG_TEST_RUN` not counted). The kernel script
    /// refuses to print the syscall page or JSON for such a header, and so do we.
    SyscallCountMismatch {
        /// Commands documented in the `DOC: eBPF Syscall Commands` block.
        documented: usize,
        /// Entries of `enum bpf_cmd`.
        in_enum: usize,
        /// The first enum entry without documentation, if any.
        first_undocumented: Option<String>,
    },
    /// An option value would break the output's structure (for example a newline in the
    /// man page's `:Version:` field).
    BadOption {
        /// The option, as the command line spells it (e.g. `--man-version`).
        option: &'static str,
        /// The rejected value.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Writing JSON failed inside `serde_json` (not expected when writing to memory).
    Json(String),
    /// A prototype part that no C declaration can hold (a type or name with characters outside
    /// C identifiers): printing it would give a header that does not compile.
    NotC {
        /// The helper whose prototype has it.
        helper: String,
        /// 1-based line of that prototype in the input.
        line: usize,
        /// The offending type or name, as written.
        text: String,
    },
}

impl fmt::Display for EmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmitError::NoSyscallBlock => write!(
                f,
                "the input has no syscall documentation block ('DOC: eBPF Syscall Commands'); \
                 pick a bpf.h that documents the syscall commands"
            ),
            EmitError::SyscallCountMismatch {
                documented,
                in_enum,
                first_undocumented,
            } => {
                write!(
                    f,
                    "the syscall block documents {documented} commands but enum bpf_cmd has \
                     {in_enum}"
                )?;
                match first_undocumented {
                    Some(name) => write!(
                        f,
                        "; the description of {name} is missing or not formatted as \
                         ' * {name}' followed by Description and Return sections"
                    ),
                    None => write!(f, "; document each enum entry exactly once"),
                }
            }
            EmitError::BadOption {
                option,
                value,
                reason,
            } => write!(f, "{option} {value:?}: {reason}"),
            EmitError::Json(msg) => write!(f, "writing JSON failed: {msg}"),
            EmitError::NotC { helper, line, text } => write!(
                f,
                "line {line}: helper {helper}: `{text}` is not a C type or name; \
                 fix the prototype in the documentation comment"
            ),
        }
    }
}

impl std::error::Error for EmitError {}
