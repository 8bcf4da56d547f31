//! The emulator's refunds, disputes and settlement model, read through the blocking client: the
//! rules the pages state, and the ledger's invariants for random days of activity.

use std::{collections::HashMap, time::Duration};

use proptest::prelude::*;
use push_core::{
    Authorize, ClientBuilder, CreateRefund, Currency, Direction, DisputeStatus, IntentStatus,
    ListDisputes, ListTransactions, ListTransfers, RefundOutcome, RefundStatus, TokenizeCard,
    Transaction, TransactionStatus, TransactionType, Transfer, TransferDirection,
};
use push_mock::{DEFAULT_TOKEN, Discrepancy, Emulator, MemoryTransport, sample};

type Client = push_ureq::Client<MemoryTransport>;

const DAY: Duration = Duration::from_secs(24 * 3600);

fn client(emulator: &Emulator) -> Client {
    let config = ClientBuilder::new()
        .token(DEFAULT_TOKEN)
        .base_url("http://127.0.0.1:1")
        .build()
        .unwrap();
    push_ureq::Client::with_transport(config, MemoryTransport::new(emulator.clone()))
}

fn pay(client: &Client, amount: i64, direction: Direction) -> String {
    let authorize = Authorize::builder()
        .amount(amount)
        .currency(Currency::Usd)
        .direction(direction)
        .credential_id("cred_1")
        .build()
        .unwrap();
    client.authorize(authorize).unwrap().intent_id().to_string()
}

fn pay_with_card(client: &Client, pan: &str, amount: i64) -> String {
    let user = client
        .create_user(sample::create_user().build().unwrap())
        .unwrap()
        .id;
    let card = TokenizeCard::builder()
        .user_id(user)
        .pan(pan)
        .cvv("123")
        .exp_month("12")
        .exp_year("30")
        .build()
        .unwrap();
    let token = client.tokenize_card(card).unwrap().token;
    let authorize = Authorize::builder()
        .amount(amount)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .token(token)
        .build()
        .unwrap();
    client.authorize(authorize).unwrap().intent_id().to_string()
}

fn refund(intent: &str, amount: Option<i64>) -> CreateRefund {
    CreateRefund::builder()
        .intent_id(intent)
        .set_amount(amount)
        .build()
        .unwrap()
}

#[test]
fn refunds_follow_the_pages() {
    let emulator = Emulator::default();
    let client = client(&emulator);
    let intent = pay_with_card(&client, "5555555555554444", 1450);

    let first = client.create_refund(refund(&intent, Some(500))).unwrap();
    let RefundOutcome::Approved(made) = &first else {
        panic!("{first:?}")
    };
    assert_eq!(
        (made.amount, made.intent_id.as_str()),
        (500, intent.as_str())
    );
    // One refund per intent: a repeat, even of another amount, answers the one made.
    let again = client.create_refund(refund(&intent, None)).unwrap();
    assert_eq!(again, first);
    assert_eq!(client.get_refund(made.id.clone()).unwrap(), *made);
    let read = client.get_intent(intent.clone()).unwrap();
    assert_eq!(read.refund.as_ref(), Some(made));
    let amounts: Vec<i64> = read.transactions.iter().map(|t| t.amount).collect();
    assert_eq!(amounts, [1450, -500], "the payment and its refund, signed");

    let other = pay(&client, 1000, Direction::CashIn);
    let err = client
        .create_refund(refund(&other, Some(1001)))
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert!(err.to_string().contains("amount"), "{err}");
    let declined_payment = pay(&client, 1003, Direction::CashIn);
    let err = client
        .create_refund(refund(&declined_payment, None))
        .unwrap_err();
    assert!(err.to_string().contains("only an approved intent"), "{err}");

    // The published decline card: 401 with the whole refund, then 200 with it on a repeat.
    let intent = pay_with_card(&client, "5999961969769301", 2000);
    let declined = client.create_refund(refund(&intent, None)).unwrap();
    let RefundOutcome::Declined(refusal) = &declined else {
        panic!("{declined:?}")
    };
    assert_eq!(refusal.amount, Some(2000));
    assert_eq!(refusal.status, Some(RefundStatus::Declined));
    let repeated = client.create_refund(refund(&intent, None)).unwrap();
    assert_eq!(repeated.refund_id(), declined.refund_id());
    assert!(!repeated.is_approved());
    let read = client.get_intent(intent).unwrap();
    assert_eq!(
        read.transactions.len(),
        1,
        "a declined refund moves nothing"
    );
}

