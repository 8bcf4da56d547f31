//! Users and what they pay with: `/user`, `/user/list`, `/user/{id}`, the user's stored
//! credentials, user URLs and card tokens.
//!
//! `LegalName`, `Address` and `GovernmentId` are both read (in a `User`) and sent (in a
//! `CreateUser`): they serialise as Push's request schema, absent options left out.

use bytes::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{PaymentCredential, null_as_empty, time};
use crate::{
    CredentialId, CredentialType, Currency, DecodeError, GovernmentIdType, TokenId, UserId,
    UserStatus, decode,
};

/// A user's legal name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LegalName {
    /// First name.
    pub first: String,
    /// Last name.
    pub last: String,
}

impl LegalName {
    /// A name (validated when a `CreateUser` is built).
    pub fn new(first: impl Into<String>, last: impl Into<String>) -> Self {
        Self {
            first: first.into(),
            last: last.into(),
        }
    }
}

/// A user's primary residential address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Address {
    /// First address line.
    pub address_line_1: String,
    /// City or township.
    pub locality: String,
    /// Two-letter state code (`CA`).
    pub administrative_area: String,
    /// `NNNNN` or `NNNNN-NNNN`.
    pub postal_code: String,
    /// Two-letter country code (`US`).
    pub country: String,
}

impl Address {
    /// Starts a builder with named setters: the safe way to write an address (with
    /// [`Address::new`]'s five strings, locality and state swap silently).
    ///
    /// ```
    /// let address = push_core::Address::builder()
    ///     .line1("1609 10th Ave")
    ///     .locality("Bodega Bay")
    ///     .state("CA")
    ///     .postal_code("94923")
    ///     .country("US")
    ///     .build()?;
    /// assert_eq!(address.administrative_area, "CA");
    /// # Ok::<(), push_core::ValidationError>(())
    /// ```
    pub fn builder() -> AddressBuilder {
        AddressBuilder::default()
    }

    /// An address from five positional strings, in the wire order (validated when a
    /// `CreateUser` is built). Prefer [`Address::builder`].
    pub fn new(
        address_line_1: impl Into<String>,
        locality: impl Into<String>,
        administrative_area: impl Into<String>,
        postal_code: impl Into<String>,
        country: impl Into<String>,
    ) -> Self {
        Self {
            address_line_1: address_line_1.into(),
            locality: locality.into(),
            administrative_area: administrative_area.into(),
            postal_code: postal_code.into(),
            country: country.into(),
        }
    }
}

/// Builder of [`Address`]: every field by name.
#[derive(Debug, Clone, Default)]
pub struct AddressBuilder {
    line1: Option<String>,
    locality: Option<String>,
    state: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
}

impl AddressBuilder {
    /// The first address line (`address_line_1`).
    pub fn line1(mut self, line: impl Into<String>) -> Self {
        self.line1 = Some(line.into());
        self
    }

    /// The city or township (`locality`).
    pub fn locality(mut self, locality: impl Into<String>) -> Self {
        self.locality = Some(locality.into());
        self
    }

    /// The two-letter state code (`administrative_area`).
    pub fn state(mut self, state: impl Into<String>) -> Self {
        self.state = Some(state.into());
        self
    }

    /// `NNNNN` or `NNNNN-NNNN`.
    pub fn postal_code(mut self, code: impl Into<String>) -> Self {
        self.postal_code = Some(code.into());
        self
    }

    /// The two-letter country code (`US`, the default).
    pub fn country(mut self, country: impl Into<String>) -> Self {
        self.country = Some(country.into());
        self
    }

    /// The address; names every missing field at once. The values are checked when a
    /// `CreateUser` is built.
    pub fn build(self) -> Result<Address, crate::ValidationError> {
        crate::validate::required(&[
            ("address_line_1", "is required", self.line1.is_some()),
            ("locality", "is required", self.locality.is_some()),
            ("administrative_area", "is required", self.state.is_some()),
            ("postal_code", "is required", self.postal_code.is_some()),
        ])?;
        Ok(Address {
            address_line_1: self.line1.unwrap_or_default(),
            locality: self.locality.unwrap_or_default(),
            administrative_area: self.state.unwrap_or_default(),
            postal_code: self.postal_code.unwrap_or_default(),
            country: self.country.unwrap_or_else(|| "US".to_owned()),
        })
    }
}

/// A date as a caller has it: `YYYY-MM-DD` text or a [`chrono::NaiveDate`] (validated when the
/// request is built).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateInput(pub(crate) String);

