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
