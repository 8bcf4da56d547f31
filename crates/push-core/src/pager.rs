//! Cursor pagination, sans-IO: the pager says which page to fetch next and takes each page.
//!
//! It holds one page at a time and the 8-byte hash of every cursor it has followed, so a server
//! that hands back a cursor twice stops the listing with an error instead of looping.

use std::{
    collections::HashSet,
    hash::{DefaultHasher, Hash, Hasher},
};

use crate::{Cursor, Intent, IntentPage, ListIntents, PaginationError};

/// What comes after a page: the pure stop decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageStep {
    /// Fetch the page at this cursor.
    Fetch(Cursor),
    /// The listing is complete (or the limit reached).
    Finished,
    /// The server repeated a cursor: stop with an error.
    Repeated(Cursor),
}

/// Walks the pages of one [`ListIntents`].
#[derive(Debug, Clone)]
pub struct Pager {
    request: ListIntents,
    next: Option<Cursor>,
    page_cursor: Option<Cursor>,
    finished: bool,
    seen: HashSet<u64>,
    limit: Option<u64>,
    yielded: u64,
}

fn fingerprint(cursor: &Cursor) -> u64 {
    let mut hasher = DefaultHasher::new();
    cursor.as_str().hash(&mut hasher);
    hasher.finish()
}

impl Pager {
    /// Starts at the request's cursor (none: the first page; a saved one: resume there).
    pub fn new(request: ListIntents) -> Self {
        let next = request.cursor().cloned();
        let mut seen = HashSet::new();
        if let Some(cursor) = &next {
            seen.insert(fingerprint(cursor));
        }
        Self {
            request,
            page_cursor: next.clone(),
            next,
            finished: false,
            seen,
            limit: None,
            yielded: 0,
        }
    }

