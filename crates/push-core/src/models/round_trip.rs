//! Property test: every model survives serialising and decoding, with known and unknown enum
//! values, all optional fields present or absent. Here rather than in `tests/` because the
//! models are `#[non_exhaustive]`: only the crate can build them field by field.

use chrono::{DateTime, NaiveDate, Utc};
use proptest::{collection::vec, option, prelude::*, sample::select};

use crate::*;

/// Enums with a known set and an `Unknown(String)` variant.
trait Lenient: Clone + std::fmt::Debug + From<String> + 'static {
    fn known() -> &'static [Self];
    fn is_known_value(&self) -> bool;
}

macro_rules! lenient {
    ($($name:ident),+) => {$(
        impl Lenient for $name {
            fn known() -> &'static [Self] {
                $name::KNOWN
            }
            fn is_known_value(&self) -> bool {
                self.is_known()
            }
        }
    )+};
}

lenient!(
    Direction,
    Currency,
    ApprovalMode,
    IntentStatus,
    DeclineCategory,
    Rail,
    IntentType,
    TransactionType,
    TransactionStatus,
    TransactionDirection,
    DisputeCode,
    DisputeStatus,
    RefundStatus,
    AccountType,
    CardBrand,
    TransferDirection
);

/// A known value, or a string the SDK does not know (kept as `Unknown`).
fn lenient<E: Lenient>() -> impl Strategy<Value = E> {
    prop_oneof![
        3 => select(E::known().to_vec()),
        1 => ".{0,12}".prop_filter_map("a known value", |s| Some(E::from(s)).filter(|e| !e.is_known_value())),
    ]
}

fn timestamp() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..4_102_444_800, 0u32..1_000_000_000)
        .prop_map(|(s, n)| DateTime::from_timestamp(s, n).unwrap())
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (1i32..=9999, 1u32..=12, 1u32..=28)
        .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

fn text() -> impl Strategy<Value = String> {
    ".{0,16}"
}

fn transaction() -> impl Strategy<Value = Transaction> {
    (
        text(),
        any::<i64>(),
        option::of(lenient::<TransactionDirection>()),
        lenient::<Currency>(),
        timestamp(),
        option::of(date()),
        option::of(text()),
        option::of(text()),
        option::of(lenient::<TransactionType>()),
        option::of(text()),
        option::of(lenient::<TransactionStatus>()),
    )
        .prop_map(
            |(
                id,
                amount,
                direction,
                currency,
                created_at,
                date,
                batch,
                account,
                kind,
                source,
                status,
            )| {
                Transaction {
                    id: id.into(),
                    amount,
                    direction,
                    currency,
                    created_at,
                    date,
                    batch,
                    account_id: account.map(Into::into),
                    transaction_type: kind,
                    source_id: source,
                    status,
                }
            },
        )
}

fn dispute() -> impl Strategy<Value = Dispute> {
    (
        text(),
        any::<i64>(),
        lenient(),
        timestamp(),
        text(),
        lenient(),
        lenient(),
        option::of(lenient()),
    )
        .prop_map(
            |(id, amount, currency, created_at, intent, code, status, kind)| Dispute {
                id: id.into(),
                amount,
                currency,
                created_at,
                intent_id: intent.into(),
                code,
                status,
                dispute_type: kind,
            },
        )
}

fn refund() -> impl Strategy<Value = Refund> {
    (
        text(),
        text(),
        any::<i64>(),
        lenient(),
        lenient(),
        timestamp(),
    )
        .prop_map(
            |(id, intent, amount, currency, status, created_at)| Refund {
                id: id.into(),
                intent_id: intent.into(),
                amount,
                currency,
                status,
                created_at,
            },
        )
}

fn credential() -> impl Strategy<Value = Credential> {
    (text(), text()).prop_map(|(display_name, last4)| Credential {
        display_name,
        last4,
    })
}

fn payment_credential() -> impl Strategy<Value = PaymentCredential> {
    (
        option::of(text()),
        option::of(
            (text(), text()).prop_map(|(number_mask, routing)| BankAccount {
                number_mask,
                routing,
            }),
        ),
        option::of(
            (text(), date(), option::of(lenient())).prop_map(|(pan, expiration, brand)| Card {
                primary_account_number_mask: pan,
                expiration,
                brand,
            }),
        ),
        option::of(timestamp()),
    )
        .prop_map(|(bank_name, account, card, created_at)| PaymentCredential {
            bank_name,
            account,
            card,
            created_at,
        })
}

fn account() -> impl Strategy<Value = Account> {
    (
        text(),
        lenient(),
        text(),
        timestamp(),
        option::of(any::<i64>()),
    )
        .prop_map(|(id, account_type, name, created_at, balance)| Account {
            id: id.into(),
            account_type,
            name,
            created_at,
            balance,
        })
}

