//! [`Client`]: the operations as async methods, driving push-core's [`Call`] machine.

use std::sync::Arc;

use push_core::{
    Account, AccountId, Accounts, ApproveIntent, Authorize, AuthorizeOutcome, CallOptions,
    CancelIntent, CardToken, ClientBuilder, Config, CreateIntent, CreateRefund, CreateUser,
    CreateUserCredential, CreateUserUrl, CreatedIntent, CreatedUser, Dispute, DisputeId, Error,
    FromConfig, GetAccount, GetDispute, GetIntent, GetRefund, GetTransaction, GetTransfer, GetUser,
    Intent, IntentChange, IntentId, IntentPage, ListAccounts, ListDisputes, ListIntents,
    ListTransactions, ListTransfers, ListUserCredentials, ListUsers, Page, Refund, RefundId,
    RefundOutcome, RegisterWebhook, SimulateCredential, TokenizeCard, Transaction, TransactionId,
    Transfer, TransferId, User, UserCredential, UserCredentials, UserId, UserUrl, VerifyKey,
    WithMeta, call::Call, call::Step, ops::Operation, paging::ListOperation, trace,
    transport::Transport,
};
use tracing::Instrument;

use crate::{HyperTransport, IntentItems, IntentPages, Items, Pages};

/// Now, on tokio's clock: the same as the system's, except under paused time
/// (`#[tokio::test(start_paused = true)]`), where the call machine then sees the time that
/// tokio's sleeps advance, so deadlines and pacing can be tested, and simulated, without waiting.
fn now() -> std::time::Instant {
    tokio::time::Instant::now().into_std()
}

/// The async Push client. `Send + Sync`, cheap to clone (an `Arc` and a config): share one.
#[derive(Debug)]
pub struct Client<T = HyperTransport> {
    pub(crate) config: Config,
    transport: Arc<T>,
    options: CallOptions,
    /// The journal, opened on the first money-moving call (or [`Client::check_journal`]).
    #[cfg(feature = "journal")]
    pub(crate) journal: Arc<tokio::sync::OnceCell<crate::journaled::JournalHandle>>,
}

impl<T> Clone for Client<T> {
    fn clone(&self) -> Self {
        Self {
            config: self.config.clone(),
            transport: Arc::clone(&self.transport),
            options: self.options.clone(),
            #[cfg(feature = "journal")]
            journal: Arc::clone(&self.journal),
        }
    }
}

impl FromConfig for Client<HyperTransport> {
    fn from_config(config: Config) -> Result<Self, Error> {
        #[cfg(not(feature = "journal"))]
        if config.journal().is_some() {
            return Err(no_journal_feature());
        }
        let transport = HyperTransport::new(&config);
        Ok(Self::with_transport(config, transport))
    }
}

impl Client<HyperTransport> {
    /// Starts a builder: `Client::builder().token("...").build()`.
    pub fn builder() -> ClientBuilder<Self> {
        ClientBuilder::new()
    }

    /// A client configured from the environment, as the `push` CLI is: `PUSH_API_TOKEN`,
    /// `PUSH_BASE_URL`, `PUSH_TOKENS_BASE_URL`, `PUSH_TIMEOUT`, `PUSH_MAX_RETRIES`, `PUSH_PROXY`,
    /// `PUSH_PROXY_FROM_ENV`, `PUSH_RATE_LIMIT` (the table: [`ClientBuilder::from_lookup`]).
    /// Only when asked; `Client::builder().from_lookup(..)` takes overrides on top.
    pub fn from_env() -> Result<Self, Error> {
        Self::builder()
            .from_lookup(|name| std::env::var(name).ok())
            .build()
    }
}

