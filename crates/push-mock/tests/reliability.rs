//! Fault-injection proof that nothing is lost or doubled, through both clients over real HTTP.
//! Every loop is bounded in count; every server is on 127.0.0.1.

use std::{collections::HashMap, time::Duration};

use futures_util::{StreamExt, TryStreamExt, stream};
use push_core::{
    Authorize, ClientBuilder, CreateIntent, Currency, Direction, Error, FromConfig, IntentId,
    ListIntents, retry::RetryPolicy,
};
use push_mock::{DEFAULT_TOKEN, Emulator, EmulatorConfig, Fault, FaultConfig, MockServer};

const CALLS: usize = 2_000;
const FAULT_RATE: f64 = 0.2;
/// A call that failed is retried with its own key at most this often.
const MAX_RECOVERY: usize = 50;

fn builder<C: FromConfig>(server: &MockServer) -> ClientBuilder<C> {
    ClientBuilder::new()
        .token(DEFAULT_TOKEN)
        .base_url(&server.base_url())
        .timeout(Duration::from_secs(5))
        // Real backoff shape, shrunk so 2,000 calls take seconds.
        .retry_policy(
            RetryPolicy::default()
                .with_base_delay(Duration::from_millis(1))
                .with_max_delay(Duration::from_millis(4)),
        )
}

fn faults(seed: u64) -> EmulatorConfig {
    EmulatorConfig {
        faults: FaultConfig::new(FAULT_RATE, seed),
        ..EmulatorConfig::default()
    }
}

fn create(n: usize) -> CreateIntent {
    CreateIntent::builder()
        .user_id(format!("user_{n:05}"))
        .amount(100 + n as i64)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .build()
        .unwrap()
}

/// Exactly one intent per logical call, none twice, none lost; each call's id is the one the
/// emulator holds for its key.
fn assert_exactly_once(emulator: &Emulator, ids: &HashMap<String, IntentId>) {
    let intents = emulator.intents();
    assert_eq!(intents.len(), CALLS, "one intent per logical call");
    let mut by_key: HashMap<String, IntentId> = HashMap::new();
    for intent in &intents {
        let key = intent.idempotency_key.clone().expect("created with a key");
        assert!(
            by_key.insert(key, intent.id.clone()).is_none(),
            "an idempotency key created two intents"
        );
    }
    assert_eq!(by_key.len(), CALLS);
    for (key, id) in ids {
        assert_eq!(
            by_key.get(key),
            Some(id),
            "the id returned for {key} is not the one held"
        );
    }
    let stats = emulator.stats();
    let injected: u64 = stats.faults.values().sum();
    assert!(
        stats
            .faults
            .get(&Fault::CloseAfterCommit)
            .copied()
            .unwrap_or(0)
            > 0,
        "close-after-commit was injected"
    );
    assert!(
        injected as f64 > 0.1 * CALLS as f64,
        "faults were injected ({injected})"
    );
    println!(
        "{CALLS} calls, {} requests, {injected} faults injected: {:?}",
        stats.requests, stats.faults
    );
}

/// Errors that a fault explains: the injected statuses, or a dropped connection.
fn is_injected(err: &Error) -> bool {
    matches!(err.status().map(|s| s.as_u16()), Some(500 | 503 | 429))
        || matches!(err, Error::Transport(_))
}

