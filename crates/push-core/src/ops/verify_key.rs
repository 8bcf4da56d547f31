//! `POST /keys/verify`: checks the API token. Push answers the organisation's name as **plain
//! text**, not JSON, so the answer is returned as a string; a bad token is a 401.

use http::Method;

use super::Operation;
use crate::{Config, Error, Request, Response, RetrySafety};

/// `POST /keys/verify` (no body).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VerifyKey;

impl VerifyKey {
    /// The check.
    pub fn new() -> Self {
        Self
    }
}

impl Operation for VerifyKey {
    /// The organisation's name.
    type Output = String;

    fn method(&self) -> Method {
        Method::POST
    }

    fn path_template(&self) -> &'static str {
        "/keys/verify"
    }

    /// A check changes nothing: repeat it freely.
    fn retry_safety(&self) -> RetrySafety {
        RetrySafety::Idempotent
    }

    fn has_effect(&self) -> bool {
        false
    }

    fn encode(&self, config: &Config) -> Result<Request, Error> {
        Ok(config.request(self.method(), self.path_template(), None)?)
    }

    /// The body as text, surrounding whitespace trimmed; bytes that are not UTF-8 show as `�`.
    fn decode(&self, response: Response) -> Result<String, Error> {
        if !response.status().is_success() {
            return Err(Error::from_response(&response));
        }
        Ok(String::from_utf8_lossy(response.body()).trim().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApiToken, Environment};

    #[test]
    fn sends_no_body_and_reads_plain_text() {
        let config = Config::new(ApiToken::new("t").unwrap(), Environment::Sandbox);
        let request = VerifyKey.encode(&config).unwrap();
        assert_eq!(request.method(), Method::POST);
        assert_eq!(request.uri().path(), "/keys/verify");
        assert!(request.body().is_empty());
        assert!(request.headers().get("content-type").is_none());
        let ok = Response::new(bytes::Bytes::from_static(b"Hello Sportsbook\n"));
        assert_eq!(VerifyKey.decode(ok).unwrap(), "Hello Sportsbook");
        let mut refused = Response::new(bytes::Bytes::from_static(b"invalid key"));
        *refused.status_mut() = http::StatusCode::UNAUTHORIZED;
        assert!(matches!(
            VerifyKey.decode(refused).unwrap_err(),
            Error::Authentication(_)
        ));
    }
}
