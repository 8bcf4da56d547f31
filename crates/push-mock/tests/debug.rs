//! Issue 14: every public type prints with `{:?}`, and none prints a secret.

use push_core::{ClientBuilder, ListIntents};
use push_mock::{Action, DEFAULT_TOKEN, Emulator, MemoryTransport, ScriptedServer};

const TOKEN: &str = "sk_test_debug_secret_value";

#[test]
fn listings_clients_and_servers_print_without_secrets() {
    let config = ClientBuilder::<push_core::Config>::new()
        .token(TOKEN)
        .build()
        .unwrap();
    let blocking = push_ureq::Client::with_transport(
        config.clone(),
        MemoryTransport::new(Emulator::default()),
    );
    let pages = blocking
        .list_intent_pages(ListIntents::default())
        .with_limit(5);
    let items = blocking.list_all_intents(ListIntents::default());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _guard = runtime.enter();
    let async_client = push_hyper::Client::with_transport(
        config.clone(),
        MemoryTransport::new(Emulator::default()),
    );
    let stream = async_client.list_all_intents(ListIntents::default());
    let server = ScriptedServer::start([Action::CloseAfterRead]).unwrap();
    for (text, expect) in [
        (format!("{pages:?}"), "Pages"),
        (format!("{items:?}"), "buffered"),
        (format!("{stream:?}"), "Items"),
        (format!("{server:?}"), "actions_left: 1"),
        (format!("{blocking:?}"), "Client"),
        (format!("{config:?}"), "Config"),
    ] {
        assert!(text.contains(expect), "{text}");
        assert!(!text.contains(TOKEN), "{text}");
        assert!(!text.contains(DEFAULT_TOKEN), "{text}");
    }
}
