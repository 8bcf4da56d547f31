//! Whether to try again, and when: a pure decision over what the last attempt saw.
//!
//! Retried: connection failures and timeouts, and the statuses 408, 409, 429, 500, 502, 503,
//! 504, as long as the operation is safe to repeat ([`RetrySafety`]). The delay is the server's
//! (`Retry-After`, or `X-RateLimit-Reset` once `X-RateLimit-Remaining` is 0) or exponential
//! backoff with full jitter. The loop and the sleep live in the drivers.

use std::{fmt, sync::Arc, time::Duration};

use http::{HeaderMap, StatusCode, header};

use crate::{TransportError, TransportErrorKind};

const RETRYABLE_STATUSES: [u16; 7] = [408, 409, 429, 500, 502, 503, 504];
/// A server's hint longer than this is treated as this (and then usually exceeds the budget).
const MAX_HINT: Duration = Duration::from_secs(24 * 60 * 60);

/// Whether an operation may be sent again after it may have reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetrySafety {
    /// Repeating it cannot do anything twice: reads, and writes Push deduplicates (by
    /// idempotency key or by `token`).
    Idempotent,
    /// Repeating it could do it twice: retry only when the request provably never left.
    OnlyIfNotSent,
}

/// How many times, how fast, and for how long a call is retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    base_delay: Duration,
    max_delay: Duration,
    budget: Duration,
}

impl Default for RetryPolicy {
    /// 2 retries, backoff from 0.5 s doubling up to 8 s, within 60 s.
    fn default() -> Self {
        Self {
            max_retries: 2,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            budget: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self::default().with_max_retries(0)
    }

    /// Retries after the first attempt (default 2).
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The first backoff ceiling (default 0.5 s); each retry doubles it.
    pub fn with_base_delay(mut self, base_delay: Duration) -> Self {
        self.base_delay = base_delay;
        self
    }

    /// The largest backoff ceiling (default 8 s).
    pub fn with_max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = max_delay;
        self
    }

    /// No attempt starts later than this after the call began (default 60 s).
    pub fn with_budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// Retries after the first attempt.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The total time budget.
    pub fn budget(&self) -> Duration {
        self.budget
    }

    /// The backoff before retry number `attempts` (1 for the first retry): a uniformly random
    /// share (`random` in `[0, 1)`) of `min(max_delay, base_delay * 2^(attempts - 1))`.
    pub fn backoff(&self, attempts: u32, random: f64) -> Duration {
        let exponent = attempts.saturating_sub(1).min(31);
        let ceiling = self
            .base_delay
            .saturating_mul(1 << exponent)
            .min(self.max_delay);
        ceiling.mul_f64(if random.is_finite() {
            random.clamp(0.0, 1.0)
        } else {
            0.0
        })
    }

    /// The decision after an attempt that did not succeed.
    pub fn decide(&self, context: &RetryContext<'_>) -> RetryDecision {
        if context.attempts > self.max_retries {
            return RetryDecision::Stop;
        }
        let hint = match context.outcome {
            RetryOutcome::Response { status, headers } => {
                if !RETRYABLE_STATUSES.contains(&status.as_u16())
                    || context.safety != RetrySafety::Idempotent
                {
                    return RetryDecision::Stop;
                }
                parse_retry_after(headers)
            }
            RetryOutcome::Transport(err) => {
                if matches!(err.kind(), TransportErrorKind::BodyTooLarge { .. }) {
                    return RetryDecision::Stop;
                }
                if context.safety == RetrySafety::OnlyIfNotSent && err.may_have_reached_server() {
                    return RetryDecision::Stop;
                }
                None
            }
        };
        let delay = hint.unwrap_or_else(|| self.backoff(context.attempts, context.random));
        if context.elapsed.saturating_add(delay) > self.budget {
            return RetryDecision::Stop;
        }
        RetryDecision::RetryAfter(delay)
    }
}

/// What the last attempt saw.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum RetryOutcome<'a> {
    /// A response with a non-success status.
    Response {
        /// Its status.
        status: StatusCode,
        /// Its headers (`Retry-After`, `X-RateLimit-*`).
        headers: &'a HeaderMap,
    },
    /// No response.
    Transport(&'a TransportError),
}

