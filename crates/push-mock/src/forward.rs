//! [`WebhookForwarder`]: the engine of `push listen`. A loopback endpoint that receives
//! webhooks (from the emulator, or from wherever a registered endpoint relays them), checks
//! each signature, and forwards the raw body, signed with the same secret, to a local
//! receiver: the stripe-cli `listen --forward-to` loop for Push.

use std::{io, net::SocketAddr, sync::mpsc, time::Duration};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::{body::Incoming, server::conn::http1, service::service_fn};
use hyper_util::{
    client::legacy::{Client as HyperClient, connect::HttpConnector},
    rt::{TokioExecutor, TokioIo},
};
use push_core::{
    WebhookSecret,
    webhook::{self, SIGNATURE_HEADER, WebhookVerifier},
};
use tokio::{net::TcpListener, sync::watch};

/// The largest webhook body forwarded (Push's events are a few hundred bytes).
const MAX_BODY: usize = 1 << 20;

/// How long the receiver has to answer one forwarded event.
const RECEIVER_TIMEOUT: Duration = Duration::from_secs(10);

/// What happened to one received webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Forwarded {
    /// The event's `type` (`intent.approved`, ...), when the body was an event.
    pub event_type: Option<String>,
    /// The event's `data.id`: the intent.
    pub intent_id: Option<String>,
    /// The event's `data.tag`.
    pub tag: Option<String>,
    /// The receiver's status; `None` when the event was refused or the receiver unreachable.
    pub status: Option<u16>,
    /// Why the event was not forwarded or not answered (signature refused, connection
    /// refused, timeout).
    pub error: Option<String>,
}

/// A running forwarder on `127.0.0.1`. Dropping it stops it.
#[derive(Debug)]
pub struct WebhookForwarder {
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    events: mpsc::Receiver<Forwarded>,
}

/// What every connection shares.
#[derive(Clone)]
struct Shared {
    forward_to: http::Uri,
    secret: Option<WebhookSecret>,
    client: HyperClient<HttpConnector, Full<Bytes>>,
    events: mpsc::Sender<Forwarded>,
}

impl WebhookForwarder {
    /// Listens on `127.0.0.1:port` (0: ephemeral) on its own thread and forwards every webhook
    /// to `forward_to` (an `http://` URL: a receiver on this machine). With a `secret`, a
    /// webhook whose signature does not verify is answered 401 and not forwarded, and what is
    /// forwarded carries the signature Push would send; without one, bodies pass unsigned.
    pub fn start(forward_to: &str, secret: Option<WebhookSecret>, port: u16) -> io::Result<Self> {
        let forward_to: http::Uri = forward_to
            .parse()
            .ok()
            .filter(|uri: &http::Uri| uri.scheme_str() == Some("http") && uri.host().is_some())
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "forward_to must be an http:// URL (a receiver on this machine)",
                )
            })?;
        let (events, received) = mpsc::channel();
        let (ready, started) = mpsc::channel();
        let (shutdown, stopped) = watch::channel(false);
        std::thread::Builder::new()
            .name("push-listen".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(err) => return drop(ready.send(Err(err))),
                };
                runtime.block_on(async move {
                    let bound = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await;
                    let listener = match bound.and_then(|l| Ok((l.local_addr()?, l))) {
                        Ok((addr, listener)) => {
                            if ready.send(Ok(addr)).is_err() {
                                return;
                            }
                            listener
                        }
                        Err(err) => return drop(ready.send(Err(err))),
                    };
                    let shared = Shared {
                        forward_to,
                        secret,
                        client: HyperClient::builder(TokioExecutor::new()).build_http(),
                        events,
                    };
                    accept(listener, shared, stopped).await;
                });
                runtime.shutdown_timeout(Duration::from_secs(1));
            })?;
        let addr = started
            .recv()
            .map_err(|_| io::Error::other("the forwarder thread stopped"))??;
        Ok(Self {
            addr,
            shutdown,
            events: received,
        })
    }

    /// `http://127.0.0.1:PORT/`: where webhooks are to be sent.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The next webhook handled, waiting at most `timeout`.
    pub fn next_timeout(&self, timeout: Duration) -> Option<Forwarded> {
        self.events.recv_timeout(timeout).ok()
    }
}

