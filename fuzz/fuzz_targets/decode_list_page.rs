#![no_main]
//! `GET /intent/list` bodies: decode or fail with a path, never panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(err) = push_core::IntentPage::from_json(bytes::Bytes::copy_from_slice(data)) {
        assert!(!err.path.is_empty());
    }
});
