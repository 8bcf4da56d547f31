//! A write-ahead journal of push-rs's money-moving calls, so that a process killed at any
//! instruction pays nothing twice and loses nothing: every call is written, durably, before any
//! byte of its request leaves, under the caller's **reference** (what they would retry by), and
//! its outcome is written when the answer comes. A reference already held is never sent blindly:
//! a finished entry answers with its recorded result, an entry in doubt is resolved first.
//!
//! One trait, [`Journal`], and its backends:
//! - [`SqliteJournal`] (feature `sqlite`, default): one file, WAL, `synchronous = FULL` (a
//!   claim is on disk before [`Journal::claim`] returns), no server.
//! - [`PostgresJournal`] and [`AsyncPostgresJournal`] (feature `postgres`, default; through
//!   tokio-postgres): a fleet of workers on several machines shares one PostgreSQL database; `INSERT ... ON CONFLICT DO NOTHING` makes exactly one claim
//!   of a reference fresh, atomically in the database.
//!
//! Every backend passes the same [`conformance`] suite.
//!
//! The journal never holds a secret: no API token, card number, CVV or webhook secret (the
//! request digest is taken with them masked).
//!
//! ```
//! # #[cfg(feature = "sqlite")] {
//! use push_journal::{Claim, Journal, NewEntry, OperationKind, Outcome, SqliteJournal};
//! let dir = std::env::temp_dir().join(format!("push-journal-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).unwrap();
//! let journal = SqliteJournal::open(dir.join("journal.sqlite3")).unwrap();
//! let call = NewEntry::new("order-1001", OperationKind::CreateIntent, "digest-1")
//!     .dedup("order-1001")
//!     .money(1450, "cash_in");
//! let now = chrono::Utc::now();
//! assert!(matches!(journal.claim(&call, "worker-1", now).unwrap(), Claim::Fresh(_)));
//! // ... send; Push answers ...
//! let done = Outcome::Done { id: "intent_1".into(), status: "approved".into(), result: None };
//! journal.finish("order-1001", &done, now).unwrap();
//! // The same reference again: the recorded result, nothing sent.
//! let Claim::Finished(entry) = journal.claim(&call, "worker-2", now).unwrap() else { panic!() };
//! assert_eq!(entry.result_id.as_deref(), Some("intent_1"));
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # }
//! ```
#![forbid(unsafe_code)]
// docs.rs builds with `--cfg docsrs` on nightly: each item shows the feature it needs
// (`doc_auto_cfg` was folded into `doc_cfg`; naming it fails the docs.rs build).
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "tokio")]
mod asynchronous;
pub mod conformance;
mod entry;
mod error;
pub mod flow;
#[cfg(feature = "postgres")]
mod postgres;
pub mod recovery;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod row;
#[cfg(feature = "sqlite")]
mod sqlite;
mod target;

use chrono::{DateTime, Utc};

#[cfg(feature = "tokio")]
pub use asynchronous::{AsyncJournal, Blocking};
pub use entry::{Claim, Entry, EntryState, NewEntry, OperationKind, Outcome};
pub use error::JournalError;
pub use flow::{Delivery, InDoubt, Owner, Recorded, Recovered, delivery_key};
#[cfg(feature = "postgres")]
pub use postgres::{AsyncPostgresJournal, PostgresJournal};
pub use recovery::{Recovery, RecoveryAnswer, RecoveryRequest};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteJournal;
pub use target::{open, shared, target};
#[cfg(feature = "tokio")]
pub use target::{open_async, shared_async};

/// The journal: claims, outcomes, listings and webhook deliveries. Every method is one
/// transaction, durable when it returns.
pub trait Journal: Send + Sync + std::fmt::Debug {
    /// Writes `call` ahead under its reference, atomically: [`Claim::Fresh`] when the reference
    /// was new (the caller sends), else what the journal holds for it ([`Claim::Finished`]:
    /// answer with it; [`Claim::InDoubt`]: resolve first). The same reference with another
    /// request digest is [`JournalError::ReferenceReused`], never another's result.
    fn claim(
        &self,
        call: &NewEntry,
        owner: &str,
        now: DateTime<Utc>,
    ) -> Result<Claim, JournalError>;

    /// Records the outcome of the entry under `reference`. A finished entry is not changed
    /// again ([`JournalError::AlreadyFinished`]); an in-doubt one may be, as recovery learns.
    fn finish(
        &self,
        reference: &str,
        outcome: &Outcome,
        now: DateTime<Utc>,
    ) -> Result<Entry, JournalError>;

    /// The entry under `reference`.
    fn entry(&self, reference: &str) -> Result<Option<Entry>, JournalError>;

    /// Every entry, oldest first; only those in doubt when `in_doubt` is set.
    fn entries(&self, in_doubt: bool) -> Result<Vec<Entry>, JournalError>;

    /// True the first time `event` is offered, false every later time, across restarts: a
    /// receiver handles each event once. `event` is a verified [`push_core::WebhookEvent`]
    /// (its [`delivery_key`]), or any identity of your own (`&"evt_1"`, a `String`).
    fn first_delivery(&self, event: &dyn Delivery) -> Result<bool, JournalError>;
}
