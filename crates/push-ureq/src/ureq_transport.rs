//! [`UreqTransport`]: ureq with redirects off, statuses handed back as values, one deadline per
//! attempt, a body cap, the configured proxy or none, and an exact answer to "was any byte of
//! the request written?".
//!
//! **One deadline per attempt.** ureq's `timeout_per_call` bounds one exchange from its start to
//! the last body byte, and connecting is bounded by the connect timeout within it: a server that
//! trickles its headers or body cannot stretch an attempt past the request timeout.
//!
//! **Never sent, decided by bytes.** The last connector of the agent's chain (after TCP, the
//! proxy's `CONNECT` and TLS) wraps each connection and marks, on the calling thread, when the
//! HTTP layer hands it request bytes. A failure before that mark (DNS, refused connection, TLS
//! handshake, proxy refusal) is "never sent", whatever its type; a failure after it "may have
//! reached the server", whatever its type.
//!
//! **Secrets stay out of ureq's logs, and the bytes sent are the bytes built.** ureq-proto
//! logs the request head it writes at `trace` level (and the `log` crate offers no per-crate
//! switch a library may flip); a body of known length it copies straight into the output
//! buffer, unlogged. So only a header can leak: a header whose value is one of the request's
//! [`Secrets`] (the `Authorization` value) is handed to ureq with a random placeholder, and
//! [`MarkWrites`] puts the real line back as the head leaves for the socket. The swap is
//! anchored, not searched: ureq-proto writes each header line whole, so the connection walks the
//! head line by line and replaces only the line that is exactly `name: placeholder`, stopping at
//! the blank line that ends the head. No placeholder can land in the body or in another header,
//! whatever their bytes: card numbers, CVVs and webhook secrets in a body are never rewritten.

use std::cell::{Cell, RefCell};

use bytes::Bytes;
use push_core::{
    Config, Timeouts, transport::BlockingTransport, transport::Request, transport::Response,
    transport::Secrets, transport::TransportError, transport::TransportErrorKind,
};
use ureq::{
    Agent, Timeout,
    unversioned::{
        resolver::{DefaultResolver, Resolver},
        transport::{
            Buffers, ConnectionDetails, Connector, DefaultConnector, NextTimeout, Transport,
        },
    },
};

thread_local! {
    /// Whether the current attempt on this thread handed any request byte to a connection.
    static WROTE: Cell<bool> = const { Cell::new(false) };
    /// The current attempt's masked header lines, put back as the head is written.
    static HEAD: RefCell<HeadSwaps> = const { RefCell::new(HeadSwaps::new()) };
}

/// The header lines of one attempt's head to put back: (`name: placeholder`, `name: secret`).
#[derive(Debug, Default)]
struct HeadSwaps {
    lines: Vec<(Vec<u8>, Vec<u8>)>,
    /// Until the blank line that ends the head: nothing after it is ever touched.
    in_head: bool,
}

impl HeadSwaps {
    const fn new() -> Self {
        Self {
            lines: Vec::new(),
            in_head: false,
        }
    }

    /// Puts the real header lines back in `chunk`, a run of whole head lines (ureq-proto writes
    /// each line whole or not at all), and notes where the head ends.
    fn restore(&mut self, chunk: &mut [u8]) {
        if !self.in_head {
            return;
        }
        let mut at = 0;
        while let Some(length) = chunk
            .get(at..)
            .and_then(|rest| rest.windows(2).position(|pair| pair == b"\r\n"))
        {
            if length == 0 {
                self.in_head = false;
                return;
            }
            // In bounds: `at + length` ends a line found inside `chunk`.
            let line = &mut chunk[at..at + length];
            if let Some((_, real)) = self
                .lines
                .iter()
                .find(|(masked, _)| masked.as_slice() == &line[..])
            {
                line.copy_from_slice(real);
            }
            at += length + 2;
        }
    }
}

