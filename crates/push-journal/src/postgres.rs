//! The journal of a fleet, on PostgreSQL: [`AsyncPostgresJournal`] through tokio-postgres (the
//! async client's journal, never blocking its executor), and [`PostgresJournal`], the same
//! statements driven on a small runtime of its own for blocking programs. Workers on several
//! machines share one database; a claim is `INSERT ... ON CONFLICT (reference) DO NOTHING` in
//! its own transaction, so of two workers claiming one reference at the same moment exactly one
//! inserts (the other waits for its commit, then finds the entry), with no coordination of our
//! own.

use chrono::{DateTime, Utc};
use tokio::sync::Mutex;
use tokio_postgres::{Client, GenericClient, NoTls};

use crate::{
    AsyncJournal, Claim, Entry, EntryState, Journal, JournalError, NewEntry, Outcome,
    row::{COLUMNS, FINISH, INSERT_VALUES, REOPEN, Row, TEXT_INDEXES, timestamp},
};

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

fn storage(err: tokio_postgres::Error) -> JournalError {
    JournalError::Storage(Box::new(err))
}

fn read_row(row: &tokio_postgres::Row) -> Result<Row, JournalError> {
    let mut text: [Option<String>; 15] = Default::default();
    for (slot, index) in text.iter_mut().zip(TEXT_INDEXES) {
        *slot = row.try_get(index).map_err(storage)?;
    }
    Ok(Row {
        text,
        amount: row.try_get(5).map_err(storage)?,
    })
}

/// The fleet journal for async programs (see the [crate docs](crate)): one connection per
/// handle, its connection task spawned on the runtime that connects it.
pub struct AsyncPostgresJournal {
    client: Mutex<Client>,
}

/// Never prints the connection string: it may hold a password.
impl std::fmt::Debug for AsyncPostgresJournal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncPostgresJournal")
            .finish_non_exhaustive()
    }
}

impl AsyncPostgresJournal {
    /// Connects (`postgres://user:password@host:port/db` or `host=... user=...`) and creates the
    /// tables if they are missing; must run inside a tokio runtime. An unreachable database is
    /// an error here, before anything is sent.
    pub async fn connect(url: &str) -> Result<Self, JournalError> {
        let (client, connection) = tokio_postgres::connect(url, NoTls).await.map_err(storage)?;
        tokio::spawn(async move {
            // Ends when the client is dropped or the server goes away; calls then fail.
            let _ = connection.await;
        });
        // Two workers creating the tables at once: one wins, the other sees them.
        if let Err(err) = client.batch_execute(SCHEMA).await {
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

    async fn read(
        client: &impl GenericClient,
        reference: &str,
    ) -> Result<Option<Entry>, JournalError> {
        let row = client
            .query_opt(
                &format!("SELECT {COLUMNS} FROM push_journal_entries WHERE reference = $1"),
                &[&reference],
            )
            .await
            .map_err(storage)?;
        row.as_ref()
            .map(read_row)
            .transpose()?
            .map(Row::entry)
            .transpose()
    }
}

#[async_trait::async_trait]
impl AsyncJournal for AsyncPostgresJournal {
    async fn claim(
        &self,
        call: &NewEntry,
        owner: &str,
        now: DateTime<Utc>,
    ) -> Result<Claim, JournalError> {
        let mut client = self.client.lock().await;
        let transaction = client.transaction().await.map_err(storage)?;
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
            .await
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
                .await
                .map_err(storage)?
                == 1;
        let entry = Self::read(&transaction, &call.reference)
            .await?
            .ok_or_else(|| JournalError::vanished(&call.reference))?;
        transaction.commit().await.map_err(storage)?;
        Claim::decide(inserted || reopened, entry, call)
    }

    async fn finish(
        &self,
        reference: &str,
        outcome: &Outcome,
        now: DateTime<Utc>,
    ) -> Result<Entry, JournalError> {
        let mut client = self.client.lock().await;
        let transaction = client.transaction().await.map_err(storage)?;
        // An outcome need not wait for the disk: a crash that loses it leaves the entry's claim
        // (committed synchronously), which recovery resolves again. A claim always waits.
        transaction
            .batch_execute("SET LOCAL synchronous_commit TO OFF")
            .await
            .map_err(storage)?;
        // FOR UPDATE: two recoveries of one entry serialize here.
        let row = transaction
            .query_opt(
                "SELECT state FROM push_journal_entries WHERE reference = $1 FOR UPDATE",
                &[&reference],
            )
            .await
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
            .await
            .map_err(storage)?;
        let entry = Self::read(&transaction, reference)
            .await?
            .ok_or_else(|| JournalError::not_found(reference))?;
        transaction.commit().await.map_err(storage)?;
        Ok(entry)
    }

    async fn entry(&self, reference: &str) -> Result<Option<Entry>, JournalError> {
        Self::read(&*self.client.lock().await, reference).await
    }

    async fn entries(&self, in_doubt: bool) -> Result<Vec<Entry>, JournalError> {
        let filter = if in_doubt {
            "WHERE state IN ('pending', 'unknown', 'needs_review')"
        } else {
            ""
        };
        let rows = self
            .client
            .lock()
            .await
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM push_journal_entries {filter} \
                     ORDER BY created_at, reference"
                ),
                &[],
            )
            .await
            .map_err(storage)?;
        rows.iter()
            .map(|row| read_row(row).and_then(Row::entry))
            .collect()
    }

