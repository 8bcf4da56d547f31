//! The sans-IO state machine of one logical call: attempts, decisions, waits.
//!
//! A driver asks for the next request, sends it however it likes, and feeds the result back;
//! the machine answers "wait this long, then ask again" or "done". The async client, the
//! blocking client and your own driver all run it unchanged:
//!
//! ```
//! # use push_core::*;
//! # use std::time::Instant;
//! fn drive<O: Operation>(call: &mut Call<O>, transport: &impl BlockingTransport) -> Result<O::Output, Error> {
//!     loop {
//!         let request = call.next_request(Instant::now());
//!         match call.receive(transport.send(request), Instant::now()) {
//!             Step::Wait(delay) => std::thread::sleep(delay),
//!             Step::Done(result) => return result,
//!         }
//!     }
//! }
//! ```
//!
//! (The design sketch has a third step, "send this request"; here sending is the method
//! [`Call::next_request`] instead, so a driver never has to handle a step that cannot occur.)

use std::time::{Duration, Instant};

use crate::{
    Config, Error, IdempotencyKey, Operation, Request, Response, RetryPolicy, Timeouts,
    TransportError,
    retry::{RetryContext, RetryDecision, RetryOutcome},
};

/// Per-call overrides of the client's settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallOptions {
    /// The idempotency key (only `POST /intent` takes one).
    pub idempotency_key: Option<IdempotencyKey>,
    /// The whole-request timeout of each attempt.
    pub timeout: Option<Duration>,
    /// Retries after the first attempt.
    pub max_retries: Option<u32>,
}

impl CallOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the idempotency key.
    pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }

    /// Sets the per-attempt timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the retry count.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }
}

/// The attempt number (1 for the first) of a request, in its extensions: for transports that
/// log or meter attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Attempt(pub u32);

/// What to do after an attempt.
#[derive(Debug)]
pub enum Step<T> {
    /// Wait this long, then call [`Call::next_request`] again.
    Wait(Duration),
    /// The call is over.
    Done(Result<T, Error>),
}

/// One logical call: an operation, its encoded request, and its attempts so far.
pub struct Call<O: Operation> {
    operation: O,
    request: http::request::Parts,
    body: bytes::Bytes,
    policy: RetryPolicy,
    timeouts: Timeouts,
    jitter: crate::retry::Jitter,
    attempts: u32,
    started: Option<Instant>,
}

/// Never prints headers or body: they carry the token and, for authorize, the webhook secret.
impl<O: Operation> std::fmt::Debug for Call<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("method", &self.request.method)
            .field("path", &O::PATH_TEMPLATE)
            .field("idempotency_key", &self.idempotency_key())
            .field("attempts", &self.attempts)
            .field("policy", &self.policy)
            .field("timeouts", &self.timeouts)
            .finish_non_exhaustive()
    }
}

impl<O: Operation> Call<O> {
    /// Applies the options and encodes the request once; nothing is sent.
    pub fn new(config: &Config, mut operation: O, options: &CallOptions) -> Result<Self, Error> {
        if let Some(key) = &options.idempotency_key {
            operation.set_idempotency_key(key.clone())?;
        }
        let mut policy = config.retry_policy().clone();
        if let Some(max_retries) = options.max_retries {
            policy = policy.with_max_retries(max_retries);
        }
        let mut timeouts = config.timeouts();
        if let Some(timeout) = options.timeout {
            timeouts.request = timeout;
        }
        let (request, body) = operation.encode(config).into_parts();
        Ok(Self {
            operation,
            request,
            body,
            policy,
            timeouts,
            jitter: config.jitter().clone(),
            attempts: 0,
            started: None,
        })
    }

    /// The operation.
    pub fn operation(&self) -> &O {
        &self.operation
    }

    /// The idempotency key every attempt carries, known before anything is sent.
    pub fn idempotency_key(&self) -> Option<&IdempotencyKey> {
        self.operation.idempotency_key()
    }

    /// Attempts started so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The timeouts each attempt carries in its extensions.
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// The request of the next attempt, byte for byte the same as the previous one, with the
    /// [`Timeouts`] and its [`Attempt`] number in its extensions.
    pub fn next_request(&mut self, now: Instant) -> Request {
        self.started.get_or_insert(now);
        self.attempts += 1;
        let mut request = http::Request::new(self.body.clone());
        *request.method_mut() = self.request.method.clone();
        *request.uri_mut() = self.request.uri.clone();
        *request.headers_mut() = self.request.headers.clone();
        request.extensions_mut().insert(self.timeouts);
        request.extensions_mut().insert(Attempt(self.attempts));
        request
    }

