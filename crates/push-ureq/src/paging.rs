//! Auto-pagination as [`Iterator`]s: constant memory, resumable, bounded by a limit.

use push_core::{BlockingTransport, Cursor, Error, Intent, IntentPage, ListIntents, Pager};

use crate::Client;

/// An iterator of pages. Ends after the page whose `next_cursor` is null, after the limit, or
/// after the first error. Each page's `next_cursor` is where to go on from it, a resume cursor
/// where the limit cut it (see [`Pager::resume_cursor`]).
pub struct IntentPages<T> {
    client: Client<T>,
    pager: Pager,
    failed: bool,
}

impl<T: BlockingTransport> IntentPages<T> {
    pub(crate) fn new(client: Client<T>, request: ListIntents) -> Self {
        Self {
            client,
            pager: Pager::new(request),
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

impl<T: BlockingTransport> Iterator for IntentPages<T> {
    type Item = Result<IntentPage, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let request = self.pager.next_request()?;
        let page = self
            .client
            .send(request)
            .and_then(|page| self.pager.take_page(page).map_err(Error::Pagination));
        self.failed = page.is_err();
        Some(page)
    }
}

/// An iterator of intents across pages; holds one page at a time.
pub struct IntentIter<T> {
    pages: IntentPages<T>,
    buffer: std::vec::IntoIter<Intent>,
}

impl<T: BlockingTransport> IntentIter<T> {
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

impl<T: BlockingTransport> Iterator for IntentIter<T> {
    type Item = Result<Intent, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        // Bounded: each turn either yields or takes a page; the pager ends every listing.
        loop {
            if let Some(intent) = self.buffer.next() {
                return Some(Ok(intent));
            }
            match self.pages.next()? {
                Ok(page) => self.buffer = page.data.into_iter(),
                Err(err) => return Some(Err(err)),
            }
        }
    }
}
