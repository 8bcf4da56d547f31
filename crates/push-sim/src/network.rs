//! The simulated network between the client and the emulator: every fault a real one makes,
//! drawn from the seed. It never sleeps: it says how long an exchange took, and each driver
//! spends that time on its own clock (the simulated clock, or tokio's paused one).

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use bytes::Bytes;
use push_core::{
    Timeouts,
    rate_limit::RateClass,
    transport::{Request, Response, TransportError},
};
use push_mock::{Delivery, Emulator};

/// How often and how badly the network misbehaves, for one seed.
#[derive(Debug, Clone, Copy)]
pub struct FaultProfile {
    /// The share of exchanges that get a fault, 0.0 to 1.0.
    pub rate: f64,
    /// Whether answers may carry `X-RateLimit-*` values of the server's own (absurd ones
    /// included: `Remaining: 0` with a reset in milliseconds, a day, `u64::MAX`).
    pub rate_headers: bool,
    /// The slowest answer, a timeout's worth or more.
    pub max_latency: Duration,
}

/// One exchange as the network saw it.
#[derive(Debug, Clone)]
pub struct Sent {
    /// When the request was handed to the network.
    pub at: Instant,
    /// When its answer (or failure) came back; `None` while in flight, or if its caller was
    /// cancelled before it did.
    pub answered: Option<Instant>,
    /// The bucket it counts against.
    pub class: RateClass,
    /// Whether it was a write the emulator answered with a success: it took effect.
    pub committed: bool,
    /// Method, path and the fault drawn, for the report of a failing seed.
    pub what: String,
}

#[derive(Debug, Default)]
struct Log {
    sent: Vec<Sent>,
    /// A `Remaining` value lower than the client's own count was injected at some point.
    spent_elsewhere: bool,
}

/// The network: the emulator behind seeded faults. Cheap to clone (shared state).
#[derive(Debug, Clone)]
pub struct Network {
    emulator: Emulator,
    profile: FaultProfile,
    rng: Arc<Mutex<fastrand::Rng>>,
    log: Arc<Mutex<Log>>,
}

/// `Retry-After` values a server may send, sane and absurd.
const RETRY_AFTER: &[&str] = &["0", "1", "3", "30", "86400", "1e12", "-1", "soon", ""];
/// `X-RateLimit-Reset` values: seconds, epoch seconds, epoch milliseconds, nonsense.
const RESET: &[&str] = &[
    "1",
    "30",
    "3600",
    "86400",
    "1445412485",
    "1445412485000",
    "18446744073709551615",
    "-5",
];
/// `X-RateLimit-Remaining` values.
const REMAINING: &[&str] = &["0", "1", "5", "999", "4294967295", "-1", "x"];

/// What the network does to one request, drawn before it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    /// Refused before any byte left.
    NotSent,
    /// 503 before the request took effect.
    Unavailable,
    /// 429 with drawn `Retry-After` / `X-RateLimit-*` values, before the effect.
    TooMany,
    /// The request took effect; the answer was lost.
    LostAnswer,
    /// The request took effect; the answer is a 500.
    ErrorAfterCommit,
    /// The request took effect; the body is cut in half.
    Truncated,
    /// The request took effect; the answer is slower than any timeout.
    Slow,
}

const FAULTS: [Fault; 7] = [
    Fault::NotSent,
    Fault::Unavailable,
    Fault::TooMany,
    Fault::LostAnswer,
    Fault::ErrorAfterCommit,
    Fault::Truncated,
    Fault::Slow,
];

impl Network {
    /// A network in front of `emulator`, with faults drawn from `seed`.
    pub fn new(emulator: Emulator, profile: FaultProfile, seed: u64) -> Self {
        Self {
            emulator,
            profile,
            rng: Arc::new(Mutex::new(fastrand::Rng::with_seed(seed))),
            log: Arc::default(),
        }
    }

    /// The emulator.
    pub fn emulator(&self) -> &Emulator {
        &self.emulator
    }

    /// Every exchange so far.
    pub fn sent(&self) -> Vec<Sent> {
        self.log
            .lock()
            .map(|log| log.sent.clone())
            .unwrap_or_default()
    }

    /// How many exchanges so far: a call's own start in [`Network::sent`].
    pub fn exchanges(&self) -> usize {
        self.log
            .lock()
            .map(|log| log.sent.len())
            .unwrap_or_default()
    }

    /// Whether a lower `Remaining` than the client's count was ever injected (the client then
    /// rightly counts requests it never sent).
    pub fn spent_elsewhere(&self) -> bool {
        self.log.lock().is_ok_and(|log| log.spent_elsewhere)
    }

    /// The answer to exchange `index` came back at `at` (the async driver calls it when its
    /// sleep ends; a cancelled caller never does).
    pub fn answered(&self, index: usize, at: Instant) {
        if let Ok(mut log) = self.log.lock()
            && let Some(sent) = log.sent.get_mut(index)
        {
            sent.answered = Some(at);
        }
    }

    fn draw<T>(&self, draw: impl FnOnce(&mut fastrand::Rng) -> T) -> T {
        let mut rng = self
            .rng
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        draw(&mut rng)
    }

