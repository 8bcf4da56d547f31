//! Seeded, reproducible fault injection.

use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;
use serde_json::json;

/// One kind of fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fault {
    /// 500 before the request takes effect.
    Error500,
    /// 503 before the request takes effect.
    Unavailable503,
    /// 429 with `Retry-After` before the request takes effect.
    RateLimited429,
    /// The request takes effect, then the connection closes with no response.
    CloseAfterCommit,
    /// The request takes effect, then the answer is a 500.
    ErrorAfterCommit,
    /// The request takes effect; the body arrives in slow chunks (but whole).
    SlowBody,
    /// The request takes effect; the body stops halfway and the connection hangs.
    StallBody,
}

impl Fault {
    /// Every kind.
    pub const ALL: [Fault; 7] = [
        Fault::Error500,
        Fault::Unavailable503,
        Fault::RateLimited429,
        Fault::CloseAfterCommit,
        Fault::ErrorAfterCommit,
        Fault::SlowBody,
        Fault::StallBody,
    ];

    /// The kinds a client with retries must survive without losing or doubling anything, and
    /// that cost no waiting on a timeout: all but [`Fault::StallBody`].
    pub const FAST: [Fault; 6] = [
        Fault::Error500,
        Fault::Unavailable503,
        Fault::RateLimited429,
        Fault::CloseAfterCommit,
        Fault::ErrorAfterCommit,
        Fault::SlowBody,
    ];

    /// The response of a fault that strikes before the request takes effect.
    pub(crate) fn before_effect(self) -> Option<http::Response<Bytes>> {
        let (status, retry_after) = match self {
            Fault::Error500 => (StatusCode::INTERNAL_SERVER_ERROR, None),
            Fault::Unavailable503 => (StatusCode::SERVICE_UNAVAILABLE, None),
            Fault::RateLimited429 => (StatusCode::TOO_MANY_REQUESTS, Some("0")),
            _ => return None,
        };
        let mut response =
            crate::emulator::json_response_value(status, json!({"message": "injected fault"}));
        if let Some(seconds) = retry_after {
            let headers = response.headers_mut();
            headers.insert("retry-after", http::HeaderValue::from_static(seconds));
            headers.insert("x-ratelimit-limit", http::HeaderValue::from_static("100"));
            headers.insert("x-ratelimit-remaining", http::HeaderValue::from_static("0"));
            headers.insert("x-ratelimit-reset", http::HeaderValue::from_static("0"));
        }
        Some(response)
    }
}

/// Which faults strike, how often, from which seed.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultConfig {
    /// The share of requests that get a fault, 0.0 to 1.0 (default 0).
    pub rate: f64,
    /// The seed: the same seed and the same request order give the same faults.
    pub seed: u64,
    /// The kinds drawn from, uniformly (default [`Fault::FAST`]).
    pub kinds: Vec<Fault>,
    /// How long a [`Fault::StallBody`] hangs (default 5 s).
    pub stall: Duration,
}

impl Default for FaultConfig {
    fn default() -> Self {
        Self {
            rate: 0.0,
            seed: 0,
            kinds: Fault::FAST.to_vec(),
            stall: Duration::from_secs(5),
        }
    }
}

impl FaultConfig {
    /// `rate` of requests faulted with the fast kinds, from `seed`.
    pub fn new(rate: f64, seed: u64) -> Self {
        Self {
            rate,
            seed,
            ..Self::default()
        }
    }

    /// Only these kinds.
    pub fn with_kinds(mut self, kinds: impl IntoIterator<Item = Fault>) -> Self {
        self.kinds = kinds.into_iter().collect();
        self
    }
}

pub(crate) struct Faults {
    config: FaultConfig,
    rng: fastrand::Rng,
}

impl Faults {
    pub(crate) fn new(config: FaultConfig) -> Self {
        Self {
            rng: fastrand::Rng::with_seed(config.seed),
            config,
        }
    }

    pub(crate) fn draw(&mut self) -> Option<Fault> {
        if self.config.kinds.is_empty()
            || self.config.rate <= 0.0
            || self.rng.f64() >= self.config.rate
        {
            return None;
        }
        // In bounds: `kinds` is not empty (checked above) and the index is below its length.
        Some(self.config.kinds[self.rng.usize(..self.config.kinds.len())])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_faults() {
        let draws = |seed| {
            let mut faults = Faults::new(FaultConfig::new(0.2, seed));
            (0..1000).map(|_| faults.draw()).collect::<Vec<_>>()
        };
        assert_eq!(draws(7), draws(7));
        assert_ne!(draws(7), draws(8));
        let hit = draws(7).iter().filter(|f| f.is_some()).count();
        assert!((150..250).contains(&hit), "{hit} of 1000 at rate 0.2");
        assert!(Faults::new(FaultConfig::default()).draw().is_none());
    }
}
