//! `Raw`: any endpoint, before the SDK models it.
//!
//! Push adds endpoints and fields; a caller should not wait for a release to use them. A `Raw`
//! request goes through the same [`crate::call::Call`] as every built-in operation: the token, the
//! retries and their budget, the timeouts, the body cap, the outcome-unknown rule and the
//! secret handling all apply.
//!
//! Retries: a `GET`, `HEAD` or `OPTIONS` is repeated like any read. Every other method (a `POST`
//! above all) is repeated only when the request provably never left, unless the caller declares
//! that Push deduplicates it ([`Raw::idempotent`]): the SDK cannot know which new endpoints do.
//!
//! ```
//! use push_core::ops::{Operation, Raw, fill_path};
//!
//! // `GET /user/{user_id}/credentials`, decoded as `serde_json::Value`.
//! let list = Raw::get(fill_path("/user/{user_id}/credentials", &["user_8f2k"])).unwrap();
//! assert_eq!(list.path(), "/user/user_8f2k/credentials");
//!
//! // A write with a JSON body, decoded into a type of your own.
//! #[derive(serde::Deserialize)]
//! struct Created { id: String }
//! let create = Raw::post("/user")
//!     .unwrap()
//!     .json(&serde_json::json!({ "name": { "first": "Ada", "last": "Lovelace" } }))
//!     .unwrap()
//!     .output::<Created>();
//! assert_eq!(create.method(), http::Method::POST);
//! ```

use std::{fmt, marker::PhantomData};

use bytes::Bytes;
use http::{HeaderValue, Method};
use serde::de::DeserializeOwned;

use super::{Operation, decode_success, json_body, json_escaped};
use crate::{Config, Error, IdempotencyKey, Request, Response, RetrySafety, ValidationError};

/// Any method and path, an optional query and JSON body; the output is any `T` that
/// deserialises (by default [`serde_json::Value`]).
pub struct Raw<T = serde_json::Value> {
    method: Method,
    path: String,
    query: String,
    body: Option<Vec<u8>>,
    idempotent: bool,
    idempotency_key: Option<IdempotencyKey>,
    secrets: Vec<Bytes>,
    output: PhantomData<fn() -> T>,
}

impl Raw {
    /// A request of `method` to `path`: an absolute path (`/user/{id}` already filled in, each
    /// segment percent-encoded, see [`super::fill_path`]), without query or fragment. Refused:
    /// a path that does not start with `/`, that holds `?`, `#`, spaces or control characters,
    /// or a `.`/`..` segment (servers and proxies resolve those to another path).
    pub fn new(method: Method, path: impl Into<String>) -> Result<Self, ValidationError> {
        let path = path.into();
        if !path.starts_with('/') {
            return Err(ValidationError::new("path", "must start with '/'"));
        }
        if path.contains(['?', '#']) {
            return Err(ValidationError::new(
                "path",
                "must not hold `?` or `#` (add a query with `Raw::query`)",
            ));
        }
        if !path.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ValidationError::new(
                "path",
                "must be percent-encoded visible ASCII (no spaces or control characters)",
            ));
        }
        if path
            .split('/')
            .any(|segment| segment == "." || segment == "..")
        {
            return Err(ValidationError::new(
                "path",
                "must not hold a `.` or `..` segment (it would change the path)",
            ));
        }
        Ok(Self {
            method,
            path,
            query: String::new(),
            body: None,
            idempotent: false,
            idempotency_key: None,
            secrets: Vec::new(),
            output: PhantomData,
        })
    }

    /// `GET path`.
    pub fn get(path: impl Into<String>) -> Result<Self, ValidationError> {
        Self::new(Method::GET, path)
    }

    /// `POST path`.
    pub fn post(path: impl Into<String>) -> Result<Self, ValidationError> {
        Self::new(Method::POST, path)
    }
}

impl<T> Raw<T> {
    /// Appends `name=value` to the query, both form-encoded; repeat it for repeated names.
    pub fn query(mut self, name: &str, value: &str) -> Self {
        let mut query = form_urlencoded::Serializer::new(std::mem::take(&mut self.query));
        query.append_pair(name, value);
        self.query = query.finish();
        self
    }

