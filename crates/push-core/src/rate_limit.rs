//! A client-side rate limiter: keeps a batch job under Push's published limits instead of
//! collecting 429s.
//!
//! Push counts requests per API key in a sliding one-hour window, in two published buckets:
//! 100 creates and 1,000 reads ([`RateLimits::published`]). The limiter keeps the same count on
//! this side: before each attempt it grants a slot, at once when the window has room or at the
//! moment the oldest request in it leaves. A request counts from the moment its answer came
//! back (the server saw it no later), so the count never runs ahead of the server's on a slow
//! link. It is fed by every response too: `X-RateLimit-Remaining`
//! lower than its own count (another process on the same key) takes the difference, and a
//! `Remaining: 0` (or a 429) holds the bucket until `X-RateLimit-Reset`.
//!
//! Sans-IO like the rest of the crate: it decides how long to wait, and the clients sleep
//! (as they do between retries). Opt-in: `ClientBuilder::rate_limits`. Clones share one count,
//! so every clone of a client, on every thread, stays under the same limits.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use push_core::rate_limit::{RateClass, RateLimiter, RateLimits};
//!
//! let limiter = RateLimiter::new(RateLimits::new(1, 2, Duration::from_secs(60)));
//! let now = Instant::now();
//! assert_eq!(limiter.reserve(RateClass::Read, now), Duration::ZERO);
//! assert_eq!(limiter.reserve(RateClass::Read, now), Duration::ZERO);
//! // The third read waits for the first to leave the window.
//! assert_eq!(limiter.reserve(RateClass::Read, now), Duration::from_secs(60));
//! ```

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use http::{HeaderMap, Method};

use crate::RateLimit;

/// Which of Push's buckets a request counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RateClass {
    /// Writes: creating users and intents, and (unpublished, counted here to be safe) every
    /// other `POST`.
    Create,
    /// `GET`s: reads and lists.
    Read,
}

impl RateClass {
    /// `GET` and `HEAD` read; everything else creates.
    pub fn of(method: &Method) -> Self {
        if *method == Method::GET || *method == Method::HEAD {
            RateClass::Read
        } else {
            RateClass::Create
        }
    }

    fn index(self) -> usize {
        match self {
            RateClass::Create => 0,
            RateClass::Read => 1,
        }
    }
}

/// Requests per window, per bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimits {
    /// Creates per window.
    pub create: u32,
    /// Reads per window.
    pub read: u32,
    /// The sliding window.
    pub window: Duration,
}

impl RateLimits {
    /// Push's published limits for backend calls with an API key: 100 creates and 1,000 reads
    /// per sliding hour.
    pub fn published() -> Self {
        Self::new(100, 1_000, Duration::from_secs(3_600))
    }

    /// Other limits (a contract of your own, or a scaled-down window in tests). A limit of 0
    /// is taken as 1: a bucket that never grants would hang the client.
    pub fn new(create: u32, read: u32, window: Duration) -> Self {
        Self {
            create: create.max(1),
            read: read.max(1),
            window,
        }
    }

    fn limit(&self, class: RateClass) -> usize {
        let limit = match class {
            RateClass::Create => self.create,
            RateClass::Read => self.read,
        };
        usize::try_from(limit.max(1)).unwrap_or(usize::MAX)
    }
}

impl Default for RateLimits {
    fn default() -> Self {
        Self::published()
    }
}

/// The shared count (see the [module](self)). Cheap to clone; clones share the count.
#[derive(Clone)]
pub struct RateLimiter {
    limits: RateLimits,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    /// Per bucket, the times granted requests were (or will be) sent, oldest first.
    sent: [VecDeque<Instant>; 2],
    /// Per bucket, no grant before this (the server said `Remaining: 0`).
    held_until: [Option<Instant>; 2],
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.lock();
        f.debug_struct("RateLimiter")
            .field("limits", &self.limits)
            .field("creates_counted", &state.sent[0].len())
            .field("reads_counted", &state.sent[1].len())
            .finish()
    }
}

impl RateLimiter {
    /// A limiter with these limits and an empty count.
    pub fn new(limits: RateLimits) -> Self {
        Self {
            limits,
            state: Arc::default(),
        }
    }

