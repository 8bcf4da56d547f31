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

use std::time::{Duration, Instant};

use crate::{
    CallOptions, Config, Error, IdempotencyKey, MIN_TIMEOUT, Operation, Request, Response,
    RetryPolicy, Timeouts, TransportError,
    error::{LocalRateLimit, status_leaves_effect_unknown},
    meta::{ResponseMeta, WithMeta},
    observe::{AttemptDecision, AttemptEvent, AttemptOutcome, SharedObserver},
    rate_limit::{RateClass, RateLimiter},
    retry::{RetryContext, RetryDecision, RetryOutcome},
};

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
    /// The rate-limit slot of the next or current attempt, from its reservation until its
    /// answer; given back if the call ends (or is dropped) before the attempt is sent.
    slot: Option<Slot>,
    /// When the current attempt was handed to the transport.
    attempt_started: Option<Instant>,
    /// How long the whole call may take, and when that ends (set by its first step).
    deadline: Duration,
    deadline_at: Option<Instant>,
    wait_for_rate_limit: bool,
}

/// A rate-limit slot: its bucket, the time it was granted for, and whether its attempt was
/// handed to the transport.
#[derive(Debug, Clone, Copy)]
struct Slot {
    class: RateClass,
    granted: Instant,
    sent: bool,
}