impl Drop for WebhookForwarder {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

async fn accept(listener: TcpListener, shared: Shared, mut stopped: watch::Receiver<bool>) {
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => continue,
            },
            _ = stopped.wait_for(|stop| *stop) => return,
        };
        let shared = shared.clone();
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| handle(shared.clone(), request));
            let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                _ = stopped.wait_for(|stop| *stop) => {}
            }
        });
    }
}

/// Receives one webhook, forwards it, answers the sender with the receiver's status (502 when
/// the receiver could not be reached), so the sender's retries reach the receiver too.
async fn handle(
    shared: Shared,
    request: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, io::Error> {
    let (parts, body) = request.into_parts();
    let answer = |status: u16| {
        let mut response = hyper::Response::new(Full::new(Bytes::new()));
        *response.status_mut() =
            http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::BAD_GATEWAY);
        Ok(response)
    };
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return answer(413),
    };
    let mut forwarded = describe(&body);
    let refused = shared.secret.as_ref().and_then(|secret| {
        WebhookVerifier::new(secret.clone())
            .verify_signature(&parts.headers, &body)
            .err()
    });
    if let Some(refused) = refused {
        forwarded.error = Some(format!("not forwarded: {refused}"));
        let _ = shared.events.send(forwarded);
        return answer(401);
    }
    let mut request = http::Request::post(shared.forward_to.clone())
        .header(http::header::CONTENT_TYPE, "application/json");
    if let Some(secret) = &shared.secret {
        request = request.header(SIGNATURE_HEADER, webhook::sign(secret, &body));
    }
    let Ok(request) = request.body(Full::new(body)) else {
        forwarded.error = Some("could not build the forwarded request".to_owned());
        let _ = shared.events.send(forwarded);
        return answer(502);
    };
    let status = match tokio::time::timeout(RECEIVER_TIMEOUT, shared.client.request(request)).await
    {
        Ok(Ok(response)) => {
            let status = response.status().as_u16();
            // The receiver's body is not shown; reading it lets the connection be reused.
            let _ = Limited::new(response.into_body(), MAX_BODY).collect().await;
            forwarded.status = Some(status);
            status
        }
        Ok(Err(err)) => {
            forwarded.error = Some(format!(
                "could not reach {}: {}",
                shared.forward_to,
                std::error::Error::source(&err).map_or_else(|| err.to_string(), |s| s.to_string())
            ));
            502
        }
        Err(_) => {
            forwarded.error = Some(format!(
                "{} did not answer within {} s",
                shared.forward_to,
                RECEIVER_TIMEOUT.as_secs()
            ));
            504
        }
    };
    let _ = shared.events.send(forwarded);
    answer(status)
}

/// The event's type, intent and tag, read leniently: a body that is no event is still forwarded.
fn describe(body: &[u8]) -> Forwarded {
    let json: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let text = |value: &serde_json::Value| value.as_str().map(str::to_owned);
    Forwarded {
        event_type: text(&json["type"]),
        intent_id: text(&json["data"]["id"]),
        tag: text(&json["data"]["tag"]),
        status: None,
        error: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_receivers_are_accepted() {
        for bad in [
            "https://127.0.0.1/hook",
            "ftp://x",
            "not a url",
            "/relative",
        ] {
            let err = WebhookForwarder::start(bad, None, 0).unwrap_err();
            assert!(err.to_string().contains("forward_to"), "{bad}: {err}");
        }
    }

    #[test]
    fn a_body_that_is_no_event_is_described_as_nothing() {
        assert_eq!(describe(b"\xff not json").event_type, None);
        let event = describe(br#"{"type":"intent.approved","data":{"id":"intent_1","tag":"t"}}"#);
        assert_eq!(
            (
                event.event_type.as_deref(),
                event.intent_id.as_deref(),
                event.tag.as_deref()
            ),
            (Some("intent.approved"), Some("intent_1"), Some("t"))
        );
    }
}
