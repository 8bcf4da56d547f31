//! Secrets that must never reach `Debug`, `Display`, errors or logs.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Serialize, Serializer};

use crate::{ValidationError, validate};

/// The Push API token. Its `Debug` and `Display` print a mask; the string is zeroed on drop.
#[derive(Clone)]
pub struct ApiToken(SecretString);

impl ApiToken {
    /// Validates that the token can travel in an `Authorization` header.
    pub fn new(token: impl Into<String>) -> Result<Self, ValidationError> {
        let token: String = token.into();
        let secret = SecretString::from(token);
        validate::visible_ascii("api_token", secret.expose_secret(), 4096).map_err(|_| {
            ValidationError::new("api_token", "must be 1 to 4096 visible ASCII characters")
        })?;
        Ok(Self(secret))
    }

    /// The token itself, for the `Authorization` header. Keep it out of logs.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
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

/// A webhook secret: 32 to 4096 characters, masked in `Debug` and `Display`.
#[derive(Clone)]
pub struct WebhookSecret(SecretString);

impl WebhookSecret {
    /// Validates the length Push requires (32 to 4096 characters).
    pub fn new(secret: impl Into<String>) -> Result<Self, ValidationError> {
        let secret = SecretString::from(secret.into());
        let chars = secret.expose_secret().chars().count();
        if !(32..=4096).contains(&chars) {
            return Err(ValidationError::new(
                "webhook_secret",
                format!("must be 32 to 4096 characters (got {chars})"),
            ));
        }
        Ok(Self(secret))
    }

    /// The secret itself, for signing or for the request body.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
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
