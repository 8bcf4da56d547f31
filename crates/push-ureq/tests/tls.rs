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

/// Answers `requests` HTTP/1.1 requests over TLS with the published intent, one connection each.
fn tls_server(requests: usize) -> (u16, CertificateDer<'static>) {
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
            let Ok(tcp) = stream else { continue };
            let _ = tcp.set_read_timeout(Some(std::time::Duration::from_secs(5)));
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
