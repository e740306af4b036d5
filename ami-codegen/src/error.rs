//! The generator's error type: what went wrong, and in which file.

use std::fmt;
use std::path::PathBuf;

/// Why generation failed.
#[derive(Debug)]
pub enum Error {
    /// A spec file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A spec file is not well-formed XML.
    Xml {
        /// The file (or `<input>` for in-memory text).
        path: PathBuf,
        /// Byte offset of the problem.
        position: u64,
        /// The parser's message.
        message: String,
    },
    /// The spec is well-formed but cannot be used.
    Spec {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// No input files were given.
    NoInput,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Xml { path, position, message } => {
                write!(f, "{}: invalid XML at byte {position}: {message}", path.display())
            }
            Error::Spec { path, message } => write!(f, "{}: {message}", path.display()),
            Error::NoInput => f.write_str("no spec files given"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
