//! The sans-IO state machine of one logical call: attempts, decisions, waits.
//!
//! A driver asks for the next request, sends it however it likes, and feeds the result back;
//! the machine answers "wait this long, then ask again" or "done". The async client, the
//! blocking client and your own driver all run it unchanged:
//!
//! ```
//! # use push_core::{*, call::*, ops::Operation, transport::BlockingTransport};
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
//! A client with a rate limiter ([`crate::rate_limit`]) also waits [`Call::pace`] before each
//! attempt; an observer ([`crate::observe`]) is told of each attempt by [`Call::receive`] itself,
//! and [`Call::response_meta`] keeps what the last response said besides its body.
//!
//! (The design sketch has a third step, "send this request"; here sending is the method
//! [`Call::next_request`] instead, so a driver never has to handle a step that cannot occur.)

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use crate::{
    CallOptions, Config, Error, IdempotencyKey, Operation, Request, Response, RetryPolicy,
    Timeouts, TransportError,
    error::status_leaves_effect_unknown,
    meta::{ResponseMeta, WithMeta},
    observe::{AttemptDecision, AttemptEvent, AttemptOutcome, SharedObserver},
    rate_limit::{RateClass, RateLimiter},
    retry::{RetryContext, RetryDecision, RetryOutcome},
};

/// The options of a scoped client (`client.with_options(..)`): timeout and retries for every
/// call, the idempotency key for the first call that takes one. Shared by the scoped client's
/// clones, so no two calls can ever send the same key by way of it.
#[derive(Debug, Clone, Default)]
pub struct ScopedOptions {
    options: CallOptions,
    key: Arc<Mutex<Option<IdempotencyKey>>>,
}

impl ScopedOptions {
    /// Scopes `options`.
    pub fn new(mut options: CallOptions) -> Self {
        let key = options.idempotency_key.take();
        Self {
            options,
            key: Arc::new(Mutex::new(key)),
        }
    }

