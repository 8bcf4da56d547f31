//! Webhook delivery: which intents asked for webhooks, and the signed events waiting to go out.
//! The signature is computed here (HMAC-SHA256, lowercase hex), not by the SDK, so the SDK's
//! verifier is checked against an independent signer.

use bytes::Bytes;
use chrono::Utc;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use http::StatusCode;

use super::{
    request::{Body, Reply, encode, invalid, parse_body, string_field, url_field},
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

/// What an intent's request said about its events: where they go (its own URL, if any) and
/// the `tag` every event carries, to its URL and to the registered one alike.
pub(super) struct WebhookTarget {
    url: Option<String>,
    secret: Option<String>,
    tag: Option<String>,
}

/// Remembers the intent's `webhook_url`, `webhook_secret` and `tag`, if it has either a URL or
/// a tag (a tag without a URL still goes out to the organisation's registered URL).
pub(super) fn remember(state: &mut State, index: usize, body: &Body) {
    let text = |field: &str| body.get(field).and_then(Value::as_str).map(str::to_owned);
    let (url, tag) = (text("webhook_url"), text("tag"));
    if url.is_none() && tag.is_none() {
        return;
    }
    state.webhooks.insert(
        index,
        WebhookTarget {
            url,
            secret: text("webhook_secret").filter(|s| !s.is_empty()),
            tag,
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

/// `POST /webhook/register {url, secret}`: replaces the organisation's registration. Push
/// publishes no answer body; the emulator answers 200 with none.
pub(super) fn register(state: &mut State, request: &http::Request<Bytes>) -> (StatusCode, Bytes) {
    let body = match parse_body(request) {
        Ok(body) => body,
        Err(reply) => return encode(reply),
    };
    let checked = (|| {
        let url = string_field(&body, "url")?.ok_or_else(|| invalid("url", "is required"))?;
        url_field(&body, "url", true)?;
        let secret = string_field(&body, "secret")?;
        if secret.is_some_and(|s| !(32..=4096).contains(&s.chars().count())) {
            return Err(invalid("secret", "must be 32 to 4096 characters"));
        }
        Ok((url.to_owned(), secret.map(str::to_owned)))
    })();
    match checked {
        Ok(registration) => {
            state.registration = Some(registration);
            (StatusCode::OK, Bytes::new())
        }
        Err(reply) => encode(reply),
    }
}

/// Queues `event` for the intent, signed as Push signs it: to the URL its request named, if
/// any, and to the organisation's registered URL, if any (once when they are the same).
pub(super) fn queue(state: &mut State, index: usize, event: &str) {
    let target = state.webhooks.get(&index);
    let mut destinations: Vec<(String, Option<String>)> = target
        .iter()
        .filter_map(|t| Some((t.url.clone()?, t.secret.clone())))
        .collect();
    if let Some(registration) = &state.registration
        && !destinations.contains(registration)
    {
        destinations.push(registration.clone());
    }
    if destinations.is_empty() {
        return;
    }
    let intent = &state.intents[index];
    let approved = event == "intent.approved";
    // Limits in dollars with two places, as Push writes them: what this intent used.
    let dollars = |cents: i64| format!("{}.{:02}", cents / 100, cents % 100);
    let (cash_in, cash_out) = if intent.direction == "cash_in" {
        (intent.amount, 0)
    } else {
        (0, intent.amount)
    };
    let body = json!({
        "type": event,
        "timestamp": timestamp(Utc::now()),
        "data": {
            "id": intent.id, "tag": target.and_then(|t| t.tag.clone()),
            "direction": intent.direction, "amount": intent.amount, "status": intent.status,
            "rail": approved.then_some("card"), "currency": "USD", "type": intent.intent_type,
            "decline_category": intent.decline_category,
            "limits_utilization": approved.then(|| json!({
                "daily_cash_in": dollars(cash_in), "daily_cash_out": dollars(cash_out),
                "monthly_cash_in": dollars(cash_in), "monthly_cash_out": dollars(cash_out),
            })),
        },
    });
    let body = Bytes::from(body.to_string());
    for (url, secret) in destinations {
        let signature = secret.as_deref().map(|secret| sign(secret, &body));
        if state.outbox.len() >= OUTBOX_LIMIT {
            state.outbox.pop_front();
        }
        state.outbox.push_back(OutgoingWebhook {
            url,
            body: body.clone(),
            signature,
        });
        state.stats.webhooks_queued += 1;
    }
}

/// `POST /_emulator/trigger {"type", "tag"?}`: a new intent (1,000 cents, cash-in) that ends
/// `intent.approved` or `intent.declined` at once, its event queued to the registered endpoint.
/// Answers `{"intent_id", "type", "webhooks": n}`, n the deliveries queued (0 when nothing is
/// registered).
pub(super) fn trigger(state: &mut State, event: &str, tag: Option<&str>) -> Reply {
    let approved = match event {
        "intent.approved" => true,
        "intent.declined" => false,
        _ => return invalid("type", "must be intent.approved or intent.declined"),
    };
    if tag.is_some_and(|t| t.chars().count() > 255) {
        return invalid("tag", "must be at most 255 characters");
    }
    let index = state.insert_intent(super::state::NewIntent {
        amount: 1_000,
        direction: "cash_in",
        user_id: "user_triggered".to_owned(),
        status: if approved { "approved" } else { "declined" },
        idempotency_key: None,
        decline_category: (!approved).then(|| "insufficient_funds".to_owned()),
        manual: false,
        account_id: None,
        refund_declines: false,
    });
    if approved {
        state.post_intent(index);
    }
    state.webhooks.insert(
        index,
        WebhookTarget {
            url: None,
            secret: None,
            tag: tag.map(str::to_owned),
        },
    );
    let before = state.stats.webhooks_queued;
    queue(state, index, event);
    (
        StatusCode::OK,
        json!({
            "intent_id": state.intents[index].id,
            "type": event,
            "webhooks": state.stats.webhooks_queued - before,
        }),
    )
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
