//! [`MockServer`]: the emulator behind real HTTP/1.1 on loopback.

use std::{convert::Infallible, io, net::SocketAddr, time::Duration};

use bytes::Bytes;
use http_body_util::{BodyExt, Either, Full, Limited, channel::Channel};
use hyper::{body::Incoming, server::conn::http1, service::service_fn};
use hyper_util::{
    client::legacy::Client as HyperClient,
    rt::{TokioExecutor, TokioIo},
};
use tokio::{net::TcpListener, sync::watch};

use crate::{Delivery, Emulator, EmulatorConfig, OutgoingWebhook};

type WebhookClient = HyperClient<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

/// Posts one webhook, to loopback only (nothing here ever leaves the machine).
async fn deliver(client: WebhookClient, emulator: Emulator, webhook: OutgoingWebhook) {
    let loopback = webhook.url.parse::<http::Uri>().ok().filter(|uri| {
        uri.scheme_str() == Some("http")
            && uri
                .host()
                .is_some_and(|h| h == "localhost" || h == "[::1]" || h.starts_with("127."))
    });
    let Some(uri) = loopback else {
        emulator.record_delivery(false);
        return;
    };
    let mut request =
        http::Request::post(uri).header(http::header::CONTENT_TYPE, "application/json");
    if let Some(signature) = &webhook.signature {
        request = request.header(push_core::webhook::SIGNATURE_HEADER, signature);
    }
    let Ok(request) = request.body(Full::new(webhook.body)) else {
        emulator.record_delivery(false);
        return;
    };
    let answered = tokio::time::timeout(Duration::from_secs(5), client.request(request)).await;
    emulator
        .record_delivery(matches!(answered, Ok(Ok(response)) if response.status().is_success()));
}

/// Request bodies larger than this are refused.
const MAX_REQUEST_BODY: usize = 1 << 20;

type Body = Either<Full<Bytes>, Channel<Bytes, Infallible>>;

/// A running emulator on `127.0.0.1`. Dropping it stops accepting connections.
///
/// ```
/// use push_mock::{EmulatorConfig, MockServer};
///
/// let server = MockServer::start_in_background(EmulatorConfig { seed_intents: 3, ..Default::default() })?;
/// // Any HTTP client works: the base URL and the emulator's token.
/// println!("{} with token {}", server.base_url(), server.emulator().token());
/// assert_eq!(server.emulator().intent_count(), 3);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    emulator: Emulator,
    shutdown: watch::Sender<bool>,
}

impl MockServer {
    /// Starts on an ephemeral loopback port, on the current tokio runtime.
    pub async fn start(config: EmulatorConfig) -> io::Result<Self> {
        Self::bind(Emulator::new(config), 0).await
    }

    /// Serves `emulator` on `127.0.0.1:port` (0: ephemeral), on the current tokio runtime.
    pub async fn bind(emulator: Emulator, port: u16) -> io::Result<Self> {
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
        let addr = listener.local_addr()?;
        let (shutdown, stopped) = watch::channel(false);
        tokio::spawn(accept(listener, emulator.clone(), stopped));
        Ok(Self {
            addr,
            emulator,
            shutdown,
        })
    }

    /// Starts on its own thread and runtime, for blocking code (no runtime needed by the caller).
    pub fn start_in_background(config: EmulatorConfig) -> io::Result<Self> {
        Self::start_in_background_on(config, 0)
    }

    /// [`MockServer::start_in_background`] on `127.0.0.1:port` (0: ephemeral).
    pub fn start_in_background_on(config: EmulatorConfig, port: u16) -> io::Result<Self> {
        let (ready, started) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("push-mock".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(err) => return drop(ready.send(Err(err))),
                };
                runtime.block_on(async move {
                    match Self::bind(Emulator::new(config), port).await {
                        Ok(server) => {
                            let mut stopped = server.shutdown.subscribe();
                            let handle = MockServer {
                                addr: server.addr,
                                emulator: server.emulator.clone(),
                                shutdown: server.shutdown.clone(),
                            };
                            if ready.send(Ok(handle)).is_ok() {
                                let _ = stopped.wait_for(|stop| *stop).await;
                            }
                            drop(server);
                        }
                        Err(err) => drop(ready.send(Err(err))),
                    }
                });
                runtime.shutdown_timeout(Duration::from_secs(1));
            })?;
        started
            .recv()
            .map_err(|_| io::Error::other("the emulator thread stopped"))?
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The emulator: its state, counters and intents.
    pub fn emulator(&self) -> &Emulator {
        &self.emulator
    }

    /// Serves until `stop` resolves.
    pub async fn run_until(self, stop: impl std::future::Future<Output = ()>) {
        stop.await;
        drop(self);
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

async fn accept(listener: TcpListener, emulator: Emulator, mut stopped: watch::Receiver<bool>) {
    let webhooks: WebhookClient = HyperClient::builder(TokioExecutor::new()).build_http();
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => continue,
            },
            _ = stopped.wait_for(|stop| *stop) => return,
        };
        let _ = stream.set_nodelay(true);
        let emulator = emulator.clone();
        let webhooks = webhooks.clone();
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let service =
                service_fn(move |request| serve(emulator.clone(), webhooks.clone(), request));
            let connection = http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                _ = stopped.wait_for(|stop| *stop) => {}
            }
        });
    }
}

async fn serve(
    emulator: Emulator,
    webhooks: WebhookClient,
    request: hyper::Request<Incoming>,
) -> Result<hyper::Response<Body>, io::Error> {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_REQUEST_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            let refused = crate::emulator::json_response_value(
                http::StatusCode::PAYLOAD_TOO_LARGE,
                serde_json::json!({"message": "request body too large or unreadable"}),
            );
            return Ok(refused.map(|b| Either::Left(Full::new(b))));
        }
    };
    let delivery = emulator.handle(http::Request::from_parts(parts, body));
    for webhook in emulator.take_outbox() {
        tokio::spawn(deliver(webhooks.clone(), emulator.clone(), webhook));
    }
    match delivery {
        Delivery::Respond(response) => Ok(response.map(|b| Either::Left(Full::new(b)))),
        // An error from the service makes hyper close the connection without a response.
        Delivery::CloseAfterCommit => Err(io::Error::other(
            "injected: connection closed after the request took effect",
        )),
        Delivery::Stall {
            response,
            sent,
            hold,
        } => Ok(dribble(response, vec![sent], hold)),
        Delivery::Slow { response, pause } => {
            let len = response.body().len();
            let cuts = (1..4).map(|i| len * i / 4).chain([len]).collect();
            Ok(dribble(response, cuts, pause))
        }
    }
}

/// Sends the body up to each cut, pausing before the next; a body cut short of its declared
/// length ends the connection.
fn dribble(
    response: http::Response<Bytes>,
    cuts: Vec<usize>,
    pause: Duration,
) -> hyper::Response<Body> {
    let (mut parts, body) = response.into_parts();
    parts.headers.insert(
        http::header::CONTENT_LENGTH,
        http::HeaderValue::from(body.len()),
    );
    let (mut sender, channel) = Channel::<Bytes, Infallible>::new(4);
    tokio::spawn(async move {
        let mut from = 0;
        for cut in cuts {
            let cut = cut.min(body.len());
            if cut > from && sender.send_data(body.slice(from..cut)).await.is_err() {
                return;
            }
            from = cut;
            tokio::time::sleep(pause).await;
        }
    });
    hyper::Response::from_parts(parts, Either::Right(channel))
}
