//! One file per operation: its request type and builder, its validation, how it becomes an
//! [`http::Request`] and how an [`http::Response`] becomes its output.
//!
//! # An endpoint the SDK does not model yet
//! Use [`Raw`] (any method, path, query and JSON body), or implement [`Operation`] with the
//! helpers the built-in operations use: [`Config::request`] (URL, token, headers),
//! [`json_body`], [`fill_path`], [`decode_success`] and [`Error::from_response`]. Either way the
//! call goes through the clients' retries, timeouts, body cap and secret handling.

use http::Method;

use crate::{Config, Error, IdempotencyKey, Request, Response, RetrySafety};

mod approve_intent;
mod authorize;
mod cancel_intent;
mod create_intent;
mod create_refund;
mod create_user;
mod create_user_credential;
mod create_user_url;
mod get_account;
mod get_dispute;
mod get_intent;
mod get_refund;
mod get_transaction;
mod get_transfer;
mod get_user;
mod intent_change;
mod list_accounts;
mod list_disputes;
mod list_intents;
mod list_transactions;
mod list_transfers;
mod list_user_credentials;
mod list_users;
mod raw;
mod register_webhook;
mod simulate_credential;
mod tokenize_card;
mod verify_key;

pub use approve_intent::ApproveIntent;
pub use authorize::{Authorize, AuthorizeBuilder};
pub use cancel_intent::CancelIntent;
pub use create_intent::{CreateIntent, CreateIntentBuilder};
pub use create_refund::{CreateRefund, CreateRefundBuilder};
pub use create_user::{CreateUser, CreateUserBuilder};
pub use create_user_credential::CreateUserCredential;
pub use create_user_url::CreateUserUrl;
pub use get_account::GetAccount;
pub use get_dispute::GetDispute;
pub use get_intent::GetIntent;
pub use get_refund::GetRefund;
pub use get_transaction::GetTransaction;
pub use get_transfer::GetTransfer;
pub use get_user::GetUser;
pub use intent_change::IntentChange;
pub use list_accounts::ListAccounts;
pub use list_disputes::{ListDisputes, ListDisputesBuilder};
pub use list_intents::{ListIntents, ListIntentsBuilder};
pub use list_transactions::{ListTransactions, ListTransactionsBuilder};
pub use list_transfers::{ListTransfers, ListTransfersBuilder};
pub use list_user_credentials::ListUserCredentials;
pub use list_users::{ListUsers, ListUsersBuilder};
pub use raw::Raw;
pub use register_webhook::RegisterWebhook;
pub use simulate_credential::SimulateCredential;
pub use tokenize_card::{ExpiryPart, TokenizeCard, TokenizeCardBuilder};
pub use verify_key::VerifyKey;

/// A validated request to Push, ready to encode, and the decoder of its answer.
pub trait Operation {
    /// What a successful call returns.
    type Output;
    /// The HTTP method: the one [`Operation::encode`] uses.
    fn method(&self) -> Method;
    /// The path with placeholders (`/intent/{id}`): the one [`Operation::encode`] fills in,
    /// and the low-cardinality name logs and metrics use.
    fn path_template(&self) -> &str;

    /// Whether the call may be retried after it may have reached the server.
    fn retry_safety(&self) -> RetrySafety;

    /// Statuses that are this operation's final answer even where the retry policy would try
    /// again (a 409 state conflict of an approve, say): retrying cannot change them.
    fn is_final(&self, status: http::StatusCode) -> bool {
        let _ = status;
        false
    }

    /// Whether the call changes something at Push (a payment, an intent, a transition). Only
    /// such calls can end with an outcome unknown ([`Error::is_outcome_unknown`]). Default: every
    /// method but `GET`.
    fn has_effect(&self) -> bool {
        self.method() != Method::GET
    }

    /// The read that settles a final refusal ([`Operation::is_final`]) which followed an attempt
    /// that may have taken effect. An approve whose answer was lost is retried, and the retry is
    /// refused with 409 because the first one worked: reading the intent tells. Default: none.
    fn confirm_request(&self, config: &Config) -> Option<Result<Request, Error>> {
        let _ = config;
        None
    }

    /// What the (successful) answer to [`Operation::confirm_request`] shows: `Some(output)`,
    /// the refused call had in fact taken effect; `None`, the refusal stands; an error, the
    /// answer cannot tell (a body that does not decode, another object), so the outcome stays
    /// unknown.
    fn confirmed(&self, response: &Response) -> Result<Option<Self::Output>, Error> {
        let _ = response;
        Ok(None)
    }

