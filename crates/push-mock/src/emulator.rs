//! The emulator's state and routes: what Push does with each request, without any IO.
//!
//! [`Emulator::handle`] takes an `http::Request<Bytes>` and returns a [`Delivery`]: the
//! response, or how a fault mangles it. The hyper server ([`crate::MockServer`]) and the
//! in-memory transport ([`crate::MemoryTransport`]) both call it, so they behave the same.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

use base64::{Engine, engine::general_purpose::STANDARD};
use bytes::Bytes;
use chrono::{DateTime, TimeDelta, Utc};
use http::{Method, StatusCode, header};
use push_core::{
    Account, AccountType, ApprovalMode, Credential, Currency, DeclineCategory, Direction, Intent,
    IntentId, IntentPage, IntentStatus, IntentType, Rail, UserId, WebhookSecret, webhook,
};
use serde_json::{Value, json};

use crate::faults::{Fault, FaultConfig, Faults};

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
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            token: DEFAULT_TOKEN.to_owned(),
            page_size: 10,
            faults: FaultConfig::default(),
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
}

/// A webhook the emulator has to deliver: signed when the intent's request carried a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingWebhook {
    /// The `webhook_url` of the intent's request.
    pub url: String,
    /// The JSON body.
    pub body: Bytes,
    /// `X-Webhook-Signature`, present when the request carried a `webhook_secret`.
    pub signature: Option<String>,
}

/// The most webhooks kept waiting for delivery; older ones are dropped past it.
const OUTBOX_LIMIT: usize = 10_000;

struct WebhookTarget {
    url: String,
    secret: Option<WebhookSecret>,
    tag: Option<String>,
}

struct Stored {
    fingerprint: Value,
    status: StatusCode,
    body: Bytes,
}

/// Every index into `intents` (in `by_id`, `webhooks`, listings) is in bounds: intents are
/// only ever appended, never removed.
struct State {
    intents: Vec<Intent>,
    by_id: HashMap<String, usize>,
    by_key: HashMap<String, Stored>,
    by_token: HashMap<String, Stored>,
    last_created: DateTime<Utc>,
    stats: Stats,
    faults: Faults,
    webhooks: HashMap<usize, WebhookTarget>,
    /// Bounded: the oldest webhook is dropped first when it is full.
    outbox: std::collections::VecDeque<OutgoingWebhook>,
    /// One-shot faults for the next request to a route: (method, path suffix, fault).
    targeted: Vec<(http::Method, String, Fault)>,
}

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

type Reply = (StatusCode, Value);

fn error(status: StatusCode, message: impl Into<String>) -> Reply {
    (status, json!({ "message": message.into() }))
}

fn invalid(field: &str, rule: &str) -> Reply {
    (
        StatusCode::BAD_REQUEST,
        json!({ "message": format!("{field}: {rule}"), "field": field }),
    )
}

