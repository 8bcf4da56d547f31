//! One error type for every way a call can fail. Outcomes (a declined payment, say) are values,
//! not errors: see [`crate::AuthorizeOutcome`].

use std::{borrow::Cow, fmt, time::Duration};

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

use crate::{Cursor, IdempotencyKey, Response, TransportError, TransportErrorKind, retry};

/// Everything that can go wrong with a call.
///
/// Every variant that saw a response keeps its status, headers and raw body; every variant
/// raised by a `POST /intent` keeps the idempotency key, so the caller can retry with it.
///
/// What to do next is [`Error::retry_hint`]; `docs/errors.md` has the whole table.
///
/// ```
/// use push_core::{Error, RetryHint, ValidationError};
///
/// fn next_step(err: &Error) -> &'static str {
///     match err.retry_hint() {
///         RetryHint::Safe => "retry as is",
///         RetryHint::WithSameKey => "resend the same operation: its key makes it exactly once",
///         RetryHint::CheckFirst => "look the payment up before anything else",
///         RetryHint::Never => "fix the request (or the token) first",
///         _ => "read the error",
///     }
/// }
/// let refused: Error = ValidationError::new("amount", "must be greater than 0 (got 0)").into();
/// assert_eq!(next_step(&refused), "fix the request (or the token) first");
/// assert_eq!(refused.to_string(), "amount: must be greater than 0 (got 0)");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The input was refused before anything was sent.
    Validation(ValidationError),
    /// 401 without a decline body: the API token was refused.
    Authentication(Box<ApiError>),
    /// 403: on writes this often means the caller's IP address is not allow-listed with Push.
    Forbidden(Box<ApiError>),
    /// 404.
    NotFound(Box<ApiError>),
    /// 429; see [`ApiError::rate_limit`] and [`ApiError::retry_after`].
    RateLimited(Box<ApiError>),
    /// Any other non-success status.
    Api(Box<ApiError>),
    /// A response that could not be decoded; names the JSON path and keeps the raw body.
    Decode(Box<DecodeError>),
    /// The request could not be completed; says whether it may have reached the server.
    Transport(Box<TransportError>),
    /// The request timed out; says whether it may have reached the server.
    Timeout(Box<TransportError>),
    /// Pagination could not go on safely.
    Pagination(PaginationError),
    /// The client's own rate limiter had no slot for the call before its deadline, so it was
    /// not sent (this attempt; an earlier one may have been: see
    /// [`Error::is_outcome_unknown`]). Says when the slot opens.
    RateLimitedLocally(Box<LocalRateLimit>),
    /// The write-ahead journal refused the call or could not be written (nothing was sent),
    /// or holds the call in doubt (see [`JournalFailure::outcome_unknown`]).
    Journal(Box<JournalFailure>),
}

/// See [`Error::Journal`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct JournalFailure {
    /// The call's reference, when it had one.
    pub reference: Option<String>,
    /// The entry's state (`needs_review`, `unknown`, `expired`, ...), when the journal holds
    /// one.
    pub state: Option<String>,
    /// What happened.
    pub message: String,
    /// The journal holds the call in doubt: an earlier attempt may have been acted on. Run
    /// recovery (`client.recover()`, `push recover`), or decide by hand from the entry.
    pub outcome_unknown: bool,
    /// The journal refused the call as given (its reference holds another request): the
    /// caller's mistake, nothing sent.
    pub refused: bool,
}

impl JournalFailure {
    /// A failure of the journal itself (it cannot be opened, read or written).
    pub fn storage(reference: Option<String>, message: impl Into<String>) -> Self {
        Self {
            reference,
            state: None,
            message: message.into(),
            outcome_unknown: false,
            refused: false,
        }
    }

    /// The journal refused the call as given (see [`JournalFailure::refused`]).
    pub fn refused(reference: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            refused: true,
            ..Self::storage(Some(reference.into()), message)
        }
    }

    /// The journal holds `reference` in `state`, which the call cannot answer from.
    pub fn entry(
        reference: impl Into<String>,
        state: impl Into<String>,
        message: impl Into<String>,
        outcome_unknown: bool,
    ) -> Self {
        Self {
            reference: Some(reference.into()),
            state: Some(state.into()),
            message: message.into(),
            outcome_unknown,
            refused: false,
        }
    }
}

