//! The one error type of [`crate::table`].

use std::fmt;
use std::path::PathBuf;

/// Why a helper table could not be read.
#[derive(Debug)]
pub enum TableError {
    /// A file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A line does not have the expected form, or contradicts another line.
    Invalid {
        /// The file name used in messages (a path, or a name given by the caller).
        file: String,
        /// 1-based line number.
        line: usize,
        /// What was expected or what is wrong, and where relevant what to do.
        message: String,
    },
}

impl TableError {
    /// An [`TableError::Invalid`] at `file:line`.
    pub(crate) fn invalid(file: &str, line: usize, message: impl Into<String>) -> Self {
        TableError::Invalid {
            file: file.to_string(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TableError::Io { path, source } => {
                write!(f, "{}: cannot read: {source}", path.display())
            }
            TableError::Invalid {
                file,
                line,
                message,
            } => write!(f, "{file}:{line}: {message}"),
        }
    }
}

impl std::error::Error for TableError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TableError::Io { source, .. } => Some(source),
            TableError::Invalid { .. } => None,
        }
    }
}