#[test]
fn disputes_are_opened_and_resolved_through_the_controls() {
    let emulator = Emulator::default();
    let client = client(&emulator);
    let won = pay(&client, 3000, Direction::CashIn);
    let lost = pay(&client, 4000, Direction::CashIn);
    let declined = pay(&client, 1003, Direction::CashIn);
    let first = emulator.open_dispute(&won, "10.4").unwrap();
    let second = emulator.open_dispute(&lost, "R01").unwrap();
    assert_eq!(emulator.open_dispute(&won, "10.4").unwrap_err().status, 409);
    assert_eq!(
        emulator.open_dispute(&declined, "10.4").unwrap_err().status,
        409
    );
    assert_eq!(
        emulator
            .open_dispute("intent_nope", "10.4")
            .unwrap_err()
            .status,
        404
    );
    emulator.resolve_dispute(&first, true).unwrap();
    emulator.resolve_dispute(&second, false).unwrap();
    assert_eq!(
        emulator.resolve_dispute(&first, false).unwrap_err().status,
        409
    );

    let disputes: Vec<_> = client
        .list_all_disputes(ListDisputes::default())
        .collect::<Result<_, _>>()
        .unwrap();
    let statuses: Vec<_> = disputes.iter().map(|d| d.status.clone()).collect();
    assert_eq!(
        statuses,
        [DisputeStatus::Lost, DisputeStatus::Won],
        "newest first"
    );
    assert_eq!(client.get_dispute(first.clone()).unwrap().amount, 3000);
    assert_eq!(
        client.get_intent(won).unwrap().dispute.unwrap().id,
        first.as_str()
    );
    let accounts = client.list_accounts().unwrap().data;
    let dispute_account = accounts
        .iter()
        .find(|a| a.account_type == push_core::AccountType::Dispute)
        .expect("a dispute account once a dispute was received");
    assert_eq!(
        dispute_account.balance,
        Some(-4000),
        "opened -3000 -4000, won +3000"
    );
}

/// One day's activity, drawn at random.
#[derive(Debug, Clone)]
enum Activity {
    Pay { cents: i64, cash_out: bool },
    Refund { of: usize, part: Option<i64> },
    Dispute { of: usize, won: Option<bool> },
}

fn activity() -> impl Strategy<Value = Activity> {
    prop_oneof![
        3 => (1i64..500, any::<bool>()).prop_map(|(d, cash_out)| Activity::Pay { cents: d * 100, cash_out }),
        1 => (0usize..64, proptest::option::of(1i64..50_000)).prop_map(|(of, part)| Activity::Refund { of, part }),
        1 => (0usize..64, proptest::option::of(any::<bool>())).prop_map(|(of, won)| Activity::Dispute { of, won }),
    ]
}

