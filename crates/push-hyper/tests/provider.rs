//! The client passes its crypto provider to rustls explicitly. Here the process-wide default is
//! a provider with no cipher suites (what a binary gets, in effect, when two crates enable two
//! providers: rustls cannot pick, and code that asks for the default panics). Building a
//! client must still work, and a TLS failure must be an error, not a panic. This file is its
//! own test binary because the default provider is process-wide.

use push_hyper::{Client, rustls};

#[tokio::test]
async fn the_client_never_uses_the_process_wide_crypto_provider() {
    let useless = rustls::crypto::CryptoProvider {
        cipher_suites: Vec::new(),
        ..rustls::crypto::ring::default_provider()
    };
    useless.install_default().unwrap();
    let client: Client = Client::builder()
        .token("sk_test_provider")
        .base_url("https://localhost:9")
        .max_retries(0)
        .build()
        .unwrap();
    // Port 9 on loopback refuses: a connect error, never sent, and no panic on the way.
    let err = client.get_intent("intent_1").await.unwrap_err();
    assert!(!err.may_have_reached_server(), "{err}");
}
