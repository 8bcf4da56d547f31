//! The async Push client: push-core's call machine over hyper 1 and rustls, on tokio.
//!
//! ```no_run
//! # async fn run() -> Result<(), push_hyper::Error> {
//! use push_hyper::{Client, CreateIntent, Currency, Direction};
//!
//! let client = Client::builder().token("sk_test_...").build()?; // sandbox by default
//! let intent = CreateIntent::builder()
//!     .user_id("user_28CJjV7P4Go5PNJvfzghiD")
//!     .amount(1450)
//!     .currency(Currency::Usd)
//!     .direction(Direction::CashIn)
//!     .build()?;
//! let created = client.create_intent(intent).await?;
//! let fetched = client.get_intent(created.id).await?;
//! println!("{} is {}", fetched.id, fetched.status);
//! # Ok(()) }
//! ```
//!
//! This crate is thin on purpose: [`HyperTransport`] (hyper-util's pooled client, HTTP/1.1
//! keep-alive and HTTP/2 by ALPN, rustls with the ring provider and webpki roots, whole-request
//! timeouts and a body cap), [`Client`] (which runs [`push_core::call::Call`] and sleeps with tokio),
//! and the pagination [`Stream`](futures_core::Stream)s. Any [`transport::Transport`] of your own works too.
//! hyper and hyper-util are built with their client features only: no server code.
//!
//! # Features
//! | Feature | Default | What it does |
//! |---|---|---|
//! | `simd` | on | simd-json decodes responses; off, serde_json alone (the same results; ~10 crates fewer). |
//! | `webhooks` | on | Webhook signature verification (`WebhookVerifier`); the event types decode without it. |
//! | `rustls-ring` | on | TLS by rustls with the ring provider. |
//! | `rustls-aws-lc-rs` | off | TLS by rustls with aws-lc-rs (FIPS-capable; builds C). Ring wins when both are on. |
//! | `native-roots` | off | Trust the operating system's certificate store (the bundled webpki roots when it is empty). |
//! | `journal` | off | The write-ahead journal (SQLite, on tokio's blocking threads): `ClientBuilder::journal`, `PUSH_JOURNAL`, `send_journaled`, `recover`. |
//! | `journal-postgres` | off | The journal on PostgreSQL too, through tokio-postgres (`postgres://` URLs), for a fleet of workers. |
//!
//! `default-features = false` must name a provider: `features = ["rustls-ring"]`.
#![forbid(unsafe_code)]
// docs.rs builds with `--cfg docsrs` on nightly: each item shows the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]

mod client;
mod hyper_transport;
#[cfg(feature = "journal")]
mod journaled;
mod listing;
mod reconciliation;

pub use client::Client;

/// What a program usually needs, in one import: `use push_hyper::prelude::*;`. Holds the
/// stream traits a listing needs (`try_next`, `collect`) and the types of the first calls.
///
/// ```no_run
/// use push_hyper::prelude::*;
///
/// # async fn run(client: Client) -> Result<(), Error> {
/// let since: DateTime<Utc> = Utc::now() - chrono::TimeDelta::days(1);
/// let mut intents = client.list_all_intents(ListIntents::builder().created_after(since).build()?);
/// while let Some(intent) = intents.try_next().await? {
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
    pub use futures_util::{StreamExt, TryStreamExt};
}
pub use hyper_transport::HyperTransport;
pub use listing::{IntentItems, IntentPages, Items, Pages};
#[doc(no_inline)]
pub use push_core::{self, *};

// The root re-exports all of push-core, flat, as earlier releases did (`push_hyper::Intent`
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
/// The TLS library, for [`HyperTransport::with_tls`].
pub use rustls;