/// The input of [`RetryPolicy::decide`].
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct RetryContext<'a> {
    /// Attempts made so far (1 after the first).
    pub attempts: u32,
    /// Time since the call began.
    pub elapsed: Duration,
    /// Whether the operation may be repeated.
    pub safety: RetrySafety,
    /// What the last attempt saw.
    pub outcome: RetryOutcome<'a>,
    /// A uniform random number in `[0, 1)` for the jitter.
    pub random: f64,
}

impl<'a> RetryContext<'a> {
    /// The context after `attempts` attempts over `elapsed`, the last of which saw `outcome`,
    /// with `random` (in `[0, 1)`) for the jitter: what a table test of a policy builds.
    pub fn new(
        attempts: u32,
        elapsed: Duration,
        safety: RetrySafety,
        outcome: RetryOutcome<'a>,
        random: f64,
    ) -> Self {
        Self {
            attempts,
            elapsed,
            safety,
            outcome,
            random,
        }
    }
}

/// Try again after a delay, or stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryDecision {
    /// Return the last result.
    Stop,
    /// Wait this long, then try again.
    RetryAfter(Duration),
}

/// The server's requested delay: `Retry-After` in seconds or as an HTTP date (measured against
/// the response's `Date` header, since the core has no clock), else `X-RateLimit-Reset` when
/// `X-RateLimit-Remaining` is 0 (seconds from now, or a Unix time when it is that large).
pub fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &http::HeaderValue| v.to_str().ok())
            .map(str::trim)
    };
    let server_now = || text(header::DATE).and_then(|d| httpdate::parse_http_date(d).ok());
    if let Some(value) = text(header::RETRY_AFTER) {
        if let Ok(seconds) = value.parse::<f64>() {
            if seconds.is_finite() && seconds >= 0.0 {
                return Some(Duration::from_secs_f64(seconds.min(MAX_HINT.as_secs_f64())));
            }
            return None;
        }
        let at = httpdate::parse_http_date(value).ok()?;
        let now = server_now()?;
        return Some(
            at.duration_since(now)
                .unwrap_or(Duration::ZERO)
                .min(MAX_HINT),
        );
    }
    let remaining = text(http::HeaderName::from_static("x-ratelimit-remaining"))?;
    if remaining.parse::<u64>().ok()? != 0 {
        return None;
    }
    let reset = text(http::HeaderName::from_static("x-ratelimit-reset"))?
        .parse::<u64>()
        .ok()?;
    if reset >= 1_000_000_000 {
        // An epoch time: seconds, or milliseconds from 10^12 up (seconds that large are the
        // year 33658; some servers send `Date.now()`). Saturate: a reset past what
        // `SystemTime` holds is "as late as we ever wait".
        let since_epoch = if reset >= 1_000_000_000_000 {
            Duration::from_millis(reset)
        } else {
            Duration::from_secs(reset)
        };
        let Some(at) = std::time::UNIX_EPOCH.checked_add(since_epoch) else {
            return Some(MAX_HINT);
        };
        let now = server_now()?;
        return Some(
            at.duration_since(now)
                .unwrap_or(Duration::ZERO)
                .min(MAX_HINT),
        );
    }
    Some(Duration::from_secs(reset).min(MAX_HINT))
}

/// The random source of backoff jitter: uniform in `[0, 1)`. Pin it in tests.
#[derive(Clone)]
pub struct Jitter(Arc<dyn Fn() -> f64 + Send + Sync>);

impl Jitter {
    /// Any source of uniform numbers in `[0, 1)`.
    pub fn new(source: impl Fn() -> f64 + Send + Sync + 'static) -> Self {
        Self(Arc::new(source))
    }

    /// Always `value` (1.0 waits the full backoff, 0.0 none).
    pub fn fixed(value: f64) -> Self {
        Self::new(move || value)
    }

    /// The next number.
    pub fn sample(&self) -> f64 {
        (self.0)()
    }
}

impl Default for Jitter {
    /// A fast non-cryptographic generator (`fastrand`).
    fn default() -> Self {
        Self::new(fastrand::f64)
    }
}

