//! `POST /user/{id}/credential`: store a card on the user's profile from a token (the widget's
//! `tokenize()` or `POST /tokenize`).
//!
//! A token backs one credential or one authorization, and Push does not document deduplicating
//! this call: it is retried only when it provably never left.

use http::Method;
use serde::Serialize;

use super::{Operation, decode_success, fill_path, get_user::user_id, json_body};
use crate::{
    Config, Error, Request, Response, RetrySafety, TokenId, UserCredential, UserId,
    ValidationError, validate,
};

/// A validated `POST /user/{id}/credential`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateUserCredential {
    user_id: UserId,
    body: Body,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct Body {
    token: TokenId,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    credential_type: Option<&'static str>,
}

impl CreateUserCredential {
    /// Stores the card behind `token` on the user.
    pub fn new(
        user_id: impl Into<UserId>,
        token: impl Into<TokenId>,
    ) -> Result<Self, ValidationError> {
        let user_id = user_id.into();
        self::user_id("user_id", &user_id)?;
        let token = token.into();
        validate::id("token", token.as_str())?;
        Ok(Self {
            user_id,
            body: Body {
                token,
                credential_type: None,
            },
        })
    }

    /// Stores it as a card-only credential (`type: card_only`, in one snapshot of the pages).
    pub fn card_only(mut self) -> Self {
        self.body.credential_type = Some("card_only");
        self
    }
}

impl Operation for CreateUserCredential {
    type Output = UserCredential;

    fn method(&self) -> Method {
        Method::POST
    }

    fn path_template(&self) -> &'static str {
        "/user/{id}/credential"
    }

    fn retry_safety(&self) -> RetrySafety {
        RetrySafety::OnlyIfNotSent
    }

    fn encode(&self, config: &Config) -> Result<Request, Error> {
        user_id("user_id", &self.user_id)?;
        let path = fill_path(self.path_template(), &[self.user_id.as_str()]);
        Ok(config.request(self.method(), &path, Some(json_body(&self.body)?))?)
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
    fn encodes_exactly() {
        let config = Config::new(ApiToken::new("t").unwrap(), Environment::Sandbox);
        let op = CreateUserCredential::new("user_1", "token_mbDRHFi3dxIZEtykHsgUGC").unwrap();
        let request = op.encode(&config).unwrap();
        assert_eq!(request.method(), Method::POST);
        assert_eq!(request.uri().path(), "/user/user_1/credential");
        assert_eq!(
            request.body().as_ref(),
            br#"{"token":"token_mbDRHFi3dxIZEtykHsgUGC"}"#
        );
        let card_only = op.card_only().encode(&config).unwrap();
        assert_eq!(
            card_only.body().as_ref(),
            br#"{"token":"token_mbDRHFi3dxIZEtykHsgUGC","type":"card_only"}"#
        );
        assert_eq!(
            CreateUserCredential::new("user_1", "").unwrap_err().field(),
            "token"
        );
    }
}
