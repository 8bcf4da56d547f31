//! The settlement model and the ledger routes: `GET /account/list`, `GET /account/{id}`,
//! `GET /transaction/list`, `GET /transaction/{id}`, `GET /transfer/list`, `GET /transfer/{id}`.
//!
//! Every approved intent, refund and dispute posts one `pending` transaction (signed: a credit
//! to the operator is positive) on its account, dated the day it was made on the emulator's
//! clock. At the daily cut-off (midnight UTC here; Push's is 4 PM ET) each account's pending
//! transactions of each past day are netted into one transfer dated that day: the transfer
//! lists them and its own `transfer`-type entry (the negated net, as Push's example shows), and
//! they become `settled`. So a transfer's signed amount is exactly the sum of what it nets, and
//! an account's balance (the sum of its entries) is what is still pending.
//!
//! Where the pages are silent the emulator reads them so: a refund posts a transaction of type
//! `intent` on the intent's account with the opposite sign, `source_id` the refund; a dispute
//! posts a debit of type `intent` on the dispute account when opened and a credit when won,
//! `source_id` the dispute.

use std::collections::BTreeMap;

use bytes::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
use http::StatusCode;
use serde_json::{Value, json};

use super::{
    listing::Window,
    request::{Reply, error, invalid, segment},
    state::{State, suffix, timestamp},
};

/// The organisation's main settlement account: intents settle here unless they name another.
pub(super) const SETTLEMENT_ACCOUNT: &str = "account_WsELzpJOvU6fNafvzWbF6K";
/// Where disputes are booked.
pub(super) const DISPUTE_ACCOUNT: &str = "account_dispute_9rTqLmW2xVbN4cZ8kJ";

/// A settlement or dispute account.
#[derive(Debug, Clone)]
pub(super) struct AccountRecord {
    pub(super) id: String,
    pub(super) kind: &'static str,
    pub(super) name: String,
    pub(super) created_at: DateTime<Utc>,
}

/// One ledger entry.
#[derive(Debug, Clone)]
pub(super) struct TransactionRecord {
    pub(super) id: String,
    pub(super) amount: i64,
    pub(super) created_at: DateTime<Utc>,
    pub(super) date: NaiveDate,
    pub(super) batch: Option<String>,
    pub(super) account_id: String,
    pub(super) kind: &'static str,
    pub(super) source_id: Option<String>,
    pub(super) status: &'static str,
    /// Always USD, unless a `wrong_currency` discrepancy was injected.
    pub(super) currency: &'static str,
    /// Left out of every transfer (an `unsettled` discrepancy): stays pending for good.
    pub(super) held: bool,
}

impl TransactionRecord {
    pub(super) fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "amount": self.amount,
            "direction": if self.amount < 0 { "debit" } else { "credit" },
            "currency": self.currency,
            "created_at": timestamp(self.created_at),
            "date": self.date.format("%Y-%m-%d").to_string(),
            "batch": self.batch,
            "account_id": self.account_id,
            "type": self.kind,
            "source_id": self.source_id,
            "status": self.status,
        })
    }
}

/// One daily transfer: indexes into `State::transactions`, its own entry last.
#[derive(Debug, Clone)]
pub(super) struct TransferRecord {
    pub(super) id: String,
    /// What the transfer says it moves, signed; equal to the net unless a discrepancy was
    /// injected.
    pub(super) signed_amount: i64,
    pub(super) created_at: DateTime<Utc>,
    pub(super) date: NaiveDate,
    /// The date its JSON says: `date`, unless a `wrong_date` discrepancy was injected (it is
    /// still listed under `date`).
    pub(super) reported_date: NaiveDate,
    pub(super) account: usize,
    pub(super) transactions: Vec<usize>,
}

/// A deliberate error for reconciliation to find, injected through the controls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Discrepancy {
    /// The next transfer reports an amount off by this many cents from what it nets.
    TransferAmount(i64),
    /// The next intent transaction posts an amount off by this many cents from the intent.
    IntentAmount(i64),
    /// The next transfer nets one of its intents twice (a second entry, same amount: the sum
    /// still adds up).
    DoubleNetted,
    /// The next transfer lists two entries for itself.
    TwoOwnEntries,
    /// One entry of the next transfer is in EUR.
    WrongCurrency,
    /// The next transfer is listed under its day but dated the day after.
    WrongDate,
    /// The next cut-off leaves one approved intent out of every transfer, for good: Push never
    /// paying it.
    Unsettled,
    /// An approved intent appears at once that nobody's records name (made outside this
    /// integration): `inject_discrepancy` returns its id.
    UnknownIntent,
}

