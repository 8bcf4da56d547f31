//! How long one attempt may take, and the per-call overrides of the client's settings.

use std::time::Duration;

use crate::IdempotencyKey;

/// How long one attempt may take. Transports read it from the request's extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Connecting, TLS included. Default 10 s.
    pub connect: Duration,
    /// The whole request: connect, send, and reading the whole body. Default 30 s.
    pub request: Duration,
}

impl Timeouts {
    /// Both timeouts (see the fields).
    pub fn new(connect: Duration, request: Duration) -> Self {
        Self { connect, request }
    }
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(30),
        }
    }
}


/// Per-call overrides of the client's settings.
///
/// Give them to one call with `client.send_with(operation, &options)`, or to every call of a
/// scoped clone with `client.with_options(options)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallOptions {
    /// The idempotency key (only `POST /intent` takes one). Prefer
    /// `CreateIntent::builder().idempotency_key(..)`: a key identifies one intent. Given here, it
    /// replaces the operation's key for **one** call: `with_options` hands it to the first
    /// `create_intent` of the scoped client (and its clones) and to no later one, and calls that
    /// take no key ignore it.
    pub idempotency_key: Option<IdempotencyKey>,
    /// The whole-request timeout of each attempt.
    pub timeout: Option<Duration>,
    /// Retries after the first attempt.
    pub max_retries: Option<u32>,
}

impl CallOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the idempotency key (see [`CallOptions::idempotency_key`] for its one-call rule).
    pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }

    /// Sets the per-attempt timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the retry count.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }
}

