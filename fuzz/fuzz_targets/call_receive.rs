#![no_main]
//! Any status, any headers (names and values as raw bytes) and any body, fed through
//! `Call::receive` of every operation: the retry decision, decoding, error construction and
//! Display never panic, every wait is within the budget, and the call ends within its attempts.

use std::time::Instant;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use push_core::{ApiToken, ApproveIntent, Authorize, call::Call, CallOptions, CancelIntent, Config, CreateIntent, Currency, Direction, Environment, Error, GetIntent, retry::Jitter, ListIntents, ops::Operation, transport::Response, call::Step, transport::TransportError, transport::TransportErrorKind, WebhookSecret};

#[derive(Debug, Arbitrary)]
struct Reply<'a> {
    status: u16,
    headers: Vec<(&'a [u8], &'a [u8])>,
    body: &'a [u8],
    /// Instead of a response: a transport failure of this kind (0..=4) when set.
    failure: Option<(u8, bool)>,
}

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    operation: u8,
    replies: Vec<Reply<'a>>,
}

fn response(reply: &Reply<'_>) -> Result<Response, TransportError> {
    if let Some((kind, reached)) = reply.failure {
        let kind = match kind % 5 {
            0 => TransportErrorKind::Connect,
            1 => TransportErrorKind::Timeout,
            2 => TransportErrorKind::Io,
            3 => TransportErrorKind::BodyTooLarge { limit: 16 },
            _ => TransportErrorKind::Other,
        };
        return Err(TransportError::new(kind, reached, None));
    }
    let status = http::StatusCode::from_u16(reply.status).unwrap_or(http::StatusCode::OK);
    let mut response = http::Response::new(bytes::Bytes::copy_from_slice(reply.body));
    *response.status_mut() = status;
    for (name, value) in &reply.headers {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name),
            http::HeaderValue::from_bytes(value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    Ok(response)
}

fn drive<O: Operation>(config: &Config, operation: O, replies: &[Reply<'_>]) {
    let Ok(mut call) = Call::new(config, operation, &CallOptions::new()) else { return };
    let budget = config.retry_policy().budget();
    let start = Instant::now();
    let mut now = start;
    for reply in replies {
        let _ = call.next_request(now);
        match call.receive(response(reply), now) {
            Step::Wait(delay) => {
                assert!(now.duration_since(start) + delay <= budget, "waited past the budget");
                now += delay;
            }
            Step::Done(result) => {
                if let Err(err) = result {
                    let _: String = err.to_string();
                    let _ = (err.status(), err.body(), err.is_outcome_unknown());
                    let _ = err.may_have_reached_server();
                    if let Error::Validation(_) = err {
                        panic!("validation after sending: {err}");
                    }
                }
                return;
            }
        }
        // Every attempt counted; the confirming read of a transition is one more.
        assert!(call.attempts() <= config.retry_policy().max_retries() + 2);
    }
}

fuzz_target!(|input: Input<'_>| {
    let config = Config::new(ApiToken::new("sk_test_fuzz").unwrap(), Environment::Sandbox)
        .with_jitter(Jitter::fixed(0.5));
    let replies = &input.replies[..input.replies.len().min(8)];
    let explicit = || {
        CreateIntent::builder()
            .user_id("user_1")
            .amount(100)
            .currency(Currency::Usd)
            .direction(Direction::CashOut)
            .build()
            .unwrap()
    };
    let authorize = |token: bool| {
        let builder = Authorize::builder()
            .amount(100)
            .currency(Currency::Usd)
            .direction(Direction::CashIn)
            .webhook_url("https://example.com/hooks")
            .webhook_secret(WebhookSecret::new("whsec_0123456789abcdefghijklmnopqrstuv").unwrap());
        if token { builder.token("token_1") } else { builder.credential_id("cred_1") }
            .build()
            .unwrap()
    };
    match input.operation % 11 {
        7 => drive(&config, push_core::CreateRefund::full("intent_1").unwrap(), replies),
        8 => drive(&config, push_core::ListTransfers::default(), replies),
        9 => drive(&config, push_core::GetTransfer::new("transfer_1").unwrap(), replies),
        10 => drive(
            &config,
            push_core::RegisterWebhook::new(
                "https://example.com/hooks",
                WebhookSecret::new("whsec_0123456789abcdefghijklmnopqrstuv").unwrap(),
            )
            .unwrap(),
            replies,
        ),
        0 => drive(&config, explicit(), replies),
        1 => drive(&config, GetIntent::new("intent_1").unwrap(), replies),
        2 => drive(&config, ListIntents::default(), replies),
        3 => drive(&config, authorize(true), replies),
        4 => drive(&config, authorize(false), replies),
        5 => drive(&config, ApproveIntent::new("intent_1").unwrap(), replies),
        _ => drive(&config, CancelIntent::new("intent_1").unwrap(), replies),
    }
});
