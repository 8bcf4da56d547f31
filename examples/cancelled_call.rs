//! A cancelled async call, and how its outcome is recovered.
//!
//! Dropping a push-hyper future (`tokio::time::timeout` around it, a losing `select!` branch)
//! after the request was written leaves the intent at Push while the caller holds only
//! `Elapsed`. The key that lets you find out survives only if you kept it outside the future:
//! take `CreateIntent::idempotency_key()` (or keep a clone of the operation) before the call,
//! and resend the same operation: Push answers with the intent it already made, never a
//! second one. Better still, let the SDK's own deadline stop the call
//! (`CallOptions::deadline`): it reports `is_outcome_unknown()` with the key.
//!
//! Run it: `cargo run --example cancelled_call`.

use std::time::Duration;

use push_hyper::{
    ApiToken, CallOptions, Client, Config, CreateIntent, Currency, Direction, Environment,
    transport::{Request, transport_fn},
};
use push_mock::{DEFAULT_TOKEN, Emulator, MemoryTransport};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The emulator in memory, behind a link that answers 200 ms after Push acted.
    let emulator = Emulator::default();
    let memory = MemoryTransport::new(emulator.clone());
    let slow_link = transport_fn(move |request: Request| {
        let memory = memory.clone();
        async move {
            let answer = push_hyper::transport::Transport::send(&memory, request).await;
            tokio::time::sleep(Duration::from_millis(200)).await;
            answer
        }
    });
    let config = Config::new(
        ApiToken::new(DEFAULT_TOKEN)?,
        Environment::base_url("http://127.0.0.1:1")?,
    );
    let client = Client::with_transport(config, slow_link);

    let intent = CreateIntent::builder()
        .user_id("user_cancelled_1")
        .amount(2500)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .build()?;
    // 1. Keep the key (or a clone of the operation) outside the future.
    let key = intent.idempotency_key().clone();
    let retry = intent.clone();
    match tokio::time::timeout(Duration::from_millis(50), client.create_intent(intent)).await {
        Ok(created) => println!("created {} before the timeout", created?.id),
        Err(_elapsed) => println!("cancelled after 50 ms; the key was {key}"),
    }
    println!("intents at Push: {}", emulator.intents().len());

    // 2. Recover: the same operation, the same key. Push answers with the intent it made.
    let recovered = client.create_intent(retry).await?;
    println!(
        "recovered {} (still {} intent at Push)",
        recovered.id,
        emulator.intents().len()
    );
    assert_eq!(emulator.intents().len(), 1, "recovering never pays twice");

    // 3. The SDK's own deadline instead of a timeout around the future: the error says the
    //    outcome is unknown and carries the key.
    let third = CreateIntent::builder()
        .user_id("user_cancelled_1")
        .amount(990)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .build()?;
    let options = CallOptions::new().deadline(Duration::from_millis(50));
    match client.send_with(third, &options).await {
        Ok(created) => println!("created {}", created.id),
        Err(err) => {
            println!("deadline: {err}");
            assert!(err.is_outcome_unknown());
            println!(
                "retry with idempotency key {}",
                err.idempotency_key().expect("a create carries its key")
            );
        }
    }
    Ok(())
}
