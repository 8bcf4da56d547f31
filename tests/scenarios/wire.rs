//! The wire scenarios, written once and run against both clients: `push-hyper/tests/wire.rs`
//! and `push-ureq/tests/wire.rs` include this file as a module, with `sdk` naming the client
//! crate and three macros bridging async and blocking: `wait!(call)` (`.await` or nothing),
//! `next!(stream)` and `collect!(stream)`. Each scenario is an `async fn`; the includer turns
//! the list at the end into tests (the blocking client's futures never wait).

use std::time::{Duration, Instant};

use push_mock::{Action, Reply, ScriptedServer, sample};

use super::sdk::{
    self, Authorize, AuthorizeOutcome, Client, CreateIntent, Currency, Direction, Error,
    IdempotencyKey, IntentStatus, ListIntents, ops::Raw, retry::Jitter,
    transport::TransportErrorKind,
};

const TOKEN: &str = "sk_test_wire_0123";

fn client(server: &ScriptedServer) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(&server.base_url())
        .jitter(Jitter::fixed(0.0))
        .build()
        .unwrap()
}

fn create() -> CreateIntent {
    CreateIntent::builder()
        .user_id("user_28CJjV7P4Go5PNJvfzghiD")
        .amount(1450)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .idempotency_key("order-1")
        .build()
        .unwrap()
}

fn respond(status: u16, body: impl Into<String>) -> Action {
    Action::Respond(Reply::json(status, body))
}

async fn exact_requests_on_the_wire() {
    let server = ScriptedServer::start([
        respond(
            200,
            r#"{"id":"intent_sandbox_1","url":"https://cdn.pushcash.com/ux/intent_sandbox_1"}"#,
        ),
        respond(200, sample::intent("intent_sandbox_1", 1450)),
        respond(200, sample::page(["intent_sandbox_1"], None)),
        respond(
            401,
            r#"{"id":"intent_sandbox_2","decline_category":"fraud_risk"}"#,
        ),
    ])
    .unwrap();
    let client = client(&server);
    assert_eq!(
        wait!(client.create_intent(create())).unwrap().id,
        "intent_sandbox_1"
    );
    assert_eq!(
        wait!(client.get_intent("intent_sandbox_1")).unwrap().status,
        IntentStatus::Approved
    );
    let list = ListIntents::builder()
        .status(IntentStatus::Approved)
        .status(IntentStatus::Pending)
        .build()
        .unwrap();
    assert_eq!(wait!(client.list_intents(list)).unwrap().data.len(), 1);
    let authorize = Authorize::builder()
        .amount(1000)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .credential_id("cred_7YlA9IiSl8UZvNwNSbFajV")
        .build()
        .unwrap();
    assert!(matches!(
        wait!(client.authorize(authorize)).unwrap(),
        AuthorizeOutcome::Declined(_)
    ));

    let requests = server.requests();
    let host = server.addr().to_string();
    let common = [
        ("authorization", format!("Bearer {TOKEN}")),
        ("accept", "application/json".to_owned()),
        ("user-agent", sdk::USER_AGENT.to_owned()),
        ("host", host.clone()),
    ];
    let expected = [
        (
            "POST",
            "/intent",
            Some("order-1"),
            r#"{"user_id":"user_28CJjV7P4Go5PNJvfzghiD","amount":1450,"currency":"USD","direction":"cash_in"}"#,
        ),
        ("GET", "/intent/intent_sandbox_1", None, ""),
        (
            "GET",
            "/intent/list?status=approved&status=pending",
            None,
            "",
        ),
        (
            "POST",
            "/authorize",
            None,
            r#"{"amount":1000,"currency":"USD","direction":"cash_in","credential_id":"cred_7YlA9IiSl8UZvNwNSbFajV"}"#,
        ),
    ];
    assert_eq!(requests.len(), expected.len());
    for (request, (method, target, key, body)) in requests.iter().zip(expected) {
        assert_eq!(request.method, method);
        assert_eq!(request.target, target);
        assert_eq!(request.header("x-idempotency-key"), key, "{target}");
        assert_eq!(String::from_utf8_lossy(&request.body), body);
        for (name, value) in &common {
            assert_eq!(
                request.header(name),
                Some(value.as_str()),
                "{target} {name}"
            );
        }
        let mut names: Vec<&str> = request.headers.iter().map(|(n, _)| n.as_str()).collect();
        names.sort_unstable();
        let mut allowed = vec!["accept", "authorization", "host", "user-agent"];
        if !body.is_empty() {
            allowed.extend(["content-length", "content-type"]);
            assert_eq!(request.header("content-type"), Some("application/json"));
        }
        if key.is_some() {
            allowed.push("x-idempotency-key");
        }
        allowed.sort_unstable();
        assert_eq!(names, allowed, "{target}");
    }
}

