//! The `tracing` spans every driver records, written once (feature `tracing`, on by default):
//! `push.call` per logical call and `push.attempt` per attempt, a `retry` event with the delay
//! chosen, and the call's outcome. Never headers or bodies: they carry the token and secrets.
//!
//! Field names follow OpenTelemetry's HTTP client conventions, so `tracing-opentelemetry`
//! exports them without glue: `otel.name`, `otel.kind = "client"`, `http.request.method`,
//! `url.template` (`/intent/{id}`: never an id), `server.address`, `server.port`,
//! `http.response.status_code`, `otel.status_code`. Push's own: `push.idempotency_key`,
//! `push.request_id`, `push.attempts` and `push.outcome` (`ok`, `error` or `outcome_unknown`:
//! the request may have been acted on). The older names (`method`, `path`, `idempotency_key`,
//! `status`) are kept.

use std::time::{Duration, Instant};

use crate::{Call, Error, Operation, Response, TransportError};

/// The span of one logical call; [`sending`] and [`finish`] fill in the rest.
pub fn call_span<O: Operation>(call: &Call<O>) -> tracing::Span {
    let method = call.operation().method();
    let template = call.operation().path_template();
    let key = call.idempotency_key().map(|k| k.as_str());
    tracing::info_span!(
        "push.call",
        otel.name = format!("{method} {template}"),
        otel.kind = "client",
        otel.status_code = tracing::field::Empty,
        http.request.method = %method,
        url.template = template,
        server.address = tracing::field::Empty,
        server.port = tracing::field::Empty,
        http.response.status_code = tracing::field::Empty,
        push.idempotency_key = key,
        push.request_id = tracing::field::Empty,
        push.attempts = tracing::field::Empty,
        push.outcome = tracing::field::Empty,
        method = %method,
        path = template,
        idempotency_key = key,
    )
}

/// Records where the call goes (host and port of the request about to be sent) on its span.
pub fn sending(span: &tracing::Span, request: &crate::transport::Request) {
    let uri = request.uri();
    if let Some(host) = uri.host() {
        span.record("server.address", host);
    }
    let port = uri.port_u16().or(match uri.scheme_str() {
        Some("https") => Some(443),
        Some("http") => Some(80),
        _ => None,
    });
    if let Some(port) = port {
        span.record("server.port", port);
    }
}

/// The span of one attempt; [`record`] fills in how it ended.
pub fn attempt_span(attempt: u32) -> tracing::Span {
    tracing::debug_span!(
        "push.attempt",
        attempt,
        http.response.status_code = tracing::field::Empty,
        status = tracing::field::Empty,
        error = tracing::field::Empty,
        duration_ms = tracing::field::Empty
    )
}

/// Records the attempt's status (or error) and duration, and emits its `push.attempt done` event.
pub fn record(span: &tracing::Span, result: &Result<Response, TransportError>, started: Instant) {
    match result {
        Ok(response) => {
            let status = response.status().as_u16();
            span.record("status", status);
            span.record("http.response.status_code", status)
        }
        Err(err) => span.record("error", tracing::field::display(err)),
    };
    let millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    span.record("duration_ms", millis);
    span.in_scope(|| tracing::debug!("push.attempt done"));
}

/// The `retry` event, in the call's span: the delay chosen before the next attempt.
pub fn retry(delay: Duration) {
    let delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
    tracing::info!(name: "retry", { retry.delay_ms = delay_ms }, "retry");
}

/// Records how the call ended on its span: the outcome (`outcome_unknown` when the request
/// may have been acted on), the last status and Push's request id, and the attempts made.
pub fn finish<O: Operation, T>(span: &tracing::Span, call: &Call<O>, result: &Result<T, Error>) {
    // The response's metadata is cloned from the call: only for a span someone records.
    if span.is_disabled() {
        return;
    }
    span.record("push.attempts", call.attempts());
    let meta = call.response_meta();
    let request_id = meta.as_ref().and_then(|m| m.request_id.as_deref());
    let (outcome, status, request_id) = match result {
        Ok(_) => ("ok", meta.as_ref().map(|m| m.status), request_id),
        Err(err) => (
            if err.is_outcome_unknown() {
                "outcome_unknown"
            } else {
                "error"
            },
            err.status(),
            err.request_id().or(request_id),
        ),
    };
    span.record("push.outcome", outcome);
    span.record(
        "otel.status_code",
        if result.is_ok() { "OK" } else { "ERROR" },
    );
    if let Some(status) = status {
        span.record("http.response.status_code", status.as_u16());
    }
    if let Some(id) = request_id {
        span.record("push.request_id", id);
    }
}
