//! `POST /authorize`: submit a payment to the Push Authorization Engine.
//!
//! Push answers 200 (approved), 202 (authentication required) and 401 with `{id,
//! decline_category}` (declined): all three are [`AuthorizeOutcome`] values. A 401 without that
//! body is an authentication failure. There is no idempotency key: Push deduplicates on `token`
//! alone, so only an authorize carrying a token may be retried once it may have been sent.

use http::{Method, StatusCode};
use serde::{Deserialize, Serialize};

use super::{Operation, json_body, known};
use crate::RetrySafety;
use crate::{
    AccountId, ApiError, ApprovalMode, AuthorizeDeclined, AuthorizeOutcome, Config, CredentialId,
    Currency, Direction, Error, Request, Response, TokenId, ValidationError, WebhookSecret, decode,
    validate,
};

/// A validated `POST /authorize`.
#[derive(Debug, Clone)]
pub struct Authorize {
    body: Body,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Body {
    amount: i64,
    currency: Currency,
    direction: Direction,
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<TokenId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    credential_id: Option<CredentialId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    redirect_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    webhook_url: Option<String>,
    // Never journaled, so never replayed: a resent token authorize is Push's copy of the first.
    #[serde(skip_serializing_if = "Option::is_none", skip_deserializing)]
    webhook_secret: Option<WebhookSecret>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<AccountId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    approval_mode: Option<ApprovalMode>,
}

impl Authorize {
    /// Starts a builder: `amount`, `currency`, `direction`, and a `token` or a `credential_id`.
    pub fn builder() -> AuthorizeBuilder {
        AuthorizeBuilder::default()
    }

    /// The token, when paying with one (what makes retries safe).
    pub fn token(&self) -> Option<&TokenId> {
        self.body.token.as_ref()
    }

    /// The amount.
    pub fn amount(&self) -> i64 {
        self.body.amount
    }
}

/// Builder of [`Authorize`]; everything is checked in [`AuthorizeBuilder::build`].
#[derive(Debug, Clone, Default)]
pub struct AuthorizeBuilder {
    amount: Option<i64>,
    currency: Option<Currency>,
    direction: Option<Direction>,
    token: Option<TokenId>,
    credential_id: Option<CredentialId>,
    redirect_url: Option<String>,
    webhook_url: Option<String>,
    webhook_secret: Option<WebhookSecret>,
    tag: Option<String>,
    account_id: Option<AccountId>,
    approval_mode: Option<ApprovalMode>,
}

impl AuthorizeBuilder {
    /// In the currency's smallest unit; greater than 0 (required).
    pub fn amount(mut self, amount: i64) -> Self {
        self.amount = Some(amount);
        self
    }

    /// [`Self::amount`] from an `Option` (`None` clears it), for callers holding options.
    pub fn set_amount(mut self, amount: Option<i64>) -> Self {
        self.amount = amount;
        self
    }

    /// The currency (required).
    pub fn currency(mut self, currency: Currency) -> Self {
        self.currency = Some(currency);
        self
    }

    /// [`Self::currency`] from an `Option` (`None` clears it), for callers holding options.
    pub fn set_currency(mut self, currency: Option<Currency>) -> Self {
        self.currency = currency;
        self
    }

    /// Cash in or cash out (required).
    pub fn direction(mut self, direction: Direction) -> Self {
        self.direction = Some(direction);
        self
    }

    /// [`Self::direction`] from an `Option` (`None` clears it), for callers holding options.
    pub fn set_direction(mut self, direction: Option<Direction>) -> Self {
        self.direction = direction;
        self
    }

    /// A token from the tokens API. Makes the call safe to retry: Push deduplicates on it.
    pub fn token(mut self, token: impl Into<TokenId>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// [`Self::token`] from an `Option` (`None` clears it), for callers holding options.
    pub fn set_token(mut self, token: Option<impl Into<TokenId>>) -> Self {
        self.token = token.map(Into::into);
        self
    }

    /// A stored payment credential. Not deduplicated by Push: never retried once sent.
    pub fn credential_id(mut self, credential_id: impl Into<CredentialId>) -> Self {
        self.credential_id = Some(credential_id.into());
        self
    }

    /// [`Self::credential_id`] from an `Option` (`None` clears it), for callers holding options.
    pub fn set_credential_id(mut self, credential_id: Option<impl Into<CredentialId>>) -> Self {
        self.credential_id = credential_id.map(Into::into);
        self
    }

    /// Where the authentication flow returns to (absolute URL).
    pub fn redirect_url(mut self, url: impl Into<String>) -> Self {
        self.redirect_url = Some(url.into());
        self
    }

    /// [`Self::redirect_url`] from an `Option` (`None` clears it), for callers holding options.
    pub fn set_redirect_url(mut self, url: Option<impl Into<String>>) -> Self {
        self.redirect_url = url.map(Into::into);
        self
    }

    /// Your HTTPS webhook endpoint.
    pub fn webhook_url(mut self, url: impl Into<String>) -> Self {
        self.webhook_url = Some(url.into());
        self
    }

    /// [`Self::webhook_url`] from an `Option` (`None` clears it), for callers holding options.
    pub fn set_webhook_url(mut self, url: Option<impl Into<String>>) -> Self {
        self.webhook_url = url.map(Into::into);
        self
    }

    /// The secret Push signs webhooks with (see [`WebhookSecret::new`]).
    pub fn webhook_secret(mut self, secret: WebhookSecret) -> Self {
        self.webhook_secret = Some(secret);
        self
    }

    /// [`Self::webhook_secret`] from an `Option` (`None` clears it), for callers holding options.
    pub fn set_webhook_secret(mut self, secret: Option<WebhookSecret>) -> Self {
        self.webhook_secret = secret;
        self
    }

    /// Your internal transaction id, echoed in webhooks: 1 to 255 visible ASCII characters.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tag = Some(tag.into());
        self
    }