impl fmt::Debug for Jitter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Jitter")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RetrySafety::{Idempotent, OnlyIfNotSent};

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    fn decide_status(
        policy: &RetryPolicy,
        attempts: u32,
        status: u16,
        safety: RetrySafety,
        h: &HeaderMap,
    ) -> RetryDecision {
        policy.decide(&RetryContext {
            attempts,
            elapsed: Duration::ZERO,
            safety,
            outcome: RetryOutcome::Response {
                status: StatusCode::from_u16(status).unwrap(),
                headers: h,
            },
            random: 1.0,
        })
    }

    #[test]
    fn statuses_table() {
        let policy = RetryPolicy::default();
        let none = HeaderMap::new();
        let retry = RetryDecision::RetryAfter(Duration::from_millis(500));
        let table = [
            (400, RetryDecision::Stop),
            (401, RetryDecision::Stop),
            (403, RetryDecision::Stop),
            (404, RetryDecision::Stop),
            (408, retry),
            (409, retry),
            (422, RetryDecision::Stop),
            (429, retry),
            (500, retry),
            (501, RetryDecision::Stop),
            (502, retry),
            (503, retry),
            (504, retry),
        ];
        for (status, expected) in table {
            assert_eq!(
                decide_status(&policy, 1, status, Idempotent, &none),
                expected,
                "{status}"
            );
            // An authorize without a token is never repeated once the server has seen it.
            assert_eq!(
                decide_status(&policy, 1, status, OnlyIfNotSent, &none),
                RetryDecision::Stop,
                "{status}"
            );
        }
    }

    #[test]
    fn transport_failures_table() {
        let policy = RetryPolicy::default();
        let connect = TransportError::connect(std::io::Error::other("refused"));
        let io = TransportError::io(std::io::Error::other("reset"));
        let connect_timeout = TransportError::timeout(false);
        let read_timeout = TransportError::timeout(true);
        let too_large = TransportError::body_too_large(16);
        let retry = RetryDecision::RetryAfter(Duration::from_millis(500));
        let table = [
            (&connect, Idempotent, retry),
            (&connect, OnlyIfNotSent, retry),
            (&io, Idempotent, retry),
            (&io, OnlyIfNotSent, RetryDecision::Stop),
            (&connect_timeout, OnlyIfNotSent, retry),
            (&read_timeout, Idempotent, retry),
            (&read_timeout, OnlyIfNotSent, RetryDecision::Stop),
            (&too_large, Idempotent, RetryDecision::Stop),
        ];
        for (i, (err, safety, expected)) in table.into_iter().enumerate() {
            let decision = policy.decide(&RetryContext {
                attempts: 1,
                elapsed: Duration::ZERO,
                safety,
                outcome: RetryOutcome::Transport(err),
                random: 1.0,
            });
            assert_eq!(decision, expected, "row {i}: {err}");
        }
    }

    #[test]
    fn attempts_are_counted() {
        let policy = RetryPolicy::default();
        let none = HeaderMap::new();
        assert!(matches!(
            decide_status(&policy, 1, 503, Idempotent, &none),
            RetryDecision::RetryAfter(_)
        ));
        assert!(matches!(
            decide_status(&policy, 2, 503, Idempotent, &none),
            RetryDecision::RetryAfter(_)
        ));
        assert_eq!(
            decide_status(&policy, 3, 503, Idempotent, &none),
            RetryDecision::Stop
        );
        assert_eq!(
            decide_status(&RetryPolicy::none(), 1, 503, Idempotent, &none),
            RetryDecision::Stop
        );
    }

    #[test]
    fn backoff_is_exponential_capped_and_jittered() {
        let policy = RetryPolicy::default();
        let table = [
            (1, 1.0, 500),
            (2, 1.0, 1000),
            (3, 1.0, 2000),
            (4, 1.0, 4000),
            (5, 1.0, 8000),
            (6, 1.0, 8000),
            (40, 1.0, 8000),
            (3, 0.5, 1000),
            (3, 0.0, 0),
            (3, f64::NAN, 0),
            (3, 7.0, 2000),
        ];
        for (attempts, random, millis) in table {
            assert_eq!(
                policy.backoff(attempts, random),
                Duration::from_millis(millis),
                "{attempts} {random}"
            );
        }
        let custom = RetryPolicy::default()
            .with_base_delay(Duration::from_secs(1))
            .with_max_delay(Duration::from_secs(3));
        assert_eq!(custom.backoff(3, 1.0), Duration::from_secs(3));
    }

    #[test]
    fn server_hints_win_and_the_budget_bounds_them() {
        let policy = RetryPolicy::default().with_budget(Duration::from_secs(10));
        let h = headers(&[("retry-after", "3")]);
        assert_eq!(
            decide_status(&policy, 1, 429, Idempotent, &h),
            RetryDecision::RetryAfter(Duration::from_secs(3))
        );
        let far = headers(&[("retry-after", "11")]);
        assert_eq!(
            decide_status(&policy, 1, 429, Idempotent, &far),
            RetryDecision::Stop
        );
        let late = policy.decide(&RetryContext {
            attempts: 1,
            elapsed: Duration::from_secs(8),
            safety: Idempotent,
            outcome: RetryOutcome::Response {
                status: StatusCode::SERVICE_UNAVAILABLE,
                headers: &h,
            },
            random: 1.0,
        });
        assert_eq!(late, RetryDecision::Stop);
    }

    #[test]
    fn retry_after_parsing_table() {
        type Headers<'a> = &'a [(&'static str, &'a str)];
        let table: &[(Headers<'_>, Option<u64>)] = &[
            (&[("retry-after", "0")], Some(0)),
            (&[("retry-after", " 7 ")], Some(7)),
            (&[("retry-after", "1.5")], Some(1)),
            (&[("retry-after", "-1")], None),
            (&[("retry-after", "soon")], None),
            (
                &[
                    ("retry-after", "Wed, 21 Oct 2015 07:28:05 GMT"),
                    ("date", "Wed, 21 Oct 2015 07:28:00 GMT"),
                ],
                Some(5),
            ),
            (&[("retry-after", "Wed, 21 Oct 2015 07:28:05 GMT")], None),
            (
                &[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "4")],
                Some(4),
            ),
            (
                &[("x-ratelimit-remaining", "3"), ("x-ratelimit-reset", "4")],
                None,
            ),
            (
                &[
                    ("x-ratelimit-remaining", "0"),
                    ("x-ratelimit-reset", "1445412485"),
                    ("date", "Wed, 21 Oct 2015 07:28:00 GMT"),
                ],
                Some(5),
            ),
            // Regression (issue 22 B8): a reset in epoch milliseconds is five seconds away,
            // not the year 47775.
            (
                &[
                    ("x-ratelimit-remaining", "0"),
                    ("x-ratelimit-reset", "1445412485000"),
                    ("date", "Wed, 21 Oct 2015 07:28:00 GMT"),
                ],
                Some(5),
            ),
            (&[("retry-after", "99999999999")], Some(86_400)),
            (&[("retry-after", "1e400")], None),
            (&[("retry-after", "NaN")], None),
        ];
        for (pairs, expected) in table {
            let parsed = parse_retry_after(&headers(pairs)).map(|d| d.as_secs());
            assert_eq!(parsed, *expected, "{pairs:?}");
        }
    }

    /// Regression: `X-RateLimit-Reset: 18446744073709551615` overflowed `SystemTime` and
    /// panicked. Every absurd number a server can send saturates to the cap or is ignored.
    #[test]
    fn absurd_server_numbers_saturate_instead_of_panicking() {
        let absurd = [
            "18446744073709551615",
            "9223372036854775808",
            "9223372036854775807",
            "18446744073709551616",
            "-1",
            "1e308",
            "0x10",
            "",
        ];
        let date = "Wed, 21 Oct 2015 07:28:00 GMT";
        for value in absurd {
            for with_date in [false, true] {
                let mut pairs = vec![
                    ("x-ratelimit-remaining", "0"),
                    ("x-ratelimit-reset", value),
                    ("x-ratelimit-limit", value),
                ];
                if with_date {
                    pairs.push(("date", date));
                }
                let h = headers(&pairs);
                let hint = parse_retry_after(&h);
                assert!(hint.is_none_or(|d| d <= MAX_HINT), "{value}: {hint:?}");
                let decision = decide_status(&RetryPolicy::default(), 1, 429, Idempotent, &h);
                // A day-long hint exceeds the 60 s budget: stop, never wait for ever.
                assert!(
                    matches!(decision, RetryDecision::Stop)
                        || matches!(decision, RetryDecision::RetryAfter(d) if d <= Duration::from_secs(60)),
                    "{value}: {decision:?}"
                );
                let retry_after = headers(&[("retry-after", value), ("date", date)]);
                assert!(parse_retry_after(&retry_after).is_none_or(|d| d <= MAX_HINT));
            }
        }
        // u64::MAX milliseconds since the epoch: far, but a time; capped with the server's date.
        let far = headers(&[
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "18446744073709551615"),
            ("date", date),
        ]);
        assert_eq!(parse_retry_after(&far), Some(MAX_HINT));
        let far_date = headers(&[
            ("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT"),
            ("date", date),
        ]);
        assert_eq!(parse_retry_after(&far_date), Some(MAX_HINT));
    }
}
