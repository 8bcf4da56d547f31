//! One `get_intent` over a loopback keep-alive connection: push-hyper and push-ureq next to a
//! bare hyper client and a bare ureq client fetching and serde-decoding the same body.
//! The server returns the published 003 example for every request.

#![allow(missing_docs)] // criterion_group! generates undocumented items.

use std::{
    convert::Infallible,
    net::SocketAddr,
    sync::atomic::{AtomicUsize, Ordering},
    time::Duration,
};

/// Connections accepted, to show every client keeps one connection alive.
static CONNECTIONS: AtomicUsize = AtomicUsize::new(0);

use bytes::Bytes;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use http_body_util::{BodyExt, Empty, Full};
use hyper::{server::conn::http1, service::service_fn};
use hyper_util::{
    client::legacy::Client as HyperClient,
    rt::{TokioExecutor, TokioIo},
};
use push_benches::{INTENT_003, strict};
use push_core::ClientBuilder;

/// A loopback server answering every request with the published example, on its own thread.
fn serve() -> SocketAddr {
    let (ready, addr) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            ready.send(listener.local_addr().unwrap()).unwrap();
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                CONNECTIONS.fetch_add(1, Ordering::SeqCst);
                stream.set_nodelay(true).unwrap();
                tokio::spawn(async move {
                    let service = service_fn(|_request| async {
                        Ok::<_, Infallible>(
                            http::Response::builder()
                                .header("content-type", "application/json")
                                .body(Full::new(Bytes::from_static(INTENT_003.as_bytes())))
                                .unwrap(),
                        )
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    addr.recv().unwrap()
}

fn uri_for(url: &str) -> http::Uri {
    url.parse().unwrap()
}

const ID: &str = "intent_sandbox_dMggQ93ZYH6DH9LBhVeijE";

fn call(c: &mut Criterion) {
    let addr = serve();
    let base = format!("http://{addr}");
    let url = format!("{base}/intent/{ID}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    let mut group = c.benchmark_group("get_intent");
    group.throughput(Throughput::Elements(1));
    group.measurement_time(Duration::from_secs(5));

    let push_hyper: push_hyper::Client = ClientBuilder::new()
        .token("t")
        .base_url(&base)
        .build()
        .unwrap();
    group.bench_function(BenchmarkId::new("async", "push_hyper"), |b| {
        b.iter(|| runtime.block_on(push_hyper.get_intent(ID)).unwrap())
    });

    // Where the overhead is: the SDK's transport alone, with the bare client's decode.
    let config: push_core::Config = ClientBuilder::new()
        .token("t")
        .base_url(&base)
        .build()
        .unwrap();
    let transport = push_hyper::HyperTransport::new(&config);
    group.bench_function(
        BenchmarkId::new("async", "push_hyper_transport_only"),
        |b| {
            b.iter(|| {
                runtime.block_on(async {
                    let request = http::Request::get(uri_for(&url))
                        .header("authorization", "Bearer t")
                        .body(Bytes::new())
                        .unwrap();
                    let response = push_core::transport::Transport::send(&transport, request)
                        .await
                        .unwrap();
                    serde_json::from_slice::<strict::Intent>(response.body()).unwrap()
                })
            })
        },
    );

    // The SDK alone: a transport that answers at once.
    struct Canned;
    #[async_trait::async_trait]
    impl push_core::transport::Transport for Canned {
        async fn send(
            &self,
            _: push_core::transport::Request,
        ) -> Result<push_core::transport::Response, push_core::transport::TransportError> {
            Ok(http::Response::new(Bytes::from_static(
                INTENT_003.as_bytes(),
            )))
        }
    }
    let canned = push_hyper::Client::with_transport(config.clone(), Canned);
    group.bench_function(BenchmarkId::new("async", "push_hyper_sdk_only"), |b| {
        b.iter(|| runtime.block_on(canned.get_intent(ID)).unwrap())
    });

    let bare_hyper = runtime.block_on(async {
        HyperClient::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>()
    });
    let uri: http::Uri = url.parse().unwrap();
    group.bench_function(BenchmarkId::new("async", "bare_hyper"), |b| {
        b.iter(|| {
            runtime.block_on(async {
                let request = http::Request::get(uri.clone())
                    .header("authorization", "Bearer t")
                    .header("accept", "application/json")
                    .body(Empty::new())
                    .unwrap();
                let response = bare_hyper.request(request).await.unwrap();
                let body = response.into_body().collect().await.unwrap().to_bytes();
                serde_json::from_slice::<strict::Intent>(&body).unwrap()
            })
        })
    });

    let push_ureq: push_ureq::Client = ClientBuilder::new()
        .token("t")
        .base_url(&base)
        .build()
        .unwrap();
    group.bench_function(BenchmarkId::new("blocking", "push_ureq"), |b| {
        b.iter(|| push_ureq.get_intent(ID).unwrap())
    });

    let bare_ureq = ureq::Agent::new_with_defaults();
    group.bench_function(BenchmarkId::new("blocking", "bare_ureq"), |b| {
        b.iter(|| {
            let mut response = bare_ureq
                .get(&url)
                .header("authorization", "Bearer t")
                .header("accept", "application/json")
                .call()
                .unwrap();
            let body = response.body_mut().read_to_vec().unwrap();
            serde_json::from_slice::<strict::Intent>(&body).unwrap()
        })
    });
    // The bare client again with a whole-call timer, as a user who wants a deadline would set
    // it: ureq then resolves the host on a new thread for every request (push-ureq, which has
    // the same deadline, resolves IP literals inline instead).
    let global = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .new_agent();
    group.bench_function(
        BenchmarkId::new("blocking", "bare_ureq_timeout_global"),
        |b| {
            b.iter(|| {
                let mut response = global
                    .get(&url)
                    .header("authorization", "Bearer t")
                    .header("accept", "application/json")
                    .call()
                    .unwrap();
                let body = response.body_mut().read_to_vec().unwrap();
                serde_json::from_slice::<strict::Intent>(&body).unwrap()
            })
        },
    );
    group.finish();
    println!(
        "connections accepted for all four clients: {}",
        CONNECTIONS.load(Ordering::SeqCst)
    );
}

criterion_group!(benches, call);
criterion_main!(benches);
