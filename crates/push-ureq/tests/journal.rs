//! The write-ahead journal in the blocking client, against the in-memory emulator: a lost
//! answer is resolved, never resent blindly; a finished reference answers from the journal with
//! nothing sent; recovery settles each operation as the API allows; the journal's files never
//! hold a secret; a journal that cannot be written stops the call before anything is sent.

use std::path::Path;

use push_mock::{Emulator, EmulatorConfig, Fault, MemoryTransport};
use push_ureq::{
    Authorize, AuthorizeOutcome, Client, ClientBuilder, Config, CreateIntent, CreateRefund,
    Currency, Direction, Error, RefundOutcome, TokenizeCard,
    http::Method,
    push_journal::{EntryState, Journal, SqliteJournal},
};

const TOKEN: &str = push_mock::DEFAULT_TOKEN;

fn client(journal: &Path, emulator: &Emulator, retries: u32) -> Client<MemoryTransport> {
    let config = ClientBuilder::<Config>::new()
        .token(TOKEN)
        .max_retries(retries)
        .journal(journal)
        .build()
        .unwrap();
    let client = Client::with_transport(config, MemoryTransport::new(emulator.clone()));
    client.check_journal().unwrap();
    client
}

fn intent(key: &str, amount: i64) -> CreateIntent {
    CreateIntent::builder()
        .user_id("user_journal")
        .amount(amount)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .idempotency_key(key)
        .build()
        .unwrap()
}

fn emulator() -> Emulator {
    Emulator::new(EmulatorConfig::default())
}

fn user(client: &Client<MemoryTransport>) -> String {
    let user = push_mock::sample::create_user().build().unwrap();
    client.create_user(user).unwrap().id.as_str().to_owned()
}

fn card(user: &str) -> TokenizeCard {
    TokenizeCard::builder()
        .user_id(user)
        .pan("4111111111111111")
        .cvv("123")
        .exp_month("12")
        .exp_year("30")
        .build()
        .unwrap()
}

#[test]
fn a_lost_answer_is_resolved_by_the_rerun_and_a_finished_reference_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite3");
    let emulator = emulator();
    let client = client(&path, &emulator, 0);

    emulator.fault_next(Method::POST, "/intent", Fault::CloseAfterCommit);
    let err = client.create_intent(intent("order-1", 1450)).unwrap_err();
    assert!(err.is_outcome_unknown(), "{err}");
    let journal = SqliteJournal::open(&path).unwrap();
    let entry = journal.entry("order-1").unwrap().unwrap();
    assert_eq!(entry.state, EntryState::Unknown);
    assert_eq!(emulator.intent_count(), 1, "the lost create took effect");

    // The rerun resolves first (resends with the key: Push answers the same intent).
    let created = client.create_intent(intent("order-1", 1450)).unwrap();
    assert_eq!(emulator.intent_count(), 1, "never a second intent");
    let entry = journal.entry("order-1").unwrap().unwrap();
    assert_eq!(entry.state, EntryState::Done);
    assert_eq!(entry.result_id.as_deref(), Some(created.id.as_str()));

    // Finished: the recorded answer, nothing sent.
    let before = emulator.stats().requests;
    let recorded = client.send_journaled(intent("order-1", 1450)).unwrap();
    assert!(recorded.replayed);
    assert_eq!(recorded.value, created);
    assert_eq!(emulator.stats().requests, before, "nothing was sent");

    // The same reference with another request is refused, nothing sent.
    let err = client.create_intent(intent("order-1", 999)).unwrap_err();
    assert!(matches!(err, Error::Journal(_)), "{err}");
    assert!(err.to_string().contains("different request"), "{err}");
    assert_eq!(emulator.stats().requests, before);
}