    /// [`Self::tag`] from an `Option` (`None` clears it), for callers holding options.
    pub fn set_tag(mut self, tag: Option<impl Into<String>>) -> Self {
        self.tag = tag.map(Into::into);
        self
    }

    /// The settlement account.
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

    /// Validates everything.
    pub fn build(self) -> Result<Authorize, ValidationError> {
        validate::required(&[
            ("amount", "is required", self.amount.is_some()),
            ("currency", "is required", self.currency.is_some()),
            ("direction", "is required", self.direction.is_some()),
        ])?;
        let amount = self
            .amount
            .ok_or_else(|| ValidationError::new("amount", "is required"))?;
        validate::amount(amount)?;
        let currency = self
            .currency
            .ok_or_else(|| ValidationError::new("currency", "is required"))?;
        known("currency", &currency, currency.is_known())?;
        let direction = self
            .direction
            .ok_or_else(|| ValidationError::new("direction", "is required"))?;
        known("direction", &direction, direction.is_known())?;
        match (&self.token, &self.credential_id) {
            (Some(token), None) => validate::id("token", token.as_str())?,
            (None, Some(credential)) => validate::id("credential_id", credential.as_str())?,
            (Some(_), Some(_)) => {
                return Err(ValidationError::new(
                    "token",
                    "must not be set with credential_id (give one)",
                ));
            }
            (None, None) => {
                return Err(ValidationError::new(
                    "token",
                    "or credential_id is required",
                ));
            }
        }
        if let Some(mode) = &self.approval_mode {
            validate::approval_mode(mode, Some(&direction))?;
        }
        if let Some(tag) = &self.tag {
            validate::visible_ascii("tag", tag, 255)?;
        }
        if let Some(account_id) = &self.account_id {
            validate::id("account_id", account_id.as_str())?;
        }
        let redirect_url = validate::redirect_url(self.redirect_url)?;
        let webhook_url = validate::webhook_url(self.webhook_url)?;
        Ok(Authorize {
            body: Body {
                amount,
                currency,
                direction,
                token: self.token,
                credential_id: self.credential_id,
                redirect_url,
                webhook_url,
                webhook_secret: self.webhook_secret,
                tag: self.tag,
                account_id: self.account_id,
                approval_mode: self.approval_mode,
            },
        })
    }
}

impl Operation for Authorize {
    type Output = AuthorizeOutcome;
    fn method(&self) -> Method {
        Method::POST
    }
    fn path_template(&self) -> &'static str {
        "/authorize"
    }

    fn retry_safety(&self) -> RetrySafety {
        if self.body.token.is_some() {
            RetrySafety::Idempotent
        } else {
            RetrySafety::OnlyIfNotSent
        }
    }

    fn body_secrets(&self) -> Vec<bytes::Bytes> {
        self.body
            .webhook_secret
            .iter()
            .map(|secret| super::json_escaped(secret.expose()))
            .collect()
    }

    /// A card token backs one authorization: with a token, 409 says it was already used, and no
    /// retry can change that.
    fn is_final(&self, status: StatusCode) -> bool {
        status == StatusCode::CONFLICT && self.body.token.is_some()
    }

    fn encode(&self, config: &Config) -> Result<Request, Error> {
        Ok(config.request(
            self.method(),
            self.path_template(),
            Some(json_body(&self.body)?),
        )?)
    }

