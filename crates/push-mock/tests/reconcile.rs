//! `client.reconcile(day, options)` against the emulator: both clients reach the same verdict
//! (the emulator, an independent oracle, made the discrepancies), and with the rate limiter on
//! a long reconciliation paces itself and meets no 429.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use push_core::{ClientBuilder, Config, RateLimits, reconcile::ReconcileOptions};
use push_mock::{
    DEFAULT_TOKEN, Discrepancy, Emulator, EmulatorConfig, MemoryTransport, MockServer,
    RateLimitRules,
};

fn config(base_url: &str) -> Config {
    ClientBuilder::new()
        .token(DEFAULT_TOKEN)
        .base_url(base_url)
        .max_retries(0)
        .build()
        .unwrap()
}

/// A day of `intents` approved intents over `accounts` accounts, then `days` on the clock.
fn day_of(emulator: &Emulator, intents: usize, accounts: usize) -> chrono::NaiveDate {
    let now = emulator.now();
    let noon = (now.date_naive() + chrono::Days::new(1))
        .and_hms_opt(12, 0, 0)
        .unwrap()
        .and_utc();
    emulator
        .advance(Duration::from_secs((noon - now).num_seconds() as u64))
        .unwrap();
    let day = emulator.now().date_naive();
    emulator.seed_approved(intents, accounts);
    day
}

#[test]
fn both_clients_reach_the_emulator_s_verdict() {
    let emulator = Emulator::new(EmulatorConfig {
        page_size: 7,
        ..EmulatorConfig::default()
    });
    let day = day_of(&emulator, 40, 2);
    emulator.inject_discrepancy(Discrepancy::Unsettled);
    emulator.inject_discrepancy(Discrepancy::DoubleNetted);
    let unknown = emulator
        .inject_discrepancy(Discrepancy::UnknownIntent)
        .unwrap();
    emulator.advance(Duration::from_secs(3 * 86_400)).unwrap();

    let blocking = push_ureq::Client::with_transport(
        config("http://127.0.0.1:1"),
        MemoryTransport::new(emulator.clone()),
    );
    let report = blocking.reconcile(day, ReconcileOptions::new()).unwrap();
    assert_eq!(report.transfers.len(), 2);
    assert_eq!(report.unsettled.len(), 1, "{:?}", report.unsettled);
    let problems: Vec<&str> = report
        .transfers
        .iter()
        .flat_map(|t| t.problems.iter().map(|p| p.kind()))
        .collect();
    assert_eq!(problems, ["double_netted"]);
    // 41 approved intents (the unknown one too): one held out of every transfer, 40 netted
    // by one transfer each (the double netting is inside one transfer: its check finds it).
    assert_eq!(report.settled, 40);
    assert!(report.unsettled.iter().all(|u| u.intent != unknown));
    assert_eq!(report.discrepancies(), 2);

    let asynchronous = push_hyper::Client::with_transport(
        config("http://127.0.0.1:1"),
        MemoryTransport::new(emulator.clone()),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    // Spawned: the future is Send, as a multi-threaded runtime needs.
    let again = runtime
        .block_on(async move {
            tokio::spawn(async move { asynchronous.reconcile(day, ReconcileOptions::new()).await })
                .await
        })
        .unwrap()
        .unwrap();
    assert_eq!(again, report, "the same reads, the same verdict");
}

#[test]
fn a_long_reconciliation_under_the_limiter_meets_no_429() {
    let server = MockServer::start_in_background(EmulatorConfig::default()).unwrap();
    let day = day_of(server.emulator(), 300, 3);
    server
        .emulator()
        .advance(Duration::from_secs(3 * 86_400))
        .unwrap();
    let window = Duration::from_millis(200);
    server.emulator().enforce_rate_limits(RateLimitRules {
        creates: 100,
        reads: 25,
        window,
    });
    let client: push_ureq::Client = ClientBuilder::new()
        .token(DEFAULT_TOKEN)
        .base_url(&server.base_url())
        .max_retries(0)
        .rate_limits(RateLimits::new(100, 25, window))
        .build()
        .unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let before = server.emulator().stats().requests;
    let report = client
        .reconcile(
            day,
            ReconcileOptions::new().progress(move |p| sink.lock().unwrap().push(p.clone())),
        )
        .unwrap();
    let stats = server.emulator().stats();
    assert_eq!(stats.rate_limited, 0, "paced, never refused");
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.settled, 300);
    // Over 25 reads a window: the job took several windows.
    assert!(report.reads.total > 50, "{:?}", report.reads);
    assert_eq!(stats.requests - before, report.reads.total);
    let seen = seen.lock().unwrap();
    assert_eq!(
        seen.len() as u64,
        report.reads.total,
        "a progress call per read"
    );
    assert!(
        seen.iter()
            .all(|p| p.reads_left.is_some_and(|left| left < 25))
    );
}
