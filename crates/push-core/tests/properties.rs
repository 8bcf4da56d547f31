//! Property tests: models round-trip, mutated fixtures never panic, builders either refuse
//! with a named field or build requests that parse back, and retries and pages stay bounded.

use std::time::{Duration, Instant};

use bytes::Bytes;
use proptest::{collection::vec, option, prelude::*, sample::select};
use push_core::*;
use push_core::{call::*, retry::*};
use serde_json::Value;

/// Enums with a known set and an `Unknown(String)` variant.
trait Lenient: Clone + std::fmt::Debug + From<String> + 'static {
    fn known() -> &'static [Self];
    fn is_known_value(&self) -> bool;
}

macro_rules! lenient {
    ($($name:ident),+) => {$(
        impl Lenient for $name {
            fn known() -> &'static [Self] {
                $name::KNOWN
            }
            fn is_known_value(&self) -> bool {
                self.is_known()
            }
        }
    )+};
}

lenient!(Direction, Currency, ApprovalMode, IntentStatus, IntentType);

/// A known value, or a string the SDK does not know (kept as `Unknown`).
fn lenient<E: Lenient>() -> impl Strategy<Value = E> {
    prop_oneof![
        3 => select(E::known().to_vec()),
        1 => ".{0,12}".prop_filter_map("a known value", |s| Some(E::from(s)).filter(|e| !e.is_known_value())),
    ]
}

/// Any JSON value, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            vec((".{0,6}", inner), 0..4)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Drop,
    Replace(Value),
    AddUnknownField(String, Value),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        Just(Mutation::Drop),
        json_value().prop_map(Mutation::Replace),
        ("[a-z_]{1,10}", json_value()).prop_map(|(k, v)| Mutation::AddUnknownField(k, v)),
    ]
}

/// Applies `mutation` at the node reached by following `steps` (each picks a child).
fn mutate(value: &mut Value, steps: &[usize], mutation: &Mutation) {
    let children = match value {
        Value::Object(map) => map.len(),
        Value::Array(items) => items.len(),
        _ => 0,
    };
    if let (Some((first, rest)), true) = (steps.split_first(), children > 0) {
        let index = first % children;
        let last = rest.is_empty();
        match value {
            Value::Object(map) => {
                let key = map.keys().nth(index).cloned().unwrap_or_default();
                if last && matches!(mutation, Mutation::Drop) {
                    map.remove(&key);
                } else if let Some(child) = map.get_mut(&key) {
                    mutate(child, rest, mutation);
                }
            }
            Value::Array(items) => {
                if last && matches!(mutation, Mutation::Drop) {
                    items.remove(index);
                } else {
                    mutate(&mut items[index], rest, mutation);
                }
            }
            _ => {}
        }
        return;
    }
    match mutation {
        Mutation::Drop => *value = Value::Null,
        Mutation::Replace(new) => *value = new.clone(),
        Mutation::AddUnknownField(key, new) => {
            if let Value::Object(map) = value {
                map.insert(key.clone(), new.clone());
            }
        }
    }
}

fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn mutated_fixtures_decode_or_fail_with_a_path(
        which in 0usize..3,
        mutations in vec((vec(any::<usize>(), 0..5), mutation()), 1..4),
        truncate in option::of(any::<prop::sample::Index>()),
    ) {
        let names = ["get_intent_003.json", "intent_002.json", "list_intents_002.json"];
        let mut value = fixture(names[which]);
        for (steps, mutation) in &mutations {
            mutate(&mut value, steps, mutation);
        }
        let mut body = serde_json::to_vec(&value).unwrap();
        if let Some(index) = truncate {
            body.truncate(index.index(body.len() + 1));
        }
        let body = Bytes::from(body);
        let result = if which == 2 { IntentPage::from_json(body.clone()).map(drop) } else { Intent::from_json(body.clone()).map(drop) };
        if let Err(err) = result {
            prop_assert!(!err.path.is_empty());
            prop_assert_eq!(&err.body, &body);
        }
    }
}

fn config() -> Config {
    Config::new(ApiToken::new("sk_test_prop").unwrap(), Environment::Sandbox)
}

