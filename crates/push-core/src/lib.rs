//! The sans-IO core of the Push Cash SDK.
//!
//! # In scope
//! - Typed models of every schema Push publishes ([`Intent`], [`Transaction`], ...), decoded
//!   leniently: unknown fields are ignored, unknown enum values are kept as `Unknown(String)`,
//!   fields the published examples omit are `Option`.
//! - One operation per file in [`ops`]: a request type, its validating builder, how it becomes an
//!   [`http::Request`] and how an [`http::Response`] becomes its output; [`ops::Raw`] for
//!   endpoints the SDK does not model yet.
//! - [`WebhookVerifier`]: signature verification and typed events, with the clock passed in.
//! - [`reconcile`]: does a day's money add up? Pure checks of transfers against the
//!   transactions they net and the intents those name.
//!
//! # Where things are
//! The crate root is the user's path: the client builder and [`Config`], the operations and
//! their builders, the models, the errors, and (re-exported from their modules) the traits a
//! user implements or names: [`Transport`], [`BlockingTransport`], [`Operation`],
//! [`ListOperation`], [`Pager`], [`RetryPolicy`]. The machinery has its own modules, one path
//! per item:
//! - [`call`]: the [`call::Call`] state machine that drives one logical call through attempts;
//! - [`retry`]: the pure [`retry::RetryPolicy`] and what it decides on;
//! - [`paging`]: [`Page`] lists as [`paging::ListOperation`]s, walked by [`paging::Pager`];
//! - [`transport`]: the [`transport::Transport`] and [`transport::BlockingTransport`] traits,
//!   the seam to any HTTP client.
//!
//! # Out of scope
//! No sockets, no TLS, no runtime, no clock, no sleeping, no global state. Time enters as
//! [`std::time::Instant`] values passed in by the driver; bytes enter as [`transport::Response`] values.
//! The async client lives in `push-hyper`, the blocking one in `push-ureq`; a driver of your
//! own is a dozen lines (see [`call`]).
//!
//! # Safety promises
//! - `POST /intent` always carries `X-Idempotency-Key`, generated once per logical call when the
//!   caller gives none, and reused by every attempt ([`CreateIntent::idempotency_key`]).
//! - `POST /authorize` is retried only when it carries a `token` (Push deduplicates on it) or
//!   when the transport proves the request never left ([`transport::TransportError::may_have_reached_server`]).
//! - Bad input never leaves the machine: builders validate in `build()` and name the field and
//!   the rule ([`ValidationError`]); a base URL exists only validated ([`BaseUrl`]).
//! - A write whose outcome is unknown says so ([`Error::is_outcome_unknown`]); a listing resumes
//!   without losing anything ([`paging::Pager::resume_cursor`]).
//! - Nothing a server sends can make the core panic: numbers saturate, bodies fail as
//!   [`DecodeError`]s; `fuzz/` feeds arbitrary responses through every operation's [`call::Call`].
//! - Each request lists its secret bytes ([`transport::Secrets`]) for transports that must keep them out of
//!   their libraries' logs; proxies are used for HTTPS only, by `CONNECT` ([`Proxy`]).
//!
//! # Features
//! | Feature | Default | What it does |
//! |---|---|---|
//! | `simd` | on | simd-json decodes responses; serde_json decides what it refuses. Off: serde_json alone, the same results. |
//! | `webhooks` | on | HMAC-SHA256 verification: `WebhookVerifier`, `webhook::sign`, `webhook::verify_and_parse`. The event types decode without it. |
//! | `tracing` | on | The `push.call` / `push.attempt` spans (`trace`). |
//!
//! Also here for every client: [`meta`] (the response's metadata next to a value),
//! [`observe`] (hooks on every attempt) and [`rate_limit`] (client-side rate limiting).
#![forbid(unsafe_code)]
// docs.rs builds with `--cfg docsrs` on nightly: each item shows the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]

pub use http;

// The user's path: clients are built from a `Config`, calls take operations and return models
// or an `Error`. Each item has this one path.
mod config;
mod enums;
mod error;
mod ids;
mod models;
mod secret;