    /// The limits.
    pub fn limits(&self) -> RateLimits {
        self.limits
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves plain data behind: keep counting.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Grants the next request of `class` a slot and says how long to wait for it (zero: send
    /// now). The slot is counted from now on, so call it once per request, right before
    /// sleeping and sending.
    pub fn reserve(&self, class: RateClass, now: Instant) -> Duration {
        let window = self.limits.window;
        let limit = self.limits.limit(class);
        let mut state = self.lock();
        let held = state.held_until[class.index()];
        let sent = &mut state.sent[class.index()];
        while sent
            .front()
            .is_some_and(|first| first.checked_add(window).is_some_and(|end| end <= now))
        {
            sent.pop_front();
        }
        let mut at = now;
        if let Some(last) = sent.back() {
            // Grants go out in order: the log stays sorted.
            at = at.max(*last);
        }
        if sent.len() >= limit {
            // The request `limit` places back must have left the window.
            let leaving = sent[sent.len() - limit];
            at = at.max(leaving.checked_add(window).unwrap_or(leaving));
        }
        if let Some(held) = held {
            at = at.max(held);
        }
        sent.push_back(at);
        at.saturating_duration_since(now)
    }

    /// The request granted at `granted` (`now` + the wait [`RateLimiter::reserve`] gave) got
    /// its answer, or failed, at `now`: it counts from `now` on, since the server may have
    /// counted it as late as that.
    pub fn complete(&self, class: RateClass, granted: Instant, now: Instant) {
        let mut state = self.lock();
        let sent = &mut state.sent[class.index()];
        let Some(position) = sent.iter().rposition(|at| *at == granted) else {
            return;
        };
        sent.remove(position);
        let done = now.max(granted);
        let position = sent.partition_point(|at| *at <= done);
        sent.insert(position, done);
    }

    /// Takes what a response of a `class` request said about the server's count.
    pub fn observe(&self, class: RateClass, headers: &HeaderMap, now: Instant) {
        let reported = RateLimit::from_headers(headers);
        let Some(remaining) = reported.remaining else {
            return;
        };
        let window = self.limits.window;
        let limit = self.limits.limit(class);
        let mut state = self.lock();
        if remaining == 0 {
            // Until the reset the server gave, else the time one slot takes to free up.
            let slot = window / u32::try_from(limit).unwrap_or(u32::MAX);
            let wait = crate::retry::parse_retry_after(headers).unwrap_or(slot);
            let until = now.checked_add(wait).unwrap_or(now);
            let held = &mut state.held_until[class.index()];
            *held = Some(held.map_or(until, |held| held.max(until)));
            return;
        }
        let sent = &mut state.sent[class.index()];
        let in_window = sent
            .iter()
            .filter(|at| **at <= now && at.checked_add(window).is_some_and(|end| end > now))
            .count();
        let ours = limit.saturating_sub(in_window);
        let remaining = usize::try_from(remaining).unwrap_or(usize::MAX);
        if remaining < ours {
            // Someone else spent the difference in this window: count it as spent now.
            let position = sent.partition_point(|at| *at <= now);
            for _ in 0..(ours - remaining) {
                sent.insert(position, now);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(create: u32, read: u32) -> RateLimiter {
        RateLimiter::new(RateLimits::new(create, read, Duration::from_secs(10)))
    }

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn classes_follow_the_method() {
        assert_eq!(RateClass::of(&Method::GET), RateClass::Read);
        assert_eq!(RateClass::of(&Method::HEAD), RateClass::Read);
        assert_eq!(RateClass::of(&Method::POST), RateClass::Create);
        assert_eq!(RateClass::of(&Method::DELETE), RateClass::Create);
        assert_eq!(RateLimits::published().create, 100);
        assert_eq!(RateLimits::published().read, 1_000);
        assert_eq!(RateLimits::published().window, secs(3_600));
        assert_eq!(RateLimits::new(0, 0, secs(1)).read, 1);
    }

    /// A table: (seconds since start, class) → expected wait, with limits of 2 creates and 3
    /// reads per 10 s.
    #[test]
    fn grants_follow_the_sliding_window() {
        let limiter = limiter(2, 3);
        let start = Instant::now();
        let table: &[(u64, RateClass, u64)] = &[
            (0, RateClass::Read, 0),
            (1, RateClass::Read, 0),
            (2, RateClass::Read, 0),
            (3, RateClass::Read, 7), // waits for the read at 0 to leave (at 10)
            (3, RateClass::Read, 8), // then the one at 1 (at 11)
            (3, RateClass::Create, 0), // the buckets are separate
            (3, RateClass::Create, 0),
            (4, RateClass::Create, 9), // the create at 3 leaves at 13
            (25, RateClass::Read, 0),  // everything has left
            (25, RateClass::Create, 0),
        ];
        for (i, (at, class, wait)) in table.iter().enumerate() {
            let got = limiter.reserve(*class, start + secs(*at));
            assert_eq!(got, secs(*wait), "row {i}: {class:?} at {at}s");
        }
    }

    #[test]
    fn a_request_counts_from_its_answer() {
        let limiter = limiter(1, 1);
        let start = Instant::now();
        assert_eq!(limiter.reserve(RateClass::Read, start), Duration::ZERO);
        // The answer came 3 s later: the next slot is 10 s after that, not after the send.
        limiter.complete(RateClass::Read, start, start + secs(3));
        assert_eq!(limiter.reserve(RateClass::Read, start + secs(3)), secs(10));
        // Completing a grant that is not counted changes nothing.
        limiter.complete(RateClass::Create, start, start + secs(5));
        assert_eq!(limiter.reserve(RateClass::Create, start), Duration::ZERO);
    }

    #[test]
    fn clones_share_the_count() {
        let a = limiter(1, 1);
        let b = a.clone();
        let now = Instant::now();
        assert_eq!(a.reserve(RateClass::Read, now), Duration::ZERO);
        assert_eq!(b.reserve(RateClass::Read, now), secs(10));
    }

    #[test]
    fn a_lower_remaining_from_the_server_is_taken() {
        let limiter = limiter(1, 5);
        let now = Instant::now();
        assert_eq!(limiter.reserve(RateClass::Read, now), Duration::ZERO);
        // We count 4 left; the server says 1 (another process spent 3).
        limiter.observe(
            RateClass::Read,
            &headers(&[("x-ratelimit-limit", "5"), ("x-ratelimit-remaining", "1")]),
            now,
        );
        assert_eq!(limiter.reserve(RateClass::Read, now), Duration::ZERO);
        assert_eq!(limiter.reserve(RateClass::Read, now), secs(10));
        // A higher remaining never loosens the count.
        limiter.observe(
            RateClass::Read,
            &headers(&[("x-ratelimit-remaining", "900")]),
            now,
        );
        assert_eq!(limiter.reserve(RateClass::Read, now), secs(10));
    }

    #[test]
    fn remaining_zero_holds_the_bucket_until_the_reset() {
        let limiter = limiter(10, 10);
        let now = Instant::now();
        limiter.observe(
            RateClass::Create,
            &headers(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "30")]),
            now,
        );
        assert_eq!(limiter.reserve(RateClass::Create, now), secs(30));
        assert_eq!(limiter.reserve(RateClass::Read, now), Duration::ZERO);
        // No reset: one slot's time (10 s / 10).
        let limiter = limiter_with_no_reset(now);
        assert_eq!(limiter.reserve(RateClass::Read, now), secs(1));
        // Headers without the counts change nothing.
        let quiet = self::limiter(1, 1);
        quiet.observe(
            RateClass::Read,
            &headers(&[("x-ratelimit-limit", "5")]),
            now,
        );
        assert_eq!(quiet.reserve(RateClass::Read, now), Duration::ZERO);
    }

    fn limiter_with_no_reset(now: Instant) -> RateLimiter {
        let limiter = limiter(10, 10);
        limiter.observe(
            RateClass::Read,
            &headers(&[("x-ratelimit-remaining", "0")]),
            now,
        );
        limiter
    }

    /// Whatever the order of calls, no window ever holds more grants than the limit.
    #[test]
    fn no_window_exceeds_the_limit() {
        let limiter = limiter(3, 3);
        let start = Instant::now();
        let mut rng = fastrand::Rng::with_seed(7);
        let mut now = start;
        let mut grants = Vec::new();
        for _ in 0..500 {
            now += Duration::from_millis(rng.u64(0..2_000));
            grants.push(now + limiter.reserve(RateClass::Read, now));
        }
        grants.sort();
        for (i, first) in grants.iter().enumerate() {
            let within = grants[i..]
                .iter()
                .take_while(|at| **at < *first + secs(10))
                .count();
            assert!(within <= 3, "{within} grants in the window from grant {i}");
        }
    }
}
