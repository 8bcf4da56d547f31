//! `POST /intent`: create a payment intent, explicitly or from a card token.

use http::{HeaderValue, Method};
use serde::{Deserialize, Serialize};

use super::{Operation, decode_success, json_body, known};
use crate::RetrySafety;
use crate::{
    AccountId, ApprovalMode, Config, CreatedIntent, Currency, Direction, Error, IdempotencyKey,
    Request, Response, TokenId, UserId, ValidationError, validate,
};

/// A validated `POST /intent`. Carries its idempotency key from `build()` on, so every attempt,
/// and every retry the caller makes with this value, is deduplicated by Push.
///
/// **A clone is the same payment**: it carries the same key, so sending a built `CreateIntent`
/// and its clone returns one intent, twice (the safe way to retry). For a second payment with
/// the same fields, take [`CreateIntent::with_new_key`].
#[derive(Debug, Clone, PartialEq)]
pub struct CreateIntent {
    body: Body,
    idempotency_key: IdempotencyKey,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Body {
    user_id: UserId,
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<TokenId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    currency: Option<Currency>,
    #[serde(skip_serializing_if = "Option::is_none")]
    direction: Option<Direction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<AccountId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    approval_mode: Option<ApprovalMode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    redirect_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    webhook_url: Option<String>,
}

impl CreateIntent {
    /// Starts a builder: give `user_id`, then either `amount` + `currency` + `direction`, or a
    /// `token` (which carries those).
    pub fn builder() -> CreateIntentBuilder {
        CreateIntentBuilder::default()
    }

    /// The same request as a new payment: a freshly generated idempotency key, so Push makes
    /// another intent.
    pub fn with_new_key(mut self) -> Self {
        self.idempotency_key = IdempotencyKey::generate();
        self
    }

    /// The key every attempt sends; keep it to retry the same logical call later.
    pub fn idempotency_key(&self) -> &IdempotencyKey {
        &self.idempotency_key
    }

    /// The user.
    pub fn user_id(&self) -> &UserId {
        &self.body.user_id
    }

    /// The amount, in the explicit form.
    pub fn amount(&self) -> Option<i64> {
        self.body.amount
    }

    /// The token, in the tokenized form.
    pub fn token(&self) -> Option<&TokenId> {
        self.body.token.as_ref()
    }
}

/// Builder of [`CreateIntent`]; everything is checked in [`CreateIntentBuilder::build`].
#[derive(Debug, Clone, Default)]
pub struct CreateIntentBuilder {
    user_id: Option<UserId>,
    token: Option<TokenId>,
    amount: Option<i64>,
    currency: Option<Currency>,
    direction: Option<Direction>,
    account_id: Option<AccountId>,
    approval_mode: Option<ApprovalMode>,
    redirect_url: Option<String>,
    webhook_url: Option<String>,
    idempotency_key: Option<String>,
}

impl CreateIntentBuilder {
    /// Push's identifier for the user (required).
    pub fn user_id(mut self, user_id: impl Into<UserId>) -> Self {
        self.user_id = Some(user_id.into());
        self
    }

    /// [`Self::user_id`] from an `Option` (`None` clears it), for callers holding options.
    pub fn set_user_id(mut self, user_id: Option<impl Into<UserId>>) -> Self {
        self.user_id = user_id.map(Into::into);
        self
    }

