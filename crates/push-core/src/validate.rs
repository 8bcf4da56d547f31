//! Shared validation rules. Each returns a [`ValidationError`] naming the field and the rule.

use crate::ValidationError;

/// Every required field that is missing, named at once: the first with its rule, the others
/// after it (`amount: is required (also missing: currency, direction)`), so a caller fixes
/// them in one go. `fields` are `(name, rule, present)`.
pub(crate) fn required(
    fields: &[(&'static str, &'static str, bool)],
) -> Result<(), ValidationError> {
    let mut missing = fields.iter().filter(|(_, _, present)| !present);
    let Some(&(first, rule, _)) = missing.next() else {
        return Ok(());
    };
    let rest: Vec<&str> = missing.map(|(name, _, _)| *name).collect();
    Err(if rest.is_empty() {
        ValidationError::new(first, rule)
    } else {
        ValidationError::new(first, format!("{rule} (also missing: {})", rest.join(", ")))
    })
}

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

/// Required text: not empty or blank, at most `max` characters.
pub(crate) fn text(field: &'static str, value: &str, max: usize) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(ValidationError::new(field, "is required (not blank)"));
    }
    if value.chars().count() > max {
        return Err(ValidationError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(ValidationError::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// An email address's shape: `local@domain.tld`, no spaces, one `@`.
pub(crate) fn email(value: &str) -> Result<(), ValidationError> {
    let shaped = value.len() <= 254
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain
                    .rsplit_once('.')
                    .is_some_and(|(name, tld)| !name.is_empty() && !tld.is_empty())
                && !domain.starts_with('.')
                && !domain.contains("..")
        });
    if shaped {
        Ok(())
    } else {
        Err(ValidationError::new(
            "email",
            "must be an email address (name@example.com)",
        ))
    }
}

/// A real calendar date written `YYYY-MM-DD`.
pub(crate) fn date(field: &'static str, value: &str) -> Result<chrono::NaiveDate, ValidationError> {
    let shaped = value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let parsed = shaped
        .then(|| chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").ok())
        .flatten();
    parsed.ok_or_else(|| ValidationError::new(field, "must be a real date written YYYY-MM-DD"))
}

/// Exactly two capital letters (a US state: `CA`).
pub(crate) fn state_code(field: &'static str, value: &str) -> Result<(), ValidationError> {
    if value.len() == 2 && value.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(ValidationError::new(
            field,
            "must be two capital letters (CA)",
        ))
    }
}

/// A US ZIP code: `NNNNN` or `NNNNN-NNNN`.
pub(crate) fn postal_code(value: &str) -> Result<(), ValidationError> {
    let digits = |part: &str, n: usize| part.len() == n && part.bytes().all(|b| b.is_ascii_digit());
    let ok = match value.split_once('-') {
        Some((zip, plus4)) => digits(zip, 5) && digits(plus4, 4),
        None => digits(value, 5),
    };
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new(
            "postal_code",
            "must be NNNNN or NNNNN-NNNN",
        ))
    }
}

/// Two letters (`US`); sent in capitals.
pub(crate) fn country(value: &str) -> Result<String, ValidationError> {
    if value.len() == 2 && value.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(value.to_ascii_uppercase())
    } else {
        Err(ValidationError::new("country", "must be two letters (US)"))
    }
}

/// One path segment an id fills: not empty, and not `.` or `..` (which would change the path
/// even encoded), nor any of `reserved` (a sibling route such as `list`).
pub(crate) fn path_id(
    field: &'static str,
    value: &str,
    reserved: &[&str],
) -> Result<(), ValidationError> {
    match value {
        "" => Err(ValidationError::new(field, "must not be empty")),
        "." | ".." => Err(ValidationError::new(
            field,
            "must not be `.` or `..` (it would change the path)",
        )),
        other if reserved.contains(&other) => Err(ValidationError::new(
            field,
            format!("must not be `{other}` (that path is another route)"),
        )),
        _ => Ok(()),
    }
}

