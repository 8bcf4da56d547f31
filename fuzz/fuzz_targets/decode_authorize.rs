#![no_main]
//! `POST /authorize` answers: the status picks the outcome; 401 without a decline body is an
//! authentication error; nothing panics.

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use push_core::{Authorize, AuthorizeOutcome, Currency, Direction, Error, ops::Operation};

fn op() -> &'static Authorize {
    static OP: OnceLock<Authorize> = OnceLock::new();
    OP.get_or_init(|| {
        Authorize::builder().amount(1).currency(Currency::Usd).direction(Direction::CashIn).token("token_1").build().unwrap()
    })
}

fuzz_target!(|input: (u8, &[u8])| {
    let (pick, body) = input;
    let status = [200u16, 202, 401, 400, 403, 404, 429, 500][usize::from(pick) % 8];
    let response = http::Response::builder().status(status).body(bytes::Bytes::copy_from_slice(body)).unwrap();
    match (status, op().decode(response)) {
        (200, Ok(outcome)) => assert!(matches!(outcome, AuthorizeOutcome::Approved(_))),
        (202, Ok(outcome)) => assert!(matches!(outcome, AuthorizeOutcome::AuthenticationRequired(_))),
        (401, Ok(outcome)) => assert!(matches!(outcome, AuthorizeOutcome::Declined(_))),
        (401, Err(err)) => assert!(matches!(err, Error::Authentication(_))),
        (200 | 202, Err(err)) => assert!(matches!(err, Error::Decode(_))),
        (_, Ok(outcome)) => panic!("{outcome:?} from {status}"),
        (_, Err(err)) => assert_eq!(err.status().map(|s| s.as_u16()), Some(status)),
    }
});
