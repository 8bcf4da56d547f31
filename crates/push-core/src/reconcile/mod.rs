//! Reconciliation: does a day's money add up? Pure checks over what the ledger routes return;
//! the fetching is the caller's (the `push reconcile` command drives them with the blocking
//! client).
//!
//! For a transfer ([`check_transfer`], [`check_transfer_on`] for a given day), only what the
//! pages state is checked, with exact sums at any size (128-bit, never saturating):
//! - it is dated the day asked for;
//! - its own `transfer`-type entry, when listed, is listed once and is exactly the negation of
//!   its signed amount (credit positive, debit negative);
//! - every entry is in the transfer's currency;
//! - no intent is netted more than once;
//! - when it lists the transactions it nets (every entry but its own), they sum exactly to its
//!   signed amount; a transfer listing only its own entry gets the note
//!   [`NETTED_NOT_LISTED`], not a problem;
//! - every netted transaction whose `source_id` names an intent (`intent_...`) resolves to an
//!   existing, `approved` intent of the same amount, whose direction matches the sign
//!   (`cash_in` a credit, `cash_out` a debit).
//!
//! How refunds and disputes appear in the ledger is not published, so their entries are summed
//! but not matched against anything. The day's open items ([`open_item`]) are transactions that
//! are `pending`, `unreconciled`, or of a type this SDK does not know: listed, never failures.

use std::collections::BTreeMap;

mod day;
pub mod settlement;

pub use day::{
    DayReport, ExpectedMiss, ExpectedPayment, MAX_LOOKBACK_DAYS, MAX_READS, OpenItem, Progress,
    ProgressFn, Reads, ReconcileOptions, Reconciliation, UnknownIntent, route,
};

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use crate::{
    Direction, Intent, IntentStatus, Transaction, TransactionStatus, TransactionType, Transfer,
    TransferId,
};

/// The note on a transfer that lists only its own entry.
pub const NETTED_NOT_LISTED: &str = "netted transactions not listed";

/// One thing that does not add up.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The transfer's direction is not one this SDK knows, so it has no sign.
    UnknownDirection(String),
    /// Its own entry is not the negation of its signed amount.
    OwnEntry {
        /// The entry.
        transaction: String,
        /// Its amount.
        amount: i64,
        /// The negated signed amount (exact: 128 bits).
        expected: i128,
    },
    /// More than one entry for the transfer itself.
    OwnEntries {
        /// The entries.
        transactions: Vec<String>,
    },
    /// The netted transactions do not sum to the signed amount.
    Sum {
        /// Their sum (exact: 128 bits).
        netted: i128,
        /// The transfer's signed amount.
        amount: i128,
    },
    /// An intent netted more than once by the transfer.
    DoubleNetted {
        /// The intent.
        intent: String,
        /// The transactions that net it.
        transactions: Vec<String>,
    },
    /// An entry in another currency than the transfer's.
    Currency {
        /// The entry.
        transaction: String,
        /// Its currency.
        currency: String,
        /// The transfer's.
        expected: String,
    },
    /// The transfer is not dated the day asked for (or has no date).
    WrongDate {
        /// Its date.
        date: Option<NaiveDate>,
        /// The day asked for.
        expected: NaiveDate,
    },
    /// A netted transaction names an intent that does not exist.
    MissingIntent {
        /// The transaction.
        transaction: String,
        /// The intent it names.
        intent: String,
    },
    /// A netted transaction names an intent that is not approved.
    NotApproved {
        /// The transaction.
        transaction: String,
        /// The intent.
        intent: String,
        /// Its status.
        status: String,
    },
    /// A netted transaction's amount is not its intent's.
    IntentAmount {
        /// The transaction.
        transaction: String,
        /// The intent.
        intent: String,
        /// The transaction's amount (signed).
        amount: i64,
        /// The intent's amount.
        expected: i64,
    },
    /// A netted transaction's sign does not match its intent's direction.
    Direction {
        /// The transaction.
        transaction: String,
        /// The intent.
        intent: String,
        /// The transaction's amount (signed).
        amount: i64,
        /// The intent's direction.
        direction: String,
    },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::UnknownDirection(direction) => {
                write!(f, "unknown direction `{direction}`: the amount has no sign")
            }
            Problem::OwnEntry {
                transaction,
                amount,
                expected,
            } => write!(
                f,
                "its own entry {transaction} is {amount}, expected {expected}"
            ),
            Problem::OwnEntries { transactions } => write!(
                f,
                "{} entries for the transfer itself ({}), expected one",
                transactions.len(),
                transactions.join(", ")
            ),
            Problem::Sum { netted, amount } => write!(
                f,
                "netted transactions sum to {netted}, the transfer moves {amount} (off by {})",
                amount - netted
            ),
            Problem::DoubleNetted {
                intent,
                transactions,
            } => write!(
                f,
                "intent {intent} is netted {} times ({})",
                transactions.len(),
                transactions.join(", ")
            ),
            Problem::Currency {
                transaction,
                currency,
                expected,
            } => write!(
                f,
                "{transaction} is in {currency}, the transfer in {expected}"
            ),
            Problem::WrongDate {
                date: Some(date),
                expected,
            } => write!(f, "dated {date}, not {expected} as asked"),
            Problem::WrongDate {
                date: None,
                expected,
            } => write!(f, "has no date (asked for {expected})"),
            Problem::MissingIntent {
                transaction,
                intent,
            } => write!(
                f,
                "{transaction} names intent {intent}, which does not exist"
            ),
            Problem::NotApproved {
                transaction,
                intent,
                status,
            } => write!(f, "{transaction} names intent {intent}, which is {status}"),
            Problem::IntentAmount {
                transaction,
                intent,
                amount,
                expected,
            } => write!(
                f,
                "{transaction} is {amount}, its intent {intent} is {expected}"
            ),
            Problem::Direction {
                transaction,
                intent,
                amount,
                direction,
            } => write!(
                f,
                "{transaction} is {amount}, but its intent {intent} is {direction}"
            ),
        }
    }
}

