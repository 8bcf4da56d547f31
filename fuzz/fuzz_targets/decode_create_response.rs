#![no_main]
//! `POST /intent` answers through the operation's own decoder, with any status.

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use push_core::{CreateIntent, Currency, Direction, ops::Operation};

fn op() -> &'static CreateIntent {
    static OP: OnceLock<CreateIntent> = OnceLock::new();
    OP.get_or_init(|| {
        CreateIntent::builder().user_id("u").amount(1).currency(Currency::Usd).direction(Direction::CashIn).build().unwrap()
    })
}

fuzz_target!(|input: (u16, &[u8])| {
    let (status, body) = input;
    let Ok(response) = http::Response::builder().status(status % 600).body(bytes::Bytes::copy_from_slice(body)) else {
        return;
    };
    let status = response.status();
    match op().decode(response) {
        Ok(created) => assert!(status.is_success(), "{created:?} from {status}"),
        Err(err) => assert_eq!(err.status(), Some(status)),
    }
});
