//! Issue 14: the client-side rate limiter keeps a batch job under the limits the emulator
//! enforces, where the same job without it meets 429s.

use std::time::Duration;

use push_core::{ClientBuilder, Currency, Direction, Error, RateLimits};
use push_mock::{DEFAULT_TOKEN, EmulatorConfig, MockServer, RateLimitRules};

/// Push's read limit (1,000 a window) over a window short enough for a test.
const WINDOW: Duration = Duration::from_millis(300);

fn intent(client: &push_ureq::Client) -> String {
    let created = client
        .create_intent(
            push_core::CreateIntent::builder()
                .user_id("user_1")
                .amount(1450)
                .currency(Currency::Usd)
                .direction(Direction::CashIn)
                .build()
                .unwrap(),
        )
        .unwrap();
    created.id.to_string()
}

#[test]
fn a_2000_read_job_under_the_limiter_meets_no_429() {
    let server = MockServer::start_in_background(EmulatorConfig::default()).unwrap();
    server.emulator().enforce_rate_limits(RateLimitRules {
        creates: 100,
        reads: 1_000,
        window: WINDOW,
    });
    let client: push_ureq::Client = ClientBuilder::new()
        .token(DEFAULT_TOKEN)
        .base_url(&server.base_url())
        // A 429 would be an error, not a retry: the count below is every 429.
        .max_retries(0)
        .rate_limits(RateLimits::new(100, 1_000, WINDOW))
        .build()
        .unwrap();
    let id = intent(&client);
    let mut last = None;
    for _ in 0..2_000 {
        let read = client
            .send_with_meta(push_core::GetIntent::new(id.as_str()).unwrap())
            .unwrap();
        assert_eq!(read.value.id.as_str(), id);
        last = Some(read.meta);
    }
    let stats = server.emulator().stats();
    assert_eq!(stats.rate_limited, 0);
    assert_eq!(stats.requests, 2_001);
    // The emulator's headers reached the caller next to the value.
    let meta = last.unwrap();
    assert_eq!(meta.status, 200);
    assert_eq!(meta.rate_limit.limit, Some(1_000));
    assert!(meta.rate_limit.remaining.is_some());
    assert_eq!(meta.request_id.as_deref(), Some("req_push_mock"));
    assert_eq!(meta.attempts, 1);
}

#[test]
fn without_the_limiter_the_same_kind_of_job_meets_429s() {
    let server = MockServer::start_in_background(EmulatorConfig::default()).unwrap();
    server.emulator().enforce_rate_limits(RateLimitRules {
        creates: 100,
        reads: 50,
        window: Duration::from_secs(3_600),
    });
    let client: push_ureq::Client = ClientBuilder::new()
        .token(DEFAULT_TOKEN)
        .base_url(&server.base_url())
        .max_retries(0)
        .build()
        .unwrap();
    let id = intent(&client);
    let mut refused = None;
    for read in 1..=60 {
        if let Err(err) = client.get_intent(id.as_str()) {
            refused = Some((read, err));
            break;
        }
    }
    let (read, err) = refused.expect("the 51st read is refused");
    assert_eq!(read, 51);
    let Error::RateLimited(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.rate_limit.remaining, Some(0));
    assert_eq!(api.rate_limit.limit, Some(50));
    assert!(api.rate_limit.reset.is_some_and(|reset| reset > 3_000));
    assert_eq!(server.emulator().stats().rate_limited, 1);
}

/// The limiter fed by the server: a client that never saw the other client's reads learns
/// them from `X-RateLimit-Remaining` and waits instead of meeting a 429.
#[test]
fn a_second_client_on_the_same_key_learns_the_count_from_the_headers() {
    let server = MockServer::start_in_background(EmulatorConfig::default()).unwrap();
    let window = Duration::from_millis(400);
    server.emulator().enforce_rate_limits(RateLimitRules {
        creates: 100,
        reads: 20,
        window,
    });
    let build = || -> push_ureq::Client {
        ClientBuilder::new()
            .token(DEFAULT_TOKEN)
            .base_url(&server.base_url())
            .max_retries(0)
            .rate_limits(RateLimits::new(100, 20, window))
            .build()
            .unwrap()
    };
    let (first, second) = (build(), build());
    let id = intent(&first);
    for _ in 0..19 {
        first.get_intent(id.as_str()).unwrap();
    }
    // The second client's own count is empty: its first read says one is left.
    second.get_intent(id.as_str()).unwrap();
    for _ in 0..10 {
        second.get_intent(id.as_str()).unwrap();
    }
    assert_eq!(server.emulator().stats().rate_limited, 0);
}

/// The async client paces the same way (sleeping on tokio's timer), and its observer sees
/// every attempt.
#[tokio::test]
async fn the_async_client_paces_and_reports_each_attempt() {
    use std::sync::{Arc, Mutex};
    let emulator = push_mock::Emulator::default();
    let window = Duration::from_millis(150);
    emulator.enforce_rate_limits(RateLimitRules {
        creates: 100,
        reads: 10,
        window,
    });
    let statuses = Arc::new(Mutex::new(Vec::new()));
    let seen = statuses.clone();
    let config = ClientBuilder::<push_core::Config>::new()
        .token(DEFAULT_TOKEN)
        .max_retries(0)
        .rate_limits(RateLimits::new(100, 10, window))
        .observer(move |event: &push_core::AttemptEvent<'_>| {
            seen.lock()
                .unwrap()
                .push((event.path_template.to_owned(), event.outcome.to_string()));
        })
        .build()
        .unwrap();
    let client = push_hyper::Client::with_transport(
        config,
        push_mock::MemoryTransport::new(emulator.clone()),
    );
    for _ in 0..30 {
        let read = client
            .send_with_meta(push_core::GetIntent::new("intent_missing").unwrap())
            .await;
        // Not found, but never rate limited.
        assert_eq!(
            read.unwrap_err().status(),
            Some(http::StatusCode::NOT_FOUND)
        );
    }
    assert_eq!(emulator.stats().rate_limited, 0);
    let statuses = statuses.lock().unwrap();
    assert_eq!(statuses.len(), 30);
    assert!(
        statuses
            .iter()
            .all(|(path, status)| path == "/intent/{id}" && status == "404")
    );
}
