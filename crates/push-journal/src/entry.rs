//! What the journal holds: one entry per money-moving call, keyed by the caller's reference.

use std::{fmt, str::FromStr};

use chrono::{DateTime, Utc};

/// The money-moving operations the journal records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OperationKind {
    /// `POST /intent`: deduplicated by Push on its idempotency key.
    CreateIntent,
    /// `POST /authorize`: by token (a token backs one authorization) or by credential (no
    /// deduplication at Push).
    Authorize,
    /// `POST /refund`: one refund per intent.
    CreateRefund,
    /// `POST /user`: deduplicated by Push on its tag.
    CreateUser,
    /// `POST /tokenize`: never resent.
    TokenizeCard,
    /// `POST /intent/{id}/approve`.
    ApproveIntent,
    /// `POST /intent/{id}/cancel`.
    CancelIntent,
}

impl OperationKind {
    /// Every kind.
    pub const ALL: [OperationKind; 7] = [
        OperationKind::CreateIntent,
        OperationKind::Authorize,
        OperationKind::CreateRefund,
        OperationKind::CreateUser,
        OperationKind::TokenizeCard,
        OperationKind::ApproveIntent,
        OperationKind::CancelIntent,
    ];

    /// The name stored and printed (`create_intent`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            OperationKind::CreateIntent => "create_intent",
            OperationKind::Authorize => "authorize",
            OperationKind::CreateRefund => "create_refund",
            OperationKind::CreateUser => "create_user",
            OperationKind::TokenizeCard => "tokenize_card",
            OperationKind::ApproveIntent => "approve_intent",
            OperationKind::CancelIntent => "cancel_intent",
        }
    }
}

impl fmt::Display for OperationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OperationKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        OperationKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
            .ok_or_else(|| format!("unknown operation `{text}`"))
    }
}

/// Where an entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EntryState {
    /// Written before the request left; no answer recorded yet (the process may have died).
    Pending,
    /// Push answered with the object: `result_id` and `result_status` hold it.
    Done,
    /// Declined by the issuer (authorize, refund).
    Declined,
    /// A known failure: nothing happened at Push.
    Failed,
    /// The request may have been acted on and the answer did not say: resolve it.
    Unknown,
    /// Recovery could not decide (a credential authorize with no match, or several): a person
    /// decides, from the candidates in `detail`.
    NeedsReview,
    /// Closed without an answer on purpose (a lost tokenize: its token, if any, expires).
    Expired,
}

impl EntryState {
    /// Every state.
    pub const ALL: [EntryState; 7] = [
        EntryState::Pending,
        EntryState::Done,
        EntryState::Declined,
        EntryState::Failed,
        EntryState::Unknown,
        EntryState::NeedsReview,
        EntryState::Expired,
    ];

    /// The name stored and printed (`pending`, `needs_review`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            EntryState::Pending => "pending",
            EntryState::Done => "done",
            EntryState::Declined => "declined",
            EntryState::Failed => "failed",
            EntryState::Unknown => "unknown",
            EntryState::NeedsReview => "needs_review",
            EntryState::Expired => "expired",
        }
    }

    /// Whether the outcome at Push is not known yet: `pending` or `unknown` (recovery resolves
    /// these), or `needs_review` (a person does).
    pub fn is_in_doubt(self) -> bool {
        matches!(
            self,
            EntryState::Pending | EntryState::Unknown | EntryState::NeedsReview
        )
    }
}

impl fmt::Display for EntryState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EntryState {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        EntryState::ALL
            .into_iter()
            .find(|state| state.as_str() == text)
            .ok_or_else(|| format!("unknown state `{text}`"))
    }
}

/// A call about to be sent: what the journal writes ahead. It holds no secret: no token, card
/// number, CVV or webhook secret, and `digest` is taken over the request with those masked.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewEntry {
    /// The caller's reference: what they would retry by (a create's idempotency key, an
    /// authorize's tag, a refund's intent id, a user's tag), or a generated one.
    pub reference: String,
    /// The operation.
    pub operation: OperationKind,
    /// What deduplicates the call at Push: the idempotency key, tag or token id.
    pub dedup: Option<String>,
    /// A digest of the request (secrets masked): the same reference with another request is
    /// refused, never answered with the first one's result.
    pub digest: String,
    /// The amount in cents, where the operation has one.
    pub amount: Option<i64>,
    /// `cash_in` or `cash_out`, where the operation has one.
    pub direction: Option<String>,
    /// The user, where the operation names one.
    pub user_id: Option<String>,
    /// The request as JSON without secrets, for recovery to resend; `None` for a call that is
    /// never resent (a tokenize).
    pub request: Option<String>,
}

impl NewEntry {
    /// An entry for `operation` under `reference`, with the request's `digest`.
    pub fn new(
        reference: impl Into<String>,
        operation: OperationKind,
        digest: impl Into<String>,
    ) -> Self {
        Self {
            reference: reference.into(),
            operation,
            dedup: None,
            digest: digest.into(),
            amount: None,
            direction: None,
            user_id: None,
            request: None,
        }
    }

