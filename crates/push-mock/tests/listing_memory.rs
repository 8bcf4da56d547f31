//! Peak heap while listing is independent of how many intents there are: listing 10,000
//! intents peaks no higher than listing 1,000 (both in pages of 100). Measured with dhat's
//! counting allocator; the emulators are filled before counting starts.

use push_core::{ClientBuilder, ListIntents};
use push_mock::{DEFAULT_TOKEN, Emulator, EmulatorConfig, MemoryTransport};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn emulator(intents: usize) -> Emulator {
    let emulator = Emulator::new(EmulatorConfig {
        page_size: 100,
        ..EmulatorConfig::default()
    });
    emulator.seed_intents(intents);
    emulator
}

fn list_all(emulator: &Emulator) -> usize {
    let config = ClientBuilder::new()
        .token(DEFAULT_TOKEN)
        .base_url("http://127.0.0.1:1")
        .build()
        .unwrap();
    let client = push_ureq::Client::with_transport(config, MemoryTransport::new(emulator.clone()));
    let mut count = 0;
    for intent in client.list_all_intents(ListIntents::default()) {
        intent.unwrap();
        count += 1;
    }
    count
}

#[test]
fn peak_memory_does_not_grow_with_the_listing() {
    let (small, large) = (emulator(1_000), emulator(10_000));
    let _profiler = dhat::Profiler::builder().testing().build();
    let before = dhat::HeapStats::get();

    assert_eq!(list_all(&small), 1_000);
    let after_small = dhat::HeapStats::get();
    assert_eq!(list_all(&large), 10_000);
    let after_large = dhat::HeapStats::get();

    let peak_small = after_small.max_bytes - before.curr_bytes;
    let peak_large = after_large.max_bytes - before.curr_bytes;
    println!(
        "peak heap above the filled emulators: 1,000 intents {peak_small} B, 10,000 intents {peak_large} B; \
         {} B allocated in all for the 10,000",
        after_large.total_bytes - after_small.total_bytes
    );
    // Ten times the intents, not a byte more at the peak than a quarter over the small listing.
    assert!(
        peak_large * 4 <= peak_small * 5,
        "peak grew with the listing: {peak_small} B -> {peak_large} B"
    );
    // And the listing did real work: it allocated far more in all than it ever held at once.
    assert!(after_large.total_bytes - after_small.total_bytes > 10 * peak_large as u64);
}
