//! `POST /refund` and `GET /refund/{id}`, with Push's rules: only an approved intent, at most
//! its amount, one refund per intent (a repeat answers 200 with the refund already made), and
//! the published decline card (`5999 9619 6976 9301`) declined by the issuer with 401 and the
//! refund in the body.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::StatusCode;
use serde_json::{Value, json};

use super::{
    request::{Reply, amount_field, error, invalid, parse_body, segment, string_field},
    state::{State, suffix, timestamp},
};

/// One refund.
#[derive(Debug, Clone)]
pub(super) struct RefundRecord {
    pub(super) id: String,
    pub(super) intent: usize,
    pub(super) amount: i64,
    pub(super) approved: bool,
    pub(super) created_at: DateTime<Utc>,
}

impl RefundRecord {
    pub(super) fn to_json(&self, state: &State) -> Value {
        json!({
            "id": self.id,
            "intent_id": state.intents[self.intent].id,
            "amount": self.amount,
            "currency": "USD",
            "status": if self.approved { "approved" } else { "declined" },
            "created_at": timestamp(self.created_at),
        })
    }
}

pub(super) fn create(state: &mut State, request: &http::Request<Bytes>) -> Reply {
    let body = match parse_body(request) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let checked = (|| {
        let intent_id =
            string_field(&body, "intent_id")?.ok_or_else(|| invalid("intent_id", "is required"))?;
        Ok((intent_id.to_owned(), amount_field(&body)?))
    })();
    let (intent_id, amount) = match checked {
        Ok(values) => values,
        Err(reply) => return reply,
    };
    let Some(&intent) = state.by_id.get(&intent_id) else {
        return error(
            StatusCode::NOT_FOUND,
            format!("intent {intent_id} not found"),
        );
    };
    if let Some(&existing) = state.refund_by_intent.get(&intent) {
        return (StatusCode::OK, state.refunds[existing].to_json(state));
    }
    let record = &state.intents[intent];
    if record.status != "approved" {
        return invalid(
            "intent_id",
            &format!(
                "intent {intent_id} is {}; only an approved intent can be refunded",
                record.status
            ),
        );
    }
    let amount = amount.unwrap_or(record.amount);
    if amount > record.amount {
        return invalid(
            "amount",
            &format!("must not exceed the intent's amount ({})", record.amount),
        );
    }
    let approved = !record.refund_declines;
    let sign = if record.direction == "cash_out" {
        1
    } else {
        -1
    };
    let account = record.account_id.clone();
    let created_at = state.next_created_at();
    let id = format!("refund_{}", suffix(state.refunds.len() as u64 + 5_000_000));
    state.refund_by_intent.insert(intent, state.refunds.len());
    state.refunds_by_id.insert(id.clone(), state.refunds.len());
    state.refunds.push(RefundRecord {
        id: id.clone(),
        intent,
        amount,
        approved,
        created_at,
    });
    if approved {
        state.post(&account, sign * amount, &id);
    }
    let json = state.refunds[state.refunds.len() - 1].to_json(state);
    if approved {
        (StatusCode::OK, json)
    } else {
        (StatusCode::UNAUTHORIZED, json)
    }
}

pub(super) fn get(state: &State, raw_id: &str) -> Reply {
    let id = segment(raw_id);
    match state.refunds_by_id.get(&id) {
        Some(&index) => (StatusCode::OK, state.refunds[index].to_json(state)),
        None => error(StatusCode::NOT_FOUND, format!("refund {id} not found")),
    }
}