#[test]
fn a_known_failure_may_be_retried_under_its_reference() {
    let dir = tempfile::tempdir().unwrap();
    let emulator = emulator();
    let path = dir.path().join("j.sqlite3");
    let client = client(&path, &emulator, 0);
    // A 429 before the effect: nothing happened at Push, and the entry says so.
    emulator.fault_next(Method::POST, "/intent", Fault::RateLimited429);
    let first = client.create_intent(intent("order-2", 100)).unwrap_err();
    assert!(!first.is_outcome_unknown(), "{first}");
    let journal = SqliteJournal::open(&path).unwrap();
    assert_eq!(
        journal.entry("order-2").unwrap().unwrap().state,
        EntryState::Failed
    );
    assert_eq!(emulator.intent_count(), 0);
    // The same request under the same reference is sent again, once.
    client.create_intent(intent("order-2", 100)).unwrap();
    assert_eq!(emulator.intent_count(), 1);
    assert_eq!(
        journal.entry("order-2").unwrap().unwrap().state,
        EntryState::Done
    );
}

#[test]
fn recovery_settles_every_operation_as_the_api_allows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite3");
    let emulator = emulator();
    let client = client(&path, &emulator, 0);

    // A credential authorize whose answer is lost: no deduplication at Push.
    emulator.fault_next(Method::POST, "/authorize", Fault::CloseAfterCommit);
    let pay = Authorize::builder()
        .amount(7_311)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .credential_id("cred_journal")
        .tag("pay-1")
        .build()
        .unwrap();
    assert!(
        client
            .authorize(pay.clone())
            .unwrap_err()
            .is_outcome_unknown()
    );

    // A tokenize whose answer is lost: never resent.
    let user = user(&client);
    emulator.fault_next(Method::POST, "/tokenize", Fault::CloseAfterCommit);
    assert!(client.tokenize_card(card(&user)).is_err());

    // A refund of an approved payment whose answer is lost.
    let token = client.tokenize_card(card(&user)).unwrap();
    let paid = Authorize::builder()
        .amount(5_000)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .token(token.token.as_str())
        .build()
        .unwrap();
    let paid = client.authorize(paid).unwrap();
    emulator.fault_next(Method::POST, "/refund", Fault::CloseAfterCommit);
    let refund = CreateRefund::full(paid.intent_id().clone()).unwrap();
    assert!(client.create_refund(refund.clone()).is_err());

    let journal = SqliteJournal::open(&path).unwrap();
    assert_eq!(journal.entries(true).unwrap().len(), 3);
    let report = client.recover().unwrap();
    assert_eq!(report.len(), 3);
    assert!(report.iter().all(|r| r.error.is_none()), "{report:?}");
    let authorize = journal.entry("pay-1").unwrap().unwrap();
    assert_eq!(authorize.state, EntryState::Done, "{authorize:?}");
    let intents = emulator.intents();
    assert!(
        intents
            .iter()
            .any(|i| Some(i.id.as_str()) == authorize.result_id.as_deref() && i.amount == 7_311)
    );
    let refunded = journal.entry(paid.intent_id().as_str()).unwrap().unwrap();
    assert_eq!(refunded.state, EntryState::Done);
    assert!(
        journal
            .entries(false)
            .unwrap()
            .iter()
            .any(|e| e.state == EntryState::Expired)
    );
    assert!(journal.entries(true).unwrap().is_empty());

    // The reruns answer from the journal: the same intent, the same refund, nothing sent.
    let before = emulator.stats().requests;
    let again = client.authorize(pay).unwrap();
    assert!(matches!(&again, AuthorizeOutcome::Approved(a) if a.amount == 7_311));
    assert_eq!(
        again.intent_id().as_str(),
        authorize.result_id.as_deref().unwrap()
    );
    assert!(matches!(
        client.create_refund(refund).unwrap(),
        RefundOutcome::Approved(_)
    ));
    assert_eq!(emulator.stats().requests, before);
    assert_eq!(emulator.stats().authorizations, 2);

    // Recovery again: nothing left, nothing sent.
    assert!(client.recover().unwrap().is_empty());
    assert_eq!(emulator.stats().requests, before);
}

