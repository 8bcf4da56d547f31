//! The blocking Push client: push-core's call machine over ureq and rustls. No async runtime
//! anywhere in its dependency tree; it sleeps with `std::thread::sleep` between attempts.
//!
//! ```no_run
//! # fn run() -> Result<(), push_ureq::Error> {
//! use push_ureq::{Client, CreateIntent, Currency, Direction, ListIntents};
//!
//! let client = Client::builder().token("sk_test_...").build()?; // sandbox by default
//! let intent = CreateIntent::builder()
//!     .user_id("user_28CJjV7P4Go5PNJvfzghiD")
//!     .amount(1450)
//!     .currency(Currency::Usd)
//!     .direction(Direction::CashIn)
//!     .build()?;
//! let created = client.create_intent(intent)?;
//! for intent in client.list_all_intents(ListIntents::default()).with_limit(100) {
//!     println!("{}", intent?.id);
//! }
//! # Ok(()) }
//! ```
//!
//! # Features
//! | Feature | Default | What it does |
//! |---|---|---|
//! | `simd` | off | simd-json decodes responses (1.3x to 1.9x faster decoding); off, serde_json alone (the same results), 10 crates and ~9% of a clean build fewer. On by default in push-hyper. |
//! | `webhooks` | on | Webhook signature verification (`WebhookVerifier`); the event types decode without it. |
//! | `rustls-ring` | on | TLS by rustls with the ring provider. |
//! | `rustls-aws-lc-rs` | off | TLS by rustls with aws-lc-rs (FIPS-capable; builds C). Ring wins when both are on. |
//! | `native-roots` | off | Trust the operating system's certificate store (the bundled webpki roots when it is empty). |
//! | `journal` | off | The write-ahead journal (SQLite): `ClientBuilder::journal`, `PUSH_JOURNAL`, `send_journaled`, `recover`. Off, none of it is compiled, and a configured journal is an error. |
//! | `journal-postgres` | off | The journal on PostgreSQL as well (`postgres://` URLs), for a fleet of workers. |
//!
//! `default-features = false` must name a provider: `features = ["rustls-ring"]`.
#![forbid(unsafe_code)]
// docs.rs builds with `--cfg docsrs` on nightly: each item shows the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]

mod client;
#[cfg(feature = "journal")]
mod journaled;
mod listing;
mod reconciliation;
mod ureq_transport;

pub use client::Client;

/// What a program usually needs, in one import: `use push_ureq::prelude::*;` (the types of the
/// first calls, and chrono's for the filters).
///
/// ```no_run
/// use push_ureq::prelude::*;
///
/// # fn run(client: Client) -> Result<(), Error> {
/// let since: DateTime<Utc> = Utc::now() - chrono::TimeDelta::days(1);
/// for intent in client.list_all_intents(ListIntents::builder().created_after(since).build()?) {
///     let intent = intent?;
///     println!("{} {}", intent.id, intent.status);
/// }
/// # Ok(()) }
/// ```
pub mod prelude {
    pub use crate::chrono::{self, DateTime, NaiveDate, Utc};
    pub use crate::{
        Authorize, AuthorizeOutcome, Client, CreateIntent, CreateRefund, CreateUser, Currency,
        Direction, Error, GetIntent, Intent, IntentStatus, ListIntents, ListTransactions,
        ListTransfers, RetryHint,
    };
}
pub use listing::{IntentItems, IntentPages, Items, Pages};
#[doc(no_inline)]
pub use push_core::{self, *};

// The root re-exports all of push-core, flat, as earlier releases did (`push_ureq::Intent`
// keeps working); the documentation groups them instead of listing ~170 items on one page.
/// The data Push answers with (intents, users, refunds, the ledger), their enums and ids, and
/// the secret types (never shown in `Debug`, `Display` or logs).
pub mod models {
    #[doc(inline)]
    pub use push_core::{
        Account, AccountId, AccountType, Accounts, Address, AddressBuilder, ApiToken, ApprovalMode,
        AuthenticationRequired, AuthorizeApproved, AuthorizeDeclined, AuthorizeOutcome,
        BankAccount, Card, CardBrand, CardNumber, CardToken, CreatedIntent, CreatedUser,
        Credential, CredentialId, CredentialType, Currency, Cursor, Cvv, DateInput,
        DeclineCategory, Direction, Dispute, DisputeCode, DisputeId, DisputeNetwork, DisputeStatus,
        GovernmentId, GovernmentIdType, IdEnvironment, IdempotencyKey, Intent, IntentId,
        IntentPage, IntentStatus, IntentType, LegalName, Page, PaymentCredential, Rail, Refund,
        RefundDeclined, RefundId, RefundOutcome, RefundStatus, SimulatedCredentialType, TokenId,
        Transaction, TransactionDirection, TransactionId, TransactionStatus, TransactionType,
        Transfer, TransferDirection, TransferId, User, UserCredential, UserCredentials, UserId,
        UserLimits, UserRetry, UserStatus, UserUrl, UserUrlType, WebhookSecret,
    };
}

/// The requests, one per Push operation, each with its validating builder, and `Raw` for
/// anything else.
pub mod ops {
    #[doc(inline)]
    pub use push_core::ops::*;
}

/// What can go wrong, and what to do about it: [`Error::retry_hint`](errors::Error::retry_hint)
/// (the table is in `docs/errors.md`).
pub mod errors {
    #[doc(inline)]
    pub use push_core::{
        ApiError, DecodeError, Error, JournalFailure, LocalRateLimit, PaginationError, RateLimit,
        RetryHint, ValidationError,
    };
}
/// The write-ahead journal (feature `journal`).
#[cfg(feature = "journal")]
pub use push_journal;
/// The HTTP library, for [`UreqTransport::with_tls`] and [`UreqTransport::from_agent`].
pub use ureq;
pub use ureq_transport::UreqTransport;
