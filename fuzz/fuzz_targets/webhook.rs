#![no_main]
//! Webhook verification: any signature header and body is refused with a reason or, when the
//! signature really is valid, decoded; never a panic.

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use push_core::{WebhookSecret, webhook};

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    signature: &'a str,
    sign_it: bool,
    body: &'a [u8],
    offset_secs: i32,
}

fn secret() -> &'static WebhookSecret {
    static SECRET: OnceLock<WebhookSecret> = OnceLock::new();
    SECRET.get_or_init(|| WebhookSecret::new("whsec_fuzz_0123456789abcdefghijklmnop").unwrap())
}

fuzz_target!(|input: Input<'_>| {
    let signature = if input.sign_it { webhook::sign(secret(), input.body) } else { input.signature.to_owned() };
    let mut headers = http::HeaderMap::new();
    if let Ok(value) = http::HeaderValue::from_str(&signature) {
        headers.insert(webhook::SIGNATURE_HEADER, value);
    }
    let now = "2026-11-21T12:00:00Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap()
        + chrono::TimeDelta::seconds(i64::from(input.offset_secs));
    let result = webhook::verify_and_parse(secret(), &headers, input.body, now);
    if !input.sign_it {
        // Without the secret, no input forges a signature.
        assert!(result.is_err() || webhook::sign(secret(), input.body).eq_ignore_ascii_case(signature.trim()), "{result:?}");
    }
});
