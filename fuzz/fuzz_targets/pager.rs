#![no_main]
//! Structure-aware: any sequence of pages and cursors ends, never loops, never passes its limit.

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use push_core::{Cursor, Intent, IntentPage, ListIntents, paging::Pager};

#[derive(Debug, Arbitrary)]
struct Page {
    intents: u8,
    next_cursor: Option<String>,
}

#[derive(Debug, Arbitrary)]
struct Input {
    start: Option<String>,
    limit: Option<u16>,
    pages: Vec<Page>,
}

fn intent() -> Intent {
    Intent::from_json(
        &br#"{"id":"i","created_at":"2023-05-24T20:36:50Z","direction":"cash_in","user_id":"u","amount":1,"currency":"USD","status":"created"}"#[..],
    )
    .unwrap()
}

fuzz_target!(|input: Input| {
    let mut request = ListIntents::builder();
    if let Some(start) = &input.start {
        request = request.cursor(start.as_str());
    }
    let Ok(request) = request.build() else { return };
    let mut pager = Pager::new(request);
    if let Some(limit) = input.limit {
        pager = pager.with_limit(u64::from(limit));
    }
    let distinct: std::collections::HashSet<&Option<String>> = input.pages.iter().map(|p| &p.next_cursor).collect();
    let mut fetched = 0usize;
    let mut yielded = 0u64;
    for page in input.pages.iter() {
        if pager.next_request().is_none() {
            break;
        }
        fetched += 1;
        let data = (0..page.intents % 8).map(|_| intent()).collect();
        match pager.advance(IntentPage::new(data, page.next_cursor.clone().map(Cursor::from))) {
            Ok(items) => yielded += items.len() as u64,
            Err(_) => assert!(pager.is_finished()),
        }
    }
    // Every fetch after the first follows a cursor never seen before.
    assert!(fetched <= distinct.len() + 1);
    if let Some(limit) = input.limit {
        assert!(yielded <= u64::from(limit));
    }
});
