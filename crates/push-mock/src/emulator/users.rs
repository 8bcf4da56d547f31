//! The user routes: `POST /user` (deduplicated on `tag`), `GET /user/list`, `GET /user/{id}`,
//! `GET /user/{id}/credential/list`, `POST /user/{id}/credential` and `POST /user/{id}/url`.

use bytes::Bytes;
use chrono::NaiveDate;
use http::StatusCode;
use serde_json::{Map, Value, json};

use super::{
    listing::Window,
    request::{Body, Reply, encode, enum_field, error, invalid, parse_body, segment, string_field},
    state::{State, UserRecord, suffix},
};

const GOVERNMENT_ID_TYPES: [&str; 5] = [
    "drivers_license",
    "passport",
    "state_id",
    "military_id",
    "ssn",
];
const USER_STATUSES: [&str; 4] = ["created", "enabled", "suspended", "disabled"];
const CREDENTIAL_TYPES: [&str; 4] = [
    "secure_debit",
    "card_only_credit",
    "card_only_debit",
    "apple_pay_debit",
];

/// An object field, or a 400 naming it.
fn object<'a>(body: &'a Body, field: &str) -> Result<&'a Map<String, Value>, Reply> {
    match body.get(field) {
        Some(Value::Object(map)) => Ok(map),
        None | Some(Value::Null) => Err(invalid(field, "is required")),
        Some(_) => Err(invalid(field, "must be an object")),
    }
}

/// A required string field of `body`, reported as `prefix.field`.
fn required<'a>(body: &'a Body, prefix: &str, field: &str) -> Result<&'a str, Reply> {
    let name = if prefix.is_empty() {
        field.to_owned()
    } else {
        format!("{prefix}.{field}")
    };
    match body.get(field) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s),
        None | Some(Value::Null) => Err(invalid(&name, "is required")),
        Some(_) => Err(invalid(&name, "must be a non-empty string")),
    }
}

/// Push's rules for a new user, as the pages state them.
fn check_user(body: &Body) -> Result<(), Reply> {
    let name = object(body, "name")?;
    required(name, "name", "first")?;
    required(name, "name", "last")?;
    let email = required(body, "", "email")?;
    if !email.contains('@') || email.contains(' ') {
        return Err(invalid("email", "must be an email address"));
    }
    let address = object(body, "address")?;
    required(address, "address", "address_line_1")?;
    required(address, "address", "locality")?;
    let area = required(address, "address", "administrative_area")?;
    if area.len() != 2 || !area.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(invalid(
            "address.administrative_area",
            "must be two capital letters",
        ));
    }
    let postal = required(address, "address", "postal_code")?;
    let zip = |p: &str, n| p.len() == n && p.bytes().all(|b: u8| b.is_ascii_digit());
    let postal_ok = match postal.split_once('-') {
        Some((a, b)) => zip(a, 5) && zip(b, 4),
        None => zip(postal, 5),
    };
    if !postal_ok {
        return Err(invalid(
            "address.postal_code",
            "must be NNNNN or NNNNN-NNNN",
        ));
    }
    let country = required(address, "address", "country")?;
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(invalid("address.country", "must be two capital letters"));
    }
    let birth = required(body, "", "date_of_birth")?;
    if NaiveDate::parse_from_str(birth, "%Y-%m-%d").is_err() || birth.len() != 10 {
        return Err(invalid("date_of_birth", "must be a date, YYYY-MM-DD"));
    }
    let id = object(body, "government_id")?;
    let id_type = required(id, "government_id", "type")?;
    if !GOVERNMENT_ID_TYPES.contains(&id_type) {
        return Err(invalid(
            "government_id.type",
            &format!("must be one of {}", GOVERNMENT_ID_TYPES.join(", ")),
        ));
    }
    if required(id, "government_id", "last4")?.chars().count() != 4 {
        return Err(invalid("government_id.last4", "must be four characters"));
    }
    let by_state = matches!(id_type, "drivers_license" | "state_id");
    match (id.get("state").and_then(Value::as_str), by_state) {
        (None, true) => return Err(invalid("government_id.state", "is required for this type")),
        (Some(_), false) => {
            return Err(invalid(
                "government_id.state",
                "is only for drivers_license and state_id",
            ));
        }
        _ => {}
    }
    if !matches!(body.get("identity_verified"), Some(Value::Bool(_))) {
        return Err(invalid("identity_verified", "is required (true or false)"));
    }
    string_field(body, "phone_number")?;
    string_field(body, "tag")?;
    Ok(())
}

pub(super) fn create(state: &mut State, request: &http::Request<Bytes>) -> Reply {
    let body = match parse_body(request) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    if let Err(reply) = check_user(&body) {
        return reply;
    }
    let tag = body.get("tag").and_then(Value::as_str).map(str::to_owned);
    // The same tag is the same user: Push's deduplication for this call.
    if let Some(&index) = tag.as_ref().and_then(|tag| state.users_by_tag.get(tag)) {
        return (StatusCode::OK, json!({ "id": state.users[index].id }));
    }
    let verified = body.get("identity_verified") == Some(&Value::Bool(true));
    let fields: Map<String, Value> = [
        "name",
        "address",
        "email",
        "phone_number",
        "date_of_birth",
        "government_id",
    ]
    .into_iter()
    .filter_map(|name| Some((name.to_owned(), body.get(name)?.clone())))
    .collect();
    let index = state.users.len();
    let id = format!("user_{}", suffix(index as u64 + 500_000));
    let created_at = state.next_created_at();
    state.users.push(UserRecord {
        id: id.clone(),
        tag: tag.clone(),
        status: if verified { "enabled" } else { "created" },
        fields,
        created_at,
        credentials: Vec::new(),
    });
    state.users_by_id.insert(id.clone(), index);
    if let Some(tag) = tag {
        state.users_by_tag.insert(tag, index);
    }
    state.stats.users_created += 1;
    (StatusCode::OK, json!({ "id": id }))
}