    /// A card token: the tokenized form, without amount, currency and direction.
    pub fn token(mut self, token: impl Into<TokenId>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// [`Self::token`] from an `Option` (`None` clears it), for callers holding options.
    pub fn set_token(mut self, token: Option<impl Into<TokenId>>) -> Self {
        self.token = token.map(Into::into);
        self
    }

    /// In the currency's smallest unit (cents); greater than 0.
    pub fn amount(mut self, amount: i64) -> Self {
        self.amount = Some(amount);
        self
    }

    /// [`Self::amount`] from an `Option` (`None` clears it), for callers holding options.
    pub fn set_amount(mut self, amount: Option<i64>) -> Self {
        self.amount = amount;
        self
    }

    /// The currency.
    pub fn currency(mut self, currency: Currency) -> Self {
        self.currency = Some(currency);
        self
    }

    /// [`Self::currency`] from an `Option` (`None` clears it), for callers holding options.
    pub fn set_currency(mut self, currency: Option<Currency>) -> Self {
        self.currency = currency;
        self
    }

    /// Cash in or cash out.
    pub fn direction(mut self, direction: Direction) -> Self {
        self.direction = Some(direction);
        self
    }

    /// [`Self::direction`] from an `Option` (`None` clears it), for callers holding options.
    pub fn set_direction(mut self, direction: Option<Direction>) -> Self {
        self.direction = direction;
        self
    }

    /// The settlement account (required by Push for programs with several).
    pub fn account_id(mut self, account_id: impl Into<AccountId>) -> Self {
        self.account_id = Some(account_id.into());
        self
    }

    /// [`Self::account_id`] from an `Option` (`None` clears it), for callers holding options.
    pub fn set_account_id(mut self, account_id: Option<impl Into<AccountId>>) -> Self {
        self.account_id = account_id.map(Into::into);
        self
    }

    /// Automatic or manual approval; manual only with `cash_out`.
    pub fn approval_mode(mut self, approval_mode: ApprovalMode) -> Self {
        self.approval_mode = Some(approval_mode);
        self
    }

    /// [`Self::approval_mode`] from an `Option` (`None` clears it), for callers holding options.
    pub fn set_approval_mode(mut self, approval_mode: Option<ApprovalMode>) -> Self {
        self.approval_mode = approval_mode;
        self
    }

    /// Where the user's browser goes after the payment session (absolute URL).
    pub fn redirect_url(mut self, url: impl Into<String>) -> Self {
        self.redirect_url = Some(url.into());
        self
    }

    /// [`Self::redirect_url`] from an `Option` (`None` clears it), for callers holding options.
    pub fn set_redirect_url(mut self, url: Option<impl Into<String>>) -> Self {
        self.redirect_url = url.map(Into::into);
        self
    }

    /// Where Push delivers webhooks for the intent (HTTPS).
    pub fn webhook_url(mut self, url: impl Into<String>) -> Self {
        self.webhook_url = Some(url.into());
        self
    }

    /// [`Self::webhook_url`] from an `Option` (`None` clears it), for callers holding options.
    pub fn set_webhook_url(mut self, url: Option<impl Into<String>>) -> Self {
        self.webhook_url = url.map(Into::into);
        self
    }

    /// Your own idempotency key (Push recommends your internal transaction id); one is
    /// generated when none is given.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// [`Self::idempotency_key`] from an `Option` (`None` clears it), for callers holding options.
    pub fn set_idempotency_key(mut self, key: Option<impl Into<String>>) -> Self {
        self.idempotency_key = key.map(Into::into);
        self
    }

    /// Validates everything and fixes the idempotency key.
    pub fn build(self) -> Result<CreateIntent, ValidationError> {
        let explicit = self.token.is_none();
        validate::required(&[
            ("user_id", "is required", self.user_id.is_some()),
            (
                "amount",
                "is required without token",
                !explicit || self.amount.is_some(),
            ),
            (
                "currency",
                "is required without token",
                !explicit || self.currency.is_some(),
            ),
            (
                "direction",
                "is required without token",
                !explicit || self.direction.is_some(),
            ),
        ])?;
        let user_id = self
            .user_id
            .ok_or_else(|| ValidationError::new("user_id", "is required"))?;
        validate::id("user_id", user_id.as_str())?;
        if let Some(token) = &self.token {
            validate::id("token", token.as_str())?;
            for (field, set) in [
                ("amount", self.amount.is_some()),
                ("currency", self.currency.is_some()),
                ("direction", self.direction.is_some()),
            ] {
                if set {
                    return Err(ValidationError::new(
                        field,
                        "must not be set with token (the token carries it)",
                    ));
                }
            }
        } else {
            let amount = self
                .amount
                .ok_or_else(|| ValidationError::new("amount", "is required without token"))?;
            validate::amount(amount)?;
            let currency = self
                .currency
                .as_ref()
                .ok_or_else(|| ValidationError::new("currency", "is required without token"))?;
            known("currency", currency, currency.is_known())?;
            let direction = self
                .direction
                .as_ref()
                .ok_or_else(|| ValidationError::new("direction", "is required without token"))?;
            known("direction", direction, direction.is_known())?;
        }
        if let Some(account_id) = &self.account_id {
            validate::id("account_id", account_id.as_str())?;
        }
        if let Some(mode) = &self.approval_mode {
            validate::approval_mode(mode, self.direction.as_ref())?;
        }
        let redirect_url = validate::redirect_url(self.redirect_url)?;
        let webhook_url = validate::webhook_url(self.webhook_url)?;
        let idempotency_key = match self.idempotency_key {
            Some(key) => IdempotencyKey::new(key)?,
            None => IdempotencyKey::generate(),
        };
        Ok(CreateIntent {
            body: Body {
                user_id,
                token: self.token,
                amount: self.amount,
                currency: self.currency,
                direction: self.direction,
                account_id: self.account_id,
                approval_mode: self.approval_mode,
                redirect_url,
                webhook_url,
            },
            idempotency_key,
        })
    }
}

impl Operation for CreateIntent {
    type Output = CreatedIntent;
    fn method(&self) -> Method {
        Method::POST
    }
    fn path_template(&self) -> &'static str {
        "/intent"
    }

