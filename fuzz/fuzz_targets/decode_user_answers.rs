#![no_main]
//! The small answers of the user side, any status, through their operations' decoders:
//! `POST /user` (`{id}`), `POST /user/{id}/url` (`{url}`), `POST /tokenize` (`{token}`) and
//! `POST /keys/verify` (plain text). A success decodes or fails with a path; any other status
//! is the error it stands for; nothing panics, and no tokenize error repeats the card number,
//! even when the server echoes it.

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use std::time::Instant;

use push_core::{
    ApiToken, CallOptions, Config, CreateUserUrl, Environment, Error, RetryPolicy, TokenizeCard,
    VerifyKey,
    call::{Call, Step},
    ops::Operation,
};

const PAN: &str = "5555555555554444";

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
                .pan(PAN)
                .cvv("737")
                .exp_month("12")
                .exp_year("28")
                .build()
                .unwrap();
            // Through the call, as a client runs it: errors are scrubbed of the request's secrets.
            let config = Config::new(ApiToken::new("sk_test_fuzz").unwrap(), Environment::Sandbox)
                .with_retry_policy(RetryPolicy::none());
            let mut call = Call::new(&config, card, &CallOptions::new()).unwrap();
            let _ = call.next_request(Instant::now());
            let Step::Done(result) = call.receive(Ok(response), Instant::now()) else { return };
            // What an error holds, not how Debug renders bytes (`\xb5` + `555...` would read
            // as the number): its text, its message, its body bytes, its parser's message.
            if let Err(err) = &result {
                let pan = PAN.as_bytes();
                assert!(!err.to_string().contains(PAN), "{err}");
                if let Some(body) = err.body() {
                    assert!(!body.windows(pan.len()).any(|w| w == pan), "{err:?}");
                }
                if let Some(message) = err.api_error().and_then(|api| api.message.as_deref()) {
                    assert!(!message.contains(PAN), "{err:?}");
                }
                if let Error::Decode(decode) = err {
                    assert!(!decode.source.to_string().contains(PAN), "{err:?}");
                }
            }
            return;
        }
        1 => CreateUserUrl::new("user_1")
            .unwrap()
            .decode(response)
            .map(|u| format!("{u:?}"))
            .map_err(|e| format!("{e} {e:?}")),
        _ => VerifyKey.decode(response).map_err(|e| format!("{e} {e:?}")),
    };
    // Decoding the other answers: no panic is the property.
    let _ = shown;
});
