//! How long one attempt may take, and the per-call overrides of the client's settings.

use std::time::Duration;

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
/// scoped clone with `client.with_options(options)`. An idempotency key is not an option: it
/// belongs to the operation it identifies (`CreateIntent::builder().idempotency_key(..)`).
///
/// ```
/// use std::time::Duration;
/// use push_core::CallOptions;
///
/// // A nightly job can wait: five minutes for the whole call, more retries, each attempt 60 s.
/// let patient = CallOptions::new()
///     .deadline(Duration::from_secs(300))
///     .max_retries(5)
///     .timeout(Duration::from_secs(60));
/// assert_eq!(patient.max_retries, Some(5));
/// assert_eq!(CallOptions::new(), CallOptions::default(), "no overrides");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallOptions {
    /// The timeout of each attempt: connect, send, and reading the whole body.
    pub timeout: Option<Duration>,
    /// The whole call's deadline: attempts, retry waits and rate-limit waits (see
    /// [`crate::Config::deadline`]).
    pub deadline: Option<Duration>,
    /// Retries after the first attempt.
    pub max_retries: Option<u32>,
    /// Wait for a rate-limit slot even when it opens after the deadline (the deadline then
    /// starts when the slot opens). Without it such a call fails at once, nothing sent.
    pub wait_for_rate_limit: Option<bool>,
}

impl CallOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the per-attempt timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the whole call's deadline.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Sets the retry count.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    /// Waits for a rate-limit slot past the deadline (see the field).
    pub fn wait_for_rate_limit(mut self, wait: bool) -> Self {
        self.wait_for_rate_limit = Some(wait);
        self
    }
}