impl Emulator {
    /// A fresh emulator with no intents.
    pub fn new(config: EmulatorConfig) -> Self {
        let faults = Faults::new(config.faults.clone());
        let state = State {
            intents: Vec::new(),
            by_id: HashMap::new(),
            by_key: HashMap::new(),
            by_token: HashMap::new(),
            last_created: Utc::now(),
            stats: Stats::default(),
            faults,
            webhooks: HashMap::new(),
            outbox: std::collections::VecDeque::new(),
            targeted: Vec::new(),
        };
        Self {
            config: Arc::new(config),
            state: Arc::new(Mutex::new(state)),
        }
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

    /// Every intent, oldest first.
    pub fn intents(&self) -> Vec<Intent> {
        self.lock().intents.clone()
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

    /// Adds `count` intents directly (no request), for listing tests.
    pub fn seed_intents(&self, count: usize) {
        let mut state = self.lock();
        for n in 0..count {
            let amount = 100 + (n as i64 % 9_900);
            let direction = if n % 3 == 0 {
                Direction::CashOut
            } else {
                Direction::CashIn
            };
            let status = if n % 5 == 0 {
                IntentStatus::Declined
            } else {
                IntentStatus::Approved
            };
            insert_intent(
                &mut state,
                amount,
                direction,
                UserId::new(format!("user_seed{:04}", n % 50)),
                status,
                None,
            );
        }
    }

    /// Injects `fault` into the next request with this method whose path ends with
    /// `path_suffix` (`"/approve"`, say), once, whatever the seeded faults would draw.
    pub fn fault_next(&self, method: http::Method, path_suffix: &str, fault: Fault) {
        self.lock()
            .targeted
            .push((method, path_suffix.to_owned(), fault));
    }

    /// Answers one request, faults included.
    pub fn handle(&self, request: http::Request<Bytes>) -> Delivery {
        let mut state = self.lock();
        state.stats.requests += 1;
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
        drop(state);
        let response = json_response(status, &body);
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
        let path = request.uri().path();
        let method = request.method();
        match (method, path) {
            (&Method::POST, "/intent") => create_intent(state, request),
            (&Method::GET, "/intent/list") => {
                encode(list_intents(state, request, self.config.page_size))
            }
            (&Method::POST, "/authorize") => authorize(state, request),
            (&Method::GET, _) if path.starts_with("/intent/") => {
                encode(get_intent(state, &path["/intent/".len()..]))
            }
            (&Method::POST, _) if path.starts_with("/intent/") => {
                match path["/intent/".len()..].rsplit_once('/') {
                    Some((id, "approve")) => encode(transition(state, id, Transition::Approve)),
                    Some((id, "cancel")) => encode(transition(state, id, Transition::Cancel)),
                    _ => encode(error(
                        StatusCode::NOT_FOUND,
                        format!("no route for {method} {path}"),
                    )),
                }
            }
            (_, "/intent" | "/intent/list" | "/authorize") => {
                encode(error(StatusCode::METHOD_NOT_ALLOWED, "method not allowed"))
            }
            _ => encode(error(
                StatusCode::NOT_FOUND,
                format!("no route for {method} {path}"),
            )),
        }
    }
}

fn encode((status, body): Reply) -> (StatusCode, Bytes) {
    (status, Bytes::from(body.to_string()))
}

fn json_response(status: StatusCode, body: &Bytes) -> http::Response<Bytes> {
    let mut response = http::Response::new(body.clone());
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response.headers_mut().insert(
        "x-request-id",
        http::HeaderValue::from_static("req_push_mock"),
    );
    response
}

pub(crate) fn json_response_value(status: StatusCode, body: Value) -> http::Response<Bytes> {
    json_response(status, &Bytes::from(body.to_string()))
}

/// A short random-looking suffix, deterministic in the sequence number.
fn suffix(seq: u64) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut x = seq.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5DEE_CE66_D1CE_4E5B;
    (0..22)
        .map(|_| {
            let c = ALPHABET[(x % 62) as usize] as char;
            x = x
                .rotate_left(7)
                .wrapping_mul(0x2545_F491_4F6C_DD1D)
                .wrapping_add(seq);
            c
        })
        .collect()
}

fn insert_intent(
    state: &mut State,
    amount: i64,
    direction: Direction,
    user_id: UserId,
    status: IntentStatus,
    extra: Option<&Value>,
) -> usize {
    let seq = state.intents.len() as u64 + 1;
    let id = format!("intent_sandbox_{}", suffix(seq));
    // Strictly increasing, so "newest first" is well defined.
    let created_at = Utc::now().max(state.last_created + TimeDelta::milliseconds(1));
    state.last_created = created_at;
    let text = |name: &str| {
        extra
            .and_then(|e| e.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let intent = Intent {
        id: IntentId::new(&id),
        idempotency_key: text("idempotency_key"),
        created_at,
        direction: direction.clone(),
        user_id,
        amount,
        currency: Currency::Usd,
        guarantee_amount: (direction == Direction::CashIn).then_some(amount),
        decline_category: text("decline_category").map(DeclineCategory::from),
        status,
        transactions: Vec::new(),
        dispute: None,
        refund: None,
        approval_mode: Some(
            text("approval_mode")
                .map(ApprovalMode::from)
                .unwrap_or(ApprovalMode::Automatic),
        ),
        credential: Some(Credential {
            display_name: "Chase Checking".into(),
            last4: "6018".into(),
        }),
        payment_credential: None,
        rail: Some(Rail::Card),
        account: Some(Account {
            id: text("account_id")
                .unwrap_or_else(|| "account_WsELzpJOvU6fNafvzWbF6K".into())
                .into(),
            account_type: AccountType::Settlement,
            name: "Settlement Account".into(),
            created_at: DateTime::parse_from_rfc3339("2023-05-24T20:15:18.158Z")
                .map(|d| d.to_utc())
                .unwrap_or(created_at),
            balance: None,
        }),
        intent_type: Some(IntentType::Push),
    };
    state.by_id.insert(id, state.intents.len());
    state.intents.push(intent);
    state.intents.len() - 1
}

fn parse_body(request: &http::Request<Bytes>) -> Result<serde_json::Map<String, Value>, Reply> {
    match serde_json::from_slice::<Value>(request.body()) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(error(
            StatusCode::BAD_REQUEST,
            "the body must be a JSON object",
        )),
    }
}

fn string_field<'a>(
    body: &'a serde_json::Map<String, Value>,
    field: &str,
) -> Result<Option<&'a str>, Reply> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.is_empty() => Ok(Some(s)),
        Some(_) => Err(invalid(field, "must be a non-empty string")),
    }
}

