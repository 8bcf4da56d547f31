//! Decodes the 100-intent list page `iterations` times with one variant, for `callgrind` to
//! count instructions (repeatable, unlike time): `benches/decode_cost.sh` runs it with 0 and
//! with 20 iterations and reports the difference per decode.
//!
//! `decode_instructions <push_core|strict_serde|strict_simd_json> <iterations>`

use std::hint::black_box;

use bytes::Bytes;
use push_benches::{list_page, strict};
use push_core::IntentPage;

fn main() {
    let mut args = std::env::args().skip(1);
    let variant = args.next().unwrap_or_default();
    let iterations: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1);
    let body = Bytes::from(list_page(100));
    for _ in 0..iterations {
        match variant.as_str() {
            "push_core" => drop(black_box(IntentPage::from_json(black_box(body.clone())))),
            "strict_serde" => drop(black_box(serde_json::from_slice::<strict::Page>(
                black_box(&body),
            ))),
            "strict_simd_json" => drop(black_box(simd_json::serde::from_slice::<strict::Page>(
                &mut black_box(&body).to_vec(),
            ))),
            other => panic!("unknown variant {other:?}"),
        }
    }
}
