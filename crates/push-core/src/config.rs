//! Where requests go and what every request carries.

use std::{fmt, marker::PhantomData, sync::Arc, time::Duration};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, header};

use crate::{
    ApiToken, Error, IdempotencyKey, Request, RetryPolicy, USER_AGENT, ValidationError,
    observe::{Observer, SharedObserver},
    rate_limit::{RateLimiter, RateLimits},
    retry::Jitter,
    validate,
};

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
fn redact_userinfo(url: &str) -> std::borrow::Cow<'_, str> {
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
    /// ([`ClientBuilder::tokens_base_url`]).
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

/// An HTTP proxy for Push's HTTPS traffic, used only through `CONNECT` tunnels: the proxy sees
/// the host name and encrypted bytes, never the token or a body. A plaintext base URL (loopback
/// only) never goes through a proxy, and none is used unless configured:
/// [`ClientBuilder::proxy`], or [`ClientBuilder::proxy_from_env`] for `HTTPS_PROXY` /
/// `ALL_PROXY` (upper or lower case) with `NO_PROXY`.
#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    url: String,
    host: String,
    port: u16,
    no_proxy: Vec<String>,
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proxy")
            .field("url", &redact_userinfo(&self.url))
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

impl Proxy {
    /// `http://[user:password@]host[:port]` (port 80 by default): the proxy is reached in
    /// plaintext and tunnels TLS to Push.
    pub fn new(url: &str) -> Result<Self, ValidationError> {
        // A bare `host:port`, as some environments set it, means http.
        let with_scheme = if url.contains("://") {
            url.to_owned()
        } else {
            format!("http://{url}")
        };
        let invalid = || ValidationError::new("proxy", "must be an http://host:port URL");
        let parsed: http::Uri = with_scheme.parse().map_err(|_| invalid())?;
        let (Some(scheme), Some(authority)) = (parsed.scheme_str(), parsed.authority()) else {
            return Err(invalid());
        };
        if !scheme.eq_ignore_ascii_case("http") {
            return Err(ValidationError::new(
                "proxy",
                "must be an http:// proxy (it tunnels TLS with CONNECT)",
            ));
        }
        let host = authority.host();
        if host.is_empty() {
            return Err(ValidationError::new("proxy", "must name a host"));
        }
        let rest = &with_scheme[with_scheme.find("://").map_or(0, |i| i + 3)..];
        if rest.trim_end_matches('/').contains(['/', '?', '#']) {
            return Err(ValidationError::new(
                "proxy",
                "must be a bare http://host:port",
            ));
        }
        Ok(Self {
            url: format!("http://{}", authority.as_str()),
            port: authority.port_u16().unwrap_or(80),
            host: host.to_owned(),
            no_proxy: Vec::new(),
        })
    }

    /// Hosts that bypass the proxy, as `NO_PROXY` writes them: comma-separated names, where
    /// `example.com` and `.example.com` match the domain and its subdomains, and `*` matches all.
    pub fn with_no_proxy(mut self, list: &str) -> Self {
        self.no_proxy = list
            .split(',')
            .map(|entry| entry.trim().trim_start_matches('.').to_ascii_lowercase())
            .filter(|entry| !entry.is_empty())
            .collect();
        self
    }

    /// The proxy the standard variables name, through `lookup`: `HTTPS_PROXY`, else
    /// `ALL_PROXY` (each upper case first, then lower case), with `NO_PROXY`. `HTTP_PROXY` is
    /// ignored: it is for plaintext traffic, which never goes through a proxy.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, ValidationError> {
        let var = |names: &[&str]| {
            names
                .iter()
                .find_map(|name| lookup(name).filter(|value| !value.trim().is_empty()))
        };
        let Some(url) = var(&["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]) else {
            return Ok(None);
        };
        let proxy = Self::new(url.trim())?;
        Ok(Some(match var(&["NO_PROXY", "no_proxy"]) {
            Some(list) => proxy.with_no_proxy(&list),
            None => proxy,
        }))
    }

    /// The URL, credentials included: for the transport, never for a log.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The proxy's host and port.
    pub fn host_and_port(&self) -> (&str, u16) {
        (&self.host, self.port)
    }

    /// The `user:password` of the URL, percent-decoded, for `Proxy-Authorization: Basic`.
    pub fn credentials(&self) -> Option<(String, String)> {
        let authority = self.url.strip_prefix("http://")?;
        let (userinfo, _) = authority.rsplit_once('@')?;
        let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
        if user.is_empty() {
            return None;
        }
        let decode = |part: &str| {
            percent_encoding::percent_decode_str(part)
                .decode_utf8_lossy()
                .into_owned()
        };
        Some((decode(user), decode(password)))
    }

    /// False when `host` is on the `NO_PROXY` list.
    pub fn applies_to(&self, host: &str) -> bool {
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        !self.no_proxy.iter().any(|entry| {
            entry == "*"
                || host == *entry
                || host
                    .strip_suffix(entry.as_str())
                    .is_some_and(|rest| rest.ends_with('.'))
        })
    }
}