async fn retries_503_and_429_honouring_retry_after_with_one_idempotency_key() {
    let server = ScriptedServer::start([
        respond(503, r#"{"message":"try again"}"#),
        Action::Respond(Reply::json(429, "slow down").header("retry-after", "1")),
        respond(200, r#"{"id":"intent_sandbox_7"}"#),
    ])
    .unwrap();
    let started = Instant::now();
    let created = wait!(client(&server).create_intent(create())).unwrap();
    assert_eq!(created.id, "intent_sandbox_7");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was not honoured"
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(request.header("x-idempotency-key"), Some("order-1"));
        assert_eq!(request.body, requests[0].body);
    }
}

async fn a_generated_key_is_the_same_on_every_attempt_and_on_the_error() {
    let server =
        ScriptedServer::start([respond(500, "a"), respond(502, "b"), respond(503, "c")]).unwrap();
    let op = CreateIntent::builder()
        .user_id("u")
        .amount(5)
        .currency(Currency::Usd)
        .direction(Direction::CashOut)
        .build()
        .unwrap();
    let key = op.idempotency_key().clone();
    let err = wait!(client(&server).create_intent(op)).unwrap_err();
    assert_eq!(err.idempotency_key(), Some(&key));
    let keys: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.header("x-idempotency-key").map(str::to_owned))
        .collect();
    assert_eq!(keys, vec![Some(key.to_string()); 3]);
}

fn authorize_with_credential() -> Authorize {
    Authorize::builder()
        .amount(500)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .credential_id("cred_1")
        .build()
        .unwrap()
}

