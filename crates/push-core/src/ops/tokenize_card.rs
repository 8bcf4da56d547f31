//! `POST /tokenize`: swap raw card data for a short-lived, single-use token for
//! `POST /authorize`. Only for operators with their own PCI DSS compliance.
//!
//! It goes to the **tokens host** (`sandbox-tokens` / `tokens.pushcash.com`, same API token;
//! see [`crate::Config::tokens_base_url`]). The card number and CVV are secret types: `Debug`
//! shows the last four of the number and never the CVV, and both are listed as body secrets so
//! transports keep them out of their libraries' logs. A token backs one authorization, so a
//! tokenize is retried only when it provably never left.

use http::Method;
use serde::{Serialize, Serializer};

use super::{Operation, decode_success, json_body, json_escaped};
use crate::{
    CardNumber, CardToken, Config, Cvv, Error, Request, Response, RetrySafety, UserId,
    ValidationError, validate,
};

/// A month or year of a card's expiry as a caller has it: text (`"05"`, `"28"`) or a number
/// (`5`, `28`, `2028`). Validated when the request is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiryPart(String);

impl From<&str> for ExpiryPart {
    fn from(text: &str) -> Self {
        Self(text.to_owned())
    }
}

impl From<&String> for ExpiryPart {
    fn from(text: &String) -> Self {
        Self(text.clone())
    }
}

impl From<String> for ExpiryPart {
    fn from(text: String) -> Self {
        Self(text)
    }
}

macro_rules! expiry_from_number {
    ($($ty:ty),+) => {$(
        impl From<$ty> for ExpiryPart {
            fn from(number: $ty) -> Self {
                Self(number.to_string())
            }
        }
    )+};
}

expiry_from_number!(u8, u16, u32, u64, i32, i64);

/// A validated `POST /tokenize`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenizeCard {
    body: Body,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct Body {
    user_id: UserId,
    #[serde(serialize_with = "expose_pan")]
    pan: CardNumber,
    #[serde(serialize_with = "expose_cvv")]
    cvv: Cvv,
    exp_month: String,
    exp_year: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    card_type: Option<&'static str>,
}

fn expose_pan<S: Serializer>(pan: &CardNumber, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(pan.expose())
}

fn expose_cvv<S: Serializer>(cvv: &Cvv, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(cvv.expose())
}

impl TokenizeCard {
    /// Starts a builder: user, number, CVV and expiry are required.
    pub fn builder() -> TokenizeCardBuilder {
        TokenizeCardBuilder::default()
    }

    /// The card's last four digits: what may be shown about it.
    pub fn last4(&self) -> &str {
        self.body.pan.last4()
    }
}

/// Builder of [`TokenizeCard`]; everything is checked in [`TokenizeCardBuilder::build`].
#[derive(Debug, Clone, Default)]
pub struct TokenizeCardBuilder {
    user_id: Option<UserId>,
    pan: Option<Result<CardNumber, ValidationError>>,
    cvv: Option<Result<Cvv, ValidationError>>,
    exp_month: Option<String>,
    exp_year: Option<String>,
    card_only: bool,
}

impl TokenizeCardBuilder {
    /// The user the card belongs to (required).
    pub fn user_id(mut self, user_id: impl Into<UserId>) -> Self {
        self.user_id = Some(user_id.into());
        self
    }

    /// The card number (required): 12 to 19 digits passing the Luhn check.
    pub fn pan(mut self, pan: impl Into<String>) -> Self {
        self.pan = Some(CardNumber::new(pan));
        self
    }

    /// The CVV (required): 3 or 4 digits.
    pub fn cvv(mut self, cvv: impl Into<String>) -> Self {
        self.cvv = Some(Cvv::new(cvv));
        self
    }

    /// The expiry month (required): `1` to `12`, sent as two digits.
    pub fn exp_month(mut self, month: impl Into<ExpiryPart>) -> Self {
        self.exp_month = Some(month.into().0);
        self
    }

    /// The expiry year (required): two digits (`28`), or four (`2028`, sent as `28`).
    pub fn exp_year(mut self, year: impl Into<ExpiryPart>) -> Self {
        self.exp_year = Some(year.into().0);
        self
    }

    /// Forces card-only processing (`type: card_only`); otherwise Push picks by card.
    pub fn card_only(mut self, card_only: bool) -> Self {
        self.card_only = card_only;
        self
    }

