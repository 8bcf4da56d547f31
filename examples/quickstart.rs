//! Quickstart: create an intent, fetch it, list every intent page by page, and authorize with
//! each of the three outcomes, against a small in-memory Push that answers like the real one.
//!
//! Run it: `cargo run --example quickstart`.

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

use bytes::Bytes;
use push_core::{
    ApiToken, Authorize, AuthorizeOutcome, BlockingTransport, Call, CallOptions, Config,
    CreateIntent, Currency, Direction, Environment, Error, GetIntent, ListIntents, Operation,
    Pager, Request, Response, Step, TransportError,
};
use serde_json::{Value, json};

/// Drives one call to the end: the loop every client runs around push-core's state machine.
fn call<O: Operation>(
    config: &Config,
    transport: &impl BlockingTransport,
    op: O,
) -> Result<O::Output, Error> {
    let mut call = Call::new(config, op, &CallOptions::new())?;
    loop {
        let request = call.next_request(Instant::now());
        match call.receive(transport.send(request), Instant::now()) {
            Step::Wait(delay) => std::thread::sleep(delay.min(Duration::from_secs(1))),
            Step::Done(result) => return result,
        }
    }
}

/// A tiny in-memory Push: enough state for this walk-through (push-mock is the real emulator).
struct InMemoryPush {
    intents: Mutex<Vec<Value>>,
}

impl InMemoryPush {
    fn handle(&self, request: Request) -> Result<Response, TransportError> {
        let mut intents = self.intents.lock().expect("no panics while locked");
        let path = request.uri().path().to_owned();
        let (status, body) = match (request.method().as_str(), path.as_str()) {
            ("POST", "/intent") => {
                let body: Value = serde_json::from_slice(request.body()).unwrap_or_default();
                let id = format!("intent_sandbox_{:06}", intents.len() + 1);
                intents.push(json!({
                    "id": id, "created_at": "2026-11-21T12:00:00Z", "status": "created",
                    "idempotency_key": request.headers()["x-idempotency-key"].to_str().ok(),
                    "user_id": body["user_id"], "amount": body["amount"], "currency": body["currency"],
                    "direction": body["direction"], "transactions": [],
                }));
                (
                    200,
                    json!({"id": id, "url": format!("https://cdn.pushcash.com/ux/{id}")}),
                )
            }
            ("GET", "/intent/list") => {
                // Pages of two, newest first; the cursor is the index of the next intent.
                let start: usize = request.uri().query().and_then(form_cursor).unwrap_or(0);
                let newest_first: Vec<&Value> = intents.iter().rev().collect();
                let end = (start + 2).min(newest_first.len());
                let next = (end < newest_first.len()).then(|| end.to_string());
                (
                    200,
                    json!({"data": newest_first[start..end], "next_cursor": next}),
                )
            }
            ("GET", id) => match intents
                .iter()
                .find(|i| Some(i["id"].as_str().unwrap_or("")) == id.strip_prefix("/intent/"))
            {
                Some(intent) => (200, intent.clone()),
                None => (404, json!({"message": "intent not found"})),
            },
            ("POST", "/authorize") => {
                let body: Value = serde_json::from_slice(request.body()).unwrap_or_default();
                let id = format!("intent_sandbox_auth{:03}", body["amount"]);
                match body["amount"].as_i64() {
                    Some(amount) if amount >= 50_000 => (
                        401,
                        json!({"id": id, "decline_category": "unapproved_amount"}),
                    ),
                    Some(amount) if amount >= 10_000 => (
                        202,
                        json!({"id": id, "url": format!("https://cdn.pushcash.com/ux/{id}")}),
                    ),
                    _ => (
                        200,
                        json!({"id": id, "amount": body["amount"], "direction": body["direction"],
                                      "currency": body["currency"], "credential": {"display_name": "Chase Checking", "last4": "6018"}}),
                    ),
                }
            }
            _ => (404, json!({"message": "no such route"})),
        };
        Ok(http::Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(Bytes::from(body.to_string()))
            .expect("static parts"))
    }
}

fn form_cursor(query: &str) -> Option<usize> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("cursor="))
        .and_then(|c| c.parse().ok())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let push = InMemoryPush {
        intents: Mutex::new(Vec::new()),
    };
    let transport = |request: Request| push.handle(request);
    let config = Config::new(
        ApiToken::new("sk_test_quickstart")?,
        Environment::base_url("http://127.0.0.1:4010")?,
    );

    println!("== create three intents");
    let mut last = None;
    for amount in [1450, 2500, 9900] {
        let op = CreateIntent::builder()
            .user_id("user_28CJjV7P4Go5PNJvfzghiD")
            .amount(amount)
            .currency(Currency::Usd)
            .direction(Direction::CashIn)
            .build()?;
        let key = op.idempotency_key().clone();
        let created = call(&config, &transport, op)?;
        println!(
            "created {} for {amount} cents (idempotency key {key})",
            created.id
        );
        last = Some(created.id);
    }

    println!("== fetch the last one");
    let intent = call(
        &config,
        &transport,
        GetIntent::new(last.expect("three were created"))?,
    )?;
    println!(
        "{} is {} for {} {} ({})",
        intent.id, intent.status, intent.amount, intent.currency, intent.direction
    );

    println!("== list every intent, page by page");
    let mut pager = Pager::new(ListIntents::default());
    while let Some(request) = pager.next_request() {
        let page = call(&config, &transport, request)?;
        for intent in pager.advance(page)? {
            println!(
                "  {} {} {:>6} cents",
                intent.id, intent.created_at, intent.amount
            );
        }
    }
    println!("listed {} intents", pager.yielded());

    println!("== authorize: approved, authentication required, declined");
    for amount in [1000, 20_000, 90_000] {
        let op = Authorize::builder()
            .amount(amount)
            .currency(Currency::Usd)
            .direction(Direction::CashIn)
            .token("token_3r09eejo3r32rjoj3r23r3")
            .build()?;
        match call(&config, &transport, op)? {
            AuthorizeOutcome::Approved(a) => println!(
                "{amount}: approved {} with {:?}",
                a.id,
                a.credential.map(|c| c.display_name)
            ),
            AuthorizeOutcome::AuthenticationRequired(a) => {
                println!("{amount}: authentication required at {}", a.url)
            }
            AuthorizeOutcome::Declined(d) => {
                println!(
                    "{amount}: declined {} ({}; user may retry: {:?})",
                    d.id,
                    d.decline_category,
                    d.decline_category.user_retry()
                )
            }
        }
    }

    println!("== bad input never leaves the machine");
    let err = CreateIntent::builder()
        .user_id("user_1")
        .amount(0)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .build();
    println!("{}", err.expect_err("amount 0 is refused"));
    Ok(())
}
