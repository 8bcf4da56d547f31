#![no_main]
//! The ledger's bodies: a transfer, a page of transfers, transactions or disputes, the account
//! list, and a webhook's `limits_utilization` decimals. Each decodes or fails with a path and
//! the raw body, never panics; a decoded transfer goes through reconciliation's checks (any
//! amounts, any directions, saturating sums) without panicking. The first byte picks.

use libfuzzer_sys::fuzz_target;
use push_core::{
    Accounts, DecodeError, Dispute, IntentEvent, Page, Transaction, Transfer, reconcile,
};

fn checked<T>(result: Result<T, DecodeError>, body: &[u8]) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(err) => {
            assert!(!err.path.is_empty());
            assert_eq!(&err.body[..], body);
            None
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let bytes = bytes::Bytes::copy_from_slice(body);
    match pick % 6 {
        0 => {
            if let Some(transfer) = checked(Transfer::from_json(bytes), body) {
                let check = reconcile::check_transfer(&transfer, |_| Ok::<_, ()>(None)).unwrap();
                assert_eq!(check.ok, check.problems.is_empty());
                let _ = serde_json::to_string(&check).unwrap();
            }
        }
        1 => {
            if let Some(page) = checked(Page::<Transfer>::from_json(bytes), body) {
                for transfer in &page.data {
                    let _ = transfer.signed_amount();
                    let _ = transfer.netted().count();
                }
            }
        }
        2 => {
            if let Some(page) = checked(Page::<Transaction>::from_json(bytes), body) {
                for transaction in &page.data {
                    let _ = reconcile::open_item(transaction);
                }
            }
        }
        3 => drop(checked(Page::<Dispute>::from_json(bytes), body)),
        4 => drop(checked(Accounts::from_json(bytes), body)),
        _ => {
            if let Ok(event) = serde_json::from_slice::<IntentEvent>(body)
                && let Some(limits) = event.limits_utilization
            {
                for amount in [limits.daily_cash_in, limits.monthly_cash_out]
                    .into_iter()
                    .flatten()
                {
                    let shown = amount.to_string();
                    assert_eq!(
                        push_core::DecimalAmount::parse(&shown),
                        Some(amount),
                        "{shown}"
                    );
                    let _ = amount.cents();
                }
            }
        }
    }
});
