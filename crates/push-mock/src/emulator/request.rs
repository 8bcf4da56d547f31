//! Reading requests and writing answers: the JSON body's fields with Push's rules, and the
//! response every route returns.

use base64::{Engine, engine::general_purpose::STANDARD};
use bytes::Bytes;
use http::{StatusCode, header};
use serde_json::{Map, Value, json};

/// A status and a JSON body, before encoding.
pub(super) type Reply = (StatusCode, Value);

/// A JSON request body, as an object.
pub(super) type Body = Map<String, Value>;

/// Push's error shape: `{"message": ...}`.
pub(super) fn error(status: StatusCode, message: impl Into<String>) -> Reply {
    (status, json!({ "message": message.into() }))
}

/// A 400 naming the field and the rule.
pub(super) fn invalid(field: &str, rule: &str) -> Reply {
    (
        StatusCode::BAD_REQUEST,
        json!({ "message": format!("{field}: {rule}"), "field": field }),
    )
}

pub(super) fn encode((status, body): Reply) -> (StatusCode, Bytes) {
    (status, Bytes::from(body.to_string()))
}

pub(super) fn json_response(status: StatusCode, body: &Bytes) -> http::Response<Bytes> {
    let mut response = http::Response::new(body.clone());
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response.headers_mut().insert(
        "x-request-id",
        http::HeaderValue::from_static("req_push_mock"),
    );
    response
}

/// A JSON response, for the server's and the faults' own answers.
pub(crate) fn json_response_value(status: StatusCode, body: Value) -> http::Response<Bytes> {
    json_response(status, &Bytes::from(body.to_string()))
}

/// A path segment as the client meant it (clients percent-encode ids).
pub(super) fn segment(raw: &str) -> String {
    percent_encoding::percent_decode_str(raw)
        .decode_utf8_lossy()
        .into_owned()
}

pub(super) fn parse_body(request: &http::Request<Bytes>) -> Result<Body, Reply> {
    match serde_json::from_slice::<Value>(request.body()) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(error(
            StatusCode::BAD_REQUEST,
            "the body must be a JSON object",
        )),
    }
}

pub(super) fn string_field<'a>(body: &'a Body, field: &str) -> Result<Option<&'a str>, Reply> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.is_empty() => Ok(Some(s)),
        Some(_) => Err(invalid(field, "must be a non-empty string")),
    }
}

pub(super) fn enum_field<'a>(
    body: &'a Body,
    field: &str,
    allowed: &[&str],
) -> Result<Option<&'a str>, Reply> {
    match string_field(body, field)? {
        Some(value) if !allowed.contains(&value) => Err(invalid(
            field,
            &format!("must be one of {}", allowed.join(", ")),
        )),
        other => Ok(other),
    }
}

pub(super) fn amount_field(body: &Body) -> Result<Option<i64>, Reply> {
    match body.get("amount") {
        None | Some(Value::Null) => Ok(None),
        Some(value) => match value.as_i64() {
            Some(amount) if amount > 0 => Ok(Some(amount)),
            _ => Err(invalid("amount", "must be an integer greater than 0")),
        },
    }
}

pub(super) fn url_field(body: &Body, field: &str, https_only: bool) -> Result<(), Reply> {
    let Some(url) = string_field(body, field)? else {
        return Ok(());
    };
    let loopback = ["http://127.", "http://localhost", "http://[::1]"]
        .iter()
        .any(|p| url.starts_with(p));
    if url.starts_with("https://") || (url.starts_with("http://") && (!https_only || loopback)) {
        Ok(())
    } else {
        Err(invalid(
            field,
            if https_only {
                "must be an https URL"
            } else {
                "must be an absolute URL"
            },
        ))
    }
}

/// `manual` approval holds a payout for the operator; Push allows it on `cash_out` only.
pub(super) fn approval_rule(body: &Body, direction: &str) -> Result<bool, Reply> {
    let mode = enum_field(body, "approval_mode", &["automatic", "manual"])?;
    if mode == Some("manual") && direction != "cash_out" {
        return Err(invalid(
            "approval_mode",
            "manual is only valid with cash_out",
        ));
    }
    Ok(mode == Some("manual"))
}

const CURSOR_PREFIX: [u8; 3] = [0xFB, 0xFF, 0xBF];

/// Opaque, and on purpose full of `+`, `/` and `=`: clients must encode it.
pub(super) fn cursor_for(index: usize) -> String {
    let mut bytes = CURSOR_PREFIX.to_vec();
    bytes.extend_from_slice(&(index as u64).to_be_bytes());
    STANDARD.encode(bytes)
}

pub(super) fn index_of(cursor: &str) -> Option<usize> {
    let bytes = STANDARD.decode(cursor).ok()?;
    let rest = bytes.strip_prefix(&CURSOR_PREFIX[..])?;
    usize::try_from(u64::from_be_bytes(rest.try_into().ok()?)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_need_encoding() {
        for index in [0, 1, 99, 10_000] {
            let cursor = cursor_for(index);
            assert_eq!(index_of(&cursor), Some(index));
            assert!(
                cursor.contains('+') && cursor.contains('/') && cursor.contains('='),
                "{cursor}"
            );
        }
        assert_eq!(index_of("garbage"), None);
    }
}