/// How long one attempt may take. Transports read it from the request's extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Connecting, TLS included. Default 10 s.
    pub connect: Duration,
    /// The whole request: connect, send, and reading the whole body. Default 30 s.
    pub request: Duration,
}

impl Timeouts {
    /// Both timeouts (see the fields).
    pub fn new(connect: Duration, request: Duration) -> Self {
        Self { connect, request }
    }
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(30),
        }
    }
}

/// Everything a client needs besides a transport: environment, token, timeouts, retries.
///
/// Cheap to clone: share one per application.
#[derive(Clone)]
pub struct Config {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    environment: Environment,
    base: String,
    /// The tokens host (`POST /tokenize`).
    tokens_base: String,
    /// The token says production (`pcsk_production_...`), whatever the base URL.
    production_token: bool,
    authorization: HeaderValue,
    user_agent: HeaderValue,
    retry: RetryPolicy,
    timeouts: Timeouts,
    max_body_bytes: u64,
    jitter: Jitter,
    proxy: Option<Proxy>,
    observer: Option<SharedObserver>,
    rate_limiter: Option<RateLimiter>,
}

/// The default cap on response bodies: 16 MiB.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 16 * 1024 * 1024;

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &self.inner.base)
            .field("tokens_base_url", &self.inner.tokens_base)
            .field("token", &"****")
            .field("retry", &self.inner.retry)
            .field("timeouts", &self.inner.timeouts)
            .field("max_body_bytes", &self.inner.max_body_bytes)
            .field("proxy", &self.inner.proxy)
            .finish()
    }
}

impl Config {
    /// A configuration for `environment`, authenticating with `token`.
    pub fn new(token: ApiToken, environment: Environment) -> Self {
        // Cannot fail: ApiToken::new admits only 1 to 4096 visible ASCII characters.
        let mut authorization = HeaderValue::try_from(format!("Bearer {}", token.expose()))
            .unwrap_or_else(|_| HeaderValue::from_static("Bearer"));
        authorization.set_sensitive(true);
        Self {
            inner: Arc::new(Inner {
                base: environment.url(),
                tokens_base: environment.tokens_url().to_owned(),
                production_token: token.is_production(),
                environment,
                authorization,
                user_agent: HeaderValue::from_static(USER_AGENT),
                retry: RetryPolicy::default(),
                timeouts: Timeouts::default(),
                max_body_bytes: DEFAULT_MAX_BODY_BYTES,
                jitter: Jitter::default(),
                proxy: None,
                observer: None,
                rate_limiter: None,
            }),
        }
    }