impl fmt::Display for JournalFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.outcome_unknown {
            f.write_str("outcome unknown, the request may have been acted on: ")?;
        }
        write!(f, "journal: {}", self.message)?;
        if let Some(reference) = &self.reference {
            write!(f, " (reference `{reference}`")?;
            if let Some(state) = &self.state {
                write!(f, ", {state}")?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// See [`Error::RateLimitedLocally`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LocalRateLimit {
    /// The bucket that is full.
    pub class: crate::rate_limit::RateClass,
    /// How long until its next slot opens; `None`: not within any time the clock can tell
    /// (a window of `Duration::MAX`).
    pub next_slot_in: Option<Duration>,
    /// What was left of the call's deadline.
    pub deadline_left: Duration,
    /// The call's idempotency key, for a retry.
    pub idempotency_key: Option<IdempotencyKey>,
    /// See [`Error::is_outcome_unknown`].
    pub outcome_unknown: bool,
}

impl fmt::Display for LocalRateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bucket = match self.class {
            crate::rate_limit::RateClass::Create => "create",
            _ => "read",
        };
        write!(
            f,
            "rate limited by the client: the next {bucket} slot opens "
        )?;
        match self.next_slot_in {
            Some(wait) => write!(f, "in {:.1} s", wait.as_secs_f64())?,
            None => f.write_str("never within this window")?,
        }
        write!(
            f,
            ", after the call's deadline ({:.1} s left); not sent (wait for it with \
             `wait_for_rate_limit`, or retry later)",
            self.deadline_left.as_secs_f64()
        )
    }
}

/// An error whose outcome is unknown says so first, whatever its kind: a reader who stops at
/// `rate limited` must not take it for "nothing happened".
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_outcome_unknown() {
            f.write_str(OUTCOME_UNKNOWN)?;
            f.write_str(": ")?;
        }
        match self {
            Error::Validation(err) => fmt::Display::fmt(err, f),
            Error::Authentication(err) => write!(f, "authentication failed: {err}"),
            Error::Forbidden(err) => write!(
                f,
                "forbidden: {err} (is this machine's IP address allow-listed with Push?)"
            ),
            Error::NotFound(err) => write!(f, "not found: {err}"),
            Error::RateLimited(err) => write!(f, "rate limited: {err}"),
            Error::Api(err) => write!(f, "api error: {err}"),
            Error::Decode(err) => fmt::Display::fmt(err, f),
            Error::Transport(err) | Error::Timeout(err) => fmt::Display::fmt(err, f),
            Error::Pagination(err) => fmt::Display::fmt(err, f),
            Error::RateLimitedLocally(err) => fmt::Display::fmt(err, f),
            Error::Journal(err) => fmt::Display::fmt(err, f),
        }
    }
}

/// The wrapped errors are transparent: their message is this one, their cause this one's.
impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Validation(err) => err.source(),
            Error::Decode(err) => err.source(),
            Error::Transport(err) | Error::Timeout(err) => err.source(),
            Error::Pagination(err) => err.source(),
            Error::Authentication(_)
            | Error::Forbidden(_)
            | Error::NotFound(_)
            | Error::RateLimited(_)
            | Error::Api(_)
            | Error::RateLimitedLocally(_)
            | Error::Journal(_) => None,
        }
    }
}

impl From<ValidationError> for Error {
    fn from(err: ValidationError) -> Self {
        Error::Validation(err)
    }
}

/// What a caller may do after an [`Error`]: [`Error::retry_hint`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryHint {
    /// Nothing was acted on (or the call only read): retrying is safe, after
    /// [`Error::retry_after`] when it says.
    Safe,
    /// The outcome is unknown, and Push deduplicates the call: retry it with the same
    /// idempotency key ([`Error::idempotency_key`]) and get the first answer, never a second
    /// payment.
    WithSameKey,
    /// The outcome is unknown and Push cannot deduplicate the call (a credential authorize, a
    /// transition): check what happened first (read the intent, list intents since the call
    /// began, or run the journal's recovery), then decide.
    CheckFirst,
    /// Retrying the same call fails the same way: fix the input, the credentials or the state
    /// first.
    Never,
}

