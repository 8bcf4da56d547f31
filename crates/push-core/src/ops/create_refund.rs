//! `POST /refund`: refund an approved intent, fully (no `amount`) or partly.
//!
//! Push allows one refund per intent and answers a repeated call with 200 and the refund already
//! made, so the call is safe to retry. A decline by the issuer is an answer, not a failure:
//! 401 with the declined refund's id ([`RefundOutcome::Declined`]); a 401 without that body is
//! an authentication failure. A 400 (more than the intent, say) is an [`Error::Api`] with Push's
//! message.

use http::{Method, StatusCode};
use serde::{Deserialize, Serialize};

use super::{Operation, json_body};
use crate::{
    Config, Error, IntentId, Refund, RefundDeclined, RefundOutcome, RefundStatus, Request,
    Response, RetrySafety, ValidationError, decode, validate,
};

/// A validated `POST /refund`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateRefund {
    intent_id: IntentId,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount: Option<i64>,
}

impl CreateRefund {
    /// Starts a builder: an `intent_id`, and an `amount` for a partial refund.
    pub fn builder() -> CreateRefundBuilder {
        CreateRefundBuilder::default()
    }

    /// A full refund of `intent_id`.
    pub fn full(intent_id: impl Into<IntentId>) -> Result<Self, ValidationError> {
        Self::builder().intent_id(intent_id).build()
    }

    /// The refunded intent.
    pub fn intent_id(&self) -> &IntentId {
        &self.intent_id
    }

    /// The partial amount; `None` for a full refund.
    pub fn amount(&self) -> Option<i64> {
        self.amount
    }
}

/// Builder of [`CreateRefund`].
#[derive(Debug, Clone, Default)]
pub struct CreateRefundBuilder {
    intent_id: Option<IntentId>,
    amount: Option<i64>,
}

impl CreateRefundBuilder {
    /// The approved intent to refund (required).
    pub fn intent_id(mut self, id: impl Into<IntentId>) -> Self {
        self.intent_id = Some(id.into());
        self
    }

    /// Refund only this much, in the currency's smallest unit (> 0); omit for a full refund.
    pub fn amount(mut self, amount: i64) -> Self {
        self.amount = Some(amount);
        self
    }

    /// [`Self::amount`] from an `Option` (`None`: a full refund).
    pub fn set_amount(mut self, amount: Option<i64>) -> Self {
        self.amount = amount;
        self
    }

    /// Validates: an intent id that is not blank, an amount above zero.
    pub fn build(self) -> Result<CreateRefund, ValidationError> {
        let intent_id = self
            .intent_id
            .ok_or_else(|| ValidationError::new("intent_id", "is required"))?;
        validate::text("intent_id", intent_id.as_str(), 255)?;
        if let Some(amount) = self.amount
            && amount <= 0
        {
            return Err(ValidationError::new(
                "amount",
                format!("must be greater than 0 (got {amount}); omit it for a full refund"),
            ));
        }
        Ok(CreateRefund {
            intent_id,
            amount: self.amount,
        })
    }
}

impl Operation for CreateRefund {
    type Output = RefundOutcome;

    fn method(&self) -> Method {
        Method::POST
    }

    fn path_template(&self) -> &'static str {
        "/refund"
    }

    /// One refund per intent, and a repeat answers the refund already made.
    fn retry_safety(&self) -> RetrySafety {
        RetrySafety::Idempotent
    }

    fn encode(&self, config: &Config) -> Result<Request, Error> {
        let body = json_body(self)?;
        Ok(config.request(self.method(), self.path_template(), Some(body))?)
    }

    fn decode(&self, response: Response) -> Result<RefundOutcome, Error> {
        let (status, body) = (response.status(), response.body());
        match status {
            StatusCode::OK => {
                let refund: Refund = decode::json(status, body)?;
                Ok(if refund.status == RefundStatus::Declined {
                    RefundOutcome::Declined(refund.into())
                } else {
                    RefundOutcome::Approved(refund)
                })
            }
            StatusCode::UNAUTHORIZED => match serde_json::from_slice::<RefundDeclined>(body) {
                Ok(declined) => Ok(RefundOutcome::Declined(declined)),
                Err(_) => Err(Error::from_response(&response)),
            },
            _ => Err(Error::from_response(&response)),
        }
    }
}

impl crate::journal::Journaled for CreateRefund {
    fn journal_form(&self) -> crate::journal::JournalForm {
        let mut form = crate::journal::JournalForm::new("create_refund");
        form.request = crate::journal::request_json(self);
        form.reference = Some(self.intent_id.as_str().to_owned());
        form.dedup = form.reference.clone();
        form.identity = form.reference.clone();
        form.amount = self.amount;
        form
    }