    /// Validates every field; errors name the field, never its value.
    pub fn build(self) -> Result<TokenizeCard, ValidationError> {
        validate::required(&[
            ("user_id", "is required", self.user_id.is_some()),
            ("pan", "is required", self.pan.is_some()),
            ("cvv", "is required", self.cvv.is_some()),
            ("exp_month", "is required", self.exp_month.is_some()),
            ("exp_year", "is required", self.exp_year.is_some()),
        ])?;
        let required = |field: &'static str| ValidationError::new(field, "is required");
        let user_id = self.user_id.ok_or_else(|| required("user_id"))?;
        validate::id("user_id", user_id.as_str())?;
        let pan = self.pan.ok_or_else(|| required("pan"))??;
        let cvv = self.cvv.ok_or_else(|| required("cvv"))??;
        let exp_month = self.exp_month.ok_or_else(|| required("exp_month"))?;
        let exp_month = match exp_month.parse::<u8>() {
            Ok(month @ 1..=12) if exp_month.len() <= 2 => format!("{month:02}"),
            _ => {
                return Err(ValidationError::new(
                    "exp_month",
                    "must be a month, 01 to 12",
                ));
            }
        };
        let exp_year = self.exp_year.ok_or_else(|| required("exp_year"))?;
        let digits = exp_year.bytes().all(|b| b.is_ascii_digit());
        let exp_year = match (digits, exp_year.len()) {
            (true, 2) => exp_year,
            (true, 4) if exp_year.starts_with("20") => exp_year[2..].to_owned(),
            _ => {
                return Err(ValidationError::new(
                    "exp_year",
                    "must be two digits (28), or four from 2000 (2028)",
                ));
            }
        };
        Ok(TokenizeCard {
            body: Body {
                user_id,
                pan,
                cvv,
                exp_month,
                exp_year,
                card_type: self.card_only.then_some("card_only"),
            },
        })
    }
}

impl Operation for TokenizeCard {
    type Output = CardToken;

    fn method(&self) -> Method {
        Method::POST
    }

    fn path_template(&self) -> &'static str {
        "/tokenize"
    }

    fn retry_safety(&self) -> RetrySafety {
        RetrySafety::OnlyIfNotSent
    }

    fn body_secrets(&self) -> Vec<bytes::Bytes> {
        vec![
            json_escaped(self.body.pan.expose()),
            json_escaped(self.body.cvv.expose()),
        ]
    }

    fn encode(&self, config: &Config) -> Result<Request, Error> {
        let body = json_body(&self.body)?;
        Ok(config.tokens_request(self.method(), self.path_template(), Some(body))?)
    }

    fn decode(&self, response: Response) -> Result<CardToken, Error> {
        decode_success(&response)
    }
}

impl crate::journal::Journaled for TokenizeCard {
    fn journal_form(&self) -> crate::journal::JournalForm {
        // No request: the card number and CVV never enter the journal, so a lost tokenize is
        // closed as expired, never resent.
        let mut form = crate::journal::JournalForm::new("tokenize_card");
        form.user_id = Some(self.body.user_id.as_str().to_owned());
        form
    }

    fn journal_answer(output: &CardToken) -> crate::journal::JournalAnswer {
        crate::journal::JournalAnswer::new(output.token.as_str(), "created", false)
    }

    fn replay(_request: &str) -> Result<Self, Error> {
        Err(crate::journal::replay_error(
            "tokenize_card",
            "a tokenize is never resent: its card number is not kept",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApiToken, Environment};

    fn card() -> TokenizeCardBuilder {
        TokenizeCard::builder()
            .user_id("user_28CJjV7P4Go5PNJvfzghiD")
            .pan("5555555555554444")
            .cvv("123")
            .exp_month("12")
            .exp_year("28")
    }

    #[test]
    fn goes_to_the_tokens_host_with_the_published_body() {
        let config = Config::new(ApiToken::new("t").unwrap(), Environment::Sandbox);
        let op = card().build().unwrap();
        let request = op.encode(&config).unwrap();
        assert_eq!(
            request.uri(),
            "https://sandbox-tokens.pushcash.com/tokenize"
        );
        assert_eq!(
            request.body().as_ref(),
            br#"{"user_id":"user_28CJjV7P4Go5PNJvfzghiD","pan":"5555555555554444","cvv":"123","exp_month":"12","exp_year":"28"}"#
        );
        let production = Config::new(ApiToken::new("t").unwrap(), Environment::Production);
        assert_eq!(
            op.encode(&production).unwrap().uri(),
            "https://tokens.pushcash.com/tokenize"
        );
        let debug = format!("{op:?}");
        assert!(!debug.contains("5555555555554444"), "{debug}");
        assert!(!debug.contains("\"123\""), "{debug}");
        assert_eq!(op.retry_safety(), RetrySafety::OnlyIfNotSent);
        assert_eq!(op.body_secrets().len(), 2);
        let normalized = card()
            .exp_month("3")
            .exp_year("2031")
            .card_only(true)
            .build()
            .unwrap();
        let body = normalized.encode(&config).unwrap();
        let body = std::str::from_utf8(body.body()).unwrap().to_owned();
        assert!(
            body.contains(r#""exp_month":"03","exp_year":"31","type":"card_only""#),
            "{body}"
        );
    }

    #[test]
    fn every_rule_names_its_field_and_never_the_number() {
        let table: [(TokenizeCardBuilder, &str); 8] = [
            (card().pan("5555555555554445"), "pan"),
            (card().pan("1234"), "pan"),
            (card().cvv("12"), "cvv"),
            (card().exp_month("13"), "exp_month"),
            (card().exp_month("00"), "exp_month"),
            (card().exp_year("1999"), "exp_year"),
            (card().exp_year("2"), "exp_year"),
            (TokenizeCard::builder().pan("5555555555554444"), "user_id"),
        ];
        for (builder, field) in table {
            let err = builder.build().unwrap_err();
            assert_eq!(err.field(), field, "{err}");
            assert!(!err.to_string().contains("555555"), "{err}");
        }
    }
}
