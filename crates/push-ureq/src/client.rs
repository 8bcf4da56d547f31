//! [`Client`]: the operations as blocking methods, driving push-core's [`Call`] machine.

use std::{sync::Arc, time::Instant};

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
    transport::BlockingTransport,
};

use crate::{IntentItems, IntentPages, Items, Pages, UreqTransport};

/// The blocking Push client. `Send + Sync`, cheap to clone: share one across threads.
#[derive(Debug)]
pub struct Client<T = UreqTransport> {
    pub(crate) config: Config,
    transport: Arc<T>,
    options: CallOptions,
    /// The journal, opened at build or on the first money-moving call.
    #[cfg(feature = "journal")]
    pub(crate) journal: Arc<std::sync::OnceLock<crate::journaled::JournalHandle>>,
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

impl FromConfig for Client<UreqTransport> {
    fn from_config(config: Config) -> Result<Self, Error> {
        let transport = UreqTransport::new(&config);
        let client = Self::with_transport(config, transport);
        // A journal that cannot be opened fails the build, before anything is sent.
        client.check_journal()?;
        Ok(client)
    }
}

impl Client<UreqTransport> {
    /// Starts a builder: `Client::builder().token("...").build()`.
    ///
    /// ```no_run
    /// use push_ureq::{Client};
    ///
    /// # fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = Client::builder().token("sk_test_...").build()?; // the sandbox
    /// println!("{}", client.config().base_url());
    /// # Ok(()) }
    /// ```
    pub fn builder() -> ClientBuilder<Self> {
        ClientBuilder::new()
    }

    /// A client configured from the environment, as the `push` CLI is: `PUSH_API_TOKEN`,
    /// `PUSH_BASE_URL`, `PUSH_TOKENS_BASE_URL`, `PUSH_TIMEOUT`, `PUSH_MAX_RETRIES`, `PUSH_PROXY`,
    /// `PUSH_PROXY_FROM_ENV`, `PUSH_RATE_LIMIT` (the table: [`ClientBuilder::from_lookup`]).
    /// Only when asked; `Client::builder().from_lookup(..)` takes overrides on top.
    ///
    /// ```no_run
    /// use push_ureq::{Client};
    ///
    /// # fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = Client::from_env()?; // PUSH_API_TOKEN, and PUSH_BASE_URL if set
    /// println!("{}", client.config().base_url());
    /// # Ok(()) }
    /// ```
    pub fn from_env() -> Result<Self, Error> {
        Self::builder()
            .from_lookup(|name| std::env::var(name).ok())
            .build()
    }
}

impl<T: BlockingTransport> Client<T> {
    /// A client over any transport: a closure, a recording transport, an in-memory emulator.
    ///
    /// ```no_run
    /// use push_ureq::{Client, Config, transport::{Request, Response, TransportError}};
    ///
    /// # fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// let config = Config::builder().token("sk_test_...").build()?;
    /// // A closure is a transport: here a canned answer, for a test without a server.
    /// let canned = |request: Request| -> Result<Response, TransportError> {
    ///     println!("{} {}", request.method(), request.uri().path());
    ///     Ok(push_ureq::http::Response::new("Acme Gaming".as_bytes().into()))
    /// };
    /// let client = Client::with_transport(config, canned);
    /// println!("{}", client.verify_key()?);
    /// # Ok(()) }
    /// ```
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
    ///
    /// ```no_run
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// client.check_journal()?; // fails now, not at the first payment
    /// # Ok(()) }
    /// ```
    pub fn check_journal(&self) -> Result<(), Error> {
        #[cfg(feature = "journal")]
        self.journal()?;
        #[cfg(not(feature = "journal"))]
        if self.config.journal().is_some() {
            return Err(no_journal_feature());
        }
        Ok(())
    }

    /// A money-moving call: through the journal when one is configured.
    fn money<O>(&self, operation: O) -> Result<O::Output, Error>
    where
        O: push_core::journal::Journaled,
        O::Output: serde::Serialize + serde::de::DeserializeOwned,
    {
        if self.config.journal().is_some() {
            #[cfg(feature = "journal")]
            return self
                .send_journaled(operation)
                .map(|recorded| recorded.value);
            #[cfg(not(feature = "journal"))]
            return Err(no_journal_feature());
        }
        self.send(operation)
    }

