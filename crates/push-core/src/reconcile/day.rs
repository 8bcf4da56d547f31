//! A whole day, three ways: our records, Push's intents, Push's ledger. The pure half of
//! `client.reconcile(day, options)` in both clients.
//!
//! A [`Reconciliation`] says what to read ([`Reconciliation::transfer_requests`],
//! [`Reconciliation::intents_request`], ...), the client reads it page by page and hands each
//! item and each response's [`ResponseMeta`] back, and [`Reconciliation::finish`] judges. So
//! the reads are counted in one place, and the checks are tables in this crate.
//!
//! The cost: intents are read by listing the creation window (`GET /intent/list`, approved
//! only), one read per page, because the settlement check needs every approved intent of the
//! window anyway; only intents outside it (named by the day's transfers or by the caller's
//! records) are read one by one, each once. Transfers are read by listing too, and fetched
//! one by one only when a listing leaves out their entries.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::Serialize;

use super::settlement::{self, IntentSettlement};
use super::{Problem, TransferCheck, check_transfer_on, open_item};
use crate::{
    Currency, Direction, Intent, IntentStatus, ListIntents, ListTransactions, ListTransfers,
    ResponseMeta, Transaction, Transfer, ValidationError,
};

/// The most lookback days a reconciliation takes (a quarter).
pub const MAX_LOOKBACK_DAYS: u32 = 92;

/// The most reads one reconciliation makes: far beyond any real day (10,000 intents cost a few
/// hundred), so a server handing out pages forever ends in an error, not a loop.
pub const MAX_READS: u64 = 200_000;

/// Called after every read with how far a reconciliation got.
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// How to reconcile a day (`ReconcileOptions::default()`: a 7-day lookback, not strict, no
/// records of ours, as of Push's clock).
#[derive(Clone)]
#[non_exhaustive]
pub struct ReconcileOptions {
    /// Days before the reconciled one whose approved intents must have settled.
    pub lookback_days: u32,
    /// A day without transfers though intents were due is a discrepancy, not a warning.
    pub strict: bool,
    /// Our records: every one must be found approved and settled, and every approved intent
    /// of the window must be one of them (`None`: no records, no such check).
    pub expected: Option<Vec<ExpectedPayment>>,
    /// The time settlement is judged at; `None`: the `Date` of Push's answers (the server's
    /// clock decides what is due), else this machine's clock.
    pub as_of: Option<DateTime<Utc>>,
    /// Told after every read (the CLI draws its progress line with it).
    pub progress: Option<ProgressFn>,
}

impl Default for ReconcileOptions {
    fn default() -> Self {
        Self {
            lookback_days: 7,
            strict: false,
            expected: None,
            as_of: None,
            progress: None,
        }
    }
}

impl std::fmt::Debug for ReconcileOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReconcileOptions")
            .field("lookback_days", &self.lookback_days)
            .field("strict", &self.strict)
            .field("expected", &self.expected.as_ref().map(Vec::len))
            .field("as_of", &self.as_of)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl ReconcileOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Days before the reconciled one to check the settlement of (default 7, at most
    /// [`MAX_LOOKBACK_DAYS`]).
    pub fn lookback_days(mut self, days: u32) -> Self {
        self.lookback_days = days;
        self
    }

    /// A day without transfers though intents were due fails (exit 5 in the CLI).
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Our records, checked both ways against Push's intents.
    pub fn expected(mut self, records: Vec<ExpectedPayment>) -> Self {
        self.expected = Some(records);
        self
    }

    /// Judges what is due at `at` rather than at Push's clock.
    pub fn as_of(mut self, at: DateTime<Utc>) -> Self {
        self.as_of = Some(at);
        self
    }

    /// Calls `f` after every read.
    pub fn progress(mut self, f: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(f));
        self
    }
}

/// How far a reconciliation got, after a read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Reads so far.
    pub reads: u64,
    /// What Push says is left of this window's reads (`X-RateLimit-Remaining`), if it says.
    pub reads_left: Option<u64>,
    /// When none are left, how long until the window resets, if Push says.
    pub next_slot_in: Option<Duration>,
}

/// One payment our records say we made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ExpectedPayment {
    /// What we call it (an idempotency key, a tag, an order number).
    pub reference: String,
    /// Push's intent id, when we know it; otherwise matched by amount, direction and currency.
    pub intent_id: Option<String>,
    /// In the currency's smallest unit.
    pub amount: i64,
    /// Cash in or cash out.
    pub direction: Direction,
    /// The currency.
    pub currency: Currency,
}

