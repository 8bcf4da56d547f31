#![no_main]
//! `POST /refund` answers, any status and body, through the operation's decoder: 200 is a refund
//! (approved, or declined when it says so), 401 with a body holding an `id` is a decline and
//! without one an authentication error, anything else the error it stands for. Never a panic,
//! and an outcome always names a refund.

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use push_core::{CreateRefund, Error, RefundOutcome, ops::Operation};

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    partial: Option<u16>,
    status: u16,
    body: &'a [u8],
}

fuzz_target!(|input: Input<'_>| {
    let Ok(status) = http::StatusCode::from_u16(input.status) else {
        return;
    };
    let mut response = http::Response::new(bytes::Bytes::copy_from_slice(input.body));
    *response.status_mut() = status;
    let refund = CreateRefund::builder()
        .intent_id("intent_sandbox_1")
        .set_amount(input.partial.map(|a| i64::from(a) + 1))
        .build()
        .unwrap();
    match refund.decode(response) {
        Ok(outcome) => {
            assert!(status == 200 || status == 401, "{status}: {outcome:?}");
            if status == 401 {
                assert!(matches!(outcome, RefundOutcome::Declined(_)));
            }
            let _ = outcome.refund_id().as_str();
        }
        Err(err) => {
            // Only an answer that should be a refund can fail to decode as one.
            if let Error::Decode(_) = err {
                assert_eq!(status, 200, "{err:?}");
            }
            let _ = format!("{err} {err:?}");
        }
    }
});