impl State {
    /// The account `id`, created as a settlement account the first time an intent names it.
    pub(super) fn account_index(&mut self, id: &str) -> usize {
        if let Some(&index) = self.accounts_by_id.get(id) {
            return index;
        }
        let (kind, name) = match id {
            DISPUTE_ACCOUNT => ("dispute", "Dispute Account".to_owned()),
            SETTLEMENT_ACCOUNT => ("settlement", "Settlement Account".to_owned()),
            _ => (
                "settlement",
                format!("Settlement Account {}", self.accounts.len() + 1),
            ),
        };
        let created_at = self.next_created_at();
        self.accounts.push(AccountRecord {
            id: id.to_owned(),
            kind,
            name,
            created_at,
        });
        self.accounts_by_id
            .insert(id.to_owned(), self.accounts.len() - 1);
        self.accounts.len() - 1
    }

    /// Posts a pending transaction; returns its index.
    pub(super) fn post(&mut self, account_id: &str, amount: i64, source_id: &str) -> usize {
        self.account_index(account_id);
        let created_at = self.next_created_at();
        let index = self.transactions.len();
        let id = format!("txn_{}", suffix(index as u64 + 3_000_000));
        self.transactions_by_id.insert(id.clone(), index);
        self.transactions_by_source
            .entry(source_id.to_owned())
            .or_default()
            .push(index);
        self.transactions.push(TransactionRecord {
            id,
            amount,
            created_at,
            date: created_at.date_naive(),
            batch: None,
            account_id: account_id.to_owned(),
            kind: "intent",
            source_id: Some(source_id.to_owned()),
            status: "pending",
            currency: "USD",
            held: false,
        });
        index
    }

    /// Queues a discrepancy for the next cut-off, or makes it at once (`UnknownIntent`, whose
    /// id it returns).
    pub(super) fn inject(&mut self, discrepancy: Discrepancy) -> Option<String> {
        if discrepancy != Discrepancy::UnknownIntent {
            self.discrepancies.push(discrepancy);
            return None;
        }
        let index = self.insert_intent(super::state::NewIntent {
            amount: 4_242,
            direction: "cash_in",
            user_id: "user_unknown_to_you".to_owned(),
            status: "approved",
            idempotency_key: None,
            decline_category: None,
            manual: false,
            account_id: None,
            refund_declines: false,
        });
        self.post_intent(index);
        Some(self.intents[index].id.clone())
    }

    /// Takes the first queued discrepancy equal to `kind`, if any.
    fn take(&mut self, kind: Discrepancy) -> bool {
        match self.discrepancies.iter().position(|d| *d == kind) {
            Some(at) => {
                self.discrepancies.remove(at);
                true
            }
            None => false,
        }
    }

    /// The ledger entry of an intent that was just approved: a credit for `cash_in`, a debit for
    /// `cash_out`, on the intent's account.
    pub(super) fn post_intent(&mut self, index: usize) {
        let intent = &self.intents[index];
        let mut amount = if intent.direction == "cash_out" {
            -intent.amount
        } else {
            intent.amount
        };
        let (account, id) = (intent.account_id.clone(), intent.id.clone());
        if let Some(at) = self
            .discrepancies
            .iter()
            .position(|d| matches!(d, Discrepancy::IntentAmount(_)))
            && let Discrepancy::IntentAmount(delta) = self.discrepancies.remove(at)
        {
            amount = amount.saturating_add(delta);
        }
        self.post(&account, amount, &id);
    }