impl Error {
    /// The request id the server gave its answer (`X-Request-Id` and the usual gateway
    /// headers), for a support ticket; `None` when no answer carried one.
    pub fn request_id(&self) -> Option<&str> {
        self.api_error().and_then(|err| err.request_id.as_deref())
    }

    /// What the caller may do now: retry as is, retry with the same key, check first, or not
    /// retry at all. The table is in `docs/errors.md`.
    pub fn retry_hint(&self) -> RetryHint {
        if self.is_outcome_unknown() {
            return if self.idempotency_key().is_some() {
                RetryHint::WithSameKey
            } else {
                RetryHint::CheckFirst
            };
        }
        match self {
            Error::Validation(_) | Error::Pagination(_) => RetryHint::Never,
            Error::Journal(err) if err.refused => RetryHint::Never,
            Error::Journal(_) => RetryHint::Safe,
            Error::Transport(_) | Error::Timeout(_) | Error::Decode(_) => RetryHint::Safe,
            Error::RateLimited(_) | Error::RateLimitedLocally(_) => RetryHint::Safe,
            Error::Authentication(_) | Error::Forbidden(_) | Error::NotFound(_) => RetryHint::Never,
            Error::Api(err) => match err.status.as_u16() {
                408 | 425 | 500..=599 => RetryHint::Safe,
                _ => RetryHint::Never,
            },
        }
    }