impl<T: Transport + 'static> Client<T> {
    /// A client over any transport: yours, a recording one, an in-memory emulator.
    pub fn with_transport(config: Config, transport: T) -> Self {
        Self {
            config,
            transport: Arc::new(transport),
            options: CallOptions::default(),
            #[cfg(feature = "journal")]
            journal: Arc::default(),
        }
    }

    /// Opens the configured journal now (else on the first money-moving call): an error when
    /// it cannot be opened, or when this build has no `journal` feature.
    pub async fn check_journal(&self) -> Result<(), Error> {
        #[cfg(feature = "journal")]
        self.journal().await?;
        #[cfg(not(feature = "journal"))]
        if self.config.journal().is_some() {
            return Err(no_journal_feature());
        }
        Ok(())
    }

    /// A money-moving call: through the journal when one is configured.
    async fn money<O>(&self, operation: O) -> Result<O::Output, Error>
    where
        O: push_core::journal::Journaled + Send,
        O::Output: serde::Serialize + serde::de::DeserializeOwned + Send,
    {
        if self.config.journal().is_some() {
            #[cfg(feature = "journal")]
            return self
                .send_journaled(operation)
                .await
                .map(|recorded| recorded.value);
            #[cfg(not(feature = "journal"))]
            return Err(no_journal_feature());
        }
        self.send(operation).await
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// A scoped clone: its calls use these options (timeout, deadline, retries, rate-limit
    /// waits). An idempotency key is not an option: it belongs to the operation it identifies
    /// (`CreateIntent::builder().idempotency_key(..)`), so a retry of that operation reuses it.
    pub fn with_options(&self, options: CallOptions) -> Self {
        Self {
            options,
            ..self.clone()
        }
    }

    /// Runs any operation to its end: attempts, waits, decode.
    pub async fn send<O>(&self, operation: O) -> Result<O::Output, Error>
    where
        O: Operation + Send,
        O::Output: Send,
    {
        self.send_with(operation, &self.options).await
    }

    /// [`Client::send`] with options for this one call.
    pub async fn send_with<O>(
        &self,
        operation: O,
        options: &CallOptions,
    ) -> Result<O::Output, Error>
    where
        O: Operation + Send,
        O::Output: Send,
    {
        let mut call = Call::new(&self.config, operation, options)?;
        self.drive(&mut call).await
    }

    /// [`Client::send`], with the status, headers, request id and rate-limit values of the
    /// response next to the value (see [`push_core::meta`]). Any call has this form:
    /// `send_with_meta(GetIntent::new(id)?)` is `get_intent(id)` with its metadata.
    pub async fn send_with_meta<O>(&self, operation: O) -> Result<WithMeta<O::Output>, Error>
    where
        O: Operation + Send,
        O::Output: Send,
    {
        let mut call = Call::new(&self.config, operation, &self.options)?;
        let value = self.drive(&mut call).await?;
        Ok(call.with_meta(value))
    }

    async fn drive<O>(&self, call: &mut Call<O>) -> Result<O::Output, Error>
    where
        O: Operation + Send,
        O::Output: Send,
    {
        let span = trace::call_span(call);
        let result = self.attempts(call, &span).instrument(span.clone()).await;
        trace::finish(&span, call, &result);
        result
    }

    async fn attempts<O>(
        &self,
        call: &mut Call<O>,
        span: &tracing::Span,
    ) -> Result<O::Output, Error>
    where
        O: Operation + Send,
        O::Output: Send,
    {
        loop {
            let pace = call.pace(now())?;
            if !pace.is_zero() {
                tokio::time::sleep(pace).await;
            }
            let request = call.next_request(now());
            trace::sending(span, &request);
            // The attempt's timeout (cut to what is left of the call's deadline) bounds
            // any transport, one of your own that ignores `Timeouts` included.
            let limit = request
                .extensions()
                .get::<push_core::Timeouts>()
                .map(|timeouts| timeouts.request);
            let attempt = trace::attempt_span(call.attempts());
            let started = now();
            let sending = self.transport.send(request).instrument(attempt.clone());
            let result = match limit {
                Some(limit) => tokio::time::timeout(limit, sending)
                    .await
                    .unwrap_or_else(|_| Err(push_core::TransportError::timeout(true))),
                None => sending.await,
            };
            trace::record(&attempt, &result, started);
            match call.receive(result, now()) {
                Step::Wait(delay) => {
                    trace::retry(delay);
                    tokio::time::sleep(delay).await
                }
                Step::Done(result) => return result,
            }
        }
    }

    /// `POST /intent`. Every attempt carries the operation's idempotency key.
    ///
    /// **Cancelling moves no money back.** Dropping this future after the request was
    /// written (`tokio::time::timeout` around it, a losing `select!` branch) leaves the
    /// effect at Push while you hold only `Elapsed`. Prefer the SDK's own deadline
    /// ([`CallOptions::deadline`]: it reports [`Error::is_outcome_unknown`] with the key), and
    /// keep what identifies the call outside the future: [`CreateIntent::idempotency_key`]
    /// (or a clone of the operation) to resend, a token authorize's token, a credential
    /// authorize's `tag` to look it up, a refund's intent id. See
    /// `cargo run --example cancelled_call`.
    pub async fn create_intent(&self, intent: CreateIntent) -> Result<CreatedIntent, Error> {
        self.money(intent).await
    }

    /// `GET /intent/{id}`.
    pub async fn get_intent(&self, id: impl Into<IntentId>) -> Result<Intent, Error> {
        self.send(GetIntent::new(id)?).await
    }

    /// `GET /intent/list`: one page.
    pub async fn list_intents(&self, request: ListIntents) -> Result<IntentPage, Error> {
        self.send(request).await
    }

    /// Every intent matching `request`, page after page: [`Client::list_all`].
    pub fn list_all_intents(&self, request: ListIntents) -> IntentItems<T> {
        self.list_all(request)
    }

    /// Every page matching `request`: [`Client::list_pages`].
    pub fn list_intent_pages(&self, request: ListIntents) -> IntentPages<T> {
        self.list_pages(request)
    }

    /// Every item of any list, from the request's cursor on, page after page, one page in memory
    /// at a time. Stop whenever you like: [`Items::resume_cursor`] says where to go on.
    pub fn list_all<L>(&self, request: L) -> Items<T, L>
    where
        L: ListOperation + Send + 'static,
        L::Item: Send,
    {
        Items::new(self.list_pages(request))
    }

    /// Every page of any list, from the request's cursor on.
    pub fn list_pages<L>(&self, request: L) -> Pages<T, L>
    where
        L: ListOperation + Send + 'static,
        L::Item: Send,
    {
        Pages::new(self.clone(), request)
    }

    /// `POST /intent/{id}/approve`: approve a `pending` intent (created with manual approval).
    ///
    /// **Cancelling moves no money back.** Dropping this future after the request was
    /// written (`tokio::time::timeout` around it, a losing `select!` branch) leaves the
    /// effect at Push while you hold only `Elapsed`. Prefer the SDK's own deadline
    /// ([`CallOptions::deadline`]: it reports [`Error::is_outcome_unknown`] with the key), and
    /// keep what identifies the call outside the future: [`CreateIntent::idempotency_key`]
    /// (or a clone of the operation) to resend, a token authorize's token, a credential
    /// authorize's `tag` to look it up, a refund's intent id. See
    /// `cargo run --example cancelled_call`.
    pub async fn approve_intent(&self, id: impl Into<IntentId>) -> Result<IntentChange, Error> {
        self.money(ApproveIntent::new(id)?).await
    }

    /// `POST /intent/{id}/cancel`: cancel an intent that is not yet approved.
    ///
    /// **Cancelling moves no money back.** Dropping this future after the request was
    /// written (`tokio::time::timeout` around it, a losing `select!` branch) leaves the
    /// effect at Push while you hold only `Elapsed`. Prefer the SDK's own deadline
    /// ([`CallOptions::deadline`]: it reports [`Error::is_outcome_unknown`] with the key), and
    /// keep what identifies the call outside the future: [`CreateIntent::idempotency_key`]
    /// (or a clone of the operation) to resend, a token authorize's token, a credential
    /// authorize's `tag` to look it up, a refund's intent id. See
    /// `cargo run --example cancelled_call`.
    pub async fn cancel_intent(&self, id: impl Into<IntentId>) -> Result<IntentChange, Error> {
        self.money(CancelIntent::new(id)?).await
    }

    /// `POST /authorize`: approved, authentication required and declined are all `Ok`.
    ///
    /// **Cancelling moves no money back.** Dropping this future after the request was
    /// written (`tokio::time::timeout` around it, a losing `select!` branch) leaves the
    /// effect at Push while you hold only `Elapsed`. Prefer the SDK's own deadline
    /// ([`CallOptions::deadline`]: it reports [`Error::is_outcome_unknown`] with the key), and
    /// keep what identifies the call outside the future: [`CreateIntent::idempotency_key`]
    /// (or a clone of the operation) to resend, a token authorize's token, a credential
    /// authorize's `tag` to look it up, a refund's intent id. See
    /// `cargo run --example cancelled_call`.
    pub async fn authorize(&self, authorize: Authorize) -> Result<AuthorizeOutcome, Error> {
        self.money(authorize).await
    }

    /// `POST /user`: register a user (set a `tag`: Push returns the same user for it, which
    /// makes the call safe to retry).
    ///
    /// **Cancelling moves no money back.** Dropping this future after the request was
    /// written (`tokio::time::timeout` around it, a losing `select!` branch) leaves the
    /// effect at Push while you hold only `Elapsed`. Prefer the SDK's own deadline
    /// ([`CallOptions::deadline`]: it reports [`Error::is_outcome_unknown`] with the key), and
    /// keep what identifies the call outside the future: [`CreateIntent::idempotency_key`]
    /// (or a clone of the operation) to resend, a token authorize's token, a credential
    /// authorize's `tag` to look it up, a refund's intent id. See
    /// `cargo run --example cancelled_call`.
    pub async fn create_user(&self, user: CreateUser) -> Result<CreatedUser, Error> {
        self.money(user).await
    }

    /// `GET /user/{id}`.
    pub async fn get_user(&self, id: impl Into<UserId>) -> Result<User, Error> {
        self.send(GetUser::new(id)?).await
    }

    /// `GET /user/list`: one page.
    pub async fn list_users(&self, request: ListUsers) -> Result<Page<User>, Error> {
        self.send(request).await
    }

    /// Every user matching `request`, page after page: [`Client::list_all`].
    pub fn list_all_users(&self, request: ListUsers) -> Items<T, ListUsers> {
        self.list_all(request)
    }

    /// `GET /user/{id}/credential/list`: the user's stored credentials, every type unless
    /// `request` narrows them.
    pub async fn list_user_credentials(
        &self,
        request: ListUserCredentials,
    ) -> Result<UserCredentials, Error> {
        self.send(request).await
    }

    /// `POST /user/{id}/credential`: store the card behind a token on the user.
    pub async fn create_user_credential(
        &self,
        request: CreateUserCredential,
    ) -> Result<UserCredential, Error> {
        self.send(request).await
    }

    /// `POST /user/{id}/url`: a user widget (or Apple Pay launcher) URL.
    pub async fn create_user_url(&self, request: CreateUserUrl) -> Result<UserUrl, Error> {
        self.send(request).await
    }

    /// `POST /tokenize` on the tokens host: a single-use card token (PCI-compliant operators).
    ///
    /// **Cancelling moves no money back.** Dropping this future after the request was
    /// written (`tokio::time::timeout` around it, a losing `select!` branch) leaves the
    /// effect at Push while you hold only `Elapsed`. Prefer the SDK's own deadline
    /// ([`CallOptions::deadline`]: it reports [`Error::is_outcome_unknown`] with the key), and
    /// keep what identifies the call outside the future: [`CreateIntent::idempotency_key`]
    /// (or a clone of the operation) to resend, a token authorize's token, a credential
    /// authorize's `tag` to look it up, a refund's intent id. See
    /// `cargo run --example cancelled_call`.
    pub async fn tokenize_card(&self, card: TokenizeCard) -> Result<CardToken, Error> {
        self.money(card).await
    }

    /// `POST /keys/verify`: the organisation's name, when the token is good.
    pub async fn verify_key(&self) -> Result<String, Error> {
        self.send(VerifyKey).await
    }

    /// `POST /sandbox/credential`: a stored credential for testing (sandbox only; refused
    /// before sending against production).
    pub async fn simulate_credential(
        &self,
        request: SimulateCredential,
    ) -> Result<UserCredential, Error> {
        self.send(request).await
    }

    /// `POST /refund`: refund an approved intent (fully, or `amount` of it). Approved and declined
    /// are both `Ok`; a repeated call answers the refund already made, so it is safe to retry.
    ///
    /// **Cancelling moves no money back.** Dropping this future after the request was
    /// written (`tokio::time::timeout` around it, a losing `select!` branch) leaves the
    /// effect at Push while you hold only `Elapsed`. Prefer the SDK's own deadline
    /// ([`CallOptions::deadline`]: it reports [`Error::is_outcome_unknown`] with the key), and
    /// keep what identifies the call outside the future: [`CreateIntent::idempotency_key`]
    /// (or a clone of the operation) to resend, a token authorize's token, a credential
    /// authorize's `tag` to look it up, a refund's intent id. See
    /// `cargo run --example cancelled_call`.
    pub async fn create_refund(&self, request: CreateRefund) -> Result<RefundOutcome, Error> {
        self.money(request).await
    }

    /// `GET /refund/{id}`.
    pub async fn get_refund(&self, id: impl Into<RefundId>) -> Result<Refund, Error> {
        self.send(GetRefund::new(id)?).await
    }

    /// `GET /dispute/list`: one page.
    pub async fn list_disputes(&self, request: ListDisputes) -> Result<Page<Dispute>, Error> {
        self.send(request).await
    }

    /// Every dispute matching `request`, page after page: [`Client::list_all`].
    pub fn list_all_disputes(&self, request: ListDisputes) -> Items<T, ListDisputes> {
        self.list_all(request)
    }

    /// `GET /dispute/{id}`.
    pub async fn get_dispute(&self, id: impl Into<DisputeId>) -> Result<Dispute, Error> {
        self.send(GetDispute::new(id)?).await
    }

    /// `GET /account/list`: every settlement and dispute account, with balances (not paged).
    pub async fn list_accounts(&self) -> Result<Accounts, Error> {
        self.send(ListAccounts).await
    }

    /// `GET /account/{id}`.
    pub async fn get_account(&self, id: impl Into<AccountId>) -> Result<Account, Error> {
        self.send(GetAccount::new(id)?).await
    }

    /// `GET /transaction/list`: one page of ledger transactions.
    pub async fn list_transactions(
        &self,
        request: ListTransactions,
    ) -> Result<Page<Transaction>, Error> {
        self.send(request).await
    }

    /// Every transaction matching `request`, page after page: [`Client::list_all`].
    pub fn list_all_transactions(&self, request: ListTransactions) -> Items<T, ListTransactions> {
        self.list_all(request)
    }

    /// `GET /transaction/{id}`.
    pub async fn get_transaction(
        &self,
        id: impl Into<TransactionId>,
    ) -> Result<Transaction, Error> {
        self.send(GetTransaction::new(id)?).await
    }

    /// `GET /transfer/list`: one page of transfers.
    pub async fn list_transfers(&self, request: ListTransfers) -> Result<Page<Transfer>, Error> {
        self.send(request).await
    }

    /// Every transfer matching `request`, page after page: [`Client::list_all`].
    pub fn list_all_transfers(&self, request: ListTransfers) -> Items<T, ListTransfers> {
        self.list_all(request)
    }

    /// `GET /transfer/{id}`: one transfer with the transactions it nets.
    pub async fn get_transfer(&self, id: impl Into<TransferId>) -> Result<Transfer, Error> {
        self.send(GetTransfer::new(id)?).await
    }

    /// `POST /webhook/register`: set (or replace) the organisation's webhook endpoint and secret.
    pub async fn register_webhook(&self, request: RegisterWebhook) -> Result<(), Error> {
        self.send(request).await
    }
}

/// A journal configured in a build without the `journal` feature: never a silent skip.
#[cfg(not(feature = "journal"))]
fn no_journal_feature() -> Error {
    Error::Journal(Box::new(push_core::JournalFailure::storage(
        None,
        "a journal is configured (PUSH_JOURNAL or ClientBuilder::journal) but push-hyper was \
         built without its `journal` feature; nothing was sent",
    )))
}