impl ExpectedPayment {
    /// A payment of `amount` in `direction`, in USD, with no intent id.
    pub fn new(reference: impl Into<String>, amount: i64, direction: Direction) -> Self {
        Self {
            reference: reference.into(),
            intent_id: None,
            amount,
            direction,
            currency: Currency::Usd,
        }
    }

    /// Push's intent id.
    pub fn intent_id(mut self, id: impl Into<String>) -> Self {
        self.intent_id = Some(id.into()).filter(|id: &String| !id.is_empty());
        self
    }

    /// The currency.
    pub fn currency(mut self, currency: Currency) -> Self {
        self.currency = currency;
        self
    }
}

/// What is wrong with one of our records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ExpectedMiss {
    /// The record's reference.
    pub reference: String,
    /// The intent it names or was matched to, if any.
    pub intent_id: Option<String>,
    /// `missing`, `not_approved`, `amount`, `direction`, `currency`, `unsettled` or
    /// `double_settled`.
    pub problem: &'static str,
    /// In words.
    pub detail: String,
}

impl ExpectedMiss {
    /// A finding about the record `reference` (a caller's own check, such as a journal entry
    /// still in doubt).
    pub fn new(
        reference: impl Into<String>,
        intent_id: Option<String>,
        problem: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            reference: reference.into(),
            intent_id,
            problem,
            detail: detail.into(),
        }
    }
}

/// An approved intent at Push in the window that none of our records names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct UnknownIntent {
    /// The intent.
    pub intent: String,
    /// Its amount.
    pub amount: i64,
    /// Its direction.
    pub direction: String,
    /// Its user.
    pub user_id: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// A transaction of the day that is still open (see [`open_item`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct OpenItem {
    /// The transaction.
    pub transaction: String,
    /// Why it is open.
    pub reason: String,
    /// Its signed amount.
    pub amount: i64,
    /// Its account.
    pub account_id: Option<String>,
    /// What it came from.
    pub source_id: Option<String>,
}

/// The reads a reconciliation made, by route.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Reads {
    /// Every read.
    pub total: u64,
    /// By route (`GET /intent/list`, ...).
    pub by_route: BTreeMap<&'static str, u64>,
    /// Intents listed (window, approved).
    pub intents_listed: u64,
    /// Intents read one by one (outside the window).
    pub intents_one_by_one: u64,
    /// Why intents were read the way they were, counted.
    pub choice: String,
}

/// The verdict on a day: `client.reconcile(day, options)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DayReport {
    /// The day reconciled.
    pub date: NaiveDate,
    /// When settlement was judged.
    pub as_of: DateTime<Utc>,
    /// The first day of the window (the day minus the lookback).
    pub window_from: NaiveDate,
    /// The transfers dated the day, each checked.
    pub transfers: Vec<TransferCheck>,
    /// Approved intents due and netted by no transfer.
    pub unsettled: Vec<IntentSettlement>,
    /// Approved intents netted by more than one transfer.
    pub double_settled: Vec<IntentSettlement>,
    /// Approved intents not due yet: open items, never failures.
    pub not_yet_due: Vec<IntentSettlement>,
    /// Approved intents settled exactly once.
    pub settled: usize,
    /// Approved intents of the window that none of our records names (with records only).
    pub unknown_to_us: Vec<UnknownIntent>,
    /// Our records checked (0 without records).
    pub expected_checked: usize,
    /// Our records that were not found approved and settled as written.
    pub expected_problems: Vec<ExpectedMiss>,
    /// The day's transactions still open.
    pub open_items: Vec<OpenItem>,
    /// Findings that fail only under `strict` (a day without transfers though intents were due).
    pub warnings: Vec<String>,
    /// Whether warnings fail.
    pub strict: bool,
    /// The reads made.
    pub reads: Reads,
}

impl DayReport {
    /// How many discrepancies: transfers with problems, unsettled and double-settled intents,
    /// intents unknown to us, records not found as written, and warnings under `strict`.
    pub fn discrepancies(&self) -> usize {
        self.transfers.iter().filter(|c| !c.ok).count()
            + self.unsettled.len()
            + self.double_settled.len()
            + self.unknown_to_us.len()
            + self.expected_problems.len()
            + if self.strict { self.warnings.len() } else { 0 }
    }

    /// No discrepancies (open items and, unless strict, warnings do not count).
    pub fn is_ok(&self) -> bool {
        self.discrepancies() == 0
    }
}