    fn decode(&self, response: Response) -> Result<AuthorizeOutcome, Error> {
        let (status, body) = (response.status(), response.body());
        match status {
            StatusCode::OK => Ok(AuthorizeOutcome::Approved(decode::json(status, body)?)),
            StatusCode::ACCEPTED => Ok(AuthorizeOutcome::AuthenticationRequired(decode::json(
                status, body,
            )?)),
            StatusCode::UNAUTHORIZED => match serde_json::from_slice::<AuthorizeDeclined>(body) {
                Ok(declined) => Ok(AuthorizeOutcome::Declined(declined)),
                Err(_) => Err(Error::from_response(&response)),
            },
            StatusCode::CONFLICT if self.body.token.is_some() => Err(Error::Api(Box::new(
                ApiError::from_response(&response).with_hint(TOKEN_USED),
            ))),
            _ => Err(Error::from_response(&response)),
        }
    }
}

/// What a 409 to an authorization with a token means.
const TOKEN_USED: &str = "a card token backs one authorization and this one was already used: \
     not retried; tokenize the card again, and check whether the first authorization went through";

impl crate::journal::Journaled for Authorize {
    fn journal_form(&self) -> crate::journal::JournalForm {
        let mut form = crate::journal::JournalForm::new("authorize");
        // The journal never holds the webhook secret.
        let body = Body {
            webhook_secret: None,
            ..self.body.clone()
        };
        form.request = crate::journal::request_json(&body);
        form.reference = self.body.tag.clone();
        form.dedup = self.body.token.as_ref().map(|t| t.as_str().to_owned());
        form.amount = Some(self.body.amount);
        form.direction = Some(self.body.direction.as_str().to_owned());
        form
    }

    fn journal_answer(output: &AuthorizeOutcome) -> crate::journal::JournalAnswer {
        use crate::journal::JournalAnswer;
        match output {
            AuthorizeOutcome::Approved(a) => JournalAnswer::new(a.id.as_str(), "approved", false),
            AuthorizeOutcome::AuthenticationRequired(a) => {
                JournalAnswer::new(a.id.as_str(), "authentication_required", false)
            }
            AuthorizeOutcome::Declined(a) => {
                JournalAnswer::new(a.id.as_str(), a.decline_category.as_str(), true)
            }
        }
    }

    fn replay(request: &str) -> Result<Self, Error> {
        let body: Body = serde_json::from_str(request)
            .map_err(|err| crate::journal::replay_error("authorize", err))?;
        Ok(Self { body })
    }
}

impl Authorize {
    /// The tag (Push's "your transaction id"): the journal's reference for this call.
    pub fn tag(&self) -> Option<&str> {
        self.body.tag.as_deref()
    }

    /// The stored credential, when paying with one (Push cannot deduplicate these).
    pub fn credential_id(&self) -> Option<&CredentialId> {
        self.body.credential_id.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApiToken, DeclineCategory, Environment};
    use bytes::Bytes;

    const SECRET: &str = "whsec_a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6";

    fn config() -> Config {
        Config::new(ApiToken::new("sk_test_1").unwrap(), Environment::Sandbox)
    }

    fn with_credential() -> AuthorizeBuilder {
        Authorize::builder()
            .amount(1000)
            .currency(Currency::Usd)
            .direction(Direction::CashIn)
            .credential_id("cred_7YlA9IiSl8UZvNwNSbFajV")
    }

    fn response(status: u16, body: &'static str) -> Response {
        http::Response::builder()
            .status(status)
            .body(Bytes::from_static(body.as_bytes()))
            .unwrap()
    }

    #[test]
    fn encodes_every_documented_field_exactly() {
        let op = Authorize::builder()
            .amount(1000)
            .currency(Currency::Usd)
            .direction(Direction::CashOut)
            .token("token_3r09eejo3r32rjoj3r23r3")
            .redirect_url("https://app.example/back")
            .webhook_url("https://api.yourdomain.com/webhooks/push")
            .webhook_secret(WebhookSecret::new(SECRET).unwrap())
            .tag("tx_1234567890")
            .account_id("account_1")
            .approval_mode(ApprovalMode::Manual)
            .build()
            .unwrap();
        let request = op.encode(&config()).unwrap();
        assert_eq!(request.method(), Method::POST);
        assert_eq!(request.uri(), "https://sandbox.pushcash.com/authorize");
        assert!(request.headers().get("x-idempotency-key").is_none());
        assert_eq!(
            std::str::from_utf8(request.body()).unwrap(),
            concat!(
                r#"{"amount":1000,"currency":"USD","direction":"cash_out","token":"token_3r09eejo3r32rjoj3r23r3","#,
                r#""redirect_url":"https://app.example/back","webhook_url":"https://api.yourdomain.com/webhooks/push","#,
                r#""webhook_secret":"whsec_a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6","tag":"tx_1234567890","account_id":"account_1","#,
                r#""approval_mode":"manual"}"#
            )
        );
        assert!(
            !format!("{op:?}").contains("a1b2c3"),
            "the secret leaked into Debug"
        );
    }