/// A call dropped while it waited for its slot (a cancelled future, a caller's own timeout)
/// gives the slot back: the limiter must not count a request that never left.
impl<O: Operation> Drop for Call<O> {
    fn drop(&mut self) {
        if let (Some(limiter), Some(slot)) = (&self.limiter, self.slot.take())
            && !slot.sent
        {
            limiter.release(slot.class, slot.granted);
        }
    }
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
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

impl<O: Operation> Call<O> {
    /// Applies the options and encodes the request once; nothing is sent.
    pub fn new(config: &Config, operation: O, options: &CallOptions) -> Result<Self, Error> {
        let mut policy = config.retry_policy().clone();
        if let Some(max_retries) = options.max_retries {
            policy = policy.with_max_retries(max_retries);
        }
        let mut timeouts = config.timeouts();
        if let Some(timeout) = options.timeout {
            timeouts.request = timeout;
        }
        let deadline = options.deadline.unwrap_or_else(|| config.deadline());
        crate::config::check_durations(&[("timeout", timeouts.request), ("deadline", deadline)])?;
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
            deadline,
            deadline_at: None,
            wait_for_rate_limit: options
                .wait_for_rate_limit
                .unwrap_or_else(|| config.wait_for_rate_limit()),
        })
    }

    /// How long to wait before the next attempt for the client's rate limiter (zero without
    /// one, or with room in the window). Reserves the attempt's slot: call it once, sleep, then
    /// [`Call::next_request`]. A driver that never calls it is still counted, never paced.
    ///
    /// A slot that opens after the call's deadline is an error at once, nothing sent
    /// ([`Error::RateLimitedLocally`], saying when it opens), unless the call may wait for it
    /// (`wait_for_rate_limit`; its deadline then starts when the slot opens).
    pub fn pace(&mut self, now: Instant) -> Result<Duration, Error> {
        let deadline_at = self.deadline_at(now);
        if self.slot.is_some() {
            return Ok(Duration::ZERO);
        }
        let wait = self.reserve_slot(now);
        if wait.is_zero() {
            return Ok(wait);
        }
        let left = deadline_at.saturating_duration_since(now);
        if self.wait_for_rate_limit && wait != Duration::MAX {
            self.deadline_at = Some(deadline_at.checked_add(wait).unwrap_or(deadline_at));
            return Ok(wait);
        }
        if wait < left {
            return Ok(wait);
        }
        let Some(slot) = self.slot.take() else {
            return Ok(wait);
        };
        if let Some(limiter) = &self.limiter {
            limiter.release(slot.class, slot.granted);
        }
        let err = Error::RateLimitedLocally(Box::new(LocalRateLimit {
            class: slot.class,
            next_slot_in: (wait != Duration::MAX).then_some(wait),
            deadline_left: left,
            idempotency_key: None,
            outcome_unknown: false,
        }));
        Err(self.finish(err))
    }

    /// When the call's deadline ends: `deadline` after its first step.
    fn deadline_at(&mut self, now: Instant) -> Instant {
        *self
            .deadline_at
            .get_or_insert_with(|| now.checked_add(self.deadline).unwrap_or(now))
    }

    /// Takes the next attempt's slot from the limiter, if there is one; the wait for it.
    fn reserve_slot(&mut self, now: Instant) -> Duration {
        let Some(limiter) = &self.limiter else {
            return Duration::ZERO;
        };
        let class = RateClass::of(self.next_method());
        let wait = limiter.reserve(class, now);
        self.slot = Some(Slot {
            class,
            granted: now.checked_add(wait).unwrap_or(now),
            sent: false,
        });
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
        let deadline_at = self.deadline_at(now);
        if self.slot.is_none() {
            // Counted even when the driver did not wait, so the count stays true.
            self.reserve_slot(now);
        }
        if let Some(slot) = &mut self.slot {
            slot.sent = true;
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
        // No attempt outlives the call's deadline.
        let left = deadline_at.saturating_duration_since(now).max(MIN_TIMEOUT);
        let timeouts = Timeouts::new(
            self.timeouts.connect.min(left),
            self.timeouts.request.min(left),
        );
        request.extensions_mut().insert(timeouts);
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
        let result = result.map_err(|err| match err.host() {
            Some(_) => err,
            None => err.with_host(authority(&self.request.uri)),
        });
        if let (Some(limiter), Some(slot)) = (&self.limiter, self.slot.take()) {
            limiter.complete(slot.class, slot.granted, now);
            if let Ok(response) = &result {
                limiter.observe(slot.class, response.headers(), now);
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
        let watched = self.observer.is_some() || cfg!(feature = "metrics");
        let method = watched.then(|| self.next_method().clone());
        let step = self.decide(result, now);
        if let Some(method) = method {
            let duration = self.attempt_started.map_or(Duration::ZERO, |started| {
                now.saturating_duration_since(started)
            });
            let event = AttemptEvent {
                method: &method,
                path_template: self.operation.path_template(),
                attempt: self.attempts,
                outcome,
                duration,
                decision: match &step {
                    Step::Wait(after) => AttemptDecision::Retry { after: *after },
                    Step::Done(_) => AttemptDecision::Done,
                },
            };
            if let Some(observer) = &self.observer {
                observer.0.on_attempt(&event);
            }
            #[cfg(feature = "metrics")]
            crate::observe::record_metrics(&event);
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
        let deadline_at = self.deadline_at(now);
        let decision = |outcome| {
            let decision = self.policy.decide(&RetryContext {
                attempts: self.attempts,
                elapsed,
                safety: self.operation.retry_safety(),
                outcome,
                random: self.jitter.sample(),
            });
            match decision {
                // A retry that could not start before the deadline is not made.
                RetryDecision::RetryAfter(delay)
                    if now.checked_add(delay).is_none_or(|at| at >= deadline_at) =>
                {
                    RetryDecision::Stop
                }
                other => other,
            }
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
                match self.operation.confirmed(response) {
                    Ok(Some(output)) => return Ok(output),
                    Ok(None) => true,
                    // Found by the simulation (seed 1468): a read whose body was cut short
                    // settled a lost cancel as "refused", known.
                    Err(_) => false,
                }
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

/// `host:port` of a request's URI, the port from the scheme when the URI has none: what a
/// transport error names.
fn authority(uri: &http::Uri) -> String {
    let host = uri.host().unwrap_or("?");
    let port = uri.port_u16().unwrap_or(match uri.scheme_str() {
        Some("http") => 80,
        _ => 443,
    });
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transport_error_names_host_and_port() {
        let table = [
            (
                "https://sandbox.pushcash.com/intent",
                "sandbox.pushcash.com:443",
            ),
            ("http://127.0.0.1:4010/intent", "127.0.0.1:4010"),
            ("http://localhost/x", "localhost:80"),
            ("https://[::1]:8443/x", "[::1]:8443"),
        ];
        for (uri, expected) in table {
            assert_eq!(authority(&uri.parse().unwrap()), expected, "{uri}");
        }
    }
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
    fn options_override_timeout_and_retries() {
        let options = CallOptions::new()
            .timeout(Duration::from_secs(3))
            .max_retries(0);
        let op = create();
        let key = op.idempotency_key().clone();
        let mut call = Call::new(&config(), op, &options).unwrap();
        let request = call.next_request(Instant::now());
        assert_eq!(request.headers()["x-idempotency-key"], key.as_str());
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

        let idempotent = raw()
            .idempotency_key(IdempotencyKey::new("r-1").unwrap())
            .idempotent();
        let mut call = Call::new(&config(), idempotent, &CallOptions::new()).unwrap();
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

        // Found by the simulation (seed 1468): a read that answers 200 with a body cut short
        // (or another intent) cannot settle anything: the outcome is unknown.
        for read in [
            owned(200, intent_json("intent_1", "approved")[..40].to_owned()),
            owned(200, intent_json("intent_2", "canceled")),
        ] {
            let mut call = Call::new(&config(), cancel(), &CallOptions::new()).unwrap();
            let script = vec![response(500, &[], ""), conflict(), read];
            let err = run(&mut call, script).0.unwrap().unwrap_err();
            assert_eq!(err.status().unwrap(), 409);
            assert!(err.is_outcome_unknown(), "{err}");
        }

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
            assert_eq!(
                err.to_string().matches("outcome unknown").count(),
                usize::from(unknown)
            );
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

    /// Regression (issue 22 A4): a key given to a scoped client served one call, and the
    /// natural retry through the same client sent a new key. The key belongs to the operation:
    /// a retry of the same (cloned) operation carries the same key, every time.
    #[test]
    fn a_retried_operation_carries_its_own_key() {
        let op = create();
        let sent = |op: CreateIntent| {
            let mut call = Call::new(&config(), op, &CallOptions::new()).unwrap();
            call.next_request(Instant::now()).headers()["x-idempotency-key"].clone()
        };
        let first = sent(op.clone());
        let second = sent(op.clone());
        assert_eq!(first, second);
        assert_eq!(first, op.idempotency_key().as_str());
        assert_ne!(sent(create()), first, "a new operation has a new key");
    }

    /// Issue 14: the observer sees each attempt (never headers or bodies), with the decision
    /// the machine took; the last response's metadata is kept on success.
    #[test]
    fn the_observer_sees_every_attempt_and_the_meta_is_kept() {
        use crate::observe::{AttemptDecision, AttemptOutcome, SharedObserver};
        let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
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
        assert_eq!(first.pace(start).unwrap(), Duration::ZERO);
        assert_eq!(
            first.pace(start).unwrap(),
            Duration::ZERO,
            "one slot per attempt"
        );
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
        let wait = second.pace(answered).unwrap();
        assert!(
            wait >= Duration::from_secs(60) && wait <= Duration::from_secs(61),
            "{wait:?}"
        );
        // Creates are a bucket of their own.
        let mut create_call = Call::new(&config, create(), &CallOptions::new()).unwrap();
        assert_eq!(create_call.pace(answered).unwrap(), Duration::ZERO);
        // Without a limiter nothing waits.
        let mut free = Call::new(
            &self::config(),
            GetIntent::new("intent_3").unwrap(),
            &CallOptions::new(),
        )
        .unwrap();
        assert_eq!(free.pace(start).unwrap(), Duration::ZERO);
    }

    fn limited(
        create: u32,
        read: u32,
        window: Duration,
    ) -> (Config, crate::rate_limit::RateLimiter) {
        use crate::rate_limit::{RateLimiter, RateLimits};
        let limiter = RateLimiter::new(RateLimits::new(create, read, window));
        (config().with_rate_limiter(Some(limiter.clone())), limiter)
    }

    /// Regression (issue 22 B8): the 101st create of the hour waited the hour out, past every
    /// timeout. A slot that opens after the deadline fails the call at once, nothing sent,
    /// saying when it opens; unless the caller asked to wait.
    #[test]
    fn a_slot_after_the_deadline_fails_at_once() {
        let (config, limiter) = limited(1, 1, Duration::from_secs(3_600));
        let start = Instant::now();
        let mut first = Call::new(&config, create(), &CallOptions::new()).unwrap();
        assert_eq!(first.pace(start).unwrap(), Duration::ZERO);
        let _ = first.next_request(start);
        let _ = first.receive(response(200, &[], r#"{"id":"i"}"#), start);
        let mut second = Call::new(&config, create(), &CallOptions::new()).unwrap();
        let err = second.pace(start).unwrap_err();
        assert!(err.is_rate_limited(), "{err}");
        assert!(!err.may_have_reached_server());
        assert!(!err.is_outcome_unknown());
        assert_eq!(
            err.idempotency_key(),
            Some(second.idempotency_key().unwrap())
        );
        let wait = err.retry_after().unwrap();
        assert!(wait >= Duration::from_secs(3_599), "{wait:?}");
        assert!(
            err.to_string().contains("next create slot opens in"),
            "{err}"
        );
        // Nothing was kept: a read is free, and the next create is told the same.
        let mut read =
            Call::new(&config, GetIntent::new("i").unwrap(), &CallOptions::new()).unwrap();
        assert_eq!(read.pace(start).unwrap(), Duration::ZERO);
        drop(read);
        assert!(
            Call::new(&config, create(), &CallOptions::new())
                .unwrap()
                .pace(start)
                .is_err()
        );
        // Asked to wait, it waits (and its deadline starts when the slot opens).
        let options = CallOptions::new().wait_for_rate_limit(true);
        let mut patient = Call::new(&config, create(), &options).unwrap();
        assert!(patient.pace(start).unwrap() >= Duration::from_secs(3_599));
        drop(patient);
        drop(limiter);
    }

    /// Regression (issue 22 B10): the timeout was per attempt, and waits were outside it. One
    /// deadline bounds attempts, waits and pacing; a write it ends after sending is unknown.
    #[test]
    fn one_deadline_bounds_the_whole_call() {
        let options = CallOptions::new().deadline(Duration::from_secs(2));
        let start = Instant::now();
        let mut call = Call::new(&config(), create(), &options).unwrap();
        assert_eq!(call.pace(start).unwrap(), Duration::ZERO);
        let request = call.next_request(start);
        // The attempt's own timeouts are cut to what is left of the deadline.
        let timeouts = request.extensions().get::<Timeouts>().unwrap();
        assert_eq!(timeouts.request, Duration::from_secs(2));
        assert_eq!(timeouts.connect, Duration::from_secs(2));
        // A retry after 1.5 s of attempt would start past the deadline only with a wait: a
        // 503 asking for 1 s at 1.5 s is the end, and the create's outcome is unknown.
        let at = start + Duration::from_millis(1_500);
        let step = call.receive(response(503, &[("retry-after", "1")], ""), at);
        let Step::Done(Err(err)) = step else {
            panic!("{step:?}")
        };
        assert!(err.is_outcome_unknown(), "{err}");
        assert!(err.to_string().starts_with("outcome unknown"), "{err}");
        // A 429 asking for a day stops at once too (it never waits past the deadline).
        let mut call = Call::new(&config(), GetIntent::new("i").unwrap(), &options).unwrap();
        let _ = call.next_request(start);
        let step = call.receive(response(429, &[("retry-after", "86400")], ""), start);
        assert!(
            matches!(step, Step::Done(Err(Error::RateLimited(_)))),
            "{step:?}"
        );
        // Timeouts and deadlines that round to nothing are refused, naming the field.
        for (options, field) in [
            (
                CallOptions::new().deadline(Duration::from_nanos(100)),
                "deadline",
            ),
            (CallOptions::new().timeout(Duration::ZERO), "timeout"),
        ] {
            let Err(Error::Validation(err)) = Call::new(&config(), create(), &options) else {
                panic!("{field} accepted")
            };
            assert_eq!(err.field(), field);
        }
    }

    /// Regression (issue 22 B11): a call dropped while waiting for its slot kept it.
    #[test]
    fn a_dropped_wait_gives_its_slot_back() {
        let (config, _limiter) = limited(5, 1, Duration::from_secs(2));
        let start = Instant::now();
        let get = || GetIntent::new("i").unwrap();
        let mut first = Call::new(&config, get(), &CallOptions::new()).unwrap();
        assert_eq!(first.pace(start).unwrap(), Duration::ZERO);
        let _ = first.next_request(start);
        for _ in 0..5 {
            let mut waiting = Call::new(&config, get(), &CallOptions::new()).unwrap();
            let wait = waiting.pace(start).unwrap();
            assert!(
                wait > Duration::ZERO && wait <= Duration::from_millis(2_100),
                "{wait:?}"
            );
            drop(waiting);
        }
        let mut next = Call::new(&config, get(), &CallOptions::new()).unwrap();
        let wait = next.pace(start).unwrap();
        assert!(wait <= Duration::from_millis(2_100), "{wait:?}");
        // A sent attempt keeps its slot when dropped: it may have reached Push.
        drop(first);
        drop(next);
        let mut after = Call::new(&config, get(), &CallOptions::new()).unwrap();
        assert!(after.pace(start).unwrap() > Duration::ZERO);
    }
}
