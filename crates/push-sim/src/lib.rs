//! A seeded, deterministic simulation of push-rs against the Push emulator, in the spirit of
//! FoundationDB's and TigerBeetle's simulators: time, the network and its faults are inputs,
//! so one seed replays one run exactly, and invariants are checked after every step.
//!
//! Each seed draws a configuration (driver, rate limiter on or off and its limits, retries,
//! fault rate, whether the server sends rate-limit headers of its own, absurd ones included),
//! then a sequence of operations over users, tokenize, authorize by token and by credential,
//! intents and their transitions, refunds, listings and webhook registration, each with a
//! drawn deadline, through a network that loses requests and answers, answers 5xx and 429
//! with any `Retry-After`, is slow and truncates bodies. The invariants (see
//! [`workload`]): at most one intent per idempotency key; every success names an object the
//! emulator holds, for the amount asked; an error after a write took effect says its outcome
//! is unknown, first; reads never do; no call outlives its deadline; the limiter never lets
//! more than its limit through a window, counts no slot that was not used, and its memory and
//! the pager's stay bounded; refunds stay within their intents; nothing panics.
//!
//! `PUSH_SIM_SEED=N cargo test -p push-sim` replays seed N; `PUSH_SIM_SEEDS=K` runs K seeds.
#![forbid(unsafe_code)]

pub mod drivers;
pub mod network;
pub mod workload;

use std::time::{Duration, Instant};

use push_core::{
    ApiToken, Config, Environment, RetryPolicy,
    rate_limit::{RateLimiter, RateLimits},
    retry::Jitter,
};
use push_mock::{DEFAULT_TOKEN, Emulator};

pub use drivers::{Driver, SimTransport};
pub use network::{FaultProfile, Network};
pub use workload::Violation;

/// Operations per seed.
pub const STEPS: usize = 24;

/// What one seed ran, for the summary line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Report {
    /// Requests the network carried.
    pub exchanges: usize,
    /// Whether the async driver ran it (else the call machine).
    pub async_driver: bool,
    /// Whether the rate limiter was on.
    pub limited: bool,
}

/// Runs seed `seed`: `Ok` with what it did, or the first broken invariant.
pub fn run(seed: u64) -> Result<Report, Violation> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let emulator = Emulator::default();
    let profile = FaultProfile {
        rate: [0.0, 0.05, 0.2, 0.5][rng.usize(..4)],
        rate_headers: rng.u8(..3) == 0,
        max_latency: Duration::from_millis(rng.u64(10..=60_000)),
    };
    let network = Network::new(emulator, profile, rng.u64(..));
    let limiter = rng.bool().then(|| {
        let window = Duration::from_millis(rng.u64(50..=7_200_000));
        // Small limits, and now and then one so large that only the server's count binds.
        let limit = |rng: &mut fastrand::Rng| match rng.u8(..10) {
            0 => u32::MAX,
            _ => rng.u32(1..=20),
        };
        RateLimiter::new(RateLimits::new(limit(&mut rng), limit(&mut rng), window))
    });
    let draws = std::sync::Mutex::new(fastrand::Rng::with_seed(rng.u64(..)));
    let jitter = Jitter::new(move || draws.lock().map_or(0.5, |mut rng| rng.f64()));
    let config = Config::new(
        ApiToken::new(DEFAULT_TOKEN).map_err(|e| violation(e.to_string()))?,
        Environment::base_url("http://127.0.0.1:4010").map_err(|e| violation(e.to_string()))?,
    )
    .with_retry_policy(RetryPolicy::default().with_max_retries(rng.u32(0..=4)))
    .with_jitter(jitter)
    .with_deadline(Duration::from_millis(rng.u64(50..=120_000)))
    .with_rate_limiter(limiter.clone());
    let async_driver = rng.bool();
    let mut driver = if async_driver {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .map_err(|e| violation(e.to_string()))?;
        let client = push_hyper::Client::with_transport(config, SimTransport(network.clone()));
        Driver::Async {
            client,
            runtime,
            network: network.clone(),
            rng: fastrand::Rng::with_seed(rng.u64(..)),
        }
    } else {
        Driver::Machine {
            config,
            network: network.clone(),
            now: Instant::now(),
        }
    };
    let mut workload = workload::Workload::new(
        &mut driver,
        network.clone(),
        limiter.clone(),
        fastrand::Rng::with_seed(rng.u64(..)),
    );
    workload.run(STEPS)?;
    Ok(Report {
        exchanges: network.exchanges(),
        async_driver,
        limited: limiter.is_some(),
    })
}

fn violation(what: String) -> Violation {
    Violation { step: 0, what }
}