impl Serialize for Problem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The verdict on one transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TransferCheck {
    /// The transfer.
    pub transfer: TransferId,
    /// Its signed amount (credit positive, debit negative); `None` for an unknown direction.
    pub amount: Option<i64>,
    /// No problems.
    pub ok: bool,
    /// What does not add up.
    pub problems: Vec<Problem>,
    /// What could not be checked ([`NETTED_NOT_LISTED`]).
    pub notes: Vec<String>,
}

/// Checks one transfer. `intent` looks an intent up by id: `Ok(None)` when it does not exist,
/// `Err` when it cannot tell (the error is passed back as it is).
pub fn check_transfer<E>(
    transfer: &Transfer,
    intent: impl FnMut(&str) -> Result<Option<Intent>, E>,
) -> Result<TransferCheck, E> {
    check_transfer_on(transfer, None, intent)
}

/// [`check_transfer`], and that the transfer is dated `day` (when given): a transfer listed
/// for a day must be that day's.
pub fn check_transfer_on<E>(
    transfer: &Transfer,
    day: Option<NaiveDate>,
    mut intent: impl FnMut(&str) -> Result<Option<Intent>, E>,
) -> Result<TransferCheck, E> {
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    if let Some(expected) = day
        && transfer.date != Some(expected)
    {
        problems.push(Problem::WrongDate {
            date: transfer.date,
            expected,
        });
    }
    let amount = transfer.signed_amount();
    let exact = exact_signed(transfer);
    let own: Vec<&Transaction> = transfer.own_entries().collect();
    if own.len() > 1 {
        problems.push(Problem::OwnEntries {
            transactions: own.iter().map(|t| t.id.to_string()).collect(),
        });
    }
    match exact {
        None => problems.push(Problem::UnknownDirection(
            transfer.direction.as_str().to_owned(),
        )),
        Some(exact) => {
            for entry in own.iter().filter(|t| i128::from(t.amount) != -exact) {
                problems.push(Problem::OwnEntry {
                    transaction: entry.id.to_string(),
                    amount: entry.amount,
                    expected: -exact,
                });
            }
            let netted: Vec<&Transaction> = transfer.netted().collect();
            if netted.is_empty() {
                notes.push(NETTED_NOT_LISTED.to_owned());
            } else {
                let sum: i128 = netted.iter().map(|t| i128::from(t.amount)).sum();
                if sum != exact {
                    problems.push(Problem::Sum {
                        netted: sum,
                        amount: exact,
                    });
                }
            }
        }
    }
    for entry in &transfer.transactions {
        if entry.currency != transfer.currency {
            problems.push(Problem::Currency {
                transaction: entry.id.to_string(),
                currency: entry.currency.as_str().to_owned(),
                expected: transfer.currency.as_str().to_owned(),
            });
        }
    }
    let mut by_intent: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for transaction in transfer.netted() {
        if let Some(source) = intent_source(transaction) {
            by_intent
                .entry(source)
                .or_default()
                .push(transaction.id.to_string());
        }
    }
    for (source, transactions) in &by_intent {
        if transactions.len() > 1 {
            problems.push(Problem::DoubleNetted {
                intent: (*source).to_owned(),
                transactions: transactions.clone(),
            });
        }
    }
    for transaction in transfer.netted() {
        let Some(source) = intent_source(transaction) else {
            continue;
        };
        let id = transaction.id.to_string();
        match intent(source)? {
            None => problems.push(Problem::MissingIntent {
                transaction: id,
                intent: source.to_owned(),
            }),
            Some(found) => problems.extend(intent_problem(transaction, &found)),
        }
    }
    Ok(TransferCheck {
        transfer: transfer.id.clone(),
        amount,
        ok: problems.is_empty(),
        problems,
        notes,
    })
}

