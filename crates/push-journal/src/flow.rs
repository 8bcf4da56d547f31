//! How a client runs a money-moving call through the journal: the decisions, without IO. Both
//! clients (blocking and async) drive the same steps:
//!
//! 1. [`prepare`] the operation: its reference (generated when the caller gave none), the
//!    digest, the entry to write ahead.
//! 2. Claim it. Fresh: send, then record [`outcome`]. Finished: answer with [`recorded`],
//!    nothing sent. In doubt: [`in_doubt`] says whether another worker is sending it right now
//!    (wait for it) or the call must be resolved first ([`crate::Recovery`]).

use std::time::Duration;

use chrono::{DateTime, Utc};
use push_core::{Error, IdempotencyKey, JournalFailure, journal::Journaled};
use serde::{Serialize, de::DeserializeOwned};

use crate::{Entry, EntryState, JournalError, NewEntry, OperationKind, Outcome};

/// How long a worker may hold a claim it is sending before others stop waiting for it, beyond
/// the call's own deadline: a worker that is still alive past this is stuck, not sending.
pub const LEASE_MARGIN: Duration = Duration::from_secs(5);

/// How often a worker waiting for another's answer reads the entry again.
pub const POLL: Duration = Duration::from_millis(20);

/// The entry to write ahead for `operation`, under a generated reference when the caller gave
/// none (recorded only: the request sent is the caller's).
pub fn prepare<O: Journaled>(operation: &O) -> Result<NewEntry, Error> {
    let mut form = operation.journal_form();
    let reference = form
        .reference
        .take()
        .unwrap_or_else(|| format!("ref_{}", IdempotencyKey::generate().as_str()));
    let kind: OperationKind = form
        .operation
        .parse()
        .map_err(|err: String| journal_failure(Some(&reference), err))?;
    let identity = form.identity.as_deref().or(form.request.as_deref());
    let digest = digest(form.operation, identity.unwrap_or(""));
    let mut entry = NewEntry::new(reference, kind, digest);
    entry.dedup = form.dedup;
    entry.amount = form.amount;
    entry.direction = form.direction;
    entry.user_id = form.user_id;
    entry.request = form.request;
    Ok(entry)
}