    /// The configuration.
    ///
    /// ```no_run
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// println!("talking to {}", client.config().base_url());
    /// # Ok(()) }
    /// ```
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// A scoped clone: its calls use these options (timeout, deadline, retries, rate-limit
    /// waits). An idempotency key is not an option: it belongs to the operation it identifies
    /// (`CreateIntent::builder().idempotency_key(..)`), so a retry of that operation reuses it.
    ///
    /// ```no_run
    /// use push_ureq::{CallOptions, GetIntent};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let patient = client.with_options(CallOptions::new().deadline(std::time::Duration::from_secs(300)));
    /// let intent = patient.send(GetIntent::new("intent_sandbox_1")?)?;
    /// println!("{}", intent.status);
    /// # Ok(()) }
    /// ```
    pub fn with_options(&self, options: CallOptions) -> Self {
        Self {
            options,
            ..self.clone()
        }
    }

    /// Runs any operation to its end: attempts, waits, decode.
    ///
    /// ```no_run
    /// use push_ureq::{GetIntent};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// // Any operation, the ones without a method of their own included.
    /// let intent = client.send(GetIntent::new("intent_sandbox_1")?)?;
    /// println!("{}", intent.status);
    /// # Ok(()) }
    /// ```
    pub fn send<O: Operation>(&self, operation: O) -> Result<O::Output, Error> {
        self.send_with(operation, &self.options)
    }

    /// [`Client::send`] with options for this one call.
    ///
    /// ```no_run
    /// use push_ureq::{CallOptions, GetIntent};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let once = CallOptions::new().max_retries(0);
    /// let intent = client.send_with(GetIntent::new("intent_sandbox_1")?, &once)?;
    /// println!("{}", intent.status);
    /// # Ok(()) }
    /// ```
    pub fn send_with<O: Operation>(
        &self,
        operation: O,
        options: &CallOptions,
    ) -> Result<O::Output, Error> {
        let mut call = Call::new(&self.config, operation, options)?;
        self.drive(&mut call)
    }

    /// [`Client::send`], with the status, headers, request id and rate-limit values of the
    /// response next to the value (see [`push_core::meta`]). Any call has this form:
    /// `send_with_meta(GetIntent::new(id)?)` is `get_intent(id)` with its metadata.
    ///
    /// ```no_run
    /// use push_ureq::{GetIntent};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let answer = client.send_with_meta(GetIntent::new("intent_sandbox_1")?)?;
    /// println!("{} (request {:?}, {} attempt(s))", answer.value.status, answer.meta.request_id, answer.meta.attempts);
    /// # Ok(()) }
    /// ```
    pub fn send_with_meta<O: Operation>(&self, operation: O) -> Result<WithMeta<O::Output>, Error> {
        let mut call = Call::new(&self.config, operation, &self.options)?;
        let value = self.drive(&mut call)?;
        Ok(call.with_meta(value))
    }

    fn drive<O: Operation>(&self, call: &mut Call<O>) -> Result<O::Output, Error> {
        let span = trace::call_span(call);
        let _entered = span.enter();
        let result = self.attempts(call, &span);
        trace::finish(&span, call, &result);
        result
    }

    fn attempts<O: Operation>(
        &self,
        call: &mut Call<O>,
        span: &tracing::Span,
    ) -> Result<O::Output, Error> {
        loop {
            let pace = call.pace(Instant::now())?;
            if !pace.is_zero() {
                std::thread::sleep(pace);
            }
            let request = call.next_request(Instant::now());
            trace::sending(span, &request);
            let attempt = trace::attempt_span(call.attempts());
            let started = Instant::now();
            let result = attempt.in_scope(|| self.transport.send(request));
            trace::record(&attempt, &result, started);
            match call.receive(result, Instant::now()) {
                Step::Wait(delay) => {
                    trace::retry(delay);
                    std::thread::sleep(delay)
                }
                Step::Done(result) => return result,
            }
        }
    }

    /// `POST /intent`. Every attempt carries the operation's idempotency key.
    ///
    /// ```no_run
    /// use push_ureq::{CreateIntent, Currency, Direction};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let intent = CreateIntent::builder()
    ///     .user_id("user_28CJjV7P4Go5PNJvfzghiD")
    ///     .amount(1450)
    ///     .currency(Currency::Usd)
    ///     .direction(Direction::CashIn)
    ///     .idempotency_key("order-1450") // your id: a retry or a rerun returns the same intent
    ///     .build()?;
    /// let created = client.create_intent(intent)?;
    /// println!("send the user to {:?}", created.url);
    /// # Ok(()) }
    /// ```
    pub fn create_intent(&self, intent: CreateIntent) -> Result<CreatedIntent, Error> {
        self.money(intent)
    }

