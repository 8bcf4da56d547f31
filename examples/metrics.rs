//! What a platform team wires in before production, on the blocking client against the
//! emulator with injected faults and Push's rate limits enforced (scaled to a 1-second window):
//! - an observer counting attempts per route and status (or error kind), as a metrics
//!   exporter would; it never sees headers or bodies;
//! - the client-side rate limiter, so a batch of reads meets no 429;
//! - `send_with_meta`: the request id and rate-limit values next to a value.
//!
//! Run it: `cargo run --example metrics`.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use push_mock::{DEFAULT_TOKEN, EmulatorConfig, FaultConfig, MockServer, RateLimitRules};
use push_ureq::{
    AttemptEvent, Client, CreateIntent, Currency, Direction, GetIntent, RateLimits,
    observe::AttemptDecision,
};

type Counts = Arc<Mutex<BTreeMap<(String, String), u32>>>;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // One request in five gets a fault (a 503, a dropped connection, a slow body...).
    let server = MockServer::start_in_background(EmulatorConfig {
        faults: FaultConfig::new(0.2, 7),
        ..EmulatorConfig::default()
    })?;
    let window = Duration::from_secs(1);
    server.emulator().enforce_rate_limits(RateLimitRules {
        creates: 100,
        reads: 50,
        window,
    });

    let counts: Counts = Arc::default();
    let retries = Arc::new(Mutex::new(0u32));
    let (seen, retried) = (counts.clone(), retries.clone());
    let client = Client::builder()
        .token(DEFAULT_TOKEN)
        .base_url(&server.base_url())
        .max_retries(5)
        .rate_limits(RateLimits::new(100, 50, window))
        .observer(move |event: &AttemptEvent<'_>| {
            let key = (
                format!("{} {}", event.method, event.path_template),
                event.outcome.to_string(),
            );
            *seen.lock().unwrap().entry(key).or_default() += 1;
            if let AttemptDecision::Retry { .. } = event.decision {
                *retried.lock().unwrap() += 1;
            }
        })
        .build()?;

    let intent = CreateIntent::builder()
        .user_id("user_1")
        .amount(1450)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .build()?;
    let id = client.create_intent(intent)?.id;
    let mut last = None;
    for _ in 0..120 {
        last = Some(client.send_with_meta(GetIntent::new(id.clone())?)?.meta);
    }
    let meta = last.ok_or("no reads")?;
    println!(
        "last read: status {}, request id {}, {} of {} reads left in the window, {} attempt(s)",
        meta.status,
        meta.request_id.as_deref().unwrap_or("-"),
        meta.rate_limit.remaining.unwrap_or_default(),
        meta.rate_limit.limit.unwrap_or_default(),
        meta.attempts,
    );

    println!("\nattempts per route and outcome:");
    for ((route, outcome), count) in counts.lock().unwrap().iter() {
        println!("  {route:<22} {outcome:<22} {count}");
    }
    println!("retries decided: {}", retries.lock().unwrap());
    let stats = server.emulator().stats();
    // Any 429 counted above is an injected fault; the enforced limits answered none.
    println!(
        "answered 429 by the enforced rate limits: {}",
        stats.rate_limited
    );
    assert_eq!(
        stats.rate_limited, 0,
        "the limiter kept the job under the limits"
    );
    Ok(())
}
