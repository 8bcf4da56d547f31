//! The API token and webhook secrets never show up in Debug, Display or errors.

use std::time::Instant;

use bytes::Bytes;
use push_core::*;
use push_core::{call::*, transport::*};

const TOKEN: &str = "sk_live_TOPSECRET_0123456789";
const WEBHOOK_SECRET: &str = "whsec_TOPSECRET_a1b2c3d4e5f6g7h8i9j0";
const PAN: &str = "5555555555554444";
const CVV: &str = "737";

fn outputs_of(err: &Error) -> String {
    format!("{err} | {err:?} | {:?}", std::error::Error::source(err))
}

#[test]
fn no_output_contains_a_secret() {
    let config = Config::new(ApiToken::new(TOKEN).unwrap(), Environment::Sandbox)
        .with_retry_policy(RetryPolicy::none());
    let authorize = Authorize::builder()
        .amount(5)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .token("token_1")
        .webhook_url("https://example.com/hook")
        .webhook_secret(WebhookSecret::new(WEBHOOK_SECRET).unwrap())
        .build()
        .unwrap();
    let mut outputs = vec![format!("{config:?}"), format!("{authorize:?}")];
    let responses: Vec<Result<Response, TransportError>> = vec![
        Ok(http::Response::builder()
            .status(401)
            .body(Bytes::from_static(b"bad token"))
            .unwrap()),
        Ok(http::Response::builder()
            .status(500)
            .body(Bytes::from_static(b"{\"message\":\"boom\"}"))
            .unwrap()),
        Ok(http::Response::builder()
            .status(200)
            .body(Bytes::from_static(b"{not json"))
            .unwrap()),
        Err(TransportError::io(std::io::Error::other("reset"))),
        Err(TransportError::timeout(true)),
    ];
    for result in responses {
        let mut call = Call::new(&config, authorize.clone(), &CallOptions::new()).unwrap();
        // The request itself carries both secrets on the wire (header and body): only its
        // Authorization header is marked sensitive. Nothing else may show them.
        let request = call.next_request(Instant::now());
        outputs.push(format!("{:?}", request.headers()));
        outputs.push(format!("{call:?}"));
        match call.receive(result, Instant::now()) {
            Step::Done(Err(err)) => outputs.push(outputs_of(&err)),
            other => panic!("{other:?}"),
        }
    }
    // A card number and CVV: in the operation's Debug, the call's, and every error.
    let tokenize = TokenizeCard::builder()
        .user_id("user_1")
        .pan(PAN)
        .cvv(CVV)
        .exp_month("12")
        .exp_year("28")
        .build()
        .unwrap();
    outputs.push(format!("{tokenize:?}"));
    for result in [
        Err(TransportError::io(std::io::Error::other("reset"))),
        // A success that is the card number: serde_json quotes what it refused.
        Ok(http::Response::builder()
            .status(200)
            .body(Bytes::from_static(b"5555555555554444"))
            .unwrap()),
        // A server that echoes the card: the error must not.
        Ok(http::Response::builder()
            .status(422)
            .body(Bytes::from_static(
                b"{\"message\":\"refused pan=5555555555554444 cvv=\\\"737\\\"\"}",
            ))
            .unwrap()),
    ] {
        let mut call = Call::new(&config, tokenize.clone(), &CallOptions::new()).unwrap();
        let request = call.next_request(Instant::now());
        let secrets = request.extensions().get::<Secrets>().unwrap();
        assert!(secrets.iter().any(|s| s.as_ref() == PAN.as_bytes()));
        outputs.push(format!("{call:?}"));
        if let Step::Done(Err(err)) = call.receive(result, Instant::now()) {
            outputs.push(outputs_of(&err));
        }
    }
    for bad in ["4111 1111 1111 1112", "TOPSECRET"] {
        let err = TokenizeCard::builder()
            .user_id("u")
            .pan(bad)
            .cvv(CVV)
            .exp_month("1")
            .exp_year("28")
            .build()
            .unwrap_err();
        outputs.push(format!("{err} {err:?}"));
        assert!(!err.to_string().contains("1111"), "{err}");
    }
    let bad_token = ApiToken::new(format!("{TOKEN}\n")).unwrap_err();
    outputs.push(format!("{bad_token} {bad_token:?}"));
    for output in outputs {
        assert!(!output.contains("TOPSECRET"), "a secret leaked: {output}");
        assert!(
            !output.contains(&PAN[..12]),
            "a card number leaked: {output}"
        );
        assert!(
            !output.contains(&format!("\"{CVV}\"")),
            "a CVV leaked: {output}"
        );
    }
}
