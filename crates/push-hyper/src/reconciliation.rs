//! `client.reconcile(day, options).await`: the reads a [`Reconciliation`] asks for, page by
//! page, each counted; the judging is push-core's.

use push_core::{
    Error, GetIntent, GetTransfer, ResponseMeta,
    chrono::{DateTime, NaiveDate, Utc},
    paging::{ListOperation, Pager},
    reconcile::{DayReport, ReconcileOptions, Reconciliation, route},
    transport::Transport,
};

use crate::Client;

impl<T: Transport + 'static> Client<T> {
    /// Reconciles `day` three ways: every transfer dated that day checked against what it nets,
    /// every approved intent of the window (the day and `options.lookback_days` before it)
    /// netted by exactly one transfer once due, and, with `options.expected`, our records
    /// against Push's intents both ways. Intents are read by listing, a page per read; the
    /// report says how many reads each route took.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), push_hyper::Error> {
    /// use push_hyper::{Client, reconcile::ReconcileOptions};
    /// let client = Client::from_env()?;
    /// let day = "2026-12-03".parse().unwrap();
    /// let report = client.reconcile(day, ReconcileOptions::new()).await?;
    /// println!("{} discrepancies in {} reads", report.discrepancies(), report.reads.total);
    /// # Ok(()) }
    /// ```
    pub async fn reconcile(
        &self,
        day: NaiveDate,
        options: ReconcileOptions,
    ) -> Result<DayReport, Error> {
        let mut run = Reconciliation::new(day, options)?;
        for (request, for_day) in run.transfer_requests() {
            let mut pager = Pager::new(request);
            while let Some(items) = self
                .next_page(&mut run, &mut pager, route::LIST_TRANSFERS)
                .await?
            {
                for transfer in items {
                    run.add_transfer(transfer, for_day);
                }
            }
        }
        for id in run.transfers_without_entries() {
            run.may_read()?;
            let read = self.send_with_meta(GetTransfer::new(id)?).await?;
            run.record(route::GET_TRANSFER, &read.meta);
            run.replace_transfer(read.value);
        }
        let mut pager = Pager::new(run.intents_request());
        while let Some(items) = self
            .next_page(&mut run, &mut pager, route::LIST_INTENTS)
            .await?
        {
            for intent in items {
                run.add_intent(intent);
            }
        }
        for id in run.intents_to_read() {
            run.may_read()?;
            match self.send_with_meta(GetIntent::new(id.as_str())?).await {
                Ok(read) => {
                    run.record(route::GET_INTENT, &read.meta);
                    run.add_read_intent(&id, Some(read.value));
                }
                Err(err) if err.status().map(|s| s.as_u16()) == Some(404) => {
                    if let Some(api) = err.api_error() {
                        let meta = ResponseMeta::from_head(api.status, api.headers.clone(), 1);
                        run.record(route::GET_INTENT, &meta);
                    }
                    run.add_read_intent(&id, None);
                }
                Err(err) => return Err(err),
            }
        }
        let mut pager = Pager::new(run.transactions_request());
        while let Some(items) = self
            .next_page(&mut run, &mut pager, route::LIST_TRANSACTIONS)
            .await?
        {
            for transaction in items {
                run.add_transaction(&transaction);
            }
        }
        Ok(run.finish(DateTime::<Utc>::from(std::time::SystemTime::now())))
    }

    /// The next page's items, its read counted; `None` at the end of the listing.
    async fn next_page<L>(
        &self,
        run: &mut Reconciliation,
        pager: &mut Pager<L>,
        route: &'static str,
    ) -> Result<Option<Vec<L::Item>>, Error>
    where
        L: ListOperation + Send,
        L::Item: Send,
    {
        let Some(request) = pager.next_request() else {
            return match pager.take_error() {
                Some(err) => Err(err),
                None => Ok(None),
            };
        };
        run.may_read()?;
        let read = self.send_with_meta(request).await?;
        run.record(route, &read.meta);
        Ok(Some(pager.take(Ok(read.value))?.data))
    }
}
