//! HTTPS through rustls, with HTTP/2 when the server offers it by ALPN and HTTP/1.1 when it
//! does not: a loopback TLS server with a certificate generated for the test.

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

#[tokio::test]
async fn an_untrusted_certificate_is_a_connect_error_and_nothing_was_sent() {
    let (addr, _cert, versions) = tls_server(&[b"h2", b"http/1.1"]).await;
    // The default transport trusts the webpki roots, not this test's certificate.
    let client: Client = ClientBuilder::new()
        .token("sk_test_tls")
        .base_url(&format!("https://localhost:{}", addr.port()))
        .max_retries(0)
        .build()
        .unwrap();
    let err = client.get_intent("intent_1").await.unwrap_err();
    assert!(
        !err.may_have_reached_server(),
        "a failed handshake sends no request: {err:?}"
    );
    assert!(versions.lock().unwrap().is_empty());
}

/// What the hostile TLS server does with each connection.
#[derive(Clone, Copy, PartialEq)]
enum Hostile {
    /// Reads the ClientHello and answers a fatal `handshake_failure` alert.
    FailHandshake,
    /// Completes the handshake, reads the request head, then writes a plaintext handshake
    /// record (a TLS protocol error for the client) and closes.
    FailAfterRequest,
}

/// A TLS server on std threads that misbehaves as told on each of `connections` connections.
fn hostile_tls_server(connections: usize, mode: Hostile) -> (u16, CertificateDer<'static>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let generated = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let cert = generated.cert.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        generated.signing_key.serialize_der(),
    ));
    let config = Arc::new(
        rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![cert.clone()], key)
            .unwrap(),
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(connections) {
            let Ok(mut tcp) = stream else { continue };
            let _ = tcp.set_read_timeout(Some(std::time::Duration::from_secs(5)));
            if mode == Hostile::FailHandshake {
                let mut hello = [0u8; 512];
                let _ = tcp.read(&mut hello);
                let _ = tcp.write_all(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]);
                continue;
            }
            let Ok(connection) = rustls::ServerConnection::new(Arc::clone(&config)) else {
                continue;
            };
            let mut tls = rustls::StreamOwned::new(connection, tcp);
            let mut reader = BufReader::new(&mut tls);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            drop(reader);
            let _ = tls
                .sock
                .write_all(&[0x16, 0x03, 0x03, 0x00, 0x04, 0x0e, 0, 0, 0]);
            let _ = tls.sock.shutdown(std::net::Shutdown::Both);
        }
    });
    (port, cert)
}

fn credential_authorize() -> push_hyper::Authorize {
    push_hyper::Authorize::builder()
        .amount(1000)
        .currency(push_hyper::Currency::Usd)
        .direction(push_hyper::Direction::CashIn)
        .credential_id("cred_1")
        .build()
        .unwrap()
}

fn trusting_client(base_url: &str, cert: &CertificateDer<'static>, proxy: Option<&str>) -> Client {
    let mut builder = ClientBuilder::new()
        .token("sk_test_PROXY_SECRET_41")
        .base_url(base_url)
        .max_retries(1)
        .jitter(push_hyper::retry::Jitter::fixed(0.0));
    if let Some(proxy) = proxy {
        builder = builder.proxy(proxy);
    }
    let config: Config = builder.build().unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.clone()).unwrap();
    let tls = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    Client::with_transport(config.clone(), HyperTransport::with_tls(&config, tls))
}

/// "Never sent" follows the bytes: a failed handshake is never sent, a TLS error after the
/// request was read may have reached the server (and a credential_id authorize is not resent).
#[tokio::test]
async fn never_sent_is_decided_by_the_bytes_written() {
    let (port, cert) = hostile_tls_server(2, Hostile::FailHandshake);
    let client = trusting_client(&format!("https://localhost:{port}"), &cert, None);
    let err = client.authorize(credential_authorize()).await.unwrap_err();
    assert!(!err.may_have_reached_server(), "{err}");
    assert!(!err.is_outcome_unknown(), "{err}");

    let (port, cert) = hostile_tls_server(2, Hostile::FailAfterRequest);
    let client = trusting_client(&format!("https://localhost:{port}"), &cert, None);
    let err = client.authorize(credential_authorize()).await.unwrap_err();
    assert!(err.may_have_reached_server(), "{err}");
    assert!(err.is_outcome_unknown(), "{err}");
}

/// A 64-character label: the system resolver refuses it without sending a query.
#[tokio::test]
async fn a_name_that_does_not_resolve_was_never_sent() {
    let client: Client = ClientBuilder::new()
        .token("sk_test_dns")
        .base_url(&format!("https://{}.invalid", "a".repeat(64)))
        .max_retries(0)
        .build()
        .unwrap();
    let err = client.authorize(credential_authorize()).await.unwrap_err();
    assert!(!err.may_have_reached_server(), "{err}");
    assert!(err.to_string().contains("not sent"), "{err}");
}

/// HTTPS through a proxy is a CONNECT tunnel: the proxy never sees the token; plaintext never
/// goes through the proxy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_tunnels_https_and_never_sees_the_token() {
    let proxy = push_mock::ConnectProxy::start().unwrap();
    let (addr, cert, _) = tls_server(&[b"http/1.1"]).await;
    let client = trusting_client(
        &format!("https://localhost:{}", addr.port()),
        &cert,
        Some(&proxy.url()),
    );
    let intent = client.get_intent("intent_1").await.unwrap();
    assert_eq!(intent.id, "intent_sandbox_dMggQ93ZYH6DH9LBhVeijE");
    let seen = proxy.seen();
    let text = String::from_utf8_lossy(&seen);
    assert!(
        text.starts_with(&format!("CONNECT localhost:{}", addr.port())),
        "{text}"
    );
    assert!(!text.contains("PROXY_SECRET"), "the proxy saw the token");
    assert!(!text.contains("/intent/"), "the proxy saw the request line");

    let server = push_mock::ScriptedServer::start([push_mock::Action::Respond(
        push_mock::Reply::json(200, push_mock::sample::intent("intent_1", 100)),
    )])
    .unwrap();
    let client: Client = ClientBuilder::new()
        .token("sk_test_PROXY_SECRET_41")
        .base_url(&server.base_url())
        .proxy(&proxy.url())
        .build()
        .unwrap();
    client.get_intent("intent_1").await.unwrap();
    assert_eq!(proxy.connections(), 1, "plaintext went direct");
    assert_eq!(server.requests().len(), 1);
}
