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
//! // The third read waits for the first to leave the window (counted per 128th of a window,
//! // so up to one 128th longer).
//! let wait = limiter.reserve(RateClass::Read, now);
//! assert!(wait >= Duration::from_secs(60) && wait < Duration::from_secs(61));
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

    fn limit_u32(&self, class: RateClass) -> u32 {
        let limit = match class {
            RateClass::Create => self.create,
            RateClass::Read => self.read,
        };
        limit.max(1)
    }
}

impl Default for RateLimits {
    fn default() -> Self {
        Self::published()
    }
}

/// How many sub-windows a window is counted in: the limiter's memory per bucket, whatever the
/// limit (a grant counts until its whole sub-window has left the window, so a wait can be up
/// to one sub-window, a 128th of the window, longer than an exact log would make it).
pub const SLOTS: u32 = 128;

/// The shared count (see the [module](self)). Cheap to clone; clones share the count.
///
/// Grants are counted per sub-window ([`SLOTS`] to a window): memory is O(1) in the limit,
/// and no window ever holds more grants than the limit.
#[derive(Clone)]
pub struct RateLimiter {
    limits: RateLimits,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    /// Time zero of the sub-window indices (the first time the limiter was asked anything).
    origin: Option<Instant>,
    buckets: [Bucket; 2],
}

#[derive(Default)]
struct Bucket {
    /// (sub-window index, grants counted in it), ascending, no zero counts.
    slots: VecDeque<(u64, u64)>,
    /// No grant before this (the server said `Remaining: 0`).
    held_until: Option<Instant>,
}

impl Bucket {
    fn counted(&self, from: u64) -> u64 {
        self.slots
            .iter()
            .filter(|(index, _)| *index >= from)
            .fold(0u64, |sum, (_, count)| sum.saturating_add(*count))
    }

    fn add(&mut self, index: u64, count: u64) {
        let position = self.slots.partition_point(|(at, _)| *at < index);
        match self.slots.get_mut(position) {
            Some((at, counted)) if *at == index => *counted = counted.saturating_add(count),
            _ => self.slots.insert(position, (index, count)),
        }
    }

    /// Takes one grant out of sub-window `index`; false when none is counted there.
    fn remove(&mut self, index: u64) -> bool {
        let position = self.slots.partition_point(|(at, _)| *at < index);
        match self.slots.get_mut(position) {
            Some((at, counted)) if *at == index => {
                *counted -= 1;
                if *counted == 0 {
                    self.slots.remove(position);
                }
                true
            }
            _ => false,
        }
    }
}

/// Sub-window arithmetic for one window length.
#[derive(Debug, Clone, Copy)]
struct Clock {
    origin: Instant,
    /// Nanoseconds per sub-window (at least one); `SLOTS` of them cover the window.
    slot: u128,
}

impl Clock {
    fn new(origin: Instant, window: Duration) -> Self {
        Self {
            origin,
            slot: window.as_nanos().div_ceil(u128::from(SLOTS)).max(1),
        }
    }

    fn index(&self, at: Instant) -> u64 {
        let since = at.saturating_duration_since(self.origin).as_nanos();
        u64::try_from(since / self.slot).unwrap_or(u64::MAX)
    }

    /// The start of sub-window `index`; `None` past what an `Instant` holds (never).
    fn start(&self, index: u64) -> Option<Instant> {
        let nanos = self.slot.checked_mul(u128::from(index))?;
        let secs = u64::try_from(nanos / 1_000_000_000).ok()?;
        // In range: a remainder of a division by 10^9.
        let sub = (nanos % 1_000_000_000) as u32;
        self.origin.checked_add(Duration::new(secs, sub))
    }
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.lock();
        let counted = |bucket: &Bucket| bucket.counted(0);
        f.debug_struct("RateLimiter")
            .field("limits", &self.limits)
            .field("creates_counted", &counted(&state.buckets[0]))
            .field("reads_counted", &counted(&state.buckets[1]))
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

