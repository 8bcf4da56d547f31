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
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let server = ScriptedServer::start([
        Action::Respond(Reply::json(503, "{}")),
        Action::Respond(Reply::json(200, r#"{"id":"intent_sandbox_1"}"#)),
    ])
    .unwrap();
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
                .build()
                .unwrap();
            let op = CreateIntent::builder()
                .user_id("user_1")
                .amount(1)
                .currency(Currency::Usd)
                .direction(Direction::CashIn)
                .idempotency_key("order-77")
                .build()
                .unwrap();
            client.create_intent(op).await.unwrap();
        });
    });
    let output = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
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