    /// Sends `body` as JSON (`Content-Type: application/json`).
    pub fn json(mut self, body: &impl serde::Serialize) -> Result<Self, ValidationError> {
        self.body = Some(json_body(body)?);
        Ok(self)
    }

    /// Declares that Push deduplicates this request, so repeating it after it may have reached
    /// Push cannot act twice: it is then retried like a read. Only declare what Push documents
    /// (an idempotency key it honours on this endpoint, a state transition it enforces).
    pub fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }

    /// Sends `X-Idempotency-Key: key` on every attempt. The key alone does not make the call
    /// retryable: Push honours keys per endpoint, so declare that with [`Raw::idempotent`].
    pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }

    /// Marks `value` (a card number, a secret) as secret: transports keep its bytes, as they
    /// stand in the JSON body, out of their libraries' logs ([`crate::transport::Secrets`]).
    pub fn secret(mut self, value: &str) -> Self {
        if !value.is_empty() {
            self.secrets.push(json_escaped(value));
        }
        self
    }

    /// The same request, decoding its answer as `U`.
    pub fn output<U: DeserializeOwned>(self) -> Raw<U> {
        Raw {
            method: self.method,
            path: self.path,
            query: self.query,
            body: self.body,
            idempotent: self.idempotent,
            idempotency_key: self.idempotency_key,
            secrets: self.secrets,
            output: PhantomData,
        }
    }

    /// The path, without the query.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Whether the method is a read: `GET`, `HEAD` or `OPTIONS`.
    fn is_read(&self) -> bool {
        matches!(self.method, Method::GET | Method::HEAD | Method::OPTIONS)
    }
}

impl<T> Clone for Raw<T> {
    fn clone(&self) -> Self {
        Self {
            method: self.method.clone(),
            path: self.path.clone(),
            query: self.query.clone(),
            body: self.body.clone(),
            idempotent: self.idempotent,
            idempotency_key: self.idempotency_key.clone(),
            secrets: self.secrets.clone(),
            output: PhantomData,
        }
    }
}

