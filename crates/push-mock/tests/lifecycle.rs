//! Manual review (approve, cancel, with transitions enforced) through both clients, and
//! webhooks delivered by the emulator to a loopback receiver, verified by push-core.

use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use push_core::{
    ApprovalMode, Authorize, AuthorizeOutcome, ClientBuilder, CreateIntent, Currency, Direction,
    Error, IntentChange, IntentStatus, WebhookError, WebhookEvent, WebhookSecret, webhook,
};
use push_mock::{
    Action, DEFAULT_TOKEN, EmulatorConfig, Fault, MockServer, Recorded, Reply, ScriptedServer,
};

const SECRET: &str = "whsec_a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6";

fn create(direction: Direction, manual: bool) -> CreateIntent {
    let mut builder = CreateIntent::builder()
        .user_id("user_1")
        .amount(2500)
        .currency(Currency::Usd)
        .direction(direction);
    if manual {
        builder = builder.approval_mode(ApprovalMode::Manual);
    }
    builder.build().unwrap()
}

fn status_of(change: &IntentChange) -> IntentStatus {
    change
        .intent()
        .expect("the emulator answers with the intent")
        .status
        .clone()
}

fn conflict(err: Error) -> String {
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409), "{err:?}");
    err.api_error().unwrap().message.clone().unwrap()
}

#[test]
fn manual_review_through_the_blocking_client() {
    let server = MockServer::start_in_background(EmulatorConfig::default()).unwrap();
    let client: push_ureq::Client = ClientBuilder::new()
        .token(DEFAULT_TOKEN)
        .base_url(&server.base_url())
        .build()
        .unwrap();

    let held = client
        .create_intent(create(Direction::CashOut, true))
        .unwrap()
        .id;
    assert_eq!(
        client.get_intent(held.clone()).unwrap().status,
        IntentStatus::Pending
    );
    let approved = client.approve_intent(held.clone()).unwrap();
    assert_eq!(
        (approved.id(), status_of(&approved)),
        (&held, IntentStatus::Approved)
    );
    assert!(
        conflict(client.approve_intent(held.clone()).unwrap_err())
            .contains("only a pending intent")
    );
    assert!(conflict(client.cancel_intent(held.clone()).unwrap_err()).contains("approved"));

    let other = client
        .create_intent(create(Direction::CashOut, true))
        .unwrap()
        .id;
    assert_eq!(
        status_of(&client.cancel_intent(other.clone()).unwrap()),
        IntentStatus::Canceled
    );
    conflict(client.cancel_intent(other.clone()).unwrap_err());
    conflict(client.approve_intent(other).unwrap_err());

    let automatic = client
        .create_intent(create(Direction::CashIn, false))
        .unwrap()
        .id;
    conflict(client.approve_intent(automatic.clone()).unwrap_err());
    assert_eq!(
        status_of(&client.cancel_intent(automatic).unwrap()),
        IntentStatus::Canceled
    );

    assert!(matches!(
        client.approve_intent("intent_missing").unwrap_err(),
        Error::NotFound(_)
    ));
    // A 409 is final for a transition: each refused call was sent once.
    assert_eq!(
        server.emulator().stats().requests,
        13,
        "13 calls, 13 requests"
    );
}

