//! [`UreqTransport`]: ureq with redirects off, statuses handed back as values, timeouts from the
//! request, and a body cap.
//!
//! Timeouts use ureq's per-phase timers: connecting is bounded by the connect timeout; sending
//! the request, waiting for the response head, and reading the *whole* body are each bounded by
//! the request timeout. ureq's single whole-call timer (`timeout_global`) would bound their sum
//! instead, but it re-arms the socket timeout on every read and write and costs ~40 µs a
//! request on loopback (BENCHMARKS.md), a third of a whole `get_intent`; a stalled server is
//! cut off either way.

use bytes::Bytes;
use push_core::{
    BlockingTransport, Config, Request, Response, Timeouts, TransportError, TransportErrorKind,
};
use ureq::{Agent, Timeout};

/// Bounds every phase of one exchange (see the module docs). A macro because ureq's builder
/// scopes (agent, request) share no public trait.
macro_rules! phases {
    ($builder:expr, $timeouts:expr) => {{
        let timeouts: Timeouts = $timeouts;
        let request = Some(timeouts.request);
        $builder
            .timeout_connect(Some(timeouts.connect.min(timeouts.request)))
            .timeout_send_request(request)
            .timeout_send_body(request)
            .timeout_recv_response(request)
            .timeout_recv_body(request)
    }};
}

/// A pooled ureq agent as a push-core [`BlockingTransport`].
#[derive(Debug, Clone)]
pub struct UreqTransport {
    agent: Agent,
    max_body_bytes: u64,
}

impl UreqTransport {
    /// An agent that never follows redirects and never turns a status into an error: the
    /// core decides what a status means.
    pub fn new(config: &Config) -> Self {
        Self::with_tls(config, ureq::tls::TlsConfig::default())
    }

    /// The same transport trusting what `tls` trusts: a private CA or a pinned certificate
    /// (`TlsConfig::builder().root_certs(RootCerts::new_with_certs(..))`).
    pub fn with_tls(config: &Config, tls: ureq::tls::TlsConfig) -> Self {
        let agent = phases!(Agent::config_builder(), config.timeouts())
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .tls_config(tls)
            .build()
            .new_agent();
        Self {
            agent,
            max_body_bytes: config.max_body_bytes(),
        }
    }

    /// Wraps an agent you configured yourself (proxy, TLS). Keep `http_status_as_error` off.
    pub fn from_agent(agent: Agent, max_body_bytes: u64) -> Self {
        Self {
            agent,
            max_body_bytes,
        }
    }
}

/// ureq reports a TLS handshake failure (an untrusted certificate, say) as an IO error; the
/// handshake comes before any byte of the request, so such a request was never sent.
fn handshake_failure(io: &std::io::Error) -> bool {
    io.get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .is_some_and(|tls| {
            matches!(
                tls,
                rustls::Error::InvalidCertificate(_)
                    | rustls::Error::NoCertificatesPresented
                    | rustls::Error::PeerIncompatible(_)
                    | rustls::Error::InappropriateHandshakeMessage { .. }
                    | rustls::Error::NoApplicationProtocol
            )
        })
}

fn classify(err: ureq::Error) -> TransportError {
    match err {
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => TransportError::connect(err),
        ureq::Error::Timeout(Timeout::Resolve | Timeout::Connect) => TransportError::timeout(false),
        ureq::Error::Timeout(_) => TransportError::timeout(true),
        ureq::Error::BodyExceedsLimit(limit) => TransportError::body_too_large(limit),
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
        let request = phases!(self.agent.configure_request(request), timeouts).build();
        let response = self.agent.run(request).map_err(classify)?;
        let (parts, mut body) = response.into_parts();
        push_core::check_declared_length(&parts.headers, self.max_body_bytes)?;
        let bytes = body
            .with_config()
            .limit(self.max_body_bytes)
            .read_to_vec()
            .map_err(classify)?;
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
        let (parts, body) = request.into_parts();
        if body.is_empty() {
            // No body at all, so a GET carries no `content-length: 0`.
            self.run(http::Request::from_parts(parts, ()), timeouts)
        } else {
            self.run(http::Request::from_parts(parts, &body[..]), timeouts)
        }
    }
}
