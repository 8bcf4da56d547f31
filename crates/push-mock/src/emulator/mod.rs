//! The emulator's state and routes: what Push does with each request, without any IO.
//!
//! [`Emulator::handle`] takes an `http::Request<Bytes>` and returns a [`Delivery`]: the
//! response, or how a fault mangles it. The hyper server ([`crate::MockServer`]) and the
//! in-memory transport ([`crate::MemoryTransport`]) both call it, so they behave the same.

//!
//! One file per resource, mirroring the SDK's `ops/`: [`intents`] and [`authorize`]; the state
//! store in [`state`], request parsing in [`request`], webhook delivery in [`webhooks`]. The
//! emulator writes its JSON itself (its own records, `serde_json::json!`), never through the
//! SDK's models: it is an independent oracle for them.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

use bytes::Bytes;
use http::{Method, StatusCode, header};
use push_core::Intent;
use serde_json::json;

use crate::faults::{Fault, FaultConfig, Faults};

mod authorize;
mod controls;
mod disputes;
mod intents;
mod ledger;
mod listing;
mod rate_limits;
mod refunds;
mod request;
mod state;
mod tokens;
mod users;
mod webhooks;

pub use authorize::{MockOutcome, authorize_outcome};
pub use ledger::Discrepancy;
pub use rate_limits::RateLimitRules;
pub(crate) use request::json_response_value;
pub use webhooks::OutgoingWebhook;

use intents::Transition;
use request::{encode, error, json_response};
use state::{NewIntent, State};

/// The token the emulator accepts by default.
pub const DEFAULT_TOKEN: &str = "sk_test_push_mock";

/// How the emulator is set up.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// The bearer token requests must carry (default [`DEFAULT_TOKEN`]).
    pub token: String,
    /// Intents per list page (default 10).
    pub page_size: usize,
    /// Injected faults (default none).
    pub faults: FaultConfig,
    /// Intents made at start (every fifth declined, the others approved and posted to the
    /// ledger), for listing tests: [`Emulator::seed_intents`].
    pub seed_intents: usize,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            token: DEFAULT_TOKEN.to_owned(),
            page_size: 10,
            faults: FaultConfig::default(),
            seed_intents: 0,
        }
    }
}

/// What reaches the client.
#[derive(Debug)]
pub enum Delivery {
    /// The response, whole.
    Respond(http::Response<Bytes>),
    /// The request took effect, then the connection closed without a response.
    CloseAfterCommit,
    /// The request took effect; the head and `sent` body bytes go out, then nothing for
    /// `hold`, then the connection closes.
    Stall {
        /// The response whose body is cut.
        response: http::Response<Bytes>,
        /// Body bytes sent before the stall.
        sent: usize,
        /// How long nothing is sent.
        hold: Duration,
    },
    /// The request took effect; the body is sent in small chunks with a pause between them.
    Slow {
        /// The response.
        response: http::Response<Bytes>,
        /// The pause between chunks.
        pause: Duration,
    },
}

impl Delivery {
    /// The response, whatever the fault did to its delivery (none for a closed connection).
    pub fn response(&self) -> Option<&http::Response<Bytes>> {
        match self {
            Delivery::Respond(response)
            | Delivery::Stall { response, .. }
            | Delivery::Slow { response, .. } => Some(response),
            Delivery::CloseAfterCommit => None,
        }
    }
}

/// What took effect, for tests to assert on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Requests received, faulted ones included.
    pub requests: u64,
    /// Intents created by `POST /intent`.
    pub intents_created: u64,
    /// Intents created by `POST /authorize`.
    pub authorizations: u64,
    /// Requests carrying each `X-Idempotency-Key`.
    pub requests_per_key: HashMap<String, u64>,
    /// `POST /authorize` requests carrying each `token`.
    pub requests_per_token: HashMap<String, u64>,
    /// Faults injected, by kind.
    pub faults: HashMap<Fault, u64>,
    /// Webhooks queued for delivery.
    pub webhooks_queued: u64,
    /// Webhooks the server delivered (the receiver answered 2xx).
    pub webhooks_delivered: u64,
    /// Webhooks the server could not deliver (not loopback, no answer, or not 2xx).
    pub webhooks_failed: u64,
    /// Users created by `POST /user` (a repeated tag creates none).
    pub users_created: u64,
    /// Card tokens issued by `POST /tokenize`.
    pub tokens_issued: u64,
    /// Requests answered `429` by the enforced rate limits.
    pub rate_limited: u64,
}

