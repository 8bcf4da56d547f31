//! Each call is a `push.call` span and each attempt a `push.attempt` span carrying method,
//! path template, status, attempt, duration and idempotency key; the token never appears.

use std::{
    io::Write,
    sync::{Arc, Mutex},
};

use push_hyper::{Client, CreateIntent, Currency, Direction, retry::Jitter};
use push_mock::{Action, Reply, ScriptedServer};

const TOKEN: &str = "sk_live_NEVER_LOGGED_4242";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn spans_carry_the_call_and_never_the_token() {
    let output = traced(
        vec![
            Action::Respond(Reply::json(503, "{}")),
            Action::Respond(Reply::json(200, r#"{"id":"intent_sandbox_1"}"#)),
        ],
        2,
        "order-77",
    );
    for expected in [
        "push.call",
        "method=POST",
        "path=\"/intent\"",
        "idempotency_key=\"order-77\"",
        "attempt=1",
        "attempt=2",
        "status=503",
        "status=200",
        "duration_ms=",
    ] {
        assert!(
            output.contains(expected),
            "missing {expected} in:\n{output}"
        );
    }
    assert!(
        !output.contains("NEVER_LOGGED"),
        "the token was logged:\n{output}"
    );
}

/// Everything traced at DEBUG (span closes included) while one `create_intent` with `key` runs
/// against `script`.
fn traced(script: Vec<Action>, max_retries: u32, key: &str) -> String {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let server = ScriptedServer::start(script).unwrap();
    tracing::subscriber::with_default(subscriber, || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let client = Client::builder()
                .token(TOKEN)
                .base_url(&server.base_url())
                .jitter(Jitter::fixed(0.0))
                .max_retries(max_retries)
                .build()
                .unwrap();
            let op = CreateIntent::builder()
                .user_id("user_1")
                .amount(1)
                .currency(Currency::Usd)
                .direction(Direction::CashIn)
                .idempotency_key(key)
                .build()
                .unwrap();
            let _ = client.create_intent(op).await;
        });
    });
    String::from_utf8(captured.0.lock().unwrap().clone()).unwrap()
}

/// The OpenTelemetry fields: on `push.call` when it closes (kind, method, template, server,
/// final status, request id, attempts, outcome), and a `retry` event with the delay chosen.
#[test]
fn the_call_span_carries_opentelemetry_fields_and_its_outcome() {
    let output = traced(
        vec![
            Action::Respond(Reply::json(503, "{}")),
            Action::Respond(
                Reply::json(200, r#"{"id":"intent_sandbox_1"}"#).header("x-request-id", "req_9"),
            ),
        ],
        2,
        "order-78",
    );
    let call = output
        .lines()
        .find(|line| {
            line.contains("push.call{")
                && !line.contains("push.attempt{")
                && line.contains(" close ")
        })
        .unwrap_or_else(|| panic!("no close of push.call in:\n{output}"));
    for expected in [
        "otel.kind=\"client\"",
        "http.request.method=POST",
        "url.template=\"/intent\"",
        "server.address=\"127.0.0.1\"",
        "server.port=",
        "http.response.status_code=200",
        "push.request_id=\"req_9\"",
        "push.attempts=2",
        "push.outcome=\"ok\"",
        "otel.status_code=\"OK\"",
        "push.idempotency_key=\"order-78\"",
    ] {
        assert!(call.contains(expected), "missing {expected} in:\n{call}");
    }
    let retry = output
        .lines()
        .find(|line| line.contains(" retry") && line.contains("retry.delay_ms="))
        .unwrap_or_else(|| panic!("no retry event in:\n{output}"));
    assert!(retry.contains("push.call"), "in the call's span: {retry}");
    assert!(!output.contains(TOKEN));

    // A write whose connection closed after it was read: the outcome is unknown.
    let output = traced(vec![Action::CloseAfterRead], 0, "order-79");
    let call = output
        .lines()
        .find(|line| {
            line.contains("push.call{")
                && !line.contains("push.attempt{")
                && line.contains(" close ")
        })
        .unwrap_or_else(|| panic!("no close of push.call in:\n{output}"));
    assert!(call.contains("push.outcome=\"outcome_unknown\""), "{call}");
    assert!(call.contains("otel.status_code=\"ERROR\""), "{call}");
}
