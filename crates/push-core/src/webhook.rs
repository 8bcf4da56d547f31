//! Webhooks: verify Push's signature over the raw body, then decode a typed event.
//!
//! Push signs each webhook it sends to a `webhook_url` whose request carried a
//! `webhook_secret`: the `X-Webhook-Signature` header is the HMAC-SHA256 of the raw request body
//! under the secret. The encoding is not published, so hex (either case) and base64 (standard or
//! URL-safe, padded or not) are both accepted, as is a `sha256=` prefix; several signatures may
//! be sent separated by commas (during a secret rotation) and one matching is enough. The
//! comparison is constant-time.
//!
//! Verification needs the `webhooks` feature (on by default); the event types decode without it.
//!
//! Sans-IO like the rest of the crate: the clock is passed in.
//!
//! ```
//! # #[cfg(feature = "webhooks")] {
//! use push_core::{WebhookSecret, webhook};
//!
//! let secret = WebhookSecret::new("whsec_a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6").unwrap();
//! let body = br#"{"type":"intent.approved","timestamp":"2026-11-21T12:00:00Z","data":{"id":"intent_1","amount":1450}}"#;
//! let mut headers = http::HeaderMap::new();
//! headers.insert("x-webhook-signature", webhook::sign(&secret, body).parse().unwrap());
//!
//! let now = "2026-11-21T12:01:00Z".parse().unwrap(); // your clock: `chrono::Utc::now()`
//! let event = webhook::verify_and_parse(&secret, &headers, body, now).unwrap();
//! assert_eq!(event.event_type(), "intent.approved");
//! # }
//! ```

use std::time::Duration;

#[cfg(feature = "webhooks")]
use base64::{
    Engine,
    engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD},
};
#[cfg(feature = "webhooks")]
use chrono::TimeDelta;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

#[cfg(feature = "webhooks")]
use crate::WebhookSecret;
use crate::{Currency, DeclineCategory, Direction, IntentId, IntentStatus, IntentType, Rail};

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "x-webhook-signature";
/// How far a webhook's `timestamp` may be from now, either way, by default: 5 minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);
/// The largest body a [`WebhookVerifier`] hashes by default: 1 MiB. Push's intent events are
/// under 1 KiB; anything near this is not one, and hashing 64 MiB is a cheap way to make a
/// receiver work.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// Which check a webhook failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookError {
    /// No `X-Webhook-Signature` header (or not visible ASCII).
    MissingSignature,
    /// The header holds no hex or base64 HMAC-SHA256.
    MalformedSignature,
    /// No signature matches the body under this secret: a wrong secret or a tampered body.
    SignatureMismatch,
    /// The signature matched, but the body is not a webhook event.
    InvalidBody(serde_json::Error),
    /// The timestamp is older than the tolerance: possibly a replay.
    TimestampTooOld {
        /// The event's timestamp.
        timestamp: DateTime<Utc>,
        /// The tolerance.
        tolerance: Duration,
    },
    /// The timestamp is further in the future than the tolerance.
    TimestampInFuture {
        /// The event's timestamp.
        timestamp: DateTime<Utc>,
        /// The tolerance.
        tolerance: Duration,
    },
    /// The body is larger than the verifier takes (refused before hashing).
    BodyTooLarge {
        /// The body's length.
        length: usize,
        /// The verifier's limit.
        limit: usize,
    },
}

impl std::fmt::Display for WebhookError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WebhookError::MissingSignature => f.write_str("missing X-Webhook-Signature header"),
            WebhookError::MalformedSignature => {
                f.write_str("the X-Webhook-Signature header is not a hex or base64 HMAC-SHA256")
            }
            WebhookError::SignatureMismatch => f.write_str(
                "the signature does not match the body (wrong secret, or the body was changed)",
            ),
            WebhookError::InvalidBody(_) => f.write_str("the body is not a webhook event"),
            WebhookError::TimestampTooOld {
                timestamp,
                tolerance,
            } => write!(
                f,
                "the webhook timestamp {timestamp} is more than {tolerance:?} old"
            ),
            WebhookError::TimestampInFuture {
                timestamp,
                tolerance,
            } => write!(
                f,
                "the webhook timestamp {timestamp} is more than {tolerance:?} in the future"
            ),
            WebhookError::BodyTooLarge { length, limit } => write!(
                f,
                "the body is {length} bytes, more than the {limit} this verifier takes"
            ),
        }
    }
}