/// The route names [`Reconciliation::record`] counts under.
pub mod route {
    /// `GET /transfer/list`.
    pub const LIST_TRANSFERS: &str = "GET /transfer/list";
    /// `GET /transfer/{id}`.
    pub const GET_TRANSFER: &str = "GET /transfer/{id}";
    /// `GET /intent/list`.
    pub const LIST_INTENTS: &str = "GET /intent/list";
    /// `GET /intent/{id}`.
    pub const GET_INTENT: &str = "GET /intent/{id}";
    /// `GET /transaction/list`.
    pub const LIST_TRANSACTIONS: &str = "GET /transaction/list";
}

/// One day's reconciliation in progress: what to read next, and what was read.
#[derive(Debug)]
pub struct Reconciliation {
    day: NaiveDate,
    options: ReconcileOptions,
    /// Transfers listed for the day, in order.
    day_transfers: Vec<Transfer>,
    /// Other transfers of the schedule's range, by id (they may net the window's intents).
    other_transfers: BTreeMap<String, Transfer>,
    /// Approved intents of the window, and those read one by one.
    intents: Vec<Intent>,
    intent_index: HashMap<String, usize>,
    /// Intents read one by one that Push does not have.
    absent: BTreeSet<String>,
    open_items: Vec<OpenItem>,
    reads: Reads,
    server_time: Option<DateTime<Utc>>,
}

impl Reconciliation {
    /// Starts reconciling `day`; refuses options it cannot honour, naming the field.
    pub fn new(day: NaiveDate, options: ReconcileOptions) -> Result<Self, ValidationError> {
        if options.lookback_days > MAX_LOOKBACK_DAYS {
            return Err(ValidationError::new(
                "lookback_days",
                format!("must be at most {MAX_LOOKBACK_DAYS}"),
            ));
        }
        if day.checked_add_days(chrono::Days::new(3)).is_none()
            || day
                .checked_sub_days(chrono::Days::new(u64::from(options.lookback_days)))
                .is_none()
        {
            return Err(ValidationError::new("date", "is out of range"));
        }
        for (n, record) in options.expected.iter().flatten().enumerate() {
            if record.amount <= 0 {
                return Err(ValidationError::new(
                    "expected.amount",
                    format!(
                        "must be a positive amount in cents (record {} `{}`)",
                        n + 1,
                        record.reference
                    ),
                ));
            }
        }
        Ok(Self {
            day,
            options,
            day_transfers: Vec::new(),
            other_transfers: BTreeMap::new(),
            intents: Vec::new(),
            intent_index: HashMap::new(),
            absent: BTreeSet::new(),
            open_items: Vec::new(),
            reads: Reads::default(),
            server_time: None,
        })
    }

    /// The day reconciled.
    pub fn day(&self) -> NaiveDate {
        self.day
    }

    /// The first day of the window.
    pub fn window_from(&self) -> NaiveDate {
        self.day - TimeDelta::days(i64::from(self.options.lookback_days))
    }

    fn midnight(day: NaiveDate) -> DateTime<Utc> {
        day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
    }

    /// The two transfer listings: the day's own (`true`: checked whole), then every transfer
    /// the schedule allows to net the window's intents, from the window's first day to two
    /// days after the reconciled one (`false`: used for the settlement check).
    pub fn transfer_requests(&self) -> [(ListTransfers, bool); 2] {
        let range = ListTransfers::builder()
            .date_after(self.window_from())
            .date_before(self.day + TimeDelta::days(2))
            .build()
            .unwrap_or_default();
        [(ListTransfers::on(self.day), true), (range, false)]
    }

    /// Takes a listed transfer (`for_day`: from the day's own listing).
    pub fn add_transfer(&mut self, transfer: Transfer, for_day: bool) {
        if for_day {
            self.other_transfers.remove(transfer.id.as_str());
            self.day_transfers.push(transfer);
        } else if !self.day_transfers.iter().any(|t| t.id == transfer.id) {
            self.other_transfers
                .insert(transfer.id.to_string(), transfer);
        }
    }

    /// Transfers listed without their entries: read each with `GET /transfer/{id}` and hand
    /// it to [`Reconciliation::replace_transfer`].
    pub fn transfers_without_entries(&self) -> Vec<String> {
        self.day_transfers
            .iter()
            .chain(self.other_transfers.values())
            .filter(|t| t.transactions.is_empty())
            .map(|t| t.id.to_string())
            .collect()
    }

    /// A transfer read whole, in place of its listed summary.
    pub fn replace_transfer(&mut self, transfer: Transfer) {
        if let Some(slot) = self.day_transfers.iter_mut().find(|t| t.id == transfer.id) {
            *slot = transfer;
        } else {
            self.other_transfers
                .insert(transfer.id.to_string(), transfer);
        }
    }

