//! What can go wrong with the journal. A journal the client cannot write is an error before
//! sending, never a silent skip.

use std::fmt;

/// A journal failure.
#[derive(Debug)]
#[non_exhaustive]
pub enum JournalError {
    /// The store refused or failed (cannot open, disk full, locked past the busy timeout).
    Storage(Box<dyn std::error::Error + Send + Sync>),
    /// The reference is held for another request (its digest differs): refused, so that one
    /// reference never answers with another request's result.
    ReferenceReused {
        /// The reference.
        reference: String,
    },
    /// No entry under this reference.
    NotFound {
        /// The reference.
        reference: String,
    },
    /// The entry already holds a final outcome.
    AlreadyFinished {
        /// The reference.
        reference: String,
    },
    /// A stored value could not be read back (a file written by something else).
    Corrupt(String),
}

impl fmt::Display for JournalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JournalError::Storage(err) => write!(f, "the journal could not be written: {err}"),
            JournalError::ReferenceReused { reference } => write!(
                f,
                "reference `{reference}` is already used for a different request"
            ),
            JournalError::NotFound { reference } => {
                write!(f, "no journal entry for reference `{reference}`")
            }
            JournalError::AlreadyFinished { reference } => {
                write!(f, "the journal entry `{reference}` is already finished")
            }
            JournalError::Corrupt(what) => {
                write!(f, "the journal holds an unreadable value: {what}")
            }
        }
    }
}

/// What the backends share.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
impl JournalError {
    pub(crate) fn not_found(reference: &str) -> Self {
        JournalError::NotFound {
            reference: reference.to_owned(),
        }
    }

    /// An entry read back inside the transaction that wrote it is missing.
    pub(crate) fn vanished(reference: &str) -> Self {
        JournalError::Corrupt(format!("entry `{reference}` vanished"))
    }

    /// `finish` may change an entry only while it is in doubt.
    pub(crate) fn check_unfinished(state: crate::EntryState, reference: &str) -> Result<(), Self> {
        if state.is_in_doubt() {
            Ok(())
        } else {
            Err(JournalError::AlreadyFinished {
                reference: reference.to_owned(),
            })
        }
    }
}

impl std::error::Error for JournalError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            JournalError::Storage(err) => Some(err.as_ref()),
            _ => None,
        }
    }
}
