//! Quickstart: the whole integration, against the Push emulator started in-process, over real
//! HTTP on 127.0.0.1. Register a user, tokenize the test card, authorize (approved,
//! authentication required, declined), fetch the intent, refund part of it, let a day pass on
//! the emulator's clock, list the day's transactions and its transfer, and reconcile three ways;
//! then a day where Push leaves a payment out, found and explained.
//!
//! Run it: `cargo run --example quickstart`. No account, no network.

use std::time::Duration;

use futures_util::TryStreamExt;
use push_hyper::{
    Address, Authorize, AuthorizeOutcome, Client, CreateRefund, CreateUser, Currency, Direction,
    GovernmentId, GovernmentIdType, LegalName, ListTransactions, ListTransfers, RefundOutcome,
    TokenizeCard,
    reconcile::{DayReport, ExpectedPayment, ReconcileOptions},
};
use push_mock::{DEFAULT_TOKEN, Discrepancy, EmulatorConfig, MockServer};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start(EmulatorConfig::default()).await?;
    println!("Push emulator on {}\n", server.base_url());
    let client = Client::builder()
        .token(DEFAULT_TOKEN)
        .base_url(&server.base_url())
        .build()?;

    println!("== register a user (the tag is your user id: the same tag, the same user)");
    let user = CreateUser::builder()
        .name(LegalName::new("Alfred", "Hitchcock"))
        .email("alfred@imdb.com")
        .address(Address::new(
            "1609 10th Ave",
            "Bodega Bay",
            "CA",
            "94923",
            "US",
        ))
        .date_of_birth("1899-08-13")
        .government_id(GovernmentId::new(GovernmentIdType::Passport, "7349"))
        .identity_verified(true)
        .tag("your-user-4c8e6b4f")
        .build()?;
    let user = client.create_user(user).await?.id;
    println!("user {user}");

    println!("\n== tokenize the test card (Debug shows ****4444 only), authorize with the token");
    let card = TokenizeCard::builder()
        .user_id(user.clone())
        .pan("5555 5555 5555 4444")
        .cvv("123")
        .exp_month("12")
        .exp_year("28")
        .build()?;
    let token = client.tokenize_card(card).await?.token;
    let pay = |amount: i64| {
        Authorize::builder()
            .amount(amount)
            .currency(Currency::Usd)
            .direction(Direction::CashIn)
    };
    let paid = match client.authorize(pay(5000).token(token).build()?).await? {
        AuthorizeOutcome::Approved(approved) => approved.id,
        other => return Err(format!("expected an approval, got {other:?}").into()),
    };
    println!("approved {paid}: $50.00 in");

    println!("\n== the other two answers of /authorize (the emulator decides by amount)");
    let credential = client
        .list_user_credentials(push_hyper::ListUserCredentials::new(user)?)
        .await?
        .data
        .remove(0)
        .id;
    for amount in [150_000, 1003] {
        let request = pay(amount).credential_id(credential.clone()).build()?;
        match client.authorize(request).await? {
            AuthorizeOutcome::AuthenticationRequired(a) => {
                println!("authentication required: send the user to {}", a.url)
            }
            AuthorizeOutcome::Declined(d) => println!(
                "declined: {} ({})",
                d.decline_category,
                d.decline_category.description().unwrap_or("")
            ),
            AuthorizeOutcome::Approved(a) => println!("approved {}", a.id),
        }
    }

    println!("\n== fetch the intent, refund part of it (one refund per intent: safe to retry)");
    let intent = client.get_intent(paid.clone()).await?;
    println!(
        "{} is {}, {} cents",
        intent.id, intent.status, intent.amount
    );
    let refund = CreateRefund::builder()
        .intent_id(paid.clone())
        .amount(1250)
        .build()?;
    match client.create_refund(refund).await? {
        RefundOutcome::Approved(r) => println!("refund {} approved: {} cents", r.id, r.amount),
        RefundOutcome::Declined(d) => println!("refund {} declined by the issuer", d.id),
    }

    println!("\n== a day passes on the emulator's clock: the cut-off nets the day into a transfer");
    let day = server.emulator().now().date_naive();
    server.emulator().advance(Duration::from_secs(24 * 3600))?;
    let transactions: Vec<_> = client
        .list_all_transactions(ListTransactions::default())
        .try_collect()
        .await?;
    for t in transactions.iter().rev() {
        let kind = t.transaction_type.as_ref().map_or("?", |k| k.as_str());
        let source = t.source_id.as_deref().unwrap_or("-");
        println!("{} {:>7} cents  {kind:<8} {source}", t.id, t.amount);
    }
    let transfers: Vec<_> = client
        .list_all_transfers(ListTransfers::on(day))
        .try_collect()
        .await?;
    for transfer in &transfers {
        println!(
            "{} {} {} cents, dated {}",
            transfer.id,
            transfer.direction,
            transfer.amount,
            transfer.date.map(|d| d.to_string()).unwrap_or_default()
        );
    }

    println!(
        "\n== reconcile {day} three ways: each transfer, the window's approved intents, our records"
    );
    // Two more days on the clock: everything made that day is due (4 PM Eastern, the day after).
    server
        .emulator()
        .advance(Duration::from_secs(2 * 24 * 3600))?;
    let ours =
        vec![ExpectedPayment::new("order-1", 5000, Direction::CashIn).intent_id(paid.as_str())];
    let report = client
        .reconcile(day, ReconcileOptions::new().expected(ours))
        .await?;
    print_report(&report);

    println!("\n== a day Push leaves a payment out: found, and explained");
    server.emulator().inject_discrepancy(Discrepancy::Unsettled);
    let next = server.emulator().now().date_naive();
    let credential_pay = pay(2200).credential_id(credential.clone()).build()?;
    client.authorize(credential_pay).await?;
    server
        .emulator()
        .advance(Duration::from_secs(3 * 24 * 3600))?;
    let report = client.reconcile(next, ReconcileOptions::new()).await?;
    print_report(&report);
    for item in &report.unsettled {
        println!(
            "  unsettled: {} ({} cents {}) was due by {} and no transfer nets it: Push holds \
             the money or never moved it; open a ticket naming the intent",
            item.intent, item.amount, item.direction, item.settles_by
        );
    }
    println!(
        "\n(the CLI does the same: `push reconcile --date {next}`, exit 5 on a discrepancy; \
         docs/reconciliation.md is the runbook)"
    );
    Ok(())
}

fn print_report(report: &DayReport) {
    for check in &report.transfers {
        let verdict = if check.ok { "ok" } else { "DISCREPANCY" };
        println!("transfer {}: {verdict}", check.transfer);
        for problem in &check.problems {
            println!("  {problem}");
        }
    }
    println!(
        "{}: {} intents settled once, {} unsettled, {} not yet due, {} unknown to us, {} of {} \
         records not as written: {} discrepancies in {} reads {:?}",
        report.date,
        report.settled,
        report.unsettled.len(),
        report.not_yet_due.len(),
        report.unknown_to_us.len(),
        report.expected_problems.len(),
        report.expected_checked,
        report.discrepancies(),
        report.reads.total,
        report.reads.by_route,
    );
}
