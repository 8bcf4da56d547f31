//! Test servers for push-rs and for your own integration tests.
//!
//! - [`scripted`]: a loopback HTTP/1.1 server that plays a script of replies and faults and
//!   records every request, for exact wire assertions and fault injection.
//! - [`sample`]: bodies shaped like the published examples.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod sample;
pub mod scripted;

pub use scripted::{Action, Recorded, Reply, ScriptedServer};
