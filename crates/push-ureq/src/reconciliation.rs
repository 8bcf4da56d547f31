//! `client.reconcile(day, options)`: the reads a [`Reconciliation`] asks for, page by page,
//! each counted; the judging is push-core's.

use push_core::{
    Error, GetIntent, GetTransfer, ResponseMeta,
    chrono::{DateTime, NaiveDate, Utc},
    paging::{ListOperation, Pager},
    reconcile::{DayReport, ReconcileOptions, Reconciliation, route},
    transport::BlockingTransport,
};

use crate::Client;

impl<T: BlockingTransport> Client<T> {
    /// Reconciles `day` three ways: every transfer dated that day checked against what it nets,
    /// every approved intent of the window (the day and `options.lookback_days` before it)
    /// netted by exactly one transfer once due, and, with `options.expected`, our records
    /// against Push's intents both ways. Intents are read by listing, a page per read; the
    /// report says how many reads each route took.
    ///
    /// ```no_run
    /// # fn run() -> Result<(), push_ureq::Error> {
    /// use push_ureq::{Client, reconcile::ReconcileOptions};
    /// let client = Client::from_env()?;
    /// let day = "2026-12-03".parse().unwrap();
    /// let report = client.reconcile(day, ReconcileOptions::new().lookback_days(7))?;
    /// println!("{} discrepancies in {} reads", report.discrepancies(), report.reads.total);
    /// # Ok(()) }
    /// ```
    pub fn reconcile(&self, day: NaiveDate, options: ReconcileOptions) -> Result<DayReport, Error> {
        let mut run = Reconciliation::new(day, options)?;
        for (request, for_day) in run.transfer_requests() {
            self.each_page(&mut run, request, route::LIST_TRANSFERS, |run, transfer| {
                run.add_transfer(transfer, for_day)
            })?;
        }
        for id in run.transfers_without_entries() {
            run.may_read()?;
            let read = self.send_with_meta(GetTransfer::new(id)?)?;
            run.record(route::GET_TRANSFER, &read.meta);
            run.replace_transfer(read.value);
        }
        let intents = run.intents_request();
        self.each_page(&mut run, intents, route::LIST_INTENTS, |run, intent| {
            run.add_intent(intent)
        })?;
        for id in run.intents_to_read() {
            run.may_read()?;
            match self.send_with_meta(GetIntent::new(id.as_str())?) {
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
        let transactions = run.transactions_request();
        self.each_page(
            &mut run,
            transactions,
            route::LIST_TRANSACTIONS,
            |run, t| run.add_transaction(&t),
        )?;
        Ok(run.finish(DateTime::<Utc>::from(std::time::SystemTime::now())))
    }

    /// Every page of `request`, each read counted, each item handed to `take`.
    fn each_page<L: ListOperation>(
        &self,
        run: &mut Reconciliation,
        request: L,
        route: &'static str,
        mut take: impl FnMut(&mut Reconciliation, L::Item),
    ) -> Result<(), Error> {
        let mut pager = Pager::new(request);
        while let Some(request) = pager.next_request() {
            run.may_read()?;
            let read = self.send_with_meta(request)?;
            run.record(route, &read.meta);
            let page = pager.take(Ok(read.value))?;
            for item in page.data {
                take(run, item);
            }
        }
        match pager.take_error() {
            Some(err) => Err(err),
            None => Ok(()),
        }
    }
}