fn enum_field<'a>(
    body: &'a serde_json::Map<String, Value>,
    field: &str,
    allowed: &[&str],
) -> Result<Option<&'a str>, Reply> {
    match string_field(body, field)? {
        Some(value) if !allowed.contains(&value) => Err(invalid(
            field,
            &format!("must be one of {}", allowed.join(", ")),
        )),
        other => Ok(other),
    }
}

fn amount_field(body: &serde_json::Map<String, Value>) -> Result<Option<i64>, Reply> {
    match body.get("amount") {
        None | Some(Value::Null) => Ok(None),
        Some(value) => match value.as_i64() {
            Some(amount) if amount > 0 => Ok(Some(amount)),
            _ => Err(invalid("amount", "must be an integer greater than 0")),
        },
    }
}

fn url_field(
    body: &serde_json::Map<String, Value>,
    field: &str,
    https_only: bool,
) -> Result<(), Reply> {
    let Some(url) = string_field(body, field)? else {
        return Ok(());
    };
    let loopback = ["http://127.", "http://localhost", "http://[::1]"]
        .iter()
        .any(|p| url.starts_with(p));
    if url.starts_with("https://") || (url.starts_with("http://") && (!https_only || loopback)) {
        Ok(())
    } else {
        Err(invalid(
            field,
            if https_only {
                "must be an https URL"
            } else {
                "must be an absolute URL"
            },
        ))
    }
}

/// Replays the stored answer for a key, refuses a key reused with another body, or runs `fresh`.
fn idempotent(
    store: impl Fn(&mut State) -> &mut HashMap<String, Stored>,
    state: &mut State,
    key: Option<String>,
    fingerprint: Value,
    fresh: impl FnOnce(&mut State) -> Reply,
) -> (StatusCode, Bytes) {
    if let Some(key) = &key
        && let Some(stored) = store(state).get(key)
    {
        if stored.fingerprint != fingerprint {
            return encode(error(
                StatusCode::CONFLICT,
                "this idempotency key was already used with a different request body",
            ));
        }
        return (stored.status, stored.body.clone());
    }
    let (status, body) = encode(fresh(state));
    // Only answers that did something are replayed; a refused request may be corrected and sent again.
    if let (Some(key), true) = (
        key,
        status.is_success() || status == StatusCode::UNAUTHORIZED,
    ) {
        store(state).insert(
            key,
            Stored {
                fingerprint,
                status,
                body: body.clone(),
            },
        );
    }
    (status, body)
}