impl From<&str> for DateInput {
    fn from(text: &str) -> Self {
        Self(text.to_owned())
    }
}

impl From<&String> for DateInput {
    fn from(text: &String) -> Self {
        Self(text.clone())
    }
}

impl From<String> for DateInput {
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl From<chrono::NaiveDate> for DateInput {
    fn from(day: chrono::NaiveDate) -> Self {
        Self(day.format("%Y-%m-%d").to_string())
    }
}

/// The government id a user was verified with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GovernmentId {
    /// The kind of document.
    #[serde(rename = "type")]
    pub id_type: GovernmentIdType,
    /// The last four characters of the document number.
    pub last4: String,
    /// The issuing state: for `drivers_license` and `state_id` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

impl GovernmentId {
    /// A document without a state (passport, military id, SSN).
    pub fn new(id_type: GovernmentIdType, last4: impl Into<String>) -> Self {
        Self {
            id_type,
            last4: last4.into(),
            state: None,
        }
    }

    /// The issuing state (driver's license, state id).
    pub fn with_state(mut self, state: impl Into<String>) -> Self {
        self.state = Some(state.into());
        self
    }
}

/// A user's limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserLimits {
    /// The daily limit, in minor units.
    #[serde(default)]
    pub daily_limit: Option<i64>,
    /// Its currency.
    #[serde(default)]
    pub currency: Option<Currency>,
}

/// A user (`GET /user/{id}`, the items of `GET /user/list`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct User {
    /// The Push user id.
    pub id: UserId,
    /// The tag given at creation (your own user id), if any.
    #[serde(default)]
    pub tag: Option<String>,
    /// The status.
    pub status: UserStatus,
    /// The legal name.
    pub name: LegalName,
    /// The address.
    pub address: Address,
    /// The email address.
    pub email: String,
    /// The phone number, if any.
    #[serde(default)]
    pub phone_number: Option<String>,
    /// The date of birth.
    #[serde(default, deserialize_with = "time::date::option::deserialize")]
    pub date_of_birth: Option<NaiveDate>,
    /// The government id.
    #[serde(default)]
    pub government_id: Option<GovernmentId>,
    /// Stored credentials, in the older representation (see `ListUserCredentials`).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub payment_credentials: Vec<PaymentCredential>,
    /// The user's limits.
    #[serde(default)]
    pub limits: Option<UserLimits>,
    /// When the user was created.
    #[serde(default, deserialize_with = "time::option::deserialize")]
    pub created_at: Option<DateTime<Utc>>,
}

/// A stored payment credential (`GET /user/{id}/credential/list`, `POST /user/{id}/credential`,
/// `POST /sandbox/credential`): pass its id as `credential_id` to authorize.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserCredential {
    /// The credential id (`cred_...`).
    pub id: CredentialId,
    /// When it was stored.
    #[serde(deserialize_with = "time::deserialize")]
    pub created_at: DateTime<Utc>,
    /// The card's last four digits (for `apple_pay_debit`, of the physical card).
    #[serde(default)]
    pub card_last4: Option<String>,
    /// For `secure_debit`: whether bank authentication was completed.
    #[serde(default)]
    pub authenticated: bool,
    /// The kind of credential.
    #[serde(rename = "type")]
    pub credential_type: CredentialType,
    /// The bank account's last four, for an authenticated `secure_debit`.
    #[serde(default)]
    pub account_last4: Option<String>,
    /// The bank's name, for `secure_debit`.
    #[serde(default)]
    pub bank_name: Option<String>,
}

/// The credentials of a user (`GET /user/{id}/credential/list`: a `data` list, not paginated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserCredentials {
    /// The credentials; `null` reads as none.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub data: Vec<UserCredential>,
}

/// The answer to `POST /user`: the new (or, for a known `tag`, the existing) user's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreatedUser {
    /// The Push user id.
    pub id: UserId,
}

/// The answer to `POST /user/{id}/url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserUrl {
    /// The widget URL, or the Apple Pay launcher URL.
    pub url: String,
}

/// The answer to `POST /tokenize`: a short-lived, single-use token for `POST /authorize`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CardToken {
    /// The token.
    pub token: TokenId,
}

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

from_json!(
    User,
    UserCredential,
    UserCredentials,
    CreatedUser,
    UserUrl,
    CardToken,
    LegalName,
    Address,
    GovernmentId
);