    async fn first_delivery(&self, event: &dyn crate::Delivery) -> Result<bool, JournalError> {
        let (event, now) = (event.delivery_key(), Utc::now());
        let inserted = self
            .client
            .lock()
            .await
            .execute(
                "INSERT INTO push_journal_deliveries (event, received_at) VALUES ($1, $2) \
                 ON CONFLICT (event) DO NOTHING",
                &[&event, &timestamp(now)],
            )
            .await
            .map_err(storage)?;
        Ok(inserted == 1)
    }
}

/// The fleet journal for blocking programs (see the [crate docs](crate)): the same statements
/// as [`AsyncPostgresJournal`], on a single-threaded runtime of its own. One connection per
/// handle; open one per worker. Not for use inside an async task (use
/// [`AsyncPostgresJournal`] there).
pub struct PostgresJournal {
    runtime: tokio::runtime::Runtime,
    inner: AsyncPostgresJournal,
}

/// Never prints the connection string: it may hold a password.
impl std::fmt::Debug for PostgresJournal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresJournal").finish_non_exhaustive()
    }
}

impl PostgresJournal {
    /// Connects (`postgres://user:password@host:port/db` or `host=... user=...`) and creates the
    /// tables if they are missing. An unreachable database is an error here, before anything
    /// is sent.
    pub fn connect(url: &str) -> Result<Self, JournalError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| JournalError::Storage(Box::new(err)))?;
        let inner = runtime.block_on(AsyncPostgresJournal::connect(url))?;
        Ok(Self { runtime, inner })
    }
}

impl Journal for PostgresJournal {
    fn claim(
        &self,
        call: &NewEntry,
        owner: &str,
        now: DateTime<Utc>,
    ) -> Result<Claim, JournalError> {
        self.runtime.block_on(self.inner.claim(call, owner, now))
    }

    fn finish(
        &self,
        reference: &str,
        outcome: &Outcome,
        now: DateTime<Utc>,
    ) -> Result<Entry, JournalError> {
        self.runtime
            .block_on(self.inner.finish(reference, outcome, now))
    }

    fn entry(&self, reference: &str) -> Result<Option<Entry>, JournalError> {
        self.runtime.block_on(self.inner.entry(reference))
    }

    fn entries(&self, in_doubt: bool) -> Result<Vec<Entry>, JournalError> {
        self.runtime.block_on(self.inner.entries(in_doubt))
    }

    fn first_delivery(&self, event: &dyn crate::Delivery) -> Result<bool, JournalError> {
        self.runtime.block_on(self.inner.first_delivery(event))
    }
}