/// A control ([`Emulator::advance`], [`Emulator::open_dispute`], ...) refused: the status and
/// message its HTTP route would answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlError {
    /// The HTTP status of the refusal (404 unknown id, 409 wrong state, 400 bad value).
    pub status: u16,
    /// Why.
    pub message: String,
}

impl ControlError {
    fn check(status: StatusCode, body: &serde_json::Value) -> Result<(), ControlError> {
        if status.is_success() {
            return Ok(());
        }
        Err(ControlError {
            status: status.as_u16(),
            message: body["message"].as_str().unwrap_or_default().to_owned(),
        })
    }
}

impl std::fmt::Display for ControlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.status)
    }
}

impl std::error::Error for ControlError {}

/// The emulator: cheap to clone, all clones share one state.
#[derive(Clone)]
pub struct Emulator {
    config: Arc<EmulatorConfig>,
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("page_size", &self.config.page_size)
            .finish_non_exhaustive()
    }
}

impl Default for Emulator {
    fn default() -> Self {
        Self::new(EmulatorConfig::default())
    }
}

impl Emulator {
    /// A fresh emulator with no intents.
    pub fn new(config: EmulatorConfig) -> Self {
        let state = State::new(Faults::new(config.faults.clone()));
        let seed = config.seed_intents;
        let emulator = Self {
            config: Arc::new(config),
            state: Arc::new(Mutex::new(state)),
        };
        emulator.seed_intents(seed);
        emulator
    }

    /// The bearer token requests must carry.
    pub fn token(&self) -> &str {
        &self.config.token
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while locked would be a bug in the emulator; keep serving what is there.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The counters so far.
    pub fn stats(&self) -> Stats {
        self.lock().stats.clone()
    }

    /// Every intent, oldest first, as the SDK reads the emulator's JSON of it (an intent the
    /// SDK could not read would be missing here, and the tests that count them would fail).
    pub fn intents(&self) -> Vec<Intent> {
        let state = self.lock();
        let json: Vec<String> = (0..state.intents.len())
            .map(|index| state.intent_json(index).to_string())
            .collect();
        drop(state);
        json.into_iter()
            .filter_map(|body| Intent::from_json(body).ok())
            .collect()
    }

    /// Number of intents held.
    pub fn intent_count(&self) -> usize {
        self.lock().intents.len()
    }

    /// Takes the webhooks waiting for delivery (the server delivers them itself; with the
    /// in-memory transport, tests take them here).
    pub fn take_outbox(&self) -> Vec<OutgoingWebhook> {
        self.lock().outbox.drain(..).collect()
    }

    /// Counts a delivery attempt's outcome.
    pub(crate) fn record_delivery(&self, delivered: bool) {
        let mut state = self.lock();
        if delivered {
            state.stats.webhooks_delivered += 1;
        } else {
            state.stats.webhooks_failed += 1;
        }
    }

    /// Adds `count` intents directly (no request), for listing tests: every fifth declined,
    /// the others approved and posted to the ledger like any approved intent.
    pub fn seed_intents(&self, count: usize) {
        let mut state = self.lock();
        for n in 0..count {
            let index = state.insert_intent(NewIntent {
                amount: 100 + (n as i64 % 9_900),
                direction: if n % 3 == 0 { "cash_out" } else { "cash_in" },
                user_id: format!("user_seed{:04}", n % 50),
                status: if n % 5 == 0 { "declined" } else { "approved" },
                idempotency_key: None,
                decline_category: None,
                manual: false,
                account_id: None,
                refund_declines: false,
            });
            if state.intents[index].status == "approved" {
                state.post_intent(index);
            }
        }
    }

    /// Adds `count` approved intents directly (no request), spread over `accounts` settlement
    /// accounts (1 or more; the first is the main one), each posted to the ledger: the next
    /// cut-off nets them into one transfer per account. A day of volume, for reconciliation.
    pub fn seed_approved(&self, count: usize, accounts: usize) {
        let accounts: Vec<String> = (0..accounts.max(1))
            .map(|n| match n {
                0 => ledger::SETTLEMENT_ACCOUNT.to_owned(),
                n => format!("account_seed_{n:03}"),
            })
            .collect();
        let mut state = self.lock();
        for n in 0..count {
            let index = state.insert_intent(NewIntent {
                amount: 100 + (n as i64 % 9_900),
                direction: if n % 3 == 0 { "cash_out" } else { "cash_in" },
                user_id: format!("user_seed{:04}", n % 50),
                status: "approved",
                idempotency_key: None,
                decline_category: None,
                manual: false,
                account_id: Some(accounts[n % accounts.len()].as_str()),
                refund_declines: false,
            });
            state.post_intent(index);
        }
    }

    /// A new intent that ends `event` (`intent.approved` or `intent.declined`) at once, its
    /// webhook (carrying `tag`) queued to the registered endpoint; returns the intent id.
    /// `POST /_emulator/trigger {"type", "tag"}` does the same over HTTP (`push trigger`);
    /// a [`crate::MockServer`] sends what a request queued when it answers that request, so
    /// over a server, trigger over HTTP (or read [`Emulator::take_outbox`] yourself).
    pub fn trigger(&self, event: &str, tag: Option<&str>) -> Result<String, ControlError> {
        let (status, body) = webhooks::trigger(&mut self.lock(), event, tag);
        ControlError::check(status, &body)?;
        Ok(body["intent_id"].as_str().unwrap_or_default().to_owned())
    }

    /// The emulator's clock: the wall clock plus every [`Emulator::advance`].
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.lock().now()
    }

