//! The response models of every schema in the pages.
//!
//! Decoding is lenient where Push's own examples are: fields the published examples omit are
//! `Option`, unknown fields are ignored, unknown enum values are kept. It is strict where a
//! value is genuinely broken: a string `amount` or a missing `id` fails with the JSON path.

use bytes::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
use http::StatusCode;
use serde::{Deserialize, Deserializer, Serialize};

use crate::{
    AccountId, AccountType, ApprovalMode, CardBrand, Currency, Cursor, DeclineCategory,
    DecodeError, Direction, DisputeCode, DisputeId, DisputeStatus, IntentId, IntentStatus,
    IntentType, Rail, RefundId, RefundStatus, TransactionDirection, TransactionId,
    TransactionStatus, TransactionType, UserId, decode,
};

/// `null` and a missing array both mean "none": seen in the wild for optional lists.
fn null_as_empty<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

macro_rules! from_json {
    ($($name:ident),+) => {$(
        impl $name {
            /// Decodes one JSON document; the error names the JSON path of a bad value.
            pub fn from_json(body: impl Into<Bytes>) -> Result<Self, DecodeError> {
                decode::json(StatusCode::OK, &body.into())
            }
        }
    )+};
}

/// A payment intent (`GET /intent/{id}`, the items of `GET /intent/list`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Intent {
    /// The intent id.
    pub id: IntentId,
    /// The `X-Idempotency-Key` the intent was created with.
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// When the intent was created.
    pub created_at: DateTime<Utc>,
    /// Cash in or cash out.
    pub direction: Direction,
    /// The user.
    pub user_id: UserId,
    /// In the currency's smallest unit (cents for USD).
    pub amount: i64,
    /// The currency.
    pub currency: Currency,
    /// Guaranteed by Push; only for `cash_in`.
    #[serde(default)]
    pub guarantee_amount: Option<i64>,
    /// The status.
    pub status: IntentStatus,
    /// Why it was declined, when it was.
    #[serde(default)]
    pub decline_category: Option<DeclineCategory>,
    /// Money movements of the intent (missing or `null` decode as empty).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub transactions: Vec<Transaction>,
    /// A dispute from the payment network, if any.
    #[serde(default)]
    pub dispute: Option<Dispute>,
    /// A refund, if any.
    #[serde(default)]
    pub refund: Option<Refund>,
    /// Automatic or manual approval (absent from the published `GET /intent/{id}` example).
    #[serde(default)]
    pub approval_mode: Option<ApprovalMode>,
    /// The credential used (absent from the published `GET /intent/{id}` example).
    #[serde(default)]
    pub credential: Option<Credential>,
    /// The user's payment credential.
    #[serde(default)]
    pub payment_credential: Option<PaymentCredential>,
    /// The rail, once processed.
    #[serde(default)]
    pub rail: Option<Rail>,
    /// The settlement account.
    #[serde(default)]
    pub account: Option<Account>,
    /// The payment flow type (absent from the published `GET /intent/{id}` example).
    #[serde(default, rename = "type")]
    pub intent_type: Option<IntentType>,
}

/// A money movement. Amounts are signed: the sign gives the direction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transaction {
    /// The transaction id.
    pub id: TransactionId,
    /// Signed, in the currency's smallest unit.
    pub amount: i64,
    /// Credit or debit (absent from the published `GET /intent/{id}` example).
    #[serde(default)]
    pub direction: Option<TransactionDirection>,
    /// The currency.
    pub currency: Currency,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// The settlement date.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// The batch.
    #[serde(default)]
    pub batch: Option<String>,
    /// The account (absent from the published `GET /intent/{id}` example).
    #[serde(default)]
    pub account_id: Option<AccountId>,
    /// The type.
    #[serde(default, rename = "type")]
    pub transaction_type: Option<TransactionType>,
    /// The intent, dispute or transfer behind it; `null` when unreconciled.
    #[serde(default)]
    pub source_id: Option<String>,
    /// The settlement status.
    #[serde(default)]
    pub status: Option<TransactionStatus>,
}