    /// Sends `request` at `now`: the result, how long it took (never more than the attempt's
    /// timeout), and its index in the log. The emulator acts at once; the caller spends the
    /// time.
    pub fn exchange(
        &self,
        request: Request,
        now: Instant,
    ) -> (Result<Response, TransportError>, Duration, usize) {
        let timeout = request
            .extensions()
            .get::<Timeouts>()
            .map_or(Duration::from_secs(30), |timeouts| timeouts.request);
        let class = RateClass::of(request.method());
        let fault = self.draw(|rng| {
            if rng.f64() < self.profile.rate {
                FAULTS[rng.usize(..FAULTS.len())]
            } else {
                Fault::None
            }
        });
        let max = self.profile.max_latency.as_millis().max(1) as u64;
        let mut latency = self.draw(|rng| Duration::from_millis(rng.u64(0..=max.min(2_000))));
        if fault == Fault::Slow {
            latency = self.draw(|rng| Duration::from_millis(rng.u64(0..=max)));
        }
        let index = {
            let mut log = self.log.lock().unwrap_or_else(|p| p.into_inner());
            log.sent.push(Sent {
                at: now,
                answered: None,
                class,
                committed: false,
                what: format!(
                    "{} {} {fault:?} {}ms (timeout {}ms)",
                    request.method(),
                    request.uri().path(),
                    latency.as_millis(),
                    timeout.as_millis()
                ),
            });
            log.sent.len() - 1
        };
        let result = self.deliver(request, fault, index);
        // A request that took longer than its timeout is cut at it: sent, outcome unknown.
        let (result, took) = if latency > timeout {
            let reached = !matches!(fault, Fault::NotSent);
            (Err(TransportError::timeout(reached)), timeout)
        } else {
            (result, latency)
        };
        (result, took, index)
    }

    fn deliver(
        &self,
        request: Request,
        fault: Fault,
        index: usize,
    ) -> Result<Response, TransportError> {
        match fault {
            Fault::NotSent => {
                return Err(TransportError::connect(std::io::Error::other(
                    "connection refused (simulated)",
                )));
            }
            Fault::Unavailable => {
                return Ok(status(503, "{\"message\":\"unavailable (simulated)\"}"));
            }
            Fault::TooMany => {
                let mut response = status(429, "{\"message\":\"rate limited (simulated)\"}");
                self.stamp_rate_headers(&mut response, true);
                return Ok(response);
            }
            _ => {}
        }
        let writes = RateClass::of(request.method()) == RateClass::Create;
        let delivery = self.emulator.handle(request);
        let Delivery::Respond(mut response) = delivery else {
            // The emulator's own faults are off in the simulation.
            return Err(TransportError::io(std::io::Error::other("emulator fault")));
        };
        // A write answered with a success took effect (a read's success is no effect).
        if writes && response.status().is_success() {
            self.commit(index);
        }
        match fault {
            Fault::LostAnswer => Err(TransportError::io(std::io::Error::other(
                "connection reset after the request (simulated)",
            ))),
            Fault::ErrorAfterCommit => Ok(status(500, "{\"message\":\"internal (simulated)\"}")),
            Fault::Truncated => {
                let body = response.body().clone();
                *response.body_mut() = body.slice(..body.len() / 2);
                Ok(response)
            }
            _ => {
                if self.profile.rate_headers && self.draw(|rng| rng.u8(..8) == 0) {
                    self.stamp_rate_headers(&mut response, false);
                }
                Ok(response)
            }
        }
    }

    fn commit(&self, index: usize) {
        if let Ok(mut log) = self.log.lock()
            && let Some(sent) = log.sent.get_mut(index)
        {
            sent.committed = true;
        }
    }

    /// Drawn `Retry-After` and `X-RateLimit-*` headers (a 429 always gets a `Retry-After`).
    fn stamp_rate_headers(&self, response: &mut Response, retry_after: bool) {
        let (after, reset, remaining, limit) = self.draw(|rng| {
            (
                RETRY_AFTER[rng.usize(..RETRY_AFTER.len())],
                RESET[rng.usize(..RESET.len())],
                REMAINING[rng.usize(..REMAINING.len())],
                rng.u32(..),
            )
        });
        let headers = response.headers_mut();
        if retry_after && let Ok(value) = after.parse() {
            headers.insert(http::header::RETRY_AFTER, value);
        }
        let mut put = |name: &'static str, value: String| {
            if let Ok(value) = value.parse() {
                headers.insert(name, value);
            }
        };
        put("x-ratelimit-limit", limit.to_string());
        put("x-ratelimit-remaining", remaining.to_owned());
        put("x-ratelimit-reset", reset.to_owned());
        put("date", "Wed, 21 Oct 2015 07:28:00 GMT".to_owned());
        if let Ok(mut log) = self.log.lock() {
            log.spent_elsewhere = true;
        }
    }
}

fn status(code: u16, body: &'static str) -> Response {
    let mut response = http::Response::new(Bytes::from_static(body.as_bytes()));
    *response.status_mut() = http::StatusCode::from_u16(code).unwrap_or_default();
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}
