//! The response models of every schema in the pages.
//!
//! Decoding is lenient where Push's own examples are: fields the published examples omit are
//! `Option`, unknown fields are ignored, unknown enum values are kept. It is strict where a
//! value is genuinely broken: a string `amount` or a missing `id` fails with the JSON path.

use bytes::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use crate::{
    AccountId, AccountType, ApprovalMode, CardBrand, Currency, Cursor, DeclineCategory,
    DecodeError, Direction, DisputeCode, DisputeId, DisputeStatus, IntentId, IntentStatus,
    IntentType, Rail, RefundId, RefundStatus, TransactionDirection, TransactionId,
    TransactionStatus, TransactionType, UserId, decode,
};

/// Timestamps and dates: RFC 3339 in (fast path first, then chrono's lenient parser), chrono's
/// RFC 3339 out. chrono's `FromStr` costs ~130 ns a timestamp; its RFC 3339 parser ~23 ns.
mod time {
    use std::fmt;

    use chrono::{DateTime, NaiveDate, Utc};
    use serde::{Deserializer, de};

    fn timestamp<E: de::Error>(value: &str) -> Result<DateTime<Utc>, E> {
        match DateTime::parse_from_rfc3339(value) {
            Ok(at) => Ok(at.to_utc()),
            Err(_) => value.parse::<DateTime<Utc>>().map_err(E::custom),
        }
    }

    fn date<E: de::Error>(value: &str) -> Result<NaiveDate, E> {
        let b = value.as_bytes();
        // Indexing is in bounds and `n * 10 + d` fits u32: both are used only after
        // `b.len() == 10`, on at most 4 digits.
        let digits = |range: std::ops::Range<usize>| {
            b[range].iter().try_fold(0u32, |n, d| {
                d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
            })
        };
        if b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10))
            && let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d)
        {
            return Ok(date);
        }
        value.parse::<NaiveDate>().map_err(E::custom)
    }

    struct Timestamp;

    impl de::Visitor<'_> for Timestamp {
        type Value = DateTime<Utc>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an RFC 3339 timestamp")
        }
        fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
            timestamp(value)
        }
    }

    struct Date;

    impl de::Visitor<'_> for Date {
        type Value = NaiveDate;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a date (YYYY-MM-DD)")
        }
        fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
            date(value)
        }
    }

    struct Optional<V>(V);

    impl<'de, V: de::Visitor<'de>> de::Visitor<'de> for Optional<V> {
        type Value = Option<V::Value>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.expecting(f)?;
            f.write_str(" or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_str(self.0).map(Some)
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        d.deserialize_str(Timestamp)
    }

    pub(super) mod option {
        use super::*;
        pub(in super::super) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<DateTime<Utc>>, D::Error> {
            d.deserialize_option(Optional(Timestamp))
        }
    }

    pub(super) mod date {
        use super::*;
        pub(in super::super) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<NaiveDate, D::Error> {
            d.deserialize_str(Date)
        }
        pub(in super::super) mod option {
            use super::*;
            pub(in super::super::super) fn deserialize<'de, D: Deserializer<'de>>(
                d: D,
            ) -> Result<Option<NaiveDate>, D::Error> {
                d.deserialize_option(Optional(Date))
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn fast_paths_agree_with_chrono() {
            let table = [
                "2023-05-24T20:36:50.694Z",
                "2023-05-24T20:36:50Z",
                "2023-05-24T22:36:50.123456789+02:00",
                "2023-05-24 20:36:50Z",
                "2023-05-24T20:36:50.694z",
            ];
            for value in table {
                let fast: DateTime<Utc> = timestamp::<de::value::Error>(value).unwrap();
                assert_eq!(fast, value.parse::<DateTime<Utc>>().unwrap(), "{value}");
            }
            for value in ["2023-05-24", "2024-02-29", "+2023-05-24"] {
                assert_eq!(
                    date::<de::value::Error>(value).ok(),
                    value.parse::<NaiveDate>().ok(),
                    "{value}"
                );
            }
            for bad in ["2023-02-30", "2023-13-01", "20x3-05-24", "yesterday", ""] {
                assert!(date::<de::value::Error>(bad).is_err(), "{bad}");
            }
            assert!(timestamp::<de::value::Error>("yesterday").is_err());
        }
    }
}

/// `null` and a missing array both mean "none": seen in the wild for optional lists.
fn null_as_empty<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A required key whose value may be `null`. (`deserialize_with` makes serde report a missing
/// key as `missing field`, where a plain `Option` would quietly be `None`.)
fn present_or_null<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    Option::<T>::deserialize(d)
}

mod ledger;
#[cfg(test)]
mod round_trip;
mod users;

pub use ledger::{Accounts, RefundDeclined, RefundOutcome, Transfer};

pub use users::{
    Address, AddressBuilder, CardToken, CreatedUser, DateInput, GovernmentId, LegalName, User,
    UserCredential, UserCredentials, UserLimits, UserUrl,
};

macro_rules! from_json {
    ($($name:ident),+) => {$(
        impl $name {
            /// Decodes one JSON document; the error names the JSON path of a bad value.
            pub fn from_json(body: impl Into<Bytes>) -> Result<Self, DecodeError> {
                decode::json(None, &body.into())
            }
        }
    )+};
}

/// A payment intent (`GET /intent/{id}`, the items of `GET /intent/list`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Intent {
    /// The intent id.
    pub id: IntentId,
    /// The `X-Idempotency-Key` the intent was created with.
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// When the intent was created.
    #[serde(deserialize_with = "time::deserialize")]
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
#[non_exhaustive]
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
    #[serde(deserialize_with = "time::deserialize")]
    pub created_at: DateTime<Utc>,
    /// The settlement date.
    #[serde(default, deserialize_with = "time::date::option::deserialize")]
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
#[non_exhaustive]
pub struct Dispute {
    /// The dispute id.
    pub id: DisputeId,
    /// In the currency's smallest unit.
    pub amount: i64,
    /// The currency.
    pub currency: Currency,
    /// When it was created.
    #[serde(deserialize_with = "time::deserialize")]
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
#[non_exhaustive]
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
    #[serde(deserialize_with = "time::deserialize")]
    pub created_at: DateTime<Utc>,
}

/// The credential used for a payment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Credential {
    /// A short, human-readable name (`Chase Checking`).
    pub display_name: String,
    /// The last 4 digits of the card or bank account.
    pub last4: String,
}

