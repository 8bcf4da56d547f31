//! The seam between the core and any HTTP client: plain `http` types and one method.
//!
//! A transport sends one request and returns the whole response (status, headers, body), or a
//! [`TransportError`] that says whether the request may have reached the server. It does not
//! retry, follow redirects or turn statuses into errors: the core decides all of that.
//! Per-attempt [`crate::Timeouts`] ride in the request's extensions.

use std::sync::Arc;

use bytes::Bytes;

use std::fmt;

use crate::IdempotencyKey;

/// A request as the core builds it.
pub type Request = http::Request<Bytes>;
/// A response as a transport returns it: the whole body, read up to the transport's cap.
pub type Response = http::Response<Bytes>;

/// The exact byte strings of a request that are secret (the `Authorization` header's value, a
/// webhook secret as it stands in the JSON body), in each request's extensions.
///
/// A transport whose HTTP library logs the bytes it writes (ureq-proto dumps every request at
/// `trace` level) can hand the library same-length placeholders and put these bytes back only
/// where they leave for the socket; push-ureq does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Secrets(Vec<Bytes>);

impl Secrets {
    /// The secret byte strings, longest first (so a secret that contains another is masked
    /// whole).
    pub fn new(mut secrets: Vec<Bytes>) -> Self {
        secrets.retain(|secret| !secret.is_empty());
        secrets.sort_by_key(|secret| std::cmp::Reverse(secret.len()));
        Self(secrets)
    }

    /// The secret byte strings.
    pub fn iter(&self) -> impl Iterator<Item = &Bytes> {
        self.0.iter()
    }
}

/// The boxed future an async [`Transport`] returns.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// An async HTTP transport. Object-safe: `Arc<dyn Transport>` works.
///
/// Implement it with `#[async_trait::async_trait]` and `async fn send(&self, request: Request)`;
/// the signature below is the one async-trait writes, spelled out so that the core (and a
/// blocking program on it) does not compile the macro. By hand: `Box::pin(async move { .. })`.
pub trait Transport: Send + Sync {
    /// Sends one request and reads the whole response.
    fn send<'life0, 'async_trait>(
        &'life0 self,
        request: Request,
    ) -> BoxFuture<'async_trait, Result<Response, TransportError>>
    where
        'life0: 'async_trait,
        Self: 'async_trait;
}

/// An async transport from a closure returning a future: the async counterpart of a closure as
/// a [`BlockingTransport`], for tests and for wrapping a client of your own.
///
/// ```
/// use push_core::transport::{Request, Response, transport_fn};
/// let transport = transport_fn(|request: Request| async move {
///     Ok(Response::new(bytes::Bytes::from(request.uri().to_string())))
/// });
/// # let _ = transport;
/// ```
pub fn transport_fn<F, Fut>(send: F) -> TransportFn<F>
where
    F: Fn(Request) -> Fut + Send + Sync,
    Fut: std::future::Future<Output = Result<Response, TransportError>> + Send,
{
    TransportFn(send)
}

/// What [`transport_fn`] returns.
#[derive(Clone)]
pub struct TransportFn<F>(F);

impl<F> fmt::Debug for TransportFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TransportFn")
    }
}

impl<F, Fut> Transport for TransportFn<F>
where
    F: Fn(Request) -> Fut + Send + Sync,
    Fut: std::future::Future<Output = Result<Response, TransportError>> + Send,
{
    fn send<'life0, 'async_trait>(
        &'life0 self,
        request: Request,
    ) -> BoxFuture<'async_trait, Result<Response, TransportError>>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(async move { (self.0)(request).await })
    }
}

/// A blocking HTTP transport. Any `Fn(Request) -> Result<Response, TransportError>` is one.
pub trait BlockingTransport: Send + Sync {
    /// Sends one request and reads the whole response.
    fn send(&self, request: Request) -> Result<Response, TransportError>;
}

impl<F> BlockingTransport for F
where
    F: Fn(Request) -> Result<Response, TransportError> + Send + Sync,
{
    fn send(&self, request: Request) -> Result<Response, TransportError> {
        self(request)
    }
}

/// Refuses a response whose `Content-Length` is over the body cap, before any of the body is
/// read. Transports still cap the bytes they read, for bodies without a length.
pub fn check_declared_length(headers: &http::HeaderMap, limit: u64) -> Result<(), TransportError> {
    let declared = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match declared {
        Some(length) if length > limit => Err(TransportError::body_too_large(limit)),
        _ => Ok(()),
    }
}

/// What went wrong in a transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// Could not connect (DNS, TCP, TLS handshake): the request never left.
    Connect,
    /// The connect or request timeout fired.
    Timeout,
    /// The connection failed while writing the request or reading the response.
    Io,
    /// The response body was larger than the configured cap; reading stopped there.
    BodyTooLarge {
        /// The cap, in bytes.
        limit: u64,
    },
    /// Anything else.
    Other,
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportErrorKind::Connect => f.write_str("could not connect"),
            TransportErrorKind::Timeout => f.write_str("timed out"),
            TransportErrorKind::Io => f.write_str("connection failed"),
            TransportErrorKind::BodyTooLarge { limit } => {
                write!(f, "response body exceeds the cap of {limit} bytes")
            }
            TransportErrorKind::Other => f.write_str("transport error"),
        }
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A failure below HTTP, reported by a [`Transport`].
///
/// The transport says whether the request may have reached the server: that decides whether a
/// non-idempotent `POST /authorize` may be retried.
#[derive(Debug)]
pub struct TransportError {
    pub(crate) kind: TransportErrorKind,
    pub(crate) may_have_reached_server: bool,
    source: Option<BoxError>,
    pub(crate) idempotency_key: Option<IdempotencyKey>,
    pub(crate) outcome_unknown: bool,
    /// `host:port` of the server the request was for, named in the message.
    host: Option<String>,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Whether the outcome is unknown is said first, by `Error`'s `Display`.
        let note = if self.may_have_reached_server {
            ""
        } else {
            " (the request was not sent)"
        };
        match (&self.kind, &self.host) {
            (TransportErrorKind::Connect, Some(host)) => {
                write!(f, "could not connect to {host}{note}")
            }
            (kind, Some(host)) => write!(f, "{kind} ({host}){note}"),
            (kind, None) => write!(f, "{kind}{note}"),
        }
    }
}

