//! The `push listen` loop end to end: the emulator's event reaches the forwarder, which checks
//! it and forwards it, signed, to a receiver that records what it got.

use std::time::Duration;

use push_core::{RegisterWebhook, WebhookSecret, webhook};
use push_mock::{Action, EmulatorConfig, MockServer, Reply, ScriptedServer, WebhookForwarder};

const SECRET: &str = "whsec_forwarding_test_secret_0123456789";

fn secret() -> WebhookSecret {
    WebhookSecret::new(SECRET).unwrap()
}

#[test]
fn a_triggered_event_is_forwarded_signed_and_its_status_reported() {
    let server = MockServer::start_in_background(EmulatorConfig::default()).unwrap();
    let receiver = ScriptedServer::start([Action::Respond(Reply::new(204))]).unwrap();
    let forwarder =
        WebhookForwarder::start(&format!("{}/hook", receiver.base_url()), Some(secret()), 0)
            .unwrap();
    let client = server.client().unwrap();
    client
        .register_webhook(RegisterWebhook::new(&forwarder.url(), secret()).unwrap())
        .unwrap();

    // Over HTTP, as `push trigger` does: the server delivers what a request queued.
    let body = push_ureq::ureq::post(&format!("{}/_emulator/trigger", server.base_url()))
        .header(
            "authorization",
            &format!("Bearer {}", server.emulator().token()),
        )
        .header("content-type", "application/json")
        .send(r#"{"type": "intent.approved", "tag": "order-42"}"#)
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer["webhooks"], 1);
    let intent = answer["intent_id"].as_str().unwrap().to_owned();

    let forwarded = forwarder.next_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(forwarded.event_type.as_deref(), Some("intent.approved"));
    assert_eq!(forwarded.intent_id.as_deref(), Some(intent.as_str()));
    assert_eq!(forwarded.tag.as_deref(), Some("order-42"));
    assert_eq!((forwarded.status, forwarded.error), (Some(204), None));
    let got = receiver.requests();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].path(), "/hook");
    assert_eq!(
        got[0].header(webhook::SIGNATURE_HEADER),
        Some(webhook::sign(&secret(), &got[0].body).as_str())
    );
    // The emulator counted the delivery as answered 2xx: the receiver's status went back.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while server.emulator().stats().webhooks_delivered == 0 && std::time::Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(server.emulator().stats().webhooks_delivered, 1);
}

#[test]
fn a_webhook_with_a_wrong_signature_is_refused_and_not_forwarded() {
    let receiver = ScriptedServer::start([]).unwrap();
    let forwarder = WebhookForwarder::start(&receiver.base_url(), Some(secret()), 0).unwrap();
    let body = br#"{"type":"intent.declined","timestamp":"2026-12-04T00:00:00Z","data":{"id":"intent_x"}}"#;
    let other = WebhookSecret::new("an_entirely_different_secret_0123456789").unwrap();
    let answer = push_ureq::ureq::post(&forwarder.url())
        .config()
        .http_status_as_error(false)
        .build()
        .header(webhook::SIGNATURE_HEADER, webhook::sign(&other, body))
        .send(&body[..])
        .unwrap();
    assert_eq!(answer.status().as_u16(), 401);
    let refused = forwarder.next_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(refused.intent_id.as_deref(), Some("intent_x"));
    assert_eq!(refused.status, None);
    assert!(refused.error.unwrap().contains("signature"));
    assert!(receiver.requests().is_empty());
}

#[test]
fn an_unreachable_receiver_is_reported_and_answered_502() {
    // A port nothing listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let forwarder = WebhookForwarder::start(&format!("http://127.0.0.1:{port}/"), None, 0).unwrap();
    let answer = push_ureq::ureq::post(&forwarder.url())
        .config()
        .http_status_as_error(false)
        .build()
        .send(&b"{}"[..])
        .unwrap();
    assert_eq!(answer.status().as_u16(), 502);
    let failed = forwarder.next_timeout(Duration::from_secs(10)).unwrap();
    assert!(failed.error.unwrap().contains(&format!("127.0.0.1:{port}")));
}
