//! [`MemoryTransport`]: the emulator's handlers called directly, without a socket.

use push_core::{
    transport::BlockingTransport, transport::Request, transport::Response, transport::Transport,
    transport::TransportError,
};

use crate::{Delivery, Emulator};

/// A push-core transport (async and blocking) that hands requests straight to an [`Emulator`].
/// Faults map to what a client would see: a closed connection is an IO error after the request
/// took effect, a stalled body is a timeout.
#[derive(Debug, Clone, Default)]
pub struct MemoryTransport {
    emulator: Emulator,
}

impl MemoryTransport {
    /// A transport over this emulator (clones share state).
    pub fn new(emulator: Emulator) -> Self {
        Self { emulator }
    }

    /// The emulator.
    pub fn emulator(&self) -> &Emulator {
        &self.emulator
    }

    fn deliver(&self, request: Request) -> Result<Response, TransportError> {
        match self.emulator.handle(request) {
            Delivery::Respond(response) | Delivery::Slow { response, .. } => Ok(response),
            Delivery::CloseAfterCommit => Err(TransportError::io(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "connection closed after the request took effect",
            ))),
            Delivery::Stall { .. } => Err(TransportError::timeout(true)),
        }
    }
}

impl BlockingTransport for MemoryTransport {
    fn send(&self, request: Request) -> Result<Response, TransportError> {
        self.deliver(request)
    }
}

#[async_trait::async_trait]
impl Transport for MemoryTransport {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        self.deliver(request)
    }
}
