//! After the payment: refund outcomes, the account list and transfers. (`Refund`, `Dispute`,
//! `Transaction` and `Account` live with `Intent`, which embeds them.)

use bytes::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{null_as_empty, time};
use crate::{
    Account, Currency, Cursor, DecodeError, IntentId, Refund, RefundId, RefundStatus, Transaction,
    TransactionType, TransferDirection, TransferId, decode,
};

/// The account list (`GET /account/list`): a `data` list, which Push does not page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Accounts {
    /// The settlement and dispute accounts; `null` reads as none.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub data: Vec<Account>,
    /// Kept in case Push starts paging the list (the pages show none): a listing that is cut
    /// short says so here instead of losing accounts silently.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<Cursor>,
}

impl Accounts {
    /// The accounts, with no further page.
    pub fn new(data: Vec<Account>) -> Self {
        Self {
            data,
            next_cursor: None,
        }
    }

    /// Decodes one JSON document; the error names the JSON path of a bad value.
    pub fn from_json(body: impl Into<Bytes>) -> Result<Self, DecodeError> {
        decode::json(None, &body.into())
    }
}

/// A daily transfer between Push and your operational account, netting one account's
/// transactions (`GET /transfer/{id}`, the items of `GET /transfer/list`).
///
/// `amount` is unsigned and `direction` gives the sign ([`Transfer::signed_amount`]): a credit
/// is a payout to you, a debit a pull from you.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Transfer {
    /// The transfer id (`transfer_...`).
    pub id: TransferId,
    /// In the currency's smallest unit, as published (unsigned; see [`Transfer::direction`]).
    pub amount: i64,
    /// The currency.
    pub currency: Currency,
    /// Credit (payout to you) or debit (pull from you).
    pub direction: TransferDirection,
    /// When it was created.
    #[serde(deserialize_with = "time::deserialize")]
    pub created_at: DateTime<Utc>,
    /// The day it settles (absent in no published example, but lenient like every date).
    #[serde(default, deserialize_with = "time::date::option::deserialize")]
    pub date: Option<NaiveDate>,
    /// The transactions it nets, and its own `transfer` entry; missing or `null` read as none.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub transactions: Vec<Transaction>,
    /// The account it settles.
    #[serde(default)]
    pub account: Option<Account>,
}

impl Transfer {
    /// Decodes one JSON document; the error names the JSON path of a bad value.
    pub fn from_json(body: impl Into<Bytes>) -> Result<Self, DecodeError> {
        decode::json(None, &body.into())
    }

    /// The amount with the direction's sign: positive for a credit, negative for a debit,
    /// `None` for a direction this SDK does not know. Saturates rather than overflows.
    pub fn signed_amount(&self) -> Option<i64> {
        match self.direction {
            TransferDirection::Credit => Some(self.amount),
            TransferDirection::Debit => Some(self.amount.saturating_neg()),
            TransferDirection::Unknown(_) => None,
        }
    }

    /// Its own `transfer`-type entry, when listed: the transaction whose `source_id` is this
    /// transfer (Push's example shows it, with the negated amount).
    pub fn own_entry(&self) -> Option<&Transaction> {
        self.transactions.iter().find(|t| self.is_own(t))
    }

    /// Every entry for the transfer itself (one, when the ledger is right).
    pub fn own_entries(&self) -> impl Iterator<Item = &Transaction> {
        self.transactions.iter().filter(|t| self.is_own(t))
    }

    /// The transactions it nets: every listed entry but its own.
    pub fn netted(&self) -> impl Iterator<Item = &Transaction> {
        self.transactions.iter().filter(|t| !self.is_own(t))
    }

    fn is_own(&self, transaction: &Transaction) -> bool {
        transaction.transaction_type == Some(TransactionType::Transfer)
            && transaction.source_id.as_deref() == Some(self.id.as_str())
    }
}

/// `POST /refund` answered 401 with a body: the issuer declined the refund.
///
/// The pages say only that the body carries the declined refund's `id`, so everything else is
/// optional here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RefundDeclined {
    /// The declined refund's id.
    pub id: RefundId,
    /// The intent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent_id: Option<IntentId>,
    /// The amount asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// The currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// `declined`, when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<RefundStatus>,
    /// When it was created.
    #[serde(
        default,
        deserialize_with = "time::option::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<DateTime<Utc>>,
}

impl RefundDeclined {
    /// A decline naming refund `id` and nothing else.
    pub fn new(id: impl Into<RefundId>) -> Self {
        Self {
            id: id.into(),
            intent_id: None,
            amount: None,
            currency: None,
            status: None,
            created_at: None,
        }
    }

    /// Decodes one JSON document; the error names the JSON path of a bad value.
    pub fn from_json(body: impl Into<Bytes>) -> Result<Self, DecodeError> {
        decode::json(None, &body.into())
    }
}

impl From<Refund> for RefundDeclined {
    fn from(refund: Refund) -> Self {
        Self {
            id: refund.id,
            intent_id: Some(refund.intent_id),
            amount: Some(refund.amount),
            currency: Some(refund.currency),
            status: Some(refund.status),
            created_at: Some(refund.created_at),
        }
    }
}

/// The outcome of `POST /refund`. Both are answers, not failures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
// Exhaustive on purpose, like `AuthorizeOutcome`: Push documents these two answers and any
// other status is an `Error`.
pub enum RefundOutcome {
    /// 200: the refund, new or (on a repeated call) the one already made.
    Approved(Refund),
    /// 401 with the declined refund's id; also a 200 whose refund says `declined` (the answer
    /// to repeating a declined refund).
    Declined(RefundDeclined),
}

impl RefundOutcome {
    /// The refund id, whatever the outcome.
    pub fn refund_id(&self) -> &RefundId {
        match self {
            RefundOutcome::Approved(refund) => &refund.id,
            RefundOutcome::Declined(declined) => &declined.id,
        }
    }

    /// True for [`RefundOutcome::Approved`].
    pub fn is_approved(&self) -> bool {
        matches!(self, RefundOutcome::Approved(_))
    }
}
