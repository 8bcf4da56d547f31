//! The quickstart's flow on the blocking client (push-ureq): no async runtime in your code.
//!
//! Run it: `cargo run --example blocking`.

use push_mock::{DEFAULT_TOKEN, EmulatorConfig, MockServer};
use push_ureq::{
    Authorize, AuthorizeOutcome, Client, CreateIntent, Currency, Direction, ListIntents,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The emulator runs on its own thread; this program stays plain blocking code.
    let server = MockServer::start_in_background(EmulatorConfig {
        page_size: 2,
        ..EmulatorConfig::default()
    })?;
    let client = Client::builder()
        .token(DEFAULT_TOKEN)
        .base_url(&server.base_url())
        .build()?;

    for amount in [1450, 2500, 9900] {
        let intent = CreateIntent::builder()
            .user_id("user_28CJjV7P4Go5PNJvfzghiD")
            .amount(amount)
            .currency(Currency::Usd)
            .direction(Direction::CashIn)
            .build()?;
        let created = client.create_intent(intent)?;
        let fetched = client.get_intent(created.id)?;
        println!(
            "created and fetched {} ({}, {} cents)",
            fetched.id, fetched.status, fetched.amount
        );
    }

    for amount in [1000, 150_000, 1005] {
        let authorize = Authorize::builder()
            .amount(amount)
            .currency(Currency::Usd)
            .direction(Direction::CashIn)
            .credential_id("cred_7YlA9IiSl8UZvNwNSbFajV")
            .build()?;
        match client.authorize(authorize)? {
            AuthorizeOutcome::Approved(a) => println!("{amount}: approved {}", a.id),
            AuthorizeOutcome::AuthenticationRequired(a) => {
                println!("{amount}: authenticate at {}", a.url)
            }
            AuthorizeOutcome::Declined(d) => {
                println!(
                    "{amount}: declined ({}, user may retry: {})",
                    d.decline_category,
                    d.decline_category.user_may_retry()
                )
            }
        }
    }

    println!("every intent, newest first:");
    for intent in client.list_all_intents(ListIntents::default()) {
        let intent = intent?;
        println!("  {} {:<8} {:>6}", intent.id, intent.status, intent.amount);
    }
    Ok(())
}
