//! The other direction: every approved intent old enough to have settled appears in exactly
//! one transfer. Pure, over what the caller listed.
//!
//! The schedule, as the settlement guide publishes it (the reading taken where the pages are
//! older or silent): Push submits one transfer a day at 4 PM Eastern time, every day, netting
//! the window from 4 PM ET the day before; the bank network then settles it. An intent made at
//! `t` belongs to the transfer of [`window_day`]`(t)`; a transfer dated from `t`'s own UTC day
//! (a cut-off at UTC midnight, as the emulator makes) through the day after its window day
//! (Push running late) may net it; by 4 PM ET the day after its window day ([`settles_by`]) it
//! must have been netted.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use serde::Serialize;

use crate::{Intent, IntentStatus, Transfer};

/// Eastern time's offset from UTC at `at`, in hours: 4 in daylight saving time (from the second
/// Sunday of March, 2 AM local, to the first Sunday of November, 2 AM local), else 5.
pub fn eastern_offset_hours(at: DateTime<Utc>) -> i64 {
    let year = at.year();
    let nth_sunday = |month: u32, n: u32| {
        let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default();
        let to_sunday = (7 - first.weekday().num_days_from_sunday()) % 7;
        first + Duration::days(i64::from(to_sunday + 7 * (n - 1)))
    };
    // 2 AM EST is 7 AM UTC; 2 AM EDT is 6 AM UTC.
    let starts = Utc.from_utc_datetime(&nth_sunday(3, 2).and_hms_opt(7, 0, 0).unwrap_or_default());
    let ends = Utc.from_utc_datetime(&nth_sunday(11, 1).and_hms_opt(6, 0, 0).unwrap_or_default());
    debug_assert_eq!(nth_sunday(3, 2).weekday(), Weekday::Sun);
    if at >= starts && at < ends { 4 } else { 5 }
}

/// The day of the transfer that nets an intent made at `at`: the Eastern-time day whose 4 PM
/// cut-off comes next (an intent at 4 PM ET or later belongs to the next day's).
pub fn window_day(at: DateTime<Utc>) -> NaiveDate {
    let local = at.naive_utc() - Duration::hours(eastern_offset_hours(at));
    // Shifting by 8 hours puts 4 PM ET at midnight: the date after the shift is the window's.
    (local + Duration::hours(8)).date()
}

/// When an intent made at `at` must have been netted: 4 PM ET the day after its window day.
pub fn settles_by(at: DateTime<Utc>) -> DateTime<Utc> {
    let day = window_day(at) + Duration::days(1);
    let four_pm = day.and_hms_opt(16, 0, 0).unwrap_or_default();
    let guess = Utc.from_utc_datetime(&four_pm) + Duration::hours(5);
    Utc.from_utc_datetime(&four_pm) + Duration::hours(eastern_offset_hours(guess))
}

/// Whether a transfer dated `date` may net an intent made at `at` (see the module docs).
pub fn may_net(at: DateTime<Utc>, date: NaiveDate) -> bool {
    date >= at.date_naive() && date <= window_day(at) + Duration::days(1)
}

/// One approved intent, and the transfers that net it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct IntentSettlement {
    /// The intent.
    pub intent: String,
    /// Its amount.
    pub amount: i64,
    /// `cash_in` or `cash_out`.
    pub direction: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it must have been netted ([`settles_by`]).
    pub settles_by: DateTime<Utc>,
    /// The transfers that net it.
    pub transfers: Vec<String>,
    /// Its refund, if any (netted on its own, under the refund's id).
    pub refund: Option<String>,
    /// Its dispute, if any (booked on the dispute account).
    pub dispute: Option<String>,
}

/// The verdict on the window's approved intents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SettlementCheck {
    /// Old enough to have settled, netted by no transfer: a discrepancy.
    pub unsettled: Vec<IntentSettlement>,
    /// Netted by more than one transfer: a discrepancy.
    pub double_settled: Vec<IntentSettlement>,
    /// Not yet due: open items, never failures.
    pub not_yet_due: Vec<IntentSettlement>,
    /// Settled exactly once.
    pub settled: usize,
}

impl SettlementCheck {
    /// How many discrepancies: unsettled and double-settled intents.
    pub fn discrepancies(&self) -> usize {
        self.unsettled.len() + self.double_settled.len()
    }
}