pub use config::{
    BaseUrl, CallOptions, ClientBuilder, Config, DEFAULT_DEADLINE, DEFAULT_MAX_BODY_BYTES,
    Environment, FromConfig, JournalTarget, MIN_TIMEOUT, PRODUCTION_TOKENS_URL, PRODUCTION_URL,
    Proxy, SANDBOX_TOKENS_URL, SANDBOX_URL, Timeouts, parse_seconds,
};
pub use enums::{
    AccountType, ApprovalMode, CardBrand, Currency, DeclineCategory, Direction, DisputeCode,
    DisputeNetwork, DisputeStatus, IntentStatus, IntentType, Rail, RefundStatus,
    TransactionDirection, TransactionStatus, TransactionType, TransferDirection, UserRetry,
};
pub use enums::{
    CredentialType, GovernmentIdType, SimulatedCredentialType, UserStatus, UserUrlType,
};
pub use error::{
    ApiError, DecodeError, Error, JournalFailure, LocalRateLimit, PaginationError, RateLimit,
    RetryHint, ValidationError,
};
pub use ids::{
    AccountId, CredentialId, Cursor, DisputeId, IdEnvironment, IdempotencyKey, IntentId, RefundId,
    TokenId, TransactionId, TransferId, UserId,
};
pub use models::{
    Account, AuthenticationRequired, AuthorizeApproved, AuthorizeDeclined, AuthorizeOutcome,
    BankAccount, Card, CreatedIntent, Credential, Dispute, Intent, IntentPage, Page,
    PaymentCredential, Refund, Transaction,
};
pub use models::{Accounts, RefundDeclined, RefundOutcome, Transfer};
pub use models::{
    Address, AddressBuilder, CardToken, CreatedUser, DateInput, GovernmentId, LegalName, User,
    UserCredential, UserCredentials, UserLimits, UserUrl,
};
// Operations live in `ops`, one file each; the root re-exports them as the user's path.
pub use ops::{
    ApproveIntent, Authorize, AuthorizeBuilder, CancelIntent, CreateIntent, CreateIntentBuilder,
    CreateUser, CreateUserBuilder, CreateUserCredential, CreateUserUrl, ExpiryPart, GetIntent,
    GetUser, IntentChange, ListIntents, ListIntentsBuilder, ListUserCredentials, ListUsers,
    ListUsersBuilder, SimulateCredential, TokenizeCard, TokenizeCardBuilder, VerifyKey,
};
pub use ops::{
    CreateRefund, CreateRefundBuilder, GetAccount, GetDispute, GetRefund, GetTransaction,
    GetTransfer, ListAccounts, ListDisputes, ListDisputesBuilder, ListTransactions,
    ListTransactionsBuilder, ListTransfers, ListTransfersBuilder, RegisterWebhook,
};
pub use secret::{ApiToken, CardNumber, Cvv, WebhookSecret};
#[cfg(feature = "webhooks")]
#[doc(no_inline)]
pub use webhook::WebhookVerifier;
#[doc(no_inline)]
pub use webhook::{DecimalAmount, IntentEvent, LimitsUtilization, WebhookError, WebhookEvent};

// The traits and types a user names when bringing a transport or an operation of their own,
// or tuning retries, are also at the root, where earlier releases had them. Rustdoc shows them
// as re-exports of their one documented home.
#[doc(no_inline)]
pub use meta::{ResponseMeta, WithMeta};
#[doc(no_inline)]
pub use observe::{AttemptEvent, Observer};
#[doc(no_inline)]
pub use ops::Operation;
#[doc(no_inline)]
pub use paging::{ListOperation, Pager};
#[doc(no_inline)]
pub use rate_limit::RateLimits;
#[doc(no_inline)]
pub use retry::{RetryPolicy, RetrySafety};
#[doc(no_inline)]
pub use transport::{
    BlockingTransport, Request, Response, Transport, TransportError, TransportErrorKind,
};

// The machinery, for drivers, transports and operations of your own.
/// The date and time types of public signatures (`DateTime<Utc>`, `NaiveDate`), re-exported so
/// a program needs no `chrono` line of its own (and no version to keep in step).
pub use chrono;

pub mod call;
pub mod journal;
pub mod meta;
pub mod observe;
pub mod ops;
pub mod paging;
pub mod rate_limit;
pub mod reconcile;
pub mod retry;
#[cfg(feature = "tracing")]
pub mod trace;
pub mod transport;
pub mod webhook;

mod decode;
mod validate;

// Short paths for the crate's own code only.
#[cfg(feature = "tracing")]
pub(crate) use call::Call;

/// The `User-Agent` every request carries: this crate's name and version.
pub const USER_AGENT: &str = concat!("push-rs/", env!("CARGO_PKG_VERSION"));