    #[test]
    fn only_a_token_makes_it_safe_to_repeat() {
        assert_eq!(
            with_credential().build().unwrap().retry_safety(),
            RetrySafety::OnlyIfNotSent
        );
        let with_token = Authorize::builder()
            .amount(1)
            .currency(Currency::Usd)
            .direction(Direction::CashIn)
            .token("token_1");
        assert_eq!(
            with_token.build().unwrap().retry_safety(),
            RetrySafety::Idempotent
        );
    }

    #[test]
    fn validation_table() {
        let table: Vec<(AuthorizeBuilder, &str, &str)> = vec![
            (
                Authorize::builder(),
                "amount",
                "is required (also missing: currency, direction)",
            ),
            (
                with_credential().amount(0),
                "amount",
                "must be greater than 0 (got 0)",
            ),
            (
                with_credential().currency(Currency::from("GBP")),
                "currency",
                "unknown value `GBP` cannot be sent",
            ),
            (
                with_credential().direction(Direction::from("up")),
                "direction",
                "unknown value `up` cannot be sent",
            ),
            (
                with_credential().token("t"),
                "token",
                "must not be set with credential_id (give one)",
            ),
            (
                Authorize::builder()
                    .amount(1)
                    .currency(Currency::Usd)
                    .direction(Direction::CashIn),
                "token",
                "or credential_id is required",
            ),
            (
                with_credential().approval_mode(ApprovalMode::Manual),
                "approval_mode",
                "manual is only valid with direction cash_out",
            ),
            (
                with_credential().tag(""),
                "tag",
                "must be 1 to 255 visible ASCII characters (at most 255, no spaces or control characters)",
            ),
            (
                with_credential().tag("t".repeat(256)),
                "tag",
                "must be 1 to 255 visible ASCII characters (at most 255, no spaces or control characters)",
            ),
            (
                with_credential().webhook_url("http://example.com/h"),
                "webhook_url",
                "must use https (http is allowed only to loopback)",
            ),
            (
                with_credential().redirect_url("back"),
                "redirect_url",
                "must be an absolute URL (scheme://host/...)",
            ),
        ];
        for (builder, field, rule) in table {
            let err = builder.build().unwrap_err();
            assert_eq!((err.field(), err.rule()), (field, rule));
        }
        assert!(with_credential().tag("t".repeat(255)).build().is_ok());
    }

    #[test]
    fn outcomes_are_values() {
        let op = with_credential().build().unwrap();
        let approved = op
            .decode(response(200, r#"{"id":"intent_production_mbDRHFi3dxIZEtykHsgUGC","amount":1000,"direction":"cash_in","currency":"USD","credential":{"display_name":"Chase Checking","last4":"6018"}}"#))
            .unwrap();
        assert!(matches!(approved, AuthorizeOutcome::Approved(ref a) if a.amount == 1000));
        let auth = op
            .decode(response(202, r#"{"id":"intent_sandbox_dMggQ93ZYH6DH9LBhVeijE","url":"https://cdn.pushcash.com/ux/intent_sandbox_dMggQ93ZYH6DH9LBhVeijE"}"#))
            .unwrap();
        assert!(
            matches!(auth, AuthorizeOutcome::AuthenticationRequired(ref a) if a.url.starts_with("https://cdn"))
        );
        let declined = op.decode(response(401, r#"{"id":"intent_production_mbDRHFi3dxIZEtykHsgUGC","decline_category":"fraud_risk"}"#)).unwrap();
        assert!(
            matches!(declined, AuthorizeOutcome::Declined(ref d) if d.decline_category == DeclineCategory::FraudRisk)
        );
        assert_eq!(
            declined.intent_id(),
            "intent_production_mbDRHFi3dxIZEtykHsgUGC"
        );
    }

    #[test]
    fn a_401_without_a_decline_body_is_an_authentication_error() {
        let op = with_credential().build().unwrap();
        for body in [
            "",
            "Unauthorized",
            r#"{"message":"invalid token"}"#,
            r#"{"id":"intent_1"}"#,
        ] {
            let err = op.decode(response(401, body)).unwrap_err();
            assert!(matches!(err, Error::Authentication(_)), "{body}: {err:?}");
        }
    }

    #[test]
    fn a_broken_approval_is_a_decode_error_with_a_path() {
        let op = with_credential().build().unwrap();
        let err = op
            .decode(response(
                200,
                r#"{"id":"intent_1","amount":"1000","direction":"cash_in","currency":"USD"}"#,
            ))
            .unwrap_err();
        let Error::Decode(decode) = err else {
            panic!("{err:?}")
        };
        assert_eq!(decode.path, "amount");
    }
}