    /// The response status, where there was a response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Decode(err) => err.status,
            other => other.api_error().map(|err| err.status),
        }
    }

    /// The API error details, for the status variants.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Authentication(err)
            | Error::Forbidden(err)
            | Error::NotFound(err)
            | Error::RateLimited(err)
            | Error::Api(err) => Some(err),
            _ => None,
        }
    }

    /// The idempotency key the failed call carried: retry with it to get the original result.
    pub fn idempotency_key(&self) -> Option<&IdempotencyKey> {
        match self {
            Error::Decode(err) => err.idempotency_key.as_ref(),
            Error::Transport(err) | Error::Timeout(err) => err.idempotency_key.as_ref(),
            Error::RateLimitedLocally(err) => err.idempotency_key.as_ref(),
            other => other
                .api_error()
                .and_then(|err| err.idempotency_key.as_ref()),
        }
    }

    /// Rate limited, by Push (429) or by the client's own limiter before sending.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::RateLimited(_) | Error::RateLimitedLocally(_))
    }

    /// How long to wait before trying again, where the error says: Push's `Retry-After`
    /// (or `X-RateLimit-Reset`), or when the client's limiter opens its next slot.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimitedLocally(err) => err.next_slot_in,
            other => other.api_error().and_then(ApiError::retry_after),
        }
    }

    /// The raw response body, where there was a response.
    pub fn body(&self) -> Option<&Bytes> {
        match self {
            Error::Decode(err) => Some(&err.body),
            other => other.api_error().map(|err| &err.body),
        }
    }

    /// False only when the request provably never left this machine (or was never built).
    pub fn may_have_reached_server(&self) -> bool {
        match self {
            Error::Validation(_) => false,
            Error::RateLimitedLocally(err) => err.outcome_unknown,
            Error::Journal(err) => err.outcome_unknown,
            Error::Transport(err) | Error::Timeout(err) => err.may_have_reached_server,
            _ => true,
        }
    }

    /// **The request may have been acted on, and its outcome is unknown.** True only for writes
    /// (a payment, an intent, a transition) when the last attempt or an earlier one ended without
    /// a definitive answer: the connection dropped after the request was written, a timeout after
    /// sending, a 5xx, or a success whose body could not be read.
    ///
    /// Never treat such an error as "it failed": the payment may have gone through. Check first
    /// (`get_intent`, or `list_intents` since the call began), or retry a `POST /intent` with
    /// [`Error::idempotency_key`], which Push deduplicates. Reads never set it.
    pub fn is_outcome_unknown(&self) -> bool {
        match self {
            Error::Decode(err) => err.outcome_unknown,
            Error::Transport(err) | Error::Timeout(err) => err.outcome_unknown,
            Error::RateLimitedLocally(err) => err.outcome_unknown,
            Error::Journal(err) => err.outcome_unknown,
            other => other.api_error().is_some_and(|err| err.outcome_unknown),
        }
    }

    /// Whether this failure, on its own, leaves a write's effect unknown (see
    /// [`Error::is_outcome_unknown`] for the whole call).
    pub(crate) fn leaves_effect_unknown(&self) -> bool {
        match self {
            Error::Decode(_) => true,
            Error::Transport(err) | Error::Timeout(err) => err.may_have_reached_server,
            Error::RateLimitedLocally(_) | Error::Journal(_) => false,
            other => other.status().is_some_and(status_leaves_effect_unknown),
        }
    }

    /// Stamps what the call knows: its idempotency key, and whether the outcome is unknown.
    pub(crate) fn with_call_context(
        mut self,
        key: Option<&IdempotencyKey>,
        outcome_unknown: bool,
    ) -> Self {
        let (key_slot, unknown_slot) = match &mut self {
            Error::Authentication(err)
            | Error::Forbidden(err)
            | Error::NotFound(err)
            | Error::RateLimited(err)
            | Error::Api(err) => (&mut err.idempotency_key, &mut err.outcome_unknown),
            Error::Decode(err) => (&mut err.idempotency_key, &mut err.outcome_unknown),
            Error::RateLimitedLocally(err) => (&mut err.idempotency_key, &mut err.outcome_unknown),
            Error::Transport(err) | Error::Timeout(err) => {
                // The call as a whole may have reached the server though its last attempt
                // did not: say so, or a caller would resend what an earlier attempt did.
                err.may_have_reached_server |= outcome_unknown;
                (&mut err.idempotency_key, &mut err.outcome_unknown)
            }
            Error::Validation(_) | Error::Pagination(_) | Error::Journal(_) => return self,
        };
        if let Some(key) = key {
            *key_slot = Some(key.clone());
        }
        *unknown_slot = outcome_unknown;
        self
    }

    /// The error with every secret of the request (the token, a webhook secret, a card number
    /// or CVV) masked where a server echoed it into a message or body: errors are printed and
    /// logged, and must never carry them.
    pub(crate) fn scrub(mut self, secrets: &crate::transport::Secrets) -> Self {
        let secrets: Vec<&[u8]> = secrets
            .iter()
            .map(|s| s.as_ref())
            .filter(|s| s.len() >= 3)
            .collect();
        let (message, body) = match &mut self {
            Error::Authentication(err)
            | Error::Forbidden(err)
            | Error::NotFound(err)
            | Error::RateLimited(err)
            | Error::Api(err) => (err.message.as_mut(), &mut err.body),
            Error::Decode(err) => {
                // serde_json quotes the value it refused (`invalid type: integer `...``).
                if let Some(masked) = mask_text(&err.source.to_string(), &secrets) {
                    err.source = <serde_json::Error as serde::de::Error>::custom(masked);
                }
                (None, &mut err.body)
            }
            _ => return self,
        };
        if let Some(message) = message
            && let Some(masked) = mask_text(message, &secrets)
        {
            *message = masked;
        }
        for secret in &secrets {
            if let Some(masked) = mask_bytes(body, secret) {
                *body = masked;
            }
        }
        self
    }

    #[cfg(test)]
    pub(crate) fn with_idempotency_key(self, key: Option<&IdempotencyKey>) -> Self {
        self.with_call_context(key, false)
    }

    /// Maps a non-success response to its variant by status.
    pub fn from_response(response: &Response) -> Self {
        let api = Box::new(ApiError::from_response(response));
        match response.status().as_u16() {
            401 => Error::Authentication(api),
            403 => Error::Forbidden(api),
            404 => Error::NotFound(api),
            429 => Error::RateLimited(api),
            _ => Error::Api(api),
        }
    }

    /// A transport failure, as [`Error::Timeout`] when it was one.
    pub fn from_transport(err: TransportError) -> Self {
        if err.kind == TransportErrorKind::Timeout {
            Error::Timeout(Box::new(err))
        } else {
            Error::Transport(Box::new(err))
        }
    }
}