/// A dispute received from the payment network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dispute {
    /// The dispute id.
    pub id: DisputeId,
    /// In the currency's smallest unit.
    pub amount: i64,
    /// The currency.
    pub currency: Currency,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// The disputed intent.
    pub intent_id: IntentId,
    /// The network's code; see [`DisputeCode::description`].
    pub code: DisputeCode,
    /// The status.
    pub status: DisputeStatus,
    /// The payment flow type of the intent (absent from the published example).
    #[serde(default, rename = "type")]
    pub dispute_type: Option<IntentType>,
}

/// A refund issued against an approved intent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refund {
    /// The refund id.
    pub id: RefundId,
    /// The refunded intent.
    pub intent_id: IntentId,
    /// In the currency's smallest unit.
    pub amount: i64,
    /// The currency.
    pub currency: Currency,
    /// The status.
    pub status: RefundStatus,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// The credential used for a payment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Credential {
    /// A short, human-readable name (`Chase Checking`).
    pub display_name: String,
    /// The last 4 digits of the card or bank account.
    pub last4: String,
}

/// The details of a user's payment credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentCredential {
    /// The bank's name.
    #[serde(default)]
    pub bank_name: Option<String>,
    /// The bank account.
    #[serde(default)]
    pub account: Option<BankAccount>,
    /// The card.
    #[serde(default)]
    pub card: Option<Card>,
    /// When it was created (in a published example, not in the schema).
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
}

/// A masked bank account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BankAccount {
    /// The account number, masked.
    pub number_mask: String,
    /// The routing number.
    pub routing: String,
}

/// A masked card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Card {
    /// The primary account number, masked.
    pub primary_account_number_mask: String,
    /// The expiration date.
    pub expiration: NaiveDate,
    /// The brand (absent from the published `GET /intent/{id}` example).
    #[serde(default)]
    pub brand: Option<CardBrand>,
}

/// A settlement or dispute account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// The account id.
    pub id: AccountId,
    /// Settlement or dispute.
    #[serde(rename = "type")]
    pub account_type: AccountType,
    /// The account's name.
    pub name: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// The balance, in minor units (in a published example, not in the schema).
    #[serde(default)]
    pub balance: Option<i64>,
}

/// One page of `GET /intent/list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntentPage {
    /// The intents of this page.
    #[serde(deserialize_with = "null_as_empty")]
    pub data: Vec<Intent>,
    /// The cursor of the next page; `None` when there are no more.
    #[serde(default)]
    pub next_cursor: Option<Cursor>,
}

/// The answer to `POST /intent`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedIntent {
    /// The new intent's id.
    pub id: IntentId,
    /// The payment session URL.
    #[serde(default)]
    pub url: Option<String>,
}

/// `POST /authorize` answered 200: the payment is approved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthorizeApproved {
    /// The intent id.
    pub id: IntentId,
    /// In the currency's smallest unit.
    pub amount: i64,
    /// Cash in or cash out.
    pub direction: Direction,
    /// The currency.
    pub currency: Currency,
    /// The credential used.
    #[serde(default)]
    pub credential: Option<Credential>,
}

/// `POST /authorize` answered 202: the user must authenticate at `url`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthenticationRequired {
    /// The intent id.
    pub id: IntentId,
    /// The authentication flow's URL.
    pub url: String,
}

/// `POST /authorize` answered 401 with a decline body: the payment is declined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthorizeDeclined {
    /// The intent id.
    pub id: IntentId,
    /// Why; see [`DeclineCategory::user_retry`].
    pub decline_category: DeclineCategory,
}

/// The outcome of `POST /authorize`. All three are answers, not failures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum AuthorizeOutcome {
    /// 200.
    Approved(AuthorizeApproved),
    /// 202.
    AuthenticationRequired(AuthenticationRequired),
    /// 401 with `{id, decline_category}`.
    Declined(AuthorizeDeclined),
}

impl AuthorizeOutcome {
    /// The intent id, whatever the outcome.
    pub fn intent_id(&self) -> &IntentId {
        match self {
            AuthorizeOutcome::Approved(a) => &a.id,
            AuthorizeOutcome::AuthenticationRequired(a) => &a.id,
            AuthorizeOutcome::Declined(a) => &a.id,
        }
    }
}

from_json!(
    Intent,
    Transaction,
    Dispute,
    Refund,
    Credential,
    PaymentCredential,
    Card,
    Account,
    IntentPage,
    CreatedIntent,
    AuthorizeApproved,
    AuthenticationRequired,
    AuthorizeDeclined
);