    /// The daily cut-off: nets every pending transaction dated before today (on the emulator's
    /// clock) into one transfer per account and day. Returns how many transfers it made.
    pub(super) fn settle(&mut self) -> usize {
        let today = self.now().date_naive();
        // Entries are dated the day they are posted, so nothing can be due before the day
        // changes: every request but the first of a day skips the scan.
        if today <= self.settled_through {
            return 0;
        }
        self.settled_through = today;
        let mut groups: BTreeMap<(NaiveDate, usize), Vec<usize>> = BTreeMap::new();
        for (index, txn) in self.transactions.iter().enumerate() {
            if txn.status == "pending" && !txn.held && txn.date < today {
                let account = self.accounts_by_id.get(&txn.account_id).copied();
                // Every posted transaction's account exists (`post` creates it).
                if let Some(account) = account {
                    groups.entry((txn.date, account)).or_default().push(index);
                }
            }
        }
        // Push never paying one intent: its entry is held out of every transfer.
        if self.take(Discrepancy::Unsettled)
            && let Some(members) = groups.values_mut().find(|m| {
                m.iter().any(|&i| {
                    self.transactions[i]
                        .source_id
                        .as_deref()
                        .is_some_and(|s| s.starts_with("intent_"))
                })
            })
            && let Some(at) = members.iter().position(|&i| {
                self.transactions[i]
                    .source_id
                    .as_deref()
                    .is_some_and(|s| s.starts_with("intent_"))
            })
        {
            let held = members.remove(at);
            self.transactions[held].held = true;
        }
        groups.retain(|_, members| !members.is_empty());
        let made = groups.len();
        for ((date, account), mut members) in groups {
            // A second posting of one intent, netted too: Push paying it twice.
            if self.take(Discrepancy::DoubleNetted)
                && let Some(&first) = members.iter().find(|&&i| {
                    self.transactions[i]
                        .source_id
                        .as_deref()
                        .is_some_and(|s| s.starts_with("intent_"))
                })
            {
                let (account_id, amount, source) = {
                    let t = &self.transactions[first];
                    (
                        t.account_id.clone(),
                        t.amount,
                        t.source_id.clone().unwrap_or_default(),
                    )
                };
                let again = self.post(&account_id, amount, &source);
                self.transactions[again].date = date;
                members.push(again);
            }
            if self.take(Discrepancy::WrongCurrency)
                && let Some(&first) = members.first()
            {
                self.transactions[first].currency = "EUR";
            }
            self.transfers_made += 1;
            let seq = self.transfers_made;
            let id = format!("transfer_{}", suffix(seq + 4_000_000));
            let batch = (39_400 + seq).to_string();
            let net: i64 = members.iter().fold(0i64, |sum, &i| {
                sum.saturating_add(self.transactions[i].amount)
            });
            for &i in &members {
                self.transactions[i].status = "settled";
                self.transactions[i].batch = Some(batch.clone());
            }
            let mut signed_amount = net;
            if let Some(at) = self
                .discrepancies
                .iter()
                .position(|d| matches!(d, Discrepancy::TransferAmount(_)))
                && let Discrepancy::TransferAmount(delta) = self.discrepancies.remove(at)
            {
                signed_amount = signed_amount.saturating_add(delta);
            }
            let account_id = self.accounts[account].id.clone();
            let own = self.post(&account_id, net.saturating_neg(), &id);
            let entry = &mut self.transactions[own];
            entry.kind = "transfer";
            entry.status = "settled";
            entry.date = date;
            entry.batch = Some(batch);
            let created_at = entry.created_at;
            let mut transactions = members;
            transactions.push(own);
            if self.take(Discrepancy::TwoOwnEntries) {
                let second = self.post(&account_id, net.saturating_neg(), &id);
                let entry = &mut self.transactions[second];
                entry.kind = "transfer";
                entry.status = "settled";
                entry.date = date;
                transactions.push(second);
            }
            let reported_date = if self.take(Discrepancy::WrongDate) {
                date.succ_opt().unwrap_or(date)
            } else {
                date
            };
            self.transfers_by_id
                .insert(id.clone(), self.transfers.len());
            self.transfers.push(TransferRecord {
                id,
                signed_amount,
                created_at,
                date,
                reported_date,
                account,
                transactions,
            });
        }
        made
    }

    /// The balance of an account: the sum of its entries, which is what is still pending.
    fn balance(&self, account_id: &str) -> i64 {
        self.transactions
            .iter()
            .filter(|t| t.account_id == account_id)
            .fold(0i64, |sum, t| sum.saturating_add(t.amount))
    }