    /// The secret byte strings of the encoded body (a webhook secret, as JSON-escaped in it),
    /// for transports that must keep them out of their libraries' logs ([`crate::transport::Secrets`]).
    fn body_secrets(&self) -> Vec<bytes::Bytes> {
        Vec::new()
    }

    /// The idempotency key every attempt carries, for operations that take one.
    fn idempotency_key(&self) -> Option<&IdempotencyKey> {
        None
    }

    /// Replaces the idempotency key; refused by operations that take none.
    fn set_idempotency_key(&mut self, key: IdempotencyKey) -> Result<(), Error> {
        let _ = key;
        Err(crate::ValidationError::new(
            "idempotency_key",
            format!(
                "{} {} takes no idempotency key",
                self.method(),
                self.path_template()
            ),
        )
        .into())
    }

    /// The request, with every header Push needs. Built-in operations validated everything
    /// when they were built; an error here names what a hand-written operation got wrong.
    fn encode(&self, config: &Config) -> Result<Request, Error>;

    /// The output, or the error the response stands for.
    fn decode(&self, response: Response) -> Result<Self::Output, Error>;
}

/// The request body as JSON, for [`Operation::encode`] (pass it to [`Config::request`]).
///
/// Request bodies are plain structs with string keys, which serialise; a failure (a map with
/// non-string keys, a `Serialize` impl that refuses) is a [`crate::ValidationError`] on `body`
/// rather than a panic.
pub fn json_body(body: &impl serde::Serialize) -> Result<Vec<u8>, crate::ValidationError> {
    serde_json::to_vec(body)
        .map_err(|err| crate::ValidationError::new("body", format!("cannot be encoded ({err})")))
}

/// The usual [`Operation::decode`]: a 2xx body decoded as `T`, any other status the error it
/// stands for ([`Error::from_response`]: an [`crate::ApiError`] with Push's message, code and
/// rate-limit headers).
///
/// Decoding is lenient where `T` is (unknown fields are skipped by serde unless `T` denies
/// them) and a refusal is a [`crate::DecodeError`] naming the JSON path of the bad value.
pub fn decode_success<T: serde::de::DeserializeOwned>(response: &Response) -> Result<T, Error> {
    if !response.status().is_success() {
        return Err(Error::from_response(response));
    }
    Ok(crate::decode::json(response.status(), response.body())?)
}

/// What every Push list takes besides its own filters: a creation-time window and a cursor.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Window {
    pub(crate) created_after: Option<chrono::DateTime<chrono::Utc>>,
    pub(crate) created_before: Option<chrono::DateTime<chrono::Utc>>,
    pub(crate) cursor: Option<crate::Cursor>,
}

impl Window {
    /// The window is not empty and the cursor, if any, is not blank.
    pub(crate) fn validate(&self) -> Result<(), crate::ValidationError> {
        if let (Some(after), Some(before)) = (self.created_after, self.created_before)
            && after >= before
        {
            return Err(crate::ValidationError::new(
                "created_at.after",
                "must be before created_at.before",
            ));
        }
        if self.cursor.as_ref().is_some_and(|c| c.as_str().is_empty()) {
            return Err(crate::ValidationError::new("cursor", "must not be empty"));
        }
        Ok(())
    }

    /// `template?query` with the list's own `filters` first, then the window (RFC 3339 in UTC)
    /// and Push's cursor ([`crate::paging::push_cursor`] of a resume cursor).
    pub(crate) fn path_and_query(&self, template: &str, filters: &[(&str, &str)]) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in filters {
            query.append_pair(name, value);
        }
        for (name, at) in [
            ("created_at.after", self.created_after),
            ("created_at.before", self.created_before),
        ] {
            if let Some(at) = at {
                query.append_pair(
                    name,
                    &at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                );
            }
        }
        if let Some(page) = crate::paging::push_cursor(self.cursor.as_ref()) {
            query.append_pair("cursor", page.as_str());
        }
        let query = query.finish();
        if query.is_empty() {
            template.to_owned()
        } else {
            format!("{template}?{query}")
        }
    }
}