    /// Reads `PUSH_API_TOKEN` (required), `PUSH_BASE_URL` (optional; sandbox otherwise) and
    /// `PUSH_TOKENS_BASE_URL` (optional; see [`Environment::tokens_url`]) through `lookup`,
    /// which is `std::env::var` in the adapters' `from_env`.
    /// The three are read as [`ClientBuilder::from_lookup`] reads them (which reads the rest
    /// of the CLI's settings too).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ValidationError> {
        if lookup("PUSH_API_TOKEN").is_none_or(|token| token.trim().is_empty()) {
            return Err(ValidationError::new("PUSH_API_TOKEN", "must be set"));
        }
        const READ: [&str; 3] = ["PUSH_API_TOKEN", "PUSH_BASE_URL", "PUSH_TOKENS_BASE_URL"];
        let built = ClientBuilder::<Self>::new()
            .from_lookup(|name| READ.contains(&name).then(|| lookup(name)).flatten())
            .build();
        built.map_err(|err| match err {
            Error::Validation(err) => err,
            // Not reached: building a bare `Config` fails only on validation.
            other => ValidationError::new("config", other.to_string()),
        })
    }

    /// Sends `POST /tokenize` to this base URL instead of the environment's tokens host.
    pub fn with_tokens_base_url(mut self, url: BaseUrl) -> Self {
        self.inner_mut().tokens_base = url.as_str().to_owned();
        self
    }

    /// The tokens host's base URL, without a trailing slash.
    pub fn tokens_base_url(&self) -> &str {
        &self.inner.tokens_base
    }

    /// True when requests may reach production: the production environment or URL, or a
    /// token minted for production (`pcsk_production_...`). Sandbox-only operations refuse it.
    pub fn targets_production(&self) -> bool {
        self.inner.environment.is_production() || self.inner.production_token
    }

    fn inner_mut(&mut self) -> &mut Inner {
        Arc::make_mut(&mut self.inner)
    }

    /// Replaces the retry policy.
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.inner_mut().retry = retry;
        self
    }

    /// Replaces the timeouts.
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.inner_mut().timeouts = timeouts;
        self
    }

    /// Caps response bodies (default 16 MiB); transports stop reading past it.
    pub fn with_max_body_bytes(mut self, max_body_bytes: u64) -> Self {
        self.inner_mut().max_body_bytes = max_body_bytes;
        self
    }

    /// The response body cap, in bytes.
    pub fn max_body_bytes(&self) -> u64 {
        self.inner.max_body_bytes
    }

    /// Sends HTTPS through this proxy (see [`Proxy`]); `None` connects directly (the default).
    pub fn with_proxy(mut self, proxy: Option<Proxy>) -> Self {
        self.inner_mut().proxy = proxy;
        self
    }

    /// The proxy requests to the base URL go through: the configured one, unless the base
    /// URL is plaintext (never proxied) or on its `NO_PROXY` list.
    pub fn proxy(&self) -> Option<&Proxy> {
        let environment = &self.inner.environment;
        self.inner
            .proxy
            .as_ref()
            .filter(|proxy| environment.is_https() && proxy.applies_to(environment.host()))
    }

    /// Reports every attempt to `observer` (see [`crate::observe`]).
    pub fn with_observer(mut self, observer: Option<SharedObserver>) -> Self {
        self.inner_mut().observer = observer;
        self
    }

    /// The observer, if any.
    pub fn observer(&self) -> Option<&SharedObserver> {
        self.inner.observer.as_ref()
    }

    /// Paces requests with `limiter` (see [`crate::rate_limit`]); `None` sends at once (the
    /// default).
    pub fn with_rate_limiter(mut self, limiter: Option<RateLimiter>) -> Self {
        self.inner_mut().rate_limiter = limiter;
        self
    }

    /// The rate limiter, if any.
    pub fn rate_limiter(&self) -> Option<&RateLimiter> {
        self.inner.rate_limiter.as_ref()
    }

    /// Replaces the random source of backoff jitter (tests pin it).
    pub fn with_jitter(mut self, jitter: Jitter) -> Self {
        self.inner_mut().jitter = jitter;
        self
    }

    /// Appends `app` (such as `my-casino/1.2`) to the `User-Agent`.
    pub fn with_app_info(mut self, app: &str) -> Result<Self, ValidationError> {
        let value = HeaderValue::try_from(format!("{USER_AGENT} {app}"))
            .map_err(|_| ValidationError::new("app_info", "must be visible ASCII"))?;
        self.inner_mut().user_agent = value;
        Ok(self)
    }

    /// The environment.
    pub fn environment(&self) -> &Environment {
        &self.inner.environment
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The timeouts.
    pub fn timeouts(&self) -> Timeouts {
        self.inner.timeouts
    }

    pub(crate) fn jitter(&self) -> &Jitter {
        &self.inner.jitter
    }

    /// A request to `path_and_query` with the headers every request carries: `Authorization`
    /// (marked sensitive), `Accept`, `User-Agent`, and `Content-Type` when there is a body.
    ///
    /// The base URL was validated, so only a `path_and_query` that is not a valid request
    /// target (an operation of your own with a raw space in its path, say) is refused.
    pub fn request(
        &self,
        method: Method,
        path_and_query: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Request, ValidationError> {
        self.request_to(&self.inner.base, method, path_and_query, body)
    }

    /// [`Config::request`] on the tokens host ([`Config::tokens_base_url`]).
    pub fn tokens_request(
        &self,
        method: Method,
        path_and_query: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Request, ValidationError> {
        self.request_to(&self.inner.tokens_base, method, path_and_query, body)
    }

    fn request_to(
        &self,
        base: &str,
        method: Method,
        path_and_query: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Request, ValidationError> {
        if !path_and_query.starts_with('/') {
            return Err(ValidationError::new("path", "must start with '/'"));
        }
        let uri: http::Uri = format!("{base}{path_and_query}").parse().map_err(|_| {
            ValidationError::new(
                "path",
                "must be percent-encoded (no spaces, quotes or control characters)",
            )
        })?;
        let mut headers = HeaderMap::with_capacity(6);
        headers.insert(header::AUTHORIZATION, self.inner.authorization.clone());
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(header::USER_AGENT, self.inner.user_agent.clone());
        if body.is_some() {
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
        } else if matches!(method, Method::POST | Method::PUT | Method::PATCH) {
            // A write without a body (approve, cancel, keys/verify) says so: every transport
            // sends this framing rather than its own (ureq would send an empty chunked body,
            // which some servers and proxies refuse).
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
        }
        let mut request = http::Request::new(body.map(Bytes::from).unwrap_or_default());
        *request.method_mut() = method;
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        Ok(request)
    }
}

/// Per-call overrides of the client's settings.
///
/// Give them to one call with `client.send_with(operation, &options)`, or to every call of a
/// scoped clone with `client.with_options(options)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallOptions {
    /// The idempotency key (only `POST /intent` takes one). Prefer
    /// `CreateIntent::builder().idempotency_key(..)`: a key identifies one intent. Given here, it
    /// replaces the operation's key for **one** call: `with_options` hands it to the first
    /// `create_intent` of the scoped client (and its clones) and to no later one, and calls that
    /// take no key ignore it.
    pub idempotency_key: Option<IdempotencyKey>,
    /// The whole-request timeout of each attempt.
    pub timeout: Option<Duration>,
    /// Retries after the first attempt.
    pub max_retries: Option<u32>,
}

impl CallOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the idempotency key (see [`CallOptions::idempotency_key`] for its one-call rule).
    pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }

    /// Sets the per-attempt timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the retry count.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }
}

