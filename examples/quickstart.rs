//! Quickstart: start the Push emulator in-process, then register a user, tokenize the test card,
//! authorize with the token and again with the stored credential; create an intent, fetch it,
//! list every intent with auto-pagination, and authorize with each of the three outcomes, over
//! real HTTP.
//!
//! Run it: `cargo run --example quickstart`. No account, no network: only 127.0.0.1.

use futures_util::TryStreamExt;
use push_hyper::{
    Address, Authorize, AuthorizeOutcome, Client, CreateIntent, CreateUser, Currency, Direction,
    GovernmentId, GovernmentIdType, IntentStatus, LegalName, ListIntents, ListUserCredentials,
    TokenizeCard,
};
use push_mock::{DEFAULT_TOKEN, EmulatorConfig, MockServer};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Small pages, so the listing below really follows cursors.
    let server = MockServer::start(EmulatorConfig {
        page_size: 2,
        ..EmulatorConfig::default()
    })
    .await?;
    println!("Push emulator on {}\n", server.base_url());

    let client = Client::builder()
        .token(DEFAULT_TOKEN)
        .base_url(&server.base_url())
        .build()?;

    println!(
        "== the user flow: register, tokenize the test card, pay, pay again with the stored card"
    );
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
        .tag("your-user-4c8e6b4f") // your own user id: the same tag returns the same user
        .build()?;
    let user = client.create_user(user).await?;
    println!("user {}", user.id);
    let card = TokenizeCard::builder()
        .user_id(user.id.clone())
        .pan("5555 5555 5555 4444") // the published test card; Debug shows ****4444 only
        .cvv("123")
        .exp_month("12")
        .exp_year("28")
        .build()?;
    let token = client.tokenize_card(card).await?.token;
    println!("card token {token} (single use)");
    let with_token = Authorize::builder()
        .amount(2000)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .token(token)
        .build()?;
    if let AuthorizeOutcome::Approved(a) = client.authorize(with_token).await? {
        println!("paid {} with the new card", a.id);
    }
    let stored = client
        .list_user_credentials(ListUserCredentials::new(user.id.clone())?)
        .await?;
    for credential in &stored.data {
        println!(
            "stored credential {} ({}, ...{})",
            credential.id,
            credential.credential_type,
            credential.card_last4.as_deref().unwrap_or("????")
        );
    }
    if let Some(credential) = stored.data.first() {
        let again = Authorize::builder()
            .amount(3000)
            .currency(Currency::Usd)
            .direction(Direction::CashIn)
            .credential_id(credential.id.clone())
            .build()?;
        if let AuthorizeOutcome::Approved(a) = client.authorize(again).await? {
            println!("paid {} again with the stored credential", a.id);
        }
    }

    println!("\n== create intents (each carries one idempotency key, reused by every retry)");
    let mut last = None;
    for (amount, direction) in [
        (1450, Direction::CashIn),
        (2500, Direction::CashIn),
        (9900, Direction::CashOut),
    ] {
        let intent = CreateIntent::builder()
            .user_id("user_28CJjV7P4Go5PNJvfzghiD")
            .amount(amount)
            .currency(Currency::Usd)
            .direction(direction)
            .build()?;
        let key = intent.idempotency_key().clone();
        let created = client.create_intent(intent).await?;
        println!("created {}  {amount:>5} cents  key {key}", created.id);
        println!(
            "  payment session: {}",
            created.url.as_deref().unwrap_or("-")
        );
        last = Some(created.id);
    }

    println!("\n== fetch one");
    let intent = client.get_intent(last.expect("created above")).await?;
    println!(
        "{} is {}: {} {} ({}), created {}",
        intent.id,
        intent.status,
        intent.amount,
        intent.currency,
        intent.direction,
        intent.created_at
    );

    println!("\n== authorize: approved, authentication required, declined");
    for amount in [1000, 150_000, 1003] {
        let authorize = Authorize::builder()
            .amount(amount)
            .currency(Currency::Usd)
            .direction(Direction::CashIn)
            .token(format!("token_quickstart_{amount}"))
            .build()?;
        match client.authorize(authorize).await? {
            AuthorizeOutcome::Approved(a) => {
                let card = a
                    .credential
                    .map(|c| format!("{} ...{}", c.display_name, c.last4))
                    .unwrap_or_default();
                println!("{amount:>7}: approved {} with {card}", a.id)
            }
            AuthorizeOutcome::AuthenticationRequired(a) => {
                println!(
                    "{amount:>7}: authentication required: send the user to {}",
                    a.url
                )
            }
            AuthorizeOutcome::Declined(d) => println!(
                "{amount:>7}: declined {} ({}: {})",
                d.id,
                d.decline_category,
                d.decline_category.description().unwrap_or("")
            ),
        }
    }

    println!("\n== list every intent, newest first, following cursors (pages of 2)");
    let mut intents = client.list_all_intents(ListIntents::default());
    let mut count = 0;
    while let Some(intent) = intents.try_next().await? {
        count += 1;
        println!(
            "{count:>2}. {}  {:<8}  {:>6} cents  {}",
            intent.id, intent.status, intent.amount, intent.created_at
        );
    }

    println!("\n== only the approved ones");
    let approved = ListIntents::builder()
        .status(IntentStatus::Approved)
        .build()?;
    let approved: Vec<_> = client.list_all_intents(approved).try_collect().await?;
    println!("{} approved", approved.len());

    println!("\n== bad input never leaves the machine");
    let refused = CreateIntent::builder()
        .user_id("user_1")
        .amount(0)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .build();
    println!("refused: {}", refused.expect_err("amount 0 is invalid"));

    let stats = server.emulator().stats();
    println!(
        "\nthe emulator saw {} requests and holds {} intents",
        stats.requests,
        server.emulator().intent_count()
    );
    Ok(())
}
