//! Shared validation rules. Each returns a [`ValidationError`] naming the field and the rule.

use url::Url;

use crate::ValidationError;

/// 1..=`max` characters, each visible ASCII (`!`..=`~`).
pub(crate) fn visible_ascii(
    field: &'static str,
    value: &str,
    max: usize,
) -> Result<(), ValidationError> {
    if value.is_empty() || value.len() > max || !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ValidationError::new(
            field,
            format!(
                "must be 1 to {max} visible ASCII characters (at most {max}, no spaces or control characters)"
            ),
        ));
    }
    Ok(())
}

/// An identifier: non-empty, at most 255 characters, no control characters or whitespace.
pub(crate) fn id(field: &'static str, value: &str) -> Result<(), ValidationError> {
    if value.is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    if value.chars().count() > 255 {
        return Err(ValidationError::new(
            field,
            "must be at most 255 characters",
        ));
    }
    if value.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(ValidationError::new(
            field,
            "must not contain whitespace or control characters",
        ));
    }
    Ok(())
}

/// A positive amount in minor units.
pub(crate) fn amount(value: i64) -> Result<(), ValidationError> {
    if value <= 0 {
        return Err(ValidationError::new(
            "amount",
            format!("must be greater than 0 (got {value})"),
        ));
    }
    Ok(())
}

/// True for `localhost`, `127.0.0.0/8` and `::1`.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// An absolute `http(s)` URL; with `https_only`, plaintext is allowed only to loopback.
pub(crate) fn absolute_url(
    field: &'static str,
    value: &str,
    https_only: bool,
) -> Result<Url, ValidationError> {
    let url = Url::parse(value)
        .map_err(|err| ValidationError::new(field, format!("must be an absolute URL ({err})")))?;
    match url.scheme() {
        "https" => {}
        "http" if !https_only || is_loopback(&url) => {}
        "http" => {
            return Err(ValidationError::new(
                field,
                "must use https (http is allowed only to loopback)",
            ));
        }
        other => {
            return Err(ValidationError::new(
                field,
                format!("must be an http(s) URL, not {other}:"),
            ));
        }
    }
    if url.host().is_none() {
        return Err(ValidationError::new(field, "must name a host"));
    }
    Ok(url)
}

/// `approval_mode`: a known value, and `manual` only with `cash_out` (when the direction is
/// given; a token carries its own).
pub(crate) fn approval_mode(
    mode: &crate::ApprovalMode,
    direction: Option<&crate::Direction>,
) -> Result<(), ValidationError> {
    if !mode.is_known() {
        return Err(ValidationError::new(
            "approval_mode",
            format!("unknown value `{mode}` cannot be sent"),
        ));
    }
    if *mode == crate::ApprovalMode::Manual
        && direction.is_some_and(|d| *d != crate::Direction::CashOut)
    {
        return Err(ValidationError::new(
            "approval_mode",
            "manual is only valid with direction cash_out",
        ));
    }
    Ok(())
}

/// `redirect_url`: any absolute http(s) URL (the user's browser goes there, not the token).
pub(crate) fn redirect_url(url: Option<String>) -> Result<Option<Url>, ValidationError> {
    url.map(|u| absolute_url("redirect_url", &u, false))
        .transpose()
}

/// `webhook_url`: https, or http to loopback only (Push posts signed events there).
pub(crate) fn webhook_url(url: Option<String>) -> Result<Option<Url>, ValidationError> {
    url.map(|u| absolute_url("webhook_url", &u, true))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(absolute_url("u", "https://example.com/x", true).is_ok());
        assert!(absolute_url("u", "http://127.0.0.1:8080/x", true).is_ok());
        assert!(absolute_url("u", "http://[::1]/x", true).is_ok());
        assert!(absolute_url("u", "http://localhost/x", true).is_ok());
        assert!(absolute_url("u", "http://example.com/x", false).is_ok());
        let err = absolute_url("webhook_url", "http://example.com/x", true).unwrap_err();
        assert_eq!(
            err.to_string(),
            "webhook_url: must use https (http is allowed only to loopback)"
        );
        assert!(
            absolute_url("u", "/relative", false)
                .unwrap_err()
                .rule()
                .contains("absolute URL")
        );
        assert!(absolute_url("u", "ftp://example.com", false).is_err());
        assert!(absolute_url("u", "https://", false).is_err());
    }

    #[test]
    fn ids() {
        assert!(id("user_id", "user_1").is_ok());
        assert_eq!(
            id("user_id", "").unwrap_err().to_string(),
            "user_id: must not be empty"
        );
        assert!(id("user_id", "a b").is_err());
        assert!(id("user_id", &"a".repeat(256)).is_err());
    }

    #[test]
    fn amounts() {
        assert!(amount(1).is_ok());
        assert_eq!(
            amount(0).unwrap_err().to_string(),
            "amount: must be greater than 0 (got 0)"
        );
        assert!(amount(-5).is_err());
    }
}