async fn authorize_with_credential_is_sent_exactly_once_when_the_server_fails_after_reading_it() {
    let server = ScriptedServer::start([Action::CloseAfterRead, respond(200, "{}")]).unwrap();
    let err = wait!(client(&server).authorize(authorize_with_credential())).unwrap_err();
    assert!(err.may_have_reached_server(), "{err:?}");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

async fn authorize_with_token_is_retried_after_the_same_failure() {
    let server = ScriptedServer::start([
        Action::CloseAfterRead,
        respond(
            202,
            r#"{"id":"intent_sandbox_9","url":"https://cdn.pushcash.com/ux/intent_sandbox_9"}"#,
        ),
    ])
    .unwrap();
    let op = Authorize::builder()
        .amount(500)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .token("token_1")
        .build()
        .unwrap();
    let outcome = wait!(client(&server).authorize(op)).unwrap();
    assert!(matches!(
        outcome,
        AuthorizeOutcome::AuthenticationRequired(_)
    ));
    assert_eq!(server.requests().len(), 2);
}

async fn a_body_over_the_cap_is_refused() {
    for declared in [true, false] {
        let mut reply = Reply::json(200, "x".repeat(4096));
        if !declared {
            // No length up front: the cap must stop the read itself.
            reply = reply.close_delimited();
        }
        let server = ScriptedServer::start([Action::Respond(reply)]).unwrap();
        let client = Client::builder()
            .token(TOKEN)
            .base_url(&server.base_url())
            .max_body_bytes(1024)
            .build()
            .unwrap();
        let err = wait!(client.get_intent("intent_1")).unwrap_err();
        let Error::Transport(transport) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(
            transport.kind(),
            TransportErrorKind::BodyTooLarge { limit: 1024 }
        );
        assert!(err.to_string().contains("1024"), "{err}");
        assert_eq!(
            server.requests().len(),
            1,
            "a too-large body is not retried"
        );
    }
}

async fn a_server_stalling_mid_body_times_out_within_the_timeout() {
    let reply = Reply::json(200, sample::intent("intent_1", 1));
    let server = ScriptedServer::start([Action::StallBody {
        reply,
        sent: 20,
        hold: Duration::from_secs(5),
    }])
    .unwrap();
    let client = Client::builder()
        .token(TOKEN)
        .base_url(&server.base_url())
        .timeout(Duration::from_millis(400))
        .max_retries(0)
        .build()
        .unwrap();
    let started = Instant::now();
    let err = wait!(client.get_intent("intent_1")).unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
}

async fn pagination_follows_cursors_with_reserved_characters() {
    let cursors = ["vjl8vk3l4o8dhsjlzh==", "a+b/c=d e&f"];
    let server = ScriptedServer::start([
        respond(
            200,
            sample::page(["intent_1", "intent_2"], Some(cursors[0])),
        ),
        respond(200, sample::page(["intent_3"], Some(cursors[1]))),
        respond(200, sample::page(["intent_4", "intent_5"], None)),
    ])
    .unwrap();
    let ids: Vec<String> = collect!(client(&server).list_all_intents(ListIntents::default()))
        .into_iter()
        .map(|intent| intent.unwrap().id.to_string())
        .collect();
    assert_eq!(
        ids,
        ["intent_1", "intent_2", "intent_3", "intent_4", "intent_5"]
    );
    let sent: Vec<Option<String>> = server
        .requests()
        .iter()
        .map(|r| {
            r.query().and_then(|q| {
                sdk::http::Uri::try_from(format!("/?{q}")).ok()?;
                q.split('&')
                    .find_map(|p| p.strip_prefix("cursor="))
                    .map(|c| c.to_owned())
            })
        })
        .collect();
    assert_eq!(
        sent,
        [
            None,
            Some("vjl8vk3l4o8dhsjlzh%3D%3D".into()),
            Some("a%2Bb%2Fc%3Dd+e%26f".into())
        ]
    );
}

async fn a_repeated_cursor_stops_with_an_error() {
    let server = ScriptedServer::start([
        respond(200, sample::page(["intent_1"], Some("A"))),
        respond(200, sample::page(["intent_2"], Some("B"))),
        respond(200, sample::page(["intent_3"], Some("A"))),
    ])
    .unwrap();
    let results = collect!(client(&server).list_all_intents(ListIntents::default()));
    // Regression (issue 22 C14): the page that came with the repeated cursor was dropped.
    assert_eq!(
        results.len(),
        4,
        "three intents, then the error, then the end"
    );
    assert!(results[..3].iter().all(Result::is_ok));
    assert!(
        matches!(results[3], Err(Error::Pagination(_))),
        "{:?}",
        results[3]
    );
    assert_eq!(server.requests().len(), 3);
}

async fn the_limit_and_resume_cursor_bound_a_listing() {
    let server = ScriptedServer::start([
        respond(200, sample::page(["intent_1", "intent_2"], Some("next"))),
        respond(200, sample::page(["intent_3", "intent_4"], Some("after"))),
        respond(200, sample::page(["intent_3", "intent_4"], Some("after"))),
        respond(200, sample::page(["intent_5"], None)),
    ])
    .unwrap();
    let mut iter = client(&server)
        .list_all_intents(ListIntents::default())
        .with_limit(3);
    assert_eq!(next!(iter).unwrap().unwrap().id, "intent_1");
    let mid_first_page = iter.resume_cursor().unwrap();
    assert!(
        mid_first_page.as_str().starts_with("push-rs.resume."),
        "stopping mid first page resumes after intent_1: {mid_first_page}"
    );
    let rest: Vec<_> = collect!(&mut iter)
        .into_iter()
        .map(|i| i.unwrap().id.to_string())
        .collect();
    assert_eq!(rest, ["intent_2", "intent_3"]);
    assert_eq!(server.requests().len(), 2);
    // The limit cut the second page after intent_3: resuming there fetches that page again and
    // goes on with intent_4, then the rest; nothing skipped, nothing repeated.
    let resume = iter.resume_cursor().unwrap();
    let request = ListIntents::builder()
        .cursor(resume.as_str())
        .build()
        .unwrap();
    let after: Vec<_> = collect!(client(&server).list_all_intents(request))
        .into_iter()
        .map(|i| i.unwrap().id.to_string())
        .collect();
    assert_eq!(after, ["intent_4", "intent_5"]);
    let targets: Vec<_> = server.requests().iter().map(|r| r.target.clone()).collect();
    assert_eq!(
        targets,
        [
            "/intent/list",
            "/intent/list?cursor=next",
            "/intent/list?cursor=next",
            "/intent/list?cursor=after"
        ]
    );
}

async fn clients_are_send_sync_and_cheap_to_clone() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Client>();
}