fn create_intent(state: &mut State, request: &http::Request<Bytes>) -> (StatusCode, Bytes) {
    let body = match parse_body(request) {
        Ok(body) => body,
        Err(reply) => return encode(reply),
    };
    let key = request
        .headers()
        .get("x-idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if key.as_ref().is_some_and(|k| k.is_empty() || k.len() > 255) {
        return encode(invalid("X-Idempotency-Key", "must be 1 to 255 characters"));
    }
    let fingerprint = Value::Object(body.clone());
    idempotent(
        |s| &mut s.by_key,
        state,
        key.clone(),
        fingerprint,
        |state| {
            let checked = (|| {
                let user_id = string_field(&body, "user_id")?
                    .ok_or_else(|| invalid("user_id", "is required"))?;
                let token = string_field(&body, "token")?;
                let amount = amount_field(&body)?;
                let currency = enum_field(&body, "currency", &["USD"])?;
                let direction = enum_field(&body, "direction", &["cash_in", "cash_out"])?;
                let mode = enum_field(&body, "approval_mode", &["automatic", "manual"])?;
                url_field(&body, "redirect_url", false)?;
                url_field(&body, "webhook_url", true)?;
                string_field(&body, "account_id")?;
                let (amount, direction) = match token {
                    Some(_) => {
                        for field in ["amount", "currency", "direction"] {
                            if body.get(field).is_some_and(|v| !v.is_null()) {
                                return Err(invalid(field, "must not be sent with token"));
                            }
                        }
                        (1000, "cash_in")
                    }
                    None => (
                        amount.ok_or_else(|| invalid("amount", "is required"))?,
                        direction.ok_or_else(|| invalid("direction", "is required"))?,
                    ),
                };
                if token.is_none() && currency.is_none() {
                    return Err(invalid("currency", "is required"));
                }
                if mode == Some("manual") && direction != "cash_out" {
                    return Err(invalid(
                        "approval_mode",
                        "manual is only valid with cash_out",
                    ));
                }
                Ok((user_id.to_owned(), amount, Direction::from(direction)))
            })();
            let (user_id, amount, direction) = match checked {
                Ok(values) => values,
                Err(reply) => return reply,
            };
            let mut extra = body.clone();
            if let Some(key) = &key {
                extra.insert("idempotency_key".into(), Value::String(key.clone()));
            }
            // Manual approval holds the intent for the operator (the emulator skips the session).
            let status = if body.get("approval_mode").and_then(Value::as_str) == Some("manual") {
                IntentStatus::Pending
            } else {
                IntentStatus::Created
            };
            let index = insert_intent(
                state,
                amount,
                direction,
                UserId::new(user_id),
                status,
                Some(&Value::Object(extra)),
            );
            remember_webhook(state, index, &body);
            state.stats.intents_created += 1;
            let id = state.intents[index].id.to_string();
            (
                StatusCode::OK,
                json!({ "id": id, "url": format!("https://cdn.pushcash.com/ux/{id}") }),
            )
        },
    )
}

fn get_intent(state: &State, raw_id: &str) -> Reply {
    let id = percent_encoding::percent_decode_str(raw_id).decode_utf8_lossy();
    match state.by_id.get(id.as_ref()) {
        Some(index) => (
            StatusCode::OK,
            serde_json::to_value(&state.intents[*index]).unwrap_or(Value::Null),
        ),
        None => error(StatusCode::NOT_FOUND, format!("intent {id} not found")),
    }
}

fn remember_webhook(state: &mut State, index: usize, body: &serde_json::Map<String, Value>) {
    let Some(url) = body.get("webhook_url").and_then(Value::as_str) else {
        return;
    };
    let secret = body
        .get("webhook_secret")
        .and_then(Value::as_str)
        .and_then(|s| WebhookSecret::new(s).ok());
    let tag = body.get("tag").and_then(Value::as_str).map(str::to_owned);
    state.webhooks.insert(
        index,
        WebhookTarget {
            url: url.to_owned(),
            secret,
            tag,
        },
    );
}

/// Queues `event` for the intent, signed as Push signs it, if its request asked for webhooks.
fn queue_webhook(state: &mut State, index: usize, event: &str) {
    let Some(target) = state.webhooks.get(&index) else {
        return;
    };
    let intent = &state.intents[index];
    let body = json!({
        "type": event,
        "timestamp": Utc::now(),
        "data": {
            "id": intent.id, "tag": target.tag,
            "direction": intent.direction, "amount": intent.amount, "status": intent.status,
            "rail": intent.rail, "currency": intent.currency, "type": intent.intent_type,
            "decline_category": intent.decline_category, "limits_utilization": null,
        },
    });
    let body = Bytes::from(body.to_string());
    let signature = target
        .secret
        .as_ref()
        .map(|secret| webhook::sign(secret, &body));
    let outgoing = OutgoingWebhook {
        url: target.url.clone(),
        body,
        signature,
    };
    if state.outbox.len() >= OUTBOX_LIMIT {
        state.outbox.pop_front();
    }
    state.outbox.push_back(outgoing);
    state.stats.webhooks_queued += 1;
}

#[derive(Clone, Copy)]
enum Transition {
    Approve,
    Cancel,
}

/// Approve (pending only) or cancel (created or pending only), as Push enforces.
fn transition(state: &mut State, raw_id: &str, transition: Transition) -> Reply {
    let id = percent_encoding::percent_decode_str(raw_id)
        .decode_utf8_lossy()
        .into_owned();
    let Some(&index) = state.by_id.get(&id) else {
        return error(StatusCode::NOT_FOUND, format!("intent {id} not found"));
    };
    let current = state.intents[index].status.clone();
    let next = match (transition, &current) {
        (Transition::Approve, IntentStatus::Pending) => IntentStatus::Approved,
        (Transition::Approve, _) => {
            return error(
                StatusCode::CONFLICT,
                format!("intent {id} is {current}; only a pending intent can be approved"),
            );
        }
        (Transition::Cancel, IntentStatus::Created | IntentStatus::Pending) => {
            IntentStatus::Canceled
        }
        (Transition::Cancel, _) => {
            return error(
                StatusCode::CONFLICT,
                format!(
                    "intent {id} is {current}; only an intent not yet approved can be canceled"
                ),
            );
        }
    };
    state.intents[index].status = next;
    if let Transition::Approve = transition {
        queue_webhook(state, index, "intent.approved");
    }
    (
        StatusCode::OK,
        serde_json::to_value(&state.intents[index]).unwrap_or(Value::Null),
    )
}