/// The parser's error is the cause of `InvalidBody` (and not repeated in its message).
impl std::error::Error for WebhookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WebhookError::InvalidBody(err) => Some(err),
            _ => None,
        }
    }
}

/// The `data` of an intent event; every field optional, as the pages publish no required list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IntentEvent {
    /// The intent.
    pub id: IntentId,
    /// Your `tag` from `POST /authorize`.
    #[serde(default)]
    pub tag: Option<String>,
    /// Cash in or cash out.
    #[serde(default)]
    pub direction: Option<Direction>,
    /// In the currency's smallest unit.
    #[serde(default)]
    pub amount: Option<i64>,
    /// The intent's status.
    #[serde(default)]
    pub status: Option<IntentStatus>,
    /// The rail.
    #[serde(default)]
    pub rail: Option<Rail>,
    /// The currency.
    #[serde(default)]
    pub currency: Option<Currency>,
    /// The payment flow type.
    #[serde(default, rename = "type")]
    pub intent_type: Option<IntentType>,
    /// Why it was declined.
    #[serde(default)]
    pub decline_category: Option<DeclineCategory>,
    /// How much of the user's limits is used (on `intent.approved`).
    #[serde(default)]
    pub limits_utilization: Option<LimitsUtilization>,
}

/// The `limits_utilization` of an `intent.approved`: decimal strings with two places
/// (`"5000.00"`), in dollars, decoded exactly.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LimitsUtilization {
    /// Deposits today.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daily_cash_in: Option<DecimalAmount>,
    /// Withdrawals today.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daily_cash_out: Option<DecimalAmount>,
    /// Deposits this month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_cash_in: Option<DecimalAmount>,
    /// Withdrawals this month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_cash_out: Option<DecimalAmount>,
}

/// A decimal amount as Push writes it in webhooks (`"5000.00"`), held exactly: digits and a
/// scale, never a float. A JSON number is accepted too (read from its shortest decimal form).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DecimalAmount {
    digits: i64,
    scale: u8,
}

impl DecimalAmount {
    /// The most digits after the point this type holds.
    pub const MAX_SCALE: u8 = 18;

    /// `digits` × 10^-`scale` (`DecimalAmount::new(500000, 2)` is `5000.00`); `None` past
    /// [`Self::MAX_SCALE`].
    pub fn new(digits: i64, scale: u8) -> Option<Self> {
        (scale <= Self::MAX_SCALE).then_some(Self { digits, scale })
    }

    /// The amount in cents (`"5000.00"` is 500000), when it is a whole number of cents and fits.
    pub fn cents(&self) -> Option<i64> {
        if self.scale <= 2 {
            self.digits
                .checked_mul(10i64.pow(u32::from(2 - self.scale)))
        } else {
            let divisor = 10i64.checked_pow(u32::from(self.scale - 2))?;
            (self.digits % divisor == 0).then(|| self.digits / divisor)
        }
    }

    /// Parses `-?digits(.digits)?`; refuses anything else, and more than 18 significant digits.
    pub fn parse(text: &str) -> Option<Self> {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !all_digits(whole)
            || !all_digits(fraction)
            || (unsigned.contains('.') && fraction.is_empty())
        {
            return None;
        }
        let scale = u8::try_from(fraction.len())
            .ok()
            .filter(|s| *s <= Self::MAX_SCALE)?;
        // Accumulated with the sign, so that `i64::MIN` (what `-9223372036854775808` is) fits.
        let digits = whole
            .bytes()
            .chain(fraction.bytes())
            .try_fold(0i64, |n, d| {
                let d = i64::from(d - b'0');
                let n = n.checked_mul(10)?;
                if negative {
                    n.checked_sub(d)
                } else {
                    n.checked_add(d)
                }
            })?;
        Some(Self { digits, scale })
    }
}