/// Replaces each header whose value is a secret with a random placeholder of the same length
/// (letters and digits: valid in a header) and records the lines for [`MarkWrites`] to put
/// back. The body is not touched: ureq never logs it.
fn mask_headers(headers: &mut http::HeaderMap, secrets: &Secrets) -> HeadSwaps {
    let mut lines = Vec::new();
    for (name, value) in headers.iter_mut() {
        if !secrets.iter().any(|secret| value.as_bytes() == &secret[..]) {
            continue;
        }
        let placeholder: Vec<u8> = std::iter::repeat_with(fastrand::alphanumeric)
            .take(value.len())
            .map(|c| c as u8)
            .collect();
        let Ok(mut masked) = http::HeaderValue::from_bytes(&placeholder) else {
            continue;
        };
        masked.set_sensitive(value.is_sensitive());
        let line = |value: &[u8]| [name.as_str().as_bytes(), b": ", value].concat();
        lines.push((line(&placeholder), line(value.as_bytes())));
        *value = masked;
    }
    HeadSwaps {
        lines,
        in_head: true,
    }
}

/// One deadline for the attempt (see the module docs), connecting within it. A macro because
/// ureq's builder scopes (agent, request) share no public trait.
macro_rules! per_attempt {
    ($builder:expr, $timeouts:expr) => {{
        let timeouts: Timeouts = $timeouts;
        $builder
            .timeout_connect(Some(timeouts.connect.min(timeouts.request)))
            .timeout_per_call(Some(timeouts.request))
    }};
}

/// The last link of the connector chain: wraps each connection in [`MarkWrites`].
#[derive(Debug)]
struct MarkWritesConnector;

impl Connector<Box<dyn Transport>> for MarkWritesConnector {
    type Out = MarkWrites;

    fn connect(
        &self,
        _: &ConnectionDetails,
        chained: Option<Box<dyn Transport>>,
    ) -> Result<Option<MarkWrites>, ureq::Error> {
        Ok(chained.map(MarkWrites))
    }
}

/// A connection that marks [`WROTE`] before it writes request bytes. Pooled connections keep
/// the wrapper, and a blocking request runs on its caller's thread, so the mark is always the
/// current attempt's.
#[derive(Debug)]
struct MarkWrites(Box<dyn Transport>);

impl Transport for MarkWrites {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.0.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        if amount > 0 {
            // Before the write: a write that fails halfway may still have delivered bytes.
            WROTE.set(true);
            HEAD.with_borrow_mut(|head| {
                let output = self.0.buffers().output();
                let length = amount.min(output.len());
                // In bounds: `length` is capped at the buffer's length.
                head.restore(&mut output[..length]);
            });
        }
        self.0.transmit_output(amount, timeout)
    }

    fn maybe_await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.0.maybe_await_input(timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.0.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        self.0.is_open()
    }

    fn is_tls(&self) -> bool {
        self.0.is_tls()
    }
}

/// A pooled ureq agent as a push-core [`BlockingTransport`].
#[derive(Debug, Clone)]
pub struct UreqTransport {
    agent: Agent,
    /// The agent through the configured proxy, and the proxy, which decides per request
    /// whether it goes there (HTTPS off `NO_PROXY` only: see [`push_core::Proxy::routes`]).
    proxied: Option<(Agent, push_core::Proxy)>,
    max_body_bytes: u64,
    /// The agent's chain ends with [`MarkWritesConnector`] (false for `from_agent`).
    marks_writes: bool,
}

/// The provider the features chose (ring when both are on), passed explicitly: ureq is built
/// without one, so no provider is compiled that the features did not ask for.
#[cfg(feature = "rustls-ring")]
fn provider() -> std::sync::Arc<rustls::crypto::CryptoProvider> {
    std::sync::Arc::new(rustls::crypto::ring::default_provider())
}