const CURSOR_PREFIX: [u8; 3] = [0xFB, 0xFF, 0xBF];

/// Opaque, and on purpose full of `+`, `/` and `=`: clients must encode it.
fn cursor_for(index: usize) -> String {
    let mut bytes = CURSOR_PREFIX.to_vec();
    bytes.extend_from_slice(&(index as u64).to_be_bytes());
    STANDARD.encode(bytes)
}

fn index_of(cursor: &str) -> Option<usize> {
    let bytes = STANDARD.decode(cursor).ok()?;
    let rest = bytes.strip_prefix(&CURSOR_PREFIX[..])?;
    Some(u64::from_be_bytes(rest.try_into().ok()?) as usize)
}

fn list_intents(state: &State, request: &http::Request<Bytes>, page_size: usize) -> Reply {
    let mut statuses = Vec::new();
    let (mut intent_type, mut after, mut before, mut start) =
        (None, None, None, state.intents.len());
    for (name, value) in form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes()) {
        let timestamp = |value: &str| {
            DateTime::parse_from_rfc3339(value)
                .map(|d| d.to_utc())
                .map_err(|_| invalid(&name, "must be an RFC 3339 timestamp"))
        };
        match name.as_ref() {
            "status" => match IntentStatus::from(value.as_ref()) {
                IntentStatus::Unknown(_) => {
                    return invalid(
                        "status",
                        "must be one of created, approved, declined, pending, canceled",
                    );
                }
                status => statuses.push(status),
            },
            "type" => match value.as_ref() {
                "push" | "card_only" => intent_type = Some(IntentType::from(value.as_ref())),
                _ => return invalid("type", "must be push or card_only"),
            },
            "created_at.after" => match timestamp(&value) {
                Ok(at) => after = Some(at),
                Err(reply) => return reply,
            },
            "created_at.before" => match timestamp(&value) {
                Ok(at) => before = Some(at),
                Err(reply) => return reply,
            },
            "cursor" => match index_of(&value) {
                Some(index) if index <= state.intents.len() => start = index,
                _ => return invalid("cursor", "is not a cursor this server issued"),
            },
            _ => {}
        }
    }
    let matches = |intent: &Intent| {
        (statuses.is_empty() || statuses.contains(&intent.status))
            && intent_type
                .as_ref()
                .is_none_or(|t| intent.intent_type.as_ref() == Some(t))
            && after.is_none_or(|at| intent.created_at > at)
            && before.is_none_or(|at| intent.created_at < at)
    };
    // Newest first: walk down from just below the cursor's position.
    let mut data = Vec::with_capacity(page_size);
    let mut index = start;
    while index > 0 && data.len() < page_size {
        index -= 1;
        if matches(&state.intents[index]) {
            data.push(state.intents[index].clone());
        }
    }
    let more = (0..index).any(|i| matches(&state.intents[i]));
    let page = IntentPage::new(data, more.then(|| cursor_for(index).into()));
    (
        StatusCode::OK,
        serde_json::to_value(&page).unwrap_or(Value::Null),
    )
}

/// What the emulator answers to `POST /authorize`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MockOutcome {
    /// 200.
    Approved,
    /// 202 with a URL.
    AuthenticationRequired,
    /// 401 with this category.
    Declined(DeclineCategory),
}

/// The deterministic outcome of `POST /authorize`, by amount (documented in the README).
pub fn authorize_outcome(amount: i64) -> MockOutcome {
    let category = match amount % 100 {
        1 => DeclineCategory::InsufficientFunds,
        2 => DeclineCategory::UnapprovedAmount,
        3 => DeclineCategory::FraudRisk,
        4 => DeclineCategory::ConnectionError,
        5 => DeclineCategory::TransactionLimit,
        6 => DeclineCategory::UnsupportedCard,
        7 => DeclineCategory::SuspendedUser,
        _ if amount >= 100_000 => return MockOutcome::AuthenticationRequired,
        _ => return MockOutcome::Approved,
    };
    MockOutcome::Declined(category)
}

