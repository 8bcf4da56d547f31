//! `POST /intent/{id}/approve`: approve a `pending` intent (created with `approval_mode: manual`) and submit it for processing. See [`super::intent_change`] for the answer's shapes.
//!
//! Push enforces the transition (an intent changes state once), so the call is safe to retry:
//! a retry after a lost answer gets a 409 refusal, never a second effect. The 409 itself is final,
//! but when an earlier attempt may have worked, the call reads the intent: `approved` means it did.

use http::{Method, StatusCode};

use super::{
    Operation, fill_path,
    get_intent::intent_path,
    intent_change::{confirm_state, decode_change},
};
use crate::RetrySafety;
use crate::{
    Config, Error, GetIntent, IntentChange, IntentId, IntentStatus, Request, Response,
    ValidationError,
};

/// A validated `POST /intent/{id}/approve`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApproveIntent {
    id: IntentId,
}

impl ApproveIntent {
    /// Refuses an id that is empty or would change the path (see [`GetIntent::new`]).
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
    fn method(&self) -> Method {
        Method::POST
    }
    fn path_template(&self) -> &'static str {
        "/intent/{id}/approve"
    }

    fn retry_safety(&self) -> RetrySafety {
        RetrySafety::Idempotent
    }

    /// 409 is the state-transition refusal: final, not retried.
    fn is_final(&self, status: StatusCode) -> bool {
        status == StatusCode::CONFLICT
    }

    fn encode(&self, config: &Config) -> Result<Request, Error> {
        intent_path(&self.id)?;
        let path = fill_path(self.path_template(), &[self.id.as_str()]);
        Ok(config.request(self.method(), &path, None)?)
    }

    fn decode(&self, response: Response) -> Result<IntentChange, Error> {
        decode_change(&response, &self.id)
    }

    fn confirm_request(&self, config: &Config) -> Option<Result<Request, Error>> {
        Some(
            GetIntent::new(self.id.clone())
                .map_err(Error::from)
                .and_then(|get| get.encode(config)),
        )
    }

    fn confirmed(&self, response: &Response) -> Result<Option<IntentChange>, Error> {
        confirm_state(response, &self.id, IntentStatus::Approved)
    }
}

impl crate::journal::Journaled for ApproveIntent {
    fn journal_form(&self) -> crate::journal::JournalForm {
        let mut form = crate::journal::JournalForm::new("approve_intent");
        form.request = crate::journal::request_json(&serde_json::json!({ "id": self.id }));
        // No reference of the caller's: each call is its own entry (a second approve is sent,
        // and refused by Push as the transition it is), under a generated reference.
        form.user_id = None;
        form
    }

    fn journal_answer(output: &IntentChange) -> crate::journal::JournalAnswer {
        let status = output
            .intent()
            .map_or("approved", |intent| intent.status.as_str());
        crate::journal::JournalAnswer::new(output.id().as_str(), status, false)
    }

    fn replay(request: &str) -> Result<Self, Error> {
        #[derive(serde::Deserialize)]
        struct Replay {
            id: String,
        }
        let replay: Replay = serde_json::from_str(request)
            .map_err(|err| crate::journal::replay_error("approve_intent", err))?;
        Ok(Self::new(replay.id)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_exactly_and_decodes_every_shape() {
        super::super::intent_change::tests::check_transition(
            |id| ApproveIntent::new(id),
            "/approve",
        );
    }
}
