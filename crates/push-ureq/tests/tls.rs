//! HTTPS through ureq's rustls: a loopback TLS server (plain std threads and rustls, no async
//! runtime) with a certificate generated for the test.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpListener,
    sync::Arc,
};

use push_ureq::{
    Client, ClientBuilder, Config, UreqTransport,
    ureq::tls::{Certificate, RootCerts, TlsConfig},
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

const INTENT: &str = include_str!("../../push-core/tests/fixtures/get_intent_003.json");

/// What the TLS server does with each connection.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Answers with the published intent.
    Answer,
    /// Reads the ClientHello and answers a fatal `handshake_failure` alert: no request byte
    /// can have been written.
    FailHandshake,
    /// Completes the handshake, reads the whole request head, then writes a plaintext
    /// handshake record (a TLS protocol error for the client) and closes.
    FailAfterRequest,
}

/// Answers `requests` HTTP/1.1 requests over TLS with the published intent, one connection each.
fn tls_server(requests: usize) -> (u16, CertificateDer<'static>) {
    tls_server_with(requests, Mode::Answer)
}

fn tls_server_with(requests: usize, mode: Mode) -> (u16, CertificateDer<'static>) {
    tls_server_counting(requests, mode, Arc::default())
}

/// [`tls_server_with`], counting the connections it accepts into `accepted`.
fn tls_server_counting(
    requests: usize,
    mode: Mode,
    accepted: Arc<std::sync::atomic::AtomicUsize>,
) -> (u16, CertificateDer<'static>) {
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
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let Ok(mut tcp) = stream else { continue };
            accepted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let _ = tcp.set_read_timeout(Some(std::time::Duration::from_secs(5)));
            if mode == Mode::FailHandshake {
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
            // Read the head; a handshake failure ends here.
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            drop(reader);
            if mode == Mode::FailAfterRequest {
                let _ = tls
                    .sock
                    .write_all(&[0x16, 0x03, 0x03, 0x00, 0x04, 0x0e, 0, 0, 0]);
                let _ = tls.sock.shutdown(std::net::Shutdown::Both);
                continue;
            }
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{INTENT}",
                INTENT.len()
            );
            let _ = tls.write_all(response.as_bytes());
            let _ = tls.flush();
            tls.conn.send_close_notify();
            let _ = tls.flush();
            let mut rest = Vec::new();
            let _ = tls.read_to_end(&mut rest);
        }
    });
    (port, cert)
}

fn config(port: u16) -> Config {
    ClientBuilder::new()
        .token("sk_test_tls")
        .base_url(&format!("https://localhost:{port}"))
        .max_retries(0)
        .build()
        .unwrap()
}

#[test]
fn https_with_a_trusted_certificate() {
    let (port, cert) = tls_server(1);
    let config = config(port);
    let tls = TlsConfig::builder()
        .root_certs(RootCerts::new_with_certs(&[
            Certificate::from_der(&cert).to_owned()
        ]))
        .build();
    let client = Client::with_transport(config.clone(), UreqTransport::with_tls(&config, tls));
    let intent = client.get_intent("intent_1").unwrap();
    assert_eq!(intent.id, "intent_sandbox_dMggQ93ZYH6DH9LBhVeijE");
}

#[test]
fn an_untrusted_certificate_is_refused_before_anything_is_sent() {
    let (port, _cert) = tls_server(1);
    let client = Client::with_transport(config(port), UreqTransport::new(&config(port)));
    let err = client.get_intent("intent_1").unwrap_err();
    assert!(!err.may_have_reached_server(), "{err:?}");
    assert!(err.to_string().contains("could not connect"), "{err}");
}

fn credential_authorize() -> push_ureq::Authorize {
    push_ureq::Authorize::builder()
        .amount(1000)
        .currency(push_ureq::Currency::Usd)
        .direction(push_ureq::Direction::CashIn)
        .credential_id("cred_1")
        .build()
        .unwrap()
}