/// True for `localhost`, `127.0.0.0/8` and `::1`.
pub(crate) fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// An absolute `http(s)` URL, parsed by `http` (the type the transports send); with
/// `https_only`, plaintext is allowed only to loopback. Hosts are ASCII: an international
/// domain name is given in its `xn--` form (no IDNA tables are compiled in for it).
pub(crate) fn absolute_url(
    field: &'static str,
    value: &str,
    https_only: bool,
) -> Result<http::Uri, ValidationError> {
    if !value.is_ascii() {
        return Err(ValidationError::new(
            field,
            "must be ASCII (give an international domain name in its xn-- form)",
        ));
    }
    let uri: http::Uri = value
        .parse()
        .map_err(|err| ValidationError::new(field, format!("must be an absolute URL ({err})")))?;
    let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        return Err(ValidationError::new(
            field,
            "must be an absolute URL (scheme://host/...)",
        ));
    };
    let host = authority.host();
    match scheme.to_ascii_lowercase().as_str() {
        "https" => {}
        "http" if !https_only || is_loopback(host) => {}
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
    if host.is_empty() {
        return Err(ValidationError::new(field, "must name a host"));
    }
    // `http` keeps a port it cannot read as a number; Push would never answer on one.
    // The text after the userinfo (never echoed: it may hold a password) and an IPv6 literal.
    let host_port = authority.as_str().rsplit('@').next().unwrap_or_default();
    let port_text = host_port
        .rsplit_once(']')
        .map_or(host_port, |(_, rest)| rest);
    if let Some((_, port)) = port_text.rsplit_once(':')
        && !port.is_empty()
        && port.parse::<u16>().is_err()
    {
        return Err(ValidationError::new(
            field,
            "the port must be a number from 0 to 65535",
        ));
    }
    if value.contains('#') {
        return Err(ValidationError::new(field, "must not carry a #fragment"));
    }
    Ok(uri)
}

/// `redirect_url`: any absolute http(s) URL (the user's browser goes there, not the token).
/// Sent as given.
pub(crate) fn redirect_url(url: Option<String>) -> Result<Option<String>, ValidationError> {
    if let Some(url) = &url {
        absolute_url("redirect_url", url, false)?;
    }
    Ok(url)
}

/// `webhook_url`: https, or http to loopback only (Push posts signed events there). Sent as
/// given.
pub(crate) fn webhook_url(url: Option<String>) -> Result<Option<String>, ValidationError> {
    if let Some(url) = &url {
        absolute_url("webhook_url", url, true)?;
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
        assert!(absolute_url("u", "https://example.com:99999/x", false).is_err());
        assert!(absolute_url("u", "https://example.com/x#top", false).is_err());
        assert!(absolute_url("u", "https://exa mple.com/x", false).is_err());
        assert!(absolute_url("u", "HTTP://LOCALHOST:8080/x", true).is_ok());
        assert!(absolute_url("u", "http://127.0.0.9/x", true).is_ok());
        assert!(absolute_url("u", "http://[::2]/x", true).is_err());
        assert!(absolute_url("u", "http://localhost.example.com/x", true).is_err());
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

    #[test]
    fn user_fields() {
        for ok in ["a@b.co", "alfred@imdb.com", "x.y+z@sub.example.org"] {
            assert!(email(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "a", "a@", "@b.co", "a@b", "a b@c.co", "a@b@c.co", "a@.co", "a@b..co",
        ] {
            assert_eq!(email(bad).unwrap_err().field(), "email", "{bad}");
        }
        assert!(date("date_of_birth", "1899-08-13").is_ok());
        assert!(date("date_of_birth", "2024-02-29").is_ok());
        for bad in [
            "2023-02-29",
            "1899-8-13",
            "18990813",
            "1899-13-01",
            "+1899-08-13",
            "",
        ] {
            assert!(date("date_of_birth", bad).is_err(), "{bad}");
        }
        assert!(state_code("administrative_area", "CA").is_ok());
        for bad in ["ca", "C", "CAL", "C1"] {
            assert!(state_code("administrative_area", bad).is_err(), "{bad}");
        }
        for ok in ["94923", "94923-1234"] {
            assert!(postal_code(ok).is_ok(), "{ok}");
        }
        for bad in ["9492", "949231", "94923-123", "9492a", "94923 1234"] {
            assert!(postal_code(bad).is_err(), "{bad}");
        }
        assert_eq!(country("us").unwrap(), "US");
        assert!(country("USA").is_err());
        assert!(path_id("id", "user_1", &["list"]).is_ok());
        for bad in ["", ".", "..", "list"] {
            assert!(path_id("id", bad, &["list"]).is_err(), "{bad}");
        }
        assert!(text("first", "  ", 100).is_err());
        assert!(text("first", "Ada", 100).is_ok());
    }
}
