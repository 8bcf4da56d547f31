//! Cursor pagination for every list, sans-IO: a [`ListOperation`] is one page request, the
//! [`Pager`] says which page to fetch next and takes each page.
//!
//! The pager holds one page at a time and the 8-byte hash of every cursor it has followed, so
//! a server that hands back a cursor twice stops the listing with an error instead of looping.
//! The clients wrap it as streams and iterators over any list (`client.list_all(op)`,
//! `client.list_pages(op)`).
//!
//! # Adding a list
//! A list operation is an [`Operation`] whose output is a [`Page`], plus [`ListOperation`]:
//! where its cursor is, how to ask for another one, and which id names an item. Its `encode`
//! sends [`push_cursor`] as the `cursor` query parameter and its `decode` is
//! [`decode_page`]; resume cursors, limits and loop detection then work as for intents.
//!
//! # Resuming without losing anything
//!
//! Push's cursors point at whole pages, and Push has no page-size parameter, so a listing
//! stopped inside a page (a limit, Ctrl-C, an error) cannot resume at a Push cursor without
//! either skipping the rest of that page or repeating it. [`Pager::resume_cursor`] returns a
//! **resume cursor** instead: `push-rs.resume.<last id read>.<Push's cursor of that page>`
//! (both parts base64url; the cursor part empty for the first page). Passed back as the `cursor`
//! of a list request (a [`crate::ListIntents`], `push intents list --cursor`), it fetches that page again and drops
//! every item up to and including the last one read, so nothing is skipped and nothing repeats.
//! Should that item no longer be on the page, nothing is dropped: items may repeat, none is lost.

use std::{
    collections::HashSet,
    hash::{DefaultHasher, Hash, Hasher},
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

use crate::{Cursor, Error, Page, PaginationError, Response, ops::Operation};

const RESUME_PREFIX: &str = "push-rs.resume.";

/// Where a listing stopped inside a page: Push's cursor of that page (none for the first) and
/// the id of the last item read on it (none: read nothing of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResumePoint {
    pub(crate) page: Option<Cursor>,
    pub(crate) after: Option<String>,
}

impl ResumePoint {
    /// The point a cursor stands for: a resume cursor's parts, or a Push cursor's page from its
    /// first item.
    pub(crate) fn of(cursor: &Cursor) -> Self {
        Self::parse(cursor.as_str()).unwrap_or_else(|| ResumePoint {
            page: Some(cursor.clone()),
            after: None,
        })
    }

    fn parse(text: &str) -> Option<Self> {
        let (after, page) = text.strip_prefix(RESUME_PREFIX)?.split_once('.')?;
        let part = |encoded: &str| -> Option<Option<String>> {
            if encoded.is_empty() {
                return Some(None);
            }
            let bytes = URL_SAFE_NO_PAD.decode(encoded).ok()?;
            String::from_utf8(bytes).ok().map(Some)
        };
        Some(ResumePoint {
            page: part(page)?.map(Cursor::from),
            after: part(after)?,
        })
    }

    /// The cursor that stands for this point: Push's own where nothing of its page was read.
    pub(crate) fn to_cursor(&self) -> Cursor {
        match (&self.page, &self.after) {
            (Some(page), None) => page.clone(),
            (page, after) => {
                let encode = |part: Option<&str>| {
                    part.map(|p| URL_SAFE_NO_PAD.encode(p)).unwrap_or_default()
                };
                Cursor::from(format!(
                    "{RESUME_PREFIX}{}.{}",
                    encode(after.as_deref()),
                    encode(page.as_ref().map(Cursor::as_str))
                ))
            }
        }
    }
}

/// One page of a list: an [`Operation`] that answers a [`Page`] and starts from a cursor.
pub trait ListOperation: Operation<Output = Page<<Self as ListOperation>::Item>> + Clone {
    /// What the list holds.
    type Item;

    /// The cursor this request starts from (`None`: the first page). It may be a resume cursor
    /// (see the module docs): send [`push_cursor`] of it, decode with [`decode_page`].
    fn cursor(&self) -> Option<&Cursor>;

    /// The same request from another cursor: the pager's next page.
    fn with_cursor(&self, cursor: Option<Cursor>) -> Self;

    /// The item's id, which a resume cursor records as the last item read.
    fn item_id(item: &Self::Item) -> &str;
}

