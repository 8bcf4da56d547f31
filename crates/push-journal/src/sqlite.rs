//! [`SqliteJournal`]: one file, no server. WAL with `synchronous = FULL`: a claim is fsynced
//! before [`Journal::claim`] returns, so a process killed right after it (before or while the
//! request leaves) finds the entry on restart. Several processes may share the file: every
//! method is one `IMMEDIATE` transaction, so two claims of one reference serialize and exactly
//! one is fresh.

use std::{
    path::Path,
    sync::{Mutex, MutexGuard},
    time::Duration,
};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::{
    Claim, Entry, EntryState, Journal, JournalError, NewEntry, Outcome,
    row::{COLUMNS, FINISH, INSERT_VALUES, REOPEN, Row, TEXT_INDEXES, timestamp},
};

/// The embedded journal: one file, no server. WAL with `synchronous = FULL`: a claim is
/// fsynced before [`Journal::claim`] returns, so a process killed right after it finds the
/// entry on restart. Several processes may share the file: every method is one `IMMEDIATE`
/// transaction, so two claims of one reference serialize and exactly one is fresh.
#[derive(Debug)]
pub struct SqliteJournal {
    connection: Mutex<Connection>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS entries (
    reference     TEXT PRIMARY KEY NOT NULL,
    operation     TEXT NOT NULL,
    state         TEXT NOT NULL,
    dedup         TEXT,
    digest        TEXT NOT NULL,
    amount        INTEGER,
    direction     TEXT,
    user_id       TEXT,
    owner         TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    finished_at   TEXT,
    result_id     TEXT,
    result_status TEXT,
    detail        TEXT,
    request       TEXT,
    result        TEXT
);
CREATE INDEX IF NOT EXISTS entries_by_state ON entries (state, created_at);
CREATE TABLE IF NOT EXISTS deliveries (
    event       TEXT PRIMARY KEY NOT NULL,
    received_at TEXT NOT NULL
);
";

/// How durable the next commit must be.
enum Durability {
    /// Fsynced before the commit returns (`synchronous = FULL`): a claim, a delivery.
    Fsync,
    /// Written to the WAL without an fsync (`synchronous = NORMAL`): an outcome. A kill -9
    /// keeps it (it is in the operating system's cache); a power loss may take it back to the
    /// entry's claim, still durable, which recovery then resolves again (by key, tag or read):
    /// half the fsyncs of a call, nothing lost.
    Deferred,
}

fn durability(connection: &Connection, durability: Durability) -> Result<(), JournalError> {
    let level = match durability {
        Durability::Fsync => "FULL",
        Durability::Deferred => "NORMAL",
    };
    connection
        .pragma_update(None, "synchronous", level)
        .map_err(storage)
}

/// The backends' shared statements number their parameters `$n`; SQLite's form is `?n`.
fn sql(statement: &str) -> String {
    statement.replace('$', "?")
}

fn storage(err: rusqlite::Error) -> JournalError {
    JournalError::Storage(Box::new(err))
}

fn read_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    let mut text: [Option<String>; 15] = Default::default();
    for (slot, index) in text.iter_mut().zip(TEXT_INDEXES) {
        *slot = row.get(index)?;
    }
    Ok(Row {
        text,
        amount: row.get(5)?,
    })
}