/// One deadline per attempt covers the body: a server that sends its head in time, then its
/// body a byte at a time (each phase within the timeout, the whole past it) is cut off at the
/// timeout, not after a timeout per phase.
async fn a_trickling_server_is_cut_off_at_one_deadline() {
    let reply = Reply::json(200, push_mock::sample::intent("intent_1", 100));
    let server = ScriptedServer::start([Action::Trickle {
        reply,
        head_over: Duration::from_millis(700),
        body_over: Duration::from_secs(4),
    }])
    .unwrap();
    let client: Client = Client::builder()
        .token(TOKEN)
        .base_url(&server.base_url())
        .timeout(Duration::from_secs(1))
        .max_retries(0)
        .build()
        .unwrap();
    let started = Instant::now();
    let err = wait!(client.get_intent("intent_1")).unwrap_err();
    let took = started.elapsed();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(
        took < Duration::from_millis(1400),
        "one attempt took {took:?} with a 1 s timeout"
    );
}

/// The generic listing and the intent convenience are one thing: `list_all` over any
/// `ListOperation` walks the same pages, and `list_pages` hands them out whole, each page's
/// `next_cursor` where to go on from it.
async fn list_all_and_list_pages_walk_any_list_operation() {
    let pages = || {
        [
            respond(200, sample::page(["intent_1", "intent_2"], Some("p2"))),
            respond(200, sample::page(["intent_3"], None)),
        ]
    };
    let server = ScriptedServer::start(pages().into_iter().chain(pages())).unwrap();
    let client = client(&server);
    let items = collect!(client.list_all(ListIntents::default()));
    let ids: Vec<_> = items
        .into_iter()
        .map(|i| i.unwrap().id.to_string())
        .collect();
    assert_eq!(ids, ["intent_1", "intent_2", "intent_3"]);
    let pages = collect!(client.list_pages(ListIntents::default()));
    let pages: Vec<_> = pages.into_iter().map(Result::unwrap).collect();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].data.len(), 2);
    assert_eq!(pages[0].next_cursor.as_ref().unwrap(), "p2");
    assert_eq!(pages[1].next_cursor, None);
}

/// `ops::Raw` goes through the same call as a built-in operation: the token, the retries, and
/// the rule that a `POST` which may have arrived is not repeated unless declared idempotent.
async fn a_raw_post_is_repeated_only_when_declared_idempotent() {
    let server = ScriptedServer::start([
        Action::CloseAfterRead,
        Action::CloseAfterRead,
        respond(200, r#"{"id":"refund_1","status":"pending"}"#),
    ])
    .unwrap();
    let client = client(&server);
    let raw = || {
        Raw::post("/refund")
            .unwrap()
            .json(&serde_json::json!({"intent_id": "intent_1", "amount": 100}))
            .unwrap()
    };
    let err = wait!(client.send(raw())).unwrap_err();
    assert!(err.is_outcome_unknown(), "{err}");
    assert_eq!(server.requests().len(), 1);
    let key = IdempotencyKey::new("refund-order-1").unwrap();
    let refund = wait!(client.send(raw().idempotent().idempotency_key(key))).unwrap();
    assert_eq!(refund["id"], "refund_1");
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(request.method, "POST");
        assert_eq!(request.target, "/refund");
        assert_eq!(
            request.header("authorization"),
            Some(&*format!("Bearer {TOKEN}"))
        );
        assert_eq!(
            String::from_utf8_lossy(&request.body),
            r#"{"amount":100,"intent_id":"intent_1"}"#
        );
    }
    assert_eq!(
        requests[1].header("x-idempotency-key"),
        Some("refund-order-1")
    );
    assert_eq!(
        requests[2].header("x-idempotency-key"),
        Some("refund-order-1")
    );
}