    /// The approved intents created in the window: from the window's first day (a millisecond
    /// before: `created_at.after` may be exclusive) to the end of the reconciled day.
    pub fn intents_request(&self) -> ListIntents {
        ListIntents::builder()
            .status(IntentStatus::Approved)
            .created_after(Self::midnight(self.window_from()) - TimeDelta::milliseconds(1))
            .created_before(Self::midnight(self.day + TimeDelta::days(1)))
            .build()
            .unwrap_or_default()
    }

    /// Takes a listed intent.
    pub fn add_intent(&mut self, intent: Intent) {
        self.reads.intents_listed += 1;
        self.insert_intent(intent);
    }

    fn insert_intent(&mut self, intent: Intent) {
        let id = intent.id.to_string();
        match self.intent_index.get(&id) {
            Some(&at) => self.intents[at] = intent,
            None => {
                self.intent_index.insert(id, self.intents.len());
                self.intents.push(intent);
            }
        }
    }

    /// Intents to read one by one: named by the day's transfers or by our records, and not
    /// listed in the window. Each is read once.
    pub fn intents_to_read(&self) -> Vec<String> {
        let mut wanted = BTreeSet::new();
        for transfer in &self.day_transfers {
            for transaction in transfer.netted() {
                if let Some(source) = transaction
                    .source_id
                    .as_deref()
                    .filter(|s| s.starts_with("intent_"))
                {
                    wanted.insert(source.to_owned());
                }
            }
        }
        for record in self.options.expected.iter().flatten() {
            if let Some(id) = &record.intent_id {
                wanted.insert(id.clone());
            }
        }
        wanted
            .into_iter()
            .filter(|id| !self.intent_index.contains_key(id) && !self.absent.contains(id))
            .collect()
    }

    /// An intent read one by one: `None` when Push answered 404.
    pub fn add_read_intent(&mut self, id: &str, intent: Option<Intent>) {
        self.reads.intents_one_by_one += 1;
        match intent {
            Some(intent) => self.insert_intent(intent),
            None => {
                self.absent.insert(id.to_owned());
            }
        }
    }

    /// The day's transactions (by UTC creation day), for its open items.
    pub fn transactions_request(&self) -> ListTransactions {
        ListTransactions::builder()
            .created_after(Self::midnight(self.day) - TimeDelta::milliseconds(1))
            .created_before(Self::midnight(self.day + TimeDelta::days(1)))
            .build()
            .unwrap_or_default()
    }

    /// Takes a listed transaction of the day.
    pub fn add_transaction(&mut self, transaction: &Transaction) {
        if transaction.created_at.date_naive() != self.day {
            return;
        }
        if let Some(reason) = open_item(transaction) {
            self.open_items.push(OpenItem {
                transaction: transaction.id.to_string(),
                reason,
                amount: transaction.amount,
                account_id: transaction.account_id.as_ref().map(|a| a.to_string()),
                source_id: transaction.source_id.clone(),
            });
        }
    }

    /// Whether another read may be made ([`MAX_READS`]); the error to return when not.
    pub fn may_read(&self) -> Result<(), crate::Error> {
        if self.reads.total >= MAX_READS {
            return Err(crate::Error::Pagination(
                crate::PaginationError::TooManyReads { limit: MAX_READS },
            ));
        }
        Ok(())
    }

    /// Counts one read on `route` and what its answer said (Push's clock, reads left); tells
    /// the progress callback.
    pub fn record(&mut self, route: &'static str, meta: &ResponseMeta) {
        self.reads.total += 1;
        *self.reads.by_route.entry(route).or_default() += 1;
        if let Some(date) = meta
            .headers
            .get(http::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok())
        {
            let date: DateTime<Utc> = date.into();
            self.server_time = Some(self.server_time.map_or(date, |t| t.max(date)));
        }
        if let Some(progress) = &self.options.progress {
            let reads_left = meta.rate_limit.remaining;
            let next_slot_in = (reads_left == Some(0))
                .then(|| crate::retry::parse_retry_after(&meta.headers))
                .flatten();
            progress(&Progress {
                reads: self.reads.total,
                reads_left,
                next_slot_in,
            });
        }
    }

    /// Reads made so far.
    pub fn reads(&self) -> &Reads {
        &self.reads
    }