/// A client that can be built from a [`Config`]: what [`ClientBuilder`] builds.
pub trait FromConfig: Sized {
    /// Builds the client.
    fn from_config(config: Config) -> Result<Self, Error>;
}

impl FromConfig for Config {
    fn from_config(config: Config) -> Result<Self, Error> {
        Ok(config)
    }
}

/// The one builder of every client: the async one (`push_hyper::Client::builder()`), the
/// blocking one (`push_ureq::Client::builder()`), or a bare [`Config`].
#[must_use]
pub struct ClientBuilder<C> {
    token: Option<Result<ApiToken, ValidationError>>,
    environment: Result<Environment, ValidationError>,
    timeouts: Timeouts,
    retry: RetryPolicy,
    max_body_bytes: u64,
    app_info: Option<String>,
    jitter: Option<Jitter>,
    proxy: Result<Option<Proxy>, ValidationError>,
    tokens_base_url: Option<Result<BaseUrl, ValidationError>>,
    observer: Option<SharedObserver>,
    rate_limits: Option<RateLimits>,
    /// A setting read from the environment that did not parse: reported by `build`.
    env_error: Option<ValidationError>,
    client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("environment", &self.environment)
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl<C> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self {
            token: None,
            environment: Ok(Environment::Sandbox),
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            app_info: None,
            jitter: None,
            proxy: Ok(None),
            tokens_base_url: None,
            observer: None,
            rate_limits: None,
            env_error: None,
            client: PhantomData,
        }
    }
}

impl<C: FromConfig> ClientBuilder<C> {
    /// A builder with the defaults: sandbox, 10 s connect, 30 s request, 2 retries, 16 MiB cap.
    pub fn new() -> Self {
        Self::default()
    }

