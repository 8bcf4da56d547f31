//! Emulator-only controls, under `/_emulator/` (a prefix Push does not use), for the CLI and
//! for tests in other languages; Rust tests call the same functions through [`super::Emulator`]:
//!
//! | route | body | does |
//! |---|---|---|
//! | `GET /_emulator/clock` | | `{"now": ts}`: the emulator's clock |
//! | `POST /_emulator/clock/advance` | `{"seconds": n}` | moves the clock on, runs the cut-off: `{"now": ts, "transfers": k}` |
//! | `POST /_emulator/dispute` | `{"intent_id": i, "code"?: c}` | opens a dispute (code `10.4` by default) |
//! | `POST /_emulator/dispute/{id}/resolve` | `{"status": "won"\|"lost"}` | resolves it |
//! | `POST /_emulator/discrepancy` | `{"kind": "transfer_amount"\|"intent_amount", "delta": n}` | the next transfer (or intent entry) is off by `delta` cents |
//! | `POST /_emulator/discrepancy` | `{"kind": "double_netted"\|"two_own_entries"\|"wrong_currency"\|"wrong_date"}` | the next transfer nets an intent twice, lists two entries for itself, has an entry in EUR, or is dated the day after the day it is listed under |
//! | `POST /_emulator/discrepancy` | `{"kind": "unsettled"}` | the next cut-off leaves one approved intent out of every transfer, for good |
//! | `POST /_emulator/discrepancy` | `{"kind": "unknown_intent"}` | an approved intent nobody's records name appears at once; answers `{"intent_id"}` |
//! | `POST /_emulator/trigger` | `{"type": "intent.approved"\|"intent.declined", "tag"?: t}` | a new intent ends that way at once and its event goes to the registered endpoint; answers `{"intent_id", "type", "webhooks": n}` |

use std::time::Duration;

use bytes::Bytes;
use chrono::TimeDelta;
use http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{
    disputes,
    ledger::Discrepancy,
    request::{Reply, enum_field, error, invalid, parse_body, segment, string_field},
    state::{State, timestamp},
    webhooks,
};

/// The prefix of every control route.
pub(super) const PREFIX: &str = "/_emulator/";

/// The most the clock moves in one step: a year.
const MAX_STEP: Duration = Duration::from_secs(366 * 24 * 3600);

/// Moves the clock on by `by` (at most a year a step) and runs the cut-off.
pub(super) fn advance(state: &mut State, by: Duration) -> Reply {
    if by > MAX_STEP {
        return invalid("seconds", "must be at most a year (31622400)");
    }
    // In range: at most a year.
    let step = TimeDelta::from_std(by).unwrap_or(TimeDelta::zero());
    state.clock_offset += step;
    let transfers = state.settle();
    (
        StatusCode::OK,
        json!({ "now": timestamp(state.now()), "transfers": transfers }),
    )
}

/// One control request; `rest` is the path after [`PREFIX`].
pub(super) fn route(state: &mut State, request: &http::Request<Bytes>, rest: &str) -> Reply {
    let method = request.method();
    if (method, rest) == (&Method::GET, "clock") {
        return (StatusCode::OK, json!({ "now": timestamp(state.now()) }));
    }
    if method != Method::POST {
        return error(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
    }
    let body = match parse_body(request) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    match rest {
        "clock/advance" => match body.get("seconds").and_then(Value::as_u64) {
            Some(seconds) => advance(state, Duration::from_secs(seconds)),
            None => invalid("seconds", "must be a whole number of seconds, 0 or more"),
        },
        "trigger" => {
            let checked = (|| {
                let event =
                    string_field(&body, "type")?.ok_or_else(|| invalid("type", "is required"))?;
                Ok((
                    event.to_owned(),
                    string_field(&body, "tag")?.map(str::to_owned),
                ))
            })();
            match checked {
                Ok((event, tag)) => webhooks::trigger(state, &event, tag.as_deref()),
                Err(reply) => reply,
            }
        }
        "dispute" => {
            let checked = (|| {
                let intent = string_field(&body, "intent_id")?
                    .ok_or_else(|| invalid("intent_id", "is required"))?;
                let code = string_field(&body, "code")?.unwrap_or("10.4");
                Ok((intent.to_owned(), code.to_owned()))
            })();
            match checked {
                Ok((intent, code)) => disputes::open(state, &intent, &code),
                Err(reply) => reply,
            }
        }
        "discrepancy" => {
            let checked = (|| {
                let kind = enum_field(
                    &body,
                    "kind",
                    &[
                        "transfer_amount",
                        "intent_amount",
                        "double_netted",
                        "two_own_entries",
                        "wrong_currency",
                        "wrong_date",
                        "unsettled",
                        "unknown_intent",
                    ],
                )?
                .ok_or_else(|| invalid("kind", "is required"))?;
                let plain = match kind {
                    "double_netted" => Some(Discrepancy::DoubleNetted),
                    "two_own_entries" => Some(Discrepancy::TwoOwnEntries),
                    "wrong_currency" => Some(Discrepancy::WrongCurrency),
                    "wrong_date" => Some(Discrepancy::WrongDate),
                    "unsettled" => Some(Discrepancy::Unsettled),
                    "unknown_intent" => Some(Discrepancy::UnknownIntent),
                    _ => None,
                };
                if let Some(plain) = plain {
                    return Ok(plain);
                }
                let delta = body
                    .get("delta")
                    .and_then(Value::as_i64)
                    .filter(|d| *d != 0)
                    .ok_or_else(|| invalid("delta", "must be a non-zero integer"))?;
                Ok(if kind == "transfer_amount" {
                    Discrepancy::TransferAmount(delta)
                } else {
                    Discrepancy::IntentAmount(delta)
                })
            })();
            match checked {
                Ok(discrepancy) => match state.inject(discrepancy) {
                    Some(intent) => (StatusCode::OK, json!({ "intent_id": intent })),
                    None => (
                        StatusCode::OK,
                        json!({ "queued": state.discrepancies.len() }),
                    ),
                },
                Err(reply) => reply,
            }
        }
        _ => match rest
            .strip_prefix("dispute/")
            .and_then(|r| r.strip_suffix("/resolve"))
        {
            Some(id) => match enum_field(&body, "status", &["won", "lost"]) {
                Ok(Some(status)) => disputes::resolve(state, &segment(id), status == "won"),
                Ok(None) => invalid("status", "is required (won or lost)"),
                Err(reply) => reply,
            },
            None => error(
                StatusCode::NOT_FOUND,
                format!("no emulator control at {PREFIX}{rest}"),
            ),
        },
    }
}
