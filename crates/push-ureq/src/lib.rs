//! The blocking Push client: push-core's call machine over ureq and rustls. No async runtime
//! anywhere in its dependency tree; it sleeps with `std::thread::sleep` between attempts.
//!
//! ```no_run
//! # fn run() -> Result<(), push_ureq::Error> {
//! use push_ureq::{Client, CreateIntent, Currency, Direction, ListIntents};
//!
//! let client = Client::builder().token("sk_test_...").build()?; // sandbox by default
//! let intent = CreateIntent::builder()
//!     .user_id("user_28CJjV7P4Go5PNJvfzghiD")
//!     .amount(1450)
//!     .currency(Currency::Usd)
//!     .direction(Direction::CashIn)
//!     .build()?;
//! let created = client.create_intent(intent)?;
//! for intent in client.list_all_intents(ListIntents::default()).with_limit(100) {
//!     println!("{}", intent?.id);
//! }
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod client;
mod listing;
mod ureq_transport;

pub use client::Client;
pub use listing::{IntentItems, IntentPages, Items, Pages};
pub use push_core::{self, *};
/// The HTTP library, for [`UreqTransport::with_tls`] and [`UreqTransport::from_agent`].
pub use ureq;
pub use ureq_transport::UreqTransport;
