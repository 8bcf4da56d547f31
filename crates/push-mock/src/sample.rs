//! Sample bodies shaped like the published examples, for scripted replies.

/// An intent like the published `GET /intent/{id}` example, with this id and amount.
pub fn intent(id: &str, amount: i64) -> String {
    format!(
        concat!(
            r#"{{"id":"{id}","idempotency_key":null,"created_at":"2023-05-24T20:36:50.694Z","direction":"cash_in","#,
            r#""user_id":"user_28CJjV7P4Go5PNJvfzghiD","amount":{amount},"currency":"USD","guarantee_amount":{amount},"#,
            r#""status":"approved","decline_category":null,"transactions":[],"dispute":null,"rail":"card"}}"#
        ),
        id = id,
        amount = amount
    )
}

/// A list page of these intents and this next cursor (`None`: the last page).
pub fn page<'a>(ids: impl IntoIterator<Item = &'a str>, next_cursor: Option<&str>) -> String {
    let data: Vec<String> = ids.into_iter().map(|id| intent(id, 100)).collect();
    let next = match next_cursor {
        Some(cursor) => format!("\"{}\"", cursor.replace('\\', "\\\\").replace('"', "\\\"")),
        None => "null".to_owned(),
    };
    format!(r#"{{"data":[{}],"next_cursor":{next}}}"#, data.join(","))
}

/// The published `POST /user` example as a builder, `tag` and phone number included: tests
/// change what they are about with `set_*` and build. (A request the client sends, not JSON
/// the emulator writes.)
pub fn create_user() -> push_core::CreateUserBuilder {
    use push_core::{Address, CreateUser, GovernmentId, GovernmentIdType, LegalName};
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
        .date_of_birth("1899-08-13")
        .government_id(GovernmentId::new(GovernmentIdType::Passport, "7349"))
        .phone_number("(555) 681-3485")
        .tag("4c8e6b4f")
        .identity_verified(true)
}