/// SHA-256 over the operation and its request (which holds no secret), in hex.
fn digest(operation: &str, request: &str) -> String {
    let mut hash = hmac_sha256::Hash::new();
    hash.update(operation.as_bytes());
    hash.update(b"\n");
    hash.update(request.as_bytes());
    hash.finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// What the answer (or the error) to a sent call amounts to.
pub fn outcome<O>(result: &Result<O::Output, Error>) -> Outcome
where
    O: Journaled,
    O::Output: Serialize,
{
    match result {
        Ok(output) => {
            let answer = O::journal_answer(output);
            let result = serde_json::to_string(output).ok();
            if answer.declined {
                Outcome::Declined {
                    id: Some(answer.id),
                    reason: answer.status,
                    result,
                }
            } else {
                Outcome::Done {
                    id: answer.id,
                    status: answer.status,
                    result,
                }
            }
        }
        Err(err) if err.is_outcome_unknown() => Outcome::Unknown {
            error: err.to_string(),
        },
        Err(err) => Outcome::Failed {
            error: err.to_string(),
        },
    }
}

/// The answer a finished entry holds, as the call returns it (nothing is sent).
pub fn recorded<O>(entry: &Entry) -> Result<O::Output, Error>
where
    O: Journaled,
    O::Output: DeserializeOwned,
{
    let reference = &entry.call.reference;
    let state = entry.state.as_str();
    match (entry.state, &entry.result) {
        (EntryState::Done | EntryState::Declined, Some(result)) => serde_json::from_str(result)
            .map_err(|err| {
                Error::Journal(Box::new(JournalFailure::entry(
                    reference,
                    state,
                    format!("the recorded answer cannot be read ({err})"),
                    false,
                )))
            }),
        (EntryState::Done | EntryState::Declined, None) => {
            Err(Error::Journal(Box::new(JournalFailure::entry(
                reference,
                state,
                format!(
                    "already {state} as {} ({}), resolved without an answer to return",
                    entry.result_id.as_deref().unwrap_or("?"),
                    entry.result_status.as_deref().unwrap_or("?"),
                ),
                false,
            ))))
        }
        (EntryState::Expired, _) => Err(Error::Journal(Box::new(JournalFailure::entry(
            reference,
            state,
            "closed without an answer (a lost tokenize: tokenize the card again)",
            false,
        )))),
        (EntryState::NeedsReview, _) => Err(Error::Journal(Box::new(JournalFailure::entry(
            reference,
            state,
            format!(
                "a person must decide whether it was paid: {}",
                entry.detail.as_deref().unwrap_or("no candidates")
            ),
            true,
        )))),
        _ => Err(Error::Journal(Box::new(JournalFailure::entry(
            reference,
            state,
            "still in doubt after recovery: run `push recover` (or `client.recover()`) again",
            true,
        )))),
    }
}

/// A journal error as the client's error: nothing was sent when it comes from a claim.
pub fn journal_failure(reference: Option<&str>, err: impl std::fmt::Display) -> Error {
    Error::Journal(Box::new(JournalFailure::storage(
        reference.map(str::to_owned),
        err.to_string(),
    )))
}

impl From<JournalError> for Error {
    fn from(err: JournalError) -> Self {
        if let JournalError::ReferenceReused { reference } = &err {
            return Error::Journal(Box::new(JournalFailure::refused(
                reference.as_str(),
                err.to_string(),
            )));
        }
        let reference = match &err {
            JournalError::ReferenceReused { reference }
            | JournalError::NotFound { reference }
            | JournalError::AlreadyFinished { reference } => Some(reference.as_str()),
            _ => None,
        };
        journal_failure(reference, &err)
    }
}

/// Who holds a claim: this process, named so that another process on the same machine can tell
/// whether it is still alive (`host/pid/nonce`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner(String);

impl Owner {
    /// This process.
    pub fn current() -> Self {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .map(|host| host.trim().to_owned())
            .filter(|host| !host.is_empty() && !host.contains('/'))
            .unwrap_or_else(|| "localhost".to_owned());
        let nonce = IdempotencyKey::generate();
        Self(format!(
            "{host}/{}/{}",
            std::process::id(),
            &nonce.as_str()[..8]
        ))
    }

    /// The name stored in the journal.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the process that wrote `owner` is known to be gone: on this machine (Linux, with
    /// `/proc`) and no longer running. Unknown counts as alive.
    pub fn is_gone(&self, owner: &str) -> bool {
        if owner == self.0 {
            return false;
        }
        let mut parts = owner.splitn(3, '/');
        let (Some(host), Some(pid)) = (parts.next(), parts.next()) else {
            return false;
        };
        let mine = self.0.split('/').next().unwrap_or_default();
        if host != mine || !std::path::Path::new("/proc/self").exists() {
            return false;
        }
        if pid == std::process::id().to_string() {
            // This process, under another nonce: an earlier client of this process that died
            // with its claim only if that claim is past its lease.
            return false;
        }
        pid.parse::<u32>()
            .is_ok_and(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists())
    }
}

/// What to do about a claim found in doubt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InDoubt {
    /// Another worker is sending it now: read the entry again after this long.
    Wait(Duration),
    /// Nobody is sending it: resolve it ([`crate::Recovery`]), then claim again.
    Resolve,
    /// A person must decide (`needs_review`): answer with [`recorded`]'s error.
    Review,
}

