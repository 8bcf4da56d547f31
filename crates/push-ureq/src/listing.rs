//! Auto-pagination over any list as [`Iterator`]s: constant memory, resumable, bounded by a
//! limit. The bookkeeping (cursors, limit, resume points, stopping after an error) is
//! push-core's [`Pager`]; these only send its requests.

use push_core::{
    Cursor, Error, Page,
    paging::{ListOperation, Pager},
    transport::BlockingTransport,
};

use crate::Client;

/// An iterator of pages of any list (`client.list_pages(op)`). Ends after the page whose
/// `next_cursor` is null, after the limit, or after the first error. Each page's `next_cursor`
/// is where to go on from it, a resume cursor where the limit cut it (see
/// [`Pager::resume_cursor`]).
pub struct Pages<T, L> {
    client: Client<T>,
    pager: Pager<L>,
}

impl<T: BlockingTransport, L: ListOperation> Pages<T, L> {
    pub(crate) fn new(client: Client<T>, request: L) -> Self {
        Self {
            client,
            pager: Pager::new(request),
        }
    }

    /// Stops after `limit` items in all.
    pub fn with_limit(mut self, limit: u64) -> Self {
        self.pager = self.pager.with_limit(limit);
        self
    }

    /// The cursor of the next page: resume there after the last yielded page.
    pub fn cursor(&self) -> Option<&Cursor> {
        self.pager.cursor()
    }

    /// The underlying pager.
    pub fn pager(&self) -> &Pager<L> {
        &self.pager
    }
}

impl<T: BlockingTransport, L: ListOperation> Iterator for Pages<T, L> {
    type Item = Result<Page<L::Item>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let Some(request) = self.pager.next_request() else {
            // An error that came with the last page (a repeated cursor), after that page.
            return self.pager.take_error().map(Err);
        };
        Some(self.pager.take(self.client.send(request)))
    }
}

/// An iterator of the items of any list across pages (`client.list_all(op)`); holds one page
/// at a time.
pub struct Items<T, L: ListOperation> {
    pages: Pages<T, L>,
    buffer: std::vec::IntoIter<L::Item>,
}

impl<T: BlockingTransport, L: ListOperation> Items<T, L> {
    pub(crate) fn new(pages: Pages<T, L>) -> Self {
        Self {
            pages,
            buffer: Vec::new().into_iter(),
        }
    }

    /// Stops after `limit` items.
    pub fn with_limit(mut self, limit: u64) -> Self {
        self.pages = self.pages.with_limit(limit);
        self
    }

    /// Where to resume so that nothing is lost nor repeated, whenever you stop: `None` only when
    /// nothing is left (see [`Pager::resume_cursor`]).
    ///
    /// ```no_run
    /// use push_ureq::{ListIntents};
    ///
    /// # fn example(client: push_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// // Work through 1,000 intents a run, and pick up where the last run stopped.
    /// let start = std::fs::read_to_string("cursor.txt").ok();
    /// let mut items = client
    ///     .list_all_intents(ListIntents::builder().set_cursor(start.as_deref()).build()?)
    ///     .with_limit(1_000);
    /// loop {
    ///     let Some(intent) = items.next() else { break };
    /// let intent = intent?;
    ///     println!("{}", intent.id);
    /// }
    /// if let Some(cursor) = items.resume_cursor() {
    ///     std::fs::write("cursor.txt", cursor.as_str())?;
    /// }
    /// println!("{} repeated by the server and skipped", items.skipped());
    /// # Ok(()) }
    /// ```
    pub fn resume_cursor(&self) -> Option<Cursor> {
        self.pages.pager.resume_cursor(self.buffer.len())
    }

    /// Items skipped because the server sent them again (see [`Pager::skipped`]).
    pub fn skipped(&self) -> u64 {
        self.pages.pager.skipped()
    }
}

impl<T: BlockingTransport, L: ListOperation> Iterator for Items<T, L> {
    type Item = Result<L::Item, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        // Bounded: each turn either yields or takes a page; the pager ends every listing.
        loop {
            if let Some(item) = self.buffer.next() {
                return Some(Ok(item));
            }
            match self.pages.next()? {
                Ok(page) => self.buffer = page.data.into_iter(),
                Err(err) => return Some(Err(err)),
            }
        }
    }
}

/// The pages of `GET /intent/list`.
pub type IntentPages<T> = Pages<T, push_core::ListIntents>;
/// The intents of `GET /intent/list`, across pages.
pub type IntentItems<T> = Items<T, push_core::ListIntents>;

/// The pager (cursor, counts) only: the client is shown by its own `Debug` elsewhere.
impl<T, L: ListOperation + std::fmt::Debug> std::fmt::Debug for Pages<T, L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("pager", &self.pager)
            .finish_non_exhaustive()
    }
}

/// The pager and how many items of the current page are still to be yielded.
impl<T, L: ListOperation + std::fmt::Debug> std::fmt::Debug for Items<T, L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items")
            .field("pager", &self.pages.pager)
            .field("buffered", &self.buffer.len())
            .finish_non_exhaustive()
    }
}
