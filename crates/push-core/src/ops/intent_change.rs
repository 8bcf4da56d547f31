//! What `POST /intent/{id}/approve` and `POST /intent/{id}/cancel` answer.
//!
//! Push does not publish these bodies, so three shapes are accepted: the updated intent, an
//! `{"id": ...}` acknowledgement, or an empty body (acknowledged, with the id of the request).

use serde::{Deserialize, Serialize};

use crate::{Error, Intent, IntentId, Response, decode};

/// The answer to an approve or cancel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
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
