//! Response metadata next to the decoded value: the request id, the status, the headers and
//! the rate-limit values of the response a call ended with.
//!
//! Errors carry them already ([`ApiError`](crate::ApiError)); a success carries them when
//! asked: `client.send_with_meta(operation)` in both clients returns a [`WithMeta`]. Every
//! convenience method (`get_intent`, `create_refund`, ...) is `send` of an operation, so every
//! call has its `_with_meta` form: `client.send_with_meta(GetIntent::new(id)?)` is
//! `client.get_intent(id)` with the response's [`ResponseMeta`] beside the [`Intent`](crate::Intent).

use http::{HeaderMap, StatusCode};

use crate::{RateLimit, Response};

/// What the last response of a call said besides its body.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// The status.
    pub status: StatusCode,
    /// The headers, as received.
    pub headers: HeaderMap,
    /// The request id, if a header carried one (`X-Request-Id`, `Request-Id`, and the usual
    /// gateway headers; Push does not publish one).
    pub request_id: Option<String>,
    /// The `X-RateLimit-*` values.
    pub rate_limit: RateLimit,
    /// Attempts the call took (1 when the first one answered).
    pub attempts: u32,
}

impl ResponseMeta {
    /// Reads the metadata off a response.
    pub fn from_response(response: &Response, attempts: u32) -> Self {
        Self::from_head(response.status(), response.headers().clone(), attempts)
    }

    /// The metadata of a response head: its status and headers.
    pub fn from_head(status: StatusCode, headers: HeaderMap, attempts: u32) -> Self {
        Self {
            status,
            request_id: crate::error::request_id(&headers),
            rate_limit: RateLimit::from_headers(&headers),
            headers,
            attempts,
        }
    }
}

/// A decoded value and the metadata of the response it came from.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WithMeta<T> {
    /// The decoded value, as `send` returns it.
    pub value: T,
    /// The response's metadata.
    pub meta: ResponseMeta,
}

impl<T> WithMeta<T> {
    /// Pairs a value with its metadata.
    pub fn new(value: T, meta: ResponseMeta) -> Self {
        Self { value, meta }
    }

    /// The value alone.
    pub fn into_value(self) -> T {
        self.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_is_read_off_the_headers() {
        let response = http::Response::builder()
            .status(201)
            .header("x-request-id", "req_7")
            .header("x-ratelimit-limit", "100")
            .header("x-ratelimit-remaining", "42")
            .header("x-ratelimit-reset", "1800")
            .body(bytes::Bytes::new())
            .unwrap();
        let meta = ResponseMeta::from_response(&response, 2);
        assert_eq!(meta.status, StatusCode::CREATED);
        assert_eq!(meta.request_id.as_deref(), Some("req_7"));
        assert_eq!(
            meta.rate_limit,
            RateLimit::new(Some(100), Some(42), Some(1800))
        );
        assert_eq!(meta.attempts, 2);
        assert_eq!(meta.headers["x-request-id"], "req_7");
        let bare = ResponseMeta::from_response(&http::Response::new(bytes::Bytes::new()), 1);
        assert_eq!(bare.request_id, None);
        assert!(bare.rate_limit.is_empty());
    }
}