/// The index of the user a path segment names, or a 404.
pub(super) fn find(state: &State, raw_id: &str) -> Result<usize, Reply> {
    let id = segment(raw_id);
    state
        .users_by_id
        .get(&id)
        .copied()
        .ok_or_else(|| error(StatusCode::NOT_FOUND, format!("user {id} not found")))
}

pub(super) fn get(state: &State, raw_id: &str) -> Reply {
    match find(state, raw_id) {
        Ok(index) => (StatusCode::OK, state.users[index].to_json()),
        Err(reply) => reply,
    }
}

pub(super) fn list(state: &State, request: &http::Request<Bytes>, page_size: usize) -> Reply {
    let mut statuses = Vec::new();
    let window = Window::parse(request, state.users.len(), |name, value| {
        if name == "status" {
            match USER_STATUSES.iter().find(|s| **s == value) {
                Some(status) => statuses.push(*status),
                None => {
                    return Err(invalid(
                        "status",
                        "must be one of created, enabled, suspended, disabled",
                    ));
                }
            }
        }
        Ok(())
    });
    match window {
        Ok(window) => window.page(
            &state.users,
            page_size,
            |user: &UserRecord| user.created_at,
            |user| statuses.is_empty() || statuses.contains(&user.status),
            UserRecord::to_json,
        ),
        Err(reply) => reply,
    }
}

/// As Push: only the types asked for, and none when no `type` is sent.
pub(super) fn credentials(state: &State, raw_id: &str, request: &http::Request<Bytes>) -> Reply {
    let index = match find(state, raw_id) {
        Ok(index) => index,
        Err(reply) => return reply,
    };
    let mut types = Vec::new();
    for (name, value) in form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes()) {
        if name == "type" {
            if !CREDENTIAL_TYPES.contains(&value.as_ref()) {
                return invalid(
                    "type",
                    &format!("must be one of {}", CREDENTIAL_TYPES.join(", ")),
                );
            }
            types.push(value.into_owned());
        }
    }
    let data: Vec<Value> = state.users[index]
        .credentials
        .iter()
        .filter(|c| types.contains(&c.credential_type))
        .map(|c| c.to_json())
        .collect();
    (StatusCode::OK, json!({ "data": data }))
}

/// Stores the card behind an unused token of this user.
pub(super) fn add_credential(
    state: &mut State,
    raw_id: &str,
    request: &http::Request<Bytes>,
) -> Reply {
    let index = match find(state, raw_id) {
        Ok(index) => index,
        Err(reply) => return reply,
    };
    let body = match parse_body(request) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let token = match string_field(&body, "token") {
        Ok(Some(token)) => token.to_owned(),
        Ok(None) => return invalid("token", "is required"),
        Err(reply) => return reply,
    };
    if let Err(reply) = enum_field(&body, "type", &["card_only"]) {
        return reply;
    }
    let Some(record) = state.tokens.get_mut(&token) else {
        return invalid("token", "is not a token this server issued");
    };
    if record.user != index {
        return invalid("token", "belongs to another user");
    }
    if record.used {
        return error(StatusCode::CONFLICT, "this token was already used");
    }
    record.used = true;
    let card_last4 = record.card_last4.clone();
    let credential = state.add_credential(index, "card_only_debit", &card_last4);
    (StatusCode::OK, credential)
}

pub(super) fn url(state: &State, raw_id: &str, request: &http::Request<Bytes>) -> Reply {
    let index = match find(state, raw_id) {
        Ok(index) => index,
        Err(reply) => return reply,
    };
    let body = if request.body().is_empty() {
        Body::new()
    } else {
        match parse_body(request) {
            Ok(body) => body,
            Err(reply) => return reply,
        }
    };
    let checked =
        enum_field(&body, "type", &["apple_pay", "card_only", "secure_debit"]).and_then(|kind| {
            Ok((
                kind,
                enum_field(&body, "direction", &["cash_in", "cash_out"])?,
            ))
        });
    let (kind, direction) = match checked {
        Ok(values) => values,
        Err(reply) => return reply,
    };
    let mut url = format!(
        "https://cdn.pushcash.com/widget/?user={}",
        state.users[index].id
    );
    for (name, value) in [("type", kind), ("direction", direction)] {
        if let Some(value) = value {
            url.push_str(&format!("&{name}={value}"));
        }
    }
    (StatusCode::OK, json!({ "url": url }))
}

/// `POST /user/...` and `GET /user/...` below a user id.
pub(super) fn route(
    state: &mut State,
    request: &http::Request<Bytes>,
    rest: &str,
    page_size: usize,
) -> (StatusCode, Bytes) {
    let method = request.method().clone();
    let reply = match (method.as_str(), rest.split_once('/')) {
        ("GET", None) if rest == "list" => list(state, request, page_size),
        ("GET", None) => get(state, rest),
        ("GET", Some((id, "credential/list"))) => credentials(state, id, request),
        ("POST", Some((id, "credential"))) => add_credential(state, id, request),
        ("POST", Some((id, "url"))) => url(state, id, request),
        _ => error(
            StatusCode::NOT_FOUND,
            format!("no route for {method} /user/{rest}"),
        ),
    };
    encode(reply)
}