/// Decides about `entry`, found in doubt by `me` at `now`; `lease` is how long a live worker may
/// hold a pending claim (its call's deadline plus [`LEASE_MARGIN`]).
pub fn in_doubt(entry: &Entry, me: &Owner, now: DateTime<Utc>, lease: Duration) -> InDoubt {
    match entry.state {
        EntryState::NeedsReview => InDoubt::Review,
        EntryState::Pending => {
            let held = (now - entry.created_at).to_std().unwrap_or_default();
            if held < lease && !me.is_gone(&entry.owner) {
                InDoubt::Wait(POLL.min(lease - held))
            } else {
                InDoubt::Resolve
            }
        }
        _ => InDoubt::Resolve,
    }
}

/// The answer to a journaled call, with its reference.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Recorded<T> {
    /// The reference the call is journaled under (the caller's, or the one generated for it).
    pub reference: String,
    /// The answer.
    pub value: T,
    /// True when the answer came from the journal (the reference was already finished, or was
    /// resolved by recovery): nothing was sent for it now.
    pub replayed: bool,
}

impl<T> Recorded<T> {
    /// An answer under `reference`.
    pub fn new(reference: String, value: T, replayed: bool) -> Self {
        Self {
            reference,
            value,
            replayed,
        }
    }
}

/// One entry recovery looked at.
#[derive(Debug)]
#[non_exhaustive]
pub struct Recovered {
    /// The entry as it stands now.
    pub entry: Entry,
    /// Why it is still in doubt, when recovery could not resolve it this time (the network,
    /// the rate limit); `None` when it was resolved, or is being sent by a live worker.
    pub error: Option<Error>,
}

impl Recovered {
    /// An entry, and why it is still in doubt.
    pub fn new(entry: Entry, error: Option<Error>) -> Self {
        Self { entry, error }
    }
}

/// The ids of objects the journal already attributes to an entry: a credential authorize is
/// never matched to one of them.
pub fn known_ids(entries: &[Entry]) -> std::collections::HashSet<String> {
    entries
        .iter()
        .filter_map(|entry| entry.result_id.clone())
        .collect()
}

/// Whether recovery needs [`known_ids`] for `entry` (only a credential authorize matches).
pub fn needs_known_ids(entry: &Entry) -> bool {
    entry.call.operation == OperationKind::Authorize && entry.call.dedup.is_none()
}

/// How long a live worker may hold a pending claim, for calls with this `deadline`.
pub fn lease(deadline: Duration) -> Duration {
    deadline.saturating_add(LEASE_MARGIN)
}

/// The error for a call that waited past `lease` and still finds its reference in doubt.
pub fn still_in_doubt(entry: &Entry) -> Error {
    Error::Journal(Box::new(JournalFailure::entry(
        &entry.call.reference,
        entry.state.as_str(),
        "still in doubt: another worker holds it, or recovery could not reach Push; run \
         `push recover` (or `client.recover()`) later",
        true,
    )))
}

/// What [`crate::Journal::first_delivery`] remembers a delivery by.
pub trait Delivery: Sync {
    /// The identity: the same for a redelivery of one event, another for another event.
    fn delivery_key(&self) -> String;
}

impl Delivery for push_core::WebhookEvent {
    fn delivery_key(&self) -> String {
        delivery_key(self)
    }
}

impl Delivery for &str {
    fn delivery_key(&self) -> String {
        (*self).to_owned()
    }
}

impl Delivery for String {
    fn delivery_key(&self) -> String {
        self.clone()
    }
}

