#![no_main]
//! `GET /user/{id}` and `GET /user/list` bodies: decode or fail with a path, never panic. The
//! first byte picks the decoder (user or page of users).

use libfuzzer_sys::fuzz_target;
use push_core::{Page, User};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else { return };
    let bytes = bytes::Bytes::copy_from_slice(body);
    let err = if pick % 2 == 0 {
        User::from_json(bytes).err()
    } else {
        Page::<User>::from_json(bytes).err()
    };
    if let Some(err) = err {
        assert!(!err.path.is_empty());
        assert_eq!(&err.body[..], body);
    }
});