    /// Moves the emulator's clock on by `by` (at most a year a call) and runs the daily
    /// cut-off: every day that ended is netted into transfers. Returns how many were made.
    /// `POST /_emulator/clock/advance {"seconds": n}` does the same over HTTP.
    pub fn advance(&self, by: Duration) -> Result<usize, ControlError> {
        let (status, body) = controls::advance(&mut self.lock(), by);
        ControlError::check(status, &body)?;
        Ok(body["transfers"].as_u64().unwrap_or(0) as usize)
    }

    /// Opens a dispute on an approved intent with the network's `code` (`"10.4"`, `"R01"`):
    /// the amount is debited on the dispute account. Returns the dispute id.
    /// `POST /_emulator/dispute {"intent_id", "code"}` does the same over HTTP.
    pub fn open_dispute(&self, intent_id: &str, code: &str) -> Result<String, ControlError> {
        let (status, body) = disputes::open(&mut self.lock(), intent_id, code);
        ControlError::check(status, &body)?;
        Ok(body["id"].as_str().unwrap_or_default().to_owned())
    }

    /// Resolves an open dispute, `won` (the amount is credited back) or lost.
    /// `POST /_emulator/dispute/{id}/resolve {"status": "won"|"lost"}` does the same over HTTP.
    pub fn resolve_dispute(&self, dispute_id: &str, won: bool) -> Result<(), ControlError> {
        let (status, body) = disputes::resolve(&mut self.lock(), dispute_id, won);
        ControlError::check(status, &body)
    }

    /// Makes the ledger wrong on purpose, for reconciliation to find: the next transfer (or
    /// intent entry) is off by the given cents. `POST /_emulator/discrepancy` over HTTP.
    /// Returns the intent it made, for [`Discrepancy::UnknownIntent`].
    pub fn inject_discrepancy(&self, discrepancy: Discrepancy) -> Option<String> {
        self.lock().inject(discrepancy)
    }

    /// Injects `fault` into the next request with this method whose path ends with
    /// `path_suffix` (`"/approve"`, say), once, whatever the seeded faults would draw.
    pub fn fault_next(&self, method: http::Method, path_suffix: &str, fault: Fault) {
        self.lock()
            .targeted
            .push((method, path_suffix.to_owned(), fault));
    }

    /// Enforces Push's rate limits from now on (a fresh count): every answer carries the
    /// `X-RateLimit-*` headers, and a request over its bucket's limit is answered `429` and
    /// takes no effect (see [`RateLimitRules`]). The `/_emulator/` controls are not counted.
    pub fn enforce_rate_limits(&self, rules: RateLimitRules) {
        self.lock().rate_limits = Some(rate_limits::Windows::new(rules));
    }

