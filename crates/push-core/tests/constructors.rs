//! Constructors a reader cannot get wrong: named setters, numbers and dates where those are
//! what the caller has, every missing field named at once, and a clone that is the same payment.

use chrono::NaiveDate;
use push_core::{
    Address, Authorize, Config, CreateIntent, CreateUser, Currency, Direction, GovernmentId,
    GovernmentIdType, LegalName, TokenizeCard, ops::Operation,
};

fn body_of(op: &impl Operation) -> serde_json::Value {
    let config = Config::builder().token("sk_test_1").build().unwrap();
    let request = op.encode(&config).unwrap();
    serde_json::from_slice(request.body()).unwrap()
}

#[test]
fn an_address_by_name_and_every_missing_field_named() {
    let address = Address::builder()
        .line1("1609 10th Ave")
        .locality("Bodega Bay")
        .state("CA")
        .postal_code("94923")
        .build()
        .unwrap();
    assert_eq!(
        address,
        Address::new("1609 10th Ave", "Bodega Bay", "CA", "94923", "US")
    );
    let err = Address::builder().line1("x").build().unwrap_err();
    assert_eq!(err.field(), "locality");
    assert_eq!(
        err.to_string(),
        "locality: is required (also missing: administrative_area, postal_code)"
    );
}

#[test]
fn several_missing_fields_are_named_together() {
    let table = [
        (
            Authorize::builder().build().unwrap_err(),
            "amount: is required (also missing: currency, direction)",
        ),
        (
            Authorize::builder().amount(5).build().unwrap_err(),
            "currency: is required (also missing: direction)",
        ),
        (
            CreateIntent::builder().build().unwrap_err(),
            "user_id: is required (also missing: amount, currency, direction)",
        ),
        (
            CreateIntent::builder()
                .user_id("user_1")
                .currency(Currency::Usd)
                .build()
                .unwrap_err(),
            "amount: is required without token (also missing: direction)",
        ),
        (
            CreateUser::builder().email("a@b.co").build().unwrap_err(),
            "name: is required (also missing: address, date_of_birth, government_id, identity_verified)",
        ),
        (
            TokenizeCard::builder()
                .user_id("user_1")
                .build()
                .unwrap_err(),
            "pan: is required (also missing: cvv, exp_month, exp_year)",
        ),
    ];
    for (err, message) in table {
        assert_eq!(err.to_string(), message);
    }
}

#[test]
fn expiry_as_numbers_and_birth_as_a_date() {
    let card = |month: TokenizeCard| body_of(&month);
    let base = || {
        TokenizeCard::builder()
            .user_id("user_1")
            .pan("5555 5555 5555 4444")
            .cvv("123")
    };
    for (built, month, year) in [
        (
            base().exp_month(5).exp_year(2028).build().unwrap(),
            "05",
            "28",
        ),
        (
            base().exp_month(12u8).exp_year(28).build().unwrap(),
            "12",
            "28",
        ),
        (
            base().exp_month("07").exp_year("2031").build().unwrap(),
            "07",
            "31",
        ),
    ] {
        let body = card(built);
        assert_eq!(body["exp_month"], month);
        assert_eq!(body["exp_year"], year);
    }
    let err = base().exp_month(13).exp_year(28).build().unwrap_err();
    assert_eq!(err.field(), "exp_month");

    let user = |birth: push_core::DateInput| {
        CreateUser::builder()
            .name(LegalName::new("Alfred", "Hitchcock"))
            .email("alfred@imdb.com")
            .address(Address::new(
                "1609 10th Ave",
                "Bodega Bay",
                "CA",
                "94923",
                "US",
            ))
            .date_of_birth(birth)
            .government_id(GovernmentId::new(GovernmentIdType::Passport, "7349"))
            .identity_verified(true)
            .build()
            .unwrap()
    };
    let day = NaiveDate::from_ymd_opt(1899, 8, 13).unwrap();
    assert_eq!(
        body_of(&user(day.into())),
        body_of(&user("1899-08-13".into()))
    );
    assert_eq!(body_of(&user(day.into()))["date_of_birth"], "1899-08-13");
}

#[test]
fn a_clone_is_the_same_payment_and_with_new_key_another() {
    let built = CreateIntent::builder()
        .user_id("user_1")
        .amount(1450)
        .currency(Currency::Usd)
        .direction(Direction::CashIn)
        .build()
        .unwrap();
    let again = built.clone();
    assert_eq!(again.idempotency_key(), built.idempotency_key());
    let another = built.clone().with_new_key();
    assert_ne!(another.idempotency_key(), built.idempotency_key());
    assert_eq!(body_of(&another), body_of(&built), "the same fields");
}
