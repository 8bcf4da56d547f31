//! [`AsyncJournal`]: the journal as the async client uses it, never blocking its executor.
//! PostgreSQL is driven by tokio-postgres ([`crate::AsyncPostgresJournal`]); a blocking
//! journal (SQLite, or your own) runs on tokio's blocking threads through [`Blocking`].

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::{Claim, Entry, Journal, JournalError, NewEntry, Outcome};

/// The journal's operations, async: the same contract as [`Journal`].
#[async_trait::async_trait]
pub trait AsyncJournal: Send + Sync + std::fmt::Debug {
    /// See [`Journal::claim`].
    async fn claim(
        &self,
        call: &NewEntry,
        owner: &str,
        now: DateTime<Utc>,
    ) -> Result<Claim, JournalError>;

    /// See [`Journal::finish`].
    async fn finish(
        &self,
        reference: &str,
        outcome: &Outcome,
        now: DateTime<Utc>,
    ) -> Result<Entry, JournalError>;

    /// See [`Journal::entry`].
    async fn entry(&self, reference: &str) -> Result<Option<Entry>, JournalError>;

    /// See [`Journal::entries`].
    async fn entries(&self, in_doubt: bool) -> Result<Vec<Entry>, JournalError>;

    /// See [`Journal::first_delivery`].
    async fn first_delivery(&self, event: &dyn crate::Delivery) -> Result<bool, JournalError>;
}

/// A blocking [`Journal`] made async: each call runs on tokio's blocking threads
/// (`spawn_blocking`), so a SQLite fsync never stalls the executor.
#[derive(Debug, Clone)]
pub struct Blocking(pub Arc<dyn Journal>);

impl Blocking {
    async fn run<T: Send + 'static>(
        &self,
        call: impl FnOnce(&dyn Journal) -> Result<T, JournalError> + Send + 'static,
    ) -> Result<T, JournalError> {
        let journal = Arc::clone(&self.0);
        tokio::task::spawn_blocking(move || call(journal.as_ref()))
            .await
            .map_err(|err| JournalError::Storage(Box::new(err)))?
    }
}

#[async_trait::async_trait]
impl AsyncJournal for Blocking {
    async fn claim(
        &self,
        call: &NewEntry,
        owner: &str,
        now: DateTime<Utc>,
    ) -> Result<Claim, JournalError> {
        let (call, owner) = (call.clone(), owner.to_owned());
        self.run(move |journal| journal.claim(&call, &owner, now))
            .await
    }

    async fn finish(
        &self,
        reference: &str,
        outcome: &Outcome,
        now: DateTime<Utc>,
    ) -> Result<Entry, JournalError> {
        let (reference, outcome) = (reference.to_owned(), outcome.clone());
        self.run(move |journal| journal.finish(&reference, &outcome, now))
            .await
    }

    async fn entry(&self, reference: &str) -> Result<Option<Entry>, JournalError> {
        let reference = reference.to_owned();
        self.run(move |journal| journal.entry(&reference)).await
    }

    async fn entries(&self, in_doubt: bool) -> Result<Vec<Entry>, JournalError> {
        self.run(move |journal| journal.entries(in_doubt)).await
    }

    async fn first_delivery(&self, event: &dyn crate::Delivery) -> Result<bool, JournalError> {
        let event = event.delivery_key();
        self.run(move |journal| journal.first_delivery(&event))
            .await
    }
}