/// The cursor to send Push for `cursor`: Push's own cursor, or the page cursor a resume cursor
/// holds (`None` for the first page).
pub fn push_cursor(cursor: Option<&Cursor>) -> Option<Cursor> {
    cursor.and_then(|cursor| ResumePoint::of(cursor).page)
}

/// The [`Operation::decode`] of a list: the page, and, when the request started from a resume
/// cursor, without the items up to and including the last one read before. Should that item
/// no longer be on the page, nothing is dropped: items may repeat, none is lost.
pub fn decode_page<L: ListOperation>(
    request: &L,
    response: &Response,
) -> Result<Page<L::Item>, Error>
where
    L::Item: serde::de::DeserializeOwned,
{
    let mut page: Page<L::Item> = crate::ops::decode_success(response)?;
    if let Some(after) = request.cursor().and_then(|c| ResumePoint::of(c).after)
        && let Some(position) = page.data.iter().position(|item| L::item_id(item) == after)
    {
        page.data.drain(..=position);
    }
    Ok(page)
}

/// What comes after a page: the pure stop decision.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PageStep {
    /// Fetch the page at this cursor.
    Fetch(Cursor),
    /// The listing is complete (or the limit reached).
    Finished,
    /// The server repeated a cursor: stop with an error.
    Repeated(Cursor),
}

/// Walks the pages of one list request.
///
/// A driver asks [`Pager::next_request`], sends it, and hands the result to [`Pager::take`]:
/// a page (cut at the limit, its `next_cursor` the place to go on from) or the error that
/// ended the listing.
#[derive(Debug, Clone)]
pub struct Pager<L> {
    request: L,
    /// The cursor of the next page to fetch; `None` once finished.
    next: Option<Cursor>,
    /// The cursor that fetched the last page taken (as sent: maybe a resume cursor).
    page_cursor: Option<Cursor>,
    /// The ids of the last page's items handed out, in order.
    page_ids: Vec<String>,
    /// The limit cut items off the last page.
    cut: bool,
    /// Where the listing goes on after the last page: its `next_cursor`, kept even when the
    /// limit stops the fetching; `None` at the end of the listing.
    continuation: Option<Cursor>,
    finished: bool,
    seen: HashSet<u64>,
    limit: Option<u64>,
    yielded: u64,
    /// The ids (hashed) of the last page's items: an item a server repeats across a page
    /// boundary is skipped, not handed out twice. One page's worth: memory stays bounded.
    previous_ids: HashSet<u64>,
    /// Items skipped as repeats of ones already handed out.
    skipped: u64,
    /// An error that ends the listing after the page it came with was handed out (a repeated
    /// cursor): the page's items are not lost to it.
    pending: Option<PaginationError>,
}

fn fingerprint(cursor: &Cursor) -> u64 {
    hash_of(cursor.as_str())
}