/// Regression: an approve whose answer was lost after the emulator committed it was retried,
/// refused with 409, and reported as a failure although the intent was approved.
#[test]
fn a_transition_whose_answer_was_lost_succeeds_through_the_blocking_client() {
    let server = MockServer::start_in_background(EmulatorConfig::default()).unwrap();
    let client: push_ureq::Client = ClientBuilder::new()
        .token(DEFAULT_TOKEN)
        .base_url(&server.base_url())
        .jitter(push_core::retry::Jitter::fixed(0.0))
        .build()
        .unwrap();
    for (action, state) in [
        ("/approve", IntentStatus::Approved),
        ("/cancel", IntentStatus::Canceled),
    ] {
        let id = client
            .create_intent(create(Direction::CashOut, true))
            .unwrap()
            .id;
        let before = server.emulator().stats().requests;
        server
            .emulator()
            .fault_next(http::Method::POST, action, Fault::CloseAfterCommit);
        let change = if action == "/approve" {
            client.approve_intent(id.clone())
        } else {
            client.cancel_intent(id.clone())
        }
        .unwrap();
        assert_eq!((change.id(), status_of(&change)), (&id, state.clone()));
        let stats = server.emulator().stats();
        assert_eq!(
            stats.faults[&Fault::CloseAfterCommit],
            if action == "/approve" { 1 } else { 2 }
        );
        assert_eq!(
            stats.requests - before,
            3,
            "the lost one, the refused retry, the read"
        );
        assert_eq!(client.get_intent(id).unwrap().status, state);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transition_whose_answer_was_lost_succeeds_through_the_async_client() {
    let server = MockServer::start(EmulatorConfig::default()).await.unwrap();
    let client: push_hyper::Client = ClientBuilder::new()
        .token(DEFAULT_TOKEN)
        .base_url(&server.base_url())
        .jitter(push_core::retry::Jitter::fixed(0.0))
        .build()
        .unwrap();
    let id = client
        .create_intent(create(Direction::CashOut, true))
        .await
        .unwrap()
        .id;
    server
        .emulator()
        .fault_next(http::Method::POST, "/approve", Fault::CloseAfterCommit);
    let change = client.approve_intent(id.clone()).await.unwrap();
    assert_eq!(status_of(&change), IntentStatus::Approved);
    // The same loss on a cancel that Push refuses for another reason stays a refusal.
    server
        .emulator()
        .fault_next(http::Method::POST, "/cancel", Fault::CloseAfterCommit);
    let err = client.cancel_intent(id).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
    assert!(
        !err.is_outcome_unknown(),
        "the read showed the intent approved: {err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manual_review_through_the_async_client() {
    let server = MockServer::start(EmulatorConfig::default()).await.unwrap();
    let client: push_hyper::Client = ClientBuilder::new()
        .token(DEFAULT_TOKEN)
        .base_url(&server.base_url())
        .build()
        .unwrap();
    let held = client
        .create_intent(create(Direction::CashOut, true))
        .await
        .unwrap()
        .id;
    assert_eq!(
        status_of(&client.approve_intent(held.clone()).await.unwrap()),
        IntentStatus::Approved
    );
    conflict(client.cancel_intent(held).await.unwrap_err());
    let other = client
        .create_intent(create(Direction::CashOut, true))
        .await
        .unwrap()
        .id;
    assert_eq!(
        status_of(&client.cancel_intent(other.clone()).await.unwrap()),
        IntentStatus::Canceled
    );
    conflict(client.approve_intent(other).await.unwrap_err());
}

fn headers_of(request: &Recorded) -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    for (name, value) in &request.headers {
        headers.append(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    headers
}

/// Waits (bounded) until the receiver has `count` requests.
fn received(receiver: &ScriptedServer, count: usize) -> Vec<Recorded> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while receiver.requests().len() < count && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let requests = receiver.requests();
    assert_eq!(requests.len(), count, "webhooks received");
    requests
}

#[test]
fn webhooks_round_trip_signed_and_refused_when_tampered_wrong_or_stale() {
    let receiver = ScriptedServer::start((0..4).map(|_| Action::Respond(Reply::new(200)))).unwrap();
    let hook_url = format!("{}/hooks/push", receiver.base_url());
    let server = MockServer::start_in_background(EmulatorConfig::default()).unwrap();
    let client: push_ureq::Client = ClientBuilder::new()
        .token(DEFAULT_TOKEN)
        .base_url(&server.base_url())
        .build()
        .unwrap();
    let secret = WebhookSecret::new(SECRET).unwrap();
    let authorize = |amount: i64, direction: Direction, manual: bool| {
        let mut builder = Authorize::builder()
            .amount(amount)
            .currency(Currency::Usd)
            .direction(direction)
            .token(format!("token_{amount}"))
            .webhook_url(hook_url.as_str())
            .webhook_secret(secret.clone())
            .tag(format!("order-{amount}"));
        if manual {
            builder = builder.approval_mode(ApprovalMode::Manual);
        }
        client.authorize(builder.build().unwrap()).unwrap()
    };

    let approved = authorize(1000, Direction::CashIn, false);
    let declined = authorize(1003, Direction::CashIn, false);
    let requests = received(&receiver, 2);
    let now = Utc::now();
    let events: Vec<WebhookEvent> = requests
        .iter()
        .map(|r| {
            assert_eq!(r.method, "POST");
            assert_eq!(r.path(), "/hooks/push");
            webhook::verify_and_parse(&secret, &headers_of(r), &r.body, now).unwrap()
        })
        .collect();
    let by_type = |t: &str| {
        events
            .iter()
            .find(|e| e.event_type() == t)
            .unwrap_or_else(|| panic!("no {t}: {events:?}"))
    };
    let approved_event = by_type("intent.approved");
    assert!(matches!(
        approved_event,
        WebhookEvent::IntentApproved { .. }
    ));
    assert_eq!(&approved_event.intent().unwrap().id, approved.intent_id());
    assert_eq!(
        approved_event.intent().unwrap().tag.as_deref(),
        Some("order-1000")
    );
    assert_eq!(approved_event.intent().unwrap().amount, Some(1000));
    let declined_event = by_type("intent.declined");
    assert_eq!(&declined_event.intent().unwrap().id, declined.intent_id());
    assert_eq!(
        declined_event
            .intent()
            .unwrap()
            .decline_category
            .as_ref()
            .unwrap()
            .as_str(),
        "fraud_risk"
    );

    // Refusals: a tampered body, a wrong secret, a stale timestamp.
    let request = &requests[0];
    let mut tampered = request.body.clone();
    let at = tampered.iter().position(|b| b.is_ascii_digit()).unwrap();
    tampered[at] = if tampered[at] == b'9' {
        b'8'
    } else {
        tampered[at] + 1
    };
    let err = webhook::verify_and_parse(&secret, &headers_of(request), &tampered, now).unwrap_err();
    assert!(matches!(err, WebhookError::SignatureMismatch), "{err:?}");
    let wrong = WebhookSecret::new("whsec_not_the_secret_that_signed_this_one").unwrap();
    let err =
        webhook::verify_and_parse(&wrong, &headers_of(request), &request.body, now).unwrap_err();
    assert!(matches!(err, WebhookError::SignatureMismatch), "{err:?}");
    let later = now + TimeDelta::minutes(6);
    let err =
        webhook::verify_and_parse(&secret, &headers_of(request), &request.body, later).unwrap_err();
    assert!(
        matches!(err, WebhookError::TimestampTooOld { .. }),
        "{err:?}"
    );

    // Manual approval: no webhook while pending, `intent.approved` once the operator approves.
    // The emulator queues a webhook synchronously while answering, so its counter, read after
    // the answer, says whether one is on its way: no waiting gates this negative assertion.
    let queued = server.emulator().stats().webhooks_queued;
    let held = authorize(2000, Direction::CashOut, true);
    assert_eq!(
        server.emulator().stats().webhooks_queued,
        queued,
        "a pending intent sends nothing yet"
    );
    client.approve_intent(held.intent_id().clone()).unwrap();
    let requests = received(&receiver, 3);
    let event = webhook::verify_and_parse(
        &secret,
        &headers_of(&requests[2]),
        &requests[2].body,
        Utc::now(),
    )
    .unwrap();
    assert_eq!(event.event_type(), "intent.approved");
    assert_eq!(&event.intent().unwrap().id, held.intent_id());
    assert!(matches!(approved, AuthorizeOutcome::Approved(_)));
    // The emulator counts a delivery once the receiver's answer is back: wait for it (bounded).
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.emulator().stats().webhooks_delivered < 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(server.emulator().stats().webhooks_delivered, 3);
}

#[test]
fn a_request_without_a_secret_gets_unsigned_webhooks() {
    let receiver = ScriptedServer::start([Action::Respond(Reply::new(200))]).unwrap();
    let server = MockServer::start_in_background(EmulatorConfig::default()).unwrap();
    let client: push_ureq::Client = ClientBuilder::new()
        .token(DEFAULT_TOKEN)
        .base_url(&server.base_url())
        .build()
        .unwrap();
    let op = CreateIntent::builder()
        .user_id("user_1")
        .amount(700)
        .currency(Currency::Usd)
        .direction(Direction::CashOut)
        .approval_mode(ApprovalMode::Manual)
        .webhook_url(format!("{}/hooks", receiver.base_url()))
        .build()
        .unwrap();
    let id = client.create_intent(op).unwrap().id;
    client.approve_intent(id).unwrap();
    let requests = received(&receiver, 1);
    assert_eq!(requests[0].header("x-webhook-signature"), None);
    let secret = WebhookSecret::new(SECRET).unwrap();
    let err = webhook::verify_and_parse(
        &secret,
        &headers_of(&requests[0]),
        &requests[0].body,
        Utc::now(),
    )
    .unwrap_err();
    assert!(matches!(err, WebhookError::MissingSignature));
}

#[test]
fn the_in_memory_transport_keeps_webhooks_for_the_test_to_take() {
    let transport = push_mock::MemoryTransport::default();
    let config = ClientBuilder::new()
        .token(DEFAULT_TOKEN)
        .base_url("http://127.0.0.1:1")
        .build()
        .unwrap();
    let client = push_ureq::Client::with_transport(config, transport.clone());
    let secret = WebhookSecret::new(SECRET).unwrap();
    let op = Authorize::builder()
        .amount(1000)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .credential_id("cred_1")
        .webhook_url("https://shop.example/hooks")
        .webhook_secret(secret.clone())
        .build()
        .unwrap();
    client.authorize(op).unwrap();
    let outbox = transport.emulator().take_outbox();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].url, "https://shop.example/hooks");
    let mut headers = http::HeaderMap::new();
    headers.insert(
        "x-webhook-signature",
        outbox[0].signature.as_deref().unwrap().parse().unwrap(),
    );
    assert!(webhook::verify_and_parse(&secret, &headers, &outbox[0].body, Utc::now()).is_ok());
}
