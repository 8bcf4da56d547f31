//! The TLS scenarios, written once and run against both clients (see `wire.rs` for the macros
//! the includers define). The includer also provides `trusting(config, cert)`: a client that
//! trusts the test's certificate. The server is plain std threads and rustls, no runtime.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpListener,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use super::{
    sdk::{Authorize, Client, ClientBuilder, Config, Currency, Direction, retry::Jitter},
    trusting,
};

const INTENT: &str = include_str!("../../crates/push-core/tests/fixtures/get_intent_003.json");

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

/// A TLS server on 127.0.0.1 that treats each of `connections` connections as `mode` says, and
/// counts the connections it accepts. Its thread ends after the last one.
struct TlsServer {
    port: u16,
    cert: CertificateDer<'static>,
    accepted: Arc<AtomicUsize>,
}

impl TlsServer {
    fn start(connections: usize, mode: Mode) -> Self {
        let generated = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
        let cert = generated.cert.der().clone();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
            generated.signing_key.serialize_der(),
        ));
        let config = Arc::new(
            rustls::ServerConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert.clone()], key)
            .unwrap(),
        );
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&accepted);
        std::thread::spawn(move || {
            for stream in listener.incoming().take(connections) {
                let Ok(mut tcp) = stream else { continue };
                counter.fetch_add(1, Ordering::SeqCst);
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
        Self {
            port,
            cert,
            accepted,
        }
    }

    fn config(&self, retries: u32) -> Config {
        ClientBuilder::new()
            .token("sk_test_tls")
            .base_url(&format!("https://localhost:{}", self.port))
            .max_retries(retries)
            .jitter(Jitter::fixed(0.0))
            .build()
            .unwrap()
    }

    fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

fn credential_authorize() -> Authorize {
    Authorize::builder()
        .amount(1000)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .credential_id("cred_1")
        .build()
        .unwrap()
}

async fn https_with_a_trusted_certificate() {
    let server = TlsServer::start(1, Mode::Answer);
    let client = trusting(server.config(0), &server.cert);
    let intent = wait!(client.get_intent("intent_1")).unwrap();
    assert_eq!(intent.id, "intent_sandbox_dMggQ93ZYH6DH9LBhVeijE");
}

async fn an_untrusted_certificate_is_refused_before_anything_is_sent() {
    let server = TlsServer::start(1, Mode::Answer);
    let client: Client = ClientBuilder::new()
        .token("sk_test_tls")
        .base_url(&format!("https://localhost:{}", server.port))
        .max_retries(0)
        .build()
        .unwrap();
    let err = wait!(client.get_intent("intent_1")).unwrap_err();
    assert!(!err.may_have_reached_server(), "{err:?}");
    assert!(err.to_string().contains("could not connect"), "{err}");
}

/// "Never sent" is decided by whether request bytes were written, not by the error's type: a
/// failed handshake is never sent (and a credential_id authorize may be retried), a TLS error
/// after the request was read may have reached the server (and is not resent).
async fn never_sent_is_decided_by_the_bytes_written() {
    let server = TlsServer::start(2, Mode::FailHandshake);
    let client = trusting(server.config(1), &server.cert);
    let err = wait!(client.authorize(credential_authorize())).unwrap_err();
    assert!(!err.may_have_reached_server(), "{err}");
    assert!(!err.is_outcome_unknown(), "{err}");
    assert_eq!(server.accepted(), 2, "never sent, so retried");

    let server = TlsServer::start(2, Mode::FailAfterRequest);
    let client = trusting(server.config(1), &server.cert);
    let err = wait!(client.authorize(credential_authorize())).unwrap_err();
    assert!(err.may_have_reached_server(), "{err}");
    assert!(err.is_outcome_unknown(), "{err}");
    assert_eq!(
        server.accepted(),
        1,
        "sent once: a resend is a second connection"
    );
}

/// A name whose 64-character label the system resolver refuses without sending a query
/// (checked with strace: no packet leaves), so the test stays on this machine.
async fn a_name_that_does_not_resolve_was_never_sent() {
    let client: Client = ClientBuilder::new()
        .token("sk_test_dns")
        .base_url(&format!("https://{}.invalid", "a".repeat(64)))
        .max_retries(0)
        .build()
        .unwrap();
    let err = wait!(client.authorize(credential_authorize())).unwrap_err();
    assert!(!err.may_have_reached_server(), "{err}");
    assert!(!err.is_outcome_unknown(), "{err}");
    assert!(err.to_string().contains("not sent"), "{err}");
}

/// HTTPS through a proxy is a CONNECT tunnel: the proxy sees the host and TLS records, never
/// the token; a plaintext base URL never goes through the proxy at all.
async fn a_proxy_tunnels_https_and_never_sees_the_token() {
    let proxy = push_mock::ConnectProxy::start().unwrap();
    let server = TlsServer::start(1, Mode::Answer);
    let config: Config = ClientBuilder::new()
        .token("sk_test_PROXY_SECRET_41")
        .base_url(&format!("https://localhost:{}", server.port))
        .proxy(&proxy.url())
        .max_retries(0)
        .build()
        .unwrap();
    let client = trusting(config, &server.cert);
    assert_eq!(
        wait!(client.get_intent("intent_1")).unwrap().id,
        "intent_sandbox_dMggQ93ZYH6DH9LBhVeijE"
    );
    let seen = proxy.seen();
    let text = String::from_utf8_lossy(&seen);
    assert!(
        text.starts_with(&format!("CONNECT localhost:{} HTTP/1.1", server.port)),
        "{text}"
    );
    assert!(!text.contains("PROXY_SECRET"), "the proxy saw the token");
    assert!(!text.contains("/intent/"), "the proxy saw the request line");

    let plain = push_mock::ScriptedServer::start([push_mock::Action::Respond(
        push_mock::Reply::json(200, push_mock::sample::intent("intent_1", 100)),
    )])
    .unwrap();
    let client: Client = ClientBuilder::new()
        .token("sk_test_PROXY_SECRET_41")
        .base_url(&plain.base_url())
        .proxy(&proxy.url())
        .build()
        .unwrap();
    wait!(client.get_intent("intent_1")).unwrap();
    assert_eq!(
        proxy.connections(),
        1,
        "plaintext went direct, not through the proxy"
    );
    assert_eq!(plain.requests().len(), 1);
}

/// Regression (issue 22 A2): the "plaintext never goes through a proxy" decision was made
/// from the base URL and applied to every host, so an HTTPS base URL sent a plaintext tokens
/// host's card data and token through the proxy in the clear. It is decided per destination.
async fn a_plaintext_tokens_host_is_never_proxied() {
    let proxy = push_mock::ConnectProxy::start().unwrap();
    let tokens = push_mock::ScriptedServer::start([push_mock::Action::Respond(
        push_mock::Reply::json(200, r#"{"token":"token_direct_1"}"#),
    )])
    .unwrap();
    let client: Client = ClientBuilder::new()
        .token("sk_test_PROXY_SECRET_42")
        .base_url("https://sandbox.pushcash.com")
        .tokens_base_url(&tokens.base_url())
        .proxy(&proxy.url())
        .max_retries(0)
        .build()
        .unwrap();
    let card = super::sdk::TokenizeCard::builder()
        .user_id("user_1")
        .pan("5555555555554444")
        .cvv("737")
        .exp_month("12")
        .exp_year("30")
        .build()
        .unwrap();
    assert_eq!(
        wait!(client.tokenize_card(card)).unwrap().token.as_str(),
        "token_direct_1"
    );
    assert_eq!(
        tokens.requests().len(),
        1,
        "the tokens host was reached directly"
    );
    assert_eq!(
        proxy.connections(),
        0,
        "the proxy saw a plaintext destination"
    );
    let seen = String::from_utf8_lossy(&proxy.seen()).into_owned();
    assert!(
        !seen.contains("5555555555554444") && !seen.contains("PROXY_SECRET"),
        "{seen}"
    );
}

scenarios!(
    a_plaintext_tokens_host_is_never_proxied,
    https_with_a_trusted_certificate,
    an_untrusted_certificate_is_refused_before_anything_is_sent,
    never_sent_is_decided_by_the_bytes_written,
    a_name_that_does_not_resolve_was_never_sent,
    a_proxy_tunnels_https_and_never_sees_the_token,
);