/// The window setters of a list builder whose request is `self.inner` with a `window`.
macro_rules! window_setters {
    ($what:literal) => {
        #[doc = concat!("Only ", $what, " created after this instant.")]
        pub fn created_after(mut self, at: chrono::DateTime<chrono::Utc>) -> Self {
            self.inner.window.created_after = Some(at);
            self
        }

        /// [`Self::created_after`] from an `Option` (`None` clears it).
        pub fn set_created_after(mut self, at: Option<chrono::DateTime<chrono::Utc>>) -> Self {
            self.inner.window.created_after = at;
            self
        }

        #[doc = concat!("Only ", $what, " created before this instant.")]
        pub fn created_before(mut self, at: chrono::DateTime<chrono::Utc>) -> Self {
            self.inner.window.created_before = Some(at);
            self
        }

        /// [`Self::created_before`] from an `Option` (`None` clears it).
        pub fn set_created_before(mut self, at: Option<chrono::DateTime<chrono::Utc>>) -> Self {
            self.inner.window.created_before = at;
            self
        }

        /// Starts (or resumes) from this cursor: Push's, or a resume cursor.
        pub fn cursor(mut self, cursor: impl Into<crate::Cursor>) -> Self {
            self.inner.window.cursor = Some(cursor.into());
            self
        }

        /// [`Self::cursor`] from an `Option` (`None` clears it).
        pub fn set_cursor(mut self, cursor: Option<impl Into<crate::Cursor>>) -> Self {
            self.inner.window.cursor = cursor.map(Into::into);
            self
        }
    };
}
use window_setters;

/// The [`Operation`] (a `GET` of `$template` with the request's `path_and_query()`, decoded as
/// a [`crate::Page`]) and the [`crate::paging::ListOperation`] of a list request with a
/// `window`, listing `$item`s.
macro_rules! list_operation {
    ($list:ty, $item:ty, $template:literal) => {
        impl crate::ops::Operation for $list {
            type Output = crate::Page<$item>;

            fn method(&self) -> http::Method {
                http::Method::GET
            }

            fn path_template(&self) -> &'static str {
                $template
            }

            fn retry_safety(&self) -> crate::RetrySafety {
                crate::RetrySafety::Idempotent
            }

            fn encode(&self, config: &crate::Config) -> Result<crate::Request, crate::Error> {
                Ok(config.request(self.method(), &self.path_and_query(), None)?)
            }

            fn decode(
                &self,
                response: crate::Response,
            ) -> Result<crate::Page<$item>, crate::Error> {
                crate::paging::decode_page(self, &response)
            }
        }

        impl crate::paging::ListOperation for $list {
            type Item = $item;

            fn cursor(&self) -> Option<&crate::Cursor> {
                self.window.cursor.as_ref()
            }

            fn with_cursor(&self, cursor: Option<crate::Cursor>) -> Self {
                let mut next = self.clone();
                next.window.cursor = cursor;
                next
            }

            fn item_id(item: &$item) -> &str {
                item.id.as_str()
            }
        }
    };
}
use list_operation;

/// A `GET` of one resource by id: the request type, its validation (the id is one non-empty
/// path segment, not `.`/`..` nor a sibling route such as `list`) and its [`Operation`].
macro_rules! get_operation {
    (
        $(#[$meta:meta])*
        $name:ident($id:ty) -> $output:ty, $template:literal, reserved: [$($reserved:literal),*]
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            id: $id,
        }

        impl $name {
            #[doc = concat!("Refuses an id that is empty or would change the path of `", $template, "`.")]
            pub fn new(id: impl Into<$id>) -> Result<Self, crate::ValidationError> {
                let id = id.into();
                crate::validate::path_id("id", id.as_str(), &[$($reserved),*])?;
                Ok(Self { id })
            }

            /// The id asked for.
            pub fn id(&self) -> &$id {
                &self.id
            }
        }

        impl crate::ops::Operation for $name {
            type Output = $output;

            fn method(&self) -> http::Method {
                http::Method::GET
            }

            fn path_template(&self) -> &'static str {
                $template
            }

            fn retry_safety(&self) -> crate::RetrySafety {
                crate::RetrySafety::Idempotent
            }

            fn encode(&self, config: &crate::Config) -> Result<crate::Request, crate::Error> {
                crate::validate::path_id("id", self.id.as_str(), &[$($reserved),*])?;
                let path = crate::ops::fill_path(self.path_template(), &[self.id.as_str()]);
                Ok(config.request(self.method(), &path, None)?)
            }

            fn decode(&self, response: crate::Response) -> Result<$output, crate::Error> {
                crate::ops::decode_success(&response)
            }
        }
    };
}
use get_operation;