    /// What deduplicates the call at Push.
    pub fn dedup(mut self, dedup: impl Into<String>) -> Self {
        self.dedup = Some(dedup.into());
        self
    }

    /// The amount and direction.
    pub fn money(mut self, amount: i64, direction: impl Into<String>) -> Self {
        self.amount = Some(amount);
        self.direction = Some(direction.into());
        self
    }

    /// The user.
    pub fn user(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = Some(user_id.into());
        self
    }

    /// The request (JSON, without secrets) recovery resends.
    pub fn request(mut self, request: impl Into<String>) -> Self {
        self.request = Some(request.into());
        self
    }
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Entry {
    /// What was written ahead.
    pub call: NewEntry,
    /// Where it stands.
    pub state: EntryState,
    /// When it was written (just before the request left).
    pub created_at: DateTime<Utc>,
    /// When its outcome was recorded.
    pub finished_at: Option<DateTime<Utc>>,
    /// The object Push answered with (intent, refund, user id, or token id).
    pub result_id: Option<String>,
    /// Its status, as Push gave it.
    pub result_status: Option<String>,
    /// A decline category, an error, or (needs review) the candidates, as text.
    pub detail: Option<String>,
    /// The answer as the SDK decoded it (JSON): what a call with this reference returns
    /// again, without sending.
    pub result: Option<String>,
    /// The worker that claimed it.
    pub owner: String,
}

/// What the answer (or recovery) said, recorded by [`crate::Journal::finish`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The object, and its status.
    Done {
        /// Its id.
        id: String,
        /// Its status.
        status: String,
        /// The answer (JSON), returned again for the same reference.
        result: Option<String>,
    },
    /// Declined, with the object's id (if any) and why.
    Declined {
        /// The declined object's id.
        id: Option<String>,
        /// The decline category.
        reason: String,
        /// The answer (JSON), returned again for the same reference.
        result: Option<String>,
    },
    /// A known failure: nothing happened.
    Failed {
        /// The error.
        error: String,
    },
    /// The answer did not say; recovery must.
    Unknown {
        /// The error.
        error: String,
    },
    /// Recovery could not decide: a person does.
    NeedsReview {
        /// The candidates found (ids), with why.
        candidates: String,
    },
    /// Closed on purpose without an answer.
    Expired,
}

impl Outcome {
    /// The state this outcome puts an entry in.
    pub fn state(&self) -> EntryState {
        match self {
            Outcome::Done { .. } => EntryState::Done,
            Outcome::Declined { .. } => EntryState::Declined,
            Outcome::Failed { .. } => EntryState::Failed,
            Outcome::Unknown { .. } => EntryState::Unknown,
            Outcome::NeedsReview { .. } => EntryState::NeedsReview,
            Outcome::Expired => EntryState::Expired,
        }
    }

    /// (result id, result status, detail, result), as stored.
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    pub(crate) fn columns(&self) -> [Option<&str>; 4] {
        match self {
            Outcome::Done { id, status, result } => {
                [Some(id), Some(status), None, result.as_deref()]
            }
            Outcome::Declined { id, reason, result } => {
                [id.as_deref(), None, Some(reason), result.as_deref()]
            }
            Outcome::Failed { error } | Outcome::Unknown { error } => {
                [None, None, Some(error), None]
            }
            Outcome::NeedsReview { candidates } => [None, None, Some(candidates), None],
            Outcome::Expired => [None, None, None, None],
        }
    }
}

/// What [`crate::Journal::claim`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
// Exhaustive on purpose: a client drives every case.
pub enum Claim {
    /// The reference was new: the entry is written, durably, and the caller sends.
    Fresh(Entry),
    /// The reference is finished: its recorded result is the answer; nothing is sent.
    Finished(Entry),
    /// The reference is in doubt (pending, unknown, needs review): resolve it first, never
    /// send blindly.
    InDoubt(Entry),
}

impl Claim {
    /// The entry, whatever was found.
    pub fn entry(&self) -> &Entry {
        match self {
            Claim::Fresh(entry) | Claim::Finished(entry) | Claim::InDoubt(entry) => entry,
        }
    }
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
impl Claim {
    /// What a claim found, once the backend tried to insert `call` and read the entry back:
    /// fresh if it inserted; else the same request's entry, finished or in doubt; a reference
    /// held for another request is refused.
    pub(crate) fn decide(
        inserted: bool,
        entry: Entry,
        call: &NewEntry,
    ) -> Result<Self, crate::JournalError> {
        if inserted {
            return Ok(Claim::Fresh(entry));
        }
        if entry.call.digest != call.digest || entry.call.operation != call.operation {
            return Err(crate::JournalError::ReferenceReused {
                reference: call.reference.clone(),
            });
        }
        Ok(if entry.state.is_in_doubt() {
            Claim::InDoubt(entry)
        } else {
            Claim::Finished(entry)
        })
    }
}
