//! `GET /user/{id}/credential/list`: the user's stored payment credentials, by type.
//!
//! Push answers an empty list when no `type` is sent, which no caller means: the SDK sends
//! every type it knows unless the caller narrows the list, so "no filter" lists them all.

use http::Method;

use super::{Operation, decode_success, fill_path, get_user::user_id, known};
use crate::{
    Config, CredentialType, Error, Request, Response, RetrySafety, UserCredentials, UserId,
    ValidationError,
};

/// A validated `GET /user/{id}/credential/list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListUserCredentials {
    user_id: UserId,
    types: Vec<CredentialType>,
}

impl ListUserCredentials {
    /// Every credential of the user (every known type is asked for).
    pub fn new(user_id: impl Into<UserId>) -> Result<Self, ValidationError> {
        let user_id = user_id.into();
        self::user_id("user_id", &user_id)?;
        Ok(Self {
            user_id,
            types: Vec::new(),
        })
    }

    /// Narrows the list to this type; repeat for several.
    pub fn credential_type(
        mut self,
        credential_type: CredentialType,
    ) -> Result<Self, ValidationError> {
        known("type", &credential_type, credential_type.is_known())?;
        if !self.types.contains(&credential_type) {
            self.types.push(credential_type);
        }
        Ok(self)
    }

    /// The types asked for: the ones given, or every known type.
    pub fn types(&self) -> &[CredentialType] {
        if self.types.is_empty() {
            CredentialType::KNOWN
        } else {
            &self.types
        }
    }

    /// The user.
    pub fn user_id(&self) -> &UserId {
        &self.user_id
    }
}

impl Operation for ListUserCredentials {
    type Output = UserCredentials;

    fn method(&self) -> Method {
        Method::GET
    }

    fn path_template(&self) -> &'static str {
        "/user/{id}/credential/list"
    }

    fn retry_safety(&self) -> RetrySafety {
        RetrySafety::Idempotent
    }

    fn encode(&self, config: &Config) -> Result<Request, Error> {
        user_id("user_id", &self.user_id)?;
        let mut query = form_urlencoded::Serializer::new(String::new());
        for credential_type in self.types() {
            query.append_pair("type", credential_type.as_str());
        }
        let path = fill_path(self.path_template(), &[self.user_id.as_str()]);
        Ok(config.request(self.method(), &format!("{path}?{}", query.finish()), None)?)
    }

    fn decode(&self, response: Response) -> Result<UserCredentials, Error> {
        decode_success(&response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApiToken, Environment};

    #[test]
    fn no_filter_asks_for_every_type() {
        let config = Config::new(ApiToken::new("t").unwrap(), Environment::Sandbox);
        let all = ListUserCredentials::new("user_1").unwrap();
        assert_eq!(
            all.encode(&config).unwrap().uri().path_and_query().unwrap(),
            "/user/user_1/credential/list?type=secure_debit&type=card_only_credit&type=card_only_debit&type=apple_pay_debit"
        );
        let narrowed = ListUserCredentials::new("u/2")
            .unwrap()
            .credential_type(CredentialType::SecureDebit)
            .unwrap()
            .credential_type(CredentialType::SecureDebit)
            .unwrap();
        assert_eq!(
            narrowed
                .encode(&config)
                .unwrap()
                .uri()
                .path_and_query()
                .unwrap(),
            "/user/u%2F2/credential/list?type=secure_debit"
        );
        let err = ListUserCredentials::new("user_1")
            .unwrap()
            .credential_type(CredentialType::from("paypal"))
            .unwrap_err();
        assert_eq!(err.field(), "type");
        assert_eq!(
            ListUserCredentials::new("list").unwrap_err().field(),
            "user_id"
        );
    }
}