    /// Judges what was read; `clock` is this machine's time, used only when neither the
    /// options nor Push's answers gave one (the core reads no clock).
    pub fn finish(mut self, clock: DateTime<Utc>) -> DayReport {
        let as_of = self.options.as_of.or(self.server_time).unwrap_or(clock);
        let (intents, index) = (&self.intents, &self.intent_index);
        let absent = &self.absent;
        let lookup = |id: &str| -> Result<Option<Intent>, std::convert::Infallible> {
            Ok(index
                .get(id)
                .map(|&at| intents[at].clone())
                .filter(|_| !absent.contains(id)))
        };
        let transfers: Vec<TransferCheck> = self
            .day_transfers
            .iter()
            .map(|t| match check_transfer_on(t, Some(self.day), lookup) {
                Ok(check) => check,
                Err(never) => match never {},
            })
            .collect();

        // The other direction, over the window's approved intents.
        let window_start = Self::midnight(self.window_from());
        let window_end = Self::midnight(self.day + TimeDelta::days(1));
        let in_window = |i: &&Intent| {
            i.status == IntentStatus::Approved
                && i.created_at >= window_start
                && i.created_at < window_end
        };
        let all_transfers: Vec<&Transfer> = self
            .day_transfers
            .iter()
            .chain(self.other_transfers.values())
            .collect();
        let check = settlement::check_settlement(
            self.intents.iter().filter(in_window),
            all_transfers.iter().copied(),
            as_of,
        );

        let mut warnings = Vec::new();
        if self.day_transfers.is_empty() {
            let due = self
                .intents
                .iter()
                .filter(in_window)
                .filter(|i| {
                    settlement::may_net(i.created_at, self.day)
                        && as_of >= settlement::settles_by(i.created_at)
                })
                .count();
            if due > 0 {
                warnings.push(format!(
                    "no transfers dated {} though {due} approved intents old enough to have \
                     settled could be netted that day",
                    self.day
                ));
            }
        }

        // Our records, both ways.
        let (mut expected_problems, mut unknown_to_us, mut expected_checked) =
            (Vec::new(), Vec::new(), 0);
        if let Some(records) = self.options.expected.take() {
            expected_checked = records.len();
            let mut claimed: BTreeSet<&str> = BTreeSet::new();
            // Records naming their intent claim it first; the rest match by amount.
            let mut order: Vec<&ExpectedPayment> = records.iter().collect();
            order.sort_by_key(|r| r.intent_id.is_none());
            for record in order {
                let found = match &record.intent_id {
                    Some(id) => index
                        .get(id.as_str())
                        .map(|&at| &intents[at])
                        .filter(|_| !absent.contains(id)),
                    None => intents.iter().filter(in_window).find(|i| {
                        !claimed.contains(i.id.as_str())
                            && i.amount == record.amount
                            && i.direction == record.direction
                            && i.currency == record.currency
                    }),
                };
                let Some(intent) = found else {
                    expected_problems.push(ExpectedMiss {
                        reference: record.reference.clone(),
                        intent_id: record.intent_id.clone(),
                        problem: "missing",
                        detail: match &record.intent_id {
                            Some(id) => format!("intent {id} does not exist at Push"),
                            None => format!(
                                "no approved intent of {} {} in the window",
                                record.amount,
                                record.direction.as_str()
                            ),
                        },
                    });
                    continue;
                };
                claimed.insert(intent.id.as_str());
                if let Some(miss) = record_problem(record, intent, &check) {
                    expected_problems.push(miss);
                }
            }
            unknown_to_us = intents
                .iter()
                .filter(in_window)
                .filter(|i| !claimed.contains(i.id.as_str()))
                .map(|i| UnknownIntent {
                    intent: i.id.to_string(),
                    amount: i.amount,
                    direction: i.direction.as_str().to_owned(),
                    user_id: i.user_id.to_string(),
                    created_at: i.created_at,
                })
                .collect();
        }

        let mut reads = self.reads;
        reads.choice = format!(
            "intents listed: {} in {} pages of GET /intent/list (one by one they would cost {} \
             reads); {} outside the window read one by one",
            reads.intents_listed,
            reads
                .by_route
                .get(route::LIST_INTENTS)
                .copied()
                .unwrap_or(0),
            reads.intents_listed,
            reads.intents_one_by_one
        );
        DayReport {
            date: self.day,
            as_of,
            window_from: self.day - TimeDelta::days(i64::from(self.options.lookback_days)),
            transfers,
            unsettled: check.unsettled,
            double_settled: check.double_settled,
            not_yet_due: check.not_yet_due,
            settled: check.settled,
            unknown_to_us,
            expected_checked,
            expected_problems,
            open_items: self.open_items,
            warnings,
            strict: self.options.strict,
            reads,
        }
    }
}

