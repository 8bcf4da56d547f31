//! `POST /user/{id}/url`: a URL for the Push user widget (card entry) or the Apple Pay launcher.
//!
//! Creating a URL moves no money and a second one is as good as the first, so it is retried
//! like a read.

use http::Method;
use serde::Serialize;

use super::{Operation, decode_success, fill_path, get_user::user_id, json_body, known};
use crate::{
    Config, Direction, Error, Request, Response, RetrySafety, UserId, UserUrl, UserUrlType,
    ValidationError,
};

/// A validated `POST /user/{id}/url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateUserUrl {
    user_id: UserId,
    body: Body,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct Body {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    url_type: Option<UserUrlType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    direction: Option<Direction>,
}

impl CreateUserUrl {
    /// The widget with every processing type enabled for the instance.
    pub fn new(user_id: impl Into<UserId>) -> Result<Self, ValidationError> {
        let user_id = user_id.into();
        self::user_id("user_id", &user_id)?;
        Ok(Self {
            user_id,
            body: Body {
                url_type: None,
                direction: None,
            },
        })
    }

    /// Only this processing type, or the Apple Pay launcher.
    pub fn url_type(self, url_type: UserUrlType) -> Result<Self, ValidationError> {
        self.set_url_type(Some(url_type))
    }

    /// [`Self::url_type`] from an `Option` (`None`: every enabled type).
    pub fn set_url_type(mut self, url_type: Option<UserUrlType>) -> Result<Self, ValidationError> {
        if let Some(url_type) = &url_type {
            known("type", url_type, url_type.is_known())?;
        }
        self.body.url_type = url_type;
        Ok(self)
    }

    /// Cash in or cash out.
    pub fn direction(self, direction: Direction) -> Result<Self, ValidationError> {
        self.set_direction(Some(direction))
    }

    /// [`Self::direction`] from an `Option` (`None` clears it).
    pub fn set_direction(mut self, direction: Option<Direction>) -> Result<Self, ValidationError> {
        if let Some(direction) = &direction {
            known("direction", direction, direction.is_known())?;
        }
        self.body.direction = direction;
        Ok(self)
    }
}

impl Operation for CreateUserUrl {
    type Output = UserUrl;

    fn method(&self) -> Method {
        Method::POST
    }

    fn path_template(&self) -> &'static str {
        "/user/{id}/url"
    }

    fn retry_safety(&self) -> RetrySafety {
        RetrySafety::Idempotent
    }

    fn has_effect(&self) -> bool {
        false
    }

    fn encode(&self, config: &Config) -> Result<Request, Error> {
        user_id("user_id", &self.user_id)?;
        let path = fill_path(self.path_template(), &[self.user_id.as_str()]);
        Ok(config.request(self.method(), &path, Some(json_body(&self.body)?))?)
    }

    fn decode(&self, response: Response) -> Result<UserUrl, Error> {
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
        let plain = CreateUserUrl::new("user_1").unwrap();
        let request = plain.clone().encode(&config).unwrap();
        assert_eq!(request.uri().path(), "/user/user_1/url");
        assert_eq!(request.body().as_ref(), b"{}");
        let typed = plain
            .url_type(UserUrlType::ApplePay)
            .unwrap()
            .direction(Direction::CashIn)
            .unwrap();
        assert_eq!(
            typed.encode(&config).unwrap().body().as_ref(),
            br#"{"type":"apple_pay","direction":"cash_in"}"#
        );
        let err = CreateUserUrl::new("user_1")
            .unwrap()
            .url_type(UserUrlType::from("paypal"))
            .unwrap_err();
        assert_eq!(err.field(), "type");
    }
}