fn decoded_segment(path: &str) -> Option<String> {
    let segment = path.strip_prefix("/intent/")?;
    (!segment.contains('/')).then(|| {
        percent_encoding::percent_decode_str(segment)
            .decode_utf8()
            .ok()
            .map(|s| s.into_owned())
    })?
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn get_intent_ids_stay_one_segment(id in prop_oneof![".{0,24}", "[./?#% a-z]{0,6}", Just("..".to_owned()), Just("list".to_owned())]) {
        match GetIntent::new(id.as_str()) {
            Ok(op) => {
                let request = op.encode(&config()).unwrap();
                prop_assert_eq!(request.uri().query(), None);
                prop_assert_eq!(decoded_segment(request.uri().path()), Some(id));
            }
            Err(err) => {
                prop_assert_eq!(err.field(), "id");
                prop_assert!(["", ".", "..", "list"].contains(&id.as_str()));
            }
        }
    }

    #[test]
    fn list_filters_parse_back(
        statuses in vec(lenient::<IntentStatus>(), 0..4),
        cursor in option::of(prop_oneof![".{0,20}", "[=+/a-z ]{0,12}"]),
        intent_type in option::of(lenient::<IntentType>()),
    ) {
        let mut builder = ListIntents::builder().statuses(statuses.clone());
        if let Some(cursor) = &cursor {
            builder = builder.cursor(cursor.as_str());
        }
        if let Some(kind) = &intent_type {
            builder = builder.intent_type(kind.clone());
        }
        match builder.build() {
            Ok(op) => {
                let request = op.encode(&config()).unwrap();
                let pairs: Vec<(String, String)> = form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes()).into_owned().collect();
                let sent: Vec<&str> = pairs.iter().filter(|(k, _)| k == "status").map(|(_, v)| v.as_str()).collect();
                let wanted: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
                prop_assert_eq!(sent, wanted);
                let sent_cursor = pairs.iter().find(|(k, _)| k == "cursor").map(|(_, v)| v.clone());
                prop_assert_eq!(sent_cursor, cursor);
                let sent_type = pairs.iter().find(|(k, _)| k == "type").map(|(_, v)| v.clone());
                prop_assert_eq!(sent_type, intent_type.map(|t| t.to_string()));
            }
            Err(err) => prop_assert!(["status", "type", "cursor"].contains(&err.field()), "{}", err),
        }
    }

    #[test]
    fn create_intent_refuses_with_a_field_or_sends_what_it_was_given(
        user in prop_oneof![".{0,12}", "user_[a-zA-Z0-9]{1,10}"],
        amount in any::<i64>(),
        currency in lenient::<Currency>(),
        direction in lenient::<Direction>(),
        mode in option::of(lenient::<ApprovalMode>()),
        webhook in option::of(prop_oneof![Just("https://shop.example/h".to_owned()), Just("http://shop.example/h".to_owned()), ".{0,10}"]),
        key in option::of(prop_oneof!["[!-~]{1,40}", ".{0,10}"]),
    ) {
        let mut builder = CreateIntent::builder().user_id(user.as_str()).amount(amount).currency(currency.clone()).direction(direction.clone());
        if let Some(mode) = mode { builder = builder.approval_mode(mode); }
        if let Some(url) = webhook { builder = builder.webhook_url(url); }
        if let Some(key) = &key { builder = builder.idempotency_key(key.as_str()); }
        match builder.build() {
            Ok(op) => {
                let request = op.encode(&config()).unwrap();
                let body: Value = serde_json::from_slice(request.body()).unwrap();
                prop_assert_eq!(body["user_id"].as_str(), Some(user.as_str()));
                prop_assert_eq!(body["amount"].as_i64(), Some(amount));
                prop_assert_eq!(body["currency"].as_str(), Some(currency.as_str()));
                prop_assert_eq!(body["direction"].as_str(), Some(direction.as_str()));
                let sent_key = request.headers()["x-idempotency-key"].to_str().unwrap();
                prop_assert_eq!(sent_key, op.idempotency_key().as_str());
                if let Some(key) = key { prop_assert_eq!(sent_key, key.as_str()); }
            }
            Err(err) => prop_assert!(
                ["user_id", "amount", "currency", "direction", "approval_mode", "webhook_url", "idempotency_key"].contains(&err.field()),
                "{}", err
            ),
        }
    }

    #[test]
    fn authorize_refuses_with_a_field_or_sends_what_it_was_given(
        amount in any::<i64>(),
        tag in option::of(".{0,300}"),
        secret_len in option::of(0usize..5000),
        token in any::<bool>(),
    ) {
        let mut builder = Authorize::builder().amount(amount).currency(Currency::Usd).direction(Direction::CashOut);
        builder = if token { builder.token("token_1") } else { builder.credential_id("cred_1") };
        if let Some(tag) = &tag { builder = builder.tag(tag.as_str()); }
        let secret = match secret_len.map(|n| WebhookSecret::new("s".repeat(n))) {
            Some(Ok(secret)) => Some(secret),
            Some(Err(err)) => {
                prop_assert_eq!(err.field(), "webhook_secret");
                prop_assert!(!(32..=4096).contains(&secret_len.unwrap()));
                None
            }
            None => None,
        };
        if let Some(secret) = secret { builder = builder.webhook_secret(secret); }
        match builder.build() {
            Ok(op) => {
                let body: Value = serde_json::from_slice(op.encode(&config()).unwrap().body()).unwrap();
                prop_assert_eq!(body["amount"].as_i64(), Some(amount));
                prop_assert_eq!(body["tag"].as_str(), tag.as_deref());
                prop_assert_eq!(op.retry_safety() == RetrySafety::Idempotent, token);
            }
            Err(err) => prop_assert!(["amount", "tag"].contains(&err.field()), "{}", err),
        }
    }
}