impl std::fmt::Display for DecimalAmount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.digits < 0 { "-" } else { "" };
        let magnitude = self.digits.unsigned_abs().to_string();
        let scale = usize::from(self.scale);
        if scale == 0 {
            return write!(f, "{sign}{magnitude}");
        }
        let padded = format!("{magnitude:0>width$}", width = scale + 1);
        let (whole, fraction) = padded.split_at(padded.len() - scale);
        write!(f, "{sign}{whole}.{fraction}")
    }
}

impl Serialize for DecimalAmount {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DecimalAmount {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = DecimalAmount;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a decimal amount such as \"5000.00\"")
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<DecimalAmount, E> {
                DecimalAmount::parse(value)
                    .ok_or_else(|| E::custom(format_args!("`{value}` is not a decimal amount")))
            }
            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<DecimalAmount, E> {
                Ok(DecimalAmount {
                    digits: value,
                    scale: 0,
                })
            }
            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<DecimalAmount, E> {
                i64::try_from(value)
                    .map(|digits| DecimalAmount { digits, scale: 0 })
                    .map_err(|_| E::custom("the amount is too large"))
            }
            fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<DecimalAmount, E> {
                // The shortest decimal that reads back as `value`: what the sender wrote.
                self.visit_str(&value.to_string())
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A verified webhook.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum WebhookEvent {
    /// `intent.approved`.
    IntentApproved {
        /// When Push sent it.
        timestamp: DateTime<Utc>,
        /// The intent.
        data: IntentEvent,
    },
    /// `intent.declined`.
    IntentDeclined {
        /// When Push sent it.
        timestamp: DateTime<Utc>,
        /// The intent.
        data: IntentEvent,
    },
    /// `intent.settled`: only in the legacy (2024) pages; the current ones send no settlement
    /// event, and settlement is read from the ledger (`GET /transaction/list`,
    /// `GET /transfer/list`). Still decoded, should it come.
    IntentSettled {
        /// When Push sent it.
        timestamp: DateTime<Utc>,
        /// The intent.
        data: IntentEvent,
    },
    /// A type this SDK does not know, with its `data` as received.
    Unknown {
        /// The `type` as received.
        event_type: String,
        /// When Push sent it.
        timestamp: DateTime<Utc>,
        /// The raw `data` JSON.
        data: Box<RawValue>,
    },
}

impl PartialEq for WebhookEvent {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (
                WebhookEvent::Unknown {
                    event_type: a,
                    timestamp: at,
                    data: ad,
                },
                WebhookEvent::Unknown {
                    event_type: b,
                    timestamp: bt,
                    data: bd,
                },
            ) => a == b && at == bt && ad.get() == bd.get(),
            (a, b) => {
                a.event_type() == b.event_type()
                    && a.timestamp() == b.timestamp()
                    && a.intent() == b.intent()
            }
        }
    }
}

impl WebhookEvent {
    /// The `type`, as sent.
    pub fn event_type(&self) -> &str {
        match self {
            WebhookEvent::IntentApproved { .. } => "intent.approved",
            WebhookEvent::IntentDeclined { .. } => "intent.declined",
            WebhookEvent::IntentSettled { .. } => "intent.settled",
            WebhookEvent::Unknown { event_type, .. } => event_type,
        }
    }

    /// When Push sent it.
    pub fn timestamp(&self) -> DateTime<Utc> {
        match self {
            WebhookEvent::IntentApproved { timestamp, .. }
            | WebhookEvent::IntentDeclined { timestamp, .. }
            | WebhookEvent::IntentSettled { timestamp, .. }
            | WebhookEvent::Unknown { timestamp, .. } => *timestamp,
        }
    }

    /// The intent, for the known intent events.
    pub fn intent(&self) -> Option<&IntentEvent> {
        match self {
            WebhookEvent::IntentApproved { data, .. }
            | WebhookEvent::IntentDeclined { data, .. }
            | WebhookEvent::IntentSettled { data, .. } => Some(data),
            WebhookEvent::Unknown { .. } => None,
        }
    }

