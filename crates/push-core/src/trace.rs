//! The `tracing` spans every driver records, written once (feature `tracing`, on by default):
//! `push.call` per logical call (method, path template, idempotency key) and `push.attempt` per
//! attempt (attempt number, then status or error and duration). Never headers or bodies: they
//! carry the token and secrets.

use std::time::Instant;

use crate::{Call, Operation, Response, TransportError};

/// The span of one logical call.
pub fn call_span<O: Operation>(call: &Call<O>) -> tracing::Span {
    tracing::info_span!(
        "push.call",
        method = %call.operation().method(),
        path = call.operation().path_template(),
        idempotency_key = call.idempotency_key().map(|k| k.as_str()),
    )
}

/// The span of one attempt; [`record`] fills in how it ended.
pub fn attempt_span(attempt: u32) -> tracing::Span {
    tracing::debug_span!(
        "push.attempt",
        attempt,
        status = tracing::field::Empty,
        error = tracing::field::Empty,
        duration_ms = tracing::field::Empty
    )
}

/// Records the attempt's status (or error) and duration, and emits its `push.attempt done` event.
pub fn record(span: &tracing::Span, result: &Result<Response, TransportError>, started: Instant) {
    match result {
        Ok(response) => span.record("status", response.status().as_u16()),
        Err(err) => span.record("error", tracing::field::display(err)),
    };
    let millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    span.record("duration_ms", millis);
    span.in_scope(|| tracing::debug!("push.attempt done"));
}