    /// The options of the next call of `operation`: the key is taken only when the operation
    /// takes one.
    pub fn for_call<O: Operation>(&self, operation: &O) -> CallOptions {
        let mut options = self.options.clone();
        if operation.idempotency_key().is_some() {
            // A poisoned lock only means another thread panicked mid-take; the slot is still
            // a plain Option.
            let mut slot = self
                .key
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            options.idempotency_key = slot.take();
        }
        options
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
    /// An attempt ended without a definitive answer: it may have taken effect.
    maybe_acted: bool,
    /// The read that settles a final refusal after `maybe_acted` (see
    /// [`Operation::confirm_request`]), and the refusal while that read is under way.
    confirm: Option<Request>,
    refusal: Option<Error>,
    secrets: crate::transport::Secrets,
    /// The last response's status and headers: [`Call::response_meta`] reads them when asked.
    last_head: Option<(http::StatusCode, http::HeaderMap)>,
    observer: Option<SharedObserver>,
    limiter: Option<RateLimiter>,
    /// The rate-limit slot of the next or current attempt (its bucket and granted time), from
    /// its reservation until its answer.
    slot: Option<(RateClass, Instant)>,
    /// When the current attempt was handed to the transport.
    attempt_started: Option<Instant>,
}

/// Never prints headers or body: they carry the token and, for authorize, the webhook secret.
impl<O: Operation> std::fmt::Debug for Call<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("method", &self.request.method)
            .field("path", &self.operation.path_template())
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
        let (request, body) = operation.encode(config)?.into_parts();
        let confirm = operation.confirm_request(config).transpose()?;
        let mut secrets = operation.body_secrets();
        if let Some(authorization) = request.headers.get(http::header::AUTHORIZATION) {
            secrets.push(bytes::Bytes::copy_from_slice(authorization.as_bytes()));
        }
        let secrets = crate::transport::Secrets::new(secrets);
        Ok(Self {
            operation,
            request,
            body,
            policy,
            timeouts,
            jitter: config.jitter().clone(),
            attempts: 0,
            started: None,
            maybe_acted: false,
            confirm,
            refusal: None,
            secrets,
            last_head: None,
            observer: config.observer().cloned(),
            limiter: config.rate_limiter().cloned(),
            slot: None,
            attempt_started: None,
        })
    }

    /// How long to wait before the next attempt for the client's rate limiter (zero without
    /// one, or with room in the window). Reserves the attempt's slot: call it once, sleep, then
    /// [`Call::next_request`]. A driver that never calls it is still counted, never paced.
    pub fn pace(&mut self, now: Instant) -> Duration {
        if self.slot.is_some() {
            return Duration::ZERO;
        }
        self.reserve_slot(now)
    }

    /// Takes the next attempt's slot from the limiter, if there is one; the wait for it.
    fn reserve_slot(&mut self, now: Instant) -> Duration {
        let Some(limiter) = &self.limiter else {
            return Duration::ZERO;
        };
        let class = RateClass::of(self.next_method());
        let wait = limiter.reserve(class, now);
        self.slot = Some((class, now.checked_add(wait).unwrap_or(now)));
        wait
    }

    /// The method of the next request: the confirming read's after a refusal that needs one.
    fn next_method(&self) -> &http::Method {
        match (&self.refusal, &self.confirm) {
            (Some(_), Some(confirm)) => confirm.method(),
            _ => &self.request.method,
        }
    }

    /// The status, headers, request id and rate-limit values of the last response, once one
    /// arrived (a success included: see [`crate::meta`]). Read from the kept head when asked,
    /// so a call nobody asks about parses nothing more.
    pub fn response_meta(&self) -> Option<ResponseMeta> {
        let (status, headers) = self.last_head.as_ref()?;
        Some(ResponseMeta::from_head(
            *status,
            headers.clone(),
            self.attempts,
        ))
    }

    /// `value` with the metadata of the response it came from: a success always came with
    /// one (the fallback, a bare 200, only keeps this total).
    pub fn with_meta<T>(&self, value: T) -> WithMeta<T> {
        let meta = self.response_meta().unwrap_or_else(|| {
            ResponseMeta::from_head(http::StatusCode::OK, http::HeaderMap::new(), self.attempts)
        });
        WithMeta::new(value, meta)
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
    ///
    /// After a final refusal that may hide an earlier success, it is the confirming read
    /// instead (see [`Operation::confirm_request`]).
    pub fn next_request(&mut self, now: Instant) -> Request {
        if self.slot.is_none() {
            // Counted even when the driver did not wait, so the count stays true.
            self.reserve_slot(now);
        }
        self.attempt_started = Some(now);
        self.started.get_or_insert(now);
        self.attempts = self.attempts.saturating_add(1);
        let mut request = match (&self.refusal, &self.confirm) {
            (Some(_), Some(confirm)) => clone_request(confirm),
            _ => {
                let mut request = http::Request::new(self.body.clone());
                *request.method_mut() = self.request.method.clone();
                *request.uri_mut() = self.request.uri.clone();
                *request.headers_mut() = self.request.headers.clone();
                request
            }
        };
        request.extensions_mut().insert(self.timeouts);
        request.extensions_mut().insert(Attempt(self.attempts));
        request.extensions_mut().insert(self.secrets.clone());
        request
    }

    /// Takes what the transport returned and decides: wait and retry, or done. Tells the
    /// observer, feeds the rate limiter and keeps the response's metadata on the way.
    pub fn receive(
        &mut self,
        result: Result<Response, TransportError>,
        now: Instant,
    ) -> Step<O::Output> {
        if let (Some(limiter), Some((class, granted))) = (&self.limiter, self.slot.take()) {
            limiter.complete(class, granted, now);
            if let Ok(response) = &result {
                limiter.observe(class, response.headers(), now);
            }
        }
        let outcome = match &result {
            Ok(response) => {
                self.last_head = Some((response.status(), response.headers().clone()));
                AttemptOutcome::Status(response.status())
            }
            Err(err) => AttemptOutcome::Error(err.kind()),
        };
        // Taken before deciding, which may turn the next request into a confirming read.
        let method = self.observer.as_ref().map(|_| self.next_method().clone());
        let step = self.decide(result, now);
        if let (Some(observer), Some(method)) = (&self.observer, method) {
            let duration = self.attempt_started.map_or(Duration::ZERO, |started| {
                now.saturating_duration_since(started)
            });
            observer.0.on_attempt(&AttemptEvent {
                method: &method,
                path_template: self.operation.path_template(),
                attempt: self.attempts,
                outcome,
                duration,
                decision: match &step {
                    Step::Wait(after) => AttemptDecision::Retry { after: *after },
                    Step::Done(_) => AttemptDecision::Done,
                },
            });
        }
        step
    }

    fn decide(
        &mut self,
        result: Result<Response, TransportError>,
        now: Instant,
    ) -> Step<O::Output> {
        if let Some(refusal) = self.refusal.take() {
            return Step::Done(self.settle(refusal, result));
        }
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
        let result = match result {
            Ok(response) => {
                let status = response.status();
                if !status.is_success() && !self.operation.is_final(status) {
                    let outcome = RetryOutcome::Response {
                        status,
                        headers: response.headers(),
                    };
                    if let RetryDecision::RetryAfter(delay) = decision(outcome) {
                        self.maybe_acted |= status_leaves_effect_unknown(status);
                        return Step::Wait(delay);
                    }
                }
                match self.operation.decode(response) {
                    Err(err)
                        if self.maybe_acted
                            && self.confirm.is_some()
                            && err.status().is_some_and(|s| self.operation.is_final(s)) =>
                    {
                        // Read before reporting the refusal: an earlier attempt may have done
                        // exactly what was asked.
                        self.refusal = Some(err);
                        return Step::Wait(Duration::ZERO);
                    }
                    other => other,
                }
            }
            Err(err) => match decision(RetryOutcome::Transport(&err)) {
                RetryDecision::RetryAfter(delay) => {
                    self.maybe_acted |= err.may_have_reached_server();
                    return Step::Wait(delay);
                }
                RetryDecision::Stop => Err(Error::from_transport(err)),
            },
        };
        Step::Done(result.map_err(|err| self.finish(err)))
    }

    /// The confirming read's answer decides: the refused call had taken effect after all, or
    /// the refusal stands (unknown only when the read itself could not tell).
    fn settle(
        &mut self,
        refusal: Error,
        read: Result<Response, TransportError>,
    ) -> Result<O::Output, Error> {
        let known = match &read {
            Ok(response) if response.status().is_success() => {
                if let Some(output) = self.operation.confirmed(response) {
                    return Ok(output);
                }
                true
            }
            _ => false,
        };
        let key = self.operation.idempotency_key();
        Err(refusal.with_call_context(key, !known))
    }

    /// Stamps the call's idempotency key and whether its outcome is unknown on its last error.
    fn finish(&self, err: Error) -> Error {
        let unknown =
            self.operation.has_effect() && (self.maybe_acted || err.leaves_effect_unknown());
        err.with_call_context(self.operation.idempotency_key(), unknown)
            .scrub(&self.secrets)
    }
}

