//! Each fault behaves as documented over real HTTP, and authorize replays on `token`.

use std::time::{Duration, Instant};

use push_core::{Authorize, AuthorizeOutcome, ClientBuilder, Currency, Direction, Error};
use push_mock::{DEFAULT_TOKEN, EmulatorConfig, Fault, FaultConfig, MockServer};

fn server(fault: Fault) -> MockServer {
    let faults = FaultConfig {
        stall: Duration::from_secs(3),
        ..FaultConfig::new(1.0, 1).with_kinds([fault])
    };
    MockServer::start_in_background(EmulatorConfig {
        faults,
        ..EmulatorConfig::default()
    })
    .unwrap()
}

fn client(server: &MockServer) -> push_ureq::Client {
    ClientBuilder::new()
        .token(DEFAULT_TOKEN)
        .base_url(&server.base_url())
        .timeout(Duration::from_millis(500))
        .max_retries(0)
        .build()
        .unwrap()
}

#[test]
fn a_stalled_body_times_out_after_the_request_took_effect() {
    let server = server(Fault::StallBody);
    let started = Instant::now();
    let err = client(&server)
        .list_intents(Default::default())
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_slow_body_still_arrives_whole() {
    let server = server(Fault::SlowBody);
    server.emulator().seed_intents(3);
    let page = client(&server).list_intents(Default::default()).unwrap();
    assert_eq!(page.data.len(), 3);
}

#[test]
fn close_after_commit_keeps_the_effect_and_loses_the_answer() {
    let server = server(Fault::CloseAfterCommit);
    let op = Authorize::builder()
        .amount(100)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .credential_id("cred_1")
        .build()
        .unwrap();
    let err = client(&server).authorize(op).unwrap_err();
    assert!(
        matches!(err, Error::Transport(_)) && err.may_have_reached_server(),
        "{err:?}"
    );
    assert_eq!(server.emulator().stats().authorizations, 1);
}

#[test]
fn authorize_with_the_same_token_replays_and_creates_nothing_more() {
    let server = MockServer::start_in_background(EmulatorConfig::default()).unwrap();
    let client = client(&server);
    let op = || {
        Authorize::builder()
            .amount(1003)
            .currency(Currency::Usd)
            .direction(Direction::CashIn)
            .token("token_same")
            .build()
            .unwrap()
    };
    let first = client.authorize(op()).unwrap();
    let second = client.authorize(op()).unwrap();
    assert!(matches!(first, AuthorizeOutcome::Declined(_)));
    assert_eq!(first, second);
    let stats = server.emulator().stats();
    assert_eq!(
        (stats.authorizations, stats.requests_per_token["token_same"]),
        (1, 2)
    );
    let different = Authorize::builder()
        .amount(2000)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .token("token_same")
        .build()
        .unwrap();
    let err = client.authorize(different).unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409), "{err:?}");
}
