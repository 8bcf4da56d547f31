//! Where requests go and what every request carries: the [`Config`] a client holds, the
//! [`ClientBuilder`] that makes it, and the settings it is made of, each in its own module.

use std::{fmt, sync::Arc, time::Duration};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, header};

use crate::{
    ApiToken, Error, Request, RetryPolicy, USER_AGENT, ValidationError, observe::SharedObserver,
    rate_limit::RateLimiter, retry::Jitter,
};

mod builder;
mod call_options;
mod environment;
mod journal_target;
mod proxy;

pub use builder::{ClientBuilder, FromConfig, parse_seconds};
pub use call_options::{CallOptions, Timeouts};
pub use environment::{
    BaseUrl, Environment, PRODUCTION_TOKENS_URL, PRODUCTION_URL, SANDBOX_TOKENS_URL, SANDBOX_URL,
};
pub use journal_target::JournalTarget;
pub use proxy::Proxy;

/// The default [`Config::deadline`]: two minutes, room for the default three attempts of
/// 30 s and the waits between them.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(120);

/// The shortest timeout or deadline taken: anything shorter rounds to "already over".
pub const MIN_TIMEOUT: Duration = Duration::from_millis(1);

/// Refuses the first of these (field, duration) pairs below [`MIN_TIMEOUT`], naming it: the
/// one rule for timeouts and deadlines, whether set on the builder or for one call.
pub(crate) fn check_durations(
    durations: &[(&'static str, Duration)],
) -> Result<(), crate::ValidationError> {
    match durations.iter().find(|(_, value)| *value < MIN_TIMEOUT) {
        Some((field, _)) => Err(crate::ValidationError::new(*field, "must be at least 1 ms")),
        None => Ok(()),
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
    deadline: Duration,
    wait_for_rate_limit: bool,
    max_body_bytes: u64,
    jitter: Jitter,
    proxy: Option<Proxy>,
    observer: Option<SharedObserver>,
    rate_limiter: Option<RateLimiter>,
    journal: Option<JournalTarget>,
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
            .field("deadline", &self.inner.deadline)
            .field("max_body_bytes", &self.inner.max_body_bytes)
            .field("proxy", &self.inner.proxy)
            .finish()
    }
}

impl Config {
    /// Starts a builder: `Config::builder().token(..).build()?` is
    /// [`ClientBuilder::new`]'s, for code that holds a `Config` (a custom transport, a test).
    pub fn builder() -> ClientBuilder<Config> {
        ClientBuilder::new()
    }

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
                deadline: DEFAULT_DEADLINE,
                wait_for_rate_limit: false,
                max_body_bytes: DEFAULT_MAX_BODY_BYTES,
                jitter: Jitter::default(),
                proxy: None,
                journal: None,
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

    /// Replaces the deadline of every call (see [`Config::deadline`]).
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.inner_mut().deadline = deadline;
        self
    }

    /// Whether a call waits for a rate-limit slot that opens after its deadline (see
    /// [`CallOptions::wait_for_rate_limit`]).
    pub fn with_wait_for_rate_limit(mut self, wait: bool) -> Self {
        self.inner_mut().wait_for_rate_limit = wait;
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

    /// Journals every money-moving call ahead into this journal (see [`JournalTarget`]);
    /// `None`: no journal (the default).
    pub fn with_journal(mut self, journal: Option<JournalTarget>) -> Self {
        self.inner_mut().journal = journal;
        self
    }

    /// The journal the client writes ahead to, if any.
    pub fn journal(&self) -> Option<&JournalTarget> {
        self.inner.journal.as_ref()
    }

    /// Sends HTTPS through this proxy (see [`Proxy`]); `None` connects directly (the default).
    pub fn with_proxy(mut self, proxy: Option<Proxy>) -> Self {
        self.inner_mut().proxy = proxy;
        self
    }

    /// The proxy requests to the base URL go through: [`Config::proxy_for`] the base URL.
    pub fn proxy(&self) -> Option<&Proxy> {
        let environment = &self.inner.environment;
        self.inner
            .proxy
            .as_ref()
            .filter(|proxy| environment.is_https() && proxy.applies_to(environment.host()))
    }

    /// The configured proxy, whichever destinations it applies to (transports decide per
    /// request with [`Proxy::routes`]).
    pub fn configured_proxy(&self) -> Option<&Proxy> {
        self.inner.proxy.as_ref()
    }

    /// The proxy a request to `uri` goes through, decided per destination: none for a
    /// plaintext destination (base URL or tokens host alike), none for a host on `NO_PROXY`.
    pub fn proxy_for(&self, uri: &http::Uri) -> Option<&Proxy> {
        self.inner.proxy.as_ref().filter(|proxy| proxy.routes(uri))
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

    /// How long one call may take from its first attempt to its result: every attempt,
    /// retry wait and rate-limit wait included (default 2 minutes). A call that would need
    /// longer stops at it; a write stopped after it may have been sent has an unknown outcome.
    pub fn deadline(&self) -> Duration {
        self.inner.deadline
    }

    /// Whether calls wait for a rate-limit slot past their deadline (default false: they fail
    /// at once, before sending, saying when the slot opens).
    pub fn wait_for_rate_limit(&self) -> bool {
        self.inner.wait_for_rate_limit
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
        // Regression (issue 22 A2): decided per destination. A plaintext tokens host is never
        // proxied, even when the base URL is.
        let tokens = config(Environment::Sandbox, &proxy)
            .with_tokens_base_url(BaseUrl::parse_field("t", "http://127.0.0.1:4011").unwrap());
        let uri = |text: &str| text.parse::<http::Uri>().unwrap();
        assert!(
            tokens
                .proxy_for(&uri("https://sandbox.pushcash.com/intent"))
                .is_some()
        );
        assert!(
            tokens
                .proxy_for(&uri("http://127.0.0.1:4011/tokenize"))
                .is_none()
        );
        assert!(
            tokens
                .proxy_for(&uri("http://sandbox.pushcash.com/intent"))
                .is_none()
        );
        assert!(tokens.configured_proxy().is_some());
        for bad in [
            "https://proxy:1",
            "socks5://proxy:1",
            "http://",
            "http://proxy:1/path",
            // Regression (issue 22 B13): a port above 65535 silently became 80.
            "http://proxy:65536",
            "http://proxy:99999999",
            "proxy:0",
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
        assert_eq!(
            missing.to_string(),
            "token: is required (`.token(..)`, or PUSH_API_TOKEN with `from_env`)"
        );
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
            (&[("PUSH_PROXY", "socks5://x:1")][..], "PUSH_PROXY"),
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
