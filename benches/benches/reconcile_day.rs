//! A day of 10,000 approved intents settled in 20 transfers (20 settlement accounts),
//! reconciled three ways through the blocking client over the in-memory emulator: the reads it
//! takes (the emulator's own request counter, which must agree with the report's) and the peak
//! heap while it runs (dhat). Exits non-zero past 400 reads or 64 MiB.
//!
//! `cargo bench -p push-benches --bench reconcile_day`

use std::time::{Duration, Instant};

use push_core::{ClientBuilder, reconcile::ReconcileOptions};
use push_mock::{DEFAULT_TOKEN, Emulator, EmulatorConfig, MemoryTransport};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

const INTENTS: usize = 10_000;
const TRANSFERS: usize = 20;
const PAGE: usize = 100;
const READ_BUDGET: u64 = 400;
const MEMORY_BUDGET: usize = 64 << 20;

fn main() {
    // Under `cargo test --benches` (no `--bench` flag) this is a smoke run: a smaller day.
    let intents = if std::env::args().any(|a| a == "--bench") {
        INTENTS
    } else {
        INTENTS / 10
    };
    let emulator = Emulator::new(EmulatorConfig {
        page_size: PAGE,
        ..EmulatorConfig::default()
    });
    // Start the day at noon UTC, so the whole day's volume is made on one day.
    let now = emulator.now();
    let noon = (now.date_naive() + chrono::Days::new(1))
        .and_hms_opt(12, 0, 0)
        .unwrap()
        .and_utc();
    emulator
        .advance(Duration::from_secs((noon - now).num_seconds() as u64))
        .unwrap();
    let day = emulator.now().date_naive();
    emulator.seed_approved(intents, TRANSFERS);
    // Three days on, every intent of the day is due and netted.
    let made = emulator.advance(Duration::from_secs(3 * 86_400)).unwrap();
    assert_eq!(made, TRANSFERS, "one transfer per account");
    let config = ClientBuilder::new()
        .token(DEFAULT_TOKEN)
        .base_url("http://127.0.0.1:1")
        .build()
        .unwrap();
    let client = push_ureq::Client::with_transport(config, MemoryTransport::new(emulator.clone()));

    let _profiler = dhat::Profiler::builder().testing().build();
    let start = dhat::HeapStats::get();
    let requests = emulator.stats().requests;
    let started = Instant::now();
    let report = client.reconcile(day, ReconcileOptions::new()).unwrap();
    let took = started.elapsed();
    let reads = emulator.stats().requests - requests;
    let peak = dhat::HeapStats::get().max_bytes - start.curr_bytes;

    assert_eq!(report.reads.total, reads, "the report counts every request");
    assert_eq!(report.transfers.len(), TRANSFERS);
    assert!(
        report.transfers.iter().all(|t| t.ok),
        "{:?}",
        report.transfers
    );
    assert_eq!(report.settled, intents);
    assert!(report.is_ok(), "{} discrepancies", report.discrepancies());
    println!(
        "reconcile_day: {intents} approved intents in {TRANSFERS} transfers: {reads} reads \
         (budget {READ_BUDGET}; {:?}), peak heap {:.1} MiB (budget 64 MiB; emulator's pages \
         included), {:.2} s under dhat",
        report.reads.by_route,
        peak as f64 / f64::from(1 << 20),
        took.as_secs_f64()
    );
    assert!(reads <= READ_BUDGET, "{reads} reads (budget {READ_BUDGET})");
    assert!(
        peak <= MEMORY_BUDGET,
        "peak heap {peak} B (budget {MEMORY_BUDGET} B)"
    );
}
