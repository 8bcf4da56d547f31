//! The scenarios shared by both clients (`tests/scenarios/` at the workspace root: wire and
//! TLS), run against the blocking client over real loopback sockets.

use std::{
    future::Future,
    pin::pin,
    task::{Context, Poll, Waker},
};

use push_ureq::{
    Client, Config, UreqTransport,
    ureq::tls::{Certificate, RootCerts, TlsConfig},
};
use rustls::pki_types::CertificateDer;

use push_ureq as sdk;

/// A client that trusts `cert` (a test's self-signed certificate).
fn trusting(config: Config, cert: &CertificateDer<'static>) -> Client {
    let tls = TlsConfig::builder()
        .root_certs(RootCerts::new_with_certs(&[
            Certificate::from_der(cert).to_owned()
        ]))
        .build();
    Client::with_transport(config.clone(), UreqTransport::with_tls(&config, tls))
}

macro_rules! wait {
    ($call:expr) => {
        $call
    };
}

macro_rules! next {
    ($iter:expr) => {
        Iterator::next(&mut $iter)
    };
}

macro_rules! collect {
    ($iter:expr) => {
        Iterator::collect::<Vec<_>>($iter)
    };
}

macro_rules! scenarios {
    ($($name:ident),+ $(,)?) => {
        mod run {$(
            #[test]
            fn $name() {
                crate::run(super::$name())
            }
        )+}
    };
}

/// Runs a scenario: with the blocking client its future never waits, so one poll finishes it.
fn run(scenario: impl Future<Output = ()>) {
    let mut scenario = pin!(scenario);
    match scenario
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(()) => {}
        Poll::Pending => panic!("a blocking scenario waited on a future"),
    }
}

#[path = "../../../tests/scenarios/wire.rs"]
mod wire;

#[path = "../../../tests/scenarios/tls.rs"]
mod tls;
