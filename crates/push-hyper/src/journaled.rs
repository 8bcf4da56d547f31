//! The write-ahead journal in the async client (feature `journal`): every money-moving call is
//! claimed in the journal before its first byte leaves, answered from it when the reference is
//! finished, and resolved first when it is in doubt ([`push_journal::flow`] decides; this file
//! only does the IO). The journal never blocks the executor: PostgreSQL through
//! tokio-postgres, SQLite on tokio's blocking threads.

use std::sync::Arc;

use chrono::Utc;
use push_core::{Error, journal::Journaled, transport::Transport};
use push_journal::{
    AsyncJournal, Claim, Entry, InDoubt, JournalError, Owner, Recorded, Recovered, Recovery, flow,
    recovery::Step,
};
use serde::{Serialize, de::DeserializeOwned};
use tokio::time::Instant;

use crate::Client;

/// The journal a client writes to, and who it is in it.
#[derive(Debug)]
pub(crate) struct JournalHandle {
    journal: Arc<dyn AsyncJournal>,
    owner: Owner,
}

impl JournalHandle {
    pub(crate) async fn open(target: &push_core::JournalTarget) -> Result<Self, Error> {
        Ok(Self {
            journal: push_journal::open_async(target).await?,
            owner: Owner::current(),
        })
    }
}

