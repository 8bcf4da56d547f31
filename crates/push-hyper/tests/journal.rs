//! The write-ahead journal in the async client: a lost answer is resolved by the rerun, never
//! resent blindly; recovery settles a credential authorize; and on PostgreSQL (a real server
//! this test starts on loopback, through tokio-postgres) 8 clients paying the same 50
//! references at once on a single-threaded runtime make 50 intents, each reported alike: the
//! journal never blocks the executor (a blocked thread would stall the waiting clients, and
//! with them the one they wait for).

#[path = "../../push-journal/tests/pg/mod.rs"]
mod pg;

use push_hyper::{
    Authorize, Client, ClientBuilder, Config, CreateIntent, Currency, Direction, http::Method,
    push_journal::EntryState,
};
use push_mock::{DEFAULT_TOKEN, Emulator, EmulatorConfig, Fault, MemoryTransport};

fn client(journal: &str, emulator: &Emulator) -> Client<MemoryTransport> {
    let config = ClientBuilder::<Config>::new()
        .token(DEFAULT_TOKEN)
        .max_retries(0)
        .journal(journal)
        .build()
        .unwrap();
    Client::with_transport(config, MemoryTransport::new(emulator.clone()))
}

fn intent(key: &str, amount: i64) -> CreateIntent {
    CreateIntent::builder()
        .user_id("user_async")
        .amount(amount)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .idempotency_key(key)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn a_lost_answer_is_resolved_and_a_credential_authorize_recovered() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite3");
    let emulator = Emulator::new(EmulatorConfig::default());
    let client = client(path.to_str().unwrap(), &emulator);
    client.check_journal().await.unwrap();

    emulator.fault_next(Method::POST, "/intent", Fault::CloseAfterCommit);
    assert!(
        client
            .create_intent(intent("a-1", 700))
            .await
            .unwrap_err()
            .is_outcome_unknown()
    );
    let created = client.create_intent(intent("a-1", 700)).await.unwrap();
    assert_eq!(emulator.intent_count(), 1);
    let requests = emulator.stats().requests;
    let again = client.send_journaled(intent("a-1", 700)).await.unwrap();
    assert!(again.replayed);
    assert_eq!(again.value, created);
    assert_eq!(emulator.stats().requests, requests);

    emulator.fault_next(Method::POST, "/authorize", Fault::CloseAfterCommit);
    let pay = Authorize::builder()
        .amount(8_123)
        .currency(Currency::Usd)
        .direction(Direction::CashOut)
        .credential_id("cred_async")
        .tag("async-pay")
        .build()
        .unwrap();
    assert!(client.authorize(pay).await.is_err());
    let report = client.recover().await.unwrap();
    assert_eq!(report.len(), 1);
    assert_eq!(report[0].entry.state, EntryState::Done);
    let journal = client.journal().await.unwrap().unwrap();
    assert!(journal.entries(true).await.unwrap().is_empty());
}

#[tokio::test(flavor = "current_thread")]
async fn eight_clients_pay_the_same_references_once_through_postgres() {
    let database = pg::Server::start();
    let emulator = Emulator::new(EmulatorConfig::default());
    let url = database.uri();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let client = client(&url, &emulator);
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for n in 0..50 {
                let created = client
                    .create_intent(intent(&format!("pg-{n}"), 100 + n))
                    .await
                    .unwrap();
                ids.push(created.id.as_str().to_owned());
            }
            ids
        }));
    }
    let mut first: Option<Vec<String>> = None;
    for task in tasks {
        let ids = task.await.unwrap();
        match &first {
            Some(first) => assert_eq!(&ids, first, "every client got the same intents"),
            None => first = Some(ids),
        }
    }
    assert_eq!(emulator.intent_count(), 50);
    drop(database);
}