/// The body and the query may hold secrets: only their sizes are printed.
impl<T> fmt::Debug for Raw<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Raw")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query_bytes", &self.query.len())
            .field("body_bytes", &self.body.as_ref().map(Vec::len))
            .field("idempotent", &self.idempotent)
            .field("idempotency_key", &self.idempotency_key)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned> Operation for Raw<T> {
    type Output = T;

    fn method(&self) -> Method {
        self.method.clone()
    }

    fn path_template(&self) -> &str {
        &self.path
    }

    fn retry_safety(&self) -> RetrySafety {
        if self.idempotent || self.is_read() {
            RetrySafety::Idempotent
        } else {
            RetrySafety::OnlyIfNotSent
        }
    }

    fn has_effect(&self) -> bool {
        !self.is_read()
    }

    fn body_secrets(&self) -> Vec<Bytes> {
        self.secrets.clone()
    }

    fn idempotency_key(&self) -> Option<&IdempotencyKey> {
        self.idempotency_key.as_ref()
    }

    /// Accepted: a `Raw` request may carry any key (see [`Raw::idempotency_key`]).
    fn set_idempotency_key(&mut self, key: IdempotencyKey) -> Result<(), Error> {
        self.idempotency_key = Some(key);
        Ok(())
    }

    fn encode(&self, config: &Config) -> Result<Request, Error> {
        let target = if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query)
        };
        let mut request = config.request(self.method.clone(), &target, self.body.clone())?;
        if let Some(key) = &self.idempotency_key {
            let key = HeaderValue::from_str(key.as_str())
                .map_err(|_| ValidationError::new("idempotency_key", "must be visible ASCII"))?;
            request.headers_mut().insert("x-idempotency-key", key);
        }
        Ok(request)
    }

    /// A 2xx with an empty body (a `204`) decodes as JSON `null`: `serde_json::Value::Null`,
    /// `()` or `None`.
    fn decode(&self, response: Response) -> Result<T, Error> {
        if response.status().is_success() && response.body().trim_ascii().is_empty() {
            let null = Bytes::from_static(b"null");
            return Ok(crate::decode::json(response.status(), &null)?);
        }
        decode_success(&response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApiToken, Environment};

    fn config() -> Config {
        Config::new(ApiToken::new("sk_test_raw").unwrap(), Environment::Sandbox)
    }

    fn response(status: u16, body: &'static str) -> Response {
        let mut response = Response::new(Bytes::from_static(body.as_bytes()));
        *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
        response
    }

    #[test]
    fn encodes_exactly_what_it_was_given() {
        let raw = Raw::post("/user/u%2F1/credentials")
            .unwrap()
            .query("status", "active")
            .query("status", "a b&c")
            .json(&serde_json::json!({"number": "4242424242424242"}))
            .unwrap()
            .secret("4242424242424242")
            .idempotency_key(IdempotencyKey::new("key-1").unwrap());
        let request = raw.encode(&config()).unwrap();
        assert_eq!(request.method(), Method::POST);
        assert_eq!(
            request.uri().to_string(),
            "https://sandbox.pushcash.com/user/u%2F1/credentials?status=active&status=a+b%26c"
        );
        assert_eq!(request.headers()["x-idempotency-key"], "key-1");
        assert_eq!(request.headers()["content-type"], "application/json");
        assert_eq!(request.body().as_ref(), br#"{"number":"4242424242424242"}"#);
        assert_eq!(
            raw.body_secrets(),
            vec![Bytes::from_static(b"4242424242424242")]
        );
        let debug = format!("{raw:?}");
        assert!(!debug.contains("4242"), "{debug}");
        assert!(!debug.contains("active"), "{debug}");
    }

    #[test]
    fn a_post_is_retried_only_when_declared_idempotent() {
        let post = Raw::post("/refund").unwrap();
        assert_eq!(post.retry_safety(), RetrySafety::OnlyIfNotSent);
        assert!(post.has_effect());
        let keyed = post
            .clone()
            .idempotency_key(IdempotencyKey::new("k").unwrap());
        assert_eq!(keyed.retry_safety(), RetrySafety::OnlyIfNotSent);
        assert_eq!(keyed.idempotent().retry_safety(), RetrySafety::Idempotent);
        for method in [Method::PUT, Method::PATCH, Method::DELETE] {
            let raw = Raw::new(method.clone(), "/x").unwrap();
            assert_eq!(raw.retry_safety(), RetrySafety::OnlyIfNotSent, "{method}");
        }
        let get = Raw::get("/intent/list").unwrap();
        assert_eq!(get.retry_safety(), RetrySafety::Idempotent);
        assert!(!get.has_effect());
    }

    #[test]
    fn paths_that_would_change_the_target_are_refused() {
        for (path, rule) in [
            ("user", "must start with '/'"),
            ("/user?x=1", "`?`"),
            ("/user#x", "`#`"),
            ("/user 1", "visible ASCII"),
            ("/user/\n", "visible ASCII"),
            ("/user/../admin", "`..`"),
            ("/./user", "`..`"),
        ] {
            let err = Raw::get(path).unwrap_err();
            assert_eq!(err.field(), "path");
            assert!(err.rule().contains(rule), "{path}: {}", err.rule());
        }
        assert!(Raw::get("/").is_ok());
    }

    #[test]
    fn decodes_into_the_chosen_output() {
        let raw = Raw::get("/x").unwrap();
        let value = raw.decode(response(200, r#"{"a":[1,2]}"#)).unwrap();
        assert_eq!(value["a"][1], 2);
        assert_eq!(
            raw.decode(response(204, "")).unwrap(),
            serde_json::Value::Null
        );
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Mine {
            a: Vec<u8>,
        }
        let typed = raw.clone().output::<Mine>();
        assert_eq!(
            typed.decode(response(200, r#"{"a":[1],"b":0}"#)).unwrap(),
            Mine { a: vec![1] }
        );
        let err = typed.decode(response(200, r#"{"a":"no"}"#)).unwrap_err();
        assert!(
            matches!(err, Error::Decode(ref d) if d.path == "a"),
            "{err}"
        );
        let err = raw
            .decode(response(404, r#"{"message":"no such user"}"#))
            .unwrap_err();
        assert_eq!(err.status(), Some(http::StatusCode::NOT_FOUND));
    }
}