#[cfg(all(feature = "rustls-aws-lc-rs", not(feature = "rustls-ring")))]
fn provider() -> std::sync::Arc<rustls::crypto::CryptoProvider> {
    std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

#[cfg(not(any(feature = "rustls-ring", feature = "rustls-aws-lc-rs")))]
compile_error!(
    "push-ureq needs a TLS provider: the `rustls-ring` (default) or `rustls-aws-lc-rs` feature"
);

/// `tls` with a crypto provider: ureq is built without a fallback of its own, and would panic on
/// the first request over a config that names none.
fn with_provider(tls: ureq::tls::TlsConfig) -> ureq::tls::TlsConfig {
    if tls.unversioned_rustls_crypto_provider().is_some()
        || rustls::crypto::CryptoProvider::get_default().is_some()
    {
        return tls;
    }
    ureq::tls::TlsConfig::builder()
        .provider(tls.provider())
        .client_cert(tls.client_cert().cloned())
        .root_certs(tls.root_certs().clone())
        .use_sni(tls.use_sni())
        .disable_verification(tls.disable_verification())
        .unversioned_rustls_crypto_provider(provider())
        .build()
}

/// The bundled webpki roots.
#[cfg(not(feature = "native-roots"))]
fn root_certs() -> ureq::tls::RootCerts {
    ureq::tls::RootCerts::WebPki
}

/// The operating system's store; the bundled webpki roots when it cannot be read or is empty.
#[cfg(feature = "native-roots")]
fn root_certs() -> ureq::tls::RootCerts {
    let certs: Vec<ureq::tls::Certificate<'static>> = rustls_native_certs::load_native_certs()
        .certs
        .into_iter()
        .map(|der| ureq::tls::Certificate::from_der(der.as_ref()).to_owned())
        .collect();
    if certs.is_empty() {
        return ureq::tls::RootCerts::WebPki;
    }
    ureq::tls::RootCerts::new_with_certs(&certs)
}

impl UreqTransport {
    /// An agent that never follows redirects and never turns a status into an error: the
    /// core decides what a status means.
    pub fn new(config: &Config) -> Self {
        let tls = ureq::tls::TlsConfig::builder()
            .unversioned_rustls_crypto_provider(provider())
            .root_certs(root_certs())
            .build();
        Self::with_tls(config, tls)
    }

    /// The same transport trusting what `tls` trusts: a private CA or a pinned certificate
    /// (`TlsConfig::builder().root_certs(RootCerts::new_with_certs(..))`). A config without a
    /// crypto provider gets the one this crate's features chose (or rustls's process default,
    /// when one is installed).
    pub fn with_tls(config: &Config, tls: ureq::tls::TlsConfig) -> Self {
        Self::with_resolver(config, tls, LiteralsInline(DefaultResolver::default()))
    }

    /// The same transport resolving host names with `resolver` (service discovery, a pinned
    /// address). ureq's resolver interface is unversioned: it may change with ureq.
    pub fn with_resolver(
        config: &Config,
        tls: ureq::tls::TlsConfig,
        resolver: impl Resolver,
    ) -> Self {
        let agent = |proxy: Option<ureq::Proxy>, resolver| {
            let agent_config = per_attempt!(Agent::config_builder(), config.timeouts())
                .http_status_as_error(false)
                .max_redirects(0)
                .max_redirects_will_error(false)
                .proxy(proxy)
                .tls_config(with_provider(tls.clone()))
                .build();
            let connector = DefaultConnector::new().chain(MarkWritesConnector);
            Agent::with_parts(agent_config, connector, resolver)
        };
        let resolver = std::sync::Arc::new(resolver);
        // Core validated the proxy URL; ureq refusing it would mean connecting directly, which
        // still keeps the token inside TLS.
        let proxied = config.configured_proxy().and_then(|proxy| {
            let through = ureq::Proxy::new(proxy.url()).ok()?;
            Some((
                agent(Some(through), Shared(std::sync::Arc::clone(&resolver))),
                proxy.clone(),
            ))
        });
        Self {
            agent: agent(None, Shared(resolver)),
            proxied,
            max_body_bytes: config.max_body_bytes(),
            marks_writes: true,
        }
    }

    /// Wraps an agent you configured yourself. Keep `http_status_as_error` off. Such an agent
    /// cannot tell whether request bytes were written, so "never sent" falls back to the
    /// error's type (connect and TLS handshake failures).
    pub fn from_agent(agent: Agent, max_body_bytes: u64) -> Self {
        Self {
            agent,
            proxied: None,
            max_body_bytes,
            marks_writes: false,
        }
    }
}

/// One resolver shared by the direct and the proxied agent.
#[derive(Debug)]
struct Shared<R>(std::sync::Arc<R>);

impl<R: Resolver> Resolver for Shared<R> {
    fn resolve(
        &self,
        uri: &http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        self.0.resolve(uri, config, timeout)
    }

    fn empty(&self) -> ureq::unversioned::resolver::ResolvedSocketAddrs {
        self.0.empty()
    }
}

/// ureq resolves the host on every request, pooled connection or not, and its default resolver
/// runs each lookup on a new thread whenever a whole-call timeout is set (~40 µs a request on
/// loopback, BENCHMARKS.md). An IP literal needs no lookup: it is parsed inline, on the caller's
/// thread. Names keep the threaded lookup, bounded by the attempt's deadline.
#[derive(Debug)]
struct LiteralsInline(DefaultResolver);

impl Resolver for LiteralsInline {
    fn resolve(
        &self,
        uri: &http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let literal = uri.host().is_some_and(|host| {
            host.trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .is_ok()
        });
        // `NextTimeout::default()` is "no deadline": ureq's resolver then parses inline.
        let timeout = if literal {
            NextTimeout::default()
        } else {
            timeout
        };
        self.0.resolve(uri, config, timeout)
    }
}

/// ureq reports a TLS handshake failure (an untrusted certificate, say) as an IO error.
fn handshake_failure(io: &std::io::Error) -> bool {
    io.get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .is_some()
}

/// The error, given whether any request byte was written (`None`: unknown, judge by type).
fn classify(err: ureq::Error, wrote: Option<bool>) -> TransportError {
    let timeout = matches!(err, ureq::Error::Timeout(_));
    match (wrote, err) {
        (_, ureq::Error::BodyExceedsLimit(limit)) => TransportError::body_too_large(limit),
        (Some(false), _) if timeout => TransportError::timeout(false),
        (Some(false), err) => TransportError::connect(err),
        (Some(true), _) if timeout => TransportError::timeout(true),
        (Some(true), ureq::Error::Io(io)) => TransportError::io(io),
        (Some(true), err) => {
            TransportError::new(TransportErrorKind::Other, true, Some(Box::new(err)))
        }
        (None, err) => classify_by_type(err),
    }
}

fn classify_by_type(err: ureq::Error) -> TransportError {
    match err {
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => TransportError::connect(err),
        ureq::Error::Timeout(Timeout::Resolve | Timeout::Connect) => TransportError::timeout(false),
        ureq::Error::Timeout(_) => TransportError::timeout(true),
        ureq::Error::Io(io)
            if io.kind() == std::io::ErrorKind::ConnectionRefused || handshake_failure(&io) =>
        {
            TransportError::connect(io)
        }
        ureq::Error::Io(io) => TransportError::io(io),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => TransportError::connect(err),
        other => TransportError::new(TransportErrorKind::Other, true, Some(Box::new(other))),
    }
}

impl UreqTransport {
    fn run(
        &self,
        request: http::Request<impl ureq::AsSendBody>,
        timeouts: Timeouts,
    ) -> Result<Response, TransportError> {
        let agent = match &self.proxied {
            Some((agent, proxy)) if proxy.routes(request.uri()) => agent,
            _ => &self.agent,
        };
        let request = per_attempt!(agent.configure_request(request), timeouts).build();
        WROTE.set(false);
        let response = agent
            .run(request)
            .map_err(|err| classify(err, self.marks_writes.then(|| WROTE.get())))?;
        let (parts, mut body) = response.into_parts();
        push_core::transport::check_declared_length(&parts.headers, self.max_body_bytes)?;
        // A response came back, so the request was sent.
        let bytes = body
            .with_config()
            .limit(self.max_body_bytes)
            .read_to_vec()
            .map_err(|err| classify(err, Some(true)))?;
        Ok(Response::from_parts(parts, Bytes::from(bytes)))
    }
}

impl BlockingTransport for UreqTransport {
    fn send(&self, request: Request) -> Result<Response, TransportError> {
        let timeouts = request
            .extensions()
            .get::<Timeouts>()
            .copied()
            .unwrap_or_default();
        let (mut parts, body) = request.into_parts();
        // ureq-proto logs the head it writes at trace level: it gets placeholders, and the
        // connection puts the secret lines back as the head leaves (see the module docs).
        let swaps = match (self.marks_writes, parts.extensions.get::<Secrets>()) {
            (true, Some(secrets)) => mask_headers(&mut parts.headers, secrets),
            _ => HeadSwaps::default(),
        };
        HEAD.set(swaps);
        if body.is_empty() && !parts.headers.contains_key(http::header::CONTENT_LENGTH) {
            // No body at all, so a GET carries no `content-length: 0`. A bodiless POST comes
            // with `content-length: 0` from push-core, and goes as the empty slice it declares.
            self.run(http::Request::from_parts(parts, ()), timeouts)
        } else {
            self.run(http::Request::from_parts(parts, &body[..]), timeouts)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn swaps(placeholder: &str, secret: &str) -> HeadSwaps {
        HeadSwaps {
            lines: vec![(
                format!("authorization: {placeholder}").into_bytes(),
                format!("authorization: {secret}").into_bytes(),
            )],
            in_head: true,
        }
    }

    /// Only the line that is exactly `authorization: placeholder` is put back: the same bytes in
    /// the request line, in another header, inside a longer value or in the body stay as built.
    #[test]
    fn only_the_masked_header_line_is_put_back() {
        let mut head = swaps("Bearer XyZ1", "Bearer sk_1");
        let mut chunk = b"POST /Bearer XyZ1 HTTP/1.1\r\nx-echo: Bearer XyZ1\r\nauthorization: Bearer XyZ1\r\nx-other: authorization: Bearer XyZ1\r\n\r\n".to_vec();
        head.restore(&mut chunk);
        assert_eq!(
            chunk,
            b"POST /Bearer XyZ1 HTTP/1.1\r\nx-echo: Bearer XyZ1\r\nauthorization: Bearer sk_1\r\nx-other: authorization: Bearer XyZ1\r\n\r\n"
        );
        assert!(!head.in_head, "the blank line ends the head");
        // The body, written after the head, is never touched.
        let mut body = b"authorization: Bearer XyZ1\r\n".to_vec();
        head.restore(&mut body);
        assert_eq!(body, b"authorization: Bearer XyZ1\r\n");
    }

    /// A head written in several chunks (one line each) is restored line by line.
    #[test]
    fn a_head_in_several_writes_is_restored() {
        let mut head = swaps("abc", "xyz");
        let mut lines: Vec<Vec<u8>> = vec![
            b"GET / HTTP/1.1\r\n".to_vec(),
            b"authorization: abc\r\n".to_vec(),
            b"\r\n".to_vec(),
            b"authorization: abc\r\n".to_vec(),
        ];
        for line in &mut lines {
            head.restore(line);
        }
        assert_eq!(lines[1], b"authorization: xyz\r\n");
        assert_eq!(lines[3], b"authorization: abc\r\n");
    }

    #[test]
    fn only_secret_headers_are_masked() {
        let mut headers = http::HeaderMap::new();
        headers.insert("authorization", "Bearer sk_test_1".parse().unwrap());
        headers.insert("content-type", "application/json".parse().unwrap());
        let secrets = Secrets::new(vec![Bytes::from_static(b"Bearer sk_test_1")]);
        let swaps = mask_headers(&mut headers, &secrets);
        assert_eq!(swaps.lines.len(), 1);
        assert_ne!(headers["authorization"], "Bearer sk_test_1");
        assert_eq!(headers["authorization"].len(), "Bearer sk_test_1".len());
        assert_eq!(headers["content-type"], "application/json");
        assert_eq!(swaps.lines[0].1, b"authorization: Bearer sk_test_1");
    }
}