/// The identity of a webhook delivery, for [`crate::Journal::first_delivery`]: the event's
/// type and intent (Push's own advice: `data.id` with `type`), else a digest of the whole event.
/// A redelivery of the same event has the same identity; the next status of the intent has
/// another.
pub fn delivery_key(event: &push_core::WebhookEvent) -> String {
    match event.intent() {
        Some(intent) => format!("{}:{}", event.event_type(), intent.id),
        None => format!(
            "{}:{}",
            event.event_type(),
            digest("webhook", &event.to_json().to_string())
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use push_core::{CreateIntent, Currency, Direction, TokenizeCard};

    fn intent(key: &str) -> CreateIntent {
        CreateIntent::builder()
            .user_id("user_1")
            .amount(1450)
            .currency(Currency::Usd)
            .direction(Direction::CashIn)
            .idempotency_key(key)
            .build()
            .unwrap()
    }

    #[test]
    fn a_create_is_journaled_under_its_key_and_the_same_request_digests_the_same() {
        let entry = prepare(&intent("order-1")).unwrap();
        assert_eq!(entry.reference, "order-1");
        assert_eq!(entry.dedup.as_deref(), Some("order-1"));
        assert_eq!(entry.amount, Some(1450));
        assert_eq!(entry.direction.as_deref(), Some("cash_in"));
        assert_eq!(entry.digest, prepare(&intent("order-1")).unwrap().digest);
        assert_ne!(entry.digest, prepare(&intent("order-2")).unwrap().digest);
        let replayed = CreateIntent::replay(entry.request.as_deref().unwrap()).unwrap();
        assert_eq!(replayed, intent("order-1"));
    }

    #[test]
    fn a_redelivery_has_the_same_key_and_the_next_status_another() {
        let event = |kind: &str, id: &str, at: &str| {
            push_core::WebhookEvent::from_json(
                format!(r#"{{"type":"{kind}","timestamp":"{at}","data":{{"id":"{id}"}}}}"#)
                    .as_bytes(),
            )
            .unwrap()
        };
        let first = delivery_key(&event(
            "intent.approved",
            "intent_1",
            "2026-12-03T10:00:00Z",
        ));
        let again = delivery_key(&event(
            "intent.approved",
            "intent_1",
            "2026-12-03T10:05:00Z",
        ));
        assert_eq!(first, again);
        assert_ne!(
            first,
            delivery_key(&event("intent.settled", "intent_1", "2026-12-03T10:00:00Z"))
        );
        assert_ne!(
            first,
            delivery_key(&event(
                "intent.approved",
                "intent_2",
                "2026-12-03T10:00:00Z"
            ))
        );
    }

    #[test]
    fn a_tokenize_gets_a_generated_reference_and_keeps_no_card() {
        let card = TokenizeCard::builder()
            .user_id("user_1")
            .pan("4111111111111111")
            .cvv("123")
            .exp_month("12")
            .exp_year("2030")
            .build()
            .unwrap();
        let entry = prepare(&card).unwrap();
        assert!(entry.reference.starts_with("ref_"));
        assert_eq!(entry.request, None);
        let text = format!("{entry:?}");
        assert!(!text.contains("4111111111111111") && !text.contains("123\""));
    }

    #[test]
    fn a_pending_claim_is_waited_for_while_its_owner_lives_and_within_its_lease() {
        let me = Owner::current();
        let now = Utc::now();
        let mut entry = Entry {
            call: NewEntry::new("r", OperationKind::CreateIntent, "d"),
            state: EntryState::Pending,
            created_at: now,
            finished_at: None,
            result_id: None,
            result_status: None,
            detail: None,
            result: None,
            owner: "elsewhere/1/abc".into(),
        };
        let lease = Duration::from_secs(10);
        assert!(matches!(
            in_doubt(&entry, &me, now, lease),
            InDoubt::Wait(_)
        ));
        let later = now + chrono::Duration::seconds(11);
        assert_eq!(in_doubt(&entry, &me, later, lease), InDoubt::Resolve);
        // A dead process on this machine: resolved at once.
        let host = me.as_str().split('/').next().unwrap().to_owned();
        entry.owner = format!("{host}/{}/abc", u32::MAX);
        assert_eq!(in_doubt(&entry, &me, now, lease), InDoubt::Resolve);
        entry.state = EntryState::Unknown;
        assert_eq!(in_doubt(&entry, &me, now, lease), InDoubt::Resolve);
        entry.state = EntryState::NeedsReview;
        assert_eq!(in_doubt(&entry, &me, now, lease), InDoubt::Review);
    }
}