impl SqliteJournal {
    /// Opens (creating it, with its folders' parent required to exist) the journal at `path`.
    /// An unwritable path is an error here, before anything is sent.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, JournalError> {
        let connection = Connection::open(path.as_ref()).map_err(storage)?;
        connection
            .busy_timeout(Duration::from_secs(10))
            .map_err(storage)?;
        // WAL: readers never block the writer; FULL: every commit is fsynced, so a claim is
        // durable when `claim` returns (what buys crash safety, at one fsync a call).
        connection
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(storage)?;
        connection
            .pragma_update(None, "synchronous", "FULL")
            .map_err(storage)?;
        connection.execute_batch(SCHEMA).map_err(storage)?;
        Ok(Self {
            connection: Mutex::new(connection),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic elsewhere while holding the lock leaves a connection behind that SQLite
        // rolled back to its last commit: keep using it.
        self.connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn read(connection: &Connection, reference: &str) -> Result<Option<Entry>, JournalError> {
        let row = connection
            .query_row(
                &format!("SELECT {COLUMNS} FROM entries WHERE reference = ?1"),
                params![reference],
                read_row,
            )
            .optional()
            .map_err(storage)?;
        row.map(Row::entry).transpose()
    }
}

impl Journal for SqliteJournal {
    fn claim(
        &self,
        call: &NewEntry,
        owner: &str,
        now: DateTime<Utc>,
    ) -> Result<Claim, JournalError> {
        let mut connection = self.lock();
        durability(&connection, Durability::Fsync)?;
        let transaction = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(storage)?;
        let inserted = transaction
            .execute(
                &format!("INSERT INTO entries ({COLUMNS}) {}", sql(INSERT_VALUES)),
                params![
                    call.reference,
                    call.operation.as_str(),
                    EntryState::Pending.as_str(),
                    call.dedup,
                    call.digest,
                    call.amount,
                    call.direction,
                    call.user_id,
                    owner,
                    timestamp(now),
                    call.request,
                ],
            )
            .map_err(storage)?
            == 1;
        let reopened = !inserted
            && transaction
                .execute(
                    &format!("UPDATE entries {}", sql(REOPEN)),
                    params![
                        call.reference,
                        owner,
                        timestamp(now),
                        call.digest,
                        call.operation.as_str(),
                    ],
                )
                .map_err(storage)?
                == 1;
        let entry = Self::read(&transaction, &call.reference)?
            .ok_or_else(|| JournalError::vanished(&call.reference))?;
        transaction.commit().map_err(storage)?;
        Claim::decide(inserted || reopened, entry, call)
    }

    fn finish(
        &self,
        reference: &str,
        outcome: &Outcome,
        now: DateTime<Utc>,
    ) -> Result<Entry, JournalError> {
        let mut connection = self.lock();
        durability(&connection, Durability::Deferred)?;
        let transaction = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(storage)?;
        let entry = Self::read(&transaction, reference)?
            .ok_or_else(|| JournalError::not_found(reference))?;
        JournalError::check_unfinished(entry.state, reference)?;
        let [id, status, detail, result] = outcome.columns();
        transaction
            .execute(
                &format!("UPDATE entries {}", sql(FINISH)),
                params![
                    reference,
                    outcome.state().as_str(),
                    timestamp(now),
                    id,
                    status,
                    detail,
                    result,
                ],
            )
            .map_err(storage)?;
        let entry = Self::read(&transaction, reference)?
            .ok_or_else(|| JournalError::not_found(reference))?;
        transaction.commit().map_err(storage)?;
        Ok(entry)
    }

    fn entry(&self, reference: &str) -> Result<Option<Entry>, JournalError> {
        Self::read(&self.lock(), reference)
    }

    fn entries(&self, in_doubt: bool) -> Result<Vec<Entry>, JournalError> {
        let connection = self.lock();
        let filter = if in_doubt {
            "WHERE state IN ('pending', 'unknown', 'needs_review')"
        } else {
            ""
        };
        let mut statement = connection
            .prepare(&format!(
                "SELECT {COLUMNS} FROM entries {filter} ORDER BY created_at, reference"
            ))
            .map_err(storage)?;
        let rows = statement
            .query_map([], read_row)
            .map_err(storage)?
            .collect::<Result<Vec<Row>, _>>()
            .map_err(storage)?;
        rows.into_iter().map(Row::entry).collect()
    }

    fn first_delivery(&self, event: &dyn crate::Delivery) -> Result<bool, JournalError> {
        let (event, now) = (event.delivery_key(), Utc::now());
        let connection = self.lock();
        durability(&connection, Durability::Fsync)?;
        let inserted = connection
            .execute(
                "INSERT INTO deliveries (event, received_at) VALUES (?1, ?2) \
                 ON CONFLICT (event) DO NOTHING",
                params![event, timestamp(now)],
            )
            .map_err(storage)?;
        Ok(inserted == 1)
    }
}
