//! Stored cards and withdrawals under manual review, on the blocking client: tokenize a card,
//! store it on the user, pay out to it with `approval_mode: manual`, then approve one payout
//! and cancel another after your own review. A repeated approve is refused and says so.
//!
//! Run it: `cargo run --example withdrawals`.

use push_mock::{DEFAULT_TOKEN, EmulatorConfig, MockServer, sample};
use push_ureq::{
    ApprovalMode, Authorize, Client, CreateUserCredential, Currency, Direction, IntentStatus,
    TokenizeCard,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start_in_background(EmulatorConfig::default())?;
    let client = Client::builder()
        .token(DEFAULT_TOKEN)
        .base_url(&server.base_url())
        .build()?;

    println!("== a user and a stored card (the token is single-use; the credential stays)");
    let user = client.create_user(sample::create_user().build()?)?.id;
    let card = TokenizeCard::builder()
        .user_id(user.clone())
        .pan("4111 1111 1111 1111")
        .cvv("123")
        .exp_month("12")
        .exp_year("29")
        .build()?;
    let token = client.tokenize_card(card)?.token;
    let credential = client.create_user_credential(CreateUserCredential::new(user, token)?)?;
    println!(
        "credential {} (card ending {})",
        credential.id,
        credential.card_last4.as_deref().unwrap_or("?")
    );

    println!("\n== two withdrawals held for review (manual approval is for cash_out only)");
    let withdraw = |amount: i64, tag: &str| -> Result<_, Box<dyn std::error::Error>> {
        let request = Authorize::builder()
            .amount(amount)
            .currency(Currency::Usd)
            .direction(Direction::CashOut)
            .credential_id(credential.id.clone())
            .approval_mode(ApprovalMode::Manual)
            .tag(tag)
            .build()?;
        Ok(client.authorize(request)?.intent_id().clone())
    };
    let small = withdraw(2_000, "withdrawal-1")?;
    let large = withdraw(90_000, "withdrawal-2")?;
    for id in [&small, &large] {
        let intent = client.get_intent(id.clone())?;
        println!("{} {} cents: {}", intent.id, intent.amount, intent.status);
    }

    println!("\n== your review: approve the small one, cancel the large one");
    let approved = client.approve_intent(small.clone())?;
    println!("approved {}", approved.id());
    let canceled = client.cancel_intent(large.clone())?;
    println!("canceled {}", canceled.id());
    assert_eq!(
        client.get_intent(small.clone())?.status,
        IntentStatus::Approved
    );
    assert_eq!(client.get_intent(large)?.status, IntentStatus::Canceled);

    println!("\n== approving twice is refused, with the reason");
    match client.approve_intent(small) {
        Ok(change) => println!("unexpected: {} changed again", change.id()),
        Err(err) => println!("refused: {err}"),
    }
    Ok(())
}