#[test]
fn a_credential_authorize_that_cannot_be_told_apart_needs_review() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite3");
    let emulator = emulator();
    let client = client(&path, &emulator, 0);
    let pay = |tag: &str| {
        Authorize::builder()
            .amount(2_500)
            .currency(Currency::Usd)
            .direction(Direction::CashOut)
            .credential_id("cred_journal")
            .tag(tag)
            .build()
            .unwrap()
    };
    // Two lost authorizes of the same amount and direction: two candidates each.
    for tag in ["twin-1", "twin-2"] {
        emulator.fault_next(Method::POST, "/authorize", Fault::CloseAfterCommit);
        assert!(client.authorize(pay(tag)).is_err());
    }
    let report = client.recover().unwrap();
    assert_eq!(report.len(), 2);
    for recovered in &report {
        assert_eq!(recovered.entry.state, EntryState::NeedsReview);
        let detail = recovered.entry.detail.as_deref().unwrap();
        assert!(detail.contains("several intents match"), "{detail}");
    }
    // The rerun never charges again: it says a person must decide.
    let err = client.authorize(pay("twin-1")).unwrap_err();
    assert!(err.is_outcome_unknown());
    assert!(err.to_string().contains("a person must decide"), "{err}");
    assert_eq!(emulator.stats().authorizations, 2);
}

#[test]
fn the_journal_never_holds_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite3");
    let emulator = emulator();
    let client = client(&path, &emulator, 2);
    let pan = "4000056655665556";
    let cvv = "9321";
    let secret = "whsec_journal_never_3c5d7e9f1a2b4c6d8e0f";
    let user = user(&client);
    let card = TokenizeCard::builder()
        .user_id(user)
        .pan(pan)
        .cvv(cvv)
        .exp_month("11")
        .exp_year("31")
        .build()
        .unwrap();
    let token = client.tokenize_card(card).unwrap();
    let pay = Authorize::builder()
        .amount(1_200)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .token(token.token.as_str())
        .webhook_url("https://example.com/hooks")
        .webhook_secret(push_ureq::WebhookSecret::new(secret).unwrap())
        .build()
        .unwrap();
    client.authorize(pay).unwrap();
    drop(client);
    let mut seen = 0;
    for file in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(file.unwrap().path()).unwrap();
        seen += bytes.len();
        for needle in [pan, cvv, secret, TOKEN] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "`{needle}` is in the journal's files"
            );
        }
    }
    assert!(seen > 0);
}

#[test]
fn a_journal_that_cannot_be_written_stops_the_call_before_sending() {
    let emulator = emulator();
    let config = ClientBuilder::<Config>::new()
        .token(TOKEN)
        .journal("/nonexistent-dir/push/journal.sqlite3")
        .build()
        .unwrap();
    let client = Client::with_transport(config, MemoryTransport::new(emulator.clone()));
    let err = client.create_intent(intent("order-9", 100)).unwrap_err();
    assert!(matches!(err, Error::Journal(_)), "{err}");
    assert!(!err.is_outcome_unknown());
    assert_eq!(emulator.stats().requests, 0, "nothing was sent");
    assert!(client.check_journal().is_err());
}

#[test]
fn a_lost_user_and_a_lost_approve_are_recovered_without_a_second() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite3");
    let emulator = emulator();
    let client = client(&path, &emulator, 0);

    emulator.fault_next(Method::POST, "/user", Fault::CloseAfterCommit);
    let user = push_mock::sample::create_user()
        .tag("customer-42")
        .build()
        .unwrap();
    assert!(
        client
            .create_user(user.clone())
            .unwrap_err()
            .is_outcome_unknown()
    );

    let held = client
        .create_intent(
            CreateIntent::builder()
                .user_id("user_journal")
                .amount(900)
                .currency(Currency::Usd)
                .direction(Direction::CashOut)
                .approval_mode(push_ureq::ApprovalMode::Manual)
                .build()
                .unwrap(),
        )
        .unwrap();
    emulator.fault_next(Method::POST, "/approve", Fault::CloseAfterCommit);
    assert!(client.approve_intent(held.id.clone()).is_err());

    let report = client.recover().unwrap();
    assert_eq!(report.len(), 2, "{report:?}");
    assert!(
        report.iter().all(|r| r.entry.state == EntryState::Done),
        "{report:?}"
    );
    assert_eq!(
        emulator.stats().users_created,
        1,
        "resent with its tag: one user"
    );
    let approved = emulator
        .intents()
        .into_iter()
        .find(|i| i.id == held.id)
        .unwrap();
    assert_eq!(approved.status, push_ureq::IntentStatus::Approved);
    // The rerun of the user answers from the journal.
    let before = emulator.stats().requests;
    client.create_user(user).unwrap();
    assert_eq!(emulator.stats().requests, before);
}