/// `haystack` with every `needle` replaced by `****`, or `None` when it holds none.
fn mask_bytes(haystack: &Bytes, needle: &[u8]) -> Option<Bytes> {
    let mut masked = Vec::with_capacity(haystack.len());
    let mut rest = &haystack[..];
    // In bounds: `at` is a `windows` position over `rest`, so `at + needle.len() <= rest.len()`.
    while let Some(at) = rest.windows(needle.len()).position(|w| w == needle) {
        masked.extend_from_slice(&rest[..at]);
        masked.extend_from_slice(b"****");
        rest = &rest[at + needle.len()..];
    }
    if rest.len() == haystack.len() {
        return None;
    }
    masked.extend_from_slice(rest);
    Some(Bytes::from(masked))
}

/// `text` with every secret that is UTF-8 replaced by `****`, or `None` when it holds none.
fn mask_text(text: &str, secrets: &[&[u8]]) -> Option<String> {
    let mut masked: Option<String> = None;
    for needle in secrets.iter().filter_map(|s| std::str::from_utf8(s).ok()) {
        let current = masked.as_deref().unwrap_or(text);
        if current.contains(needle) {
            masked = Some(current.replace(needle, "****"));
        }
    }
    masked
}

/// What an error whose outcome is unknown says, before its own text.
pub(crate) const OUTCOME_UNKNOWN: &str = "outcome unknown, the request may have been acted on";

/// A status after which a write may or may not have taken effect: the server failed (5xx) or
/// gave up waiting (408) somewhere between reading the request and answering it.
pub(crate) fn status_leaves_effect_unknown(status: StatusCode) -> bool {
    status.is_server_error() || status == StatusCode::REQUEST_TIMEOUT
}

impl From<DecodeError> for Error {
    fn from(err: DecodeError) -> Self {
        Error::Decode(Box::new(err))
    }
}

impl From<TransportError> for Error {
    fn from(err: TransportError) -> Self {
        Error::from_transport(err)
    }
}

/// Input refused before anything was sent: which field, and which rule it broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    field: Cow<'static, str>,
    rule: Cow<'static, str>,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.rule)
    }
}

impl std::error::Error for ValidationError {}

impl ValidationError {
    /// A refusal of `field` for breaking `rule`.
    pub fn new(field: impl Into<Cow<'static, str>>, rule: impl Into<Cow<'static, str>>) -> Self {
        Self {
            field: field.into(),
            rule: rule.into(),
        }
    }

    /// The field, as named on the wire (`amount`, `webhook_url`, `created_at.after`).
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The rule, in words.
    pub fn rule(&self) -> &str {
        &self.rule
    }
}

/// The `X-RateLimit-*` headers of a response, where present.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// `X-RateLimit-Limit`.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Reset`, as sent (Push does not publish its unit; see [`crate::retry::parse_retry_after`]).
    pub reset: Option<u64>,
}

impl RateLimit {
    /// The three values, as a test or a transport of your own would have read them.
    pub fn new(limit: Option<u64>, remaining: Option<u64>, reset: Option<u64>) -> Self {
        Self {
            limit,
            remaining,
            reset,
        }
    }

    /// Reads the three headers; absent or malformed values are `None`.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let number = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        Self {
            limit: number("x-ratelimit-limit"),
            remaining: number("x-ratelimit-remaining"),
            reset: number("x-ratelimit-reset"),
        }
    }

    /// True when no header was present.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Headers that carry a request id at the usual proxies and gateways, in order of preference.
const REQUEST_ID_HEADERS: &[&str] = &[
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-correlation-id",
    "cf-ray",
];

/// The first request-id header present, as text.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// A non-success response, kept whole.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw body (error bodies have no published schema; they may be plain text).
    pub body: Bytes,
    /// The message: `message` or `error` of a JSON body, or a plain-text body.
    pub message: Option<String>,
    /// The request id, if any header carried one.
    pub request_id: Option<String>,
    /// The `X-RateLimit-*` headers.
    pub rate_limit: RateLimit,
    /// `Retry-After` (or `X-RateLimit-Reset`) as a delay, when present.
    pub retry_after: Option<Duration>,
    /// The idempotency key of the call, for `POST /intent`.
    pub idempotency_key: Option<IdempotencyKey>,
    /// What the operation knows about this status that the server did not say (a card token
    /// already used, say); shown after the message.
    pub hint: Option<Cow<'static, str>>,
    /// See [`Error::is_outcome_unknown`].
    pub outcome_unknown: bool,
}