    /// Decodes a body (already verified). Unknown types keep their raw `data`.
    pub fn from_json(body: &[u8]) -> Result<Self, WebhookError> {
        #[derive(Deserialize)]
        struct Envelope<'a> {
            #[serde(rename = "type")]
            event_type: String,
            #[serde(borrow)]
            data: &'a RawValue,
            timestamp: DateTime<Utc>,
        }
        let envelope: Envelope<'_> =
            serde_json::from_slice(body).map_err(WebhookError::InvalidBody)?;
        let intent = || {
            serde_json::from_str::<IntentEvent>(envelope.data.get())
                .map_err(WebhookError::InvalidBody)
        };
        let timestamp = envelope.timestamp;
        Ok(match envelope.event_type.as_str() {
            "intent.approved" => WebhookEvent::IntentApproved {
                timestamp,
                data: intent()?,
            },
            "intent.declined" => WebhookEvent::IntentDeclined {
                timestamp,
                data: intent()?,
            },
            "intent.settled" => WebhookEvent::IntentSettled {
                timestamp,
                data: intent()?,
            },
            _ => {
                // A verified event decodes whole or is refused: `data` too deep for the JSON
                // parser (nesting past 128) would otherwise come out of `to_json` as null.
                serde_json::from_str::<serde_json::Value>(envelope.data.get())
                    .map_err(WebhookError::InvalidBody)?;
                WebhookEvent::Unknown {
                    timestamp,
                    data: envelope.data.to_owned(),
                    event_type: envelope.event_type,
                }
            }
        })
    }

    /// The event as JSON, in the shape Push sends.
    pub fn to_json(&self) -> serde_json::Value {
        let data = match self {
            WebhookEvent::Unknown { data, .. } => {
                serde_json::from_str(data.get()).unwrap_or(serde_json::Value::Null)
            }
            other => serde_json::to_value(other.intent()).unwrap_or(serde_json::Value::Null),
        };
        serde_json::json!({
            "type": self.event_type(),
            "timestamp": self.timestamp(),
            "data": data,
        })
    }
}

/// The signature Push sends for `body`: lowercase hex HMAC-SHA256. For tests and emulators.
#[cfg(feature = "webhooks")]
pub fn sign(secret: &WebhookSecret, body: &[u8]) -> String {
    hex(&hmac_sha256::HMAC::mac(body, secret.expose().as_bytes()))
}

/// Lowercase hex (signatures, idempotency keys): a crate for this would be one more to build.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

/// 64 hex digits (either case) as 32 bytes.
#[cfg(feature = "webhooks")]
fn unhex(text: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| char::from(c).to_digit(16);
    text.as_bytes()
        .chunks(2)
        .map(|pair| match pair {
            [high, low] => Some((digit(*high)? * 16 + digit(*low)?) as u8),
            _ => None,
        })
        .collect()
}

/// One candidate signature, decoded to its 32 bytes.
#[cfg(feature = "webhooks")]
fn decode_signature(candidate: &str) -> Option<Vec<u8>> {
    let candidate = candidate.trim();
    let candidate = candidate.strip_prefix("sha256=").unwrap_or(candidate);
    if candidate.len() == 64
        && let Some(bytes) = unhex(candidate)
    {
        return Some(bytes);
    }
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(candidate).ok())
        .filter(|bytes| bytes.len() == 32)
}

/// Verifies webhooks against one secret, with a timestamp tolerance.
///
/// ```
/// use push_core::{WebhookEvent, WebhookSecret, WebhookVerifier, http::HeaderMap, webhook};
///
/// let secret = WebhookSecret::new("whsec_0123456789abcdef0123456789abcdef")?;
/// let verifier = WebhookVerifier::new(secret.clone());
/// let body = format!(
///     r#"{{"type":"intent.approved","timestamp":"{}","data":{{"id":"intent_1","amount":100}}}}"#,
///     chrono::Utc::now().to_rfc3339()
/// );
/// let mut headers = HeaderMap::new();
/// headers.insert(webhook::SIGNATURE_HEADER, webhook::sign(&secret, body.as_bytes()).parse()?);
/// // The raw bytes, before any JSON parsing: the signature covers them.
/// match verifier.verify_and_parse(&headers, body.as_bytes(), chrono::Utc::now())? {
///     WebhookEvent::IntentApproved { data, .. } => assert_eq!(data.id.as_str(), "intent_1"),
///     other => panic!("{}", other.event_type()),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "webhooks")]
#[derive(Debug, Clone)]
pub struct WebhookVerifier {
    secret: WebhookSecret,
    tolerance: Duration,
    max_body_bytes: usize,
}

