//! Opening the journal a client's [`JournalTarget`] names.

use std::sync::Arc;

use push_core::JournalTarget;

use crate::{Journal, JournalError};

/// The journal `target` names: a SQLite file (created if missing), a `postgres://` URL (feature
/// `postgres`), or a journal already opened. Any failure is an error here, before a client
/// sends anything.
pub fn open(target: &JournalTarget) -> Result<Arc<dyn Journal>, JournalError> {
    match target {
        JournalTarget::Location(location) if JournalTarget::is_postgres_url(location) => {
            #[cfg(feature = "postgres")]
            {
                Ok(Arc::new(crate::PostgresJournal::connect(location)?))
            }
            #[cfg(not(feature = "postgres"))]
            {
                Err(JournalError::Storage(
                    "a PostgreSQL journal needs push-journal's `postgres` feature".into(),
                ))
            }
        }
        JournalTarget::Location(location) => {
            #[cfg(feature = "sqlite")]
            {
                Ok(Arc::new(crate::SqliteJournal::open(location)?))
            }
            #[cfg(not(feature = "sqlite"))]
            {
                let _ = location;
                Err(JournalError::Storage(
                    "a SQLite journal needs push-journal's `sqlite` feature".into(),
                ))
            }
        }
        JournalTarget::Handle(handle) => handle
            .downcast_ref::<Arc<dyn Journal>>()
            .cloned()
            .ok_or_else(|| {
                JournalError::Storage("the journal handle is not a push_journal::Journal".into())
            }),
        other => Err(JournalError::Storage(
            format!("a journal target this version cannot open: {other:?}").into(),
        )),
    }
}

/// A journal of your own (or a shared one) as a client's journal:
/// `Client::builder().journal(push_journal::target(journal))`.
pub fn target(journal: impl Journal + 'static) -> JournalTarget {
    shared(Arc::new(journal))
}

/// [`target`] of a journal shared with other code (a webhook receiver, say).
pub fn shared(journal: Arc<dyn Journal>) -> JournalTarget {
    JournalTarget::Handle(Arc::new(journal))
}

#[cfg(feature = "sqlite")]
impl From<crate::SqliteJournal> for JournalTarget {
    fn from(journal: crate::SqliteJournal) -> Self {
        target(journal)
    }
}

#[cfg(feature = "postgres")]
impl From<crate::PostgresJournal> for JournalTarget {
    fn from(journal: crate::PostgresJournal) -> Self {
        target(journal)
    }
}

/// The journal `target` names, for the async client: PostgreSQL through tokio-postgres, a
/// SQLite file (or any blocking journal) on tokio's blocking threads. Must run inside a tokio
/// runtime.
#[cfg(feature = "tokio")]
pub async fn open_async(
    target: &JournalTarget,
) -> Result<Arc<dyn crate::AsyncJournal>, JournalError> {
    match target {
        JournalTarget::Location(location) if JournalTarget::is_postgres_url(location) => {
            #[cfg(feature = "postgres")]
            {
                Ok(Arc::new(
                    crate::AsyncPostgresJournal::connect(location).await?,
                ))
            }
            #[cfg(not(feature = "postgres"))]
            {
                Err(JournalError::Storage(
                    "a PostgreSQL journal needs push-journal's `postgres` feature".into(),
                ))
            }
        }
        JournalTarget::Handle(handle) => {
            if let Some(journal) = handle.downcast_ref::<Arc<dyn crate::AsyncJournal>>() {
                return Ok(Arc::clone(journal));
            }
            let blocking = open(target)?;
            Ok(Arc::new(crate::Blocking(blocking)))
        }
        other => {
            // Opening a file touches the disk: off the executor's threads too.
            let other = other.clone();
            let blocking = tokio::task::spawn_blocking(move || open(&other))
                .await
                .map_err(|err| JournalError::Storage(Box::new(err)))??;
            Ok(Arc::new(crate::Blocking(blocking)))
        }
    }
}

/// An async journal (an [`crate::AsyncPostgresJournal`], say) as the async client's journal.
#[cfg(feature = "tokio")]
pub fn shared_async(journal: Arc<dyn crate::AsyncJournal>) -> JournalTarget {
    JournalTarget::Handle(Arc::new(journal))
}