/// Everything but RFC 3986 unreserved characters is encoded, so a value stays one path segment.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `template` (an operation's [`Operation::path_template`]) with each `{name}` replaced, in
/// order, by the next of `segments`, percent-encoded as one path segment. Placeholders left
/// without a segment stay as written, which the caller's tests catch.
pub fn fill_path(template: &str, segments: &[&str]) -> String {
    let mut path = String::with_capacity(template.len() + 32);
    let mut segments = segments.iter();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        path.push_str(&rest[..open]);
        match segments.next() {
            Some(segment) => {
                path.extend(percent_encoding::utf8_percent_encode(segment, SEGMENT));
            }
            None => path.push_str(&rest[open..=close]),
        }
        rest = &rest[close + 1..];
    }
    path.push_str(rest);
    path
}

/// `value` as it stands inside a JSON string: what a secret looks like in an encoded body.
fn json_escaped(value: &str) -> bytes::Bytes {
    let quoted = serde_json::Value::from(value).to_string();
    let inner = quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or(&quoted);
    bytes::Bytes::copy_from_slice(inner.as_bytes())
}

/// Refuses an enum value this SDK does not know: readable in responses, never sendable.
fn known<T: std::fmt::Display>(
    field: &'static str,
    value: &T,
    is_known: bool,
) -> Result<(), crate::ValidationError> {
    if is_known {
        Ok(())
    } else {
        Err(crate::ValidationError::new(
            field,
            format!("unknown value `{value}` cannot be sent"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        ApiToken, ApproveIntent, Authorize, CancelIntent, CreateIntent, CreateRefund, Currency,
        Direction, Environment, GetIntent, ListIntents,
    };

    /// True when `path` is `template` with each `{name}` standing for one non-empty segment.
    fn follows(template: &str, path: &str) -> bool {
        let (mut template, mut path) = (template.split('/'), path.split('/'));
        loop {
            match (template.next(), path.next()) {
                (None, None) => return true,
                (Some(t), Some(p)) if t.starts_with('{') && t.ends_with('}') => {
                    if p.is_empty() {
                        return false;
                    }
                }
                (Some(t), Some(p)) if t == p => {}
                _ => return false,
            }
        }
    }

    fn agrees<O: Operation>(operation: O) {
        let config = Config::new(ApiToken::new("t").unwrap(), Environment::Sandbox);
        let request = operation.encode(&config).unwrap();
        let template = operation.path_template();
        assert_eq!(request.method(), operation.method(), "{template}");
        assert!(
            follows(template, request.uri().path()),
            "{template} encoded as {}",
            request.uri().path()
        );
    }

    /// Each operation declares its method and path once; what it sends follows them.
    #[test]
    fn every_operation_sends_what_it_declares() {
        agrees(
            CreateIntent::builder()
                .user_id("u")
                .amount(1)
                .currency(Currency::Usd)
                .direction(Direction::CashIn)
                .build()
                .unwrap(),
        );
        agrees(GetIntent::new("intent_a/b").unwrap());
        agrees(ListIntents::default());
        agrees(ApproveIntent::new("i").unwrap());
        agrees(CancelIntent::new("i").unwrap());
        agrees(
            Authorize::builder()
                .amount(1)
                .currency(Currency::Usd)
                .direction(Direction::CashIn)
                .token("t")
                .build()
                .unwrap(),
        );
        agrees(CreateRefund::full("intent_1").unwrap());
        agrees(crate::GetRefund::new("refund/1").unwrap());
        agrees(crate::GetDispute::new("d").unwrap());
        agrees(crate::GetAccount::new("a").unwrap());
        agrees(crate::GetTransaction::new("t").unwrap());
        agrees(crate::GetTransfer::new("t").unwrap());
        agrees(crate::ListDisputes::default());
        agrees(crate::ListTransactions::default());
        agrees(crate::ListTransfers::default());
        agrees(crate::ListAccounts);
        agrees(
            crate::RegisterWebhook::new(
                "https://example.com/hook",
                crate::WebhookSecret::new("x".repeat(32)).unwrap(),
            )
            .unwrap(),
        );
        assert!(!follows("/intent/{id}", "/intent/"));
        assert!(!follows("/intent/{id}/approve", "/intent/x/cancel"));
        assert_eq!(
            fill_path("/a/{x}/b/{y}", &["1/2", "é"]),
            "/a/1%2F2/b/%C3%A9"
        );
        assert_eq!(fill_path("/a/{x}", &[]), "/a/{x}");
    }
}