fn hash_of(text: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

impl<L: ListOperation> Pager<L> {
    /// Starts at the request's cursor (none: the first page; a saved one: resume there).
    pub fn new(request: L) -> Self {
        let next = request.cursor().cloned();
        let mut seen = HashSet::new();
        if let Some(page) = push_cursor(next.as_ref()) {
            seen.insert(fingerprint(&page));
        }
        let start = next.clone().unwrap_or_else(|| {
            ResumePoint {
                page: None,
                after: None,
            }
            .to_cursor()
        });
        Self {
            request,
            page_cursor: next.clone(),
            next,
            page_ids: Vec::new(),
            cut: false,
            continuation: Some(start),
            finished: false,
            seen,
            limit: None,
            yielded: 0,
            previous_ids: HashSet::new(),
            skipped: 0,
            pending: None,
        }
    }

    /// How many ids and cursor fingerprints the pager holds: its memory, one page of ids plus
    /// one fingerprint per page followed.
    pub fn held(&self) -> usize {
        self.previous_ids.len() + self.seen.len() + self.page_ids.len()
    }

    /// Items skipped because the server sent them again (same id as one already handed out on
    /// this page or the one before): a consumer summing amounts would count them twice.
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    /// The error that ended the listing after its last page was handed out (a repeated
    /// cursor), once: drivers yield it when [`Pager::next_request`] is `None`.
    pub fn take_error(&mut self) -> Option<Error> {
        self.pending.take().map(Error::Pagination)
    }

    /// Stops after `limit` items in all.
    pub fn with_limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self.finished |= limit == 0;
        self
    }

    /// The request of the next page; `None` once finished (or failed).
    pub fn next_request(&self) -> Option<L> {
        (!self.finished).then(|| self.request.with_cursor(self.next.clone()))
    }

    /// The cursor of the next page to fetch.
    pub fn cursor(&self) -> Option<&Cursor> {
        self.next.as_ref()
    }

    /// The cursor that fetched the last page taken.
    pub fn page_cursor(&self) -> Option<&Cursor> {
        self.page_cursor.as_ref()
    }

    /// Where to resume so that nothing is lost, given how many items of the last page taken
    /// are still unread: a resume cursor (see the module docs) when the caller stopped inside
    /// that page or the limit cut it, else the next page's cursor. `None` only when nothing is
    /// left: the last page was read to its end and Push said it was the last. After an error,
    /// it is where the failed page would have started.
    pub fn resume_cursor(&self, unread: usize) -> Option<Cursor> {
        let kept = self.page_ids.len();
        // Cannot underflow: `unread` is capped at `kept`.
        let read = kept - unread.min(kept);
        if read == kept && !self.cut {
            return self.continuation.clone();
        }
        let mut point = self
            .page_cursor
            .as_ref()
            .map(ResumePoint::of)
            .unwrap_or(ResumePoint {
                page: None,
                after: None,
            });
        if read > 0 {
            // In bounds: 0 < read <= kept == page_ids.len().
            point.after = Some(self.page_ids[read - 1].clone());
        }
        Some(point.to_cursor())
    }

    /// True once the last page was taken, the limit reached, a cursor repeated or a page failed.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Items yielded so far.
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

    /// Takes a page: returns its items (repeats of items already handed out skipped, cut at the
    /// limit) and moves to the next cursor. A repeated cursor ends the listing after this
    /// page: its error waits in [`Pager::take_error`].
    pub fn advance(&mut self, page: Page<L::Item>) -> Result<Vec<L::Item>, PaginationError> {
        let mut data = page.data;
        let before = data.len();
        let mut this_page = HashSet::with_capacity(before);
        data.retain(|item| {
            let id = hash_of(L::item_id(item));
            !self.previous_ids.contains(&id) && this_page.insert(id)
        });
        self.skipped = self.skipped.saturating_add((before - data.len()) as u64);
        self.previous_ids = this_page;
        let room = self.limit.map_or(usize::MAX, |limit| {
            usize::try_from(limit.saturating_sub(self.yielded)).unwrap_or(usize::MAX)
        });
        self.cut = data.len() > room;
        data.truncate(room);
        self.yielded = self.yielded.saturating_add(data.len() as u64);
        self.page_ids.clear();
        self.page_ids
            .extend(data.iter().map(|item| L::item_id(item).to_owned()));
        self.page_cursor = self.next.clone();
        self.continuation = page
            .next_cursor
            .clone()
            .filter(|cursor| !cursor.as_str().is_empty());
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
                // The page is handed out; the error comes after it (see `take_error`).
                self.finished = true;
                self.next = None;
                self.pending = Some(PaginationError::RepeatedCursor { cursor });
            }
        }
        Ok(data)
    }

    /// [`Pager::advance`], as a page whose `next_cursor` is where to go on from it
    /// ([`Pager::resume_cursor`]): Push's next cursor, a resume cursor where the limit cut
    /// the page, `None` at the end.
    pub fn take_page(&mut self, page: Page<L::Item>) -> Result<Page<L::Item>, PaginationError> {
        let data = self.advance(page)?;
        Ok(Page::new(data, self.resume_cursor(0)))
    }

    /// What a driver does with the result of sending [`Pager::next_request`]: a page is taken
    /// ([`Pager::take_page`]); an error (the call's, or a repeated cursor) ends the listing, so
    /// [`Pager::next_request`] is `None` after it while [`Pager::resume_cursor`] still says
    /// where to start again.
    pub fn take(&mut self, result: Result<Page<L::Item>, Error>) -> Result<Page<L::Item>, Error> {
        let page = result.and_then(|page| self.take_page(page).map_err(Error::Pagination));
        if page.is_err() {
            self.finished = true;
        }
        page
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Intent, IntentPage, ListIntents};

    fn intent(n: u32) -> Intent {
        Intent::from_json(format!(
            r#"{{"id":"intent_{n}","created_at":"2023-05-24T20:36:50.694Z","direction":"cash_in","user_id":"u","amount":1,"currency":"USD","status":"approved"}}"#
        ))
        .unwrap()
    }

    fn page(ids: std::ops::Range<u32>, next: Option<&str>) -> IntentPage {
        Page::new(ids.map(intent).collect(), next.map(Cursor::from))
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
        assert_eq!(pager.resume_cursor(0), None);
        assert!(pager.is_finished());
        assert!(pager.next_request().is_none());
        assert_eq!(pager.yielded(), 3);
    }

    /// A server of `total` intents (newest first: `intent_0` first) in pages of `size`, with
    /// cursors `p<offset>`: it answers a `ListIntents` as Push would, resume cursors included.
    fn serve(request: &ListIntents, total: u32, size: u32) -> IntentPage {
        let config = crate::Config::new(
            crate::ApiToken::new("t").unwrap(),
            crate::Environment::Sandbox,
        );
        let sent = request.encode(&config).unwrap();
        let offset: u32 = sent
            .uri()
            .query()
            .and_then(|q| q.strip_prefix("cursor=p"))
            .map_or(0, |n| n.parse().unwrap());
        let end = (offset + size).min(total);
        let next = (end < total).then(|| format!("p{end}"));
        let body = serde_json::json!({
            "data": (offset..end).map(|n| serde_json::from_str::<serde_json::Value>(
                &serde_json::to_string(&intent(n)).unwrap()).unwrap()).collect::<Vec<_>>(),
            "next_cursor": next,
        });
        let response = http::Response::new(bytes::Bytes::from(body.to_string()));
        request.decode(response).unwrap()
    }

    fn ids(intents: &[Intent]) -> Vec<u32> {
        intents
            .iter()
            .map(|i| i.id.as_str()["intent_".len()..].parse().unwrap())
            .collect()
    }

    /// Regression: `--limit 3` printed the page's `next_cursor`, which points past the whole
    /// page: resuming there lost 7 of 25 intents. Every limit, and every stop inside a page,
    /// now resumes with nothing skipped and nothing repeated (25 intents in pages of 10; every
    /// limit 0..=25, every unread count of the last page).
    #[test]
    fn resuming_after_any_limit_or_stop_loses_nothing() {
        for limit in 0..=25u64 {
            let mut pager = Pager::new(ListIntents::default()).with_limit(limit);
            let mut got = vec![];
            while let Some(request) = pager.next_request() {
                got.extend(ids(&pager.advance(serve(&request, 25, 10)).unwrap()));
            }
            let kept = pager.page_ids.len();
            for unread in 0..=kept {
                let read = &got[..got.len() - unread];
                let Some(resume) = pager.resume_cursor(unread) else {
                    assert_eq!(
                        read.len(),
                        25,
                        "limit {limit} unread {unread}: None too early"
                    );
                    continue;
                };
                let mut rest = Pager::new(
                    ListIntents::builder()
                        .cursor(resume.as_str())
                        .build()
                        .unwrap(),
                );
                let mut after = vec![];
                while let Some(request) = rest.next_request() {
                    after.extend(ids(&rest.advance(serve(&request, 25, 10)).unwrap()));
                }
                let all: Vec<u32> = read.iter().chain(&after).copied().collect();
                assert_eq!(
                    all,
                    (0..25).collect::<Vec<_>>(),
                    "limit {limit} unread {unread} via {resume}"
                );
            }
        }
    }

    #[test]
    fn resume_cursors_are_push_cursors_where_a_page_was_not_entered() {
        let mut pager = Pager::new(ListIntents::default());
        let start = pager.resume_cursor(0).unwrap();
        assert_eq!(start, "push-rs.resume..");
        assert_eq!(
            ResumePoint::of(&start),
            ResumePoint {
                page: None,
                after: None
            }
        );
        let taken = pager.take_page(page(0..2, Some("a+b/c=="))).unwrap();
        assert_eq!(
            taken.next_cursor.unwrap(),
            "a+b/c==",
            "read to its end: Push's cursor"
        );
        assert_eq!(pager.resume_cursor(2).unwrap(), "push-rs.resume..");
        let mid = pager.resume_cursor(1).unwrap();
        assert_eq!(
            ResumePoint::of(&mid),
            ResumePoint {
                page: None,
                after: Some("intent_0".into())
            }
        );
        pager.advance(page(2..4, None)).unwrap();
        assert_eq!(pager.resume_cursor(2).unwrap(), "a+b/c==");
        assert_eq!(pager.resume_cursor(0), None, "the end");
        // What a server can put in a cursor survives the round trip.
        for odd in [".", "..", "a.b", "push-rs.resume..", "\u{1F600}"] {
            let point = ResumePoint {
                page: Some(Cursor::from(odd)),
                after: Some(odd.to_owned()),
            };
            assert_eq!(ResumePoint::of(&point.to_cursor()), point, "{odd:?}");
        }
        // Not a resume cursor: a Push cursor, whatever it holds.
        for push in [
            "push-rs.resume.!!.x",
            "push-rs.resume.nodot",
            "push-rs.resumeX..",
        ] {
            assert_eq!(ResumePoint::of(&Cursor::from(push)).page.unwrap(), push);
        }
    }

    #[test]
    fn a_resume_point_that_left_the_page_repeats_rather_than_skips() {
        let resume = ResumePoint {
            page: None,
            after: Some("intent_gone".into()),
        }
        .to_cursor();
        let request = ListIntents::builder()
            .cursor(resume.as_str())
            .build()
            .unwrap();
        assert_eq!(
            ids(&serve(&request, 25, 10).data),
            (0..10).collect::<Vec<_>>()
        );
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
        // Regression (issue 22 C14): the page that came with the repeated cursor was dropped.
        // Its items are handed out; the error comes after them.
        let last = pager.advance(page(2..3, Some("A"))).unwrap();
        assert_eq!(ids(&last), vec![2]);
        assert!(pager.is_finished());
        assert!(pager.next_request().is_none());
        let Some(Error::Pagination(err)) = pager.take_error() else {
            panic!("no error after the page")
        };
        assert_eq!(
            err,
            PaginationError::RepeatedCursor {
                cursor: Cursor::from("A")
            }
        );
        assert!(pager.take_error().is_none(), "once");
    }

    /// Regression (issue 22 C16): an item a server repeats across a page boundary (or within
    /// a page) was handed out twice; it is skipped and counted.
    #[test]
    fn repeated_items_are_skipped_and_counted() {
        let mut pager = Pager::new(ListIntents::default());
        assert_eq!(
            ids(&pager.advance(page(0..3, Some("a"))).unwrap()),
            vec![0, 1, 2]
        );
        let mut repeated = page(2..5, Some("b"));
        repeated.data.push(intent(4));
        assert_eq!(ids(&pager.advance(repeated).unwrap()), vec![3, 4]);
        assert_eq!(pager.skipped(), 2);
        // Only the page before is remembered: memory stays one page.
        assert_eq!(ids(&pager.advance(page(5..6, None)).unwrap()), vec![5]);
        assert_eq!(pager.skipped(), 2);
    }

    #[test]
    fn a_resumed_listing_refuses_its_own_start_cursor() {
        let request = ListIntents::builder().cursor("start").build().unwrap();
        let mut pager = Pager::new(request);
        assert_eq!(pager.next_request().unwrap().cursor().unwrap(), "start");
        assert!(pager.advance(page(0..1, Some("start"))).is_ok());
        assert!(pager.take_error().is_some());
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

    /// The bookkeeping both clients used to repeat: an error ends the listing, the resume
    /// cursor still points at the page that failed.
    #[test]
    fn an_error_ends_the_listing_and_keeps_the_resume_point() {
        let mut pager = Pager::new(ListIntents::default());
        let first = pager.take(Ok(page(0..2, Some("p2")))).unwrap();
        assert_eq!(first.next_cursor.unwrap(), "p2");
        let failed = pager.take(Err(Error::Pagination(PaginationError::RepeatedCursor {
            cursor: Cursor::from("any"),
        })));
        assert!(failed.is_err());
        assert!(pager.is_finished());
        assert!(pager.next_request().is_none());
        assert_eq!(pager.resume_cursor(0).unwrap(), "p2");
        // A repeated cursor ends it after its page, with the error next.
        let mut pager = Pager::new(ListIntents::default());
        pager.take(Ok(page(0..1, Some("A")))).unwrap();
        assert_eq!(pager.take(Ok(page(1..2, Some("A")))).unwrap().data.len(), 1);
        assert!(pager.next_request().is_none());
        let err = pager.take_error().unwrap();
        assert!(matches!(err, Error::Pagination(_)), "{err}");
    }
}