    fn retry_safety(&self) -> RetrySafety {
        RetrySafety::Idempotent
    }

    fn idempotency_key(&self) -> Option<&IdempotencyKey> {
        Some(&self.idempotency_key)
    }

    fn set_idempotency_key(&mut self, key: IdempotencyKey) -> Result<(), Error> {
        self.idempotency_key = key;
        Ok(())
    }

    fn encode(&self, config: &Config) -> Result<Request, Error> {
        let mut request = config.request(
            self.method(),
            self.path_template(),
            Some(json_body(&self.body)?),
        )?;
        // IdempotencyKey::new admits only visible ASCII, so this cannot fail.
        let key = HeaderValue::from_str(self.idempotency_key.as_str())
            .map_err(|_| ValidationError::new("idempotency_key", "must be visible ASCII"))?;
        request.headers_mut().insert("x-idempotency-key", key);
        Ok(request)
    }

    fn decode(&self, response: Response) -> Result<CreatedIntent, Error> {
        decode_success(&response)
    }
}

/// The journal's form of a create: the body and the key, so recovery resends both.
#[derive(Serialize, Deserialize)]
struct Replay {
    idempotency_key: String,
    body: Body,
}

impl crate::journal::Journaled for CreateIntent {
    fn journal_form(&self) -> crate::journal::JournalForm {
        let key = self.idempotency_key.as_str().to_owned();
        let mut form = crate::journal::JournalForm::new("create_intent");
        form.request = crate::journal::request_json(&Replay {
            idempotency_key: key.clone(),
            body: self.body.clone(),
        });
        form.reference = Some(key.clone());
        form.dedup = Some(key);
        form.amount = self.body.amount;
        form.direction = self.body.direction.as_ref().map(|d| d.as_str().to_owned());
        form.user_id = Some(self.body.user_id.as_str().to_owned());
        form
    }

    fn journal_answer(output: &CreatedIntent) -> crate::journal::JournalAnswer {
        crate::journal::JournalAnswer::new(output.id.as_str(), "created", false)
    }

