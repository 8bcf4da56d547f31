//! The environment a client talks to: sandbox, production, or a base URL of your own.

use std::fmt;

use crate::{ValidationError, validate};

/// The sandbox's base URL.
pub const SANDBOX_URL: &str = "https://sandbox.pushcash.com";
/// Production's base URL.
pub const PRODUCTION_URL: &str = "https://api.pushcash.com";
/// The sandbox's tokens host (`POST /tokenize` only; PCI-isolated, same token).
pub const SANDBOX_TOKENS_URL: &str = "https://sandbox-tokens.pushcash.com";
/// Production's tokens host (`POST /tokenize` only; PCI-isolated, same token).
pub const PRODUCTION_TOKENS_URL: &str = "https://tokens.pushcash.com";

/// Which Push the client talks to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Environment {
    /// `https://sandbox.pushcash.com` (the default: nothing real moves by accident).
    #[default]
    Sandbox,
    /// `https://api.pushcash.com`.
    Production,
    /// Any base URL, such as an emulator on loopback. A [`BaseUrl`] exists only validated, so
    /// this variant cannot carry a URL that skipped the https-or-loopback rule.
    BaseUrl(BaseUrl),
}

/// A validated base URL: `https` (or `http` to a loopback host only), a plain host, no query or
/// fragment, and one that every request URI built on it parses. Built by [`BaseUrl::parse`] or
/// [`Environment::base_url`]; there is no other way to make one.
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// Without a trailing slash.
    text: String,
    host: String,
    https: bool,
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A base URL may carry `user:password@`; Debug shows only where requests go.
        f.debug_tuple("BaseUrl")
            .field(&redact_userinfo(&self.text))
            .finish()
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_userinfo(&self.text))
    }
}

/// `https://user:pass@host` as `https://****@host`.
pub(super) fn redact_userinfo(url: &str) -> std::borrow::Cow<'_, str> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.into();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    // In bounds: `authority_end` and `at` come from `find`/`rfind` on the same string.
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://****{}", &rest[at..]).into(),
        None => url.into(),
    }
}

impl BaseUrl {
    /// Validates `url` as a base URL for `field` (the name the error carries).
    pub(crate) fn parse_field(field: &'static str, url: &str) -> Result<Self, ValidationError> {
        let parsed = validate::absolute_url(field, url, true)?;
        if url.contains('?') {
            return Err(ValidationError::new(
                field,
                "must not carry a query or fragment",
            ));
        }
        // Present when the text was `scheme://authority...`: `absolute_url` checked both.
        let (Some(scheme), Some(authority)) = (parsed.scheme_str(), parsed.authority()) else {
            return Err(ValidationError::new(field, "must be an absolute URL"));
        };
        if authority.as_str().contains('@') {
            return Err(ValidationError::new(
                field,
                "must not carry credentials (the API token authenticates)",
            ));
        }
        let host = authority.host();
        if !host.starts_with('[')
            && !host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        {
            return Err(ValidationError::new(
                field,
                "host may hold only letters, digits, '.', '-' and '_'",
            ));
        }
        let scheme = scheme.to_ascii_lowercase();
        let text = format!(
            "{scheme}://{}{}",
            authority.as_str().to_ascii_lowercase(),
            parsed.path().trim_end_matches('/')
        );
        // Every request URI is this text plus an encoded path: prove now that it parses, so
        // building one later cannot fail on the base.
        if format!("{text}/intent/x?cursor=y")
            .parse::<http::Uri>()
            .is_err()
        {
            return Err(ValidationError::new(
                field,
                "is not a valid HTTP request target",
            ));
        }
        Ok(Self {
            https: scheme == "https",
            host: host.to_ascii_lowercase(),
            text,
        })
    }

    /// Validates `url`: `https`, or plaintext `http` only to a loopback host (the token must
    /// never cross a network in the clear).
    pub fn parse(url: &str) -> Result<Self, ValidationError> {
        Self::parse_field("base_url", url)
    }

    /// The URL, without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// True for `https` (false only for plaintext to loopback).
    pub fn is_https(&self) -> bool {
        self.https
    }
}

impl Environment {
    /// A custom base URL: see [`BaseUrl::parse`].
    pub fn base_url(url: &str) -> Result<Self, ValidationError> {
        BaseUrl::parse(url).map(Environment::BaseUrl)
    }

    /// The base URL, without a trailing slash.
    pub fn url(&self) -> String {
        self.as_str().to_owned()
    }

    /// The host requests go to (`sandbox.pushcash.com`, `127.0.0.1`, `[::1]`).
    pub fn host(&self) -> &str {
        match self {
            Environment::Sandbox => "sandbox.pushcash.com",
            Environment::Production => "api.pushcash.com",
            Environment::BaseUrl(url) => &url.host,
        }
    }

    /// True unless the base URL is plaintext `http` (to loopback).
    pub fn is_https(&self) -> bool {
        match self {
            Environment::BaseUrl(url) => url.https,
            _ => true,
        }
    }

    fn as_str(&self) -> &str {
        match self {
            Environment::Sandbox => SANDBOX_URL,
            Environment::Production => PRODUCTION_URL,
            Environment::BaseUrl(url) => url.as_str(),
        }
    }

    /// The tokens host's base URL (`POST /tokenize`): Push's for the named environments; a
    /// custom base URL serves both (an emulator does) unless the client sets its own
    /// ([`ClientBuilder::tokens_base_url`](crate::ClientBuilder::tokens_base_url)).
    pub fn tokens_url(&self) -> &str {
        match self {
            Environment::Sandbox => SANDBOX_TOKENS_URL,
            Environment::Production => PRODUCTION_TOKENS_URL,
            Environment::BaseUrl(url) => url.as_str(),
        }
    }

    /// True for production: the named environment, whatever the URL says otherwise.
    pub fn is_production(&self) -> bool {
        matches!(self, Environment::Production) || self.as_str() == PRODUCTION_URL
    }
}
