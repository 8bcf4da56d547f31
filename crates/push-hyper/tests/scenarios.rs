//! The scenarios shared by both clients (`tests/scenarios/` at the workspace root: wire and
//! TLS), run against the async client over real loopback sockets.

use push_hyper::{Client, Config, HyperTransport, rustls};
use rustls::pki_types::CertificateDer;

use push_hyper as sdk;

/// A client that trusts `cert` (a test's self-signed certificate).
fn trusting(config: Config, cert: &CertificateDer<'static>) -> Client {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.clone()).unwrap();
    let tls = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    Client::with_transport(config.clone(), HyperTransport::with_tls(&config, tls))
}

macro_rules! wait {
    ($call:expr) => {
        $call.await
    };
}

macro_rules! next {
    ($stream:expr) => {
        futures_util::StreamExt::next(&mut $stream).await
    };
}

macro_rules! collect {
    ($stream:expr) => {
        futures_util::StreamExt::collect::<Vec<_>>($stream).await
    };
}

macro_rules! scenarios {
    ($($name:ident),+ $(,)?) => {
        mod run {$(
            #[tokio::test]
            async fn $name() {
                super::$name().await
            }
        )+}
    };
}

#[path = "../../../tests/scenarios/wire.rs"]
mod wire;

#[path = "../../../tests/scenarios/tls.rs"]
mod tls;