/// What is wrong between one of our records and the intent it was found as.
fn record_problem(
    record: &ExpectedPayment,
    intent: &Intent,
    check: &settlement::SettlementCheck,
) -> Option<ExpectedMiss> {
    let miss = |problem, detail| {
        Some(ExpectedMiss {
            reference: record.reference.clone(),
            intent_id: Some(intent.id.to_string()),
            problem,
            detail,
        })
    };
    if intent.status != IntentStatus::Approved {
        return miss(
            "not_approved",
            format!("intent {} is {}", intent.id, intent.status.as_str()),
        );
    }
    if intent.amount != record.amount {
        return miss(
            "amount",
            format!(
                "intent {} is {}, our record says {}",
                intent.id, intent.amount, record.amount
            ),
        );
    }
    if intent.direction != record.direction {
        return miss(
            "direction",
            format!(
                "intent {} is {}, our record says {}",
                intent.id,
                intent.direction.as_str(),
                record.direction.as_str()
            ),
        );
    }
    if intent.currency != record.currency {
        return miss(
            "currency",
            format!(
                "intent {} is in {}, our record says {}",
                intent.id,
                intent.currency.as_str(),
                record.currency.as_str()
            ),
        );
    }
    let named = |items: &[IntentSettlement]| items.iter().any(|s| s.intent == intent.id.as_str());
    if named(&check.unsettled) {
        return miss(
            "unsettled",
            format!("intent {} is due and netted by no transfer", intent.id),
        );
    }
    if named(&check.double_settled) {
        return miss(
            "double_settled",
            format!("intent {} is netted by more than one transfer", intent.id),
        );
    }
    None
}

impl Problem {
    /// The problem's kind, as the JSON report and the CSV name it.
    pub fn kind(&self) -> &'static str {
        match self {
            Problem::UnknownDirection(_) => "unknown_direction",
            Problem::OwnEntry { .. } => "own_entry",
            Problem::OwnEntries { .. } => "two_own_entries",
            Problem::Sum { .. } => "sum",
            Problem::DoubleNetted { .. } => "double_netted",
            Problem::Currency { .. } => "wrong_currency",
            Problem::WrongDate { .. } => "wrong_date",
            Problem::MissingIntent { .. } => "missing_intent",
            Problem::NotApproved { .. } => "not_approved",
            Problem::IntentAmount { .. } => "intent_amount",
            Problem::Direction { .. } => "direction",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderMap, HeaderValue, StatusCode};

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    const D: &str = "2026-12-02";

    fn day() -> NaiveDate {
        D.parse().unwrap()
    }

    fn intent(id: &str, created: &str, amount: i64, direction: &str) -> Intent {
        Intent::from_json(
            serde_json::json!({
                "id": id, "created_at": created, "direction": direction, "user_id": "user_1",
                "amount": amount, "currency": "USD", "status": "approved",
            })
            .to_string(),
        )
        .unwrap()
    }

    /// A transfer dated `date` netting `(intent, signed amount)`, with its own entry.
    fn transfer(id: &str, date: &str, nets: &[(&str, i64)]) -> Transfer {
        let net: i64 = nets.iter().map(|(_, a)| a).sum();
        let mut transactions: Vec<_> = nets
            .iter()
            .enumerate()
            .map(|(n, (source, amount))| {
                serde_json::json!({
                    "id": format!("txn_{id}_{n}"), "amount": amount, "currency": "USD",
                    "created_at": format!("{date}T12:00:00Z"), "type": "intent",
                    "source_id": source, "status": "settled",
                })
            })
            .collect();
        transactions.push(serde_json::json!({
            "id": format!("txn_{id}_own"), "amount": -net, "currency": "USD",
            "created_at": format!("{date}T23:59:59Z"), "type": "transfer",
            "source_id": id, "status": "settled",
        }));
        Transfer::from_json(
            serde_json::json!({
                "id": id, "amount": net.abs(), "currency": "USD",
                "direction": if net < 0 { "debit" } else { "credit" },
                "created_at": format!("{date}T23:59:59Z"), "date": date,
                "transactions": transactions,
            })
            .to_string(),
        )
        .unwrap()
    }

    /// The day: A and B netted by the day's transfer, C (two days before) netted by nothing,
    /// E made after the day's 4 PM ET cut-off (not due the next evening).
    fn window() -> Vec<Intent> {
        vec![
            intent("intent_a", "2026-12-02T10:00:00Z", 1000, "cash_in"),
            intent("intent_b", "2026-12-02T11:00:00Z", 300, "cash_out"),
            intent("intent_c", "2026-11-30T10:00:00Z", 500, "cash_in"),
            intent("intent_e", "2026-12-02T23:00:00Z", 700, "cash_in"),
        ]
    }