    /// The bucket of `class` and the clock of its sub-windows, the origin set on first use.
    fn bucket<'a>(
        &self,
        state: &'a mut State,
        class: RateClass,
        now: Instant,
    ) -> (&'a mut Bucket, Clock) {
        let origin = *state.origin.get_or_insert(now);
        (
            &mut state.buckets[class.index()],
            Clock::new(origin, self.limits.window),
        )
    }

    /// Grants the next request of `class` a slot and says how long to wait for it (zero: send
    /// now; [`Duration::MAX`]: never, the window holds the limit for longer than time can be
    /// told). The slot is counted from now on, so call it once per request, right before
    /// sleeping and sending, and give it back with [`RateLimiter::release`] if the request is
    /// not sent after all.
    pub fn reserve(&self, class: RateClass, now: Instant) -> Duration {
        let limit = u64::from(self.limits.limit_u32(class));
        let mut state = self.lock();
        let (bucket, clock) = self.bucket(&mut state, class, now);
        // Sub-windows that no window from now on can reach are forgotten.
        let oldest = clock.index(now).saturating_sub(u64::from(SLOTS));
        while bucket
            .slots
            .front()
            .is_some_and(|(index, _)| *index < oldest)
        {
            bucket.slots.pop_front();
        }
        let mut at = now;
        if let Some(held) = bucket.held_until {
            at = at.max(held);
        }
        // Grants go out in sub-window order: the newest counted one is a floor.
        if let Some(start) = bucket
            .slots
            .back()
            .and_then(|(index, _)| clock.start(*index))
        {
            at = at.max(start);
        }
        // Each round moves `at` past the sub-windows that must leave; the count only falls, so
        // this ends within as many rounds as there are counted sub-windows.
        for _ in 0..=bucket.slots.len() {
            let index = clock.index(at);
            let from = index.saturating_sub(u64::from(SLOTS));
            let counted = bucket.counted(from);
            if counted < limit {
                bucket.add(index, 1);
                return at.saturating_duration_since(now);
            }
            let mut excess = counted - limit + 1;
            let mut leaving = from;
            for (slot, count) in bucket.slots.iter().filter(|(slot, _)| *slot >= from) {
                leaving = *slot;
                if *count >= excess {
                    break;
                }
                excess -= count;
            }
            let next = leaving.saturating_add(u64::from(SLOTS) + 1);
            match clock.start(next) {
                Some(start) if start > at => at = start,
                _ => return Duration::MAX,
            }
        }
        Duration::MAX
    }

    /// Gives back a slot [`RateLimiter::reserve`] granted at `granted` for a request that was
    /// never sent (its call was cancelled, or gave up before its wait ended).
    pub fn release(&self, class: RateClass, granted: Instant) {
        let mut state = self.lock();
        let (bucket, clock) = self.bucket(&mut state, class, granted);
        bucket.remove(clock.index(granted));
    }

    /// The request granted at `granted` (`now` + the wait [`RateLimiter::reserve`] gave) got
    /// its answer, or failed, at `now`: it counts from `now` on, since the server may have
    /// counted it as late as that.
    pub fn complete(&self, class: RateClass, granted: Instant, now: Instant) {
        let mut state = self.lock();
        let (bucket, clock) = self.bucket(&mut state, class, now);
        if bucket.remove(clock.index(granted)) {
            bucket.add(clock.index(now.max(granted)), 1);
        }
    }

    /// How many grants of `class` the limiter counts in the window ending at `now` (one
    /// sub-window more, as it counts): for tests, simulations and metrics.
    pub fn counted(&self, class: RateClass, now: Instant) -> u64 {
        let mut state = self.lock();
        let (bucket, clock) = self.bucket(&mut state, class, now);
        bucket.counted(clock.index(now).saturating_sub(u64::from(SLOTS)))
    }

    /// How many entries the limiter holds, both buckets: its memory, which stays within
    /// `2 * (SLOTS + 1)` plus one per caller waiting for a slot, whatever the limits.
    pub fn entries(&self) -> usize {
        let state = self.lock();
        state.buckets.iter().map(|bucket| bucket.slots.len()).sum()
    }

    /// Takes what a response of a `class` request said about the server's count.
    pub fn observe(&self, class: RateClass, headers: &HeaderMap, now: Instant) {
        let reported = RateLimit::from_headers(headers);
        let Some(remaining) = reported.remaining else {
            return;
        };
        let window = self.limits.window;
        let limit = u64::from(self.limits.limit_u32(class));
        let mut state = self.lock();
        let (bucket, clock) = self.bucket(&mut state, class, now);
        if remaining == 0 {
            // Until the reset the server gave, else the time one slot takes to free up; never
            // longer than a window (a reset in milliseconds, or a day, is the server's slip).
            let slot = window / self.limits.limit_u32(class);
            let wait = crate::retry::parse_retry_after(headers)
                .unwrap_or(slot)
                .min(window);
            let until = now.checked_add(wait).unwrap_or(now);
            let held = &mut bucket.held_until;
            *held = Some(held.map_or(until, |held| held.max(until)));
            return;
        }
        let counted = bucket.counted(clock.index(now).saturating_sub(u64::from(SLOTS)));
        let ours = limit.saturating_sub(counted);
        if remaining < ours {
            // Someone else spent the difference in this window: count it as spent now, in one
            // entry however large.
            bucket.add(clock.index(now), ours - remaining);
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

    /// One sub-window of a 10 s window: how much later than an exact log a grant may be.
    fn slot() -> Duration {
        secs(10) / SLOTS
    }

    /// `got` is `expected`, or later by less than a sub-window (never earlier).
    #[track_caller]
    fn about(got: Duration, expected: Duration, what: &str) {
        assert!(
            got >= expected && got <= expected + slot(),
            "{what}: waited {got:?}, expected {expected:?} (+ up to {:?})",
            slot()
        );
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
            about(got, secs(*wait), &format!("row {i}: {class:?} at {at}s"));
        }
    }

    #[test]
    fn a_request_counts_from_its_answer() {
        let limiter = limiter(1, 1);
        let start = Instant::now();
        assert_eq!(limiter.reserve(RateClass::Read, start), Duration::ZERO);
        // The answer came 3 s later: the next slot is 10 s after that, not after the send.
        limiter.complete(RateClass::Read, start, start + secs(3));
        about(
            limiter.reserve(RateClass::Read, start + secs(3)),
            secs(10),
            "after the answer",
        );
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
        about(b.reserve(RateClass::Read, now), secs(10), "the clone");
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
        about(limiter.reserve(RateClass::Read, now), secs(10), "spent");
        // A higher remaining never loosens the count.
        limiter.observe(
            RateClass::Read,
            &headers(&[("x-ratelimit-remaining", "900")]),
            now,
        );
        about(
            limiter.reserve(RateClass::Read, now),
            secs(10),
            "still spent",
        );
    }

    #[test]
    fn remaining_zero_holds_the_bucket_until_the_reset() {
        let limiter = limiter(10, 10);
        let now = Instant::now();
        limiter.observe(
            RateClass::Create,
            &headers(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "3")]),
            now,
        );
        assert_eq!(limiter.reserve(RateClass::Create, now), secs(3));
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

    /// Regression (issue 22 B8): one header held every later call for a day. A hold never
    /// outlasts the window, whatever the reset or its unit.
    #[test]
    fn a_hold_never_outlasts_the_window() {
        let now = Instant::now();
        for reset in ["86400", "1445412485000", "18446744073709551615", "30"] {
            let limiter = limiter(10, 10);
            limiter.observe(
                RateClass::Read,
                &headers(&[
                    ("x-ratelimit-remaining", "0"),
                    ("x-ratelimit-reset", reset),
                    ("date", "Wed, 21 Oct 2015 07:28:00 GMT"),
                ]),
                now,
            );
            let wait = limiter.reserve(RateClass::Read, now);
            assert!(wait <= secs(10), "reset {reset}: held {wait:?}");
        }
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

    /// Regression (issue 22 B9): one `Remaining` header inserted one entry per missing slot
    /// (1.9 GB at a limit of 10^8, an abort at u32::MAX). Memory no longer follows the limit.
    #[test]
    fn memory_does_not_follow_the_limit() {
        let limiter = RateLimiter::new(RateLimits::new(u32::MAX, u32::MAX, secs(3_600)));
        let now = Instant::now();
        assert_eq!(limiter.reserve(RateClass::Read, now), Duration::ZERO);
        for step in 0..1_000u64 {
            let at = now + Duration::from_millis(step * 10);
            limiter.observe(
                RateClass::Read,
                &headers(&[("x-ratelimit-remaining", "5")]),
                at,
            );
        }
        let state = limiter.lock();
        let entries = state.buckets[1].slots.len();
        assert!(entries <= SLOTS as usize + 1, "{entries} entries");
        drop(state);
        // The server said 5 were left: the sixth read waits.
        let at = now + secs(10);
        for _ in 0..5 {
            assert_eq!(limiter.reserve(RateClass::Read, at), Duration::ZERO);
        }
        assert!(limiter.reserve(RateClass::Read, at) > Duration::ZERO);
    }

    /// Regression (issue 22 B9): a window of `Duration::MAX` silently switched the limiter off.
    #[test]
    fn an_endless_window_still_limits() {
        let limiter = RateLimiter::new(RateLimits::new(2, 2, Duration::MAX));
        let now = Instant::now();
        assert_eq!(limiter.reserve(RateClass::Create, now), Duration::ZERO);
        assert_eq!(limiter.reserve(RateClass::Create, now), Duration::ZERO);
        assert_eq!(limiter.reserve(RateClass::Create, now), Duration::MAX);
        assert_eq!(
            limiter.reserve(RateClass::Create, now + secs(1_000_000)),
            Duration::MAX
        );
    }

    /// Regression (issue 22 B11): five cancelled reads under 1 per 2 s pushed the next read
    /// 10 s out. A slot given back is free again.
    #[test]
    fn a_released_slot_is_free_again() {
        let limiter = RateLimiter::new(RateLimits::new(1, 1, secs(2)));
        let now = Instant::now();
        assert_eq!(limiter.reserve(RateClass::Read, now), Duration::ZERO);
        for _ in 0..5 {
            let wait = limiter.reserve(RateClass::Read, now);
            assert!(wait > Duration::ZERO);
            limiter.release(RateClass::Read, now + wait);
        }
        let wait = limiter.reserve(RateClass::Read, now);
        assert!(wait <= secs(2) + secs(2) / SLOTS, "{wait:?}");
        // Releasing what was never granted changes nothing.
        limiter.release(RateClass::Create, now);
        assert_eq!(limiter.reserve(RateClass::Create, now), Duration::ZERO);
    }

    /// Whatever the order of calls (grants, answers, cancellations), no window ever holds
    /// more grants than the limit.
    #[test]
    fn no_window_exceeds_the_limit() {
        for seed in 0..50 {
            let limiter = limiter(3, 3);
            let start = Instant::now();
            let mut rng = fastrand::Rng::with_seed(seed);
            let mut now = start;
            let mut grants = Vec::new();
            for _ in 0..300 {
                now += Duration::from_millis(rng.u64(0..2_000));
                let granted = now + limiter.reserve(RateClass::Read, now);
                if rng.u8(0..5) == 0 {
                    limiter.release(RateClass::Read, granted);
                } else {
                    grants.push(granted);
                }
            }
            grants.sort();
            for (i, first) in grants.iter().enumerate() {
                let within = grants[i..]
                    .iter()
                    .take_while(|at| **at < *first + secs(10))
                    .count();
                assert!(
                    within <= 3,
                    "seed {seed}: {within} grants in the window from grant {i}"
                );
            }
        }
    }
}