    /// `GET /intent/{id}`.
    ///
    /// ```no_run
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let intent = client.get_intent("intent_sandbox_1")?;
    /// println!("{} {} cents {}", intent.id, intent.amount, intent.status);
    /// # Ok(()) }
    /// ```
    pub fn get_intent(&self, id: impl Into<IntentId>) -> Result<Intent, Error> {
        self.send(GetIntent::new(id)?)
    }

    /// `GET /intent/list`: one page.
    ///
    /// ```no_run
    /// use push_ureq::{IntentStatus, ListIntents};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let approved = ListIntents::builder().status(IntentStatus::Approved).build()?;
    /// let page = client.list_intents(approved)?;
    /// println!("{} on this page; more: {}", page.data.len(), page.next_cursor.is_some());
    /// # Ok(()) }
    /// ```
    pub fn list_intents(&self, request: ListIntents) -> Result<IntentPage, Error> {
        self.send(request)
    }

    /// Every intent matching `request`, page after page: [`Client::list_all`].
    ///
    /// ```no_run
    /// use push_ureq::{ListIntents};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// for item in client.list_all_intents(ListIntents::default()).with_limit(500) {
    ///     let item = item?;
    ///     println!("{}", item.id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_all_intents(&self, request: ListIntents) -> IntentItems<T> {
        self.list_all(request)
    }

