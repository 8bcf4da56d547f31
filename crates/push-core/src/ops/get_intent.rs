//! `GET /intent/{id}`: fetch one intent.

use super::{Operation, decode_success, fill_path};
use crate::RetrySafety;
use crate::{Config, Error, Intent, IntentId, Request, Response, ValidationError};
use http::Method;

/// `/intent/{id}` with the id as one percent-encoded segment; refuses an id that is empty or
/// would change the path even when encoded (`.`, `..`, and `list`, which is `GET /intent/list`).
/// The path of one intent (`intent_path` validates the id for approve and cancel too).
const TEMPLATE: &str = "/intent/{id}";

pub(super) fn intent_path(id: &IntentId) -> Result<String, ValidationError> {
    match id.as_str() {
        "" => Err(ValidationError::new("id", "must not be empty")),
        "." | ".." => Err(ValidationError::new(
            "id",
            "must not be `.` or `..` (it would change the path)",
        )),
        "list" => Err(ValidationError::new(
            "id",
            "must not be `list` (that path lists intents)",
        )),
        id => Ok(fill_path(TEMPLATE, &[id])),
    }
}

/// A validated `GET /intent/{id}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetIntent {
    id: IntentId,
}

impl GetIntent {
    /// Refuses an id that is empty, or that would change the path even when encoded
    /// (`.`, `..`, and `list`, which is `GET /intent/list`).
    pub fn new(id: impl Into<IntentId>) -> Result<Self, ValidationError> {
        let id = id.into();
        intent_path(&id)?;
        Ok(Self { id })
    }

    /// The id.
    pub fn id(&self) -> &IntentId {
        &self.id
    }

    /// The path, with the id percent-encoded as one segment.
    pub fn path(&self) -> String {
        fill_path(self.path_template(), &[self.id.as_str()])
    }
}

impl Operation for GetIntent {
    type Output = Intent;
    fn method(&self) -> Method {
        Method::GET
    }
    fn path_template(&self) -> &'static str {
        TEMPLATE
    }

    fn retry_safety(&self) -> RetrySafety {
        RetrySafety::Idempotent
    }

    fn encode(&self, config: &Config) -> Result<Request, Error> {
        Ok(config.request(self.method(), &intent_path(&self.id)?, None)?)
    }

    fn decode(&self, response: Response) -> Result<Intent, Error> {
        decode_success(&response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApiToken, Environment};

    fn config() -> Config {
        Config::new(
            ApiToken::new("t").unwrap(),
            Environment::base_url("http://127.0.0.1:4010").unwrap(),
        )
    }

    #[test]
    fn ids_are_one_encoded_segment() {
        let table = [
            (
                "intent_sandbox_dMggQ93ZYH6DH9LBhVeijE",
                "/intent/intent_sandbox_dMggQ93ZYH6DH9LBhVeijE",
            ),
            ("a/b", "/intent/a%2Fb"),
            ("../list", "/intent/..%2Flist"),
            ("a?b#c", "/intent/a%3Fb%23c"),
            ("100%", "/intent/100%25"),
            ("with space", "/intent/with%20space"),
            ("café", "/intent/caf%C3%A9"),
            ("a.b-c_d~e", "/intent/a.b-c_d~e"),
        ];
        for (id, path) in table {
            let request = GetIntent::new(id).unwrap().encode(&config()).unwrap();
            assert_eq!(request.uri().path(), path, "{id}");
            assert_eq!(request.uri().query(), None);
            assert_eq!(request.method(), Method::GET);
            assert!(request.headers().get("content-type").is_none());
            assert!(request.body().is_empty());
        }
    }

    #[test]
    fn ids_that_would_change_the_path_are_refused() {
        for id in ["", ".", "..", "list"] {
            let err = GetIntent::new(id).unwrap_err();
            assert_eq!(err.field(), "id", "{id}");
        }
    }

    #[test]
    fn not_found_is_its_own_error() {
        let response = http::Response::builder()
            .status(404)
            .body(bytes::Bytes::from_static(b"not found"))
            .unwrap();
        let err = GetIntent::new("x").unwrap().decode(response).unwrap_err();
        assert!(matches!(err, Error::NotFound(_)), "{err:?}");
        assert_eq!(
            err.api_error().unwrap().message.as_deref(),
            Some("not found")
        );
    }
}