#[test]
fn blocking_client_creates_each_intent_exactly_once_under_faults() {
    let server = MockServer::start_in_background(faults(11)).unwrap();
    let client: push_ureq::Client = builder(&server).build().unwrap();
    let (mut ids, mut failed_first) = (HashMap::new(), 0);
    for n in 0..CALLS {
        let op = create(n);
        let key = op.idempotency_key().to_string();
        let mut result = client.create_intent(op.clone());
        if result.is_err() {
            failed_first += 1;
        }
        for _ in 0..MAX_RECOVERY {
            let Err(err) = &result else { break };
            assert!(is_injected(err), "{err:?}");
            assert_eq!(
                err.idempotency_key().map(|k| k.to_string()),
                Some(key.clone())
            );
            result = client.create_intent(op.clone());
        }
        ids.insert(key, result.expect("recovered with the same key").id);
    }
    println!(
        "blocking: {failed_first} calls failed after their retries and were recovered with their key"
    );
    assert_exactly_once(server.emulator(), &ids);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_client_creates_each_intent_exactly_once_under_faults() {
    let server = MockServer::start(faults(12)).await.unwrap();
    let client: push_hyper::Client = builder(&server).build().unwrap();
    let results: Vec<(String, IntentId)> = stream::iter(0..CALLS)
        .map(|n| {
            let client = client.clone();
            async move {
                let op = create(n);
                let key = op.idempotency_key().to_string();
                let mut result = client.create_intent(op.clone()).await;
                for _ in 0..MAX_RECOVERY {
                    let Err(err) = &result else { break };
                    assert!(is_injected(err), "{err:?}");
                    result = client.create_intent(op.clone()).await;
                }
                (key, result.expect("recovered with the same key").id)
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    assert_exactly_once(server.emulator(), &results.into_iter().collect());
}

fn authorize(n: usize) -> Authorize {
    Authorize::builder()
        .amount(100 + (n as i64 % 50) * 100)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .credential_id(format!("cred_{n:05}"))
        .build()
        .unwrap()
}

#[test]
fn authorize_with_a_credential_never_makes_two_intents_per_call() {
    const AUTHORIZE_CALLS: usize = 500;
    let server = MockServer::start_in_background(faults(13)).unwrap();
    let client: push_ureq::Client = builder(&server).build().unwrap();
    let mut succeeded = 0;
    for n in 0..AUTHORIZE_CALLS {
        match client.authorize(authorize(n)) {
            Ok(_) => succeeded += 1,
            Err(err) => assert!(is_injected(&err), "{err:?}"),
        }
    }
    let stats = server.emulator().stats();
    // Each call reached the server exactly once: no call was ever repeated.
    assert_eq!(stats.requests, AUTHORIZE_CALLS as u64);
    assert!(stats.authorizations <= AUTHORIZE_CALLS as u64);
    assert!(succeeded as u64 <= stats.authorizations);
    assert!(succeeded < AUTHORIZE_CALLS, "faults made some calls fail");
    println!(
        "authorize: {succeeded} of {AUTHORIZE_CALLS} succeeded, {} intents created",
        stats.authorizations
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_ten_thousand_intents_returns_each_once_in_order() {
    let emulator = Emulator::new(EmulatorConfig {
        page_size: 100,
        ..EmulatorConfig::default()
    });
    emulator.seed_intents(10_000);
    let server = MockServer::bind(emulator, 0).await.unwrap();
    let expected: Vec<IntentId> = server
        .emulator()
        .intents()
        .into_iter()
        .rev()
        .map(|i| i.id)
        .collect();

    let client: push_hyper::Client = builder(&server).build().unwrap();
    let listed: Vec<IntentId> = client
        .list_all_intents(ListIntents::default())
        .map_ok(|i| i.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed, expected);

    let blocking: push_ureq::Client = builder(&server).build().unwrap();
    let listed = tokio::task::spawn_blocking(move || {
        blocking
            .list_all_intents(ListIntents::default())
            .map(|i| i.map(|i| i.id))
            .collect::<Result<Vec<_>, _>>()
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(listed, expected);
    assert_eq!(
        server.emulator().stats().requests,
        200,
        "100 pages for each client"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_tasks_share_one_client_for_ten_thousand_calls() {
    const TASKS: usize = 64;
    const PER_TASK: usize = 10_000 / TASKS + 1;
    let server = MockServer::start(EmulatorConfig {
        faults: FaultConfig::new(0.05, 14),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let client: push_hyper::Client = builder(&server).build().unwrap();
    let seed = client.create_intent(create(0)).await.unwrap().id;
    let tasks: Vec<_> = (0..TASKS)
        .map(|task| {
            let (client, seed) = (client.clone(), seed.clone());
            tokio::spawn(async move {
                let mut errors = Vec::new();
                for n in 0..PER_TASK {
                    let result = match n % 3 {
                        0 => client
                            .create_intent(create(task * PER_TASK + n))
                            .await
                            .map(drop),
                        1 => client.get_intent(seed.clone()).await.map(drop),
                        _ => client.list_intents(ListIntents::default()).await.map(drop),
                    };
                    if let Err(err) = result {
                        errors.push(err);
                    }
                }
                errors
            })
        })
        .collect();
    let mut errors = Vec::new();
    for task in tasks {
        errors.extend(task.await.unwrap());
    }
    let stats = server.emulator().stats();
    let injected: u64 = stats.faults.values().sum();
    assert!(
        errors.iter().all(is_injected),
        "{:?}",
        errors.iter().find(|e| !is_injected(e))
    );
    assert!(
        (errors.len() as u64) < injected.max(1),
        "{} errors, {injected} faults",
        errors.len()
    );
    assert!(stats.requests >= (TASKS * PER_TASK) as u64);
    println!(
        "{} calls from {TASKS} tasks: {} errors, {injected} faults injected",
        TASKS * PER_TASK,
        errors.len()
    );
}