    /// Answers one request, faults included.
    pub fn handle(&self, request: http::Request<Bytes>) -> Delivery {
        let mut state = self.lock();
        state.stats.requests += 1;
        let counted = !request.uri().path().starts_with(controls::PREFIX);
        let verdict = match &mut state.rate_limits {
            Some(windows) if counted => {
                Some(windows.admit(request.method(), std::time::Instant::now()))
            }
            _ => None,
        };
        if let Some(verdict) = &verdict
            && !verdict.allowed
        {
            state.stats.rate_limited += 1;
            let (status, body) = rate_limits::too_many_requests();
            let mut response = json_response(status, &body);
            verdict.stamp(&mut response);
            return Delivery::Respond(response);
        }
        if let Some(key) = request
            .headers()
            .get("x-idempotency-key")
            .and_then(|v| v.to_str().ok())
        {
            *state
                .stats
                .requests_per_key
                .entry(key.to_owned())
                .or_default() += 1;
        }
        let path = request.uri().path();
        let fault =
            match state.targeted.iter().position(|(method, suffix, _)| {
                method == request.method() && path.ends_with(suffix)
            }) {
                Some(index) => Some(state.targeted.remove(index).2),
                None => state.faults.draw(),
            };
        if let Some(fault) = fault {
            *state.stats.faults.entry(fault).or_default() += 1;
            if let Some(response) = fault.before_effect() {
                return Delivery::Respond(response);
            }
        }
        let (status, body) = self.route(&mut state, &request);
        let now = state.now();
        drop(state);
        let mut response = json_response(status, &body);
        // The emulator's clock, advanced or not, is the server's: a client judging what is due
        // (reconciliation) reads it here, as it would read Push's.
        if let Ok(date) =
            http::HeaderValue::from_str(&now.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
        {
            response.headers_mut().insert(header::DATE, date);
        }
        if let Some(verdict) = &verdict {
            verdict.stamp(&mut response);
        }
        // The one route that answers plain text, as Push's does.
        if request.uri().path() == "/keys/verify" && status.is_success() {
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                http::HeaderValue::from_static("text/plain; charset=utf-8"),
            );
        }
        match fault {
            Some(Fault::CloseAfterCommit) => Delivery::CloseAfterCommit,
            Some(Fault::ErrorAfterCommit) => Delivery::Respond(json_response_value(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"message": "internal error (injected after the request took effect)"}),
            )),
            Some(Fault::StallBody) => {
                let sent = response.body().len() / 2;
                Delivery::Stall {
                    response,
                    sent,
                    hold: self.config.faults.stall,
                }
            }
            Some(Fault::SlowBody) => Delivery::Slow {
                response,
                pause: Duration::from_millis(5),
            },
            _ => Delivery::Respond(response),
        }
    }

    fn route(&self, state: &mut State, request: &http::Request<Bytes>) -> (StatusCode, Bytes) {
        let authorized = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|token| token == self.config.token);
        if !authorized {
            return encode(error(
                StatusCode::UNAUTHORIZED,
                "invalid or missing API token",
            ));
        }
        // The cut-off runs whenever the clock has passed midnight, advanced or not.
        state.settle();
        let path = request.uri().path();
        let method = request.method();
        let page_size = self.config.page_size;
        match (method, path) {
            (_, _) if let Some(rest) = path.strip_prefix(controls::PREFIX) => {
                encode(controls::route(state, request, rest))
            }
            (&Method::POST, "/refund") => encode(refunds::create(state, request)),
            (&Method::GET, "/dispute/list") => encode(disputes::list(state, request, page_size)),
            (&Method::GET, "/account/list") => encode(ledger::list_accounts(state)),
            (&Method::GET, "/transaction/list") => {
                encode(ledger::list_transactions(state, request, page_size))
            }
            (&Method::GET, "/transfer/list") => {
                encode(ledger::list_transfers(state, request, page_size))
            }
            (&Method::POST, "/webhook/register") => webhooks::register(state, request),
            (&Method::GET, _) if let Some(id) = path.strip_prefix("/refund/") => {
                encode(refunds::get(state, id))
            }
            (&Method::GET, _) if let Some(id) = path.strip_prefix("/dispute/") => {
                encode(disputes::get(state, id))
            }
            (&Method::GET, _) if let Some(id) = path.strip_prefix("/account/") => {
                encode(ledger::get_account(state, id))
            }
            (&Method::GET, _) if let Some(id) = path.strip_prefix("/transaction/") => {
                encode(ledger::get_transaction(state, id))
            }
            (&Method::GET, _) if let Some(id) = path.strip_prefix("/transfer/") => {
                encode(ledger::get_transfer(state, id))
            }
            (&Method::POST, "/intent") => intents::create(state, request),
            (&Method::GET, "/intent/list") => {
                encode(intents::list(state, request, self.config.page_size))
            }
            (&Method::POST, "/authorize") => authorize::authorize(state, request),
            (&Method::POST, "/user") => encode(users::create(state, request)),
            (&Method::GET | &Method::POST, _) if let Some(rest) = path.strip_prefix("/user/") => {
                users::route(state, request, rest, self.config.page_size)
            }
            (&Method::POST, "/tokenize") => encode(tokens::tokenize(state, request)),
            (&Method::POST, "/sandbox/credential") => {
                encode(tokens::simulate_credential(state, request))
            }
            (&Method::POST, "/keys/verify") => (
                StatusCode::OK,
                Bytes::from_static(tokens::ORGANISATION.as_bytes()),
            ),
            (&Method::GET, _) if let Some(id) = path.strip_prefix("/intent/") => {
                encode(intents::get(state, id))
            }
            (&Method::POST, _) if let Some(rest) = path.strip_prefix("/intent/") => {
                match rest.rsplit_once('/') {
                    Some((id, "approve")) => {
                        encode(intents::transition(state, id, Transition::Approve))
                    }
                    Some((id, "cancel")) => {
                        encode(intents::transition(state, id, Transition::Cancel))
                    }
                    _ => encode(error(
                        StatusCode::NOT_FOUND,
                        format!("no route for {method} {path}"),
                    )),
                }
            }
            (
                _,
                "/intent"
                | "/intent/list"
                | "/authorize"
                | "/user"
                | "/tokenize"
                | "/sandbox/credential"
                | "/keys/verify"
                | "/refund"
                | "/dispute/list"
                | "/account/list"
                | "/transaction/list"
                | "/transfer/list"
                | "/webhook/register",
            ) => encode(error(StatusCode::METHOD_NOT_ALLOWED, "method not allowed")),
            _ => encode(error(
                StatusCode::NOT_FOUND,
                format!("no route for {method} {path}"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn request(method: &str, target: &str, body: &str) -> http::Request<Bytes> {
        http::Request::builder()
            .method(method)
            .uri(target)
            .header("authorization", format!("Bearer {DEFAULT_TOKEN}"))
            .body(Bytes::from(body.to_owned()))
            .unwrap()
    }

    fn answer(emulator: &Emulator, request: http::Request<Bytes>) -> (u16, Value) {
        match emulator.handle(request) {
            Delivery::Respond(response) => (
                response.status().as_u16(),
                serde_json::from_slice(response.body()).unwrap(),
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_token_is_required() {
        let emulator = Emulator::default();
        let mut req = request("GET", "/intent/list", "");
        req.headers_mut().remove("authorization");
        assert_eq!(answer(&emulator, req).0, 401);
    }

    #[test]
    fn same_key_same_body_replays_different_body_conflicts() {
        let emulator = Emulator::default();
        let body = r#"{"user_id":"u","amount":5,"currency":"USD","direction":"cash_in"}"#;
        let with_key = |body: &str| {
            let mut req = request("POST", "/intent", body);
            req.headers_mut()
                .insert("x-idempotency-key", "k1".parse().unwrap());
            req
        };
        let first = answer(&emulator, with_key(body));
        let second = answer(&emulator, with_key(body));
        assert_eq!(first, second);
        assert_eq!(emulator.intent_count(), 1);
        let conflict = answer(
            &emulator,
            with_key(r#"{"user_id":"u","amount":6,"currency":"USD","direction":"cash_in"}"#),
        );
        assert_eq!(conflict.0, 409);
        assert_eq!(emulator.stats().requests_per_key["k1"], 3);
    }

    #[test]
    fn validation_answers_400_naming_the_field() {
        let emulator = Emulator::default();
        let table = [
            (
                r#"{"amount":5,"currency":"USD","direction":"cash_in"}"#,
                "user_id",
            ),
            (
                r#"{"user_id":"u","amount":0,"currency":"USD","direction":"cash_in"}"#,
                "amount",
            ),
            (
                r#"{"user_id":"u","amount":5,"currency":"EUR","direction":"cash_in"}"#,
                "currency",
            ),
            (
                r#"{"user_id":"u","amount":5,"currency":"USD","direction":"up"}"#,
                "direction",
            ),
            (
                r#"{"user_id":"u","amount":5,"currency":"USD","direction":"cash_in","approval_mode":"manual"}"#,
                "approval_mode",
            ),
            (r#"{"user_id":"u","token":"t","amount":5}"#, "amount"),
            (
                r#"{"user_id":"u","amount":5,"currency":"USD","direction":"cash_in","webhook_url":"http://example.com"}"#,
                "webhook_url",
            ),
        ];
        for (body, field) in table {
            let (status, answer) = answer(&emulator, request("POST", "/intent", body));
            assert_eq!(
                (status, answer["field"].as_str()),
                (400, Some(field)),
                "{body}"
            );
        }
        assert_eq!(emulator.intent_count(), 0);
    }

    #[test]
    fn authorize_outcomes_follow_the_amount() {
        let emulator = Emulator::default();
        let body = |amount: i64| {
            format!(
                r#"{{"amount":{amount},"currency":"USD","direction":"cash_in","credential_id":"cred_1"}}"#
            )
        };
        assert_eq!(
            answer(&emulator, request("POST", "/authorize", &body(1000))).0,
            200
        );
        assert_eq!(
            answer(&emulator, request("POST", "/authorize", &body(150_000))).0,
            202
        );
        let (status, declined) = answer(&emulator, request("POST", "/authorize", &body(1003)));
        assert_eq!(
            (status, declined["decline_category"].as_str()),
            (401, Some("fraud_risk"))
        );
        assert_eq!(emulator.stats().authorizations, 3);
    }

    #[test]
    fn listing_is_newest_first_and_filtered() {
        let emulator = Emulator::new(EmulatorConfig {
            page_size: 3,
            ..EmulatorConfig::default()
        });
        emulator.seed_intents(10);
        let (_, first) = answer(&emulator, request("GET", "/intent/list", ""));
        let ids: Vec<&str> = first["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap())
            .collect();
        let all = emulator.intents();
        assert_eq!(
            ids,
            [all[9].id.as_str(), all[8].id.as_str(), all[7].id.as_str()]
        );
        let cursor = first["next_cursor"].as_str().unwrap();
        let target = format!(
            "/intent/list?cursor={}",
            form_urlencoded::byte_serialize(cursor.as_bytes()).collect::<String>()
        );
        let (_, second) = answer(&emulator, request("GET", &target, ""));
        assert_eq!(second["data"][0]["id"], all[6].id.as_str());
        let (_, declined) = answer(
            &emulator,
            request("GET", "/intent/list?status=declined", ""),
        );
        assert!(
            declined["data"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i["status"] == "declined")
        );
        assert_eq!(
            answer(&emulator, request("GET", "/intent/list?status=held", "")).0,
            400
        );
        assert_eq!(
            answer(&emulator, request("GET", "/intent/list?cursor=abc", "")).0,
            400
        );
    }

    const USER: &str = r#"{"name":{"first":"A","last":"H"},"email":"a@h.co","address":{"address_line_1":"1 A St","locality":"X","administrative_area":"CA","postal_code":"94923","country":"US"},"date_of_birth":"1899-08-13","government_id":{"type":"passport","last4":"7349"},"identity_verified":true,"tag":"t-1"}"#;

    fn new_user(emulator: &Emulator, body: &str) -> String {
        let (status, created) = answer(emulator, request("POST", "/user", body));
        assert_eq!(status, 200, "{created}");
        created["id"].as_str().unwrap().to_owned()
    }

    fn tokenize(emulator: &Emulator, user: &str, pan: &str) -> (u16, Value) {
        let body = format!(
            r#"{{"user_id":"{user}","pan":"{pan}","cvv":"123","exp_month":"12","exp_year":"28"}}"#
        );
        answer(emulator, request("POST", "/tokenize", &body))
    }

    #[test]
    fn users_are_deduplicated_on_tag_and_validated() {
        let emulator = Emulator::default();
        let first = new_user(&emulator, USER);
        assert_eq!(new_user(&emulator, USER), first, "same tag, same user");
        let untagged = USER.replace(r#","tag":"t-1""#, "");
        assert_ne!(
            new_user(&emulator, &untagged),
            new_user(&emulator, &untagged)
        );
        assert_eq!(emulator.stats().users_created, 3);
        for (from, to, field) in [
            (r#""email":"a@h.co""#, r#""email":"ah""#, "email"),
            (r#""CA""#, r#""ca""#, "address.administrative_area"),
            (r#""1899-08-13""#, r#""1899-02-30""#, "date_of_birth"),
            (
                r#""passport""#,
                r#""drivers_license""#,
                "government_id.state",
            ),
            (
                r#""identity_verified":true"#,
                r#""identity_verified":"yes""#,
                "identity_verified",
            ),
        ] {
            let (status, body) =
                answer(&emulator, request("POST", "/user", &USER.replace(from, to)));
            assert_eq!(
                (status, body["field"].as_str()),
                (400, Some(field)),
                "{body}"
            );
        }
        let (status, user) = answer(&emulator, request("GET", &format!("/user/{first}"), ""));
        assert_eq!(status, 200);
        assert_eq!(user["status"], "enabled");
        assert_eq!(user["tag"], "t-1");
        for target in [
            "/user/user_nobody",
            "/user/user_nobody/credential/list?type=secure_debit",
        ] {
            assert_eq!(
                answer(&emulator, request("GET", target, "")).0,
                404,
                "{target}"
            );
        }
        for target in ["/user/user_nobody/url", "/user/user_nobody/credential"] {
            assert_eq!(
                answer(&emulator, request("POST", target, "{}")).0,
                404,
                "{target}"
            );
        }
    }

    #[test]
    fn tokens_are_bound_to_a_user_and_good_once() {
        let emulator = Emulator::default();
        let user = new_user(&emulator, USER);
        let other = new_user(&emulator, &USER.replace("t-1", "t-2"));
        let (status, body) = tokenize(&emulator, &user, "5555555555554445");
        assert_eq!((status, body["field"].as_str()), (400, Some("pan")), "Luhn");
        assert_eq!(
            tokenize(&emulator, "user_nobody", "5555555555554444").0,
            404
        );
        let (status, token) = tokenize(&emulator, &user, "5555555555554444");
        assert_eq!(status, 200);
        let token = token["token"].as_str().unwrap().to_owned();
        let store = format!(r#"{{"token":"{token}"}}"#);
        let wrong = answer(
            &emulator,
            request("POST", &format!("/user/{other}/credential"), &store),
        );
        assert_eq!(wrong.0, 400, "another user's token: {}", wrong.1);
        // Authorizing with the token stores the card on its user; the token is then spent.
        let pay = format!(
            r#"{{"amount":1000,"currency":"USD","direction":"cash_in","token":"{token}"}}"#
        );
        assert_eq!(
            answer(&emulator, request("POST", "/authorize", &pay)).0,
            200
        );
        let list = format!("/user/{user}/credential/list");
        assert_eq!(
            answer(&emulator, request("GET", &list, "")).1["data"],
            serde_json::json!([]),
            "no type, no credentials: as Push"
        );
        let all = format!("{list}?type=secure_debit&type=card_only_debit");
        let (_, stored) = answer(&emulator, request("GET", &all, ""));
        assert_eq!(stored["data"][0]["card_last4"], "4444");
        assert_eq!(emulator.intents().last().unwrap().user_id, user.as_str());
        let spent = answer(
            &emulator,
            request("POST", &format!("/user/{user}/credential"), &store),
        );
        assert_eq!(spent.0, 409);
        let other_body = pay.replace("1000", "2000");
        assert_eq!(
            answer(&emulator, request("POST", "/authorize", &other_body)).0,
            409,
            "a token backs one authorization"
        );
    }

    #[test]
    fn keys_verify_answers_plain_text_and_sandbox_credentials_are_stored() {
        let emulator = Emulator::default();
        let Delivery::Respond(response) = emulator.handle(request("POST", "/keys/verify", ""))
        else {
            panic!()
        };
        assert_eq!(response.body().as_ref(), b"Push Mock Organisation");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/plain")
        );
        let user = new_user(&emulator, USER);
        let body = format!(r#"{{"user_id":"{user}","type":"apple_pay","card_last4":"9010"}}"#);
        let (status, credential) = answer(&emulator, request("POST", "/sandbox/credential", &body));
        assert_eq!(status, 200, "{credential}");
        assert_eq!(credential["type"], "apple_pay_debit");
        let bad = body.replace("9010", "90a0");
        assert_eq!(
            answer(&emulator, request("POST", "/sandbox/credential", &bad)).0,
            400
        );
    }
}
