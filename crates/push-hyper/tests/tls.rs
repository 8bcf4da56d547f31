//! HTTP/2 by ALPN when the server offers it and HTTP/1.1 when it does not: a loopback TLS
//! server with a certificate generated for the test. (The TLS scenarios both clients share,
//! untrusted certificates, never-sent, proxies, are in `scenarios.rs`.)

use std::{
    convert::Infallible,
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::{
    rt::{TokioExecutor, TokioIo},
    server::conn::auto,
};
use push_hyper::{Client, ClientBuilder, Config, HyperTransport, rustls, transport::Transport};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

const INTENT: &str = include_str!("../../push-core/tests/fixtures/get_intent_003.json");

/// Serves the published intent over TLS on 127.0.0.1, offering `alpn`; records each request's
/// HTTP version.
async fn tls_server(
    alpn: &[&[u8]],
) -> (
    SocketAddr,
    CertificateDer<'static>,
    Arc<Mutex<Vec<http::Version>>>,
) {
    let generated =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .unwrap();
    let cert = generated.cert.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        generated.signing_key.serialize_der(),
    ));
    let mut config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![cert.clone()], key)
        .unwrap();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let versions = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&versions);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (acceptor, seen) = (acceptor.clone(), Arc::clone(&seen));
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(stream).await else {
                    return;
                };
                let service = service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                    seen.lock().unwrap().push(request.version());
                    async {
                        Ok::<_, Infallible>(hyper::Response::new(Full::new(Bytes::from_static(
                            INTENT.as_bytes(),
                        ))))
                    }
                });
                let _ = auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    (addr, cert, versions)
}

fn trusting(cert: CertificateDer<'static>) -> rustls::ClientConfig {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert).unwrap();
    rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth()
}

fn config(addr: SocketAddr) -> Config {
    ClientBuilder::new()
        .token("sk_test_tls")
        .base_url(&format!("https://localhost:{}", addr.port()))
        .build()
        .unwrap()
}

#[tokio::test]
async fn https_negotiates_http2_when_the_server_offers_it() {
    let (addr, cert, versions) = tls_server(&[b"h2", b"http/1.1"]).await;
    let config = config(addr);
    let transport = HyperTransport::with_tls(&config, trusting(cert));
    let request = config
        .request(http::Method::GET, "/intent/intent_1", None)
        .unwrap();
    let response = transport.send(request).await.unwrap();
    assert_eq!(response.version(), http::Version::HTTP_2);
    let client = Client::with_transport(config, transport);
    let intent = client.get_intent("intent_1").await.unwrap();
    assert_eq!(intent.id, "intent_sandbox_dMggQ93ZYH6DH9LBhVeijE");
    assert_eq!(
        *versions.lock().unwrap(),
        [http::Version::HTTP_2, http::Version::HTTP_2]
    );
}

#[tokio::test]
async fn https_falls_back_to_http1_when_the_server_offers_only_that() {
    let (addr, cert, versions) = tls_server(&[b"http/1.1"]).await;
    let config = config(addr);
    let client = Client::with_transport(
        config.clone(),
        HyperTransport::with_tls(&config, trusting(cert)),
    );
    client.get_intent("intent_1").await.unwrap();
    assert_eq!(*versions.lock().unwrap(), [http::Version::HTTP_11]);
}
