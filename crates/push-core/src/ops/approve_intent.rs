//! `POST /intent/{id}/approve`: approve a `pending` intent (created with `approval_mode: manual`) and submit it for processing.
//!
//! Push enforces the transition (an intent is approved or canceled once), so the call is safe to
//! retry: a retry after a lost answer gets the state-transition error, never a second effect.

use http::Method;

use super::{
    IntentChange, Operation, RetrySafety, get_intent::intent_path, intent_change::decode_change,
};
use crate::{Config, Error, IntentId, Request, Response, ValidationError};

/// A validated `POST /intent/{id}/approve`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApproveIntent {
    id: IntentId,
}

impl ApproveIntent {
    /// Refuses an id that is empty or would change the path (see [`crate::GetIntent::new`]).
    pub fn new(id: impl Into<IntentId>) -> Result<Self, ValidationError> {
        let id = id.into();
        intent_path(&id)?;
        Ok(Self { id })
    }

    /// The intent.
    pub fn id(&self) -> &IntentId {
        &self.id
    }
}

impl Operation for ApproveIntent {
    type Output = IntentChange;
    const METHOD: Method = Method::POST;
    const PATH_TEMPLATE: &'static str = "/intent/{id}/approve";

    fn retry_safety(&self) -> RetrySafety {
        RetrySafety::Idempotent
    }

    /// 409 is the state-transition refusal: final, not retried.
    fn is_final(&self, status: http::StatusCode) -> bool {
        status == http::StatusCode::CONFLICT
    }

    fn encode(&self, config: &Config) -> Request {
        let path = intent_path(&self.id).expect("validated in new()");
        config.request(Method::POST, &format!("{path}/approve"), None)
    }

    fn decode(&self, response: Response) -> Result<IntentChange, Error> {
        decode_change(&response, &self.id)
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::{ApiToken, Environment};

    fn answer(status: u16, body: &'static str) -> Response {
        http::Response::builder()
            .status(status)
            .body(Bytes::from_static(body.as_bytes()))
            .unwrap()
    }

    #[test]
    fn encodes_exactly() {
        let config = Config::new(ApiToken::new("t").unwrap(), Environment::Sandbox);
        let request = ApproveIntent::new("intent_sandbox_a/b")
            .unwrap()
            .encode(&config);
        assert_eq!(request.method(), Method::POST);
        assert_eq!(
            request.uri(),
            "https://sandbox.pushcash.com/intent/intent_sandbox_a%2Fb/approve"
        );
        assert!(request.body().is_empty());
        assert!(request.headers().get("content-type").is_none());
        for id in ["", ".", "..", "list"] {
            assert_eq!(ApproveIntent::new(id).unwrap_err().field(), "id");
        }
    }

    #[test]
    fn accepts_an_intent_an_id_or_an_empty_body() {
        let op = ApproveIntent::new("intent_1").unwrap();
        let intent = include_str!("../../tests/fixtures/get_intent_003.json");
        let updated = op
            .decode(http::Response::new(Bytes::from_static(intent.as_bytes())))
            .unwrap();
        assert_eq!(updated.id(), "intent_sandbox_dMggQ93ZYH6DH9LBhVeijE");
        assert!(updated.intent().is_some());
        let acknowledged = op.decode(answer(200, r#"{"id":"intent_2"}"#)).unwrap();
        assert_eq!(
            acknowledged,
            IntentChange::Accepted {
                id: "intent_2".into()
            }
        );
        for empty in ["", " \n"] {
            assert_eq!(
                op.decode(answer(204, empty)).unwrap(),
                IntentChange::Accepted {
                    id: "intent_1".into()
                }
            );
        }
        let broken = op
            .decode(answer(200, r#"{"status":"approved"}"#))
            .unwrap_err();
        assert!(matches!(broken, Error::Decode(_)), "{broken:?}");
        let conflict = op
            .decode(answer(409, r#"{"message":"intent_1 is approved"}"#))
            .unwrap_err();
        assert_eq!(conflict.status().unwrap(), 409);
    }
}
