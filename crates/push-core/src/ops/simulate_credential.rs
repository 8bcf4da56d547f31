//! `POST /sandbox/credential`: create a stored credential of a chosen type for a user, in the
//! sandbox only. Refused before anything is sent when the client may reach production (the
//! production environment, or a `pcsk_production_` token).

use http::Method;
use serde::Serialize;

use super::{Operation, decode_success, json_body, known};
use crate::{
    Config, Error, Request, Response, RetrySafety, SimulatedCredentialType, UserCredential, UserId,
    ValidationError, validate,
};

/// A validated `POST /sandbox/credential`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulateCredential {
    body: Body,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct Body {
    user_id: UserId,
    #[serde(rename = "type")]
    credential_type: SimulatedCredentialType,
    #[serde(skip_serializing_if = "Option::is_none")]
    card_last4: Option<String>,
}

impl SimulateCredential {
    /// A credential of `credential_type` for the user.
    pub fn new(
        user_id: impl Into<UserId>,
        credential_type: SimulatedCredentialType,
    ) -> Result<Self, ValidationError> {
        let user_id = user_id.into();
        validate::id("user_id", user_id.as_str())?;
        known("type", &credential_type, credential_type.is_known())?;
        Ok(Self {
            body: Body {
                user_id,
                credential_type,
                card_last4: None,
            },
        })
    }

    /// The four digits to show (generated when absent).
    pub fn card_last4(mut self, last4: impl Into<String>) -> Result<Self, ValidationError> {
        let last4 = last4.into();
        if last4.len() != 4 || !last4.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValidationError::new("card_last4", "must be four digits"));
        }
        self.body.card_last4 = Some(last4);
        Ok(self)
    }
}

impl Operation for SimulateCredential {
    type Output = UserCredential;

    fn method(&self) -> Method {
        Method::POST
    }

    fn path_template(&self) -> &'static str {
        "/sandbox/credential"
    }

    fn retry_safety(&self) -> RetrySafety {
        RetrySafety::OnlyIfNotSent
    }

    fn encode(&self, config: &Config) -> Result<Request, Error> {
        if config.targets_production() {
            return Err(ValidationError::new(
                "environment",
                "POST /sandbox/credential exists only in the sandbox (this client targets production)",
            )
            .into());
        }
        Ok(config.request(
            self.method(),
            self.path_template(),
            Some(json_body(&self.body)?),
        )?)
    }

    fn decode(&self, response: Response) -> Result<UserCredential, Error> {
        decode_success(&response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApiToken, Environment};

    #[test]
    fn sandbox_only_and_exact() {
        let op = SimulateCredential::new("user_1", SimulatedCredentialType::SecureDebit)
            .unwrap()
            .card_last4("9010")
            .unwrap();
        let sandbox = Config::new(ApiToken::new("sk_test").unwrap(), Environment::Sandbox);
        let request = op.encode(&sandbox).unwrap();
        assert_eq!(
            request.uri(),
            "https://sandbox.pushcash.com/sandbox/credential"
        );
        assert_eq!(
            request.body().as_ref(),
            br#"{"user_id":"user_1","type":"secure_debit","card_last4":"9010"}"#
        );
        let production = Config::new(ApiToken::new("sk").unwrap(), Environment::Production);
        let production_key = Config::new(
            ApiToken::new("pcsk_production_abc.def").unwrap(),
            Environment::base_url("http://127.0.0.1:4010").unwrap(),
        );
        for config in [production, production_key] {
            let Err(Error::Validation(err)) = op.encode(&config) else {
                panic!("sent to production")
            };
            assert_eq!(err.field(), "environment");
        }
        assert_eq!(
            SimulateCredential::new("u", SimulatedCredentialType::ApplePay)
                .unwrap()
                .card_last4("90a0")
                .unwrap_err()
                .field(),
            "card_last4"
        );
    }
}