    fn account_json(&self, index: usize) -> Value {
        let account = &self.accounts[index];
        json!({
            "id": account.id,
            "type": account.kind,
            "name": account.name,
            "balance": self.balance(&account.id),
            "created_at": timestamp(account.created_at),
        })
    }

    fn transfer_json(&self, transfer: &TransferRecord) -> Value {
        let account = &self.accounts[transfer.account];
        json!({
            "id": transfer.id,
            "amount": transfer.signed_amount.saturating_abs(),
            "currency": "USD",
            "direction": if transfer.signed_amount < 0 { "debit" } else { "credit" },
            "created_at": timestamp(transfer.created_at),
            "date": transfer.reported_date.format("%Y-%m-%d").to_string(),
            "transactions": transfer
                .transactions
                .iter()
                .map(|&i| self.transactions[i].to_json())
                .collect::<Vec<_>>(),
            "account": {
                "id": account.id,
                "type": account.kind,
                "name": account.name,
                "created_at": timestamp(account.created_at),
            },
        })
    }

    /// The entries whose source is one of `sources` (an intent and its refund and dispute).
    pub(super) fn transactions_of(&self, sources: &[&str]) -> Vec<Value> {
        let mut indexes: Vec<usize> = sources
            .iter()
            .filter_map(|s| self.transactions_by_source.get(*s))
            .flatten()
            .copied()
            .collect();
        // Ledger order, as a walk of the whole ledger would give.
        indexes.sort_unstable();
        indexes.dedup();
        indexes
            .into_iter()
            .map(|i| self.transactions[i].to_json())
            .collect()
    }
}

pub(super) fn list_accounts(state: &State) -> Reply {
    let data: Vec<Value> = (0..state.accounts.len())
        .map(|i| state.account_json(i))
        .collect();
    (StatusCode::OK, json!({ "data": data }))
}

pub(super) fn get_account(state: &State, raw_id: &str) -> Reply {
    let id = segment(raw_id);
    match state.accounts_by_id.get(&id) {
        Some(&index) => (StatusCode::OK, state.account_json(index)),
        None => error(StatusCode::NOT_FOUND, format!("account {id} not found")),
    }
}

pub(super) fn get_transaction(state: &State, raw_id: &str) -> Reply {
    let id = segment(raw_id);
    match state.transactions_by_id.get(&id) {
        Some(&index) => (StatusCode::OK, state.transactions[index].to_json()),
        None => error(StatusCode::NOT_FOUND, format!("transaction {id} not found")),
    }
}

pub(super) fn get_transfer(state: &State, raw_id: &str) -> Reply {
    let id = segment(raw_id);
    match state.transfers_by_id.get(&id) {
        Some(&index) => (StatusCode::OK, state.transfer_json(&state.transfers[index])),
        None => error(StatusCode::NOT_FOUND, format!("transfer {id} not found")),
    }
}

pub(super) fn list_transactions(
    state: &State,
    request: &http::Request<Bytes>,
    page_size: usize,
) -> Reply {
    let mut account = None;
    let window = Window::parse(request, state.transactions.len(), |name, value| {
        if name == "account_id" {
            account = Some(value.to_owned());
        }
        Ok(())
    });
    let window = match window {
        Ok(window) => window,
        Err(reply) => return reply,
    };
    window.page(
        &state.transactions,
        page_size,
        |t: &TransactionRecord| t.created_at,
        |t| account.as_deref().is_none_or(|a| t.account_id == a),
        TransactionRecord::to_json,
    )
}

pub(super) fn list_transfers(
    state: &State,
    request: &http::Request<Bytes>,
    page_size: usize,
) -> Reply {
    let (mut after, mut before) = (None, None);
    let window = Window::parse(request, state.transfers.len(), |name, value| {
        let day = || {
            value
                .parse::<NaiveDate>()
                .map_err(|_| invalid(name, "must be a date (YYYY-MM-DD)"))
        };
        match name {
            "date.after" => after = Some(day()?),
            "date.before" => before = Some(day()?),
            _ => {}
        }
        Ok(())
    });
    let window = match window {
        Ok(window) => window,
        Err(reply) => return reply,
    };
    window.page(
        &state.transfers,
        page_size,
        |t: &TransferRecord| t.created_at,
        |t| after.is_none_or(|a| t.date >= a) && before.is_none_or(|b| t.date <= b),
        |t| state.transfer_json(t),
    )
}
