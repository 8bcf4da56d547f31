//! Crash safety, for real: a worker process starts a payment and is killed with SIGKILL while
//! its request is in flight; a new process on the same journal recovers it and reruns it, and
//! Push holds exactly one intent.
//!
//! `cargo run --example crash_safe` (the blocking client with its `journal` feature, the
//! emulator on loopback, the journal in a temporary SQLite file).

use std::{process::Command, time::Duration};

use push_mock::{DEFAULT_TOKEN, EmulatorConfig, Fault, FaultConfig, MockServer};
use push_ureq::{
    Client, CreateIntent, Currency, Direction, http::Method, push_journal::EntryState,
};

const KEY: &str = "order-2026-12-03-0042";

fn client(base_url: &str, journal: &str) -> Result<Client, push_ureq::Error> {
    Client::builder()
        .token(DEFAULT_TOKEN)
        .base_url(base_url)
        .journal(journal)
        .build()
}

fn payment() -> CreateIntent {
    CreateIntent::builder()
        .user_id("user_crash_safe")
        .amount(12_500)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .idempotency_key(KEY) // the reference: what this program would retry by
        .build()
        .expect("a valid payment")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() == Some("worker") {
        // The worker: pays, and is killed before the answer arrives.
        let (base_url, journal) = (
            args.next().unwrap_or_default(),
            args.next().unwrap_or_default(),
        );
        let client = client(&base_url, &journal)?;
        let _ = client.create_intent(payment());
        return Ok(());
    }

    let server = MockServer::start_in_background(EmulatorConfig {
        faults: FaultConfig {
            stall: Duration::from_secs(3),
            ..FaultConfig::default()
        },
        ..EmulatorConfig::default()
    })?;
    let dir = std::env::temp_dir().join(format!("push-crash-safe-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let journal = dir.join("journal.sqlite3").to_string_lossy().into_owned();

    // The intent is made, then the answer stalls: the worker is mid-request when it dies.
    server
        .emulator()
        .fault_next(Method::POST, "/intent", Fault::StallBody);
    let mut worker = Command::new(std::env::current_exe()?)
        .args(["worker", &server.base_url(), &journal])
        .spawn()?;
    std::thread::sleep(Duration::from_millis(700));
    worker.kill()?; // SIGKILL
    worker.wait()?;
    println!(
        "worker killed mid-request; Push holds {} intent(s)",
        server.emulator().intent_count()
    );

    // A new process: the journal remembers the payment, in doubt.
    let client = client(&server.base_url(), &journal)?;
    let journal_handle = client.journal()?.expect("a journal is configured");
    let entry = journal_handle
        .entry(KEY)?
        .expect("written ahead before the request left");
    println!(
        "journal: {} {} ({})",
        entry.call.reference, entry.call.operation, entry.state
    );
    assert!(entry.state.is_in_doubt());

    // Recovery resends it with its idempotency key: Push answers the intent it made.
    for recovered in client.recover()? {
        println!(
            "recovered: {} -> {} {}",
            recovered.entry.call.reference,
            recovered.entry.state,
            recovered.entry.result_id.as_deref().unwrap_or("-")
        );
        assert_eq!(recovered.entry.state, EntryState::Done);
    }

    // The program's own rerun of the payment answers from the journal: nothing is sent.
    let requests = server.emulator().stats().requests;
    let again = client.send_journaled(payment())?;
    assert!(again.replayed);
    assert_eq!(server.emulator().stats().requests, requests);
    assert_eq!(server.emulator().intent_count(), 1, "paid exactly once");
    println!(
        "rerun answered from the journal: {} (paid exactly once)",
        again.value.id
    );

    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
