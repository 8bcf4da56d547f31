//! Hooks: an [`Observer`] sees every attempt of every call, for metrics and logs.
//!
//! It sees what a dashboard needs and nothing that could leak: the method, the path template
//! (`/intent/{id}`, never the id), the attempt number, the status or the kind of transport
//! error, how long the attempt took, and what the client decided next. Never headers, never
//! bodies (they carry the token, card data and webhook secrets).
//!
//! With the `metrics` feature (of push-core, push-hyper or push-ureq), every attempt is also
//! counted through the `metrics` facade, labelled `method` and `route` (the path template):
//! `push_attempts_total` (with `outcome`: the status or the error kind), `push_retries_total`
//! and the histogram `push_attempt_duration_seconds`. Install any recorder (Prometheus,
//! StatsD, OpenTelemetry) and they appear; without one they cost a relaxed atomic load.
//!
//! The [`call::Call`](crate::call::Call) machine calls it, so both clients and any driver of
//! your own report the same events. It runs on the caller's thread, between attempts: keep it
//! quick (count, or hand off to a channel).
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use std::collections::BTreeMap;
//! use push_core::observe::{AttemptEvent, AttemptOutcome};
//!
//! let per_status = Arc::new(Mutex::new(BTreeMap::<String, u32>::new()));
//! let counts = per_status.clone();
//! let observer = move |event: &AttemptEvent<'_>| {
//!     let key = match event.outcome {
//!         AttemptOutcome::Status(status) => status.as_u16().to_string(),
//!         AttemptOutcome::Error(kind) => kind.to_string(),
//!     };
//!     *counts.lock().unwrap().entry(key).or_default() += 1;
//! };
//! let config = push_core::ClientBuilder::<push_core::Config>::new()
//!     .token("sk_test_...")
//!     .observer(observer)
//!     .build()
//!     .unwrap();
//! # drop(config);
//! ```

use std::{fmt, sync::Arc, time::Duration};

use http::{Method, StatusCode};

use crate::TransportErrorKind;

/// How an attempt ended: a response or none (exhaustive: there is no third way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// A response arrived with this status.
    Status(StatusCode),
    /// No response: the transport failed this way.
    Error(TransportErrorKind),
}

/// The status code (`200`), or the error kind (`timed out`): a metric label.
impl fmt::Display for AttemptOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttemptOutcome::Status(status) => write!(f, "{}", status.as_u16()),
            AttemptOutcome::Error(kind) => write!(f, "{kind}"),
        }
    }
}

/// What the client does after the attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttemptDecision {
    /// Another attempt after this delay (a retry, or the read that confirms a refusal).
    Retry {
        /// The wait before it.
        after: Duration,
    },
    /// The call is over: this attempt's result (or error) is returned.
    Done,
}

/// One attempt, as an [`Observer`] sees it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AttemptEvent<'a> {
    /// The method.
    pub method: &'a Method,
    /// The operation's path template (`/intent/{id}`): low-cardinality, no ids.
    pub path_template: &'a str,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// The status, or the kind of transport error.
    pub outcome: AttemptOutcome,
    /// From handing the request to the transport to its answer.
    pub duration: Duration,
    /// What the client does next.
    pub decision: AttemptDecision,
}

/// Sees every attempt (see the [module](self)). Closures taking `&AttemptEvent` are observers.
pub trait Observer: Send + Sync {
    /// Called once per attempt, after its answer and the client's decision.
    fn on_attempt(&self, event: &AttemptEvent<'_>);
}

impl<F: Fn(&AttemptEvent<'_>) + Send + Sync> Observer for F {
    fn on_attempt(&self, event: &AttemptEvent<'_>) {
        self(event)
    }
}

/// With the `metrics` feature, every attempt through the [`metrics`](::metrics) facade, labelled
/// by `method` and `route` (the path template: low-cardinality, no ids):
///
/// | metric | kind | extra label |
/// |---|---|---|
/// | `push_attempts_total` | counter | `outcome`: the status (`200`) or the error kind |
/// | `push_retries_total` | counter | |
/// | `push_attempt_duration_seconds` | histogram | |
///
/// Nothing is recorded until the program installs a recorder (`metrics-exporter-prometheus`,
/// an OpenTelemetry bridge, ...).
#[cfg(feature = "metrics")]
pub(crate) fn record_metrics(event: &AttemptEvent<'_>) {
    let (method, route) = (event.method.to_string(), event.path_template.to_owned());
    ::metrics::counter!(
        "push_attempts_total",
        "method" => method.clone(),
        "route" => route.clone(),
        "outcome" => event.outcome.to_string()
    )
    .increment(1);
    if matches!(event.decision, AttemptDecision::Retry { .. }) {
        ::metrics::counter!("push_retries_total", "method" => method.clone(), "route" => route.clone())
            .increment(1);
    }
    ::metrics::histogram!("push_attempt_duration_seconds", "method" => method, "route" => route)
        .record(event.duration.as_secs_f64());
}

/// An observer in a [`Config`](crate::Config): shared by every clone of a client.
#[derive(Clone)]
pub struct SharedObserver(pub(crate) Arc<dyn Observer>);

impl SharedObserver {
    /// Wraps `observer`.
    pub fn new(observer: impl Observer + 'static) -> Self {
        Self(Arc::new(observer))
    }
}

impl fmt::Debug for SharedObserver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedObserver(..)")
    }
}