fn clone_request(request: &Request) -> Request {
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.headers_mut() = request.headers().clone();
    copy
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

    /// A `Raw` POST is sent once when it may have arrived, unless declared idempotent; its
    /// answer decodes as whatever the caller chose.
    #[test]
    fn a_raw_post_is_retried_only_when_declared_idempotent() {
        let raw = || crate::ops::Raw::post("/refund").unwrap();
        let reset = || Err(TransportError::io(std::io::Error::other("reset")));
        let ok = || response(200, &[], r#"{"id":"refund_1"}"#);
        let mut call = Call::new(&config(), raw(), &CallOptions::new()).unwrap();
        let (result, waits, requests) = run(&mut call, vec![reset(), ok()]);
        let err = result.unwrap().unwrap_err();
        assert!(err.is_outcome_unknown(), "{err}");
        assert!(waits.is_empty());
        assert_eq!(requests.len(), 1);

        let options = CallOptions::new().idempotency_key(IdempotencyKey::new("r-1").unwrap());
        let mut call = Call::new(&config(), raw().idempotent(), &options).unwrap();
        let (result, waits, requests) = run(&mut call, vec![reset(), ok()]);
        assert_eq!(result.unwrap().unwrap()["id"], "refund_1");
        assert_eq!(waits.len(), 1);
        for request in &requests {
            assert_eq!(request.headers()["x-idempotency-key"], "r-1");
        }

        // A read is retried like any read, and never "outcome unknown".
        let get = crate::ops::Raw::get("/refund/refund_1").unwrap();
        let mut call = Call::new(&config(), get, &CallOptions::new()).unwrap();
        let (result, waits, _) = run(&mut call, vec![reset(), response(404, &[], "")]);
        let err = result.unwrap().unwrap_err();
        assert_eq!(waits.len(), 1);
        assert!(!err.is_outcome_unknown());
        assert_eq!(err.status(), Some(http::StatusCode::NOT_FOUND));
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

    fn intent_json(id: &str, status: &str) -> String {
        format!(
            r#"{{"id":"{id}","created_at":"2023-05-24T20:36:50.694Z","direction":"cash_out","user_id":"u","amount":1,"currency":"USD","status":"{status}"}}"#
        )
    }

    fn owned(status: u16, body: String) -> Result<Response, TransportError> {
        Ok(http::Response::builder()
            .status(status)
            .body(Bytes::from(body))
            .unwrap())
    }

    fn lost() -> Result<Response, TransportError> {
        Err(TransportError::io(std::io::Error::other(
            "closed after commit",
        )))
    }

    /// Regression: an approve whose answer was lost was retried, refused with 409 because the
    /// first attempt had worked, and reported as a failure.
    #[test]
    fn a_refused_transition_after_a_lost_answer_is_settled_by_reading_the_intent() {
        let approve = || crate::ApproveIntent::new("intent_1").unwrap();
        let cancel = || crate::CancelIntent::new("intent_1").unwrap();
        let conflict = || response(409, &[], r#"{"message":"intent is approved"}"#);

        let mut call = Call::new(&config(), approve(), &CallOptions::new()).unwrap();
        let script = vec![
            lost(),
            conflict(),
            owned(200, intent_json("intent_1", "approved")),
        ];
        let (result, _, requests) = run(&mut call, script);
        let change = result.unwrap().unwrap();
        assert_eq!(
            change.intent().unwrap().status,
            crate::IntentStatus::Approved
        );
        assert_eq!(requests.len(), 3);
        assert_eq!(requests[2].method(), http::Method::GET);
        assert_eq!(requests[2].uri().path(), "/intent/intent_1");
        assert!(requests[2].body().is_empty());

        // A 503 may also follow a commit; a cancel settles on `canceled`.
        let mut call = Call::new(&config(), cancel(), &CallOptions::new()).unwrap();
        let script = vec![
            response(503, &[], ""),
            response(409, &[], "no"),
            owned(200, intent_json("intent_1", "canceled")),
        ];
        assert!(run(&mut call, script).0.unwrap().is_ok());

        // The read shows another state: the refusal stands, and it is known.
        let mut call = Call::new(&config(), approve(), &CallOptions::new()).unwrap();
        let script = vec![
            lost(),
            conflict(),
            owned(200, intent_json("intent_1", "canceled")),
        ];
        let err = run(&mut call, script).0.unwrap().unwrap_err();
        assert_eq!(err.status().unwrap(), 409);
        assert!(!err.is_outcome_unknown());

        // The read fails: the refusal stands, and the outcome is unknown.
        let mut call = Call::new(&config(), approve(), &CallOptions::new()).unwrap();
        let script = vec![lost(), conflict(), lost()];
        let err = run(&mut call, script).0.unwrap().unwrap_err();
        assert_eq!(err.status().unwrap(), 409);
        assert!(err.is_outcome_unknown());

        // A first-attempt 409 is the intent's real state: no read.
        let mut call = Call::new(&config(), approve(), &CallOptions::new()).unwrap();
        let (result, _, requests) = run(&mut call, vec![conflict(), owned(200, String::new())]);
        assert!(!result.unwrap().unwrap_err().is_outcome_unknown());
        assert_eq!(requests.len(), 1);
        // Nor after an attempt that provably never left.
        let mut call = Call::new(&config(), approve(), &CallOptions::new()).unwrap();
        let refused = Err(TransportError::connect(std::io::Error::other("refused")));
        let (_, _, requests) = run(
            &mut call,
            vec![refused, conflict(), owned(200, String::new())],
        );
        assert_eq!(requests.len(), 2);
    }

    /// Runs `script` with exactly as many retries as it has answers after the first.
    fn outcome<O: Operation>(operation: O, script: Script) -> Error {
        let retries = u32::try_from(script.len().saturating_sub(1)).unwrap();
        let options = CallOptions::new().max_retries(retries);
        let mut call = Call::new(&config(), operation, &options).unwrap();
        match run(&mut call, script).0 {
            Some(Err(err)) => err,
            other => panic!("{}", other.is_some()),
        }
    }

    /// Regression: a write whose outcome is unknown read like a clean refusal.
    #[test]
    fn writes_say_when_their_outcome_is_unknown() {
        let connect = || Err(TransportError::connect(std::io::Error::other("refused")));
        // (script, unknown) for writes; reads are never unknown.
        let table: Vec<(Script, bool)> = vec![
            (vec![lost()], true),
            (vec![Err(TransportError::timeout(true))], true),
            (vec![connect(), connect(), connect()], false),
            (
                vec![
                    response(500, &[], ""),
                    response(502, &[], ""),
                    response(503, &[], ""),
                ],
                true,
            ),
            (vec![response(400, &[], "bad")], false),
            (vec![response(422, &[], "bad")], false),
            (vec![response(403, &[], "")], false),
            (vec![lost(), connect(), connect()], true),
            (
                vec![response(503, &[], ""), response(400, &[], "bad")],
                true,
            ),
            (
                vec![
                    response(429, &[("retry-after", "0")], ""),
                    response(400, &[], ""),
                ],
                false,
            ),
            (vec![response(200, &[], "{not json")], true),
            // Regression: a 429 after a lost write read "rate limited: ..." first.
            (
                vec![
                    lost(),
                    response(429, &[("retry-after", "0")], ""),
                    response(429, &[("retry-after", "0")], ""),
                ],
                true,
            ),
        ];
        for (i, (script, unknown)) in table.into_iter().enumerate() {
            let err = outcome(create(), script.iter().map(copy).collect());
            assert_eq!(err.is_outcome_unknown(), unknown, "create row {i}: {err}");
            assert!(err.idempotency_key().is_some());
            // Said first, whatever the kind of the last failure.
            assert_eq!(
                err.to_string().starts_with("outcome unknown"),
                unknown,
                "create row {i}: {err}"
            );
            assert_eq!(err.to_string().matches("outcome unknown").count(), usize::from(unknown));
            let err = outcome(GetIntent::new("i").unwrap(), script);
            assert!(!err.is_outcome_unknown(), "get row {i}: {err}");
        }
        // A credential_id authorize is sent once; its unknowns are unknown.
        let err = outcome(with_credential(), vec![response(502, &[], "")]);
        assert!(err.is_outcome_unknown());
        let err = outcome(with_credential(), vec![lost()]);
        assert!(err.is_outcome_unknown());
        let err = outcome(with_credential(), vec![response(400, &[], "")]);
        assert!(!err.is_outcome_unknown());
    }

    fn copy(result: &Result<Response, TransportError>) -> Result<Response, TransportError> {
        match result {
            Ok(response) => {
                let mut copy = http::Response::new(response.body().clone());
                *copy.status_mut() = response.status();
                *copy.headers_mut() = response.headers().clone();
                Ok(copy)
            }
            Err(err) => Err(TransportError::new(
                err.kind(),
                err.may_have_reached_server(),
                None,
            )),
        }
    }

    fn with_token() -> Authorize {
        Authorize::builder()
            .amount(1)
            .currency(Currency::Usd)
            .direction(Direction::CashIn)
            .token("token_1")
            .build()
            .unwrap()
    }

    /// Regression: a token authorize answered 409 was retried, although a token backs one
    /// authorization.
    #[test]
    fn a_used_token_is_final_and_says_why() {
        let used = || response(409, &[], r#"{"message":"token already used"}"#);
        let mut call = Call::new(&config(), with_token(), &CallOptions::new()).unwrap();
        let (result, waits, requests) = run(&mut call, vec![used(), used(), used()]);
        let err = result.unwrap().unwrap_err();
        assert!(waits.is_empty());
        assert_eq!(requests.len(), 1);
        assert!(
            err.to_string()
                .contains("a card token backs one authorization"),
            "{err}"
        );
        assert!(!err.is_outcome_unknown(), "{err}");
        // After a lost answer, the 409 means the first attempt used the token: unknown.
        let mut call = Call::new(&config(), with_token(), &CallOptions::new()).unwrap();
        let (result, _, requests) = run(&mut call, vec![lost(), used()]);
        assert_eq!(requests.len(), 2);
        assert!(result.unwrap().unwrap_err().is_outcome_unknown());
        // 409 stays retryable for other operations.
        let mut call = Call::new(&config(), create(), &CallOptions::new()).unwrap();
        let (_, waits, _) = run(&mut call, vec![used(), response(200, &[], r#"{"id":"i"}"#)]);
        assert_eq!(waits.len(), 1);
    }

    /// Regression: `with_options(CallOptions::new().idempotency_key(k))` made every later
    /// create reuse `k`, and every GET fail.
    #[test]
    fn a_scoped_key_serves_one_call_and_reads_ignore_it() {
        let k = IdempotencyKey::new("order-42").unwrap();
        let scoped = ScopedOptions::new(
            CallOptions::new()
                .idempotency_key(k.clone())
                .timeout(Duration::from_secs(3)),
        );
        let clone = scoped.clone();
        let get = clone.for_call(&GetIntent::new("i").unwrap());
        assert_eq!(get.idempotency_key, None);
        assert_eq!(get.timeout, Some(Duration::from_secs(3)));
        assert!(Call::new(&config(), GetIntent::new("i").unwrap(), &get).is_ok());
        let first = create();
        let second = create();
        let first_options = clone.for_call(&first);
        assert_eq!(first_options.idempotency_key.as_ref(), Some(&k));
        let second_options = scoped.for_call(&second);
        assert_eq!(
            second_options.idempotency_key, None,
            "shared by clones, used once"
        );
        assert_eq!(second_options.timeout, Some(Duration::from_secs(3)));
        let sent = |op: CreateIntent, options: &CallOptions| {
            let mut call = Call::new(&config(), op, options).unwrap();
            call.next_request(Instant::now()).headers()["x-idempotency-key"].clone()
        };
        let second_key = second.idempotency_key().clone();
        assert_eq!(sent(first, &first_options), "order-42");
        assert_eq!(sent(second, &second_options), second_key.as_str());
        assert_ne!(second_key.as_str(), "order-42");
    }

    /// Issue 14: the observer sees each attempt (never headers or bodies), with the decision
    /// the machine took; the last response's metadata is kept on success.
    #[test]
    fn the_observer_sees_every_attempt_and_the_meta_is_kept() {
        use crate::observe::{AttemptDecision, AttemptOutcome, SharedObserver};
        let events = Arc::new(Mutex::new(Vec::new()));
        let seen = events.clone();
        let observer = SharedObserver::new(move |event: &AttemptEvent<'_>| {
            seen.lock().unwrap().push((
                event.method.clone(),
                event.path_template.to_owned(),
                event.attempt,
                event.outcome,
                event.decision,
            ));
        });
        let config = config().with_observer(Some(observer));
        let mut call = Call::new(
            &config,
            GetIntent::new("intent_1").unwrap(),
            &CallOptions::new(),
        )
        .unwrap();
        assert!(call.response_meta().is_none());
        let (result, _, _) = run(
            &mut call,
            vec![
                Err(TransportError::connect("refused")),
                response(503, &[], "{}"),
                response(
                    200,
                    &[("x-request-id", "req_1"), ("x-ratelimit-remaining", "998")],
                    include_str!("../tests/fixtures/get_intent_003.json"),
                ),
            ],
        );
        assert!(result.unwrap().is_ok());
        let events = events.lock().unwrap().clone();
        let second_wait = match events[1].4 {
            AttemptDecision::Retry { after } => after,
            other => panic!("{other:?}"),
        };
        assert!(second_wait > Duration::ZERO);
        assert_eq!(events.len(), 3);
        for (i, (method, template, attempt, _, _)) in events.iter().enumerate() {
            assert_eq!(*method, http::Method::GET);
            assert_eq!(template, "/intent/{id}");
            assert_eq!(*attempt, u32::try_from(i + 1).unwrap());
        }
        assert_eq!(
            events.iter().map(|e| e.3).collect::<Vec<_>>(),
            vec![
                AttemptOutcome::Error(crate::TransportErrorKind::Connect),
                AttemptOutcome::Status(http::StatusCode::SERVICE_UNAVAILABLE),
                AttemptOutcome::Status(http::StatusCode::OK),
            ]
        );
        assert!(matches!(events[0].4, AttemptDecision::Retry { .. }));
        assert_eq!(events[2].4, AttemptDecision::Done);
        assert_eq!(events[2].3.to_string(), "200");
        let meta = call.response_meta().unwrap();
        assert_eq!(meta.status, http::StatusCode::OK);
        assert_eq!(meta.request_id.as_deref(), Some("req_1"));
        assert_eq!(meta.rate_limit.remaining, Some(998));
        assert_eq!(meta.attempts, 3);
    }

    /// Issue 14: with a limiter, each attempt takes a slot; the second read in a window of one
    /// waits for the first, counted from its answer.
    #[test]
    fn calls_are_paced_by_the_shared_limiter() {
        use crate::rate_limit::{RateLimiter, RateLimits};
        let limiter = RateLimiter::new(RateLimits::new(5, 1, Duration::from_secs(60)));
        let config = config().with_rate_limiter(Some(limiter));
        let start = Instant::now();
        let mut first = Call::new(
            &config,
            GetIntent::new("intent_1").unwrap(),
            &CallOptions::new(),
        )
        .unwrap();
        assert_eq!(first.pace(start), Duration::ZERO);
        assert_eq!(first.pace(start), Duration::ZERO, "one slot per attempt");
        let _ = first.next_request(start);
        let answered = start + Duration::from_secs(2);
        let _ = first.receive(response(404, &[], "{}"), answered);
        // A clone of the config shares the count.
        let mut second = Call::new(
            &config.clone(),
            GetIntent::new("intent_2").unwrap(),
            &CallOptions::new(),
        )
        .unwrap();
        assert_eq!(second.pace(answered), Duration::from_secs(60));
        // Creates are a bucket of their own.
        let mut create_call = Call::new(&config, create(), &CallOptions::new()).unwrap();
        assert_eq!(create_call.pace(answered), Duration::ZERO);
        // Without a limiter nothing waits.
        let mut free = Call::new(
            &self::config(),
            GetIntent::new("intent_3").unwrap(),
            &CallOptions::new(),
        )
        .unwrap();
        assert_eq!(free.pace(start), Duration::ZERO);
    }
}