    fn journal_answer(output: &RefundOutcome) -> crate::journal::JournalAnswer {
        use crate::journal::JournalAnswer;
        match output {
            RefundOutcome::Approved(refund) => {
                JournalAnswer::new(refund.id.as_str(), refund.status.as_str(), false)
            }
            RefundOutcome::Declined(declined) => {
                JournalAnswer::new(declined.id.as_str(), "declined", true)
            }
        }
    }

    fn replay(request: &str) -> Result<Self, Error> {
        serde_json::from_str(request)
            .map_err(|err| crate::journal::replay_error("create_refund", err))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApiToken, Currency, Environment};
    use bytes::Bytes;

    fn config() -> Config {
        Config::new(ApiToken::new("sk_test_1").unwrap(), Environment::Sandbox)
    }

    fn response(status: u16, body: &'static str) -> Response {
        http::Response::builder()
            .status(status)
            .body(Bytes::from_static(body.as_bytes()))
            .unwrap()
    }

    #[test]
    fn the_body_is_exact() {
        let table = [
            (
                CreateRefund::full("intent_sandbox_dMggQ93ZYH6DH9LBhVeijE").unwrap(),
                r#"{"intent_id":"intent_sandbox_dMggQ93ZYH6DH9LBhVeijE"}"#,
            ),
            (
                CreateRefund::builder()
                    .intent_id("intent_sandbox_dMggQ93ZYH6DH9LBhVeijE")
                    .amount(1450)
                    .build()
                    .unwrap(),
                r#"{"intent_id":"intent_sandbox_dMggQ93ZYH6DH9LBhVeijE","amount":1450}"#,
            ),
        ];
        for (op, body) in table {
            let request = op.encode(&config()).unwrap();
            assert_eq!(request.method(), Method::POST);
            assert_eq!(
                request.uri().to_string(),
                "https://sandbox.pushcash.com/refund"
            );
            assert_eq!(request.headers()["content-type"], "application/json");
            assert_eq!(std::str::from_utf8(request.body()).unwrap(), body);
        }
    }

    #[test]
    fn bad_input_names_the_field() {
        for (builder, field) in [
            (CreateRefund::builder(), "intent_id"),
            (CreateRefund::builder().intent_id("  "), "intent_id"),
            (CreateRefund::builder().intent_id("i").amount(0), "amount"),
            (CreateRefund::builder().intent_id("i").amount(-1), "amount"),
        ] {
            assert_eq!(builder.build().unwrap_err().field(), field);
        }
    }

    #[test]
    fn outcomes() {
        let op = CreateRefund::full("intent_sandbox_dMggQ93ZYH6DH9LBhVeijE").unwrap();
        let approved = op
            .decode(response(
                200,
                r#"{"id":"refund_28CJjV7P4Go5PNJvfzghiD","intent_id":"intent_sandbox_dMggQ93ZYH6DH9LBhVeijE","amount":1450,"currency":"USD","status":"approved","created_at":"2023-05-24T20:36:50.694Z"}"#,
            ))
            .unwrap();
        let RefundOutcome::Approved(refund) = &approved else {
            panic!("{approved:?}")
        };
        assert_eq!(refund.amount, 1450);
        assert_eq!(refund.currency, Currency::Usd);

        // 401 with only the id, and with a whole refund: both are declines.
        let declined = op.decode(response(401, r#"{"id":"refund_x"}"#)).unwrap();
        assert_eq!(
            declined,
            RefundOutcome::Declined(RefundDeclined::new("refund_x"))
        );
        let whole = op
            .decode(response(
                401,
                r#"{"id":"refund_y","intent_id":"intent_1","amount":5,"currency":"USD","status":"declined","created_at":"2023-05-24T20:36:50Z"}"#,
            ))
            .unwrap();
        let RefundOutcome::Declined(d) = &whole else {
            panic!("{whole:?}")
        };
        assert_eq!((d.id.as_str(), d.amount), ("refund_y", Some(5)));

        // A repeated call on a declined refund answers 200 with it: still a decline.
        let repeated = op
            .decode(response(
                200,
                r#"{"id":"refund_y","intent_id":"intent_1","amount":5,"currency":"USD","status":"declined","created_at":"2023-05-24T20:36:50Z"}"#,
            ))
            .unwrap();
        assert!(!repeated.is_approved());
        assert_eq!(repeated.refund_id(), "refund_y");

        // 401 without a refund body: the token was refused.
        for body in [r#"{"message":"invalid api key"}"#, "", "Unauthorized"] {
            let err = op.decode(response(401, body)).unwrap_err();
            assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED), "{body}");
        }
        let err = op
            .decode(response(
                400,
                r#"{"message":"amount exceeds intent amount"}"#,
            ))
            .unwrap_err();
        assert!(
            err.to_string().contains("amount exceeds intent amount"),
            "{err}"
        );
        assert!(op.decode(response(200, r#"{"id":"refund_1"}"#)).is_err());
    }
}