#[cfg(feature = "webhooks")]
impl WebhookVerifier {
    /// A verifier with the default 5-minute tolerance.
    pub fn new(secret: WebhookSecret) -> Self {
        Self {
            secret,
            tolerance: DEFAULT_TOLERANCE,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// The largest body verified (default [`DEFAULT_MAX_BODY_BYTES`]); a larger one is
    /// refused before it is hashed. Read no more than this plus one byte off the wire.
    pub fn with_max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// The largest body verified.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// How far the event's timestamp may be from `now`, either way.
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Checks the signature over the raw body only.
    pub fn verify_signature(
        &self,
        headers: &http::HeaderMap,
        raw_body: &[u8],
    ) -> Result<(), WebhookError> {
        if raw_body.len() > self.max_body_bytes {
            return Err(WebhookError::BodyTooLarge {
                length: raw_body.len(),
                limit: self.max_body_bytes,
            });
        }
        let header = headers
            .get_all(SIGNATURE_HEADER)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .collect::<Vec<_>>();
        if header.is_empty() {
            return Err(WebhookError::MissingSignature);
        }
        let candidates: Vec<Vec<u8>> = header
            .iter()
            .flat_map(|value| value.split(','))
            .filter_map(decode_signature)
            .collect();
        if candidates.is_empty() {
            return Err(WebhookError::MalformedSignature);
        }
        let mut mac = hmac_sha256::HMAC::new(self.secret.expose().as_bytes());
        mac.update(raw_body);
        let expected = mac.finalize();
        // Every candidate is checked in constant time against the same MAC.
        let matched = candidates.iter().fold(false, |matched, candidate| {
            constant_time_eq(&expected, candidate) | matched
        });
        if matched {
            Ok(())
        } else {
            Err(WebhookError::SignatureMismatch)
        }
    }

    /// Verifies the signature over the raw bytes, decodes the event, and checks its timestamp
    /// is within the tolerance of `now`, in that order.
    pub fn verify_and_parse(
        &self,
        headers: &http::HeaderMap,
        raw_body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<WebhookEvent, WebhookError> {
        self.verify_signature(headers, raw_body)?;
        let event = WebhookEvent::from_json(raw_body)?;
        let timestamp = event.timestamp();
        // A tolerance past what a timestamp can hold means "no bound" on that side.
        let tolerance = TimeDelta::from_std(self.tolerance).unwrap_or(TimeDelta::MAX);
        if now
            .checked_sub_signed(tolerance)
            .is_some_and(|earliest| timestamp < earliest)
        {
            return Err(WebhookError::TimestampTooOld {
                timestamp,
                tolerance: self.tolerance,
            });
        }
        if now
            .checked_add_signed(tolerance)
            .is_some_and(|latest| timestamp > latest)
        {
            return Err(WebhookError::TimestampInFuture {
                timestamp,
                tolerance: self.tolerance,
            });
        }
        Ok(event)
    }
}

/// Equal in time that depends on the lengths only, never on where the bytes differ (`subtle`,
/// the crate made for this, rather than a loop the optimiser may shortcut).
#[cfg(feature = "webhooks")]
fn constant_time_eq(expected: &[u8; 32], candidate: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    candidate.len() == expected.len() && bool::from(expected[..].ct_eq(candidate))
}

/// [`WebhookVerifier::verify_and_parse`] with the default 5-minute tolerance.
#[cfg(feature = "webhooks")]
pub fn verify_and_parse(
    secret: &WebhookSecret,
    headers: &http::HeaderMap,
    raw_body: &[u8],
    now: DateTime<Utc>,
) -> Result<WebhookEvent, WebhookError> {
    WebhookVerifier::new(secret.clone()).verify_and_parse(headers, raw_body, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "webhooks")]
    const SECRET: &str = "whsec_a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6";

    #[cfg(feature = "webhooks")]
    fn secret() -> WebhookSecret {
        WebhookSecret::new(SECRET).unwrap()
    }

    #[cfg(feature = "webhooks")]
    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[cfg(feature = "webhooks")]
    const BODY: &str = r#"{"type":"intent.approved","data":{"id":"intent_sandbox_1","tag":"tx_1","direction":"cash_in","amount":1450,"status":"approved","rail":"card","currency":"USD","type":"push","decline_category":null,"limits_utilization":{"daily_cash_in":"5000.00","daily_cash_out":"0.00","monthly_cash_in":5000.5,"monthly_cash_out":12}},"timestamp":"2026-11-21T12:00:00Z"}"#;

    #[cfg(feature = "webhooks")]
    fn headers(signature: &str) -> http::HeaderMap {
        let mut headers = http::HeaderMap::new();
        headers.insert(SIGNATURE_HEADER, signature.parse().unwrap());
        headers
    }

    #[test]
    #[cfg(feature = "webhooks")]
    fn a_signed_event_verifies_and_decodes() {
        let signature = sign(&secret(), BODY.as_bytes());
        let event = verify_and_parse(
            &secret(),
            &headers(&signature),
            BODY.as_bytes(),
            at("2026-11-21T12:03:00Z"),
        )
        .unwrap();
        let WebhookEvent::IntentApproved { data, timestamp } = &event else {
            panic!("{event:?}")
        };
        assert_eq!(*timestamp, at("2026-11-21T12:00:00Z"));
        assert_eq!(data.id, "intent_sandbox_1");
        assert_eq!(data.tag.as_deref(), Some("tx_1"));
        assert_eq!(data.amount, Some(1450));
        assert_eq!(data.intent_type, Some(IntentType::Push));
        let limits = data.limits_utilization.as_ref().unwrap();
        assert_eq!(limits.daily_cash_in.unwrap().cents(), Some(500_000));
        assert_eq!(limits.daily_cash_out.unwrap().cents(), Some(0));
        assert_eq!(limits.monthly_cash_in.unwrap().cents(), Some(500_050));
        assert_eq!(limits.monthly_cash_out.unwrap().cents(), Some(1200));
        assert_eq!(event.to_json()["data"]["amount"], 1450);
        assert_eq!(
            event.to_json()["data"]["limits_utilization"]["daily_cash_in"],
            "5000.00"
        );
    }

    #[test]
    fn decimal_amounts_are_exact() {
        for (text, cents, shown) in [
            ("5000.00", Some(500_000), "5000.00"),
            ("0.00", Some(0), "0.00"),
            ("0.05", Some(5), "0.05"),
            ("-12.5", Some(-1250), "-12.5"),
            ("7", Some(700), "7"),
            ("0.001", None, "0.001"),
            ("1.230", Some(123), "1.230"),
            (
                "92233720368547758.07",
                Some(i64::MAX),
                "92233720368547758.07",
            ),
            ("922337203685477580", None, "922337203685477580"),
            ("-9223372036854775808", None, "-9223372036854775808"),
            ("-0.00", Some(0), "0.00"),
        ] {
            let amount = DecimalAmount::parse(text).unwrap();
            assert_eq!(amount.cents(), cents, "{text}");
            assert_eq!(amount.to_string(), shown, "{text}");
        }
        for bad in [
            "",
            "-",
            ".5",
            "5.",
            "1,00",
            "1e3",
            "+1",
            "9223372036854775808",
            "1.2.3",
        ] {
            assert_eq!(DecimalAmount::parse(bad), None, "{bad}");
        }
        let err =
            serde_json::from_str::<LimitsUtilization>(r#"{"daily_cash_out":"x"}"#).unwrap_err();
        assert!(
            err.to_string().contains("`x` is not a decimal amount"),
            "{err}"
        );
        let limits: LimitsUtilization = serde_json::from_str(r#"{"daily_cash_in":0.1}"#).unwrap();
        assert_eq!(limits.daily_cash_in.unwrap().to_string(), "0.1");
        assert_eq!(limits.daily_cash_in.unwrap().cents(), Some(10));
    }

    #[test]
    #[cfg(feature = "webhooks")]
    fn sign_is_hmac_sha256_in_lowercase_hex() {
        // Expected value from Python's `hmac` module, an implementation of its own.
        assert_eq!(
            sign(&secret(), b"what do ya want for nothing?"),
            "b2ad115f86ee383c39c07c2430ef3a9aac49477b18ccaa0f0a6e255a7e79f810"
        );
    }

    #[test]
    #[cfg(feature = "webhooks")]
    fn every_encoding_of_the_signature_is_accepted() {
        let raw = hmac_sha256::HMAC::mac(BODY.as_bytes(), SECRET.as_bytes());
        let now = at("2026-11-21T12:00:00Z");
        for signature in [
            hex(&raw),
            hex(&raw).to_uppercase(),
            format!("sha256={}", hex(&raw)),
            STANDARD.encode(raw),
            STANDARD_NO_PAD.encode(raw),
            URL_SAFE_NO_PAD.encode(raw),
            format!("{}, {}", "0".repeat(64), hex(&raw)),
        ] {
            assert!(
                verify_and_parse(&secret(), &headers(&signature), BODY.as_bytes(), now).is_ok(),
                "{signature}"
            );
        }
    }

    #[test]
    #[cfg(feature = "webhooks")]
    fn each_failed_check_says_which() {
        let now = at("2026-11-21T12:00:00Z");
        let good = sign(&secret(), BODY.as_bytes());
        let tampered = BODY.replace("1450", "9450");
        let other = WebhookSecret::new("whsec_another_secret_of_32_chars_or_more").unwrap();
        type Is = fn(&WebhookError) -> bool;
        let cases: Vec<(Result<WebhookEvent, WebhookError>, Is)> = vec![
            (
                verify_and_parse(&secret(), &http::HeaderMap::new(), BODY.as_bytes(), now),
                |e| matches!(e, WebhookError::MissingSignature),
            ),
            (
                verify_and_parse(
                    &secret(),
                    &headers("not-a-signature!"),
                    BODY.as_bytes(),
                    now,
                ),
                |e| matches!(e, WebhookError::MalformedSignature),
            ),
            (
                verify_and_parse(&secret(), &headers(&good), tampered.as_bytes(), now),
                |e| matches!(e, WebhookError::SignatureMismatch),
            ),
            (
                verify_and_parse(&other, &headers(&good), BODY.as_bytes(), now),
                |e| matches!(e, WebhookError::SignatureMismatch),
            ),
            (
                verify_and_parse(
                    &secret(),
                    &headers(&good),
                    BODY.as_bytes(),
                    at("2026-11-21T12:05:01Z"),
                ),
                |e| matches!(e, WebhookError::TimestampTooOld { .. }),
            ),
            (
                verify_and_parse(
                    &secret(),
                    &headers(&good),
                    BODY.as_bytes(),
                    at("2026-11-21T11:54:59Z"),
                ),
                |e| matches!(e, WebhookError::TimestampInFuture { .. }),
            ),
        ];
        for (i, (result, is)) in cases.into_iter().enumerate() {
            let err = result.unwrap_err();
            assert!(is(&err), "case {i}: {err:?}");
        }
        let edge = verify_and_parse(
            &secret(),
            &headers(&good),
            BODY.as_bytes(),
            at("2026-11-21T12:05:00Z"),
        );
        assert!(edge.is_ok(), "exactly the tolerance is accepted");
        let strict = WebhookVerifier::new(secret()).with_tolerance(Duration::from_secs(10));
        assert!(
            strict
                .verify_and_parse(&headers(&good), BODY.as_bytes(), at("2026-11-21T12:00:11Z"))
                .is_err()
        );
        let not_json = b"not json";
        let err = verify_and_parse(
            &secret(),
            &headers(&sign(&secret(), not_json)),
            not_json,
            now,
        )
        .unwrap_err();
        assert!(matches!(err, WebhookError::InvalidBody(_)));
    }

    /// Regression (issue 22 D20): a correctly signed event whose `data` nested past 128 levels
    /// verified, and printed `"data":null`. It is refused; bodies past the cap are refused
    /// before hashing.
    #[cfg(feature = "webhooks")]
    #[test]
    fn a_verified_event_decodes_whole_or_is_refused() {
        let deep = format!(
            r#"{{"type":"intent.refunded","timestamp":"2026-11-21T12:00:00Z","data":{}1{}}}"#,
            "[".repeat(200),
            "]".repeat(200)
        );
        let mut headers = http::HeaderMap::new();
        headers.insert(
            SIGNATURE_HEADER,
            sign(&secret(), deep.as_bytes()).parse().unwrap(),
        );
        let verifier = WebhookVerifier::new(secret());
        let now = at("2026-11-21T12:00:00Z");
        let err = verifier
            .verify_and_parse(&headers, deep.as_bytes(), now)
            .unwrap_err();
        assert!(matches!(err, WebhookError::InvalidBody(_)), "{err}");
        // Shallow enough, the same event decodes with its data.
        let shallow = deep
            .replace(&"[".repeat(200), &"[".repeat(100))
            .replace(&"]".repeat(200), &"]".repeat(100));
        headers.insert(
            SIGNATURE_HEADER,
            sign(&secret(), shallow.as_bytes()).parse().unwrap(),
        );
        let event = verifier
            .verify_and_parse(&headers, shallow.as_bytes(), now)
            .unwrap();
        assert!(!event.to_json()["data"].is_null());
        // The cap: refused before hashing, whatever the signature.
        let small = WebhookVerifier::new(secret()).with_max_body_bytes(64);
        let err = small
            .verify_signature(&headers, shallow.as_bytes())
            .unwrap_err();
        assert!(
            matches!(err, WebhookError::BodyTooLarge { limit: 64, .. }),
            "{err}"
        );
        assert_eq!(
            WebhookVerifier::new(secret()).max_body_bytes(),
            DEFAULT_MAX_BODY_BYTES
        );
    }

    #[test]
    fn unknown_types_keep_their_raw_data() {
        let body = r#"{"type":"intent.refunded","data":{"id":"intent_1","refund":{"amount":5}},"timestamp":"2026-11-21T12:00:00Z"}"#;
        let event = WebhookEvent::from_json(body.as_bytes()).unwrap();
        let WebhookEvent::Unknown {
            event_type, data, ..
        } = &event
        else {
            panic!("{event:?}")
        };
        assert_eq!(event_type, "intent.refunded");
        assert_eq!(data.get(), r#"{"id":"intent_1","refund":{"amount":5}}"#);
        assert_eq!(event.intent(), None);
        assert_eq!(event.to_json()["data"]["refund"]["amount"], 5);
    }

    #[test]
    #[cfg(feature = "webhooks")]
    fn errors_never_show_the_secret() {
        let err = verify_and_parse(
            &secret(),
            &headers(&"0".repeat(64)),
            BODY.as_bytes(),
            at("2026-11-21T12:00:00Z"),
        )
        .unwrap_err();
        assert!(!format!("{err} {err:?}").contains("a1b2c3"));
    }

    /// Regression: `with_tolerance(Duration::MAX)` overflowed the timestamp arithmetic.
    #[test]
    #[cfg(feature = "webhooks")]
    fn the_largest_tolerance_accepts_any_time_instead_of_panicking() {
        let body = BODY.as_bytes();
        let headers = headers(&sign(&secret(), body));
        let verifier = WebhookVerifier::new(secret()).with_tolerance(Duration::MAX);
        for now in [
            at("2026-11-21T12:00:00Z"),
            DateTime::<Utc>::MAX_UTC,
            DateTime::<Utc>::MIN_UTC,
        ] {
            assert!(
                verifier.verify_and_parse(&headers, body, now).is_ok(),
                "{now}"
            );
        }
        let strict = WebhookVerifier::new(secret()).with_tolerance(Duration::from_secs(1));
        assert!(matches!(
            strict.verify_and_parse(&headers, body, DateTime::<Utc>::MAX_UTC),
            Err(WebhookError::TimestampTooOld { .. })
        ));
    }
}