fn ledger(client: &Client) -> (Vec<Transaction>, Vec<Transfer>) {
    let transactions = client
        .list_all_transactions(ListTransactions::default())
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let transfers = client
        .list_all_transfers(ListTransfers::default())
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    (transactions, transfers)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// For random days of payments, refunds and disputes: each transfer's signed amount is
    /// exactly the sum of what it nets, its own entry negates it, every settled transaction is
    /// in exactly one transfer of its own account and day, nothing of a past day is pending,
    /// and each account's balance is what is still pending.
    #[test]
    fn transfers_net_exactly_what_they_settle(days in proptest::collection::vec(proptest::collection::vec(activity(), 0..6), 1..4)) {
        let emulator = Emulator::default();
        let client = client(&emulator);
        let mut intents: Vec<String> = Vec::new();
        for day in &days {
            for act in day {
                match act {
                    Activity::Pay { cents, cash_out } => {
                        let direction = if *cash_out { Direction::CashOut } else { Direction::CashIn };
                        intents.push(pay(&client, *cents, direction));
                    }
                    Activity::Refund { of, part } if !intents.is_empty() => {
                        let intent = &intents[of % intents.len()];
                        // Too much is a 400 and moves nothing; either way the ledger holds.
                        let _ = client.create_refund(refund(intent, *part));
                    }
                    Activity::Dispute { of, won } if !intents.is_empty() => {
                        let intent = &intents[of % intents.len()];
                        if let Ok(id) = emulator.open_dispute(intent, "10.4")
                            && let Some(won) = won
                        {
                            emulator.resolve_dispute(&id, *won).unwrap();
                        }
                    }
                    _ => {}
                }
            }
            emulator.advance(DAY).unwrap();
        }
        let (transactions, transfers) = ledger(&client);
        let today = emulator.now().date_naive();
        let mut settled_by: HashMap<String, usize> = HashMap::new();
        for transfer in &transfers {
            let read = client.get_transfer(transfer.id.clone()).unwrap();
            prop_assert_eq!(&read, transfer);
            let signed = transfer.signed_amount().unwrap();
            let netted: i64 = transfer.netted().map(|t| t.amount).sum();
            prop_assert_eq!(netted, signed, "{}", transfer.id);
            prop_assert_eq!(transfer.own_entry().unwrap().amount, -signed);
            prop_assert_eq!(
                transfer.direction.clone(),
                if signed < 0 { TransferDirection::Debit } else { TransferDirection::Credit }
            );
            let account = transfer.account.as_ref().unwrap().id.clone();
            for t in &transfer.transactions {
                prop_assert_eq!(t.status.clone(), Some(TransactionStatus::Settled));
                prop_assert_eq!(t.date, transfer.date);
                prop_assert_eq!(t.account_id.as_ref(), Some(&account));
                *settled_by.entry(t.id.to_string()).or_default() += 1;
            }
        }
        let mut pending: HashMap<String, i64> = HashMap::new();
        for t in &transactions {
            match t.status.clone() {
                Some(TransactionStatus::Settled) => {
                    prop_assert_eq!(settled_by.get(t.id.as_str()), Some(&1), "{} settled once", t.id);
                }
                _ => {
                    prop_assert_eq!(t.date, Some(today), "only today's entries are pending");
                    *pending.entry(t.account_id.clone().unwrap().to_string()).or_default() += t.amount;
                }
            }
            if t.transaction_type == Some(TransactionType::Intent)
                && let Some(source) = t.source_id.as_deref().filter(|s| s.starts_with("intent_"))
            {
                let intent = client.get_intent(source).unwrap();
                prop_assert_eq!(intent.status, IntentStatus::Approved);
                prop_assert_eq!(t.amount.abs(), intent.amount);
            }
        }
        prop_assert_eq!(settled_by.len() + transactions.iter().filter(|t| t.status != Some(TransactionStatus::Settled)).count(), transactions.len());
        for account in client.list_accounts().unwrap().data {
            let expected = pending.get(account.id.as_str()).copied().unwrap_or(0);
            prop_assert_eq!(account.balance, Some(expected), "{}", account.id);
        }
    }
}