    fn replay(request: &str) -> Result<Self, Error> {
        let replay: Replay = serde_json::from_str(request)
            .map_err(|err| crate::journal::replay_error("create_intent", err))?;
        Ok(Self {
            idempotency_key: IdempotencyKey::new(replay.idempotency_key)?,
            body: replay.body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApiToken, Environment};

    fn config() -> Config {
        Config::new(ApiToken::new("sk_test_1").unwrap(), Environment::Sandbox)
    }

    fn explicit() -> CreateIntentBuilder {
        CreateIntent::builder()
            .user_id("user_28CJjV7P4Go5PNJvfzghiD")
            .amount(1450)
            .currency(Currency::Usd)
            .direction(Direction::CashIn)
    }

    #[test]
    fn explicit_form_encodes_exactly() {
        let op = explicit()
            .account_id("account_28CJjV7P4Go5PNJvfzghiD")
            .idempotency_key("f1bbb85")
            .build()
            .unwrap();
        let request = op.encode(&config()).unwrap();
        assert_eq!(request.method(), Method::POST);
        assert_eq!(request.uri(), "https://sandbox.pushcash.com/intent");
        assert_eq!(request.headers()["x-idempotency-key"], "f1bbb85");
        assert_eq!(request.headers()["content-type"], "application/json");
        assert_eq!(request.headers()["accept"], "application/json");
        assert_eq!(request.headers()["authorization"], "Bearer sk_test_1");
        assert_eq!(request.headers()["user-agent"], crate::USER_AGENT);
        assert_eq!(request.headers().len(), 5);
        assert_eq!(
            std::str::from_utf8(request.body()).unwrap(),
            r#"{"user_id":"user_28CJjV7P4Go5PNJvfzghiD","amount":1450,"currency":"USD","direction":"cash_in","account_id":"account_28CJjV7P4Go5PNJvfzghiD"}"#
        );
    }

    #[test]
    fn tokenized_form_sends_no_amount_direction_or_currency() {
        let op = CreateIntent::builder()
            .user_id("user_1")
            .token("token_abc123def456")
            .build()
            .unwrap();
        let request = op.encode(&config()).unwrap();
        assert_eq!(
            std::str::from_utf8(request.body()).unwrap(),
            r#"{"user_id":"user_1","token":"token_abc123def456"}"#
        );
        assert_eq!(op.token().unwrap(), "token_abc123def456");
        for builder in [
            CreateIntent::builder().user_id("u").token("t").amount(5),
            CreateIntent::builder()
                .user_id("u")
                .token("t")
                .currency(Currency::Usd),
            CreateIntent::builder()
                .user_id("u")
                .token("t")
                .direction(Direction::CashIn),
        ] {
            let err = builder.build().unwrap_err();
            assert!(err.rule().contains("must not be set with token"), "{err}");
        }
    }

    #[test]
    fn every_optional_field_is_sent() {
        let op = explicit()
            .direction(Direction::CashOut)
            .approval_mode(ApprovalMode::Manual)
            .redirect_url("https://shop.example/done")
            .webhook_url("https://shop.example/hooks")
            .build()
            .unwrap();
        let body: serde_json::Value =
            serde_json::from_slice(op.encode(&config()).unwrap().body()).unwrap();
        assert_eq!(body["approval_mode"], "manual");
        assert_eq!(body["redirect_url"], "https://shop.example/done");
        assert_eq!(body["webhook_url"], "https://shop.example/hooks");
        assert_eq!(body["direction"], "cash_out");
    }

    #[test]
    fn validation_names_the_field_and_the_rule() {
        let table: Vec<(CreateIntentBuilder, &str, &str)> = vec![
            (
                CreateIntent::builder()
                    .amount(1)
                    .currency(Currency::Usd)
                    .direction(Direction::CashIn),
                "user_id",
                "is required",
            ),
            (explicit().user_id(""), "user_id", "must not be empty"),
            (
                explicit().amount(0),
                "amount",
                "must be greater than 0 (got 0)",
            ),
            (
                explicit().amount(-1),
                "amount",
                "must be greater than 0 (got -1)",
            ),
            (
                CreateIntent::builder()
                    .user_id("u")
                    .currency(Currency::Usd)
                    .direction(Direction::CashIn),
                "amount",
                "is required without token",
            ),
            (
                explicit().currency(Currency::from("EUR")),
                "currency",
                "unknown value `EUR` cannot be sent",
            ),
            (
                explicit().direction(Direction::from("sideways")),
                "direction",
                "unknown value `sideways` cannot be sent",
            ),
            (
                explicit().approval_mode(ApprovalMode::Manual),
                "approval_mode",
                "manual is only valid with direction cash_out",
            ),
            (
                explicit().approval_mode(ApprovalMode::from("later")),
                "approval_mode",
                "unknown value `later` cannot be sent",
            ),
            (
                explicit().redirect_url("/done"),
                "redirect_url",
                "must be an absolute URL (scheme://host/...)",
            ),
            (
                explicit().webhook_url("http://shop.example/h"),
                "webhook_url",
                "must use https (http is allowed only to loopback)",
            ),
            (
                explicit().idempotency_key(""),
                "idempotency_key",
                "must be 1 to 255 visible ASCII characters (at most 255, no spaces or control characters)",
            ),
            (
                explicit().idempotency_key("k".repeat(256)),
                "idempotency_key",
                "must be 1 to 255 visible ASCII characters (at most 255, no spaces or control characters)",
            ),
            (
                explicit().account_id("a b"),
                "account_id",
                "must not contain whitespace or control characters",
            ),
        ];
        for (builder, field, rule) in table {
            let err = builder.build().unwrap_err();
            assert_eq!((err.field(), err.rule()), (field, rule));
        }
    }

    #[test]
    fn a_key_is_generated_once_per_logical_call() {
        let op = explicit().build().unwrap();
        let first = op.encode(&config()).unwrap();
        let second = op.encode(&config()).unwrap();
        assert_eq!(
            first.headers()["x-idempotency-key"],
            second.headers()["x-idempotency-key"]
        );
        assert_eq!(
            first.headers()["x-idempotency-key"],
            op.idempotency_key().as_str()
        );
        assert_ne!(
            explicit().build().unwrap().idempotency_key(),
            op.idempotency_key()
        );
    }

    #[test]
    fn decodes_the_published_response_and_maps_errors() {
        let ok = http::Response::builder()
            .status(200)
            .body(bytes::Bytes::from_static(
                br#"{"id":"intent_sandbox_dMggQ93ZYH6DH9LBhVeijE","url":"<string>"}"#,
            ))
            .unwrap();
        let created = explicit().build().unwrap().decode(ok).unwrap();
        assert_eq!(created.id, "intent_sandbox_dMggQ93ZYH6DH9LBhVeijE");
        let bad = http::Response::builder()
            .status(400)
            .body(bytes::Bytes::from_static(b"{\"message\":\"no\"}"))
            .unwrap();
        assert!(matches!(
            explicit().build().unwrap().decode(bad),
            Err(Error::Api(_))
        ));
    }
}