impl ApiError {
    /// A response of `status` with `body`, read like any other ([`ApiError::from_response`]):
    /// for tests and transports of your own.
    pub fn new(status: StatusCode, body: impl Into<Bytes>) -> Self {
        let mut response = Response::new(body.into());
        *response.status_mut() = status;
        Self::from_response(&response)
    }

    /// Reads status, headers, message, request id and rate-limit headers off a response.
    pub fn from_response(response: &Response) -> Self {
        let headers = response.headers().clone();
        let request_id = request_id(&headers);
        Self {
            status: response.status(),
            message: message_of(response.body()),
            request_id,
            rate_limit: RateLimit::from_headers(&headers),
            retry_after: retry::parse_retry_after(&headers),
            headers,
            body: response.body().clone(),
            idempotency_key: None,
            hint: None,
            outcome_unknown: false,
        }
    }

    /// Adds what the operation knows about this status (see [`ApiError::hint`]).
    pub fn with_hint(mut self, hint: impl Into<Cow<'static, str>>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The `X-RateLimit-*` values.
    pub fn rate_limit(&self) -> RateLimit {
        self.rate_limit
    }

    /// How long the server asked us to wait, if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "status {}", self.status.as_u16())?;
        if let Some(message) = &self.message {
            const MAX: usize = 512;
            if message.len() > MAX {
                let cut = (0..=MAX)
                    .rev()
                    .find(|i| message.is_char_boundary(*i))
                    .unwrap_or(0);
                write!(f, ": {}...", &message[..cut])?;
            } else {
                write!(f, ": {message}")?;
            }
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

/// `{"message": ..}`, `{"error": ..}`, `{"error": {"message": ..}}`, or the plain text itself.
fn message_of(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?.trim();
    if text.is_empty() {
        return None;
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(map)) => {
            let pick = |map: &serde_json::Map<String, serde_json::Value>| {
                ["message", "error", "detail", "error_description"]
                    .iter()
                    .find_map(|key| map.get(*key).and_then(|v| v.as_str()).map(str::to_owned))
            };
            pick(&map).or_else(|| map.get("error").and_then(|v| v.as_object()).and_then(pick))
        }
        Ok(serde_json::Value::String(s)) => Some(s),
        Ok(_) => None,
        Err(_) => Some(text.to_owned()),
    }
}

/// A response body that did not decode.
#[derive(Debug)]
#[non_exhaustive]
pub struct DecodeError {
    /// The JSON path of the bad value (`transactions[0].amount`); `.` is the whole body.
    pub path: String,
    /// The status of the response; `None` when the bytes came with none (`from_json`).
    pub status: Option<StatusCode>,
    /// The raw body.
    pub body: Bytes,
    /// The parser's error.
    pub source: serde_json::Error,
    /// The idempotency key of the call, for `POST /intent`.
    pub idempotency_key: Option<IdempotencyKey>,
    /// See [`Error::is_outcome_unknown`].
    pub outcome_unknown: bool,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not decode the response body at `{}`", self.path)
    }
}

/// The parser's error is the cause (and not repeated in the message).
impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl DecodeError {
    /// The refusal of `body` at JSON `path` (`.` for the whole body) by `source`; `status` is
    /// the response's, `None` for bytes that came with none. For decoders of your own.
    pub fn new(
        path: impl Into<String>,
        status: Option<StatusCode>,
        body: impl Into<Bytes>,
        source: serde_json::Error,
    ) -> Self {
        Self {
            path: path.into(),
            status,
            body: body.into(),
            source,
            idempotency_key: None,
            outcome_unknown: false,
        }
    }
}

/// Pagination stopped because going on could loop.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PaginationError {
    /// The server handed back a cursor this listing had already followed.
    RepeatedCursor {
        /// The cursor seen twice.
        cursor: Cursor,
    },
    /// A job of many listings (a reconciliation) reached its bound on reads.
    TooManyReads {
        /// The bound.
        limit: u64,
    },
}