    /// Stops after `limit` intents in all.
    pub fn with_limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self.finished |= limit == 0;
        self
    }

    /// The request of the next page; `None` once finished.
    pub fn next_request(&self) -> Option<ListIntents> {
        (!self.finished).then(|| self.request.with_cursor(self.next.clone()))
    }

    /// The cursor of the next page to fetch: save it to resume after every yielded intent.
    pub fn cursor(&self) -> Option<&Cursor> {
        self.next.as_ref()
    }

    /// The cursor that fetched the last page taken: resuming there repeats that page, so a
    /// caller stopped in the middle of a page loses nothing.
    pub fn page_cursor(&self) -> Option<&Cursor> {
        self.page_cursor.as_ref()
    }

    /// Where to resume so nothing is lost, given how many intents of the last page taken are
    /// still unread: that page's cursor while some are (they will be seen again), else the next
    /// page's. `None` with [`Pager::is_finished`] means there is nothing left.
    pub fn resume_cursor(&self, unread: usize) -> Option<&Cursor> {
        if unread > 0 {
            self.page_cursor()
        } else {
            self.cursor()
        }
    }

    /// True once the last page was taken, the limit reached, or a cursor repeated.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Intents yielded so far.
    pub fn yielded(&self) -> u64 {
        self.yielded
    }

    /// The stop decision after a page whose `next_cursor` is `next_cursor` (pure).
    pub fn decide(&self, next_cursor: Option<&Cursor>, yielded: u64) -> PageStep {
        if self.limit.is_some_and(|limit| yielded >= limit) {
            return PageStep::Finished;
        }
        match next_cursor {
            None => PageStep::Finished,
            Some(cursor) if cursor.as_str().is_empty() => PageStep::Finished,
            Some(cursor) if self.seen.contains(&fingerprint(cursor)) => {
                PageStep::Repeated(cursor.clone())
            }
            Some(cursor) => PageStep::Fetch(cursor.clone()),
        }
    }

    /// Takes a page: returns its intents (cut at the limit) and moves to the next cursor.
    pub fn advance(&mut self, page: IntentPage) -> Result<Vec<Intent>, PaginationError> {
        let mut data = page.data;
        if let Some(limit) = self.limit {
            let room = limit.saturating_sub(self.yielded);
            data.truncate(usize::try_from(room).unwrap_or(usize::MAX));
        }
        self.yielded += data.len() as u64;
        self.page_cursor = self.next.clone();
        match self.decide(page.next_cursor.as_ref(), self.yielded) {
            PageStep::Fetch(cursor) => {
                self.seen.insert(fingerprint(&cursor));
                self.next = Some(cursor);
            }
            PageStep::Finished => {
                self.finished = true;
                self.next = None;
            }
            PageStep::Repeated(cursor) => {
                self.finished = true;
                return Err(PaginationError::RepeatedCursor { cursor });
            }
        }
        Ok(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intent(n: u32) -> Intent {
        Intent::from_json(format!(
            r#"{{"id":"intent_{n}","created_at":"2023-05-24T20:36:50.694Z","direction":"cash_in","user_id":"u","amount":1,"currency":"USD","status":"approved"}}"#
        ))
        .unwrap()
    }

    fn page(ids: std::ops::Range<u32>, next: Option<&str>) -> IntentPage {
        IntentPage {
            data: ids.map(intent).collect(),
            next_cursor: next.map(Cursor::from),
        }
    }

    #[test]
    fn walks_pages_until_the_cursor_is_null() {
        let mut pager = Pager::new(ListIntents::default());
        assert_eq!(pager.next_request().unwrap().cursor(), None);
        let got = pager.advance(page(0..2, Some("a+b/c=="))).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(pager.next_request().unwrap().cursor().unwrap(), "a+b/c==");
        assert_eq!(pager.page_cursor(), None);
        pager.advance(page(2..3, None)).unwrap();
        assert_eq!(pager.page_cursor().unwrap(), "a+b/c==");
        assert!(pager.is_finished());
        assert!(pager.next_request().is_none());
        assert_eq!(pager.yielded(), 3);
    }

    #[test]
    fn resuming_repeats_a_page_only_while_it_is_unread() {
        let mut pager = Pager::new(ListIntents::default());
        assert_eq!(pager.resume_cursor(0), None);
        pager.advance(page(0..2, Some("p2"))).unwrap();
        assert_eq!(
            pager.resume_cursor(1),
            None,
            "mid first page: from the start"
        );
        assert_eq!(pager.resume_cursor(0).unwrap(), "p2");
        pager.advance(page(2..4, Some("p3"))).unwrap();
        assert_eq!(pager.resume_cursor(2).unwrap(), "p2");
        assert_eq!(pager.resume_cursor(0).unwrap(), "p3");
    }

    #[test]
    fn decide_table() {
        let mut pager = Pager::new(ListIntents::default()).with_limit(10);
        pager.advance(page(0..1, Some("seen"))).unwrap();
        let table = [
            (None, 1, PageStep::Finished),
            (Some(""), 1, PageStep::Finished),
            (Some("seen"), 1, PageStep::Repeated(Cursor::from("seen"))),
            (Some("new"), 1, PageStep::Fetch(Cursor::from("new"))),
            (Some("new"), 10, PageStep::Finished),
        ];
        for (next, yielded, expected) in table {
            assert_eq!(
                pager.decide(next.map(Cursor::from).as_ref(), yielded),
                expected,
                "{next:?}"
            );
        }
    }

    #[test]
    fn a_repeated_cursor_is_an_error_not_a_loop() {
        let mut pager = Pager::new(ListIntents::default());
        pager.advance(page(0..1, Some("A"))).unwrap();
        pager.advance(page(1..2, Some("B"))).unwrap();
        let err = pager.advance(page(2..3, Some("A"))).unwrap_err();
        assert_eq!(
            err,
            PaginationError::RepeatedCursor {
                cursor: Cursor::from("A")
            }
        );
        assert!(pager.is_finished());
        assert!(pager.next_request().is_none());
    }

    #[test]
    fn a_resumed_listing_refuses_its_own_start_cursor() {
        let request = ListIntents::builder().cursor("start").build().unwrap();
        let mut pager = Pager::new(request);
        assert_eq!(pager.next_request().unwrap().cursor().unwrap(), "start");
        assert!(pager.advance(page(0..1, Some("start"))).is_err());
    }

    #[test]
    fn the_limit_cuts_the_last_page() {
        let mut pager = Pager::new(ListIntents::default()).with_limit(3);
        assert_eq!(pager.advance(page(0..2, Some("a"))).unwrap().len(), 2);
        assert_eq!(pager.advance(page(2..4, Some("b"))).unwrap().len(), 1);
        assert!(pager.is_finished());
        assert!(
            Pager::new(ListIntents::default())
                .with_limit(0)
                .next_request()
                .is_none()
        );
    }

    #[test]
    fn empty_pages_with_a_cursor_go_on() {
        let mut pager = Pager::new(ListIntents::default());
        assert!(pager.advance(page(0..0, Some("x"))).unwrap().is_empty());
        assert!(!pager.is_finished());
    }
}