/// The transport library's error is the cause.
impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|err| err as &(dyn std::error::Error + 'static))
    }
}

impl TransportError {
    /// A failure of the given kind; `may_have_reached_server` is false only when the transport
    /// knows no byte of the request was written.
    pub fn new(
        kind: TransportErrorKind,
        may_have_reached_server: bool,
        source: Option<BoxError>,
    ) -> Self {
        Self {
            kind,
            may_have_reached_server,
            source,
            idempotency_key: None,
            outcome_unknown: false,
            host: None,
        }
    }

    /// Names the server (`host:port`) in the message; the call does it for every transport.
    pub fn with_host(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }

    /// The server the request was for (`host:port`), when known.
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }

    /// Could not connect: the request never left.
    pub fn connect(source: impl Into<BoxError>) -> Self {
        Self::new(TransportErrorKind::Connect, false, Some(source.into()))
    }

    /// The connection failed after the request may have been written.
    pub fn io(source: impl Into<BoxError>) -> Self {
        Self::new(TransportErrorKind::Io, true, Some(source.into()))
    }

    /// A timeout; `may_have_reached_server` is false for a connect timeout.
    pub fn timeout(may_have_reached_server: bool) -> Self {
        Self::new(TransportErrorKind::Timeout, may_have_reached_server, None)
    }

    /// The body passed `limit` bytes.
    pub fn body_too_large(limit: u64) -> Self {
        Self::new(TransportErrorKind::BodyTooLarge { limit }, true, None)
    }

    /// What went wrong.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// False only when the request provably never left this machine.
    pub fn may_have_reached_server(&self) -> bool {
        self.may_have_reached_server
    }

    /// The idempotency key of the call, for `POST /intent`.
    pub fn idempotency_key(&self) -> Option<&IdempotencyKey> {
        self.idempotency_key.as_ref()
    }
}

/// A shared or boxed transport is a transport.
macro_rules! forward_transport {
    ($($pointer:ident),*) => {$(
        impl<T: Transport + ?Sized> Transport for $pointer<T> {
        fn send<'life0, 'async_trait>(
            &'life0 self,
            request: Request,
        ) -> BoxFuture<'async_trait, Result<Response, TransportError>>
        where
            'life0: 'async_trait,
            Self: 'async_trait,
        {
            (**self).send(request)
        }
        }
    )*};
}

forward_transport!(Arc, Box);

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_object_safe(_: &dyn Transport, _: &dyn BlockingTransport) {}

    struct Nothing;

    impl Transport for Nothing {
        fn send<'life0, 'async_trait>(
            &'life0 self,
            _: Request,
        ) -> BoxFuture<'async_trait, Result<Response, TransportError>>
        where
            'life0: 'async_trait,
            Self: 'async_trait,
        {
            Box::pin(async { Err(TransportError::timeout(false)) })
        }
    }

    #[test]
    fn declared_lengths_over_the_cap_are_refused() {
        let mut headers = http::HeaderMap::new();
        assert!(check_declared_length(&headers, 10).is_ok());
        headers.insert("content-length", "10".parse().unwrap());
        assert!(check_declared_length(&headers, 10).is_ok());
        headers.insert("content-length", "11".parse().unwrap());
        let err = check_declared_length(&headers, 10).unwrap_err();
        assert_eq!(
            err.kind(),
            crate::TransportErrorKind::BodyTooLarge { limit: 10 }
        );
    }

    #[test]
    fn closures_returning_futures_are_async_transports() {
        let transport = transport_fn(|request: Request| async move {
            Ok(http::Response::new(Bytes::from(
                request.uri().path().to_owned(),
            )))
        });
        let shared: Arc<dyn Transport> = Arc::new(transport);
        let request = http::Request::get("/intent/x").body(Bytes::new()).unwrap();
        // A future that is ready at once: polled by hand, no runtime needed.
        let mut future = shared.send(request);
        let waker = std::task::Waker::noop();
        let mut context = std::task::Context::from_waker(waker);
        match future.as_mut().poll(&mut context) {
            std::task::Poll::Ready(Ok(response)) => assert_eq!(response.body(), "/intent/x"),
            other => panic!("{:?}", other.is_ready()),
        }
    }

    #[test]
    fn closures_are_blocking_transports_and_traits_are_object_safe() {
        let closure = |request: Request| -> Result<Response, TransportError> {
            Ok(http::Response::new(Bytes::from(request.uri().to_string())))
        };
        let shared: Arc<dyn Transport> = Arc::new(Nothing);
        assert_object_safe(&shared, &closure);
        let response = closure
            .send(http::Request::get("/x").body(Bytes::new()).unwrap())
            .unwrap();
        assert_eq!(response.body(), "/x");
    }
}
