//! Shared inputs of the benchmarks: list pages built from the published example, and the
//! strict baseline model a plain serde user would write.

use serde::Deserialize;

/// The published `GET /intent/{id}` example (page 003), as served.
pub const INTENT_003: &str =
    include_str!("../../crates/push-core/tests/fixtures/get_intent_003.json");
/// The published Intent schema example (page 002).
pub const INTENT_002: &str = include_str!("../../crates/push-core/tests/fixtures/intent_002.json");

/// A `GET /intent/list` page of `n` intents, cycling through both published examples.
pub fn list_page(n: usize) -> Vec<u8> {
    let examples = [INTENT_002.trim(), INTENT_003.trim()];
    let data: Vec<&str> = (0..n).map(|i| examples[i % 2]).collect();
    format!(
        r#"{{"data":[{}],"next_cursor":"vjl8vk3l4o8dhsjlzh=="}}"#,
        data.join(",")
    )
    .into_bytes()
}

/// The baseline: a strict serde-derive model of the same schema, with `String` fields and
/// closed enums, as a user without the SDK would write it.
pub mod strict {
    #![allow(missing_docs)]
    use super::Deserialize;

    #[derive(Debug, Deserialize)]
    pub struct Page {
        pub data: Vec<Intent>,
        pub next_cursor: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Direction {
        CashIn,
        CashOut,
    }

    #[derive(Debug, Deserialize)]
    pub enum Currency {
        #[serde(rename = "USD")]
        Usd,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Status {
        Created,
        Approved,
        Declined,
        Pending,
        Canceled,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Rail {
        Card,
        Ach,
    }

    #[derive(Debug, Deserialize)]
    pub struct Intent {
        pub id: String,
        pub idempotency_key: Option<String>,
        pub created_at: String,
        pub direction: Direction,
        pub user_id: String,
        pub amount: i64,
        pub currency: Currency,
        pub guarantee_amount: Option<i64>,
        pub status: Status,
        pub decline_category: Option<String>,
        pub transactions: Vec<Transaction>,
        pub dispute: Option<serde::de::IgnoredAny>,
        pub refund: Option<serde::de::IgnoredAny>,
        pub approval_mode: Option<String>,
        pub credential: Option<Credential>,
        pub payment_credential: Option<PaymentCredential>,
        pub rail: Option<Rail>,
        pub account: Option<Account>,
        #[serde(rename = "type")]
        pub intent_type: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    pub struct Transaction {
        pub id: String,
        pub amount: i64,
        pub direction: Option<String>,
        pub currency: Currency,
        pub created_at: String,
        pub date: Option<String>,
        pub batch: Option<String>,
        pub account_id: Option<String>,
        #[serde(rename = "type")]
        pub transaction_type: Option<String>,
        pub source_id: Option<String>,
        pub status: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    pub struct Credential {
        pub display_name: String,
        pub last4: String,
    }

    #[derive(Debug, Deserialize)]
    pub struct PaymentCredential {
        pub bank_name: Option<String>,
        pub account: Option<BankAccount>,
        pub card: Option<Card>,
    }

    #[derive(Debug, Deserialize)]
    pub struct BankAccount {
        pub number_mask: String,
        pub routing: String,
    }

    #[derive(Debug, Deserialize)]
    pub struct Card {
        pub primary_account_number_mask: String,
        pub expiration: String,
        pub brand: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    pub struct Account {
        pub id: String,
        #[serde(rename = "type")]
        pub account_type: String,
        pub name: String,
        pub created_at: String,
    }
}
