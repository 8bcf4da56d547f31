//! JSON decoding: a fast path with no bookkeeping, and a second pass that finds the JSON path
//! of the bad value only when the first one failed.

use bytes::Bytes;
use http::StatusCode;
use serde::de::DeserializeOwned;

use crate::DecodeError;

/// Decodes `body` as `T`; on failure the error names the JSON path and keeps the body.
///
/// Successful decodes pay nothing for the path tracking: it runs only on the error path.
pub(crate) fn json<T: DeserializeOwned>(
    status: StatusCode,
    body: &Bytes,
) -> Result<T, DecodeError> {
    match serde_json::from_slice::<T>(body) {
        Ok(value) => Ok(value),
        Err(fast) => Err(locate::<T>(status, body, fast)),
    }
}

#[cold]
fn locate<T: DeserializeOwned>(
    status: StatusCode,
    body: &Bytes,
    fast: serde_json::Error,
) -> DecodeError {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let (path, source) = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(err) => (err.path().to_string(), err.into_inner()),
        // Only trailing bytes fail the fast path but not this one.
        Ok(_) => (".".to_owned(), deserializer.end().err().unwrap_or(fast)),
    };
    DecodeError {
        path,
        status,
        body: body.clone(),
        source,
        idempotency_key: None,
    }
}
