#![no_main]
//! Error bodies (JSON or plain text), rate-limit headers and `Retry-After`: parsed without
//! panics, and the retry decision stays within its budget.

use std::time::Duration;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use push_core::{Error, RateLimit, retry::RetryContext, retry::RetryDecision, retry::RetryOutcome, retry::RetryPolicy, retry::RetrySafety, retry::parse_retry_after};

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    status: u16,
    headers: Vec<(u8, &'a str)>,
    body: &'a [u8],
    attempts: u8,
    elapsed_ms: u32,
}

const NAMES: [&str; 7] =
    ["retry-after", "date", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "x-request-id", "content-type"];

fuzz_target!(|input: Input<'_>| {
    let mut builder = http::Response::builder().status(400 + input.status % 200);
    for (name, value) in &input.headers {
        if let Ok(value) = http::HeaderValue::from_str(value) {
            builder = builder.header(NAMES[usize::from(*name) % NAMES.len()], value);
        }
    }
    let Ok(response) = builder.body(bytes::Bytes::copy_from_slice(input.body)) else { return };
    let err = Error::from_response(&response);
    let _ = err.to_string();
    let _ = RateLimit::from_headers(response.headers());
    let hint = parse_retry_after(response.headers());
    assert!(hint.is_none_or(|d| d <= Duration::from_secs(86_400)));
    let policy = RetryPolicy::default();
    let elapsed = Duration::from_millis(u64::from(input.elapsed_ms));
    let decision = policy.decide(&RetryContext::new(
        u32::from(input.attempts),
        elapsed,
        RetrySafety::Idempotent,
        RetryOutcome::Response { status: response.status(), headers: response.headers() },
        0.5,
    ));
    if let RetryDecision::RetryAfter(delay) = decision {
        assert!(elapsed + delay <= policy.budget());
        assert!(u32::from(input.attempts) <= policy.max_retries());
    }
});