#[test]
fn the_clock_is_the_emulators_own() {
    let emulator = Emulator::default();
    let client = client(&emulator);
    let before = emulator.now();
    pay(&client, 2500, Direction::CashIn);
    assert_eq!(
        emulator.advance(Duration::ZERO).unwrap(),
        0,
        "same day: nothing settles"
    );
    assert_eq!(emulator.advance(DAY).unwrap(), 1, "one account, one day");
    assert!(emulator.now() - before >= chrono::TimeDelta::days(1));
    assert!(
        emulator
            .advance(Duration::from_secs(400 * 24 * 3600))
            .is_err()
    );
    let (transactions, transfers) = ledger(&client);
    assert_eq!(transfers.len(), 1);
    assert_eq!(transfers[0].date, Some(before.date_naive()));
    assert_eq!(
        transactions.len(),
        2,
        "the payment and the transfer's own entry"
    );
    // A day is asked for by `date.after` and `date.before` both.
    let day = client
        .list_transfers(ListTransfers::on(before.date_naive()))
        .unwrap();
    assert_eq!(day.data.len(), 1);
    let next = before.date_naive().succ_opt().unwrap();
    assert!(
        client
            .list_transfers(ListTransfers::on(next))
            .unwrap()
            .data
            .is_empty()
    );
}

#[test]
fn injected_discrepancies_show_in_the_ledger() {
    let emulator = Emulator::default();
    let client = client(&emulator);
    emulator.inject_discrepancy(Discrepancy::IntentAmount(7));
    let intent = pay(&client, 2500, Direction::CashIn);
    let read = client.get_intent(intent).unwrap();
    assert_eq!(read.transactions[0].amount, 2507);
    emulator.inject_discrepancy(Discrepancy::TransferAmount(-100));
    emulator.advance(DAY).unwrap();
    let (_, transfers) = ledger(&client);
    let netted: i64 = transfers[0].netted().map(|t| t.amount).sum();
    assert_eq!(transfers[0].signed_amount(), Some(netted - 100));
}

#[test]
fn webhooks_go_to_the_registered_url_too() {
    let emulator = Emulator::default();
    let client = client(&emulator);
    let secret = push_core::WebhookSecret::new("whsec_registered_0123456789abcdefghij").unwrap();
    let register =
        push_core::RegisterWebhook::new("http://127.0.0.1:9/push", secret.clone()).unwrap();
    client.register_webhook(register).unwrap();
    pay(&client, 2500, Direction::CashIn);
    pay(&client, 1003, Direction::CashIn);
    let outbox = emulator.take_outbox();
    assert_eq!(
        outbox.len(),
        2,
        "an approval and a decline, to the registered URL"
    );
    let types: Vec<String> = outbox
        .iter()
        .map(|w| {
            assert_eq!(w.url, "http://127.0.0.1:9/push");
            let mut headers = http::HeaderMap::new();
            headers.insert(
                push_core::webhook::SIGNATURE_HEADER,
                w.signature.as_deref().unwrap().parse().unwrap(),
            );
            let event = push_core::webhook::verify_and_parse(
                &secret,
                &headers,
                &w.body,
                chrono::Utc::now(),
            )
            .unwrap();
            event.event_type().to_owned()
        })
        .collect();
    assert_eq!(types, ["intent.approved", "intent.declined"]);
    let approved = push_core::WebhookEvent::from_json(&outbox[0].body).unwrap();
    let limits = approved
        .intent()
        .unwrap()
        .limits_utilization
        .clone()
        .unwrap();
    assert_eq!(limits.daily_cash_in.unwrap().cents(), Some(2500));
    // Regression (issue 22 D19): the tag of an authorize without its own webhook_url reached
    // the registered URL as null.
    let tagged = Authorize::builder()
        .amount(1200)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .credential_id("cred_1")
        .tag("order-19")
        .build()
        .unwrap();
    client.authorize(tagged).unwrap();
    let outbox = emulator.take_outbox();
    assert_eq!(outbox.len(), 1);
    let event = push_core::WebhookEvent::from_json(&outbox[0].body).unwrap();
    assert_eq!(event.intent().unwrap().tag.as_deref(), Some("order-19"));
    // A new registration replaces the old one.
    let other = push_core::WebhookSecret::new("whsec_other_0123456789abcdefghijklmn").unwrap();
    let replace = push_core::RegisterWebhook::new("http://127.0.0.1:9/new", other).unwrap();
    client.register_webhook(replace).unwrap();
    pay(&client, 2600, Direction::CashIn);
    let outbox = emulator.take_outbox();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].url, "http://127.0.0.1:9/new");
}