    /// Takes what the transport returned and decides: wait and retry, or done.
    pub fn receive(
        &mut self,
        result: Result<Response, TransportError>,
        now: Instant,
    ) -> Step<O::Output> {
        let elapsed = self.started.map_or(Duration::ZERO, |started| {
            now.saturating_duration_since(started)
        });
        let decision = |outcome| {
            self.policy.decide(&RetryContext {
                attempts: self.attempts,
                elapsed,
                safety: self.operation.retry_safety(),
                outcome,
                random: self.jitter.sample(),
            })
        };
        let key = self.operation.idempotency_key();
        match result {
            Ok(response) => {
                if !response.status().is_success() && !self.operation.is_final(response.status()) {
                    let outcome = RetryOutcome::Response {
                        status: response.status(),
                        headers: response.headers(),
                    };
                    if let RetryDecision::RetryAfter(delay) = decision(outcome) {
                        return Step::Wait(delay);
                    }
                }
                Step::Done(
                    self.operation
                        .decode(response)
                        .map_err(|err| err.with_idempotency_key(key)),
                )
            }
            Err(err) => match decision(RetryOutcome::Transport(&err)) {
                RetryDecision::RetryAfter(delay) => Step::Wait(delay),
                RetryDecision::Stop => {
                    Step::Done(Err(Error::from_transport(err).with_idempotency_key(key)))
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        ApiToken, Authorize, AuthorizeOutcome, CreateIntent, Currency, Direction, Environment,
        GetIntent, retry::Jitter,
    };
    use bytes::Bytes;

    fn config() -> Config {
        Config::new(ApiToken::new("sk_test_1").unwrap(), Environment::Sandbox)
            .with_jitter(Jitter::fixed(1.0))
    }

    fn response(
        status: u16,
        headers: &[(&str, &str)],
        body: &'static str,
    ) -> Result<Response, TransportError> {
        let mut builder = http::Response::builder().status(status);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        Ok(builder.body(Bytes::from_static(body.as_bytes())).unwrap())
    }

    fn create() -> CreateIntent {
        CreateIntent::builder()
            .user_id("user_1")
            .amount(100)
            .currency(Currency::Usd)
            .direction(Direction::CashIn)
            .build()
            .unwrap()
    }

    fn with_credential() -> Authorize {
        Authorize::builder()
            .amount(1)
            .currency(Currency::Usd)
            .direction(Direction::CashIn)
            .credential_id("cred_1")
            .build()
            .unwrap()
    }

    type Script = Vec<Result<Response, TransportError>>;
    type Run<T> = (Option<Result<T, Error>>, Vec<Duration>, Vec<Request>);

    /// Runs a call against scripted results; returns the result, the waits and the requests.
    fn run<O: Operation>(call: &mut Call<O>, script: Script) -> Run<O::Output> {
        let start = Instant::now();
        let mut now = start;
        let (mut waits, mut requests) = (vec![], vec![]);
        for result in script {
            requests.push(call.next_request(now));
            match call.receive(result, now) {
                Step::Wait(delay) => {
                    waits.push(delay);
                    now += delay;
                }
                Step::Done(result) => return (Some(result), waits, requests),
            }
        }
        (None, waits, requests)
    }

    #[test]
    fn retries_reuse_the_same_request_and_key() {
        let mut call = Call::new(&config(), create(), &CallOptions::new()).unwrap();
        let key = call.idempotency_key().unwrap().clone();
        let script = vec![
            response(503, &[], ""),
            Err(TransportError::io(std::io::Error::other("reset"))),
            response(200, &[], r#"{"id":"intent_sandbox_1"}"#),
        ];
        let (result, waits, requests) = run(&mut call, script);
        assert_eq!(result.unwrap().unwrap().id, "intent_sandbox_1");
        assert_eq!(
            waits,
            [Duration::from_millis(500), Duration::from_millis(1000)]
        );
        assert_eq!(requests.len(), 3);
        for request in &requests {
            assert_eq!(request.headers()["x-idempotency-key"], key.as_str());
            assert_eq!(request.body(), requests[0].body());
            assert_eq!(request.uri(), requests[0].uri());
            assert_eq!(
                request.extensions().get::<Timeouts>(),
                Some(&Timeouts::default())
            );
        }
        assert_eq!(call.attempts(), 3);
    }

    #[test]
    fn the_last_error_keeps_the_idempotency_key() {
        let mut call = Call::new(&config(), create(), &CallOptions::new()).unwrap();
        let key = call.idempotency_key().unwrap().clone();
        let script = vec![
            response(500, &[], "a"),
            response(502, &[], "b"),
            response(503, &[], "c"),
        ];
        let (result, waits, _) = run(&mut call, script);
        let err = result.unwrap().unwrap_err();
        assert_eq!(waits.len(), 2);
        assert!(matches!(err, Error::Api(_)));
        assert_eq!(err.status().unwrap(), 503);
        assert_eq!(err.idempotency_key(), Some(&key));
        assert_eq!(err.body().unwrap(), "c");
    }

    #[test]
    fn options_override_key_timeout_and_retries() {
        let options = CallOptions::new()
            .idempotency_key(IdempotencyKey::new("order-42").unwrap())
            .timeout(Duration::from_secs(3))
            .max_retries(0);
        let mut call = Call::new(&config(), create(), &options).unwrap();
        let request = call.next_request(Instant::now());
        assert_eq!(request.headers()["x-idempotency-key"], "order-42");
        assert_eq!(
            request.extensions().get::<Timeouts>().unwrap().request,
            Duration::from_secs(3)
        );
        assert!(matches!(
            call.receive(response(503, &[], ""), Instant::now()),
            Step::Done(Err(_))
        ));
    }

    #[test]
    fn only_post_intent_takes_an_idempotency_key() {
        let options = CallOptions::new().idempotency_key(IdempotencyKey::new("k").unwrap());
        let err = Call::new(&config(), GetIntent::new("intent_1").unwrap(), &options).unwrap_err();
        let Error::Validation(err) = err else {
            panic!()
        };
        assert_eq!(err.field(), "idempotency_key");
        assert!(Call::new(&config(), with_credential(), &options).is_err());
    }

    #[test]
    fn authorize_without_token_is_sent_once_when_it_may_have_arrived() {
        let mut call = Call::new(&config(), with_credential(), &CallOptions::new()).unwrap();
        let (result, waits, requests) = run(
            &mut call,
            vec![Err(TransportError::io(std::io::Error::other("reset")))],
        );
        let err = result.unwrap().unwrap_err();
        assert!(err.may_have_reached_server());
        assert!(waits.is_empty());
        assert_eq!(requests.len(), 1);
        let mut call = Call::new(&config(), with_credential(), &CallOptions::new()).unwrap();
        let (result, _, requests) = run(&mut call, vec![response(503, &[], "")]);
        assert!(result.unwrap().is_err());
        assert_eq!(requests.len(), 1);
    }

    #[test]
    fn authorize_without_token_is_retried_when_it_never_left() {
        let mut call = Call::new(&config(), with_credential(), &CallOptions::new()).unwrap();
        let script = vec![
            Err(TransportError::connect(std::io::Error::other("refused"))),
            response(
                401,
                &[],
                r#"{"id":"intent_1","decline_category":"insufficient_funds"}"#,
            ),
        ];
        let (result, waits, _) = run(&mut call, script);
        assert!(matches!(
            result.unwrap().unwrap(),
            AuthorizeOutcome::Declined(_)
        ));
        assert_eq!(waits.len(), 1);
    }

    #[test]
    fn retry_after_is_honoured() {
        let mut call =
            Call::new(&config(), GetIntent::new("i").unwrap(), &CallOptions::new()).unwrap();
        let script = vec![
            response(429, &[("retry-after", "2")], ""),
            response(404, &[], ""),
        ];
        let (result, waits, _) = run(&mut call, script);
        assert!(matches!(result.unwrap(), Err(Error::NotFound(_))));
        assert_eq!(waits, [Duration::from_secs(2)]);
    }

    #[test]
    fn a_status_final_for_the_operation_is_not_retried() {
        let mut call = Call::new(
            &config(),
            crate::ApproveIntent::new("i").unwrap(),
            &CallOptions::new(),
        )
        .unwrap();
        let (result, waits, _) = run(
            &mut call,
            vec![response(409, &[], r#"{"message":"not pending"}"#)],
        );
        assert_eq!(result.unwrap().unwrap_err().status().unwrap(), 409);
        assert!(waits.is_empty());
        let mut call = Call::new(
            &config(),
            crate::ApproveIntent::new("i").unwrap(),
            &CallOptions::new(),
        )
        .unwrap();
        let (_, waits, _) = run(
            &mut call,
            vec![response(503, &[], ""), response(204, &[], "")],
        );
        assert_eq!(waits.len(), 1, "other retryable statuses still are");
    }

    #[test]
    fn the_budget_stops_retries() {
        let config = config().with_retry_policy(
            RetryPolicy::default()
                .with_max_retries(10)
                .with_budget(Duration::from_secs(5)),
        );
        let mut call =
            Call::new(&config, GetIntent::new("i").unwrap(), &CallOptions::new()).unwrap();
        let script = (0..20)
            .map(|_| response(503, &[("retry-after", "2")], ""))
            .collect();
        let (result, waits, _) = run(&mut call, script);
        assert!(result.unwrap().is_err());
        assert_eq!(waits, [Duration::from_secs(2), Duration::from_secs(2)]);
    }
}
