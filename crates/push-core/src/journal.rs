//! What a money-moving operation tells a write-ahead journal (the `push-journal` crate): plain
//! data, so a journal stores it without knowing the operation's types, and recovery rebuilds
//! the operation from it after a crash.
//!
//! The seven money-moving operations implement [`Journaled`]: `CreateIntent`, `Authorize`,
//! `CreateRefund`, `CreateUser`, `TokenizeCard`, `ApproveIntent` and `CancelIntent`.

use crate::{Error, ops::Operation};

/// A money-moving call as a journal records it, before it is sent. Holds no secret: no API
/// token, card number, CVV or webhook secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct JournalForm {
    /// The operation's name (`create_intent`, `authorize`, ...).
    pub operation: &'static str,
    /// What the caller would retry by: a create's idempotency key, an authorize's or a user's
    /// tag, a refund's intent id. `None` (a tokenize, an approve, a cancel, an authorize or
    /// a user without a tag): the journal generates one, and records it only (the bytes sent
    /// stay the caller's).
    pub reference: Option<String>,
    /// What deduplicates the call at Push: the idempotency key, tag or token id.
    pub dedup: Option<String>,
    /// The request as JSON, without secrets, for [`Journaled::replay`]; `None` for a call that
    /// is never resent (a tokenize: the card number is not kept).
    pub request: Option<String>,
    /// The amount in cents, where the call has one.
    pub amount: Option<i64>,
    /// `cash_in` or `cash_out`, where the call has one.
    pub direction: Option<String>,
    /// The user, where the call names one.
    pub user_id: Option<String>,
    /// What makes two requests the same call, where that is less than the whole request (a
    /// refund: its intent, since Push answers any second refund of an intent with the first);
    /// `None`: the whole request.
    pub identity: Option<String>,
}

impl JournalForm {
    pub(crate) fn new(operation: &'static str) -> Self {
        Self {
            operation,
            reference: None,
            dedup: None,
            request: None,
            amount: None,
            direction: None,
            user_id: None,
            identity: None,
        }
    }
}

/// What an answer amounts to, for the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct JournalAnswer {
    /// The object's id (intent, refund, user, token).
    pub id: String,
    /// Its status (`approved`, `created`, a decline category when declined).
    pub status: String,
    /// Declined by the issuer (an authorize or a refund).
    pub declined: bool,
}

impl JournalAnswer {
    pub(crate) fn new(id: impl Into<String>, status: impl Into<String>, declined: bool) -> Self {
        Self {
            id: id.into(),
            status: status.into(),
            declined,
        }
    }
}

/// A money-moving operation a journal can record, answer from its record, and resend.
pub trait Journaled: Operation + Sized {
    /// The call as the journal writes it ahead.
    fn journal_form(&self) -> JournalForm;

    /// The id and status of an answer.
    fn journal_answer(output: &Self::Output) -> JournalAnswer;

    /// The operation again, from [`JournalForm::request`]: what recovery resends. Refused for
    /// an operation that is never resent.
    fn replay(request: &str) -> Result<Self, Error>;
}

/// A journal's stored request that does not decode: the journal was changed by hand, or by
/// another version.
pub(crate) fn replay_error(operation: &str, err: impl std::fmt::Display) -> Error {
    crate::ValidationError::new(
        "request",
        format!("the journal's {operation} request cannot be replayed ({err})"),
    )
    .into()
}

/// [`JournalForm::request`] of a serialisable request.
pub(crate) fn request_json(value: &impl serde::Serialize) -> Option<String> {
    serde_json::to_string(value).ok()
}
