#![no_main]
//! `GET /user/{id}/credential/list`, `POST /user/{id}/credential` and `POST /sandbox/credential`
//! bodies: decode or fail with a path, never panic. The first byte picks the decoder.

use libfuzzer_sys::fuzz_target;
use push_core::{UserCredential, UserCredentials};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else { return };
    let bytes = bytes::Bytes::copy_from_slice(body);
    let err = if pick % 2 == 0 {
        UserCredentials::from_json(bytes).err()
    } else {
        UserCredential::from_json(bytes).err()
    };
    if let Some(err) = err {
        assert!(!err.path.is_empty());
        assert_eq!(&err.body[..], body);
    }
});