    fn run(options: ReconcileOptions, transfers: &[Transfer]) -> DayReport {
        let mut run = Reconciliation::new(day(), options).unwrap();
        for transfer in transfers {
            let for_day = transfer.date == Some(day());
            run.add_transfer(transfer.clone(), for_day);
            // The range listing repeats the day's own: kept once.
            run.add_transfer(transfer.clone(), false);
        }
        for intent in window() {
            run.add_intent(intent);
        }
        run.finish(at("2026-12-03T22:00:00Z"))
    }

    fn ids(items: &[IntentSettlement]) -> Vec<&str> {
        items.iter().map(|i| i.intent.as_str()).collect()
    }

    #[test]
    fn the_other_direction_finds_what_no_transfer_nets() {
        let paid = transfer("transfer_d", D, &[("intent_a", 1000), ("intent_b", -300)]);
        let report = run(ReconcileOptions::new(), &[paid]);
        assert_eq!(report.transfers.len(), 1);
        assert!(report.transfers[0].ok, "{:?}", report.transfers[0]);
        assert_eq!(report.settled, 2);
        assert_eq!(ids(&report.unsettled), ["intent_c"]);
        assert_eq!(ids(&report.not_yet_due), ["intent_e"]);
        assert!(report.double_settled.is_empty());
        assert_eq!(report.discrepancies(), 1);
        assert!(!report.is_ok());
        assert_eq!(
            report.window_from,
            "2026-11-25".parse::<NaiveDate>().unwrap()
        );
    }

    #[test]
    fn an_intent_in_two_transfers_is_double_settled() {
        let report = run(
            ReconcileOptions::new(),
            &[
                transfer("transfer_d", D, &[("intent_a", 1000), ("intent_b", -300)]),
                transfer(
                    "transfer_c",
                    "2026-11-30",
                    &[("intent_c", 500), ("intent_a", 1000)],
                ),
            ],
        );
        assert_eq!(ids(&report.double_settled), ["intent_a"]);
        assert_eq!(
            report.double_settled[0].transfers,
            ["transfer_c", "transfer_d"]
        );
        assert!(report.unsettled.is_empty());
        // Only the day's own transfer is checked whole.
        assert_eq!(report.transfers.len(), 1);
    }

    #[test]
    fn a_day_without_transfers_warns_and_fails_when_strict() {
        let report = run(ReconcileOptions::new(), &[]);
        assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
        assert!(report.warnings[0].contains("no transfers dated 2026-12-02"));
        // A and B are unsettled (a discrepancy either way); the warning counts when strict.
        assert_eq!(report.discrepancies(), 3);
        let strict = run(ReconcileOptions::new().strict(true), &[]);
        assert_eq!(strict.discrepancies(), 4);
        // Before anything was due: no warning.
        let mut early = Reconciliation::new(day(), ReconcileOptions::new()).unwrap();
        early.add_intent(intent("intent_a", "2026-12-02T10:00:00Z", 1000, "cash_in"));
        let early = early.finish(at("2026-12-02T12:00:00Z"));
        assert!(early.warnings.is_empty());
        assert!(early.is_ok());
    }

    #[test]
    fn our_records_both_ways() {
        let paid = transfer("transfer_d", D, &[("intent_a", 1000), ("intent_b", -300)]);
        // (records, problems by (reference, kind), intents unknown to us)
        type Case = (
            Vec<ExpectedPayment>,
            Vec<(&'static str, &'static str)>,
            Vec<&'static str>,
        );
        let table: Vec<Case> = vec![
            (
                vec![
                    ExpectedPayment::new("order-a", 1000, Direction::CashIn).intent_id("intent_a"),
                    ExpectedPayment::new("order-b", 300, Direction::CashOut),
                    ExpectedPayment::new("order-e", 700, Direction::CashIn).intent_id("intent_e"),
                ],
                vec![],
                vec!["intent_c"],
            ),
            (
                vec![
                    ExpectedPayment::new("order-a", 999, Direction::CashIn).intent_id("intent_a"),
                    ExpectedPayment::new("order-b", 300, Direction::CashIn),
                    ExpectedPayment::new("order-c", 500, Direction::CashIn).intent_id("intent_c"),
                    ExpectedPayment::new("order-x", 1, Direction::CashIn).intent_id("intent_x"),
                    ExpectedPayment::new("order-e", 700, Direction::CashOut).intent_id("intent_e"),
                ],
                vec![
                    ("order-a", "amount"),
                    ("order-c", "unsettled"),
                    ("order-x", "missing"),
                    ("order-e", "direction"),
                    ("order-b", "missing"),
                ],
                vec!["intent_b"],
            ),
        ];
        for (records, problems, unknown) in table {
            let report = run(
                ReconcileOptions::new().expected(records.clone()),
                std::slice::from_ref(&paid),
            );
            let got: Vec<_> = report
                .expected_problems
                .iter()
                .map(|m| (m.reference.as_str(), m.problem))
                .collect();
            assert_eq!(got, problems, "{records:?}");
            let got: Vec<_> = report
                .unknown_to_us
                .iter()
                .map(|u| u.intent.as_str())
                .collect();
            assert_eq!(got, unknown, "{records:?}");
            assert_eq!(report.expected_checked, records.len());
        }
    }

