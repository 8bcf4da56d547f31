//! [`ClientBuilder`]: the one builder of every client, from code or from the environment.

use std::{fmt, marker::PhantomData, time::Duration};

use super::{
    BaseUrl, Config, DEFAULT_DEADLINE, DEFAULT_MAX_BODY_BYTES, Environment, JournalTarget,
    MIN_TIMEOUT, Proxy, Timeouts,
};
use crate::{
    ApiToken, Error, RetryPolicy, ValidationError,
    observe::{Observer, SharedObserver},
    rate_limit::{RateLimiter, RateLimits},
    retry::Jitter,
};

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
    deadline: Duration,
    wait_for_rate_limit: bool,
    retry: RetryPolicy,
    max_body_bytes: u64,
    app_info: Option<String>,
    jitter: Option<Jitter>,
    proxy: Result<Option<Proxy>, ValidationError>,
    tokens_base_url: Option<Result<BaseUrl, ValidationError>>,
    observer: Option<SharedObserver>,
    rate_limits: Option<RateLimits>,
    journal: Option<JournalTarget>,
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
            deadline: DEFAULT_DEADLINE,
            wait_for_rate_limit: false,
            retry: RetryPolicy::default(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            app_info: None,
            jitter: None,
            proxy: Ok(None),
            tokens_base_url: None,
            observer: None,
            rate_limits: None,
            journal: None,
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

    /// The timeout of each attempt, body included (default 30 s). The whole call, retries
    /// and waits included, is bounded by [`ClientBuilder::deadline`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.request = timeout;
        self
    }

    /// The deadline of every call: attempts, retry waits and rate-limit waits (default 2
    /// minutes; see [`Config::deadline`]).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Calls wait for a rate-limit slot even when it opens after their deadline (default:
    /// they fail at once, nothing sent, saying when the slot opens).
    pub fn wait_for_rate_limit(mut self, wait: bool) -> Self {
        self.wait_for_rate_limit = wait;
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
    /// | `PUSH_TIMEOUT` | Timeout of each attempt, in seconds (decimals allowed, at least 0.001; default 30). |
    /// | `PUSH_DEADLINE` | Deadline of each whole call, retries and waits included, in seconds (default 120). |
    /// | `PUSH_WAIT_FOR_RATE_LIMIT` | `1` or `true`: wait for a rate-limit slot past the deadline. |
    /// | `PUSH_MAX_RETRIES` | Retries after the first attempt (default 2). |
    /// | `PUSH_PROXY` | An `http://[user:password@]host:port` proxy for HTTPS. |
    /// | `PUSH_PROXY_FROM_ENV` | `1` or `true`: use `HTTPS_PROXY` / `ALL_PROXY` with `NO_PROXY`. |
    /// | `PUSH_RATE_LIMIT` | `published`: pace requests under Push's published limits. |
    /// | `PUSH_JOURNAL` | The write-ahead journal: a SQLite file path or a `postgres://` URL (the client needs its `journal` feature). |
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
            match parse_seconds("PUSH_TIMEOUT", &text) {
                Ok(timeout) => {
                    self.timeouts.request = timeout;
                    self.timeouts.connect = self.timeouts.connect.min(timeout);
                }
                Err(err) => fail("PUSH_TIMEOUT", err.rule().to_owned()),
            }
        }
        if let Some(text) = var("PUSH_DEADLINE") {
            match parse_seconds("PUSH_DEADLINE", &text) {
                Ok(deadline) => self.deadline = deadline,
                Err(err) => fail("PUSH_DEADLINE", err.rule().to_owned()),
            }
        }
        if let Some(flag) = var("PUSH_WAIT_FOR_RATE_LIMIT") {
            match flag_value(&flag) {
                Some(wait) => self.wait_for_rate_limit = wait,
                None => fail(
                    "PUSH_WAIT_FOR_RATE_LIMIT",
                    format!("must be 1/true or 0/false (got `{flag}`)"),
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
            match flag_value(&flag) {
                Some(true) => self.proxy = Proxy::from_lookup(&lookup),
                Some(false) => {}
                None => fail(
                    "PUSH_PROXY_FROM_ENV",
                    format!("must be 1/true or 0/false (got `{flag}`)"),
                ),
            }
        }
        if let Some(url) = var("PUSH_PROXY") {
            self.proxy = Proxy::new(url.trim())
                .map(Some)
                .map_err(|err| ValidationError::new("PUSH_PROXY", err.rule().to_owned()));
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
        if let Some(location) = var("PUSH_JOURNAL") {
            self.journal = Some(JournalTarget::Location(location));
        }
        if let Some(error) = error {
            self.env_error.get_or_insert(error);
        }
        self
    }

    /// Journals every money-moving call ahead (a SQLite path, a `postgres://` URL, or an
    /// opened `push_journal` journal): exactly once across crashes. The client refuses to
    /// build without its `journal` feature, and refuses any call the journal cannot record.
    pub fn journal(mut self, journal: impl Into<JournalTarget>) -> Self {
        self.journal = Some(journal.into());
        self
    }

    /// No journal, whatever `PUSH_JOURNAL` says.
    pub fn no_journal(mut self) -> Self {
        self.journal = None;
        self
    }

    /// Validates everything and builds the client.
    pub fn build(self) -> Result<C, Error> {
        if let Some(err) = self.env_error {
            return Err(err.into());
        }
        let token = self.token.ok_or_else(|| {
            ValidationError::new(
                "token",
                "is required (`.token(..)`, or PUSH_API_TOKEN with `from_env`)",
            )
        })??;
        super::check_durations(&[
            ("connect_timeout", self.timeouts.connect),
            ("timeout", self.timeouts.request),
            ("deadline", self.deadline),
        ])?;
        let mut config = Config::new(token, self.environment?)
            .with_timeouts(self.timeouts)
            .with_deadline(self.deadline)
            .with_wait_for_rate_limit(self.wait_for_rate_limit)
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
            .with_rate_limiter(self.rate_limits.map(RateLimiter::new))
            .with_journal(self.journal);
        C::from_config(config)
    }
}

/// A number of seconds from 0.001 to 86,400, decimals allowed (`2`, `0.5`, `1e-3`): what every
/// timeout and deadline from the environment or the command line must be. `field` names it in
/// the refusal.
pub fn parse_seconds(field: &'static str, text: &str) -> Result<Duration, ValidationError> {
    match text.trim().parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs >= MIN_TIMEOUT.as_secs_f64() && secs <= 86_400.0 => {
            Ok(Duration::from_secs_f64(secs))
        }
        _ => Err(ValidationError::new(
            field,
            format!(
                "must be a number of seconds from 0.001 to 86400 (got `{}`)",
                text.trim()
            ),
        )),
    }
}

/// `1`/`true`/`yes` or `0`/`false`/`no`, any case.
fn flag_value(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" => Some(true),
        "0" | "false" | "no" => Some(false),
        _ => None,
    }
}