impl fmt::Display for PaginationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PaginationError::RepeatedCursor { cursor } => write!(
                f,
                "the server repeated cursor {cursor}: stopping instead of looping"
            ),
            PaginationError::TooManyReads { limit } => write!(
                f,
                "stopped after {limit} reads: the server kept handing out pages"
            ),
        }
    }
}

impl std::error::Error for PaginationError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a caller may do now, for each kind of failure.
    #[test]
    fn retry_hints_as_a_table() {
        let key = IdempotencyKey::new("key-1").unwrap();
        let api = |status: u16| ApiError::new(StatusCode::from_u16(status).unwrap(), "{}");
        let lost = || Error::Transport(Box::new(TransportError::io("reset")));
        let table: Vec<(Error, RetryHint)> = vec![
            (
                Error::Validation(ValidationError::new("amount", "must be positive")),
                RetryHint::Never,
            ),
            (Error::Authentication(Box::new(api(401))), RetryHint::Never),
            (Error::Forbidden(Box::new(api(403))), RetryHint::Never),
            (Error::NotFound(Box::new(api(404))), RetryHint::Never),
            (Error::Api(Box::new(api(409))), RetryHint::Never),
            (Error::Api(Box::new(api(400))), RetryHint::Never),
            (Error::Api(Box::new(api(503))), RetryHint::Safe),
            (Error::Api(Box::new(api(408))), RetryHint::Safe),
            (Error::RateLimited(Box::new(api(429))), RetryHint::Safe),
            (
                Error::Transport(Box::new(TransportError::connect("refused"))),
                RetryHint::Safe,
            ),
            (lost(), RetryHint::Safe),
            // A write whose answer was lost: the same key gets the first answer back.
            (
                lost().with_call_context(Some(&key), true),
                RetryHint::WithSameKey,
            ),
            // ... and without a key (a credential authorize), only a check can tell.
            (lost().with_call_context(None, true), RetryHint::CheckFirst),
            (
                Error::Api(Box::new(api(500))).with_call_context(None, true),
                RetryHint::CheckFirst,
            ),
            (
                Error::Journal(Box::new(JournalFailure::refused("r", "another request"))),
                RetryHint::Never,
            ),
            (
                Error::Journal(Box::new(JournalFailure::storage(None, "disk full"))),
                RetryHint::Safe,
            ),
            (
                Error::Pagination(PaginationError::TooManyReads { limit: 1 }),
                RetryHint::Never,
            ),
        ];
        for (err, hint) in table {
            assert_eq!(err.retry_hint(), hint, "{err}");
        }
    }

    #[test]
    fn the_request_id_is_the_answer_s() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", http::HeaderValue::from_static("req_42"));
        let mut answer = ApiError::new(StatusCode::BAD_REQUEST, "{}");
        answer.request_id = super::request_id(&headers);
        assert_eq!(Error::Api(Box::new(answer)).request_id(), Some("req_42"));
        assert_eq!(
            Error::Transport(Box::new(TransportError::connect("x"))).request_id(),
            None
        );
    }

    #[test]
    fn transport_errors_name_the_server() {
        let err = Error::Transport(Box::new(
            TransportError::connect("refused").with_host("sandbox.pushcash.com:443"),
        ));
        assert_eq!(
            err.to_string(),
            "could not connect to sandbox.pushcash.com:443 (the request was not sent)"
        );
        let err = TransportError::timeout(true).with_host("127.0.0.1:4010");
        assert_eq!(err.to_string(), "timed out (127.0.0.1:4010)");
    }

    /// Regression: `DecodeError` printed its parser error in `Display` and returned it from
    /// `source()`, so anyhow and eyre chains showed it twice.
    #[test]
    fn errors_print_their_source_once_in_a_chain() {
        let err = crate::Intent::from_json(r#"{"id": 5}"#).unwrap_err();
        let source = std::error::Error::source(&err).unwrap().to_string();
        assert!(!err.to_string().contains(&source), "{err}");
        let err = Error::from(err);
        let mut chain = vec![err.to_string()];
        let mut next = std::error::Error::source(&err);
        while let Some(cause) = next {
            chain.push(cause.to_string());
            next = cause.source();
        }
        for (i, link) in chain.iter().enumerate() {
            for later in &chain[i + 1..] {
                assert!(!link.contains(later.as_str()), "{chain:?}");
            }
        }
        assert_eq!(chain.len(), 2, "{chain:?}");
    }

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
        let mut builder = http::Response::builder().status(status);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(Bytes::from(body.to_owned())).unwrap()
    }

    #[test]
    fn statuses_map_to_variants() {
        type Is = fn(&Error) -> bool;
        let table: [(u16, Is); 6] = [
            (401, |e| matches!(e, Error::Authentication(_))),
            (403, |e| matches!(e, Error::Forbidden(_))),
            (404, |e| matches!(e, Error::NotFound(_))),
            (429, |e| matches!(e, Error::RateLimited(_))),
            (500, |e| matches!(e, Error::Api(_))),
            (400, |e| matches!(e, Error::Api(_))),
        ];
        for (status, is) in table {
            let err = Error::from_response(&response(status, &[], ""));
            assert!(is(&err), "{status}: {err:?}");
            assert_eq!(err.status(), Some(StatusCode::from_u16(status).unwrap()));
        }
    }

    #[test]
    fn api_errors_keep_message_request_id_and_rate_limits() {
        let resp = response(
            429,
            &[
                ("x-request-id", "req_123"),
                ("x-ratelimit-limit", "100"),
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", "7"),
                ("retry-after", "3"),
            ],
            r#"{"message":"slow down"}"#,
        );
        let err = Error::from_response(&resp);
        let api = err.api_error().unwrap();
        assert_eq!(api.message.as_deref(), Some("slow down"));
        assert_eq!(api.request_id.as_deref(), Some("req_123"));
        assert_eq!(
            api.rate_limit(),
            RateLimit {
                limit: Some(100),
                remaining: Some(0),
                reset: Some(7)
            }
        );
        assert_eq!(api.retry_after(), Some(Duration::from_secs(3)));
        assert_eq!(
            err.to_string(),
            "rate limited: status 429: slow down (request id req_123)"
        );
    }

    #[test]
    fn messages_come_from_json_or_plain_text() {
        let table = [
            (r#"{"error":"bad"}"#, Some("bad")),
            (r#"{"error":{"message":"nested"}}"#, Some("nested")),
            (r#"{"code":1}"#, None),
            ("upstream connect error", Some("upstream connect error")),
            ("", None),
            ("\"quoted\"", Some("quoted")),
        ];
        for (body, expected) in table {
            assert_eq!(message_of(body.as_bytes()).as_deref(), expected, "{body}");
        }
    }

    #[test]
    fn forbidden_hints_at_the_allow_list() {
        let err = Error::from_response(&response(403, &[], "Forbidden"));
        assert!(err.to_string().contains("allow-listed"), "{err}");
    }

    #[test]
    fn transport_errors_say_whether_the_request_left() {
        let err = Error::from(TransportError::connect(std::io::Error::other("refused")));
        assert!(!err.may_have_reached_server());
        assert_eq!(
            err.to_string(),
            "could not connect (the request was not sent)"
        );
        let err = Error::from(TransportError::timeout(true));
        assert!(matches!(err, Error::Timeout(_)));
        assert!(err.may_have_reached_server());
        assert!(
            std::error::Error::source(&TransportError::io(std::io::Error::other("reset")))
                .is_some()
        );
    }

    #[test]
    fn idempotency_keys_ride_on_errors() {
        let key = IdempotencyKey::new("k1").unwrap();
        let err = Error::from_response(&response(500, &[], "")).with_idempotency_key(Some(&key));
        assert_eq!(err.idempotency_key(), Some(&key));
        let err = Error::from(TransportError::io(std::io::Error::other("x")))
            .with_idempotency_key(Some(&key));
        assert_eq!(err.idempotency_key(), Some(&key));
    }
}
