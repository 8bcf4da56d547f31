//! Webhook delivery: which intents asked for webhooks, and the signed events waiting to go out.
//! The signature is computed here (HMAC-SHA256, lowercase hex), not by the SDK, so the SDK's
//! verifier is checked against an independent signer.

use bytes::Bytes;
use chrono::Utc;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use super::{
    request::Body,
    state::{State, timestamp},
};

/// A webhook the emulator has to deliver: signed when the intent's request carried a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingWebhook {
    /// The `webhook_url` of the intent's request.
    pub url: String,
    /// The JSON body.
    pub body: Bytes,
    /// `X-Webhook-Signature`, present when the request carried a `webhook_secret`.
    pub signature: Option<String>,
}

/// The most webhooks kept waiting for delivery; older ones are dropped past it.
const OUTBOX_LIMIT: usize = 10_000;

/// Where an intent's events go, as its request said.
pub(super) struct WebhookTarget {
    url: String,
    secret: Option<String>,
    tag: Option<String>,
}

/// Remembers the intent's `webhook_url`, `webhook_secret` and `tag`, if it has a URL.
pub(super) fn remember(state: &mut State, index: usize, body: &Body) {
    let Some(url) = body.get("webhook_url").and_then(Value::as_str) else {
        return;
    };
    let text = |field: &str| body.get(field).and_then(Value::as_str).map(str::to_owned);
    state.webhooks.insert(
        index,
        WebhookTarget {
            url: url.to_owned(),
            secret: text("webhook_secret").filter(|s| !s.is_empty()),
            tag: text("tag"),
        },
    );
}

/// The lowercase hex HMAC-SHA256 of `body` under `secret`: what Push sends.
pub(super) fn sign(secret: &str, body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        // HMAC takes keys of any length; kept total rather than assumed.
        return String::new();
    };
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Queues `event` for the intent, signed as Push signs it, if its request asked for webhooks.
pub(super) fn queue(state: &mut State, index: usize, event: &str) {
    let Some(target) = state.webhooks.get(&index) else {
        return;
    };
    let intent = &state.intents[index];
    let body = json!({
        "type": event,
        "timestamp": timestamp(Utc::now()),
        "data": {
            "id": intent.id, "tag": target.tag,
            "direction": intent.direction, "amount": intent.amount, "status": intent.status,
            "rail": "card", "currency": "USD", "type": intent.intent_type,
            "decline_category": intent.decline_category, "limits_utilization": null,
        },
    });
    let body = Bytes::from(body.to_string());
    let signature = target.secret.as_deref().map(|secret| sign(secret, &body));
    let outgoing = OutgoingWebhook {
        url: target.url.clone(),
        body,
        signature,
    };
    if state.outbox.len() >= OUTBOX_LIMIT {
        state.outbox.pop_front();
    }
    state.outbox.push_back(outgoing);
    state.stats.webhooks_queued += 1;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231 test case 2: the signer is HMAC-SHA256, whatever the SDK does.
    #[test]
    fn signs_with_hmac_sha256_in_lowercase_hex() {
        assert_eq!(
            sign("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
