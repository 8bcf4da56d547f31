//! Secrets that must never reach `Debug`, `Display`, errors or logs.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::{ValidationError, validate};

/// The Push API token. Its `Debug` and `Display` print a mask, and no error quotes it.
///
/// It is **not** zeroed on drop: every request carries a copy in its `Authorization` header (an
/// [`http::HeaderValue`], marked sensitive so `Debug` and HTTP/2's HPACK leave it out), and
/// those copies live in buffers this crate cannot wipe. Zeroing one copy would promise what the
/// others break, so push-rs promises only that the token is never printed or logged.
#[derive(Clone)]
pub struct ApiToken(Box<str>);

impl ApiToken {
    /// Validates that the token can travel in an `Authorization` header.
    pub fn new(token: impl Into<String>) -> Result<Self, ValidationError> {
        let token: String = token.into();
        validate::visible_ascii("api_token", &token, 4096).map_err(|_| {
            ValidationError::new("api_token", "must be 1 to 4096 visible ASCII characters")
        })?;
        Ok(Self(token.into_boxed_str()))
    }

    /// The token itself, for the `Authorization` header. Keep it out of logs.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True for a production key (`pcsk_production_...`), whatever base URL it is used with.
    pub fn is_production(&self) -> bool {
        self.0.starts_with("pcsk_production_")
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiToken(****)")
    }
}

impl fmt::Display for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("****")
    }
}

/// A webhook secret: 32 to 4096 characters, masked in `Debug` and `Display` (not zeroed on
/// drop, for the reason [`ApiToken`] gives: it travels in request bodies).
#[derive(Clone)]
pub struct WebhookSecret(Box<str>);

impl WebhookSecret {
    /// Validates the length Push requires (32 to 4096 characters).
    pub fn new(secret: impl Into<String>) -> Result<Self, ValidationError> {
        let secret: String = secret.into();
        let chars = secret.chars().count();
        if !(32..=4096).contains(&chars) {
            return Err(ValidationError::new(
                "webhook_secret",
                format!("must be 32 to 4096 characters (got {chars})"),
            ));
        }
        Ok(Self(secret.into_boxed_str()))
    }

    /// The secret itself, for signing or for the request body.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(****)")
    }
}

impl fmt::Display for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("****")
    }
}

impl Serialize for WebhookSecret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked() {
        let token = ApiToken::new("sk_live_very_secret").unwrap();
        assert!(!format!("{token:?} {token}").contains("very_secret"));
        let secret = WebhookSecret::new("whsec_a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6").unwrap();
        assert!(!format!("{secret:?} {secret}").contains("a1b2"));
        assert_eq!(secret.expose(), "whsec_a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6");
    }

    #[test]
    fn bad_secrets_are_refused_without_echoing_them() {
        let err = ApiToken::new("bad token\n").unwrap_err();
        assert_eq!(err.field(), "api_token");
        assert!(!err.to_string().contains("bad token"));
        assert!(ApiToken::new("").is_err());
        let short = WebhookSecret::new("x".repeat(31)).unwrap_err();
        assert_eq!(short.field(), "webhook_secret");
        assert!(short.rule().contains("32 to 4096"));
        assert!(WebhookSecret::new("x".repeat(32)).is_ok());
        assert!(WebhookSecret::new("x".repeat(4096)).is_ok());
        assert!(WebhookSecret::new("x".repeat(4097)).is_err());
    }
}

/// A card number (PAN): 12 to 19 digits passing the Luhn check. `Debug` and `Display` show only
/// the last four (`CardNumber(****4444)`); the number itself leaves only in a tokenize body.
#[derive(Clone, PartialEq, Eq)]
pub struct CardNumber(Box<str>);

impl CardNumber {
    /// Validates the number: spaces and dashes between digit groups are dropped first.
    pub fn new(number: impl Into<String>) -> Result<Self, ValidationError> {
        let number: String = number.into();
        let digits: String = number.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValidationError::new("pan", "must be digits only"));
        }
        if !(12..=19).contains(&digits.len()) {
            return Err(ValidationError::new(
                "pan",
                format!("must be 12 to 19 digits (got {})", digits.len()),
            ));
        }
        if !luhn(&digits) {
            return Err(ValidationError::new(
                "pan",
                "fails the Luhn check (a mistyped number)",
            ));
        }
        Ok(Self(digits.into_boxed_str()))
    }

    /// The number itself, for the request body.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The last four digits: what may be shown.
    pub fn last4(&self) -> &str {
        // In bounds: at least 12 ASCII digits.
        &self.0[self.0.len() - 4..]
    }
}

/// The Luhn checksum over ASCII digits.
fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

impl fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CardNumber(****{})", self.last4())
    }
}

impl fmt::Display for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "****{}", self.last4())
    }
}

/// A card verification value: 3 or 4 digits, never shown (`Cvv(***)`).
#[derive(Clone, PartialEq, Eq)]
pub struct Cvv(Box<str>);

impl Cvv {
    /// Validates the value: 3 or 4 digits.
    pub fn new(cvv: impl Into<String>) -> Result<Self, ValidationError> {
        let cvv: String = cvv.into();
        if !(3..=4).contains(&cvv.len()) || !cvv.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValidationError::new("cvv", "must be 3 or 4 digits"));
        }
        Ok(Self(cvv.into_boxed_str()))
    }

    /// The value itself, for the request body.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Cvv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Cvv(***)")
    }
}

impl fmt::Display for Cvv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod card_tests {
    use super::*;

    #[test]
    fn card_numbers_are_checked_and_never_shown() {
        let pan = CardNumber::new("5555 5555 5555 4444").unwrap();
        assert_eq!(pan.expose(), "5555555555554444");
        assert_eq!(format!("{pan:?}"), "CardNumber(****4444)");
        assert_eq!(pan.to_string(), "****4444");
        for (number, rule) in [
            ("5555555555554445", "Luhn"),
            ("55555555555", "12 to 19"),
            ("55555555555544440000", "12 to 19"),
            ("5555x55555554444", "digits only"),
            ("", "12 to 19"),
        ] {
            let err = CardNumber::new(number).unwrap_err();
            assert_eq!(err.field(), "pan");
            assert!(err.rule().contains(rule), "{number}: {}", err.rule());
            assert!(!err.to_string().contains("5555"), "{err}");
        }
        assert!(CardNumber::new("4242424242424242").is_ok());
        assert!(CardNumber::new("378282246310005").is_ok(), "15-digit Amex");
    }

    #[test]
    fn cvvs_are_checked_and_never_shown() {
        let cvv = Cvv::new("123").unwrap();
        assert_eq!(format!("{cvv:?}"), "Cvv(***)");
        assert_eq!(cvv.to_string(), "***");
        assert!(Cvv::new("1234").is_ok());
        for bad in ["12", "12345", "12a", ""] {
            assert_eq!(Cvv::new(bad).unwrap_err().field(), "cvv", "{bad}");
        }
    }
}
