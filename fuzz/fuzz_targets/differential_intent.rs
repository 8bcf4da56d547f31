#![no_main]
//! The SDK's decoder (simd-json fast path, serde_json reference) against serde_json over
//! UTF-8-checked input: both accept exactly the same bodies and agree on the value; whatever
//! the SDK accepts is valid JSON. Divergences found are written down in fuzz/README.md.

use libfuzzer_sys::fuzz_target;
use push_core::Intent;

fuzz_target!(|data: &[u8]| {
    let ours = Intent::from_json(bytes::Bytes::copy_from_slice(data));
    // serde_json::from_slice skips unknown fields without checking their UTF-8 (a divergence
    // this target found); JSON is UTF-8, so the reference decodes checked text.
    let reference = std::str::from_utf8(data).map_err(drop).and_then(|text| serde_json::from_str::<Intent>(text).map_err(drop));
    match (&ours, &reference) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(_), Err(_)) => {}
        _ => panic!("divergence: ours {:?}, serde_json {:?}", ours.map(|_| ()), reference.map(|_| ())),
    }
    if ours.is_ok() {
        // Valid JSON, unless it nests deeper than Value's recursion limit of 128 (unknown
        // fields are skipped without recursing, so the models accept deeper bodies).
        if let Err(err) = serde_json::from_slice::<serde_json::Value>(data) {
            assert!(err.to_string().contains("recursion limit"), "accepted invalid JSON: {err}");
        }
    }
});