fn intent() -> impl Strategy<Value = Intent> {
    let head = (
        text(),
        option::of(text()),
        timestamp(),
        lenient(),
        text(),
        any::<i64>(),
        lenient(),
        option::of(any::<i64>()),
        lenient(),
    );
    let tail = (
        option::of(lenient()),
        vec(transaction(), 0..3),
        option::of(dispute()),
        option::of(refund()),
        option::of(lenient()),
        option::of(credential()),
        option::of(payment_credential()),
        option::of(lenient()),
        option::of(account()),
        option::of(lenient()),
    );
    (head, tail).prop_map(
        |(
            (
                id,
                idempotency_key,
                created_at,
                direction,
                user,
                amount,
                currency,
                guarantee_amount,
                status,
            ),
            (
                decline_category,
                transactions,
                dispute,
                refund,
                approval_mode,
                credential,
                payment_credential,
                rail,
                account,
                kind,
            ),
        )| Intent {
            id: id.into(),
            idempotency_key,
            created_at,
            direction,
            user_id: user.into(),
            amount,
            currency,
            guarantee_amount,
            status,
            decline_category,
            transactions,
            dispute,
            refund,
            approval_mode,
            credential,
            payment_credential,
            rail,
            account,
            intent_type: kind,
        },
    )
}

fn outcome() -> impl Strategy<Value = AuthorizeOutcome> {
    prop_oneof![
        (
            text(),
            any::<i64>(),
            lenient(),
            lenient(),
            option::of(credential())
        )
            .prop_map(|(id, amount, direction, currency, credential)| {
                AuthorizeOutcome::Approved(AuthorizeApproved {
                    id: id.into(),
                    amount,
                    direction,
                    currency,
                    credential,
                })
            }),
        (text(), text()).prop_map(|(id, url)| AuthorizeOutcome::AuthenticationRequired(
            AuthenticationRequired { id: id.into(), url }
        )),
        (text(), lenient()).prop_map(|(id, decline_category)| AuthorizeOutcome::Declined(
            AuthorizeDeclined {
                id: id.into(),
                decline_category
            }
        )),
    ]
}

fn transfer() -> impl Strategy<Value = Transfer> {
    (
        text(),
        any::<i64>(),
        lenient(),
        lenient(),
        timestamp(),
        option::of(date()),
        vec(transaction(), 0..3),
        option::of(account()),
    )
        .prop_map(
            |(id, amount, currency, direction, created_at, date, transactions, account)| Transfer {
                id: id.into(),
                amount,
                currency,
                direction,
                created_at,
                date,
                transactions,
                account,
            },
        )
}

fn refund_outcome() -> impl Strategy<Value = RefundOutcome> {
    prop_oneof![
        refund()
            .prop_filter("approved", |r| r.status != RefundStatus::Declined)
            .prop_map(RefundOutcome::Approved),
        refund().prop_map(|r| RefundOutcome::Declined(r.into())),
        text().prop_map(|id| RefundOutcome::Declined(RefundDeclined::new(id))),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn ledger_models_round_trip(
        transfers in vec(transfer(), 0..3),
        cursor in option::of(text()),
        accounts in vec(account(), 0..3),
        outcome in refund_outcome(),
    ) {
        let page = Page::new(transfers, cursor.map(Cursor::from));
        let json = serde_json::to_vec(&page).unwrap();
        prop_assert_eq!(&Page::<Transfer>::from_json(json.clone()).unwrap(), &page);
        let accounts = Accounts::new(accounts);
        let json = serde_json::to_vec(&accounts).unwrap();
        prop_assert_eq!(Accounts::from_json(json).unwrap(), accounts);
        let json = serde_json::to_vec(&outcome).unwrap();
        prop_assert_eq!(serde_json::from_slice::<RefundOutcome>(&json).unwrap(), outcome);
    }

    #[test]
    fn intents_and_pages_round_trip(intents in vec(intent(), 0..4), cursor in option::of(text())) {
        let page = IntentPage::new(intents, cursor.map(Cursor::from));
        let json = serde_json::to_vec(&page).unwrap();
        prop_assert_eq!(&IntentPage::from_json(json.clone()).unwrap(), &page);
        prop_assert_eq!(&serde_json::from_slice::<IntentPage>(&json).unwrap(), &page);
    }

    #[test]
    fn other_models_round_trip(outcome in outcome(), created in (text(), option::of(text()))) {
        let json = serde_json::to_vec(&outcome).unwrap();
        prop_assert_eq!(serde_json::from_slice::<AuthorizeOutcome>(&json).unwrap(), outcome);
        let created = CreatedIntent { id: created.0.into(), url: created.1 };
        let json = serde_json::to_vec(&created).unwrap();
        prop_assert_eq!(CreatedIntent::from_json(json).unwrap(), created);
    }
}
