#![no_main]
//! The small answers of the user side, any status, through their operations' decoders:
//! `POST /user` (`{id}`), `POST /user/{id}/url` (`{url}`), `POST /tokenize` (`{token}`) and
//! `POST /keys/verify` (plain text). A success decodes or fails with a path; any other status
//! is the error it stands for; nothing panics, and no error repeats the card number.

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use push_core::{CreateUserUrl, TokenizeCard, VerifyKey, ops::Operation};

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    pick: u8,
    status: u16,
    body: &'a [u8],
}

fn response(status: u16, body: &[u8]) -> Option<push_core::Response> {
    let mut response = http::Response::new(bytes::Bytes::copy_from_slice(body));
    *response.status_mut() = http::StatusCode::from_u16(status).ok()?;
    Some(response)
}

fuzz_target!(|input: Input<'_>| {
    let Some(response) = response(input.status, input.body) else { return };
    let shown = match input.pick % 3 {
        0 => {
            let card = TokenizeCard::builder()
                .user_id("user_1")
                .pan("5555555555554444")
                .cvv("737")
                .exp_month("12")
                .exp_year("28")
                .build()
                .unwrap();
            card.decode(response).map(|t| format!("{t:?}")).map_err(|e| format!("{e} {e:?}"))
        }
        1 => CreateUserUrl::new("user_1")
            .unwrap()
            .decode(response)
            .map(|u| format!("{u:?}"))
            .map_err(|e| format!("{e} {e:?}")),
        _ => VerifyKey.decode(response).map_err(|e| format!("{e} {e:?}")),
    };
    if let Err(text) = shown {
        assert!(!text.contains("5555555555554444"), "{text}");
    }
});
