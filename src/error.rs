//! The crate's one error type.

use std::path::PathBuf;

/// What went wrong, named so a caller can act on it.
///
/// The enum is `#[non_exhaustive]`: match with a `_` arm.
///
/// ```
/// use clonehound::{Error, Limits, Page};
/// let limits = Limits::default().with_max_page_bytes(16);
/// let err = Page::from_bytes(&[b'x'; 64], None, None, &limits).unwrap_err();
/// assert!(matches!(err, Error::TooLarge { limit: 16, actual: 64, .. }));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input exceeded a configured limit (see [`crate::Limits`]).
    #[error("{what} too large: {actual} exceeds the limit of {limit}")]
    TooLarge {
        /// What was measured (for example `"page bytes"`).
        what: &'static str,
        /// The configured limit.
        limit: u64,
        /// The measured size.
        actual: u64,
    },
    /// The input could not be decoded as the format it claims to be.
    #[error("cannot decode {what}: {reason}")]
    Decode {
        /// What was being decoded.
        what: &'static str,
        /// Why it failed.
        reason: String,
    },
    /// A favicon could not be read, decoded or hashed.
    #[error("favicon: {0}")]
    Favicon(String),
    /// Serialised data from a format version this build does not read.
    #[error("format version {found} is not supported (this build reads {supported})")]
    Format {
        /// The version found in the data.
        found: u32,
        /// The version this build reads and writes.
        supported: u32,
    },
    /// A site directory held no HTML page.
    #[error("no HTML page found in {0}")]
    EmptySite(PathBuf),
    /// A file that is deliberately not read: a device, a FIFO or a directory where a
    /// file was expected, a link out of a site directory, a broken link.
    #[error("{path}: not read: {reason}")]
    NotRead {
        /// The file named.
        path: PathBuf,
        /// Why it was not read.
        reason: &'static str,
    },
    /// A brands file that is not valid TOML of the documented shape, or names a brand
    /// whose pages cannot be read.
    #[error("{path}: {reason}")]
    Brands {
        /// The brands file.
        path: PathBuf,
        /// What is wrong, naming the brand or the line.
        reason: String,
    },
    /// Bad input to a command or a corpus file (names the line or field).
    #[error("invalid input: {0}")]
    Invalid(String),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// An [`Error::Io`] on `path`.
    ///
    /// ```
    /// use clonehound::Error;
    /// let e = Error::io("pages/a.html", std::io::Error::other("gone"));
    /// assert!(e.to_string().contains("pages/a.html"));
    /// ```
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// The error as a message about the file `path`, naming it once (the errors that
    /// carry a path name it already).
    ///
    /// ```
    /// use clonehound::Error;
    /// let e = Error::io("a.html", std::io::Error::other("gone"));
    /// assert_eq!(e.about("a.html"), "a.html: gone");
    /// assert_eq!(Error::Invalid("line 3".into()).about("p.jsonl"), "p.jsonl: invalid input: line 3");
    /// ```
    pub fn about(&self, path: impl AsRef<std::path::Path>) -> String {
        let path = path.as_ref();
        match self {
            Error::NotRead { path: p, .. }
            | Error::Io { path: p, .. }
            | Error::Brands { path: p, .. }
                if p == path =>
            {
                self.to_string()
            }
            _ => format!("{}: {self}", path.display()),
        }
    }
}

/// `Result` with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
