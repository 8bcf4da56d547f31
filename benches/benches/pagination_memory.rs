//! Listing 100,000 intents in pages of 100 keeps peak heap within 2x of fetching one page.
//! Counted with dhat's allocator; the emulator is filled before counting starts, so only the
//! listing (client and the emulator's per-page work) is measured. Exits non-zero past 2x.
//!
//! `cargo bench -p push-benches --bench pagination_memory`

use push_core::{ClientBuilder, ListIntents};
use push_mock::{DEFAULT_TOKEN, Emulator, EmulatorConfig, MemoryTransport};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

const TOTAL: usize = 100_000;
const PAGE: usize = 100;

fn main() {
    // Under `cargo test --benches` (no `--bench` flag) this is a smoke run: a smaller listing.
    let total = if std::env::args().any(|a| a == "--bench") {
        TOTAL
    } else {
        10 * PAGE
    };
    let emulator = Emulator::new(EmulatorConfig {
        page_size: PAGE,
        ..EmulatorConfig::default()
    });
    emulator.seed_intents(total);
    let config = ClientBuilder::new()
        .token(DEFAULT_TOKEN)
        .base_url("http://127.0.0.1:1")
        .build()
        .unwrap();
    let client = push_ureq::Client::with_transport(config, MemoryTransport::new(emulator));

    let _profiler = dhat::Profiler::builder().testing().build();
    let start = dhat::HeapStats::get();
    let page = client.list_intents(ListIntents::default()).unwrap();
    assert_eq!(page.data.len(), PAGE);
    let one_page = dhat::HeapStats::get().max_bytes - start.curr_bytes;
    drop(page);

    let before = dhat::HeapStats::get();
    let mut count = 0;
    for intent in client.list_all_intents(ListIntents::default()) {
        intent.unwrap();
        count += 1;
    }
    let after = dhat::HeapStats::get();
    assert_eq!(count, total);
    let listing = after.max_bytes - start.curr_bytes;
    let ratio = listing as f64 / one_page as f64;
    println!(
        "pagination_memory: one page of {PAGE}: peak {one_page} B; all {total} intents: peak {listing} B \
         ({ratio:.2}x one page); {} B allocated while listing, {} allocations",
        after.total_bytes - before.total_bytes,
        after.total_blocks - before.total_blocks
    );
    assert!(ratio <= 2.0, "peak heap {ratio:.2}x one page (limit 2x)");
}