#[derive(Debug, Clone)]
enum Scripted {
    Status(u16, Option<u64>),
    Transport(u8),
}

fn scripted() -> impl Strategy<Value = Scripted> {
    prop_oneof![
        (
            select(vec![
                200u16, 202, 400, 401, 404, 408, 409, 429, 500, 502, 503, 504
            ]),
            option::of(0u64..120)
        )
            .prop_map(|(s, r)| Scripted::Status(s, r)),
        (0u8..4).prop_map(Scripted::Transport),
    ]
}

fn result_of(scripted: &Scripted) -> Result<Response, TransportError> {
    match scripted {
        Scripted::Status(status, retry_after) => {
            let mut builder = http::Response::builder().status(*status);
            if let Some(seconds) = retry_after {
                builder = builder.header("retry-after", seconds.to_string());
            }
            let body = if *status == 200 {
                r#"{"id":"intent_1"}"#
            } else {
                "{}"
            };
            Ok(builder.body(Bytes::from_static(body.as_bytes())).unwrap())
        }
        Scripted::Transport(0) => Err(TransportError::connect(std::io::Error::other("refused"))),
        Scripted::Transport(1) => Err(TransportError::io(std::io::Error::other("reset"))),
        Scripted::Transport(2) => Err(TransportError::timeout(true)),
        Scripted::Transport(_) => Err(TransportError::body_too_large(1)),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn calls_never_exceed_the_attempts_or_the_budget(
        script in vec((scripted(), 0u64..20_000), 1..20),
        max_retries in 0u32..6,
        budget_ms in 0u64..60_000,
        token in any::<bool>(),
        random in 0.0f64..1.0,
    ) {
        let policy = RetryPolicy::default().with_max_retries(max_retries).with_budget(Duration::from_millis(budget_ms));
        let config = config().with_retry_policy(policy).with_jitter(Jitter::fixed(random));
        let mut builder = Authorize::builder().amount(1).currency(Currency::Usd).direction(Direction::CashIn);
        builder = if token { builder.token("token_1") } else { builder.credential_id("cred_1") };
        let mut call = Call::new(&config, builder.build().unwrap(), &CallOptions::new()).unwrap();
        let start = Instant::now();
        let mut now = start;
        let mut done = false;
        for (step, (scripted, took_ms)) in script.iter().enumerate() {
            let _request = call.next_request(now);
            now += Duration::from_millis(*took_ms);
            match call.receive(result_of(scripted), now) {
                Step::Wait(delay) => {
                    prop_assert!(now - start + delay <= Duration::from_millis(budget_ms), "waited past the budget");
                    prop_assert!(call.attempts() <= max_retries, "retried past the count");
                    if !token {
                        // Without a token, only a request that never left is repeated.
                        prop_assert!(matches!(scripted, Scripted::Transport(0)), "{:?} was repeated", scripted);
                    }
                    now += delay;
                }
                Step::Done(_) => {
                    prop_assert!(step as u32 <= max_retries);
                    done = true;
                    break;
                }
            }
        }
        prop_assert!(done || script.len() as u32 <= max_retries, "the call did not end within its attempts");
    }

    #[test]
    fn pagers_end_and_never_loop(
        pages in vec((0usize..4, option::of(select(vec!["a", "b", "c", "d", "e", "f"]))), 1..30),
        limit in option::of(0u64..20),
    ) {
        let mut pager = Pager::new(ListIntents::default());
        if let Some(limit) = limit { pager = pager.with_limit(limit); }
        let mut fetched = 0;
        let mut yielded = 0u64;
        for (count, next) in &pages {
            let Some(_request) = pager.next_request() else { break };
            fetched += 1;
            let data = (0..*count).map(|i| Intent::from_json(format!(
                r#"{{"id":"i{i}","created_at":"2023-05-24T20:36:50Z","direction":"cash_in","user_id":"u","amount":1,"currency":"USD","status":"created"}}"#
            )).unwrap()).collect();
            match pager.advance(IntentPage::new(data, next.map(Cursor::from))) {
                Ok(items) => yielded += items.len() as u64,
                Err(PaginationError::RepeatedCursor { .. }) => prop_assert!(pager.is_finished()),
                Err(other) => prop_assert!(false, "{other}"),
            }
        }
        // Six distinct cursors: at most seven pages before a null, a repeat or the limit.
        prop_assert!(fetched <= 7, "{fetched} pages");
        if let Some(limit) = limit { prop_assert!(yielded <= limit); }
    }
}
