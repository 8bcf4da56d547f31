//! A stateful Push API emulator for tests, examples and your own integration tests.
//!
//! - [`Emulator`]: in-memory state behind the same routes as Push (`POST /intent`,
//!   `GET /intent/{id}`, `GET /intent/list`, `POST /authorize`): bearer token, validation,
//!   idempotent replay, cursor pagination, deterministic authorize outcomes, and seeded
//!   [faults](FaultConfig), with [counters](Stats) of what took effect.
//! - [`MockServer`]: the emulator over real HTTP/1.1 on loopback (hyper 1).
//! - [`MemoryTransport`]: the same handlers as a push-core transport, without a socket.
//! - [`scripted`]: a loopback server that plays a fixed script of replies and faults and
//!   records every request, for exact wire assertions.
//! - [`proxy`]: a loopback `CONNECT` proxy that records every byte a client sends it.
//! - [`sample`]: bodies shaped like the published examples.
//!
//! `cargo run -p push-mock -- --port 4010` serves it; see the crate README for the rules.
//!
//! # Features
//! | Feature | Default | What it does |
//! |---|---|---|
//! | `cli` | on | The `push-mock` program (clap, Ctrl-C). Depend with `default-features = false` for the library alone. |
#![forbid(unsafe_code)]
// docs.rs builds with `--cfg docsrs` on nightly: each item shows the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]

mod clients;
mod emulator;
mod faults;
mod forward;
mod memory;
pub mod proxy;
pub mod sample;
pub mod scripted;
mod server;

pub use emulator::{
    ControlError, DEFAULT_TOKEN, Delivery, Discrepancy, Emulator, EmulatorConfig, MockOutcome,
    OutgoingWebhook, RateLimitRules, Stats, authorize_outcome,
};
pub use faults::{Fault, FaultConfig};
pub use forward::{Forwarded, WebhookForwarder};
pub use memory::MemoryTransport;
pub use proxy::ConnectProxy;
/// The SDK core this emulator speaks, re-exported so tests name its types through one crate.
pub use push_core;
pub use scripted::{Action, Recorded, Reply, ScriptedServer};
pub use server::MockServer;
