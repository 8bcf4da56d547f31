//! [`HyperTransport`]: one request in, one whole response out, bounded in time and size.
//!
//! "Never sent" is hyper-util's connect error: resolving the host, connecting, the proxy's
//! `CONNECT` and the TLS handshake all happen in the connector, before the first byte of the
//! request is written. The TLS crypto provider is passed explicitly (ring), so the client
//! builds even in a binary where another crate enables a second rustls provider. A configured
//! proxy is used for HTTPS only, through a `CONNECT` tunnel (hyper-util's `Tunnel`).

use std::{
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    time::Duration,
};

use bytes::Bytes;
use http::Uri;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::{
    client::legacy::{
        Client as HyperClient,
        connect::{HttpConnector, proxy::Tunnel},
    },
    client::proxy::matcher::Matcher,
    rt::{TokioExecutor, TokioIo, TokioTimer},
};
use push_core::{
    Config, Timeouts, transport::Request, transport::Response, transport::Transport,
    transport::TransportError, transport::TransportErrorKind,
};
use tokio::net::TcpStream;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The TCP connector: through the configured proxy's `CONNECT` tunnel for the destinations it
/// routes (HTTPS, off `NO_PROXY`), direct for every other, decided per connection: a plaintext
/// tokens host is never proxied because the base URL is HTTPS.
#[derive(Debug, Clone)]
pub(crate) struct ProxyConnector {
    direct: HttpConnector,
    tunnel: Option<(Tunnel<HttpConnector>, Arc<Matcher>)>,
}

/// hyper-util's matcher for the proxy's HTTPS route and its `NO_PROXY` list (names, `.suffix`,
/// `*`, IP addresses and CIDR ranges), pointed at the proxy without its credentials (the
/// tunnel carries them; the matcher only decides).
fn matcher(proxy: &push_core::Proxy) -> Matcher {
    let (host, port) = proxy.host_and_port();
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    Matcher::builder()
        .https(format!("http://{host}:{port}"))
        .no(proxy.no_proxy_list())
        .build()
}

/// Whether a connection to `destination` goes through the proxy: HTTPS only (plaintext never
/// does), and not to a host on `NO_PROXY`.
fn proxied(matcher: &Matcher, destination: &Uri) -> bool {
    destination.scheme() == Some(&http::uri::Scheme::HTTPS)
        && matcher.intercept(destination).is_some()
}

impl tower_service::Service<Uri> for ProxyConnector {
    type Response = TokioIo<TcpStream>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        if let Some((tunnel, _)) = &mut self.tunnel
            && let Poll::Ready(Err(err)) = tunnel.poll_ready(cx)
        {
            return Poll::Ready(Err(err.into()));
        }
        self.direct.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, destination: Uri) -> Self::Future {
        match &mut self.tunnel {
            Some((tunnel, matcher)) if proxied(matcher, &destination) => {
                let connecting = tunnel.call(destination);
                Box::pin(async move { connecting.await.map_err(Into::into) })
            }
            _ => {
                let connecting = self.direct.call(destination);
                Box::pin(async move { connecting.await.map_err(Into::into) })
            }
        }
    }
}

type Pooled = HyperClient<HttpsConnector<ProxyConnector>, Full<Bytes>>;
type UserClient = HyperClient<HttpsConnector<HttpConnector>, Full<Bytes>>;

#[derive(Clone, Debug)]
enum Inner {
    Ours(Box<Pooled>),
    Yours(Box<UserClient>),
}

/// A pooled hyper client as a push-core [`Transport`].
///
/// Reads the per-attempt [`Timeouts`] from each request; the request timeout covers connecting,
/// sending and reading the *whole* body. Bodies past the cap are refused without reading on.
#[derive(Clone, Debug)]
pub struct HyperTransport {
    client: Inner,
    max_body_bytes: u64,
}

/// The provider the features chose (ring when both are on), passed explicitly rather than read
/// from rustls's process-wide default (which panics when a binary enables two providers and
/// installs neither).
#[cfg(feature = "rustls-ring")]
fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

#[cfg(all(feature = "rustls-aws-lc-rs", not(feature = "rustls-ring")))]
fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

#[cfg(not(any(feature = "rustls-ring", feature = "rustls-aws-lc-rs")))]
compile_error!(
    "push-hyper needs a TLS provider: the `rustls-ring` (default) or `rustls-aws-lc-rs` feature"
);

