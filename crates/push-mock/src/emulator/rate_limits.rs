//! Push's rate limits, when asked ([`super::Emulator::enforce_rate_limits`]): a sliding window
//! per bucket (creates are every `POST`, reads every `GET`), counted per API key like Push's.
//! Every answer carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`
//! (seconds until the oldest request leaves the window, rounded up: the emulator's reading of
//! a unit Push does not publish); over the limit is `429` and takes no effect.
//!
//! Written apart from the SDK's limiter (it counts what arrived; the SDK paces what it sends),
//! so a test of one against the other is a test of both.

use std::{
    collections::VecDeque,
    time::{Duration, Instant},
};

use bytes::Bytes;
use http::{HeaderValue, Method, StatusCode};

/// How many requests of each bucket Push accepts per window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitRules {
    /// `POST` requests per window (Push: 100 creates an hour).
    pub creates: u32,
    /// `GET` requests per window (Push: 1,000 reads an hour).
    pub reads: u32,
    /// The sliding window (Push: one hour).
    pub window: Duration,
}

impl RateLimitRules {
    /// Push's published limits: 100 creates and 1,000 reads per sliding hour.
    pub fn published() -> Self {
        Self {
            creates: 100,
            reads: 1_000,
            window: Duration::from_secs(3_600),
        }
    }
}

/// The counts of one API key.
#[derive(Debug)]
pub(super) struct Windows {
    rules: RateLimitRules,
    creates: VecDeque<Instant>,
    reads: VecDeque<Instant>,
}

/// The three headers, and whether the request may go on.
pub(super) struct Verdict {
    pub(super) allowed: bool,
    pub(super) headers: [(&'static str, HeaderValue); 3],
}

impl Windows {
    pub(super) fn new(rules: RateLimitRules) -> Self {
        Self {
            rules,
            creates: VecDeque::new(),
            reads: VecDeque::new(),
        }
    }

    /// Counts a request arriving `now`, unless its bucket is full.
    pub(super) fn admit(&mut self, method: &Method, now: Instant) -> Verdict {
        let (limit, arrived) = if method == Method::GET {
            (self.rules.reads, &mut self.reads)
        } else {
            (self.rules.creates, &mut self.creates)
        };
        let window = self.rules.window;
        while arrived
            .front()
            .is_some_and(|at| now.saturating_duration_since(*at) >= window)
        {
            arrived.pop_front();
        }
        let limit_count = usize::try_from(limit).unwrap_or(usize::MAX);
        let allowed = arrived.len() < limit_count;
        if allowed {
            arrived.push_back(now);
        }
        let remaining = limit_count.saturating_sub(arrived.len());
        let reset = arrived.front().map_or(Duration::ZERO, |oldest| {
            window.saturating_sub(now.saturating_duration_since(*oldest))
        });
        let reset_secs = reset.as_secs() + u64::from(reset.subsec_nanos() > 0);
        Verdict {
            allowed,
            headers: [
                ("x-ratelimit-limit", HeaderValue::from(limit)),
                ("x-ratelimit-remaining", HeaderValue::from(remaining)),
                ("x-ratelimit-reset", HeaderValue::from(reset_secs)),
            ],
        }
    }
}

impl Verdict {
    /// Puts the three headers on `response`.
    pub(super) fn stamp(&self, response: &mut http::Response<Bytes>) {
        for (name, value) in &self.headers {
            response.headers_mut().insert(*name, value.clone());
        }
    }
}

/// The 429 Push answers over the limit.
pub(super) fn too_many_requests() -> (StatusCode, Bytes) {
    (
        StatusCode::TOO_MANY_REQUESTS,
        Bytes::from_static(br#"{"message":"rate limit exceeded"}"#),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_slides_and_the_headers_count_down() {
        let mut windows = Windows::new(RateLimitRules {
            creates: 1,
            reads: 2,
            window: Duration::from_secs(10),
        });
        let start = Instant::now();
        let header =
            |verdict: &Verdict, i: usize| verdict.headers[i].1.to_str().unwrap().to_owned();
        let first = windows.admit(&Method::GET, start);
        assert!(first.allowed);
        assert_eq!(header(&first, 1), "1");
        assert_eq!(header(&first, 2), "10");
        assert!(
            windows
                .admit(&Method::GET, start + Duration::from_secs(4))
                .allowed
        );
        let third = windows.admit(&Method::GET, start + Duration::from_secs(5));
        assert!(!third.allowed);
        assert_eq!(header(&third, 0), "2");
        assert_eq!(header(&third, 1), "0");
        assert_eq!(header(&third, 2), "5");
        // Creates are a bucket of their own.
        assert!(windows.admit(&Method::POST, start).allowed);
        assert!(!windows.admit(&Method::POST, start).allowed);
        // The first read leaves at 10 s.
        assert!(
            windows
                .admit(&Method::GET, start + Duration::from_secs(10))
                .allowed
        );
    }
}
