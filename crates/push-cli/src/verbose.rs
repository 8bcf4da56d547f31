//! `--verbose`: one line on stderr per attempt (method, path, status, attempt, milliseconds),
//! written by a transport wrapper that never sees more than the request line.

use std::time::Instant;

use push_ureq::{
    call::Attempt, transport::BlockingTransport, transport::Request, transport::Response,
    transport::TransportError,
};

pub(crate) struct Verbose<T> {
    inner: T,
    enabled: bool,
}

impl<T> Verbose<T> {
    pub(crate) fn new(inner: T, enabled: bool) -> Self {
        Self { inner, enabled }
    }
}

impl<T: BlockingTransport> BlockingTransport for Verbose<T> {
    fn send(&self, request: Request) -> Result<Response, TransportError> {
        if !self.enabled {
            return self.inner.send(request);
        }
        let method = request.method().clone();
        let path = request.uri().path().to_owned();
        let attempt = request.extensions().get::<Attempt>().map_or(1, |a| a.0);
        let started = Instant::now();
        let result = self.inner.send(request);
        let ms = started.elapsed().as_millis();
        match &result {
            Ok(response) => eprintln!(
                "{method} {path} {} attempt={attempt} {ms}ms",
                response.status().as_u16()
            ),
            Err(err) => eprintln!("{method} {path} error ({err}) attempt={attempt} {ms}ms"),
        }
        result
    }
}
