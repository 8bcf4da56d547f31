//! Clients wired to the emulator, for tests: over real HTTP to a [`MockServer`], or in memory to
//! an [`Emulator`] (no socket, no runtime for the blocking one). Each takes the emulator's
//! token; retries and timeouts are the SDK's defaults, so a test sees what a program would.
// Without either client feature only `builder()` is left.
#![cfg_attr(
    not(any(feature = "blocking-client", feature = "async-client")),
    allow(unused_imports, dead_code)
)]

use push_core::{ClientBuilder, Error, FromConfig};

use crate::{Emulator, MemoryTransport, MockServer};

/// Where an in-memory client says it sends (never contacted: the transport answers).
const IN_MEMORY_URL: &str = "http://127.0.0.1:1";

impl MockServer {
    /// A builder already pointed at this server with its token: add settings, then `build()`.
    pub fn builder<C: FromConfig>(&self) -> ClientBuilder<C> {
        ClientBuilder::new()
            .token(self.emulator().token())
            .base_url(&self.base_url())
    }

    /// A blocking client of this server (push-ureq), over loopback HTTP.
    ///
    /// ```
    /// let server = push_mock::MockServer::start_in_background(Default::default())?;
    /// let client = server.client()?;
    /// assert_eq!(client.list_all_intents(Default::default()).count(), 0, "a fresh emulator");
    /// assert_eq!(server.emulator().stats().requests, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "blocking-client")]
    pub fn client(&self) -> Result<push_ureq::Client, Error> {
        self.builder().build()
    }

    /// An async client of this server (push-hyper), over loopback HTTP.
    #[cfg(feature = "async-client")]
    pub fn async_client(&self) -> Result<push_hyper::Client, Error> {
        self.builder().build()
    }
}

impl Emulator {
    /// The settings both in-memory clients share: this emulator's token, a loopback URL.
    #[cfg(any(feature = "blocking-client", feature = "async-client"))]
    fn in_memory_config(&self) -> Result<push_core::Config, Error> {
        ClientBuilder::new()
            .token(self.token())
            .base_url(IN_MEMORY_URL)
            .build()
    }

    /// A blocking client of this emulator through [`MemoryTransport`]: every request is
    /// handled in the calling thread, no socket, no runtime.
    ///
    /// ```
    /// let emulator = push_mock::Emulator::new(push_mock::EmulatorConfig {
    ///     seed_intents: 25,
    ///     ..Default::default()
    /// });
    /// let client = emulator.client()?;
    /// assert_eq!(client.list_all_intents(Default::default()).count(), 25);
    /// assert_eq!(emulator.stats().requests, 3, "pages of 10");
    /// # Ok::<(), push_mock::push_core::Error>(())
    /// ```
    #[cfg(feature = "blocking-client")]
    pub fn client(&self) -> Result<push_ureq::Client<MemoryTransport>, Error> {
        Ok(push_ureq::Client::with_transport(
            self.in_memory_config()?,
            MemoryTransport::new(self.clone()),
        ))
    }

    /// An async client of this emulator through [`MemoryTransport`].
    #[cfg(feature = "async-client")]
    pub fn async_client(&self) -> Result<push_hyper::Client<MemoryTransport>, Error> {
        Ok(push_hyper::Client::with_transport(
            self.in_memory_config()?,
            MemoryTransport::new(self.clone()),
        ))
    }
}
