//! `POST /webhook/register`: set (or replace) the organisation's webhook endpoint and signing
//! secret. Calling again replaces the registration, so the call is safe to retry. Push publishes
//! no answer body: any 2xx is success.

use http::Method;
use serde::Serialize;

use super::{Operation, json_body};
use crate::{
    Config, Error, Request, Response, RetrySafety, ValidationError, WebhookSecret, validate,
};

/// A validated `POST /webhook/register`. Its `Debug` never shows the secret.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterWebhook {
    /// As given (validated, not normalised): the bytes Push receives are the caller's.
    url: String,
    secret: WebhookSecret,
}

impl RegisterWebhook {
    /// `url` must be HTTPS (plain HTTP only to loopback, for tests); the secret is already a
    /// [`WebhookSecret`] (32 to 4096 characters).
    pub fn new(url: &str, secret: WebhookSecret) -> Result<Self, ValidationError> {
        validate::absolute_url("url", url, true)?;
        Ok(Self {
            url: url.to_owned(),
            secret,
        })
    }

    /// The endpoint, as given.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The secret as a string would be checked: [`WebhookSecret::new`], the error naming
    /// `secret` (the field of this request).
    pub fn secret(value: impl Into<String>) -> Result<WebhookSecret, ValidationError> {
        WebhookSecret::new(value)
            .map_err(|err| ValidationError::new("secret", err.rule().to_owned()))
    }
}

impl Operation for RegisterWebhook {
    type Output = ();

    fn method(&self) -> Method {
        Method::POST
    }

    fn path_template(&self) -> &'static str {
        "/webhook/register"
    }

    /// An upsert: repeating it stores the same registration.
    fn retry_safety(&self) -> RetrySafety {
        RetrySafety::Idempotent
    }

    fn body_secrets(&self) -> Vec<bytes::Bytes> {
        vec![super::json_escaped(self.secret.expose())]
    }

    fn encode(&self, config: &Config) -> Result<Request, Error> {
        let body = json_body(self)?;
        Ok(config.request(self.method(), self.path_template(), Some(body))?)
    }

    fn decode(&self, response: Response) -> Result<(), Error> {
        if response.status().is_success() {
            Ok(())
        } else {
            Err(Error::from_response(&response))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApiToken, Environment};

    const SECRET: &str = "whsec_a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6";

    #[test]
    fn the_body_is_exact_and_the_secret_never_printed() {
        let config = Config::new(ApiToken::new("t").unwrap(), Environment::Sandbox);
        let op = RegisterWebhook::new(
            "https://api.yourdomain.com/webhooks/push",
            WebhookSecret::new(SECRET).unwrap(),
        )
        .unwrap();
        let request = op.encode(&config).unwrap();
        assert_eq!(request.method(), Method::POST);
        assert_eq!(
            request.uri().to_string(),
            "https://sandbox.pushcash.com/webhook/register"
        );
        assert_eq!(
            std::str::from_utf8(request.body()).unwrap(),
            format!(r#"{{"url":"https://api.yourdomain.com/webhooks/push","secret":"{SECRET}"}}"#)
        );
        assert_eq!(op.body_secrets(), vec![bytes::Bytes::from(SECRET)]);
        assert!(!format!("{op:?}").contains("a1b2c3"));
        for status in [200, 201, 204] {
            let answer = http::Response::builder()
                .status(status)
                .body(bytes::Bytes::new())
                .unwrap();
            assert!(op.decode(answer).is_ok(), "{status}");
        }
        let refused = http::Response::builder()
            .status(400)
            .body(bytes::Bytes::from_static(b"{\"message\":\"bad url\"}"))
            .unwrap();
        assert!(op.decode(refused).is_err());
    }

    #[test]
    fn bad_input_names_the_field() {
        let secret = || WebhookSecret::new(SECRET).unwrap();
        for url in [
            "http://example.com/hook",
            "ftp://example.com",
            "not a url",
            "",
        ] {
            let err = RegisterWebhook::new(url, secret()).unwrap_err();
            assert_eq!(err.field(), "url", "{url}");
        }
        assert!(RegisterWebhook::new("http://127.0.0.1:9/hook", secret()).is_ok());
        // Sent as given, not normalised (no trailing slash added).
        let bare = RegisterWebhook::new("https://Example.com", secret()).unwrap();
        assert_eq!(bare.url(), "https://Example.com");
        for bad in ["short", &"x".repeat(4097)] {
            let err = RegisterWebhook::secret(bad).unwrap_err();
            assert_eq!(err.field(), "secret");
            assert!(!err.to_string().contains(bad));
        }
        assert!(RegisterWebhook::secret(SECRET).is_ok());
    }
}
