//! A Push webhook receiver on axum: the handler takes the raw body as `Bytes` (never a parsed
//! `Json`: the signature is over the exact bytes Push sent), verifies signature and timestamp
//! with push-core, answers 400 to anything that fails, and hands verified events on, each
//! once: Push delivers at least once, so the journal (`first_delivery`, persistent across
//! restarts) drops a redelivered event.
//!
//! The emulator plays Push: the organisation's webhook URL is registered with
//! `POST /webhook/register`, and each payment's status change is delivered there, signed.
//!
//! Run it: `cargo run --example axum_webhooks`.

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    routing::post,
};
use push_hyper::{
    Authorize, Client, Currency, Direction, RegisterWebhook, WebhookEvent, WebhookSecret,
    WebhookVerifier, push_journal::AsyncJournal,
};
use push_mock::{DEFAULT_TOKEN, EmulatorConfig, MockServer};
use tokio::sync::mpsc;

#[derive(Clone)]
struct Receiver {
    verifier: WebhookVerifier,
    events: mpsc::Sender<WebhookEvent>,
    journal: Arc<dyn AsyncJournal>,
    duplicates: Arc<AtomicUsize>,
}

/// `POST /webhooks/push`: verify over the raw bytes, then act (here: queue the event).
async fn receive(State(app): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    match app
        .verifier
        .verify_and_parse(&headers, &body, chrono::Utc::now())
    {
        Ok(event) => {
            // Once per event, across restarts: a redelivery is acknowledged and dropped.
            match app.journal.first_delivery(&event).await {
                Ok(true) => {}
                Ok(false) => {
                    app.duplicates.fetch_add(1, Ordering::SeqCst);
                    return StatusCode::OK;
                }
                // Not recorded: answer 500 so that Push delivers it again later.
                Err(_) => return StatusCode::INTERNAL_SERVER_ERROR,
            }
            // Answer fast; do the work elsewhere. Push retries deliveries that are not 2xx.
            let _ = app.events.send(event).await;
            StatusCode::OK
        }
        Err(refused) => {
            println!("refused a webhook: {refused}");
            StatusCode::BAD_REQUEST
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = WebhookSecret::new("whsec_a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6")?;
    let (events, mut verified) = mpsc::channel(16);
    let dir = std::env::temp_dir().join(format!("push-axum-webhooks-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let journal =
        push_hyper::push_journal::open_async(&dir.join("journal.sqlite3").as_path().into()).await?;
    let duplicates = Arc::new(AtomicUsize::new(0));
    let app = Router::new()
        .route("/webhooks/push", post(receive))
        .with_state(Receiver {
            verifier: WebhookVerifier::new(secret.clone()),
            events,
            journal,
            duplicates: Arc::clone(&duplicates),
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhooks/push", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    println!("axum receiving webhooks at {url}");

    let push = MockServer::start(EmulatorConfig::default()).await?;
    let client = Client::builder()
        .token(DEFAULT_TOKEN)
        .base_url(&push.base_url())
        .build()?;
    client
        .register_webhook(RegisterWebhook::new(&url, secret.clone())?)
        .await?;
    for (amount, tag) in [(2500, "order-1"), (1003, "order-2")] {
        let payment = Authorize::builder()
            .amount(amount)
            .currency(Currency::Usd)
            .direction(Direction::CashIn)
            .token(format!("token_{tag}"))
            .tag(tag)
            .build()?;
        client.authorize(payment).await?;
    }

    // A forged delivery: right shape, wrong signature. Refused with 400.
    let forged = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Full<bytes::Bytes>>()
        .request(
            http::Request::post(url.as_str())
                .header("x-webhook-signature", "0".repeat(64))
                .body(http_body_util::Full::new(bytes::Bytes::from_static(
                    br#"{"type":"intent.approved","timestamp":"2026-11-22T00:00:00Z","data":{"id":"intent_forged"}}"#,
                )))?,
        )
        .await?;
    println!("a forged delivery was answered {}", forged.status());
    assert_eq!(forged.status(), 400);

    let http = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Full<bytes::Bytes>>();
    let mut first = None;
    for _ in 0..2 {
        let event = tokio::time::timeout(Duration::from_secs(5), verified.recv())
            .await?
            .ok_or("the receiver stopped")?;
        first.get_or_insert_with(|| event.to_json());
        let intent = event.intent().ok_or("an intent event")?;
        println!(
            "verified {} for {} (tag {})",
            event.event_type(),
            intent.id,
            intent.tag.as_deref().unwrap_or("-")
        );
    }
    // Push delivers at least once: the same event again is acknowledged, and not handled twice.
    let body = serde_json::to_vec(&first.ok_or("an event")?)?;
    let again = http
        .request(
            http::Request::post(url.as_str())
                .header(
                    "x-webhook-signature",
                    push_hyper::webhook::sign(&secret, &body),
                )
                .body(http_body_util::Full::new(bytes::Bytes::from(body)))?,
        )
        .await?;
    assert_eq!(again.status(), 200);
    assert_eq!(
        duplicates.load(Ordering::SeqCst),
        1,
        "the redelivery was dropped"
    );
    println!("a redelivered event was acknowledged and dropped (first_delivery)");
    let _ = stop.send(());
    serving.await??;
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
