//! Identifier newtypes: an `IntentId` can not be passed where a `UserId` is meant.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{ValidationError, validate};

/// Which Push environment minted an identifier, where its prefix says so
/// (`intent_sandbox_...`, `intent_production_...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdEnvironment {
    /// Minted by the sandbox.
    Sandbox,
    /// Minted by production.
    Production,
}

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a string as received or as given by the caller; requests validate it.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The identifier as a string.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Sandbox or production, where the prefix says so; `None` where it does not.
            pub fn environment(&self) -> Option<IdEnvironment> {
                environment_of(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }

        impl From<&String> for $name {
            fn from(value: &String) -> Self {
                Self(value.clone())
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

fn environment_of(id: &str) -> Option<IdEnvironment> {
    let mut parts = id.splitn(3, '_');
    let _kind = parts.next()?;
    let environment = match parts.next()? {
        "sandbox" => IdEnvironment::Sandbox,
        "production" => IdEnvironment::Production,
        _ => return None,
    };
    // `intent_sandbox` alone is not an id minted by the sandbox.
    parts
        .next()
        .filter(|rest| !rest.is_empty())
        .map(|_| environment)
}

id_type!(
    /// A payment intent id (`intent_sandbox_...` / `intent_production_...`).
    IntentId
);
id_type!(
    /// Push's identifier for a user (`user_...`).
    UserId
);
id_type!(
    /// A settlement account id (`account_...`).
    AccountId
);
id_type!(
    /// A transaction id (`txn_...`).
    TransactionId
);
id_type!(
    /// A transfer id (`transfer_...`).
    TransferId
);
id_type!(
    /// A dispute id (`dispute_...`).
    DisputeId
);
id_type!(
    /// A refund id (`refund_...`).
    RefundId
);
id_type!(
    /// A payment credential id (`cred_...`), as sent to `POST /authorize`.
    CredentialId
);
id_type!(
    /// A card token from Push's tokens API (`token_...`). Push deduplicates `POST /authorize`
    /// on it, which is what makes an authorize carrying one safe to retry.
    TokenId
);
id_type!(
    /// An opaque pagination cursor. Treat it as bytes: it may contain `=`, `+` and `/`.
    Cursor
);

/// The `X-Idempotency-Key` of a `POST /intent`: 1 to 255 visible ASCII characters.
///
/// Push returns the original response for a repeated key, so the same key on every attempt of
/// one logical call is what makes `create_intent` safe to retry.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Validates a caller's key (Push recommends your internal transaction id).
    pub fn new(value: impl Into<String>) -> Result<Self, ValidationError> {
        let value = value.into();
        validate::visible_ascii("idempotency_key", &value, 255)?;
        Ok(Self(value))
    }

    /// A fresh random key (a UUID v4, from the operating system's random source).
    pub fn generate() -> Self {
        let mut bytes = [0u8; 16];
        // The OS source failing (no /dev/urandom, a sandbox) must not mean no key: fall back
        // to the process's seeded generator, still 122 random bits per key.
        if getrandom::getrandom(&mut bytes).is_err() {
            bytes = fastrand::u128(..).to_le_bytes();
        }
        // RFC 9562 version 4: the version nibble 4, the variant bits 10.
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        let hex = crate::webhook::hex(&bytes);
        Self(format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        ))
    }

    /// The key as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdempotencyKey({:?})", self.0)
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for IdempotencyKey {
    type Err = ValidationError;
    fn from_str(value: &str) -> Result<Self, ValidationError> {
        Self::new(value)
    }
}

impl TryFrom<&str> for IdempotencyKey {
    type Error = ValidationError;
    fn try_from(value: &str) -> Result<Self, ValidationError> {
        Self::new(value)
    }
}

impl TryFrom<String> for IdempotencyKey {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, ValidationError> {
        Self::new(value)
    }
}

impl<'de> Deserialize<'de> for IdempotencyKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        Self::new(value).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_know_their_environment_from_the_prefix() {
        let table = [
            (
                "intent_sandbox_dMggQ93ZYH6DH9LBhVeijE",
                Some(IdEnvironment::Sandbox),
            ),
            (
                "intent_production_mbDRHFi3dxIZEtykHsgUGC",
                Some(IdEnvironment::Production),
            ),
            ("user_28CJjV7P4Go5PNJvfzghiD", None),
            ("intent_sandbox", None),
            ("intent_sandbox_", None),
            ("", None),
            ("sandbox", None),
        ];
        for (id, expected) in table {
            assert_eq!(IntentId::new(id).environment(), expected, "{id}");
        }
    }

    #[test]
    fn ids_are_transparent_strings_on_the_wire() {
        let id: UserId = serde_json::from_str("\"user_1\"").unwrap();
        assert_eq!(id, "user_1");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"user_1\"");
        assert_eq!(format!("{id:?}"), "UserId(\"user_1\")");
    }

    #[test]
    fn idempotency_keys_are_validated() {
        assert!(IdempotencyKey::new("f1bbb85").is_ok());
        assert!(IdempotencyKey::new("a".repeat(255)).is_ok());
        let too_long = IdempotencyKey::new("a".repeat(256)).unwrap_err();
        assert_eq!(too_long.field(), "idempotency_key");
        assert!(too_long.rule().contains("at most 255"), "{too_long}");
        assert!(IdempotencyKey::new("").is_err());
        assert!(IdempotencyKey::new("has space").is_err());
        assert!(IdempotencyKey::new("new\nline").is_err());
        assert!(IdempotencyKey::new("café").is_err());
    }

    #[test]
    fn generated_keys_are_unique_and_valid() {
        let a = IdempotencyKey::generate();
        let b = IdempotencyKey::generate();
        assert_ne!(a, b);
        assert!(IdempotencyKey::new(a.as_str()).is_ok());
        for key in [a, b] {
            // xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx, lowercase hex.
            let text = key.as_str().as_bytes();
            assert_eq!(text.len(), 36, "{key:?}");
            for (i, c) in text.iter().enumerate() {
                match i {
                    8 | 13 | 18 | 23 => assert_eq!(*c, b'-'),
                    14 => assert_eq!(*c, b'4'),
                    19 => assert!(b"89ab".contains(c)),
                    _ => assert!(c.is_ascii_digit() || (b'a'..=b'f').contains(c)),
                }
            }
        }
    }
}