/// The details of a user's payment credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
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
    #[serde(default, deserialize_with = "time::option::deserialize")]
    pub created_at: Option<DateTime<Utc>>,
}

/// A masked bank account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BankAccount {
    /// The account number, masked.
    pub number_mask: String,
    /// The routing number.
    pub routing: String,
}

/// A masked card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Card {
    /// The primary account number, masked.
    pub primary_account_number_mask: String,
    /// The expiration date.
    #[serde(deserialize_with = "time::date::deserialize")]
    pub expiration: NaiveDate,
    /// The brand (absent from the published `GET /intent/{id}` example).
    #[serde(default)]
    pub brand: Option<CardBrand>,
}

/// A settlement or dispute account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Account {
    /// The account id.
    pub id: AccountId,
    /// Settlement or dispute.
    #[serde(rename = "type")]
    pub account_type: AccountType,
    /// The account's name.
    pub name: String,
    /// When it was created.
    #[serde(deserialize_with = "time::deserialize")]
    pub created_at: DateTime<Utc>,
    /// The balance, in minor units (in a published example, not in the schema).
    #[serde(default)]
    pub balance: Option<i64>,
}

/// One page of a cursor-paginated list (`GET /intent/list`, and every list Push adds): what a
/// [`crate::paging::ListOperation`] returns and a [`crate::paging::Pager`] walks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page; `null` reads as none.
    #[serde(deserialize_with = "null_as_empty")]
    pub data: Vec<T>,
    /// The cursor of the next page; `None` (JSON `null`) when there are no more. The key itself
    /// is required: a page without it is a decode error naming `next_cursor`, never a silent end
    /// of the listing.
    #[serde(deserialize_with = "present_or_null")]
    pub next_cursor: Option<Cursor>,
}

impl<T> Page<T> {
    /// A page of `data`, followed by the page at `next_cursor` (`None`: the last page).
    pub fn new(data: Vec<T>, next_cursor: Option<Cursor>) -> Self {
        Self { data, next_cursor }
    }
}

impl<T: serde::de::DeserializeOwned> Page<T> {
    /// Decodes one JSON document; the error names the JSON path of a bad value.
    pub fn from_json(body: impl Into<Bytes>) -> Result<Self, DecodeError> {
        decode::json(None, &body.into())
    }
}

/// One page of `GET /intent/list`.
pub type IntentPage = Page<Intent>;

/// The answer to `POST /intent`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreatedIntent {
    /// The new intent's id.
    pub id: IntentId,
    /// The payment session URL.
    #[serde(default)]
    pub url: Option<String>,
}

impl CreatedIntent {
    /// The answer for intent `id` with its payment session `url`.
    pub fn new(id: impl Into<IntentId>, url: Option<String>) -> Self {
        Self { id: id.into(), url }
    }
}

/// `POST /authorize` answered 200: the payment is approved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
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
#[non_exhaustive]
pub struct AuthenticationRequired {
    /// The intent id.
    pub id: IntentId,
    /// The authentication flow's URL.
    pub url: String,
}

/// `POST /authorize` answered 401 with a decline body: the payment is declined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuthorizeDeclined {
    /// The intent id.
    pub id: IntentId,
    /// Why; see [`DeclineCategory::user_retry`].
    pub decline_category: DeclineCategory,
}

/// The outcome of `POST /authorize`. All three are answers, not failures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
// Exhaustive on purpose: Push documents these three answers (200, 202, 401) and any other
// status is an `Error`, so callers can match without a wildcard.
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
    CreatedIntent,
    AuthorizeApproved,
    AuthenticationRequired,
    AuthorizeDeclined
);
