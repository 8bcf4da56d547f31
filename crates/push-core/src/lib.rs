//! The sans-IO core of the Push Cash SDK.
//!
//! # In scope
//! - Typed models of every schema Push publishes ([`Intent`], [`Transaction`], ...), decoded
//!   leniently: unknown fields are ignored, unknown enum values are kept as `Unknown(String)`,
//!   fields the published examples omit are `Option`.
//! - One operation per file in [`ops`]: a request type, its validating builder, how it becomes an
//!   [`http::Request`] and how an [`http::Response`] becomes its output.
//! - The [`Call`] state machine that drives one logical call through attempts, the pure
//!   [`RetryPolicy`], and the [`Pager`] for cursor pagination.
//! - The [`Transport`] and [`BlockingTransport`] traits: the seam to any HTTP client.
//! - [`webhook`]: signature verification and typed events, with the clock passed in.
//!
//! # Out of scope
//! No sockets, no TLS, no runtime, no clock, no sleeping, no global state. Time enters as
//! [`std::time::Instant`] values passed in by the driver; bytes enter as [`Response`] values.
//! The async client lives in `push-hyper`, the blocking one in `push-ureq`; a driver of your
//! own is a dozen lines (see [`Call`]).
//!
//! # Safety promises
//! - `POST /intent` always carries `X-Idempotency-Key`, generated once per logical call when the
//!   caller gives none, and reused by every attempt ([`CreateIntent::idempotency_key`]).
//! - `POST /authorize` is retried only when it carries a `token` (Push deduplicates on it) or
//!   when the transport proves the request never left ([`TransportError::may_have_reached_server`]).
//! - Bad input never leaves the machine: builders validate in `build()` and name the field and
//!   the rule ([`ValidationError`]); a base URL exists only validated ([`BaseUrl`]).
//! - A write whose outcome is unknown says so ([`Error::is_outcome_unknown`]); a listing resumes
//!   without losing anything ([`Pager::resume_cursor`]).
//! - Nothing a server sends can make the core panic: numbers saturate, bodies fail as
//!   [`DecodeError`]s; `fuzz/` feeds arbitrary responses through every operation's [`Call`].
//! - Each request lists its secret bytes ([`Secrets`]) for transports that must keep them out of
//!   their libraries' logs; proxies are used for HTTPS only, by `CONNECT` ([`Proxy`]).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use http;

mod call;
mod config;
mod decode;
mod enums;
mod error;
mod ids;
mod models;
pub mod ops;
mod pager;
mod retry;
mod secret;
#[cfg(feature = "tracing")]
pub mod trace;
mod transport;
mod validate;
pub mod webhook;

pub use call::{Attempt, Call, CallOptions, ScopedOptions, Step};
pub use config::{
    BaseUrl, ClientBuilder, Config, DEFAULT_MAX_BODY_BYTES, Environment, FromConfig,
    PRODUCTION_URL, Proxy, SANDBOX_URL, Timeouts,
};
pub use enums::{
    AccountType, ApprovalMode, CardBrand, Currency, DeclineCategory, Direction, DisputeCode,
    DisputeNetwork, DisputeStatus, IntentStatus, IntentType, Rail, RefundStatus,
    TransactionDirection, TransactionStatus, TransactionType, UserRetry,
};
pub use error::{ApiError, DecodeError, Error, PaginationError, RateLimit, ValidationError};
pub use ids::{
    AccountId, CredentialId, Cursor, DisputeId, IdEnvironment, IdempotencyKey, IntentId, RefundId,
    TokenId, TransactionId, UserId,
};
pub use models::{
    Account, AuthenticationRequired, AuthorizeApproved, AuthorizeDeclined, AuthorizeOutcome,
    BankAccount, Card, CreatedIntent, Credential, Dispute, Intent, IntentPage, PaymentCredential,
    Refund, Transaction,
};
pub use ops::{
    ApproveIntent, Authorize, AuthorizeBuilder, CancelIntent, CreateIntent, CreateIntentBuilder,
    GetIntent, IntentChange, ListIntents, ListIntentsBuilder, Operation,
};
pub use pager::{PageStep, Pager};
pub use retry::{
    Jitter, RetryContext, RetryDecision, RetryOutcome, RetryPolicy, RetrySafety, parse_retry_after,
};
pub use secret::{ApiToken, WebhookSecret};
pub use transport::{
    BlockingTransport, Request, Response, Secrets, Transport, TransportError, TransportErrorKind,
    TransportFn, check_declared_length, transport_fn,
};
pub use webhook::{IntentEvent, WebhookError, WebhookEvent, WebhookVerifier};

/// The `User-Agent` every request carries: this crate's name and version.
pub const USER_AGENT: &str = concat!("push-rs/", env!("CARGO_PKG_VERSION"));
