//! Every `log` and `tracing` level of every crate turned up to trace, all output captured, while
//! both clients create an intent, authorize with a webhook secret and list: neither the token nor
//! the webhook secret appears anywhere (not even split across ureq-proto's 16-byte trace rows:
//! no 8-character piece of either may appear). Its own test binary: loggers are process-wide.

use std::{
    io::Write,
    sync::{Arc, Mutex},
};

use push_core::{
    Authorize, ClientBuilder, CreateIntent, CreateUser, Currency, Direction, ListIntents,
    TokenizeCard, UserId, WebhookSecret,
};
use push_mock::{EmulatorConfig, MockServer};

const TOKEN: &str = "sk_test_TRACEsecret93f1c2a7";
const WEBHOOK_SECRET: &str = "whsec_LOGCHECK0123456789abcdefghijklmnop";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl log::Log for Captured {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        let line = format!("{} {} {}\n", record.level(), record.target(), record.args());
        self.0.lock().unwrap().extend_from_slice(line.as_bytes());
    }
    fn flush(&self) {}
}

fn create() -> CreateIntent {
    CreateIntent::builder()
        .user_id("user_1")
        .amount(1450)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .build()
        .unwrap()
}

fn authorize() -> Authorize {
    Authorize::builder()
        .amount(1000)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .token("token_log_check")
        .webhook_url("http://127.0.0.1:9/hooks")
        .webhook_secret(WebhookSecret::new(WEBHOOK_SECRET).unwrap())
        .build()
        .unwrap()
}

/// The published test card, and a CVV no other part of a log line holds as a JSON string.
const PAN: &str = "5555555555554444";
const CVV: &str = "737";

fn user() -> CreateUser {
    push_mock::sample::create_user().build().unwrap()
}

fn card(user_id: &UserId) -> TokenizeCard {
    TokenizeCard::builder()
        .user_id(user_id.clone())
        .pan(PAN)
        .cvv(CVV)
        .exp_month("12")
        .exp_year("28")
        .build()
        .unwrap()
}

/// Every 8-character piece of the secret part of `secret`.
fn pieces(secret: &str) -> Vec<String> {
    let chars: Vec<char> = secret.chars().collect();
    chars.windows(8).map(|w| w.iter().collect()).collect()
}

#[test]
fn no_level_of_any_log_shows_a_secret() {
    let captured = Captured::default();
    log::set_boxed_logger(Box::new(captured.clone())).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    let writer = captured.clone();
    tracing::subscriber::set_global_default(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish(),
    )
    .unwrap();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime
        .block_on(MockServer::start(EmulatorConfig {
            token: TOKEN.to_owned(),
            ..EmulatorConfig::default()
        }))
        .unwrap();
    let base_url = server.base_url();

    let blocking: push_ureq::Client = ClientBuilder::new()
        .token(TOKEN)
        .base_url(&base_url)
        .build()
        .unwrap();
    blocking.create_intent(create()).unwrap();
    blocking.authorize(authorize()).unwrap();
    let user = blocking.create_user(user()).unwrap();
    blocking.tokenize_card(card(&user.id)).unwrap();
    assert!(
        blocking
            .list_intents(ListIntents::default())
            .unwrap()
            .data
            .len()
            >= 2
    );

    let async_client: push_hyper::Client = ClientBuilder::new()
        .token(TOKEN)
        .base_url(&base_url)
        .build()
        .unwrap();
    runtime.block_on(async {
        async_client.create_intent(create()).await.unwrap();
        async_client.authorize(authorize()).await.unwrap();
        async_client.tokenize_card(card(&user.id)).await.unwrap();
        assert!(
            async_client
                .list_intents(ListIntents::default())
                .await
                .unwrap()
                .data
                .len()
                >= 3
        );
    });
    drop(server);
    drop(runtime);

    let text = captured.text();
    // The capture works: ureq-proto's byte dump and our own spans are in it.
    assert!(
        text.contains("ureq_proto"),
        "no ureq-proto records captured"
    );
    assert!(text.contains("push.attempt"), "no push-rs spans captured");
    assert!(text.contains("/tokenize"), "no tokenize request captured");
    for piece in pieces(&TOKEN["sk_test_".len()..])
        .into_iter()
        .chain(pieces(&WEBHOOK_SECRET["whsec_".len()..]))
        .chain(pieces(PAN))
    {
        assert!(!text.contains(&piece), "a log line shows `{piece}`");
    }
    for cvv in [format!(r#""cvv":"{CVV}""#), format!(r#"\"cvv\":\"{CVV}\""#)] {
        assert!(!text.contains(&cvv), "a log line shows the CVV");
    }
}
