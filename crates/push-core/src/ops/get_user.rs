//! `GET /user/{id}`: one user.

use http::Method;

use super::{Operation, decode_success, fill_path};
use crate::{
    Config, Error, Request, Response, RetrySafety, User, UserId, ValidationError, validate,
};

/// The path of one user; also where the user's credentials and URLs hang.
pub(super) const USER: &str = "/user/{id}";

/// Refuses a user id that is empty or would change the path even encoded (`.`, `..`, and
/// `list`, which is `GET /user/list`).
pub(super) fn user_id(field: &'static str, id: &UserId) -> Result<(), ValidationError> {
    validate::path_id(field, id.as_str(), &["list"])
}

/// A validated `GET /user/{id}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetUser {
    id: UserId,
}

impl GetUser {
    /// Refuses an id that is empty or would change the path (`.`, `..`, `list`).
    pub fn new(id: impl Into<UserId>) -> Result<Self, ValidationError> {
        let id = id.into();
        user_id("id", &id)?;
        Ok(Self { id })
    }

    /// The user.
    pub fn id(&self) -> &UserId {
        &self.id
    }
}

impl Operation for GetUser {
    type Output = User;

    fn method(&self) -> Method {
        Method::GET
    }

    fn path_template(&self) -> &'static str {
        USER
    }

    fn retry_safety(&self) -> RetrySafety {
        RetrySafety::Idempotent
    }

    fn encode(&self, config: &Config) -> Result<Request, Error> {
        user_id("id", &self.id)?;
        let path = fill_path(self.path_template(), &[self.id.as_str()]);
        Ok(config.request(self.method(), &path, None)?)
    }

    fn decode(&self, response: Response) -> Result<User, Error> {
        decode_success(&response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApiToken, Environment};

    #[test]
    fn encodes_one_segment_and_refuses_ids_that_change_the_path() {
        let config = Config::new(ApiToken::new("t").unwrap(), Environment::Sandbox);
        for (id, path) in [
            (
                "user_28CJjV7P4Go5PNJvfzghiD",
                "/user/user_28CJjV7P4Go5PNJvfzghiD",
            ),
            ("a/b", "/user/a%2Fb"),
            ("../list", "/user/..%2Flist"),
        ] {
            let request = GetUser::new(id).unwrap().encode(&config).unwrap();
            assert_eq!(request.uri().path(), path);
            assert_eq!(request.method(), Method::GET);
            assert!(request.body().is_empty());
        }
        for id in ["", ".", "..", "list"] {
            assert_eq!(GetUser::new(id).unwrap_err().field(), "id", "{id}");
        }
    }
}
