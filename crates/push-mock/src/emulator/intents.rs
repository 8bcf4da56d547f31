//! The intent routes: `POST /intent`, `GET /intent/{id}`, `GET /intent/list`,
//! `POST /intent/{id}/approve` and `POST /intent/{id}/cancel`, with Push's rules.

use bytes::Bytes;
use http::StatusCode;
use serde_json::{Value, json};

use super::{
    listing::Window,
    request::{
        Reply, amount_field, approval_rule, encode, enum_field, error, invalid, parse_body,
        segment, string_field, url_field,
    },
    state::{IntentRecord, NewIntent, State, idempotent},
    webhooks,
};

pub(super) fn create(state: &mut State, request: &http::Request<Bytes>) -> (StatusCode, Bytes) {
    let body = match parse_body(request) {
        Ok(body) => body,
        Err(reply) => return encode(reply),
    };
    let key = request
        .headers()
        .get("x-idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if key.as_ref().is_some_and(|k| k.is_empty() || k.len() > 255) {
        return encode(invalid("X-Idempotency-Key", "must be 1 to 255 characters"));
    }
    let fingerprint = Value::Object(body.clone());
    idempotent(
        |s| &mut s.by_key,
        state,
        key.clone(),
        fingerprint,
        |state| {
            let checked = (|| {
                let user_id = string_field(&body, "user_id")?
                    .ok_or_else(|| invalid("user_id", "is required"))?;
                let token = string_field(&body, "token")?;
                let amount = amount_field(&body)?;
                let currency = enum_field(&body, "currency", &["USD"])?;
                let direction = enum_field(&body, "direction", &["cash_in", "cash_out"])?;
                enum_field(&body, "approval_mode", &["automatic", "manual"])?;
                url_field(&body, "redirect_url", false)?;
                url_field(&body, "webhook_url", true)?;
                string_field(&body, "account_id")?;
                let (amount, direction) = match token {
                    Some(_) => {
                        for field in ["amount", "currency", "direction"] {
                            if body.get(field).is_some_and(|v| !v.is_null()) {
                                return Err(invalid(field, "must not be sent with token"));
                            }
                        }
                        (1000, "cash_in")
                    }
                    None => (
                        amount.ok_or_else(|| invalid("amount", "is required"))?,
                        direction.ok_or_else(|| invalid("direction", "is required"))?,
                    ),
                };
                if token.is_none() && currency.is_none() {
                    return Err(invalid("currency", "is required"));
                }
                let manual = approval_rule(&body, direction)?;
                Ok((user_id.to_owned(), amount, wire(direction), manual))
            })();
            let (user_id, amount, direction, manual) = match checked {
                Ok(values) => values,
                Err(reply) => return reply,
            };
            // Manual approval holds the intent for the operator (the emulator skips the session).
            let index = state.insert_intent(NewIntent {
                amount,
                direction,
                user_id,
                status: if manual { "pending" } else { "created" },
                idempotency_key: key.clone(),
                decline_category: None,
                manual,
                account_id: body.get("account_id").and_then(Value::as_str),
                refund_declines: false,
            });
            webhooks::remember(state, index, &body);
            state.stats.intents_created += 1;
            let id = &state.intents[index].id;
            (
                StatusCode::OK,
                json!({ "id": id, "url": format!("https://cdn.pushcash.com/ux/{id}") }),
            )
        },
    )
}

/// The direction as a `'static` wire string (validated before: one of the two).
pub(super) fn wire(direction: &str) -> &'static str {
    if direction == "cash_out" {
        "cash_out"
    } else {
        "cash_in"
    }
}

pub(super) fn get(state: &State, raw_id: &str) -> Reply {
    let id = segment(raw_id);
    match state.by_id.get(&id) {
        Some(&index) => (StatusCode::OK, state.intent_json(index)),
        None => error(StatusCode::NOT_FOUND, format!("intent {id} not found")),
    }
}

/// A state change Push enforces: each is allowed from some statuses only.
#[derive(Clone, Copy)]
pub(super) enum Transition {
    Approve,
    Cancel,
}

/// Approve (pending only) or cancel (created or pending only), as Push enforces.
pub(super) fn transition(state: &mut State, raw_id: &str, transition: Transition) -> Reply {
    let id = segment(raw_id);
    let Some(&index) = state.by_id.get(&id) else {
        return error(StatusCode::NOT_FOUND, format!("intent {id} not found"));
    };
    let current = state.intents[index].status;
    let next = match (transition, current) {
        (Transition::Approve, "pending") => "approved",
        (Transition::Approve, _) => {
            return error(
                StatusCode::CONFLICT,
                format!("intent {id} is {current}; only a pending intent can be approved"),
            );
        }
        (Transition::Cancel, "created" | "pending") => "canceled",
        (Transition::Cancel, _) => {
            return error(
                StatusCode::CONFLICT,
                format!(
                    "intent {id} is {current}; only an intent not yet approved can be canceled"
                ),
            );
        }
    };
    state.intents[index].status = next;
    if let Transition::Approve = transition {
        state.post_intent(index);
        webhooks::queue(state, index, "intent.approved");
    }
    (StatusCode::OK, state.intent_json(index))
}

const STATUSES: [&str; 5] = ["created", "approved", "declined", "pending", "canceled"];

pub(super) fn list(state: &State, request: &http::Request<Bytes>, page_size: usize) -> Reply {
    let mut statuses = Vec::new();
    let mut intent_type = None;
    let window = Window::parse(request, state.intents.len(), |name, value| {
        match name {
            "status" => match STATUSES.iter().find(|s| **s == value) {
                Some(status) => statuses.push(*status),
                None => {
                    return Err(invalid(
                        "status",
                        "must be one of created, approved, declined, pending, canceled",
                    ));
                }
            },
            "type" => match value {
                "push" | "card_only" => intent_type = Some(value.to_owned()),
                _ => return Err(invalid("type", "must be push or card_only")),
            },
            _ => {}
        }
        Ok(())
    });
    let window = match window {
        Ok(window) => window,
        Err(reply) => return reply,
    };
    window.page(
        &state.intents,
        page_size,
        |intent: &IntentRecord| intent.created_at,
        |intent| {
            (statuses.is_empty() || statuses.contains(&intent.status))
                && intent_type
                    .as_deref()
                    .is_none_or(|t| intent.intent_type == t)
        },
        |intent| {
            state
                .by_id
                .get(&intent.id)
                .map_or_else(|| intent.to_json(), |&index| state.intent_json(index))
        },
    )
}
