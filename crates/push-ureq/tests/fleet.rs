//! A fleet on one PostgreSQL journal: 8 processes pay the same 100 references at the same time
//! against one emulator. Push holds exactly 100 intents, and every process reports the same
//! intent for the same reference: of two workers claiming one reference, one sends and the
//! other waits for its answer (the claim is atomic in the database).
//!
//! The test starts a real PostgreSQL 15 server on loopback (stopped at the end) and the
//! emulator, then runs itself 8 times as a worker (`PUSH_FLEET_ROLE=worker`).

#[path = "../../push-journal/tests/pg/mod.rs"]
mod pg;

use std::{collections::HashMap, process::Command};

use push_mock::{DEFAULT_TOKEN, EmulatorConfig, MockServer};
use push_ureq::{Client, CreateIntent, Currency, Direction};

const WORKERS: usize = 8;
const REFERENCES: usize = 100;
const TEST: &str = "eight_processes_pay_the_same_100_references_once";

fn worker() {
    let base_url = std::env::var("PUSH_FLEET_BASE_URL").unwrap();
    let journal = std::env::var("PUSH_FLEET_JOURNAL").unwrap();
    let client = Client::builder()
        .token(DEFAULT_TOKEN)
        .base_url(&base_url)
        .journal(journal)
        .build()
        .unwrap();
    for n in 0..REFERENCES {
        let intent = CreateIntent::builder()
            .user_id("user_fleet")
            .amount(100 + n as i64)
            .currency(Currency::Usd)
            .direction(Direction::CashIn)
            .idempotency_key(format!("fleet-{n}"))
            .build()
            .unwrap();
        let created = client.create_intent(intent).unwrap();
        println!("FLEET fleet-{n} {}", created.id);
    }
}

#[test]
fn eight_processes_pay_the_same_100_references_once() {
    if std::env::var("PUSH_FLEET_ROLE").as_deref() == Ok("worker") {
        return worker();
    }
    let database = pg::Server::start();
    let server = MockServer::start_in_background(EmulatorConfig::default()).unwrap();
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            Command::new(std::env::current_exe().unwrap())
                .args(["--exact", TEST, "--nocapture", "--test-threads", "1"])
                .env("PUSH_FLEET_ROLE", "worker")
                .env("PUSH_FLEET_BASE_URL", server.base_url())
                .env("PUSH_FLEET_JOURNAL", database.uri())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut seen: HashMap<String, String> = HashMap::new();
    for worker in workers {
        // Bounded: each worker's calls have the client's deadline; a stuck one fails here.
        let out = worker.wait_with_output().unwrap();
        assert!(out.status.success(), "a worker failed");
        let lines: Vec<_> = String::from_utf8_lossy(&out.stdout)
            .lines()
            // libtest's own "test ... " may start the first line.
            .filter_map(|line| line.find("FLEET ").map(|at| line[at + 6..].to_owned()))
            .collect();
        assert_eq!(lines.len(), REFERENCES, "each worker pays every reference");
        for line in lines {
            let (reference, id) = line.split_once(' ').unwrap();
            let first = seen
                .entry(reference.to_owned())
                .or_insert_with(|| id.to_owned());
            assert_eq!(
                first, id,
                "two workers got different intents for {reference}"
            );
        }
    }
    assert_eq!(seen.len(), REFERENCES);
    assert_eq!(
        server.emulator().intent_count(),
        REFERENCES,
        "exactly one intent each"
    );
    assert_eq!(
        server.emulator().stats().intents_created as usize,
        REFERENCES
    );
    drop(server);
    drop(database);
}