    #[test]
    fn intents_outside_the_window_are_read_once_each() {
        let old = transfer("transfer_d", D, &[("intent_a", 1000), ("intent_old", 50)]);
        let mut run = Reconciliation::new(
            day(),
            ReconcileOptions::new().expected(vec![
                ExpectedPayment::new("r", 5, Direction::CashIn).intent_id("intent_z"),
            ]),
        )
        .unwrap();
        run.add_transfer(old, true);
        run.add_intent(intent("intent_a", "2026-12-02T10:00:00Z", 1000, "cash_in"));
        assert_eq!(run.intents_to_read(), ["intent_old", "intent_z"]);
        run.add_read_intent("intent_old", None);
        run.add_read_intent(
            "intent_z",
            Some(intent("intent_z", "2026-10-01T10:00:00Z", 5, "cash_in")),
        );
        assert!(run.intents_to_read().is_empty());
        let report = run.finish(at("2026-12-03T22:00:00Z"));
        assert_eq!(report.transfers[0].problems.len(), 1);
        assert_eq!(report.transfers[0].problems[0].kind(), "missing_intent");
        assert_eq!(report.reads.intents_listed, 1);
        assert_eq!(report.reads.intents_one_by_one, 2);
        // An old intent of ours is not part of the window's checks; the window's own intent
        // that no record names is unknown to us.
        assert!(
            report.expected_problems.is_empty(),
            "{:?}",
            report.expected_problems
        );
        let unknown: Vec<_> = report
            .unknown_to_us
            .iter()
            .map(|u| u.intent.as_str())
            .collect();
        assert_eq!(unknown, ["intent_a"]);
    }

    #[test]
    fn reads_are_counted_by_route_and_push_s_clock_decides_what_is_due() {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = seen.clone();
        let mut run = Reconciliation::new(
            day(),
            ReconcileOptions::new().progress(move |p| sink.lock().unwrap().push(p.clone())),
        )
        .unwrap();
        run.add_intent(intent("intent_a", "2026-12-02T10:00:00Z", 1000, "cash_in"));
        let mut headers = HeaderMap::new();
        headers.insert(
            "date",
            HeaderValue::from_static("Sat, 05 Dec 2026 12:00:00 GMT"),
        );
        headers.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        headers.insert("x-ratelimit-reset", HeaderValue::from_static("30"));
        let meta = ResponseMeta::from_head(StatusCode::OK, headers, 1);
        run.record(route::LIST_INTENTS, &meta);
        run.record(
            route::LIST_INTENTS,
            &ResponseMeta::from_head(StatusCode::OK, HeaderMap::new(), 1),
        );
        run.record(
            route::GET_INTENT,
            &ResponseMeta::from_head(StatusCode::OK, HeaderMap::new(), 1),
        );
        // This machine's clock says nothing is due; Push's says the 12-02 intent is.
        let report = run.finish(at("2026-12-02T12:00:00Z"));
        assert_eq!(report.as_of, at("2026-12-05T12:00:00Z"));
        assert_eq!(ids(&report.unsettled), ["intent_a"]);
        assert_eq!(report.reads.total, 3);
        assert_eq!(report.reads.by_route[route::LIST_INTENTS], 2);
        assert_eq!(report.reads.by_route[route::GET_INTENT], 1);
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 3);
        assert_eq!(seen[0].reads_left, Some(0));
        assert_eq!(seen[0].next_slot_in, Some(Duration::from_secs(30)));
        assert_eq!(seen[2].reads, 3);
    }

    #[test]
    fn options_it_cannot_honour_are_refused_by_name() {
        let err =
            Reconciliation::new(day(), ReconcileOptions::new().lookback_days(93)).unwrap_err();
        assert_eq!(err.field(), "lookback_days");
        let err = Reconciliation::new(
            day(),
            ReconcileOptions::new().expected(vec![ExpectedPayment::new("r", 0, Direction::CashIn)]),
        )
        .unwrap_err();
        assert_eq!(err.field(), "expected.amount");
        assert!(err.to_string().contains("record 1 `r`"), "{err}");
        let err = Reconciliation::new(NaiveDate::MAX, ReconcileOptions::new()).unwrap_err();
        assert_eq!(err.field(), "date");
    }
}