/// Checks that every approved intent of `intents` appears in exactly one of `transfers`
/// (which must hold every transfer the schedule allows for them, read whole), as of `now`.
pub fn check_settlement<'a>(
    intents: impl IntoIterator<Item = &'a Intent>,
    transfers: impl IntoIterator<Item = &'a Transfer>,
    now: DateTime<Utc>,
) -> SettlementCheck {
    let mut netted_by: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for transfer in transfers {
        for transaction in transfer.netted() {
            if let Some(source) = transaction.source_id.as_deref() {
                netted_by
                    .entry(source)
                    .or_default()
                    .insert(transfer.id.as_str());
            }
        }
    }
    let mut check = SettlementCheck::default();
    for intent in intents
        .into_iter()
        .filter(|i| i.status == IntentStatus::Approved)
    {
        let transfers: Vec<String> = netted_by
            .get(intent.id.as_str())
            .map(|set| set.iter().map(|t| (*t).to_owned()).collect())
            .unwrap_or_default();
        let item = IntentSettlement {
            intent: intent.id.to_string(),
            amount: intent.amount,
            direction: intent.direction.as_str().to_owned(),
            created_at: intent.created_at,
            settles_by: settles_by(intent.created_at),
            refund: intent.refund.as_ref().map(|r| r.id.to_string()),
            dispute: intent.dispute.as_ref().map(|d| d.id.to_string()),
            transfers,
        };
        match item.transfers.len() {
            0 if now >= item.settles_by => check.unsettled.push(item),
            0 => check.not_yet_due.push(item),
            1 => check.settled += 1,
            _ => check.double_settled.push(item),
        }
    }
    check
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn the_eastern_day_and_its_cut_off() {
        // (instant, ET offset, window day, settles by)
        let table = [
            // Winter: 4 PM EST is 21:00 UTC.
            (
                "2026-12-03T20:59:59Z",
                5,
                "2026-12-03",
                "2026-12-04T21:00:00Z",
            ),
            (
                "2026-12-03T21:00:00Z",
                5,
                "2026-12-04",
                "2026-12-05T21:00:00Z",
            ),
            // 22:00 EST on 12-02: after that day's cut-off.
            (
                "2026-12-03T03:00:00Z",
                5,
                "2026-12-03",
                "2026-12-04T21:00:00Z",
            ),
            (
                "2026-12-02T20:00:00Z",
                5,
                "2026-12-02",
                "2026-12-03T21:00:00Z",
            ),
            // Summer: 4 PM EDT is 20:00 UTC.
            (
                "2026-07-01T19:59:59Z",
                4,
                "2026-07-01",
                "2026-07-02T20:00:00Z",
            ),
            (
                "2026-07-01T20:00:00Z",
                4,
                "2026-07-02",
                "2026-07-03T20:00:00Z",
            ),
            // The changes: 2026-03-08 07:00 UTC and 2026-11-01 06:00 UTC.
            (
                "2026-03-08T06:59:59Z",
                5,
                "2026-03-08",
                "2026-03-09T20:00:00Z",
            ),
            (
                "2026-03-08T07:00:00Z",
                4,
                "2026-03-08",
                "2026-03-09T20:00:00Z",
            ),
            (
                "2026-11-01T05:59:59Z",
                4,
                "2026-11-01",
                "2026-11-02T21:00:00Z",
            ),
            (
                "2026-11-01T06:00:00Z",
                5,
                "2026-11-01",
                "2026-11-02T21:00:00Z",
            ),
        ];
        for (instant, offset, window, by) in table {
            assert_eq!(eastern_offset_hours(at(instant)), offset, "{instant}");
            assert_eq!(window_day(at(instant)), day(window), "{instant}");
            assert_eq!(settles_by(at(instant)), at(by), "{instant}");
        }
        let made = at("2026-12-03T22:00:00Z"); // window day 12-04
        assert!(!may_net(made, day("2026-12-02")));
        assert!(may_net(made, day("2026-12-03")), "a UTC-midnight cut-off");
        assert!(may_net(made, day("2026-12-05")), "a day late");
        assert!(!may_net(made, day("2026-12-06")));
    }

    fn intent(id: &str, created: &str, status: &str) -> Intent {
        Intent::from_json(
            serde_json::json!({
                "id": id, "created_at": created, "direction": "cash_in", "user_id": "u",
                "amount": 100, "currency": "USD", "status": status,
            })
            .to_string(),
        )
        .unwrap()
    }

    fn transfer(id: &str, nets: &[&str]) -> Transfer {
        let transactions: Vec<_> = nets
            .iter()
            .enumerate()
            .map(|(n, source)| {
                serde_json::json!({
                    "id": format!("txn_{id}_{n}"), "amount": 100, "currency": "USD",
                    "created_at": "2026-12-03T12:00:00Z", "type": "intent",
                    "source_id": source, "status": "settled",
                })
            })
            .collect();
        Transfer::from_json(
            serde_json::json!({
                "id": id, "amount": 100 * nets.len(), "currency": "USD", "direction": "credit",
                "created_at": "2026-12-04T00:00:00Z", "date": "2026-12-03",
                "transactions": transactions,
            })
            .to_string(),
        )
        .unwrap()
    }

    #[test]
    fn each_approved_intent_settles_exactly_once_when_due() {
        let intents = [
            intent("intent_once", "2026-12-03T10:00:00Z", "approved"),
            intent("intent_twice", "2026-12-03T10:00:00Z", "approved"),
            intent("intent_never", "2026-12-03T10:00:00Z", "approved"),
            intent("intent_late", "2026-12-03T22:00:00Z", "approved"),
            intent("intent_declined", "2026-12-03T10:00:00Z", "declined"),
        ];
        let transfers = [
            transfer("transfer_a", &["intent_once", "intent_twice"]),
            transfer("transfer_b", &["intent_twice"]),
        ];
        // 2026-12-04 21:00 UTC: the 12-03 intents are due, the one of 22:00 is not.
        let check = check_settlement(&intents, &transfers, at("2026-12-04T21:30:00Z"));
        let ids = |items: &[IntentSettlement]| -> Vec<String> {
            items.iter().map(|i| i.intent.clone()).collect()
        };
        assert_eq!(ids(&check.unsettled), ["intent_never"]);
        assert_eq!(ids(&check.double_settled), ["intent_twice"]);
        assert_eq!(
            check.double_settled[0].transfers,
            ["transfer_a", "transfer_b"]
        );
        assert_eq!(ids(&check.not_yet_due), ["intent_late"]);
        assert_eq!(check.settled, 1);
        assert_eq!(check.discrepancies(), 2);
        // Earlier, nothing is due yet: open items only.
        let early = check_settlement(&intents, &transfers, at("2026-12-03T23:00:00Z"));
        assert!(early.unsettled.is_empty());
        assert_eq!(early.not_yet_due.len(), 2);
    }
}