/// The intent a netted transaction names (`intent_...`), if any.
fn intent_source(transaction: &Transaction) -> Option<&str> {
    transaction
        .source_id
        .as_deref()
        .filter(|s| s.starts_with("intent_"))
}

/// The transfer's signed amount, exact (no saturation at any size).
fn exact_signed(transfer: &Transfer) -> Option<i128> {
    let amount = i128::from(transfer.amount);
    match transfer.direction {
        crate::TransferDirection::Credit => Some(amount),
        crate::TransferDirection::Debit => Some(-amount),
        crate::TransferDirection::Unknown(_) => None,
    }
}

/// What is wrong between a netted transaction and the intent it names, if anything.
fn intent_problem(transaction: &Transaction, intent: &Intent) -> Option<Problem> {
    let (id, source) = (transaction.id.to_string(), intent.id.to_string());
    if intent.status != IntentStatus::Approved {
        return Some(Problem::NotApproved {
            transaction: id,
            intent: source,
            status: intent.status.as_str().to_owned(),
        });
    }
    if transaction.amount.unsigned_abs() != intent.amount.unsigned_abs() {
        return Some(Problem::IntentAmount {
            transaction: id,
            intent: source,
            amount: transaction.amount,
            expected: intent.amount,
        });
    }
    let sign_matches = match intent.direction {
        Direction::CashIn => transaction.amount > 0,
        Direction::CashOut => transaction.amount < 0,
        // A direction this SDK does not know: no rule to hold it to.
        _ => true,
    };
    (!sign_matches).then(|| Problem::Direction {
        transaction: id,
        intent: source,
        amount: transaction.amount,
        direction: intent.direction.as_str().to_owned(),
    })
}

