//! Auto-pagination as [`Stream`]s: constant memory, resumable, bounded by a limit.

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll, ready},
};

use futures_core::Stream;
use push_core::{Cursor, Error, Intent, IntentPage, ListIntents, Pager, Transport};

use crate::Client;

type PageFuture = Pin<Box<dyn Future<Output = Result<IntentPage, Error>> + Send>>;

/// A stream of pages. Ends after the page whose `next_cursor` is null, after the limit, or
/// after the first error. Each page's `next_cursor` is where to go on from it, a resume cursor
/// where the limit cut it (see [`Pager::resume_cursor`]).
pub struct IntentPages<T> {
    client: Client<T>,
    pager: Pager,
    in_flight: Option<PageFuture>,
    failed: bool,
}

impl<T: Transport + 'static> IntentPages<T> {
    pub(crate) fn new(client: Client<T>, request: ListIntents) -> Self {
        Self {
            client,
            pager: Pager::new(request),
            in_flight: None,
            failed: false,
        }
    }

    /// Stops after `limit` intents in all.
    pub fn with_limit(mut self, limit: u64) -> Self {
        self.pager = self.pager.with_limit(limit);
        self
    }

    /// The cursor of the next page: resume there after the last yielded page.
    pub fn cursor(&self) -> Option<&Cursor> {
        self.pager.cursor()
    }

    /// The underlying pager.
    pub fn pager(&self) -> &Pager {
        &self.pager
    }
}

impl<T: Transport + 'static> Stream for IntentPages<T> {
    type Item = Result<IntentPage, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.failed {
            return Poll::Ready(None);
        }
        if this.in_flight.is_none() {
            let Some(request) = this.pager.next_request() else {
                return Poll::Ready(None);
            };
            let client = this.client.clone();
            this.in_flight = Some(Box::pin(async move { client.send(request).await }));
        }
        let Some(in_flight) = this.in_flight.as_mut() else {
            return Poll::Ready(None);
        };
        let result = ready!(in_flight.as_mut().poll(cx));
        this.in_flight = None;
        let page = result.and_then(|page| this.pager.take_page(page).map_err(Error::Pagination));
        this.failed = page.is_err();
        Poll::Ready(Some(page))
    }
}

/// A stream of intents across pages; holds one page at a time.
pub struct IntentStream<T> {
    pages: IntentPages<T>,
    buffer: std::vec::IntoIter<Intent>,
}

impl<T: Transport + 'static> IntentStream<T> {
    pub(crate) fn new(pages: IntentPages<T>) -> Self {
        Self {
            pages,
            buffer: Vec::new().into_iter(),
        }
    }

    /// Stops after `limit` intents.
    pub fn with_limit(mut self, limit: u64) -> Self {
        self.pages = self.pages.with_limit(limit);
        self
    }

    /// Where to resume so that nothing is lost nor repeated, whenever you stop: `None` only when
    /// nothing is left (see [`Pager::resume_cursor`]).
    pub fn resume_cursor(&self) -> Option<Cursor> {
        self.pages.pager.resume_cursor(self.buffer.len())
    }
}

impl<T: Transport + 'static> Stream for IntentStream<T> {
    type Item = Result<Intent, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        // Bounded: each turn either yields or fetches a page; empty pages are skipped.
        loop {
            if let Some(intent) = this.buffer.next() {
                return Poll::Ready(Some(Ok(intent)));
            }
            match ready!(Pin::new(&mut this.pages).poll_next(cx)) {
                Some(Ok(page)) => this.buffer = page.data.into_iter(),
                Some(Err(err)) => return Poll::Ready(Some(Err(err))),
                None => return Poll::Ready(None),
            }
        }
    }
}
