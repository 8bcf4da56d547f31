//! What `POST /intent/{id}/approve` and `POST /intent/{id}/cancel` answer.
//!
//! Push does not publish these bodies, so three shapes are accepted: the updated intent, an
//! `{"id": ...}` acknowledgement, or an empty body (acknowledged, with the id of the request).

use serde::{Deserialize, Serialize};

use crate::{Error, Intent, IntentId, Response, decode};

/// The answer to an approve or cancel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
// Exhaustive on purpose: the answers of approve and cancel are these; anything else is an
// `Error`, so callers can match without a wildcard.
pub enum IntentChange {
    /// Push answered with the updated intent.
    Updated(Box<Intent>),
    /// Push acknowledged the change without the intent (`{"id": ...}` or an empty body).
    Accepted {
        /// The intent changed.
        id: IntentId,
    },
}

impl IntentChange {
    /// The intent changed, whatever the answer's shape.
    pub fn id(&self) -> &IntentId {
        match self {
            IntentChange::Updated(intent) => &intent.id,
            IntentChange::Accepted { id } => id,
        }
    }

    /// The updated intent, when Push sent it.
    pub fn intent(&self) -> Option<&Intent> {
        match self {
            IntentChange::Updated(intent) => Some(intent),
            IntentChange::Accepted { .. } => None,
        }
    }
}

/// The intent read after a refused transition: the change, when it is in `state`; `None` when
/// it is in another; an error when the read is not that intent (a body cut short, another id):
/// such a read cannot settle anything.
pub(super) fn confirm_state(
    response: &Response,
    id: &IntentId,
    state: crate::IntentStatus,
) -> Result<Option<IntentChange>, Error> {
    let intent = decode::json::<Intent>(response.status(), response.body())?;
    if intent.id != *id {
        return Err(Error::from(crate::ValidationError::new(
            "id",
            format!(
                "the confirming read answered intent {}, not {id}",
                intent.id
            ),
        )));
    }
    Ok((intent.status == state).then(|| IntentChange::Updated(Box::new(intent))))
}

#[derive(Deserialize)]
struct IdOnly {
    id: IntentId,
}

/// A 2xx answer in any of the three shapes; the intent's decode error when it is none of them.
pub(super) fn decode_change(
    response: &Response,
    requested: &IntentId,
) -> Result<IntentChange, Error> {
    if !response.status().is_success() {
        return Err(Error::from_response(response));
    }
    let body = response.body();
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(IntentChange::Accepted {
            id: requested.clone(),
        });
    }
    match decode::json::<Intent>(response.status(), body) {
        Ok(intent) => Ok(IntentChange::Updated(Box::new(intent))),
        Err(not_an_intent) => match serde_json::from_slice::<IdOnly>(body) {
            Ok(IdOnly { id }) => Ok(IntentChange::Accepted { id }),
            Err(_) => Err(not_an_intent.into()),
        },
    }
}

#[cfg(test)]
pub(super) mod tests {
    use bytes::Bytes;
    use http::Method;

    use super::*;
    use crate::{ApiToken, Config, Environment, Operation, ValidationError};

    fn answer(status: u16, body: &'static str) -> Response {
        http::Response::builder()
            .status(status)
            .body(Bytes::from_static(body.as_bytes()))
            .unwrap()
    }

    /// What every transition op must do: one encoded segment plus its action, an empty body,
    /// and the three answer shapes.
    pub(in crate::ops) fn check_transition<O: Operation<Output = IntentChange>>(
        new: impl Fn(&str) -> Result<O, ValidationError>,
        suffix: &str,
    ) {
        let config = Config::new(ApiToken::new("t").unwrap(), Environment::Sandbox);
        let request = new("intent_sandbox_a/b").unwrap().encode(&config).unwrap();
        assert_eq!(request.method(), Method::POST);
        assert_eq!(
            request.uri().to_string(),
            format!("https://sandbox.pushcash.com/intent/intent_sandbox_a%2Fb{suffix}")
        );
        assert!(request.body().is_empty());
        assert!(request.headers().get("content-type").is_none());
        for id in ["", ".", "..", "list"] {
            assert_eq!(new(id).err().unwrap().field(), "id");
        }

        let op = new("intent_1").unwrap();
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
        assert!(op.is_final(http::StatusCode::CONFLICT));
        assert!(!op.is_final(http::StatusCode::SERVICE_UNAVAILABLE));
    }
}
