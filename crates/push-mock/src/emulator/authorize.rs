//! `POST /authorize`: a payment from a card token or a stored credential, with outcomes decided
//! by the amount (documented in the README) and deduplicated on `token`.

use bytes::Bytes;
use http::StatusCode;
use serde_json::{Value, json};

use super::{
    intents::wire,
    request::{
        amount_field, approval_rule, encode, enum_field, invalid, parse_body, string_field,
        url_field,
    },
    state::{NewIntent, State, idempotent},
    tokens, webhooks,
};

/// What the emulator answers to `POST /authorize`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MockOutcome {
    /// 200.
    Approved,
    /// 202 with a URL.
    AuthenticationRequired,
    /// 401 with this `decline_category`, as Push writes it.
    Declined(&'static str),
}

/// The deterministic outcome of `POST /authorize`, by amount (documented in the README).
pub fn authorize_outcome(amount: i64) -> MockOutcome {
    let category = match amount % 100 {
        1 => "insufficient_funds",
        2 => "unapproved_amount",
        3 => "fraud_risk",
        4 => "connection_error",
        5 => "transaction_limit",
        6 => "unsupported_card",
        7 => "suspended_user",
        _ if amount >= 100_000 => return MockOutcome::AuthenticationRequired,
        _ => return MockOutcome::Approved,
    };
    MockOutcome::Declined(category)
}

pub(super) fn authorize(state: &mut State, request: &http::Request<Bytes>) -> (StatusCode, Bytes) {
    let body = match parse_body(request) {
        Ok(body) => body,
        Err(reply) => return encode(reply),
    };
    let token = body.get("token").and_then(Value::as_str).map(str::to_owned);
    if let Some(token) = &token {
        *state
            .stats
            .requests_per_token
            .entry(token.clone())
            .or_default() += 1;
    }
    let fingerprint = Value::Object(body.clone());
    idempotent(
        |s| &mut s.by_token,
        state,
        token,
        fingerprint,
        |state| {
            let checked = (|| {
                let amount =
                    amount_field(&body)?.ok_or_else(|| invalid("amount", "is required"))?;
                enum_field(&body, "currency", &["USD"])?
                    .ok_or_else(|| invalid("currency", "is required"))?;
                let direction = enum_field(&body, "direction", &["cash_in", "cash_out"])?
                    .ok_or_else(|| invalid("direction", "is required"))?;
                let manual = approval_rule(&body, direction)?;
                match (
                    string_field(&body, "token")?,
                    string_field(&body, "credential_id")?,
                ) {
                    (None, None) => return Err(invalid("token", "or credential_id is required")),
                    (Some(_), Some(_)) => {
                        return Err(invalid("token", "must not be sent with credential_id"));
                    }
                    _ => {}
                }
                url_field(&body, "redirect_url", false)?;
                url_field(&body, "webhook_url", true)?;
                if let Some(secret) = string_field(&body, "webhook_secret")?
                    && !(32..=4096).contains(&secret.chars().count())
                {
                    return Err(invalid("webhook_secret", "must be 32 to 4096 characters"));
                }
                if string_field(&body, "tag")?.is_some_and(|t| t.len() > 255) {
                    return Err(invalid("tag", "must be at most 255 characters"));
                }
                Ok((amount, wire(direction), manual))
            })();
            let (amount, direction, manual) = match checked {
                Ok(values) => values,
                Err(reply) => return reply,
            };
            // A card token this server issued is bound to its user and good once; a fresh
            // card is stored on the user when the payment goes through, as Push does.
            let redeemed = match string_field(&body, "token") {
                Ok(Some(token)) => match tokens::redeem(state, token) {
                    Ok(redeemed) => redeemed,
                    Err(reply) => return reply,
                },
                _ => None,
            };
            let outcome = authorize_outcome(amount);
            let status = match &outcome {
                MockOutcome::Approved if manual => "pending",
                MockOutcome::Approved => "approved",
                MockOutcome::Declined(_) => "declined",
                MockOutcome::AuthenticationRequired => "created",
            };
            let decline_category = match &outcome {
                MockOutcome::Declined(category) => Some((*category).to_owned()),
                _ => None,
            };
            let user_id = match &redeemed {
                Some(token) => {
                    if !matches!(outcome, MockOutcome::Declined(_)) {
                        let kind = if token.card_only {
                            "card_only_debit"
                        } else {
                            "secure_debit"
                        };
                        state.add_credential(token.user, kind, &token.card_last4);
                    }
                    state.users[token.user].id.clone()
                }
                None => "user_authorized".to_owned(),
            };
            let index = state.insert_intent(NewIntent {
                amount,
                direction,
                user_id,
                status,
                idempotency_key: None,
                decline_category,
                manual,
                account_id: body.get("account_id").and_then(Value::as_str),
                refund_declines: redeemed.as_ref().is_some_and(|t| t.refund_declines),
            });
            state.stats.authorizations += 1;
            if status == "approved" {
                state.post_intent(index);
            }
            webhooks::remember(state, index, &body);
            match status {
                "approved" => webhooks::queue(state, index, "intent.approved"),
                "declined" => webhooks::queue(state, index, "intent.declined"),
                _ => {}
            }
            let id = &state.intents[index].id;
            match outcome {
                MockOutcome::Approved => (
                    StatusCode::OK,
                    json!({"id": id, "amount": amount, "direction": direction, "currency": "USD",
                       "credential": {"display_name": "Chase Checking", "last4": "6018"}}),
                ),
                MockOutcome::Declined(category) => (
                    StatusCode::UNAUTHORIZED,
                    json!({"id": id, "decline_category": category}),
                ),
                MockOutcome::AuthenticationRequired => (
                    StatusCode::ACCEPTED,
                    json!({"id": id, "url": format!("https://cdn.pushcash.com/ux/{id}")}),
                ),
            }
        },
    )
}