    /// Every page matching `request`: [`Client::list_pages`].
    ///
    /// ```no_run
    /// use push_ureq::{ListIntents};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// for page in client.list_intent_pages(ListIntents::default()) {
    ///     println!("{} items", page?.data.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_intent_pages(&self, request: ListIntents) -> IntentPages<T> {
        self.list_pages(request)
    }

    /// Every item of any list, from the request's cursor on, page after page, one page in memory
    /// at a time. Stop whenever you like: [`Items::resume_cursor`] says where to go on.
    ///
    /// ```no_run
    /// use push_ureq::{ListUsers};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// // Any list operation, walked item by item.
    /// for item in client.list_all(ListUsers::default()) {
    ///     let item = item?;
    ///     println!("{}", item.id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_all<L: ListOperation>(&self, request: L) -> Items<T, L> {
        Items::new(self.list_pages(request))
    }

    /// Every page of any list, from the request's cursor on.
    ///
    /// ```no_run
    /// use push_ureq::{ListUsers};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// for page in client.list_pages(ListUsers::default()) {
    ///     println!("{} items", page?.data.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_pages<L: ListOperation>(&self, request: L) -> Pages<T, L> {
        Pages::new(self.clone(), request)
    }

    /// `POST /intent/{id}/approve`: approve a `pending` intent (created with manual approval).
    ///
    /// ```no_run
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// // An intent held for manual review (`ApprovalMode::Manual`).
    /// let change = client.approve_intent("intent_sandbox_1")?;
    /// println!("{:?}", change);
    /// # Ok(()) }
    /// ```
    pub fn approve_intent(&self, id: impl Into<IntentId>) -> Result<IntentChange, Error> {
        self.money(ApproveIntent::new(id)?)
    }

    /// `POST /intent/{id}/cancel`: cancel an intent that is not yet approved.
    ///
    /// ```no_run
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let change = client.cancel_intent("intent_sandbox_1")?;
    /// println!("{:?}", change);
    /// # Ok(()) }
    /// ```
    pub fn cancel_intent(&self, id: impl Into<IntentId>) -> Result<IntentChange, Error> {
        self.money(CancelIntent::new(id)?)
    }

    /// `POST /authorize`: approved, authentication required and declined are all `Ok`.
    ///
    /// ```no_run
    /// use push_ureq::{Authorize, AuthorizeOutcome, Currency, Direction};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let payment = Authorize::builder().amount(1000).currency(Currency::Usd)
    ///     .direction(Direction::CashIn).token("token_3r09eejo3r32rjoj3r23r3").build()?;
    /// match client.authorize(payment)? {
    ///     AuthorizeOutcome::Approved(a) => println!("approved {}", a.id),
    ///     AuthorizeOutcome::AuthenticationRequired(a) => println!("send the user to {}", a.url),
    ///     AuthorizeOutcome::Declined(d) => println!("declined: {}", d.decline_category),
    ///     _ => {}
    /// }
    /// # Ok(()) }
    /// ```
    pub fn authorize(&self, authorize: Authorize) -> Result<AuthorizeOutcome, Error> {
        self.money(authorize)
    }

    /// `POST /user`: register a user (set a `tag`: Push returns the same user for it, which
    /// makes the call safe to retry).
    ///
    /// ```no_run
    /// use push_ureq::{Address, CreateUser, GovernmentId, GovernmentIdType, LegalName};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let user = CreateUser::builder()
    ///     .name(LegalName::new("Alfred", "Hitchcock"))
    ///     .email("alfred@imdb.com")
    ///     .address(Address::builder().line1("1609 10th Ave").locality("Bodega Bay")
    ///         .state("CA").postal_code("94923").country("US").build()?)
    ///     .date_of_birth("1899-08-13")
    ///     .government_id(GovernmentId::new(GovernmentIdType::Passport, "7349"))
    ///     .identity_verified(true)
    ///     .tag("your-user-4c8e6b4f") // your id: Push returns the same user for it
    ///     .build()?;
    /// let created = client.create_user(user)?;
    /// println!("{}", created.id);
    /// # Ok(()) }
    /// ```
    pub fn create_user(&self, user: CreateUser) -> Result<CreatedUser, Error> {
        self.money(user)
    }

    /// `GET /user/{id}`.
    ///
    /// ```no_run
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let user = client.get_user("user_28CJjV7P4Go5PNJvfzghiD")?;
    /// println!("{} {}", user.name.first, user.status);
    /// # Ok(()) }
    /// ```
    pub fn get_user(&self, id: impl Into<UserId>) -> Result<User, Error> {
        self.send(GetUser::new(id)?)
    }

    /// `GET /user/list`: one page.
    ///
    /// ```no_run
    /// use push_ureq::{ListUsers, UserStatus};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let page = client.list_users(ListUsers::builder().status(UserStatus::Enabled).build()?)?;
    /// println!("{} users", page.data.len());
    /// # Ok(()) }
    /// ```
    pub fn list_users(&self, request: ListUsers) -> Result<Page<User>, Error> {
        self.send(request)
    }

    /// Every user matching `request`, page after page: [`Client::list_all`].
    ///
    /// ```no_run
    /// use push_ureq::{ListUsers};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// for item in client.list_all_users(ListUsers::default()) {
    ///     let item = item?;
    ///     println!("{}", item.id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_all_users(&self, request: ListUsers) -> Items<T, ListUsers> {
        self.list_all(request)
    }

    /// `GET /user/{id}/credential/list`: the user's stored credentials, every type unless
    /// `request` narrows them.
    ///
    /// ```no_run
    /// use push_ureq::{ListUserCredentials};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let stored = client.list_user_credentials(ListUserCredentials::new("user_28CJjV7P4Go5PNJvfzghiD")?)?;
    /// for credential in &stored.data {
    ///     println!("{}", credential.id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_user_credentials(
        &self,
        request: ListUserCredentials,
    ) -> Result<UserCredentials, Error> {
        self.send(request)
    }

    /// `POST /user/{id}/credential`: store the card behind a token on the user.
    ///
    /// ```no_run
    /// use push_ureq::{CreateUserCredential};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let request = CreateUserCredential::new("user_28CJjV7P4Go5PNJvfzghiD", "token_3r09eejo3r32rjoj3r23r3")?;
    /// let stored = client.create_user_credential(request)?;
    /// println!("{}", stored.id);
    /// # Ok(()) }
    /// ```
    pub fn create_user_credential(
        &self,
        request: CreateUserCredential,
    ) -> Result<UserCredential, Error> {
        self.send(request)
    }

    /// `POST /user/{id}/url`: a user widget (or Apple Pay launcher) URL.
    ///
    /// ```no_run
    /// use push_ureq::{CreateUserUrl, Direction};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let request = CreateUserUrl::new("user_28CJjV7P4Go5PNJvfzghiD")?.direction(Direction::CashIn)?;
    /// let widget = client.create_user_url(request)?;
    /// println!("{}", widget.url);
    /// # Ok(()) }
    /// ```
    pub fn create_user_url(&self, request: CreateUserUrl) -> Result<UserUrl, Error> {
        self.send(request)
    }

    /// `POST /tokenize` on the tokens host: a single-use card token (PCI-compliant operators).
    ///
    /// ```no_run
    /// use push_ureq::{TokenizeCard};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// // The number and CVV are secret types: never in Debug, errors or logs.
    /// let card = TokenizeCard::builder().user_id("user_28CJjV7P4Go5PNJvfzghiD")
    ///     .pan("5555555555554444").cvv("123").exp_month(12).exp_year(28).build()?;
    /// let token = client.tokenize_card(card)?.token;
    /// println!("{token}");
    /// # Ok(()) }
    /// ```
    pub fn tokenize_card(&self, card: TokenizeCard) -> Result<CardToken, Error> {
        self.money(card)
    }

    /// `POST /keys/verify`: the organisation's name, when the token is good.
    ///
    /// ```no_run
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let organisation = client.verify_key()?;
    /// println!("this token belongs to {organisation}");
    /// # Ok(()) }
    /// ```
    pub fn verify_key(&self) -> Result<String, Error> {
        self.send(VerifyKey)
    }

    /// `POST /sandbox/credential`: a stored credential for testing (sandbox only; refused
    /// before sending against production).
    ///
    /// ```no_run
    /// use push_ureq::{SimulateCredential, SimulatedCredentialType};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let request = SimulateCredential::new("user_28CJjV7P4Go5PNJvfzghiD", SimulatedCredentialType::SecureDebit)?;
    /// let credential = client.simulate_credential(request)?;
    /// println!("{}", credential.id);
    /// # Ok(()) }
    /// ```
    pub fn simulate_credential(
        &self,
        request: SimulateCredential,
    ) -> Result<UserCredential, Error> {
        self.send(request)
    }

    /// `POST /refund`: refund an approved intent (fully, or `amount` of it). Approved and declined
    /// are both `Ok`; a repeated call answers the refund already made, so it is safe to retry.
    ///
    /// ```no_run
    /// use push_ureq::{CreateRefund, RefundOutcome};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let refund = CreateRefund::builder().intent_id("intent_sandbox_1").amount(1250).build()?;
    /// match client.create_refund(refund)? {
    ///     RefundOutcome::Approved(refund) => println!("refunded {} cents", refund.amount),
    ///     RefundOutcome::Declined(declined) => println!("refund {} declined", declined.id),
    ///     _ => {}
    /// }
    /// # Ok(()) }
    /// ```
    pub fn create_refund(&self, request: CreateRefund) -> Result<RefundOutcome, Error> {
        self.money(request)
    }

    /// `GET /refund/{id}`.
    ///
    /// ```no_run
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let refund = client.get_refund("refund_sandbox_1")?;
    /// println!("{} cents", refund.amount);
    /// # Ok(()) }
    /// ```
    pub fn get_refund(&self, id: impl Into<RefundId>) -> Result<Refund, Error> {
        self.send(GetRefund::new(id)?)
    }

    /// `GET /dispute/list`: one page.
    ///
    /// ```no_run
    /// use push_ureq::{ListDisputes};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let page = client.list_disputes(ListDisputes::default())?;
    /// println!("{} disputes", page.data.len());
    /// # Ok(()) }
    /// ```
    pub fn list_disputes(&self, request: ListDisputes) -> Result<Page<Dispute>, Error> {
        self.send(request)
    }

    /// Every dispute matching `request`, page after page: [`Client::list_all`].
    ///
    /// ```no_run
    /// use push_ureq::{ListDisputes};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// for item in client.list_all_disputes(ListDisputes::default()) {
    ///     let item = item?;
    ///     println!("{}", item.id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_all_disputes(&self, request: ListDisputes) -> Items<T, ListDisputes> {
        self.list_all(request)
    }

    /// `GET /dispute/{id}`.
    ///
    /// ```no_run
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let dispute = client.get_dispute("dispute_sandbox_1")?;
    /// println!("{} {}", dispute.code, dispute.status);
    /// # Ok(()) }
    /// ```
    pub fn get_dispute(&self, id: impl Into<DisputeId>) -> Result<Dispute, Error> {
        self.send(GetDispute::new(id)?)
    }

    /// `GET /account/list`: every settlement and dispute account, with balances (not paged).
    ///
    /// ```no_run
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let accounts = client.list_accounts()?;
    /// for account in &accounts.data {
    ///     println!("{} {:?}", account.id, account.balance);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_accounts(&self) -> Result<Accounts, Error> {
        self.send(ListAccounts)
    }

    /// `GET /account/{id}`.
    ///
    /// ```no_run
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let account = client.get_account("account_sandbox_1")?;
    /// println!("{:?}", account.balance);
    /// # Ok(()) }
    /// ```
    pub fn get_account(&self, id: impl Into<AccountId>) -> Result<Account, Error> {
        self.send(GetAccount::new(id)?)
    }

    /// `GET /transaction/list`: one page of ledger transactions.
    ///
    /// ```no_run
    /// use push_ureq::{ListTransactions};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let day = "2026-12-02".parse()?;
    /// let page = client.list_transactions(ListTransactions::on(day))?;
    /// println!("{} entries", page.data.len());
    /// # Ok(()) }
    /// ```
    pub fn list_transactions(&self, request: ListTransactions) -> Result<Page<Transaction>, Error> {
        self.send(request)
    }

    /// Every transaction matching `request`, page after page: [`Client::list_all`].
    ///
    /// ```no_run
    /// use push_ureq::{ListTransactions};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// for item in client.list_all_transactions(ListTransactions::default()) {
    ///     let item = item?;
    ///     println!("{}", item.id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_all_transactions(&self, request: ListTransactions) -> Items<T, ListTransactions> {
        self.list_all(request)
    }

    /// `GET /transaction/{id}`.
    ///
    /// ```no_run
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let entry = client.get_transaction("txn_sandbox_1")?;
    /// println!("{} cents", entry.amount);
    /// # Ok(()) }
    /// ```
    pub fn get_transaction(&self, id: impl Into<TransactionId>) -> Result<Transaction, Error> {
        self.send(GetTransaction::new(id)?)
    }

    /// `GET /transfer/list`: one page of transfers.
    ///
    /// ```no_run
    /// use push_ureq::{ListTransfers};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let day = "2026-12-02".parse()?;
    /// let page = client.list_transfers(ListTransfers::on(day))?;
    /// println!("{} transfers", page.data.len());
    /// # Ok(()) }
    /// ```
    pub fn list_transfers(&self, request: ListTransfers) -> Result<Page<Transfer>, Error> {
        self.send(request)
    }

    /// Every transfer matching `request`, page after page: [`Client::list_all`].
    ///
    /// ```no_run
    /// use push_ureq::{ListTransfers};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// for item in client.list_all_transfers(ListTransfers::default()) {
    ///     let item = item?;
    ///     println!("{}", item.id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_all_transfers(&self, request: ListTransfers) -> Items<T, ListTransfers> {
        self.list_all(request)
    }

    /// `GET /transfer/{id}`: one transfer with the transactions it nets.
    ///
    /// ```no_run
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let transfer = client.get_transfer("transfer_sandbox_1")?;
    /// println!("{} cents", transfer.amount);
    /// # Ok(()) }
    /// ```
    pub fn get_transfer(&self, id: impl Into<TransferId>) -> Result<Transfer, Error> {
        self.send(GetTransfer::new(id)?)
    }

    /// `POST /webhook/register`: set (or replace) the organisation's webhook endpoint and secret.
    ///
    /// ```no_run
    /// use push_ureq::{RegisterWebhook, WebhookSecret};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let secret = WebhookSecret::new(std::env::var("PUSH_WEBHOOK_SECRET")?)?;
    /// client.register_webhook(RegisterWebhook::new("https://example.com/push/webhooks", secret)?)?;
    /// # Ok(()) }
    /// ```
    pub fn register_webhook(&self, request: RegisterWebhook) -> Result<(), Error> {
        self.send(request)
    }
}

/// A journal configured in a build without the `journal` feature: never a silent skip.
#[cfg(not(feature = "journal"))]
fn no_journal_feature() -> Error {
    Error::Journal(Box::new(push_core::JournalFailure::storage(
        None,
        "a journal is configured (PUSH_JOURNAL or ClientBuilder::journal) but push-ureq was \
         built without its `journal` feature; nothing was sent",
    )))
}
