//! [`HyperTransport`]: one request in, one whole response out, bounded in time and size.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::{
    client::legacy::{Client as HyperClient, connect::HttpConnector},
    rt::{TokioExecutor, TokioTimer},
};
use push_core::{
    Config, Request, Response, Timeouts, Transport, TransportError, TransportErrorKind,
};

/// A pooled hyper client as a push-core [`Transport`].
///
/// Reads the per-attempt [`Timeouts`] from each request; the request timeout covers connecting,
/// sending and reading the *whole* body. Bodies past the cap are refused without reading on.
#[derive(Clone, Debug)]
pub struct HyperTransport {
    client: HyperClient<HttpsConnector<HttpConnector>, Full<Bytes>>,
    max_body_bytes: u64,
}

impl HyperTransport {
    /// A transport with the config's connect timeout and body cap. Must be called inside a
    /// tokio runtime only when used; building needs none.
    pub fn new(config: &Config) -> Self {
        Self::with_connector(config, tls_builder())
    }

    /// A transport that trusts exactly what `tls` trusts: a private CA, a pinned certificate, a
    /// corporate proxy's root. ALPN is set here (h2, then http/1.1).
    pub fn with_tls(config: &Config, tls: rustls::ClientConfig) -> Self {
        Self::with_connector(config, HttpsConnectorBuilder::new().with_tls_config(tls))
    }

    fn with_connector(
        config: &Config,
        tls: HttpsConnectorBuilder<hyper_rustls::builderstates::WantsSchemes>,
    ) -> Self {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(config.timeouts().connect));
        let https = tls
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(http);
        let client = HyperClient::builder(TokioExecutor::new())
            .timer(TokioTimer::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(90))
            .build(https);
        Self {
            client,
            max_body_bytes: config.max_body_bytes(),
        }
    }

    /// Wraps a hyper-util client you built yourself (your connector, proxy, TLS roots).
    pub fn from_hyper(
        client: HyperClient<HttpsConnector<HttpConnector>, Full<Bytes>>,
        max_body_bytes: u64,
    ) -> Self {
        Self {
            client,
            max_body_bytes,
        }
    }

    async fn exchange(&self, request: Request) -> Result<Response, TransportError> {
        let response = self
            .client
            .request(request.map(Full::new))
            .await
            .map_err(|err| {
                // A connect error means no byte of the request was written.
                if err.is_connect() {
                    TransportError::connect(err)
                } else {
                    TransportError::io(err)
                }
            })?;
        let (parts, body) = response.into_parts();
        push_core::check_declared_length(&parts.headers, self.max_body_bytes)?;
        let limit = usize::try_from(self.max_body_bytes).unwrap_or(usize::MAX);
        let collected = Limited::new(body, limit).collect().await.map_err(|err| {
            if err.is::<LengthLimitError>() {
                TransportError::body_too_large(self.max_body_bytes)
            } else {
                TransportError::new(TransportErrorKind::Io, true, Some(err))
            }
        })?;
        Ok(Response::from_parts(parts, collected.to_bytes()))
    }
}

#[cfg(not(feature = "native-roots"))]
fn tls_builder() -> HttpsConnectorBuilder<hyper_rustls::builderstates::WantsSchemes> {
    HttpsConnectorBuilder::new().with_webpki_roots()
}

#[cfg(feature = "native-roots")]
fn tls_builder() -> HttpsConnectorBuilder<hyper_rustls::builderstates::WantsSchemes> {
    HttpsConnectorBuilder::new()
        .with_native_roots()
        .unwrap_or_else(|_| HttpsConnectorBuilder::new().with_webpki_roots())
}

#[async_trait::async_trait]
impl Transport for HyperTransport {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        let timeouts = request
            .extensions()
            .get::<Timeouts>()
            .copied()
            .unwrap_or_default();
        match tokio::time::timeout(timeouts.request, self.exchange(request)).await {
            Ok(result) => result,
            Err(_elapsed) => Err(TransportError::timeout(true)),
        }
    }
}