    /// The API token (required).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(ApiToken::new(token));
        self
    }

    /// Sandbox (default), production, or a validated base URL.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = Ok(environment);
        self
    }

    /// A base URL: `https`, or `http` to loopback only.
    pub fn base_url(mut self, url: &str) -> Self {
        self.environment = Environment::base_url(url);
        self
    }

    /// The connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.connect = timeout;
        self
    }

    /// The whole-request timeout of each attempt, body included (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.request = timeout;
        self
    }

    /// Retries after the first attempt (default 2).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.retry = self.retry.with_max_retries(max_retries);
        self
    }

    /// The whole retry policy.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The response body cap (default 16 MiB).
    pub fn max_body_bytes(mut self, max_body_bytes: u64) -> Self {
        self.max_body_bytes = max_body_bytes;
        self
    }

    /// Your application's name and version, appended to the `User-Agent`.
    pub fn app_info(mut self, app: impl Into<String>) -> Self {
        self.app_info = Some(app.into());
        self
    }

    /// The random source of backoff jitter (tests pin it).
    pub fn jitter(mut self, jitter: Jitter) -> Self {
        self.jitter = Some(jitter);
        self
    }

    /// The tokens host for `POST /tokenize` (default: the environment's, see
    /// [`Environment::tokens_url`]); `https`, or `http` to loopback only.
    pub fn tokens_base_url(mut self, url: &str) -> Self {
        self.tokens_base_url = Some(BaseUrl::parse_field("tokens_base_url", url));
        self
    }

    /// Sends HTTPS through this `http://[user:password@]host:port` proxy, by `CONNECT` tunnels
    /// only (see [`Proxy`]). Default: no proxy, whatever the environment says.
    pub fn proxy(mut self, url: &str) -> Self {
        self.proxy = Proxy::new(url).map(Some);
        self
    }

    /// Opts in to the standard variables: `HTTPS_PROXY` or `ALL_PROXY`, with `NO_PROXY` (see
    /// [`Proxy::from_lookup`]). Nothing is read unless this is called.
    pub fn proxy_from_env(mut self) -> Self {
        self.proxy = Proxy::from_lookup(|name| std::env::var(name).ok());
        self
    }

    /// Reports every attempt to `observer`: method, path template, attempt, status or error
    /// kind, duration and the retry decision; never headers or bodies (see [`crate::observe`]).
    pub fn observer(mut self, observer: impl Observer + 'static) -> Self {
        self.observer = Some(SharedObserver::new(observer));
        self
    }

    /// Opts in to client-side rate limiting: requests wait for a slot under `limits`
    /// ([`RateLimits::published`] for Push's), shared by every clone of the client (see
    /// [`crate::rate_limit`]). Off by default.
    pub fn rate_limits(mut self, limits: RateLimits) -> Self {
        self.rate_limits = Some(limits);
        self
    }

    /// Reads every setting the `push` CLI reads from the environment, through `lookup`
    /// (`std::env::var` in the clients' `from_env`); unset variables leave the builder's
    /// value. A value that does not parse fails `build` with the variable's name.
    ///
    /// | Variable | Meaning |
    /// |---|---|
    /// | `PUSH_API_TOKEN` | The API token (required by `build`). |
    /// | `PUSH_BASE_URL` | Base URL (`https`, or `http` to loopback); the sandbox when unset. |
    /// | `PUSH_TOKENS_BASE_URL` | Host for `POST /tokenize`; the environment's when unset. |
    /// | `PUSH_TIMEOUT` | Whole-request timeout per attempt, in seconds (decimals allowed; default 30). |
    /// | `PUSH_MAX_RETRIES` | Retries after the first attempt (default 2). |
    /// | `PUSH_PROXY` | An `http://[user:password@]host:port` proxy for HTTPS. |
    /// | `PUSH_PROXY_FROM_ENV` | `1` or `true`: use `HTTPS_PROXY` / `ALL_PROXY` with `NO_PROXY`. |
    /// | `PUSH_RATE_LIMIT` | `published`: pace requests under Push's published limits. |
    pub fn from_lookup(mut self, lookup: impl Fn(&str) -> Option<String>) -> Self {
        let var = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        let mut error = None;
        let mut fail = |name: &'static str, rule: String| {
            error.get_or_insert(ValidationError::new(name, rule));
        };
        if let Some(token) = var("PUSH_API_TOKEN") {
            self.token = Some(ApiToken::new(token).map_err(|_| {
                ValidationError::new(
                    "PUSH_API_TOKEN",
                    "must be 1 to 4096 visible ASCII characters",
                )
            }));
        }
        if let Some(url) = var("PUSH_BASE_URL") {
            self.environment = Environment::base_url(url.trim())
                .map_err(|err| ValidationError::new("PUSH_BASE_URL", err.rule().to_owned()));
        }
        if let Some(url) = var("PUSH_TOKENS_BASE_URL") {
            self.tokens_base_url = Some(BaseUrl::parse_field("PUSH_TOKENS_BASE_URL", url.trim()));
        }
        if let Some(text) = var("PUSH_TIMEOUT") {
            match text.trim().parse::<f64>() {
                Ok(secs) if secs.is_finite() && secs > 0.0 && secs <= 86_400.0 => {
                    self.timeouts.request = Duration::from_secs_f64(secs);
                    self.timeouts.connect = self.timeouts.connect.min(self.timeouts.request);
                }
                _ => fail(
                    "PUSH_TIMEOUT",
                    format!("must be a number of seconds above 0, at most 86400 (got `{text}`)"),
                ),
            }
        }
        if let Some(text) = var("PUSH_MAX_RETRIES") {
            match text.trim().parse::<u32>() {
                Ok(retries) => self.retry = self.retry.with_max_retries(retries),
                Err(_) => fail(
                    "PUSH_MAX_RETRIES",
                    format!("must be a whole number (got `{text}`)"),
                ),
            }
        }
        if let Some(flag) = var("PUSH_PROXY_FROM_ENV") {
            match flag.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" => self.proxy = Proxy::from_lookup(&lookup),
                "0" | "false" | "no" => {}
                _ => fail(
                    "PUSH_PROXY_FROM_ENV",
                    format!("must be 1/true or 0/false (got `{flag}`)"),
                ),
            }
        }
        if let Some(url) = var("PUSH_PROXY") {
            self.proxy = Proxy::new(url.trim()).map(Some);
        }
        if let Some(mode) = var("PUSH_RATE_LIMIT") {
            match mode.trim() {
                "published" => self.rate_limits = Some(RateLimits::published()),
                "off" | "none" => self.rate_limits = None,
                _ => fail(
                    "PUSH_RATE_LIMIT",
                    format!("must be `published` or `off` (got `{mode}`)"),
                ),
            }
        }
        if let Some(error) = error {
            self.env_error.get_or_insert(error);
        }
        self
    }

    /// Validates everything and builds the client.
    pub fn build(self) -> Result<C, Error> {
        if let Some(err) = self.env_error {
            return Err(err.into());
        }
        let token = self
            .token
            .ok_or_else(|| ValidationError::new("token", "is required"))??;
        let mut config = Config::new(token, self.environment?)
            .with_timeouts(self.timeouts)
            .with_retry_policy(self.retry)
            .with_max_body_bytes(self.max_body_bytes);
        if let Some(app) = &self.app_info {
            config = config.with_app_info(app)?;
        }
        if let Some(jitter) = self.jitter {
            config = config.with_jitter(jitter);
        }
        config = config.with_proxy(self.proxy?);
        if let Some(url) = self.tokens_base_url {
            config = config.with_tokens_base_url(url?);
        }
        config = config
            .with_observer(self.observer)
            .with_rate_limiter(self.rate_limits.map(RateLimiter::new));
        C::from_config(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> ApiToken {
        ApiToken::new("sk_test_secret").unwrap()
    }

    #[test]
    fn environments_resolve_to_base_urls() {
        assert_eq!(Environment::Sandbox.url(), "https://sandbox.pushcash.com");
        assert_eq!(Environment::Production.url(), "https://api.pushcash.com");
        assert_eq!(
            Environment::base_url("http://127.0.0.1:4010/")
                .unwrap()
                .url(),
            "http://127.0.0.1:4010"
        );
        assert_eq!(
            Environment::base_url("https://proxy.example/push/")
                .unwrap()
                .url(),
            "https://proxy.example/push"
        );
        assert_eq!(Environment::default(), Environment::Sandbox);
    }

    /// Issue 12: both environments yield both hosts; a custom base URL serves tokens too
    /// unless a tokens base URL is set (builder or `PUSH_TOKENS_BASE_URL`).
    #[test]
    fn the_tokens_host_follows_the_environment_unless_set() {
        let token = || ApiToken::new("sk_test_secret").unwrap();
        let sandbox = Config::new(token(), Environment::Sandbox);
        assert_eq!(
            sandbox.tokens_base_url(),
            "https://sandbox-tokens.pushcash.com"
        );
        let production = Config::new(token(), Environment::Production);
        assert_eq!(production.tokens_base_url(), "https://tokens.pushcash.com");
        let local = Environment::base_url("http://127.0.0.1:4010").unwrap();
        assert_eq!(
            Config::new(token(), local.clone()).tokens_base_url(),
            "http://127.0.0.1:4010"
        );
        let built: Config = ClientBuilder::new()
            .token("t")
            .base_url("http://127.0.0.1:4010")
            .tokens_base_url("http://127.0.0.1:4011/")
            .build()
            .unwrap();
        assert_eq!(built.tokens_base_url(), "http://127.0.0.1:4011");
        assert_eq!(built.base_url(), "http://127.0.0.1:4010");
        let request = built
            .tokens_request(Method::POST, "/tokenize", None)
            .unwrap();
        assert_eq!(request.uri(), "http://127.0.0.1:4011/tokenize");
        let refused = ClientBuilder::<Config>::new()
            .token("t")
            .tokens_base_url("http://tokens.example.com")
            .build()
            .unwrap_err();
        assert!(refused.to_string().contains("tokens_base_url"), "{refused}");
        let from_env = Config::from_lookup(|name| match name {
            "PUSH_API_TOKEN" => Some("t".to_owned()),
            "PUSH_TOKENS_BASE_URL" => Some("http://[::1]:9".to_owned()),
            _ => None,
        })
        .unwrap();
        assert_eq!(from_env.base_url(), "https://sandbox.pushcash.com");
        assert_eq!(from_env.tokens_base_url(), "http://[::1]:9");
        assert!(!from_env.targets_production());
        assert!(
            Config::new(ApiToken::new("pcsk_production_a.b").unwrap(), local).targets_production()
        );
    }

    #[test]
    fn plaintext_base_urls_are_refused_off_loopback() {
        let err = Environment::base_url("http://api.example.com").unwrap_err();
        assert_eq!(err.field(), "base_url");
        assert!(err.rule().contains("https"), "{err}");
        assert!(Environment::base_url("http://localhost:1").is_ok());
        assert!(Environment::base_url("http://[::1]:1").is_ok());
        assert!(Environment::base_url("http://127.1.2.3:1").is_ok());
        assert!(Environment::base_url("https://x.example/?q=1").is_err());
        assert!(Environment::base_url("not a url").is_err());
    }

    /// Regression: hosts with `"`, `` ` ``, `{` or `}` passed the `url` crate and then panicked
    /// when the first request URI was built. Every base URL is refused or yields requests.
    #[test]
    fn base_urls_that_cannot_carry_a_request_are_refused_up_front() {
        for url in [
            "https://a\"b.example",
            "https://a`b.example",
            "https://a{b.example",
            "https://a}b.example",
            "http://local{host:1",
            "https://user:pw@api.example",
            "https://user:pw@api.example:99999",
            "https://bücher.example",
        ] {
            let err = Environment::base_url(url).unwrap_err();
            assert_eq!(err.field(), "base_url", "{url}");
            assert!(!err.to_string().contains("pw"), "{err}");
        }
        for url in [
            "https://api.example",
            "https://api-1.example_internal:8443/push/v1/",
            "http://127.0.0.1:4010",
            "https://xn--bcher-kva.example",
        ] {
            let environment = Environment::base_url(url).unwrap();
            let config = Config::new(token(), environment);
            let request = config.request(Method::GET, "/intent/x?cursor=a%2Bb", None);
            assert!(request.is_ok(), "{url}");
        }
    }

    #[test]
    fn a_path_that_is_not_a_request_target_is_an_error_not_a_panic() {
        let config = Config::new(token(), Environment::Sandbox);
        for path in ["/a b", "no-slash", "/\u{7f}", "/\n"] {
            let err = config.request(Method::GET, path, None).unwrap_err();
            assert_eq!(err.field(), "path", "{path}");
        }
    }

    #[test]
    fn the_proxy_serves_https_only_and_honours_no_proxy() {
        let proxy = Proxy::new("http://user:p%40ss@127.0.0.1:3128").unwrap();
        assert_eq!(proxy.host_and_port(), ("127.0.0.1", 3128));
        assert_eq!(proxy.credentials(), Some(("user".into(), "p@ss".into())));
        assert!(!format!("{proxy:?}").contains("p%40ss"), "{proxy:?}");
        let config = |base: Environment, proxy: &Proxy| {
            Config::new(token(), base).with_proxy(Some(proxy.clone()))
        };
        assert!(config(Environment::Sandbox, &proxy).proxy().is_some());
        let local = Environment::base_url("http://127.0.0.1:4010").unwrap();
        assert!(
            config(local, &proxy).proxy().is_none(),
            "plaintext is never proxied"
        );
        assert!(
            Config::new(token(), Environment::Sandbox).proxy().is_none(),
            "off by default"
        );
        let table = [
            ("pushcash.com", false),
            (".pushcash.com", false),
            ("sandbox.pushcash.com", false),
            ("*", false),
            ("api.pushcash.com", true),
            ("cash.com", true),
            ("other.example, localhost", true),
        ];
        for (no_proxy, applies) in table {
            let listed = proxy.clone().with_no_proxy(no_proxy);
            assert_eq!(
                config(Environment::Sandbox, &listed).proxy().is_some(),
                applies,
                "{no_proxy}"
            );
        }
        for bad in [
            "https://proxy:1",
            "socks5://proxy:1",
            "http://",
            "http://proxy:1/path",
        ] {
            assert_eq!(Proxy::new(bad).unwrap_err().field(), "proxy", "{bad}");
        }
        assert_eq!(
            Proxy::new("proxy.internal:8080").unwrap().host_and_port(),
            ("proxy.internal", 8080)
        );
    }

    #[test]
    fn proxies_come_from_the_environment_only_when_asked() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(
            Proxy::from_lookup(vars(&[("HTTP_PROXY", "http://p:1")])).unwrap(),
            None
        );
        let proxy = Proxy::from_lookup(vars(&[
            ("https_proxy", "http://p:1"),
            ("ALL_PROXY", "http://q:2"),
            ("no_proxy", "sandbox.pushcash.com"),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(proxy.host_and_port(), ("p", 1));
        assert!(!proxy.applies_to("sandbox.pushcash.com"));
        assert!(Proxy::from_lookup(vars(&[("ALL_PROXY", "ftp://x")])).is_err());
        // The builder reads nothing unless asked.
        let config: Config = ClientBuilder::new().token("t").build().unwrap();
        assert!(config.proxy().is_none());
    }

    #[test]
    fn config_debug_hides_the_token() {
        let config = Config::new(token(), Environment::Sandbox);
        let debug = format!("{config:?}");
        assert!(!debug.contains("sk_test_secret"), "{debug}");
        let request = config.request(Method::GET, "/intent/x", None).unwrap();
        assert!(!format!("{request:?}").contains("sk_test_secret"));
        assert_eq!(request.headers()["authorization"], "Bearer sk_test_secret");
        assert!(request.headers()["authorization"].is_sensitive());
    }

    #[test]
    fn from_lookup_reads_only_what_it_is_given() {
        let vars = |name: &str| match name {
            "PUSH_API_TOKEN" => Some("sk_test_1".to_owned()),
            "PUSH_BASE_URL" => Some("http://127.0.0.1:9".to_owned()),
            _ => None,
        };
        let config = Config::from_lookup(vars).unwrap();
        assert_eq!(config.base_url(), "http://127.0.0.1:9");
        let missing = Config::from_lookup(|_| None).unwrap_err();
        assert_eq!(missing.field(), "PUSH_API_TOKEN");
        let bad_url = Config::from_lookup(|name| match name {
            "PUSH_API_TOKEN" => Some("t".into()),
            _ => Some("http://example.com".into()),
        })
        .unwrap_err();
        assert_eq!(bad_url.field(), "PUSH_BASE_URL");
    }

    #[test]
    fn the_builder_validates_and_applies_everything() {
        let config: Config = ClientBuilder::new()
            .token("sk_test_1")
            .base_url("http://127.0.0.1:4010")
            .connect_timeout(Duration::from_secs(1))
            .timeout(Duration::from_secs(2))
            .max_retries(5)
            .max_body_bytes(1024)
            .app_info("shop/1")
            .build()
            .unwrap();
        assert_eq!(config.base_url(), "http://127.0.0.1:4010");
        assert_eq!(
            config.timeouts(),
            Timeouts {
                connect: Duration::from_secs(1),
                request: Duration::from_secs(2)
            }
        );
        assert_eq!(config.retry_policy().max_retries(), 5);
        assert_eq!(config.max_body_bytes(), 1024);
        let missing = ClientBuilder::<Config>::new().build().unwrap_err();
        assert_eq!(missing.to_string(), "token: is required");
        let plaintext = ClientBuilder::<Config>::new()
            .token("t")
            .base_url("http://example.com")
            .build()
            .unwrap_err();
        assert!(
            plaintext
                .to_string()
                .starts_with("base_url: must use https"),
            "{plaintext}"
        );
        let bad_token = ClientBuilder::<Config>::new()
            .token("has space")
            .build()
            .unwrap_err();
        assert!(matches!(bad_token, Error::Validation(ref v) if v.field() == "api_token"));
    }

    #[test]
    fn app_info_extends_the_user_agent() {
        let config = Config::new(token(), Environment::Sandbox)
            .with_app_info("shop/1.0")
            .unwrap();
        let request = config.request(Method::GET, "/", None).unwrap();
        assert_eq!(
            request.headers()["user-agent"],
            format!("{USER_AGENT} shop/1.0").as_str()
        );
        assert!(
            Config::new(token(), Environment::Sandbox)
                .with_app_info("bad\napp")
                .is_err()
        );
    }

    /// Issue 14: `from_lookup` reads every setting the CLI reads; a bad value names its
    /// variable, unset ones leave the builder's values.
    #[test]
    fn every_setting_comes_from_the_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| (*value).to_owned())
            }
        };
        let config = ClientBuilder::<Config>::new()
            .from_lookup(env(&[
                ("PUSH_API_TOKEN", "sk_test_env"),
                ("PUSH_BASE_URL", "http://127.0.0.1:4010"),
                ("PUSH_TOKENS_BASE_URL", "http://127.0.0.1:4011"),
                ("PUSH_TIMEOUT", "2.5"),
                ("PUSH_MAX_RETRIES", "7"),
                ("PUSH_PROXY", "http://proxy.internal:3128"),
                ("PUSH_RATE_LIMIT", "published"),
            ]))
            .build()
            .unwrap();
        assert_eq!(config.base_url(), "http://127.0.0.1:4010");
        assert_eq!(config.tokens_base_url(), "http://127.0.0.1:4011");
        assert_eq!(config.timeouts().request, Duration::from_millis(2_500));
        assert_eq!(config.timeouts().connect, Duration::from_millis(2_500));
        assert_eq!(config.retry_policy().max_retries(), 7);
        assert_eq!(
            config.rate_limiter().map(|l| l.limits()),
            Some(crate::RateLimits::published())
        );
        // The proxy is kept (it applies to https base URLs only).
        assert!(format!("{config:?}").contains("proxy.internal"));

        let from_std = ClientBuilder::<Config>::new()
            .from_lookup(env(&[
                ("PUSH_API_TOKEN", "sk_test_env"),
                ("PUSH_PROXY_FROM_ENV", "true"),
                ("HTTPS_PROXY", "http://corp:8080"),
            ]))
            .build()
            .unwrap();
        assert!(
            from_std
                .proxy()
                .is_some_and(|p| p.host_and_port() == ("corp", 8080))
        );
        let not_opted_in = ClientBuilder::<Config>::new()
            .from_lookup(env(&[
                ("PUSH_API_TOKEN", "sk_test_env"),
                ("HTTPS_PROXY", "http://corp:8080"),
            ]))
            .build()
            .unwrap();
        assert!(not_opted_in.proxy().is_none());
        assert_eq!(not_opted_in.base_url(), SANDBOX_URL);
        assert!(not_opted_in.rate_limiter().is_none());

        for (pairs, field) in [
            (&[("PUSH_TIMEOUT", "soon")][..], "PUSH_TIMEOUT"),
            (&[("PUSH_TIMEOUT", "-1")][..], "PUSH_TIMEOUT"),
            (&[("PUSH_MAX_RETRIES", "many")][..], "PUSH_MAX_RETRIES"),
            (
                &[("PUSH_PROXY_FROM_ENV", "maybe")][..],
                "PUSH_PROXY_FROM_ENV",
            ),
            (&[("PUSH_RATE_LIMIT", "fast")][..], "PUSH_RATE_LIMIT"),
            (
                &[("PUSH_BASE_URL", "http://example.com")][..],
                "PUSH_BASE_URL",
            ),
            (&[("PUSH_PROXY", "socks5://x:1")][..], "proxy"),
        ] {
            let mut all = vec![("PUSH_API_TOKEN", "sk_test_env")];
            all.extend_from_slice(pairs);
            let all: &'static [(&'static str, &'static str)] = Box::leak(all.into_boxed_slice());
            let err = ClientBuilder::<Config>::new()
                .from_lookup(env(all))
                .build()
                .unwrap_err();
            let Error::Validation(err) = err else {
                panic!("{err:?}")
            };
            assert_eq!(err.field(), field, "{pairs:?}");
        }
        let missing = ClientBuilder::<Config>::new()
            .from_lookup(|_| None)
            .build()
            .unwrap_err();
        assert!(missing.to_string().contains("token"), "{missing}");
    }
}