/// The requests the server received are `expected` (method, target, body), in order, each with
/// the bearer token, `content-type: application/json` exactly when it has a body, and never
/// chunked. Returns them for further checks.
fn assert_sent(
    server: &ScriptedServer,
    expected: &[(&str, &str, &str)],
) -> Vec<push_mock::Recorded> {
    let requests = server.requests();
    assert_eq!(requests.len(), expected.len());
    for (request, &(method, target, body)) in requests.iter().zip(expected) {
        assert_eq!(request.method, method, "{target}");
        assert_eq!(request.target, target);
        assert_eq!(String::from_utf8_lossy(&request.body), body, "{target}");
        assert_eq!(
            request.header("authorization"),
            Some(&*format!("Bearer {TOKEN}")),
            "{target}"
        );
        let typed = request.header("content-type") == Some("application/json");
        assert_eq!(typed, !body.is_empty(), "{target}");
        assert_eq!(request.header("transfer-encoding"), None, "{target}");
    }
    requests
}

/// Every user-side operation (issue 12), as the server receives it: method, target, body and
/// the headers that matter; and each answer decoded.
async fn user_operations_on_the_wire() {
    let server = ScriptedServer::start([
        respond(200, r#"{"id":"user_lVpbPL0K1XIiHx0DxipRbD"}"#),
        respond(
            200,
            include_str!("../../crates/push-core/tests/fixtures/user_get.json"),
        ),
        respond(
            200,
            include_str!("../../crates/push-core/tests/fixtures/user_list.json"),
        ),
        respond(200, r#"{"data":[],"next_cursor":null}"#),
        respond(
            200,
            include_str!("../../crates/push-core/tests/fixtures/user_credentials.json"),
        ),
        respond(
            200,
            include_str!("../../crates/push-core/tests/fixtures/user_credential.json"),
        ),
        respond(200, r#"{"url":"https://cdn.pushcash.com/widget/?param=1"}"#),
        respond(200, r#"{"token":"token_mbDRHFi3dxIZEtykHsgUGC"}"#),
        Action::Respond(Reply::json(200, "Hello Sportsbook").header("content-type", "text/plain")),
        respond(
            200,
            include_str!("../../crates/push-core/tests/fixtures/user_credential.json"),
        ),
    ])
    .unwrap();
    let client = client(&server);
    let user = sample::create_user()
        .set_phone_number(None::<String>)
        .build()
        .unwrap();
    assert_eq!(
        wait!(client.create_user(user)).unwrap().id,
        "user_lVpbPL0K1XIiHx0DxipRbD"
    );
    let got = wait!(client.get_user("user_28CJjV7P4Go5PNJvfzghiD")).unwrap();
    assert_eq!(got.status, sdk::UserStatus::Enabled);
    let list = sdk::ListUsers::builder()
        .status(sdk::UserStatus::Enabled)
        .build()
        .unwrap();
    let all = collect!(client.list_all_users(list));
    assert_eq!(all.len(), 1, "two pages, one user");
    let credentials = sdk::ListUserCredentials::new("user_1").unwrap();
    assert_eq!(
        wait!(client.list_user_credentials(credentials))
            .unwrap()
            .data
            .len(),
        3
    );
    let store = sdk::CreateUserCredential::new("user_1", "token_1").unwrap();
    wait!(client.create_user_credential(store)).unwrap();
    let url = sdk::CreateUserUrl::new("user_1")
        .unwrap()
        .url_type(sdk::UserUrlType::SecureDebit)
        .unwrap();
    assert!(
        wait!(client.create_user_url(url))
            .unwrap()
            .url
            .starts_with("https://")
    );
    let card = sdk::TokenizeCard::builder()
        .user_id("user_1")
        .pan("5555555555554444")
        .cvv("123")
        .exp_month("12")
        .exp_year("28")
        .build()
        .unwrap();
    assert_eq!(
        wait!(client.tokenize_card(card)).unwrap().token,
        "token_mbDRHFi3dxIZEtykHsgUGC"
    );
    assert_eq!(wait!(client.verify_key()).unwrap(), "Hello Sportsbook");
    let simulate =
        sdk::SimulateCredential::new("user_1", sdk::SimulatedCredentialType::SecureDebit).unwrap();
    wait!(client.simulate_credential(simulate)).unwrap();

    let expected: [(&str, &str, &str); 10] = [
        (
            "POST",
            "/user",
            r#"{"name":{"first":"Alfred","last":"Hitchcock"},"email":"alfred@imdb.com","address":{"address_line_1":"1609 10th Ave","locality":"Bodega Bay","administrative_area":"CA","postal_code":"94923","country":"US"},"date_of_birth":"1899-08-13","government_id":{"type":"passport","last4":"7349"},"identity_verified":true,"tag":"4c8e6b4f"}"#,
        ),
        ("GET", "/user/user_28CJjV7P4Go5PNJvfzghiD", ""),
        ("GET", "/user/list?status=enabled", ""),
        (
            "GET",
            "/user/list?status=enabled&cursor=vjl8vk3l4o8dhsjlzh%3D%3D",
            "",
        ),
        (
            "GET",
            "/user/user_1/credential/list?type=secure_debit&type=card_only_credit&type=card_only_debit&type=apple_pay_debit",
            "",
        ),
        ("POST", "/user/user_1/credential", r#"{"token":"token_1"}"#),
        ("POST", "/user/user_1/url", r#"{"type":"secure_debit"}"#),
        (
            "POST",
            "/tokenize",
            r#"{"user_id":"user_1","pan":"5555555555554444","cvv":"123","exp_month":"12","exp_year":"28"}"#,
        ),
        ("POST", "/keys/verify", ""),
        (
            "POST",
            "/sandbox/credential",
            r#"{"user_id":"user_1","type":"secure_debit"}"#,
        ),
    ];
    let requests = assert_sent(&server, &expected);
    for (request, (method, target, body)) in requests.iter().zip(expected) {
        assert_eq!(request.header("x-idempotency-key"), None, "{target}");
        // Never an empty chunked body: a POST without one says `content-length: 0`.
        let length = body.len().to_string();
        let expected_length = (method == "POST").then_some(length.as_str());
        assert_eq!(
            request.header("content-length"),
            expected_length,
            "{target}"
        );
    }
}

/// `POST /user` is deduplicated by Push on `tag`: with one it is retried after a lost answer;
/// without one it is sent once and the outcome is unknown.
async fn create_user_is_retried_only_with_a_tag() {
    let user = |tag: Option<&str>| sample::create_user().set_tag(tag).build().unwrap();
    let server = ScriptedServer::start([
        Action::CloseAfterRead,
        respond(200, r#"{"id":"user_1"}"#),
        Action::CloseAfterRead,
    ])
    .unwrap();
    let client = client(&server);
    let created = wait!(client.create_user(user(Some("ada-1")))).unwrap();
    assert_eq!(created.id, "user_1");
    assert_eq!(
        server.requests().len(),
        2,
        "retried: Push returns the same user"
    );
    let err = wait!(client.create_user(user(None))).unwrap_err();
    assert!(err.is_outcome_unknown(), "{err}");
    assert_eq!(server.requests().len(), 3, "sent once without a tag");
}

/// Every refund, dispute, ledger and webhook-registration operation (issue 13), as the server
/// receives it; the refund outcomes (200, 401 with and without a refund body, 400); and a
/// refund retried after a lost answer (Push answers a repeat with the refund already made).
async fn ledger_operations_on_the_wire() {
    let server = ScriptedServer::start([
        respond(
            200,
            include_str!("../../crates/push-core/tests/fixtures/refund_create.json"),
        ),
        respond(401, r#"{"id":"refund_declined_1"}"#),
        respond(401, r#"{"message":"invalid API key"}"#),
        respond(400, r#"{"message":"amount exceeds the intent"}"#),
        Action::CloseAfterRead,
        respond(
            200,
            include_str!("../../crates/push-core/tests/fixtures/refund_create.json"),
        ),
        respond(
            200,
            include_str!("../../crates/push-core/tests/fixtures/refund_get.json"),
        ),
        respond(
            200,
            include_str!("../../crates/push-core/tests/fixtures/dispute_list.json"),
        ),
        respond(200, r#"{"data":[],"next_cursor":null}"#),
        respond(
            200,
            include_str!("../../crates/push-core/tests/fixtures/dispute_get.json"),
        ),
        respond(
            200,
            include_str!("../../crates/push-core/tests/fixtures/account_list.json"),
        ),
        respond(
            200,
            include_str!("../../crates/push-core/tests/fixtures/account_get.json"),
        ),
        respond(
            200,
            include_str!("../../crates/push-core/tests/fixtures/transaction_list.json"),
        ),
        respond(
            200,
            include_str!("../../crates/push-core/tests/fixtures/transaction_get.json"),
        ),
        respond(
            200,
            include_str!("../../crates/push-core/tests/fixtures/transfer_list.json"),
        ),
        respond(
            200,
            include_str!("../../crates/push-core/tests/fixtures/transfer_get.json"),
        ),
        Action::Respond(Reply::json(204, "")),
    ])
    .unwrap();
    let client = client(&server);
    let refund = |amount: Option<i64>| {
        sdk::CreateRefund::builder()
            .intent_id("intent_sandbox_dMggQ93ZYH6DH9LBhVeijE")
            .set_amount(amount)
            .build()
            .unwrap()
    };
    let approved = wait!(client.create_refund(refund(Some(1450)))).unwrap();
    assert!(matches!(&approved, sdk::RefundOutcome::Approved(r) if r.amount == 1450));
    let declined = wait!(client.create_refund(refund(None))).unwrap();
    assert_eq!(
        declined,
        sdk::RefundOutcome::Declined(sdk::RefundDeclined::new("refund_declined_1"))
    );
    let unauthorized = wait!(client.create_refund(refund(None))).unwrap_err();
    assert_eq!(unauthorized.status(), Some(http::StatusCode::UNAUTHORIZED));
    let too_much = wait!(client.create_refund(refund(Some(999_999)))).unwrap_err();
    assert!(
        too_much.to_string().contains("amount exceeds the intent"),
        "{too_much}"
    );
    let retried = wait!(client.create_refund(refund(Some(1450)))).unwrap();
    assert_eq!(retried, approved, "a lost answer is asked again");
    let got = wait!(client.get_refund("refund_28CJjV7P4Go5PNJvfzghiD")).unwrap();
    assert_eq!(got.status, sdk::RefundStatus::Approved);

    let at = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    let disputes = sdk::ListDisputes::builder()
        .created_after(at("2023-05-01T00:00:00Z"))
        .build()
        .unwrap();
    assert_eq!(collect!(client.list_all_disputes(disputes)).len(), 1);
    let dispute = wait!(client.get_dispute("dispute_0293cj9ru032lisdjow")).unwrap();
    assert_eq!(dispute.status, sdk::DisputeStatus::Created);
    assert_eq!(wait!(client.list_accounts()).unwrap().data.len(), 2);
    let account = wait!(client.get_account("account_WsELzpJOvU6fNafvzWbF6K")).unwrap();
    assert_eq!(account.balance, Some(1_000_000));
    let transactions = sdk::ListTransactions::builder()
        .account_id("account_WsELzpJOvU6fNafvzWbF6K")
        .created_before(at("2023-05-25T00:00:00Z"))
        .build()
        .unwrap();
    assert_eq!(
        wait!(client.list_transactions(transactions))
            .unwrap()
            .data
            .len(),
        1
    );
    let txn = wait!(client.get_transaction("txn_CpiSd1bptYB5P55ysTDHg")).unwrap();
    assert_eq!(txn.amount, 11000);
    let day = "2023-05-24".parse().unwrap();
    let transfers = collect!(client.list_all_transfers(sdk::ListTransfers::on(day)));
    assert_eq!(transfers.len(), 1);
    let transfer = wait!(client.get_transfer("transfer_xle830ef8djeoiu")).unwrap();
    assert_eq!(transfer.signed_amount(), Some(700_284));
    let secret = "whsec_a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6";
    let register = sdk::RegisterWebhook::new(
        "https://api.yourdomain.com/webhooks/push",
        sdk::WebhookSecret::new(secret).unwrap(),
    )
    .unwrap();
    wait!(client.register_webhook(register)).unwrap();

    let partial = r#"{"intent_id":"intent_sandbox_dMggQ93ZYH6DH9LBhVeijE","amount":1450}"#;
    let full = r#"{"intent_id":"intent_sandbox_dMggQ93ZYH6DH9LBhVeijE"}"#;
    let expected: [(&str, &str, &str); 17] = [
        ("POST", "/refund", partial),
        ("POST", "/refund", full),
        ("POST", "/refund", full),
        (
            "POST",
            "/refund",
            r#"{"intent_id":"intent_sandbox_dMggQ93ZYH6DH9LBhVeijE","amount":999999}"#,
        ),
        ("POST", "/refund", partial),
        ("POST", "/refund", partial),
        ("GET", "/refund/refund_28CJjV7P4Go5PNJvfzghiD", ""),
        (
            "GET",
            "/dispute/list?created_at.after=2023-05-01T00%3A00%3A00Z",
            "",
        ),
        (
            "GET",
            "/dispute/list?created_at.after=2023-05-01T00%3A00%3A00Z&cursor=vjl8vk3l4o8dhsjlzh%3D%3D",
            "",
        ),
        ("GET", "/dispute/dispute_0293cj9ru032lisdjow", ""),
        ("GET", "/account/list", ""),
        ("GET", "/account/account_WsELzpJOvU6fNafvzWbF6K", ""),
        (
            "GET",
            "/transaction/list?account_id=account_WsELzpJOvU6fNafvzWbF6K&created_at.before=2023-05-25T00%3A00%3A00Z",
            "",
        ),
        ("GET", "/transaction/txn_CpiSd1bptYB5P55ysTDHg", ""),
        (
            "GET",
            "/transfer/list?date.after=2023-05-24&date.before=2023-05-24",
            "",
        ),
        ("GET", "/transfer/transfer_xle830ef8djeoiu", ""),
        (
            "POST",
            "/webhook/register",
            r#"{"url":"https://api.yourdomain.com/webhooks/push","secret":"whsec_a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6"}"#,
        ),
    ];
    assert_sent(&server, &expected);
}

scenarios!(
    exact_requests_on_the_wire,
    retries_503_and_429_honouring_retry_after_with_one_idempotency_key,
    a_generated_key_is_the_same_on_every_attempt_and_on_the_error,
    authorize_with_credential_is_sent_exactly_once_when_the_server_fails_after_reading_it,
    authorize_with_token_is_retried_after_the_same_failure,
    a_body_over_the_cap_is_refused,
    a_server_stalling_mid_body_times_out_within_the_timeout,
    pagination_follows_cursors_with_reserved_characters,
    a_repeated_cursor_stops_with_an_error,
    the_limit_and_resume_cursor_bound_a_listing,
    clients_are_send_sync_and_cheap_to_clone,
    a_trickling_server_is_cut_off_at_one_deadline,
    list_all_and_list_pages_walk_any_list_operation,
    a_raw_post_is_repeated_only_when_declared_idempotent,
    user_operations_on_the_wire,
    create_user_is_retried_only_with_a_tag,
    ledger_operations_on_the_wire,
);
