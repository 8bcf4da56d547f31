//! JSON decoding: a fast path with no bookkeeping, and a reference path that decides every
//! body the fast path refused and names the JSON path of the bad value.
//!
//! The fast path is simd-json (SIMD with runtime CPU detection) behind the same serde
//! `Deserialize` impls; measured 1.28x faster than serde_json on the same models (see
//! BENCHMARKS.md). serde_json is the reference: a body the fast path refuses is decoded again
//! by serde_json, so no body serde_json accepts is ever refused, and refusals name the path.
//! Without the `simd` feature the fast path is serde_json with no path tracking: the same
//! results, and ~10 crates fewer to build.

use bytes::Bytes;
use http::StatusCode;
use serde::de::DeserializeOwned;

use crate::DecodeError;

/// Decodes `body` as `T`; on failure the error names the JSON path and keeps the body.
/// `status` is the response's, or `None` for bytes that never came with one (`from_json`).
pub(crate) fn json<T: DeserializeOwned>(
    status: impl Into<Option<StatusCode>>,
    body: &Bytes,
) -> Result<T, DecodeError> {
    match fast::<T>(body) {
        Some(value) => Ok(value),
        None => reference(status.into(), body),
    }
}

/// simd-json, or `None` for serde_json to decide. simd-json unescapes strings in place, so it
/// works on a copy (the body must stay whole for the reference path and the error). The copy
/// carries simd-json's padding, which spares it the padded copy it would otherwise make: one
/// body-sized allocation and memcpy fewer (4% of the instructions of a 100-intent page).
#[cfg(feature = "simd")]
fn fast<T: DeserializeOwned>(body: &Bytes) -> Option<T> {
    let len = body.len();
    let mut scratch = Vec::with_capacity(len + simd_json::INPUT_PADDING);
    scratch.extend_from_slice(body);
    scratch.resize(len + simd_json::INPUT_PADDING, b' ');
    // Sized for no input: the padded path never touches the input buffer `new(len)` would
    // allocate, and sizes the others itself.
    let mut buffers = simd_json::Buffers::new(0);
    let mut tape = simd_json::Tape::null();
    simd_json::fill_tape_padded(&mut scratch, len, &mut buffers, &mut tape).ok()?;
    T::deserialize(&mut simd_json::Deserializer::from_tape(tape)).ok()
}

/// serde_json without bookkeeping, or `None` for the reference path to decide (and explain).
/// UTF-8 is checked first, as the reference path does (serde_json skips unknown strings
/// unchecked), so both paths accept the same bodies.
#[cfg(not(feature = "simd"))]
fn fast<T: DeserializeOwned>(body: &Bytes) -> Option<T> {
    let text = std::str::from_utf8(body).ok()?;
    serde_json::from_str(text).ok()
}

/// serde_json decides, tracking the path so a refusal can name it.
///
/// JSON is UTF-8, but serde_json does not check the strings it skips (unknown fields), so the
/// body is checked first: a body that is not UTF-8 is broken wherever the bad byte is.
#[cold]
fn reference<T: DeserializeOwned>(
    status: Option<StatusCode>,
    body: &Bytes,
) -> Result<T, DecodeError> {
    if let Err(utf8) = std::str::from_utf8(body) {
        let source = <serde_json::Error as serde::de::Error>::custom(format_args!(
            "the body is not UTF-8 (invalid byte at offset {})",
            utf8.valid_up_to()
        ));
        return Err(DecodeError {
            path: ".".to_owned(),
            status,
            body: body.clone(),
            source,
            idempotency_key: None,
            outcome_unknown: false,
        });
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let (path, source) = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(value) => match deserializer.end() {
            Ok(()) => return Ok(value),
            Err(trailing) => (".".to_owned(), trailing),
        },
        Err(err) => {
            let path = err.path().to_string();
            let source = err.into_inner();
            (at_missing_field(path, &source), source)
        }
    };
    Err(DecodeError {
        path,
        status,
        body: body.clone(),
        source,
        idempotency_key: None,
        outcome_unknown: false,
    })
}

/// The path of the bad value. serde reports a missing field at the object that lacks it; the
/// path then points at the field itself (`data[0].id`), so the message names it without
/// repeating the parser's. The root is `.` (serde_path_to_error renders it so, and a key that
/// is the empty string as nothing: the path still has to point).
fn at_missing_field(path: String, source: &serde_json::Error) -> String {
    let message = source.to_string();
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(field, _)| field);
    let root = path.is_empty() || path == ".";
    match (missing, root) {
        (Some(field), true) => field.to_owned(),
        (Some(field), false) => format!("{path}.{field}"),
        (None, true) => ".".to_owned(),
        (None, false) => path,
    }
}
