#![no_main]
//! `GET /intent/{id}` bodies: decode or fail with a path, never panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(err) = push_core::Intent::from_json(bytes::Bytes::copy_from_slice(data)) {
        assert!(!err.path.is_empty());
        assert_eq!(&err.body[..], data);
    }
});
