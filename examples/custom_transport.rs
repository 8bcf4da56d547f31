//! Bring your own transport: anything that turns an `http::Request<Bytes>` into an
//! `http::Response<Bytes>` drives the same clients. Here: a closure, and a recording wrapper
//! around the in-memory emulator that prints every exchange.
//!
//! Run it: `cargo run --example custom_transport`.

use bytes::Bytes;
use push_mock::{DEFAULT_TOKEN, MemoryTransport};
use push_ureq::{
    ApiToken, Client, Config, CreateIntent, Currency, Direction, Environment,
    transport::BlockingTransport, transport::Request, transport::Response,
    transport::TransportError,
};

/// Prints the method, path and outcome of every exchange, passing it on unchanged.
struct Recording<T> {
    inner: T,
}

impl<T: BlockingTransport> BlockingTransport for Recording<T> {
    fn send(&self, request: Request) -> Result<Response, TransportError> {
        let line = format!("{} {}", request.method(), request.uri().path());
        let result = self.inner.send(request);
        let outcome = match &result {
            Ok(response) => response.status().to_string(),
            Err(err) => err.to_string(),
        };
        println!("recorded: {line} -> {outcome}");
        result
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::new(
        ApiToken::new(DEFAULT_TOKEN)?,
        Environment::base_url("http://127.0.0.1:1")?,
    );

    // 1. A closure is a transport.
    let canned = |request: Request| -> Result<Response, TransportError> {
        let body = push_mock::sample::intent("intent_sandbox_closure", 4200);
        println!(
            "closure transport got {} {}",
            request.method(),
            request.uri()
        );
        Ok(http::Response::builder()
            .status(200)
            .body(Bytes::from(body))
            .expect("static parts"))
    };
    let client = Client::with_transport(config.clone(), canned);
    let intent = client.get_intent("intent_sandbox_closure")?;
    println!("decoded {} for {} cents\n", intent.id, intent.amount);

    // 2. A wrapper around another transport: here, the emulator without a socket.
    let recording = Recording {
        inner: MemoryTransport::default(),
    };
    let client = Client::with_transport(config, recording);
    let created = client.create_intent(
        CreateIntent::builder()
            .user_id("user_1")
            .amount(1450)
            .currency(Currency::Usd)
            .direction(Direction::CashIn)
            .build()?,
    )?;
    client.get_intent(created.id)?;
    let _ = client
        .get_intent("intent_sandbox_missing")
        .expect_err("not found");
    Ok(())
}