fn authorize(state: &mut State, request: &http::Request<Bytes>) -> (StatusCode, Bytes) {
    let body = match parse_body(request) {
        Ok(body) => body,
        Err(reply) => return encode(reply),
    };
    let token = body.get("token").and_then(Value::as_str).map(str::to_owned);
    if let Some(token) = &token {
        *state
            .stats
            .requests_per_token
            .entry(token.clone())
            .or_default() += 1;
    }
    let fingerprint = Value::Object(body.clone());
    idempotent(
        |s| &mut s.by_token,
        state,
        token,
        fingerprint,
        |state| {
            let checked = (|| {
                let amount =
                    amount_field(&body)?.ok_or_else(|| invalid("amount", "is required"))?;
                enum_field(&body, "currency", &["USD"])?
                    .ok_or_else(|| invalid("currency", "is required"))?;
                let direction = enum_field(&body, "direction", &["cash_in", "cash_out"])?
                    .ok_or_else(|| invalid("direction", "is required"))?;
                let mode = enum_field(&body, "approval_mode", &["automatic", "manual"])?;
                if mode == Some("manual") && direction != "cash_out" {
                    return Err(invalid(
                        "approval_mode",
                        "manual is only valid with cash_out",
                    ));
                }
                match (
                    string_field(&body, "token")?,
                    string_field(&body, "credential_id")?,
                ) {
                    (None, None) => return Err(invalid("token", "or credential_id is required")),
                    (Some(_), Some(_)) => {
                        return Err(invalid("token", "must not be sent with credential_id"));
                    }
                    _ => {}
                }
                url_field(&body, "redirect_url", false)?;
                url_field(&body, "webhook_url", true)?;
                if let Some(secret) = string_field(&body, "webhook_secret")?
                    && !(32..=4096).contains(&secret.chars().count())
                {
                    return Err(invalid("webhook_secret", "must be 32 to 4096 characters"));
                }
                if string_field(&body, "tag")?.is_some_and(|t| t.len() > 255) {
                    return Err(invalid("tag", "must be at most 255 characters"));
                }
                Ok((amount, Direction::from(direction)))
            })();
            let (amount, direction) = match checked {
                Ok(values) => values,
                Err(reply) => return reply,
            };
            let outcome = authorize_outcome(amount);
            let manual = body.get("approval_mode").and_then(Value::as_str) == Some("manual");
            let status = match &outcome {
                MockOutcome::Approved if manual => IntentStatus::Pending,
                MockOutcome::Approved => IntentStatus::Approved,
                MockOutcome::Declined(_) => IntentStatus::Declined,
                MockOutcome::AuthenticationRequired => IntentStatus::Created,
            };
            let mut extra = body.clone();
            if let MockOutcome::Declined(category) = &outcome {
                extra.insert(
                    "decline_category".into(),
                    Value::String(category.to_string()),
                );
            }
            let index = insert_intent(
                state,
                amount,
                direction.clone(),
                UserId::new("user_authorized"),
                status,
                Some(&Value::Object(extra)),
            );
            state.stats.authorizations += 1;
            remember_webhook(state, index, &body);
            let event = match state.intents[index].status {
                IntentStatus::Approved => Some("intent.approved"),
                IntentStatus::Declined => Some("intent.declined"),
                _ => None,
            };
            if let Some(event) = event {
                queue_webhook(state, index, event);
            }
            let id = state.intents[index].id.to_string();
            match outcome {
                MockOutcome::Approved => (
                    StatusCode::OK,
                    json!({"id": id, "amount": amount, "direction": direction, "currency": "USD",
                       "credential": {"display_name": "Chase Checking", "last4": "6018"}}),
                ),
                MockOutcome::Declined(category) => (
                    StatusCode::UNAUTHORIZED,
                    json!({"id": id, "decline_category": category}),
                ),
                MockOutcome::AuthenticationRequired => (
                    StatusCode::ACCEPTED,
                    json!({"id": id, "url": format!("https://cdn.pushcash.com/ux/{id}")}),
                ),
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn cursors_round_trip_and_need_encoding() {
        for index in [0, 1, 99, 10_000] {
            let cursor = cursor_for(index);
            assert_eq!(index_of(&cursor), Some(index));
            assert!(
                cursor.contains('+') && cursor.contains('/') && cursor.contains('='),
                "{cursor}"
            );
        }
        assert_eq!(index_of("garbage"), None);
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
}
