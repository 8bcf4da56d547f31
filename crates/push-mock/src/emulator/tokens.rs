//! Cards and keys: `POST /tokenize` (the tokens host's one route, served on the same server),
//! `POST /keys/verify` (plain text) and `POST /sandbox/credential`.

use bytes::Bytes;
use http::StatusCode;
use serde_json::json;

use super::{
    request::{Reply, enum_field, error, invalid, parse_body, string_field},
    state::{State, TokenRecord, suffix},
};

/// The organisation `POST /keys/verify` names.
pub(super) const ORGANISATION: &str = "Push Mock Organisation";

/// The published sandbox card whose refunds the issuer declines.
pub(super) const REFUND_DECLINE_CARD: &str = "5999961969769301";

/// The Luhn checksum over ASCII digits.
fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b.wrapping_sub(b'0'));
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn digits(value: &str, lengths: std::ops::RangeInclusive<usize>) -> bool {
    lengths.contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit())
}

pub(super) fn tokenize(state: &mut State, request: &http::Request<Bytes>) -> Reply {
    let body = match parse_body(request) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let text = |field: &str| match string_field(&body, field) {
        Ok(Some(value)) => Ok(value.to_owned()),
        Ok(None) => Err(invalid(field, "is required")),
        Err(reply) => Err(reply),
    };
    let checked = (|| {
        let user_id = text("user_id")?;
        let pan = text("pan")?;
        if !digits(&pan, 12..=19) || !luhn(&pan) {
            return Err(invalid("pan", "is not a valid card number"));
        }
        if !digits(&text("cvv")?, 3..=4) {
            return Err(invalid("cvv", "must be 3 or 4 digits"));
        }
        let month = text("exp_month")?;
        if !digits(&month, 2..=2) || !matches!(month.parse::<u8>(), Ok(1..=12)) {
            return Err(invalid("exp_month", "must be two digits, 01 to 12"));
        }
        if !digits(&text("exp_year")?, 2..=2) {
            return Err(invalid("exp_year", "must be two digits"));
        }
        let card_only = enum_field(&body, "type", &["card_only"])?.is_some();
        Ok((user_id, pan, card_only))
    })();
    let (user_id, pan, card_only) = match checked {
        Ok(values) => values,
        Err(reply) => return reply,
    };
    let Some(&user) = state.users_by_id.get(&user_id) else {
        return error(StatusCode::NOT_FOUND, format!("user {user_id} not found"));
    };
    state.stats.tokens_issued += 1;
    let token = format!("token_{}", suffix(state.stats.tokens_issued + 2_000_000));
    state.tokens.insert(
        token.clone(),
        TokenRecord {
            user,
            // In bounds: at least 12 ASCII digits.
            card_last4: pan[pan.len() - 4..].to_owned(),
            card_only,
            used: false,
            refund_declines: pan == REFUND_DECLINE_CARD,
        },
    );
    (StatusCode::OK, json!({ "token": token }))
}

/// A sandbox credential for a known user.
pub(super) fn simulate_credential(state: &mut State, request: &http::Request<Bytes>) -> Reply {
    let body = match parse_body(request) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let checked = (|| {
        let user_id =
            string_field(&body, "user_id")?.ok_or_else(|| invalid("user_id", "is required"))?;
        let kind = enum_field(
            &body,
            "type",
            &[
                "secure_debit",
                "card_only_credit",
                "card_only_debit",
                "apple_pay",
                "apple_pay_debit",
            ],
        )?
        .ok_or_else(|| invalid("type", "is required"))?;
        let last4 = string_field(&body, "card_last4")?;
        if last4.is_some_and(|l| !digits(l, 4..=4)) {
            return Err(invalid("card_last4", "must be four digits"));
        }
        Ok((
            user_id.to_owned(),
            kind.to_owned(),
            last4.unwrap_or("9010").to_owned(),
        ))
    })();
    let (user_id, kind, last4) = match checked {
        Ok(values) => values,
        Err(reply) => return reply,
    };
    let Some(&user) = state.users_by_id.get(&user_id) else {
        return error(StatusCode::NOT_FOUND, format!("user {user_id} not found"));
    };
    // Apple Pay is stored as the debit card behind it.
    let stored = if kind == "apple_pay" {
        "apple_pay_debit"
    } else {
        &kind
    };
    (StatusCode::OK, state.add_credential(user, stored, &last4))
}

/// A token this server issued, taken by `POST /authorize`: the user it is bound to, the card's
/// last four and whether it is card-only; `Err` for one already used; `None` for a token from
/// elsewhere (accepted as before, for the published examples).
pub(super) fn redeem(state: &mut State, token: &str) -> Result<Option<TokenRecord>, Reply> {
    let Some(record) = state.tokens.get_mut(token) else {
        return Ok(None);
    };
    if record.used {
        return Err(error(StatusCode::CONFLICT, "this token was already used"));
    }
    record.used = true;
    Ok(Some(record.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_the_published_test_card_only() {
        assert!(luhn("5555555555554444"));
        assert!(luhn("4242424242424242"));
        assert!(!luhn("5555555555554445"));
        assert!(luhn(REFUND_DECLINE_CARD));
    }
}