/// Why a transaction of the day is an open item, if it is one: `pending`, `unreconciled`, or a
/// type this SDK does not know.
pub fn open_item(transaction: &Transaction) -> Option<String> {
    match (&transaction.transaction_type, &transaction.status) {
        (Some(TransactionType::Unreconciled), _) => Some("unreconciled".to_owned()),
        (Some(TransactionType::Unknown(kind)), _) => Some(format!("unknown type `{kind}`")),
        (_, Some(TransactionStatus::Pending)) => Some("pending".to_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Currency, TransferDirection};

    fn txn(id: &str, amount: i64, kind: &str, source: Option<&str>, status: &str) -> Transaction {
        Transaction::from_json(
            serde_json::json!({
                "id": id, "amount": amount, "currency": "USD",
                "created_at": "2026-11-20T12:00:00Z", "date": "2026-11-20",
                "account_id": "account_1", "type": kind, "source_id": source, "status": status,
            })
            .to_string(),
        )
        .unwrap()
    }

    fn transfer(amount: i64, direction: &str, transactions: Vec<Transaction>) -> Transfer {
        let mut transfer = Transfer::from_json(
            serde_json::json!({
                "id": "transfer_1", "amount": amount, "currency": "USD", "direction": direction,
                "created_at": "2026-11-21T00:00:00Z", "date": "2026-11-20", "transactions": [],
            })
            .to_string(),
        )
        .unwrap();
        transfer.transactions = transactions;
        transfer
    }

    fn intent(id: &str, amount: i64, direction: &str, status: &str) -> Intent {
        Intent::from_json(
            serde_json::json!({
                "id": id, "created_at": "2026-11-20T11:00:00Z", "direction": direction,
                "user_id": "user_1", "amount": amount, "currency": "USD", "status": status,
            })
            .to_string(),
        )
        .unwrap()
    }

    fn intents(id: &str) -> Result<Option<Intent>, ()> {
        Ok(match id {
            "intent_in" => Some(intent(id, 1000, "cash_in", "approved")),
            "intent_out" => Some(intent(id, 300, "cash_out", "approved")),
            "intent_declined" => Some(intent(id, 50, "cash_in", "declined")),
            _ => None,
        })
    }

    fn own(amount: i64) -> Transaction {
        txn("txn_own", amount, "transfer", Some("transfer_1"), "settled")
    }

    /// A table: each transfer, and the problems (by kind) and notes it must get.
    #[test]
    fn each_rule_in_a_table() {
        let paid_in = || txn("txn_in", 1000, "intent", Some("intent_in"), "settled");
        let paid_out = || txn("txn_out", -300, "intent", Some("intent_out"), "settled");
        let refund = || txn("txn_r", -200, "intent", Some("refund_1"), "settled");
        type Case = (Transfer, &'static [&'static str], &'static [&'static str]);
        let table: Vec<Case> = vec![
            (
                transfer(
                    500,
                    "credit",
                    vec![paid_in(), paid_out(), refund(), own(-500)],
                ),
                &[],
                &[],
            ),
            (
                transfer(500, "debit", vec![paid_out(), refund(), own(500)]),
                &[],
                &[],
            ),
            (
                transfer(700284, "credit", vec![own(-700284)]),
                &[],
                &[NETTED_NOT_LISTED],
            ),
            (
                transfer(700, "credit", vec![paid_in(), own(-700)]),
                &["sum"],
                &[],
            ),
            (
                transfer(1000, "credit", vec![paid_in(), own(1000)]),
                &["own"],
                &[],
            ),
            (transfer(1000, "credit", vec![paid_in()]), &[], &[]),
            (
                transfer(
                    50,
                    "credit",
                    vec![txn(
                        "txn_d",
                        50,
                        "intent",
                        Some("intent_declined"),
                        "settled",
                    )],
                ),
                &["approved"],
                &[],
            ),
            (
                transfer(
                    50,
                    "credit",
                    vec![txn("txn_m", 50, "intent", Some("intent_gone"), "settled")],
                ),
                &["missing"],
                &[],
            ),
            (
                transfer(
                    999,
                    "credit",
                    vec![txn("txn_a", 999, "intent", Some("intent_in"), "settled")],
                ),
                &["amount"],
                &[],
            ),
            (
                transfer(
                    300,
                    "credit",
                    vec![txn("txn_s", 300, "intent", Some("intent_out"), "settled")],
                ),
                &["direction"],
                &[],
            ),
            (transfer(5, "sideways", vec![]), &["unknown"], &[]),
            // One intent netted twice: each entry alone is right, the pair is not.
            (
                transfer(
                    2000,
                    "credit",
                    vec![
                        paid_in(),
                        txn("txn_in2", 1000, "intent", Some("intent_in"), "settled"),
                        own(-2000),
                    ],
                ),
                &["double"],
                &[],
            ),
            // Two entries for the transfer itself, each of the right amount.
            (
                transfer(
                    1000,
                    "credit",
                    vec![
                        paid_in(),
                        own(-1000),
                        txn("txn_own2", -1000, "transfer", Some("transfer_1"), "settled"),
                    ],
                ),
                &["own_entries"],
                &[],
            ),
            // An entry in another currency.
            (
                transfer(
                    1000,
                    "credit",
                    vec![
                        {
                            let mut t = paid_in();
                            t.currency = Currency::from("EUR");
                            t
                        },
                        own(-1000),
                    ],
                ),
                &["currency"],
                &[],
            ),
            // Exact at any size: MAX + 1 is not MAX (saturating said it was)...
            (
                transfer(
                    i64::MAX,
                    "credit",
                    vec![
                        txn("txn_big", i64::MAX, "intent", Some("refund_9"), "settled"),
                        txn("txn_one", 1, "intent", Some("refund_8"), "settled"),
                    ],
                ),
                &["sum"],
                &[],
            ),
            // ...and MAX + 1 - 1 is MAX (saturating said "off by 1").
            (
                transfer(
                    i64::MAX,
                    "credit",
                    vec![
                        txn("txn_big", i64::MAX, "intent", Some("refund_9"), "settled"),
                        txn("txn_one", 1, "intent", Some("refund_8"), "settled"),
                        txn("txn_back", -1, "intent", Some("refund_7"), "settled"),
                    ],
                ),
                &[],
                &[],
            ),
        ];
        for (i, (transfer, problems, notes)) in table.into_iter().enumerate() {
            let check = check_transfer(&transfer, intents).unwrap();
            let kinds: Vec<&str> = check
                .problems
                .iter()
                .map(|p| match p {
                    Problem::UnknownDirection(_) => "unknown",
                    Problem::OwnEntry { .. } => "own",
                    Problem::Sum { .. } => "sum",
                    Problem::MissingIntent { .. } => "missing",
                    Problem::NotApproved { .. } => "approved",
                    Problem::IntentAmount { .. } => "amount",
                    Problem::Direction { .. } => "direction",
                    Problem::OwnEntries { .. } => "own_entries",
                    Problem::DoubleNetted { .. } => "double",
                    Problem::Currency { .. } => "currency",
                    Problem::WrongDate { .. } => "date",
                })
                .collect();
            assert_eq!(kinds, problems, "case {i}: {check:?}");
            assert_eq!(check.notes, notes, "case {i}");
            assert_eq!(check.ok, problems.is_empty(), "case {i}");
        }
    }

    #[test]
    fn a_transfer_listed_for_a_day_must_be_dated_that_day() {
        let t = transfer(
            1000,
            "credit",
            vec![txn("txn_in", 1000, "intent", Some("intent_in"), "settled")],
        );
        let day = |d: &str| d.parse::<NaiveDate>().unwrap();
        assert!(
            check_transfer_on(&t, Some(day("2026-11-20")), intents)
                .unwrap()
                .ok
        );
        let other = check_transfer_on(&t, Some(day("2026-11-21")), intents).unwrap();
        assert_eq!(
            other.problems,
            [Problem::WrongDate {
                date: Some(day("2026-11-20")),
                expected: day("2026-11-21")
            }]
        );
        assert_eq!(
            other.problems[0].to_string(),
            "dated 2026-11-20, not 2026-11-21 as asked"
        );
        let mut undated = t.clone();
        undated.date = None;
        assert!(
            !check_transfer_on(&undated, Some(day("2026-11-20")), intents)
                .unwrap()
                .ok
        );
    }

    #[test]
    fn lookup_errors_pass_through_and_json_is_flat() {
        let t = transfer(
            1000,
            "credit",
            vec![txn("txn_in", 1000, "intent", Some("intent_in"), "settled")],
        );
        assert_eq!(
            check_transfer(&t, |_| Err::<Option<Intent>, _>("down")),
            Err("down")
        );
        let check = check_transfer(
            &transfer(
                700,
                "credit",
                vec![txn("txn_in", 1000, "intent", Some("intent_in"), "settled")],
            ),
            intents,
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(&check).unwrap(),
            serde_json::json!({
                "transfer": "transfer_1", "amount": 700, "ok": false, "notes": [],
                "problems": ["netted transactions sum to 1000, the transfer moves 700 (off by -300)"],
            })
        );
        assert_eq!(t.direction, TransferDirection::Credit);
        assert_eq!(t.currency, Currency::Usd);
    }

    #[test]
    fn open_items() {
        for (kind, status, reason) in [
            ("intent", "pending", Some("pending")),
            ("intent", "settled", None),
            ("transfer", "settled", None),
            ("unreconciled", "settled", Some("unreconciled")),
            ("chargeback", "settled", Some("unknown type `chargeback`")),
        ] {
            let t = txn("txn_1", 5, kind, None, status);
            assert_eq!(open_item(&t).as_deref(), reason, "{kind} {status}");
        }
    }
}
