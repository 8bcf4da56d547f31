//! [`PostgresJournal`]: the journal of a fleet. Workers on several machines share one database;
//! a claim is `INSERT ... ON CONFLICT (reference) DO NOTHING` in its own transaction, so of two
//! workers claiming one reference at the same moment exactly one inserts (the other waits for
//! its commit, then finds the entry), with no coordination of our own.

use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use postgres::{Client, NoTls};

use crate::{
    Claim, Entry, EntryState, Journal, JournalError, NewEntry, Outcome,
    row::{COLUMNS, FINISH, INSERT_VALUES, REOPEN, Row, TEXT_INDEXES, timestamp},
};

/// The fleet journal (see the [crate docs](crate)): one connection per handle; open one per
/// worker.
pub struct PostgresJournal {
    client: Mutex<Client>,
}

/// Never prints the connection string: it may hold a password.
impl std::fmt::Debug for PostgresJournal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresJournal").finish_non_exhaustive()
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS push_journal_entries (
    reference     TEXT PRIMARY KEY NOT NULL,
    operation     TEXT NOT NULL,
    state         TEXT NOT NULL,
    dedup         TEXT,
    digest        TEXT NOT NULL,
    amount        BIGINT,
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
CREATE INDEX IF NOT EXISTS push_journal_entries_by_state
    ON push_journal_entries (state, created_at);
CREATE TABLE IF NOT EXISTS push_journal_deliveries (
    event       TEXT PRIMARY KEY NOT NULL,
    received_at TEXT NOT NULL
);
";

fn storage(err: postgres::Error) -> JournalError {
    JournalError::Storage(Box::new(err))
}

fn read_row(row: &postgres::Row) -> Result<Row, JournalError> {
    let mut text: [Option<String>; 15] = Default::default();
    for (slot, index) in text.iter_mut().zip(TEXT_INDEXES) {
        *slot = row.try_get(index).map_err(storage)?;
    }
    Ok(Row {
        text,
        amount: row.try_get(5).map_err(storage)?,
    })
}

impl PostgresJournal {
    /// Connects (`postgres://user:password@host:port/db` or `host=... user=...`) and creates the
    /// tables if they are missing. An unreachable database is an error here, before anything
    /// is sent.
    pub fn connect(url: &str) -> Result<Self, JournalError> {
        let mut client = Client::connect(url, NoTls).map_err(storage)?;
        // Two workers creating the tables at once: one wins, the other sees them.
        if let Err(err) = client.batch_execute(SCHEMA) {
            let raced = err
                .code()
                .is_some_and(|code| code.code() == "23505" || code.code() == "42P07");
            if !raced {
                return Err(storage(err));
            }
        }
        Ok(Self {
            client: Mutex::new(client),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Client> {
        // A panic elsewhere mid-transaction leaves a client whose transaction was rolled back
        // when its guard dropped: keep using it.
        self.client
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn read(
        client: &mut impl postgres::GenericClient,
        reference: &str,
    ) -> Result<Option<Entry>, JournalError> {
        let row = client
            .query_opt(
                &format!("SELECT {COLUMNS} FROM push_journal_entries WHERE reference = $1"),
                &[&reference],
            )
            .map_err(storage)?;
        row.as_ref()
            .map(read_row)
            .transpose()?
            .map(Row::entry)
            .transpose()
    }
}

impl Journal for PostgresJournal {
    fn claim(
        &self,
        call: &NewEntry,
        owner: &str,
        now: DateTime<Utc>,
    ) -> Result<Claim, JournalError> {
        let mut client = self.lock();
        let mut transaction = client.transaction().map_err(storage)?;
        let created_at = timestamp(now);
        let inserted = transaction
            .execute(
                &format!("INSERT INTO push_journal_entries ({COLUMNS}) {INSERT_VALUES}"),
                &[
                    &call.reference,
                    &call.operation.as_str(),
                    &EntryState::Pending.as_str(),
                    &call.dedup,
                    &call.digest,
                    &call.amount,
                    &call.direction,
                    &call.user_id,
                    &owner,
                    &created_at,
                    &call.request,
                ],
            )
            .map_err(storage)?
            == 1;
        let reopened = !inserted
            && transaction
                .execute(
                    &format!("UPDATE push_journal_entries {REOPEN}"),
                    &[
                        &call.reference,
                        &owner,
                        &created_at,
                        &call.digest,
                        &call.operation.as_str(),
                    ],
                )
                .map_err(storage)?
                == 1;
        let entry = Self::read(&mut transaction, &call.reference)?
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
        let mut client = self.lock();
        let mut transaction = client.transaction().map_err(storage)?;
        // FOR UPDATE: two recoveries of one entry serialize here.
        let row = transaction
            .query_opt(
                "SELECT state FROM push_journal_entries WHERE reference = $1 FOR UPDATE",
                &[&reference],
            )
            .map_err(storage)?
            .ok_or_else(|| JournalError::not_found(reference))?;
        let state: String = row.try_get(0).map_err(storage)?;
        let state: EntryState = state.parse().map_err(JournalError::Corrupt)?;
        JournalError::check_unfinished(state, reference)?;
        let [id, status, detail, result] = outcome.columns();
        transaction
            .execute(
                &format!("UPDATE push_journal_entries {FINISH}"),
                &[
                    &reference,
                    &outcome.state().as_str(),
                    &timestamp(now),
                    &id,
                    &status,
                    &detail,
                    &result,
                ],
            )
            .map_err(storage)?;
        let entry = Self::read(&mut transaction, reference)?
            .ok_or_else(|| JournalError::not_found(reference))?;
        transaction.commit().map_err(storage)?;
        Ok(entry)
    }

    fn entry(&self, reference: &str) -> Result<Option<Entry>, JournalError> {
        Self::read(&mut *self.lock(), reference)
    }

    fn entries(&self, in_doubt: bool) -> Result<Vec<Entry>, JournalError> {
        let filter = if in_doubt {
            "WHERE state IN ('pending', 'unknown', 'needs_review')"
        } else {
            ""
        };
        let rows = self
            .lock()
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM push_journal_entries {filter} \
                     ORDER BY created_at, reference"
                ),
                &[],
            )
            .map_err(storage)?;
        rows.iter()
            .map(|row| read_row(row).and_then(Row::entry))
            .collect()
    }

    fn first_delivery(&self, event: &str, now: DateTime<Utc>) -> Result<bool, JournalError> {
        let inserted = self
            .lock()
            .execute(
                "INSERT INTO push_journal_deliveries (event, received_at) VALUES ($1, $2) \
                 ON CONFLICT (event) DO NOTHING",
                &[&event, &timestamp(now)],
            )
            .map_err(storage)?;
        Ok(inserted == 1)
    }
}