impl<T: Transport + 'static> Client<T> {
    /// The journal this client writes ahead to (configured with `ClientBuilder::journal` or
    /// `PUSH_JOURNAL`), opened on first use; `None` without one.
    ///
    /// ```no_run
    /// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = push_hyper::Client::builder()
    ///     .token("sk_test_...")
    ///     .journal("/var/lib/payments/push-journal.sqlite3") // or a postgres:// URL
    ///     .build()?;
    /// assert!(client.journal().await?.is_some());
    /// # Ok(()) }
    /// ```
    pub async fn journal(&self) -> Result<Option<Arc<dyn AsyncJournal>>, Error> {
        Ok(self
            .journal_handle()
            .await?
            .map(|handle| Arc::clone(&handle.journal)))
    }

    async fn journal_handle(&self) -> Result<Option<&JournalHandle>, Error> {
        let Some(target) = self.config.journal() else {
            return Ok(None);
        };
        self.journal
            .get_or_try_init(|| JournalHandle::open(target))
            .await
            .map(Some)
    }

    /// Sends a money-moving call through the journal, and says under which reference (the
    /// caller's, or the one generated for it). Written ahead, durably, before any byte leaves;
    /// a reference already finished answers from the journal without sending; one in doubt is
    /// resolved first, or waited for while another worker sends it. Without a journal
    /// configured, an error (nothing sent).
    ///
    /// ```no_run
    /// use push_hyper::{CreateIntent, Currency, Direction};
    ///
    /// # async fn example(client: push_hyper::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// // The idempotency key doubles as the journal's reference: rerun after a crash, and the
    /// // answer comes from the journal (or from Push, deduplicated), never a second intent.
    /// let intent = CreateIntent::builder().user_id("user_28CJjV7P4Go5PNJvfzghiD").amount(1450)
    ///     .currency(Currency::Usd).direction(Direction::CashIn).idempotency_key("order-1450")
    ///     .build()?;
    /// let recorded = client.send_journaled(intent).await?;
    /// println!("{} under {} (replayed: {})", recorded.value.id, recorded.reference, recorded.replayed);
    /// # Ok(()) }
    /// ```
    pub async fn send_journaled<O>(&self, operation: O) -> Result<Recorded<O::Output>, Error>
    where
        O: Journaled + Send,
        O::Output: Serialize + DeserializeOwned + Send,
    {
        let handle = self.journal_handle().await?.ok_or_else(|| {
            flow::journal_failure(None, "no journal configured (ClientBuilder::journal)")
        })?;
        let call = flow::prepare(&operation)?;
        let reference = call.reference.clone();
        let lease = flow::lease(self.config.deadline());
        let started = Instant::now();
        let mut last = None;
        // Bounded: waits end with the lease, and a resolved entry is finished or fresh on the
        // next claim; twice the lease covers a worker that took over meanwhile.
        while started.elapsed() <= lease.saturating_mul(2) {
            match handle
                .journal
                .claim(&call, handle.owner.as_str(), Utc::now())
                .await?
            {
                Claim::Fresh(_) => {
                    let result = self.send(operation).await;
                    let outcome = flow::outcome::<O>(&result);
                    if let Err(err) = handle
                        .journal
                        .finish(&reference, &outcome, Utc::now())
                        .await
                    {
                        // The answer is here; the entry stays pending and recovery will find
                        // the same answer (by key, tag or read). Say so, keep the answer.
                        tracing::warn!(reference = %reference, error = %err,
                            "the answer could not be recorded in the journal; `push recover` will resolve it");
                    }
                    return result.map(|value| Recorded::new(reference, value, false));
                }
                Claim::Finished(entry) => {
                    return flow::recorded::<O>(&entry)
                        .map(|value| Recorded::new(reference, value, true));
                }
                Claim::InDoubt(entry) => {
                    match flow::in_doubt(&entry, &handle.owner, Utc::now(), lease) {
                        InDoubt::Wait(pause) => tokio::time::sleep(pause).await,
                        InDoubt::Review => {
                            return Err(flow::recorded::<O>(&entry)
                                .err()
                                .unwrap_or_else(|| flow::still_in_doubt(&entry)));
                        }
                        InDoubt::Resolve => {
                            let resolved = self.resolve(handle, entry).await?;
                            if resolved.state.is_in_doubt() {
                                return Err(flow::recorded::<O>(&resolved)
                                    .err()
                                    .unwrap_or_else(|| flow::still_in_doubt(&resolved)));
                            }
                            last = Some(resolved);
                        }
                    }
                }
            }
        }
        let entry = match last {
            Some(entry) => entry,
            None => handle
                .journal
                .entry(&reference)
                .await?
                .ok_or_else(|| Error::from(JournalError::NotFound { reference }))?,
        };
        Err(flow::still_in_doubt(&entry))
    }

    /// Resolves every entry in doubt, as far as the API allows (see [`push_journal::recovery`]):
    /// resends what Push deduplicates, reads what tells, matches a credential authorize by
    /// listing, closes a lost tokenize as expired. Entries a live worker is sending now are left
    /// to it. Safe to run again at any time, also after being killed halfway.
    ///
    /// ```no_run
    /// # async fn example(client: push_hyper::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// // At start-up, before new work: settle whatever a crash left in doubt.
    /// for recovered in client.recover().await? {
    ///     match &recovered.error {
    ///         None => println!("{}: {:?}", recovered.entry.call.reference, recovered.entry.state),
    ///         Some(err) => eprintln!("{} still in doubt: {err}", recovered.entry.call.reference),
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn recover(&self) -> Result<Vec<Recovered>, Error> {
        let handle = self.journal_handle().await?.ok_or_else(|| {
            flow::journal_failure(None, "no journal configured (ClientBuilder::journal)")
        })?;
        let lease = flow::lease(self.config.deadline());
        let mut report = Vec::new();
        for entry in handle.journal.entries(true).await? {
            if let InDoubt::Wait(_) = flow::in_doubt(&entry, &handle.owner, Utc::now(), lease) {
                report.push(Recovered::new(entry, None));
                continue;
            }
            let reference = entry.call.reference.clone();
            match self.resolve(handle, entry).await {
                Ok(entry) => report.push(Recovered::new(entry, None)),
                Err(err) => {
                    let entry = handle.journal.entry(&reference).await?.ok_or_else(|| {
                        Error::from(JournalError::NotFound {
                            reference: reference.clone(),
                        })
                    })?;
                    report.push(Recovered::new(entry, Some(err)));
                }
            }
        }
        Ok(report)
    }

    /// Drives one [`Recovery`] and records its outcome.
    async fn resolve(&self, handle: &JournalHandle, entry: Entry) -> Result<Entry, Error> {
        let known = if flow::needs_known_ids(&entry) {
            flow::known_ids(&handle.journal.entries(false).await?)
        } else {
            Default::default()
        };
        let reference = entry.call.reference.clone();
        let mut recovery = Recovery::new(entry, known);
        let mut step = recovery.start();
        for _ in 0..=push_journal::recovery::MAX_PAGES {
            match step {
                Step::Send(request) => step = recovery.receive(self.send(*request).await),
                Step::Finish(outcome) => {
                    return match handle
                        .journal
                        .finish(&reference, &outcome, Utc::now())
                        .await
                    {
                        // Another recovery finished it first: theirs stands.
                        Err(JournalError::AlreadyFinished { .. }) => handle
                            .journal
                            .entry(&reference)
                            .await?
                            .ok_or_else(|| JournalError::NotFound { reference }.into()),
                        other => Ok(other?),
                    };
                }
                Step::Leave(err) => return Err(err),
            }
        }
        Err(flow::still_in_doubt(recovery.entry()))
    }
}
