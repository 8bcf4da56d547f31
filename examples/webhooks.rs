//! Receive Push webhooks and verify them: a small hyper server on 127.0.0.1 checks each
//! delivery's signature (over the raw bytes) and timestamp with push-core, then decodes it.
//! The emulator delivers them, signed exactly as Push does, when payments change status.
//!
//! Run it: `cargo run --example webhooks`.

use std::{convert::Infallible, time::Duration};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{server::conn::http1, service::service_fn};
use hyper_util::rt::TokioIo;
use push_hyper::{
    ApprovalMode, Authorize, Client, Currency, Direction, WebhookEvent, WebhookSecret, webhook,
};
use push_mock::{DEFAULT_TOKEN, EmulatorConfig, MockServer};
use tokio::sync::mpsc;

/// Your endpoint: verify, then act. Answers 400 to anything that fails a check.
async fn receive(
    secret: WebhookSecret,
    events: mpsc::Sender<WebhookEvent>,
    request: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    let raw = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Ok(answer(400, "unreadable body")),
    };
    match webhook::verify_and_parse(&secret, &parts.headers, &raw, chrono::Utc::now()) {
        Ok(event) => {
            let _ = events.send(event).await;
            Ok(answer(200, "ok"))
        }
        Err(refused) => {
            println!("refused a webhook: {refused}");
            Ok(answer(400, "refused"))
        }
    }
}

fn answer(status: u16, text: &'static str) -> hyper::Response<Full<Bytes>> {
    hyper::Response::builder()
        .status(status)
        .body(Full::new(Bytes::from_static(text.as_bytes())))
        .expect("static parts")
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = WebhookSecret::new("whsec_a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6")?;

    // 1. The receiver, on loopback.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let hook_url = format!("http://{}/webhooks/push", listener.local_addr()?);
    let (sender, mut events) = mpsc::channel(16);
    let receiver_secret = secret.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (secret, sender) = (receiver_secret.clone(), sender.clone());
            tokio::spawn(async move {
                let service =
                    service_fn(move |request| receive(secret.clone(), sender.clone(), request));
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    println!("receiving webhooks at {hook_url}");

    // 2. Payments whose requests carry the webhook URL and secret.
    let server = MockServer::start(EmulatorConfig::default()).await?;
    let client = Client::builder()
        .token(DEFAULT_TOKEN)
        .base_url(&server.base_url())
        .build()?;
    let payment = |amount: i64, direction: Direction, tag: &str| {
        Authorize::builder()
            .amount(amount)
            .currency(Currency::Usd)
            .direction(direction)
            .token(format!("token_{tag}"))
            .webhook_url(hook_url.as_str())
            .webhook_secret(secret.clone())
            .tag(tag)
    };
    client
        .authorize(payment(1000, Direction::CashIn, "order-1").build()?)
        .await?;
    client
        .authorize(payment(1003, Direction::CashIn, "order-2").build()?)
        .await?;
    let held = client
        .authorize(
            payment(5000, Direction::CashOut, "payout-1")
                .approval_mode(ApprovalMode::Manual)
                .build()?,
        )
        .await?;
    println!(
        "payout {} is held for review; approving it",
        held.intent_id()
    );
    client.approve_intent(held.intent_id().clone()).await?;

    // 3. Three verified events: approved, declined, and the approved payout.
    for _ in 0..3 {
        let event = tokio::time::timeout(Duration::from_secs(5), events.recv())
            .await?
            .ok_or("receiver stopped")?;
        let intent = event.intent().ok_or("an intent event")?;
        println!(
            "verified {} for {} (tag {}, {} cents{})",
            event.event_type(),
            intent.id,
            intent.tag.as_deref().unwrap_or("-"),
            intent.amount.unwrap_or_default(),
            intent
                .decline_category
                .as_ref()
                .map(|c| format!(", {c}"))
                .unwrap_or_default(),
        );
    }
    Ok(())
}
