//! Heap allocations per decoded intent, counted by a counting global allocator (dhat's), for
//! each variant of the decode benchmark on the 100-intent list page.
//!
//! `cargo run --release -p push-benches --bin decode_allocations`

use bytes::Bytes;
use push_benches::{list_page, strict};
use push_core::IntentPage;

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

/// Allocations made by `decode`, per intent of the page.
fn per_intent(intents: u64, decode: impl Fn()) -> f64 {
    let before = dhat::HeapStats::get().total_blocks;
    decode();
    let after = dhat::HeapStats::get().total_blocks;
    (after - before) as f64 / intents as f64
}

fn main() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let body = Bytes::from(list_page(100));
    let rows = [
        (
            "push_core",
            per_intent(100, || drop(IntentPage::from_json(body.clone()).unwrap())),
        ),
        (
            "strict_serde",
            per_intent(100, || {
                drop(serde_json::from_slice::<strict::Page>(&body).unwrap());
            }),
        ),
        (
            "strict_simd_json",
            per_intent(100, || {
                drop(simd_json::serde::from_slice::<strict::Page>(&mut body.to_vec()).unwrap());
            }),
        ),
    ];
    println!("| variant | allocations per intent |\n| --- | --- |");
    for (name, count) in rows {
        println!("| {name} | {count:.2} |");
    }
}
