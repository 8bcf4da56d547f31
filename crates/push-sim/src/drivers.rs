//! The two drivers the simulation runs every operation through, each on a clock the
//! simulation owns:
//!
//! - [`Driver::Machine`]: push-core's [`Call`] machine driven directly, as the blocking client
//!   drives it (pace, sleep, send, receive, sleep), on a simulated clock that only moves when
//!   the network or a wait says so.
//! - [`Driver::Async`]: the real push-hyper [`push_hyper::Client`] on a current-thread tokio
//!   runtime with paused time; some calls are cancelled by a `tokio::time::timeout` around
//!   them, as callers do.

use std::time::{Duration, Instant};

use push_core::{
    CallOptions, Config, Error, Operation,
    call::{Call, Step},
    transport::{BoxFuture, Request, Response, Transport, TransportError},
};

use crate::network::Network;

/// How one call went.
#[derive(Debug)]
pub struct Outcome<T> {
    /// Its result; `None` when its caller cancelled it.
    pub result: Option<Result<T, Error>>,
    /// When it started and ended, on the driver's clock.
    pub started: Instant,
    /// When it ended.
    pub ended: Instant,
    /// The first of its exchanges in [`Network::sent`].
    pub first_exchange: usize,
    /// The deadline it ran under.
    pub deadline: Duration,
}

/// The most attempts a call may take before the simulation calls it stuck (the retry policy
/// allows far fewer).
const MAX_STEPS: usize = 1_000;

/// A driver and its clock.
#[derive(Debug)]
pub enum Driver {
    /// The call machine on a simulated clock.
    Machine {
        /// The client's configuration.
        config: Config,
        /// The network.
        network: Network,
        /// The simulated time now.
        now: Instant,
    },
    /// push-hyper on paused tokio time.
    Async {
        /// The client.
        client: push_hyper::Client<SimTransport>,
        /// The runtime (current thread, paused).
        runtime: tokio::runtime::Runtime,
        /// The network.
        network: Network,
        /// A draw for cancelling some calls.
        rng: fastrand::Rng,
    },
}

impl Driver {
    /// The driver's time now.
    pub fn now(&self) -> Instant {
        match self {
            Driver::Machine { now, .. } => *now,
            Driver::Async { runtime, .. } => {
                let _entered = runtime.enter();
                tokio::time::Instant::now().into_std()
            }
        }
    }

    /// The client's configuration.
    pub fn config(&self) -> &Config {
        match self {
            Driver::Machine { config, .. } => config,
            Driver::Async { client, .. } => client.config(),
        }
    }

    /// Runs `operation` to its end (or its cancellation).
    pub fn call<O>(&mut self, operation: O, options: &CallOptions) -> Outcome<O::Output>
    where
        O: Operation + Send + 'static,
        O::Output: Send,
    {
        let deadline = options.deadline.unwrap_or_else(|| self.config().deadline());
        match self {
            Driver::Machine {
                config,
                network,
                now,
            } => {
                let started = *now;
                let first_exchange = network.exchanges();
                let result = run_machine(config, network, now, operation, options);
                Outcome {
                    result: Some(result),
                    started,
                    ended: *now,
                    first_exchange,
                    deadline,
                }
            }
            Driver::Async {
                client,
                runtime,
                network,
                rng,
            } => {
                let first_exchange = network.exchanges();
                // One call in eight is cancelled by its caller, at a drawn moment.
                let cancel = (rng.u8(..8) == 0)
                    .then(|| Duration::from_millis(rng.u64(1..deadline.as_millis().max(2) as u64)));
                let client = client.clone();
                let options = options.clone();
                runtime.block_on(async move {
                    let started = tokio::time::Instant::now().into_std();
                    let call = client.send_with(operation, &options);
                    let result = match cancel {
                        Some(after) => tokio::time::timeout(after, call).await.ok(),
                        None => Some(call.await),
                    };
                    Outcome {
                        result,
                        started,
                        ended: tokio::time::Instant::now().into_std(),
                        first_exchange,
                        deadline,
                    }
                })
            }
        }
    }
}

/// The blocking client's loop, on the simulated clock.
fn run_machine<O: Operation>(
    config: &Config,
    network: &Network,
    now: &mut Instant,
    operation: O,
    options: &CallOptions,
) -> Result<O::Output, Error> {
    let mut call = Call::new(config, operation, options)?;
    for _ in 0..MAX_STEPS {
        let pace = call.pace(*now)?;
        *now += pace;
        let request = call.next_request(*now);
        let (result, took, index) = network.exchange(request, *now);
        *now += took;
        network.answered(index, *now);
        match call.receive(result, *now) {
            Step::Wait(delay) => *now += delay,
            Step::Done(result) => return result,
        }
    }
    panic!("a call took more than {MAX_STEPS} attempts");
}

/// The network as a push-hyper transport: the exchange's time is spent on tokio's clock.
#[derive(Debug, Clone)]
pub struct SimTransport(pub Network);

impl Transport for SimTransport {
    fn send<'life0, 'async_trait>(
        &'life0 self,
        request: Request,
    ) -> BoxFuture<'async_trait, Result<Response, TransportError>>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(async move {
            let now = tokio::time::Instant::now().into_std();
            let (result, took, index) = self.0.exchange(request, now);
            tokio::time::sleep(took).await;
            self.0
                .answered(index, tokio::time::Instant::now().into_std());
            result
        })
    }
}