fn trusting(config: &Config, cert: &CertificateDer<'static>) -> UreqTransport {
    let tls = TlsConfig::builder()
        .root_certs(RootCerts::new_with_certs(&[
            Certificate::from_der(cert).to_owned()
        ]))
        .build();
    UreqTransport::with_tls(config, tls)
}

/// "Never sent" is decided by whether request bytes were written, not by the error's type: a
/// failed handshake is never sent (and a credential_id authorize may be retried), a TLS error
/// after the request was read may have reached the server (and is not resent).
#[test]
fn never_sent_is_decided_by_the_bytes_written() {
    let (port, cert) = tls_server_with(2, Mode::FailHandshake);
    let config: Config = ClientBuilder::new()
        .token("sk_test_tls")
        .base_url(&format!("https://localhost:{port}"))
        .max_retries(1)
        .jitter(push_ureq::retry::Jitter::fixed(0.0))
        .build()
        .unwrap();
    let client = Client::with_transport(config.clone(), trusting(&config, &cert));
    let err = client.authorize(credential_authorize()).unwrap_err();
    assert!(!err.may_have_reached_server(), "{err}");
    assert!(!err.is_outcome_unknown(), "{err}");

    let accepted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (port, cert) = tls_server_counting(2, Mode::FailAfterRequest, Arc::clone(&accepted));
    let config: Config = ClientBuilder::new()
        .token("sk_test_tls")
        .base_url(&format!("https://localhost:{port}"))
        .max_retries(1)
        .build()
        .unwrap();
    let client = Client::with_transport(config.clone(), trusting(&config, &cert));
    let err = client.authorize(credential_authorize()).unwrap_err();
    assert!(err.may_have_reached_server(), "{err}");
    assert!(err.is_outcome_unknown(), "{err}");
    // Sent once: a resend would have been a second connection.
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 1);
}

/// A name whose 64-character label the system resolver refuses without sending a query
/// (checked with strace: no packet leaves), so the test stays on this machine.
fn unresolvable() -> String {
    format!("https://{}.invalid", "a".repeat(64))
}

#[test]
fn a_name_that_does_not_resolve_was_never_sent() {
    let client: Client = ClientBuilder::new()
        .token("sk_test_dns")
        .base_url(&unresolvable())
        .max_retries(0)
        .build()
        .unwrap();
    let err = client.authorize(credential_authorize()).unwrap_err();
    assert!(!err.may_have_reached_server(), "{err}");
    assert!(!err.is_outcome_unknown(), "{err}");
    assert!(err.to_string().contains("not sent"), "{err}");
}

/// HTTPS through a proxy is a CONNECT tunnel: the proxy sees the host and TLS records, never
/// the token; a plaintext base URL never goes through the proxy at all.
#[test]
fn a_proxy_tunnels_https_and_never_sees_the_token() {
    let proxy = push_mock::ConnectProxy::start().unwrap();
    let (port, cert) = tls_server(1);
    let config: Config = ClientBuilder::new()
        .token("sk_test_PROXY_SECRET_41")
        .base_url(&format!("https://localhost:{port}"))
        .proxy(&proxy.url())
        .max_retries(0)
        .build()
        .unwrap();
    let client = Client::with_transport(config.clone(), trusting(&config, &cert));
    assert_eq!(
        client.get_intent("intent_1").unwrap().id,
        "intent_sandbox_dMggQ93ZYH6DH9LBhVeijE"
    );
    let seen = proxy.seen();
    let text = String::from_utf8_lossy(&seen);
    assert!(
        text.starts_with(&format!("CONNECT localhost:{port} HTTP/1.1")),
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
    client.get_intent("intent_1").unwrap();
    assert_eq!(
        proxy.connections(),
        1,
        "plaintext went direct, not through the proxy"
    );
    assert_eq!(server.requests().len(), 1);
}
