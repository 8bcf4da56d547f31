//! `GET /dispute/list` and `GET /dispute/{id}`, and the emulator-only controls that open and
//! resolve disputes (Push's own simulation routes are retired).

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::StatusCode;
use serde_json::{Value, json};

use super::{
    ledger::DISPUTE_ACCOUNT,
    listing::Window,
    request::{Reply, error, segment},
    state::{State, suffix, timestamp},
};

/// One dispute.
#[derive(Debug, Clone)]
pub(super) struct DisputeRecord {
    pub(super) id: String,
    pub(super) intent: usize,
    pub(super) amount: i64,
    pub(super) code: String,
    pub(super) status: &'static str,
    pub(super) created_at: DateTime<Utc>,
}

impl DisputeRecord {
    pub(super) fn to_json(&self, state: &State) -> Value {
        let intent = &state.intents[self.intent];
        json!({
            "id": self.id,
            "amount": self.amount,
            "currency": "USD",
            "created_at": timestamp(self.created_at),
            "intent_id": intent.id,
            "code": self.code,
            "status": self.status,
            "type": intent.intent_type,
        })
    }
}

/// Opens a dispute on an approved intent (one per intent): the disputed amount is debited on
/// the dispute account.
pub(super) fn open(state: &mut State, intent_id: &str, code: &str) -> Reply {
    let Some(&intent) = state.by_id.get(intent_id) else {
        return error(
            StatusCode::NOT_FOUND,
            format!("intent {intent_id} not found"),
        );
    };
    if state.disputes.iter().any(|d| d.intent == intent) {
        return error(
            StatusCode::CONFLICT,
            format!("intent {intent_id} is already disputed"),
        );
    }
    if state.intents[intent].status != "approved" {
        return error(
            StatusCode::CONFLICT,
            format!("intent {intent_id} is not approved; only approved intents are disputed"),
        );
    }
    let amount = state.intents[intent].amount;
    let created_at = state.next_created_at();
    let id = format!(
        "dispute_{}",
        suffix(state.disputes.len() as u64 + 6_000_000)
    );
    state
        .disputes_by_id
        .insert(id.clone(), state.disputes.len());
    state.disputes.push(DisputeRecord {
        id: id.clone(),
        intent,
        amount,
        code: code.to_owned(),
        status: "created",
        created_at,
    });
    state.post(DISPUTE_ACCOUNT, -amount, &id);
    let index = state.disputes.len() - 1;
    (StatusCode::OK, state.disputes[index].to_json(state))
}

/// Resolves an open dispute: `won` credits the amount back on the dispute account.
pub(super) fn resolve(state: &mut State, dispute_id: &str, won: bool) -> Reply {
    let Some(&index) = state.disputes_by_id.get(dispute_id) else {
        return error(
            StatusCode::NOT_FOUND,
            format!("dispute {dispute_id} not found"),
        );
    };
    let current = state.disputes[index].status;
    if current != "created" {
        return error(
            StatusCode::CONFLICT,
            format!("dispute {dispute_id} is already {current}"),
        );
    }
    state.disputes[index].status = if won { "won" } else { "lost" };
    if won {
        let amount = state.disputes[index].amount;
        state.post(DISPUTE_ACCOUNT, amount, dispute_id);
    }
    (StatusCode::OK, state.disputes[index].to_json(state))
}

pub(super) fn get(state: &State, raw_id: &str) -> Reply {
    let id = segment(raw_id);
    match state.disputes_by_id.get(&id) {
        Some(&index) => (StatusCode::OK, state.disputes[index].to_json(state)),
        None => error(StatusCode::NOT_FOUND, format!("dispute {id} not found")),
    }
}

pub(super) fn list(state: &State, request: &http::Request<Bytes>, page_size: usize) -> Reply {
    let window = match Window::parse(request, state.disputes.len(), |_, _| Ok(())) {
        Ok(window) => window,
        Err(reply) => return reply,
    };
    window.page(
        &state.disputes,
        page_size,
        |d: &DisputeRecord| d.created_at,
        |_| true,
        |d| d.to_json(state),
    )
}