impl HyperTransport {
    /// A transport with the config's connect timeout, body cap and proxy. Must be called inside
    /// a tokio runtime only when used; building needs none.
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
        let tunnel = config.configured_proxy().and_then(|proxy| {
            let (uri, auth) = tunnel_to(proxy)?;
            Some((
                Tunnel::new(uri, http.clone()).with_auth_opt(auth),
                Arc::new(matcher(proxy)),
            ))
        });
        let connector = ProxyConnector {
            direct: http,
            tunnel,
        };
        let https = tls
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(connector);
        let client = HyperClient::builder(TokioExecutor::new())
            .timer(TokioTimer::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(90))
            .build(https);
        Self {
            client: Inner::Ours(Box::new(client)),
            max_body_bytes: config.max_body_bytes(),
        }
    }

    /// Wraps a hyper-util client you built yourself (your connector, TLS roots).
    pub fn from_hyper(client: UserClient, max_body_bytes: u64) -> Self {
        Self {
            client: Inner::Yours(Box::new(client)),
            max_body_bytes,
        }
    }

    async fn exchange(&self, request: Request) -> Result<Response, TransportError> {
        let request = request.map(Full::new);
        let sent = match &self.client {
            Inner::Ours(client) => client.request(request).await,
            Inner::Yours(client) => client.request(request).await,
        };
        let response = sent.map_err(|err| {
            // A connect error means no byte of the request was written.
            if err.is_connect() {
                TransportError::connect(err)
            } else {
                TransportError::io(err)
            }
        })?;
        let (parts, body) = response.into_parts();
        push_core::transport::check_declared_length(&parts.headers, self.max_body_bytes)?;
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

/// The proxy's URI and its `Proxy-Authorization`, if the URL carries credentials.
fn tunnel_to(proxy: &push_core::Proxy) -> Option<(Uri, Option<http::HeaderValue>)> {
    let (host, port) = proxy.host_and_port();
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    let uri: Uri = format!("http://{host}:{port}").parse().ok()?;
    let auth = proxy.credentials().and_then(|(user, password)| {
        use base64::Engine;
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        let mut value = http::HeaderValue::try_from(format!("Basic {encoded}")).ok()?;
        value.set_sensitive(true);
        Some(value)
    });
    Some((uri, auth))
}

trait WithAuthOpt {
    fn with_auth_opt(self, auth: Option<http::HeaderValue>) -> Self;
}

impl WithAuthOpt for Tunnel<HttpConnector> {
    fn with_auth_opt(self, auth: Option<http::HeaderValue>) -> Self {
        match auth {
            Some(auth) => self.with_auth(auth),
            None => self,
        }
    }
}

#[cfg(not(feature = "native-roots"))]
fn tls_builder() -> HttpsConnectorBuilder<hyper_rustls::builderstates::WantsSchemes> {
    HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(provider())
        // Cannot fire: both providers implement rustls's safe default protocol versions.
        .expect("the provider supports TLS 1.2 and 1.3")
}

#[cfg(feature = "native-roots")]
fn tls_builder() -> HttpsConnectorBuilder<hyper_rustls::builderstates::WantsSchemes> {
    match HttpsConnectorBuilder::new().with_provider_and_native_roots(provider()) {
        Ok(builder) => builder,
        Err(_) => HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(provider())
            // Cannot fire: both providers implement rustls's safe default protocol versions.
            .expect("the provider supports TLS 1.2 and 1.3"),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// NO_PROXY read by hyper-util's matcher: names and suffixes, `*`, addresses and CIDR
    /// ranges; plaintext is never proxied.
    #[test]
    fn no_proxy_entries_decide_which_connections_are_tunnelled() {
        let proxy = push_core::Proxy::new("http://user:pw@proxy.internal:3128")
            .unwrap()
            .with_no_proxy("10.0.0.0/8, .corp.example, ::1, localhost");
        let routes = matcher(&proxy);
        assert!(!format!("{routes:?}").contains("pw"), "{routes:?}");
        for (destination, through_proxy) in [
            ("https://sandbox.pushcash.com/intent", true),
            ("http://sandbox.pushcash.com/intent", false),
            ("https://10.1.2.3/intent", false),
            ("https://11.1.2.3/intent", true),
            ("https://api.corp.example/", false),
            ("https://corp.example/", false),
            ("https://notcorp.example/", true),
            ("https://[::1]:8443/", false),
            ("https://localhost/", false),
        ] {
            let uri: Uri = destination.parse().unwrap();
            assert_eq!(proxied(&routes, &uri), through_proxy, "{destination}");
        }
        let everything = matcher(&proxy.clone().with_no_proxy("*"));
        assert!(!proxied(
            &everything,
            &"https://sandbox.pushcash.com/".parse().unwrap()
        ));
    }
}
