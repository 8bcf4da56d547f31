//! [`JournalTarget`]: where a client's write-ahead journal is (the `push-journal` crate opens
//! it; this crate only carries it, so a client without the journal compiles none of it).

use std::{any::Any, fmt, sync::Arc};

/// Where the write-ahead journal of money-moving calls is: a location the client opens, or a
/// journal already opened.
#[derive(Clone)]
#[non_exhaustive]
pub enum JournalTarget {
    /// A SQLite file path, or a `postgres://` / `postgresql://` URL (`PUSH_JOURNAL`).
    Location(String),
    /// A journal already opened (`push_journal::SqliteJournal`, `PostgresJournal`, or your
    /// own), held type-erased: the client downcasts it.
    Handle(Arc<dyn Any + Send + Sync>),
}

impl JournalTarget {
    /// Whether `location` names a PostgreSQL database rather than a file.
    pub fn is_postgres_url(location: &str) -> bool {
        location.starts_with("postgres://") || location.starts_with("postgresql://")
    }
}

/// Never prints a database URL: it may hold a password.
impl fmt::Debug for JournalTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JournalTarget::Location(location) if Self::is_postgres_url(location) => {
                f.write_str("Location(postgres://…)")
            }
            JournalTarget::Location(location) => f.debug_tuple("Location").field(location).finish(),
            JournalTarget::Handle(_) => f.write_str("Handle(..)"),
        }
    }
}

impl From<&str> for JournalTarget {
    fn from(location: &str) -> Self {
        JournalTarget::Location(location.to_owned())
    }
}

impl From<String> for JournalTarget {
    fn from(location: String) -> Self {
        JournalTarget::Location(location)
    }
}

impl From<&std::path::Path> for JournalTarget {
    fn from(path: &std::path::Path) -> Self {
        JournalTarget::Location(path.to_string_lossy().into_owned())
    }
}

impl From<std::path::PathBuf> for JournalTarget {
    fn from(path: std::path::PathBuf) -> Self {
        JournalTarget::from(path.as_path())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_url_is_never_printed() {
        let target = JournalTarget::from("postgres://app:hunter2@db:5432/push");
        assert!(!format!("{target:?}").contains("hunter2"));
        assert!(format!("{:?}", JournalTarget::from("/tmp/j.sqlite3")).contains("/tmp/j.sqlite3"));
    }
}
