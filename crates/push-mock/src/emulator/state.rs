//! What the emulator holds: intents as its own records (written to JSON by hand, never through
//! the SDK's models, so a wrong field name in a model fails the tests instead of round-tripping
//! unnoticed), stored answers for idempotent replay, and the counters.

use std::collections::{HashMap, VecDeque};

use bytes::Bytes;
use chrono::{DateTime, SecondsFormat, SubsecRound, TimeDelta, Utc};
use http::StatusCode;
use serde_json::{Value, json};

use super::{
    Stats,
    disputes::DisputeRecord,
    ledger::{AccountRecord, Discrepancy, TransactionRecord, TransferRecord},
    refunds::RefundRecord,
    request::{Reply, encode, error},
    webhooks::{OutgoingWebhook, WebhookTarget},
};
use crate::faults::{Fault, Faults};

/// One intent, as the emulator knows it. Enum-like fields hold Push's wire strings.
#[derive(Debug, Clone)]
pub(super) struct IntentRecord {
    pub(super) id: String,
    pub(super) idempotency_key: Option<String>,
    /// Whole milliseconds, as Push writes them, so filters compare what clients read.
    pub(super) created_at: DateTime<Utc>,
    pub(super) direction: &'static str,
    pub(super) user_id: String,
    pub(super) amount: i64,
    pub(super) status: &'static str,
    pub(super) decline_category: Option<String>,
    pub(super) approval_mode: &'static str,
    pub(super) account_id: String,
    pub(super) intent_type: &'static str,
    /// Paid with the published refund-decline card: its refunds are declined.
    pub(super) refund_declines: bool,
}

/// The settlement account every intent settles to unless the request named one.
const ACCOUNT_ID: &str = super::ledger::SETTLEMENT_ACCOUNT;

impl IntentRecord {
    /// The intent as `GET /intent/{id}` answers it: every field of the published schema.
    pub(super) fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "idempotency_key": self.idempotency_key,
            "created_at": timestamp(self.created_at),
            "direction": self.direction,
            "user_id": self.user_id,
            "amount": self.amount,
            "currency": "USD",
            "guarantee_amount": (self.direction == "cash_in").then_some(self.amount),
            "status": self.status,
            "decline_category": self.decline_category,
            "transactions": [],
            "dispute": null,
            "refund": null,
            "approval_mode": self.approval_mode,
            "credential": { "display_name": "Chase Checking", "last4": "6018" },
            "payment_credential": null,
            "rail": "card",
            "account": {
                "id": self.account_id,
                "type": "settlement",
                "name": "Settlement Account",
                "created_at": "2023-05-24T20:15:18.158Z",
            },
            "type": self.intent_type,
        })
    }
}

/// RFC 3339 in UTC with milliseconds, like Push's published examples.
pub(super) fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// What a new intent is made of; the rest is the emulator's.
pub(super) struct NewIntent<'a> {
    pub(super) amount: i64,
    pub(super) direction: &'static str,
    pub(super) user_id: String,
    pub(super) status: &'static str,
    pub(super) idempotency_key: Option<String>,
    pub(super) decline_category: Option<String>,
    pub(super) manual: bool,
    pub(super) account_id: Option<&'a str>,
    pub(super) refund_declines: bool,
}

/// One user, as the emulator knows them: the request's fields kept as sent (they were
/// validated), plus what Push adds.
#[derive(Debug, Clone)]
pub(super) struct UserRecord {
    pub(super) id: String,
    pub(super) tag: Option<String>,
    pub(super) status: &'static str,
    /// The request's `name`, `address`, `email`, `phone_number`, `date_of_birth` and
    /// `government_id`, as JSON values.
    pub(super) fields: serde_json::Map<String, Value>,
    pub(super) created_at: DateTime<Utc>,
    pub(super) credentials: Vec<CredentialRecord>,
}

impl UserRecord {
    /// The user as `GET /user/{id}` answers it.
    pub(super) fn to_json(&self) -> Value {
        let field = |name: &str| self.fields.get(name).cloned().unwrap_or(Value::Null);
        json!({
            "id": self.id,
            "tag": self.tag,
            "status": self.status,
            "name": field("name"),
            "address": field("address"),
            "email": field("email"),
            "phone_number": field("phone_number"),
            "date_of_birth": field("date_of_birth"),
            "government_id": field("government_id"),
            "payment_credentials": [],
            "limits": { "daily_limit": 1_800_000, "currency": "USD" },
            "created_at": timestamp(self.created_at),
        })
    }
}

/// A stored credential.
#[derive(Debug, Clone)]
pub(super) struct CredentialRecord {
    pub(super) id: String,
    pub(super) created_at: DateTime<Utc>,
    pub(super) card_last4: String,
    pub(super) credential_type: String,
}

impl CredentialRecord {
    /// The credential as the credential routes answer it.
    pub(super) fn to_json(&self) -> Value {
        let bank = self.credential_type == "secure_debit";
        json!({
            "id": self.id,
            "created_at": timestamp(self.created_at),
            "card_last4": self.card_last4,
            "authenticated": true,
            "type": self.credential_type,
            "account_last4": bank.then_some("0685"),
            "bank_name": bank.then_some("Chase Bank"),
        })
    }
}

/// A card token from `POST /tokenize`: bound to a user, good for one authorization or one
/// stored credential.
#[derive(Debug, Clone)]
pub(super) struct TokenRecord {
    pub(super) user: usize,
    pub(super) card_last4: String,
    pub(super) card_only: bool,
    pub(super) used: bool,
    /// The published refund-decline card.
    pub(super) refund_declines: bool,
}

/// An answer kept for replay, with the body it answered.
pub(super) struct Stored {
    fingerprint: Value,
    status: StatusCode,
    body: Bytes,
}

/// Every index into `intents` (in `by_id`, `webhooks`, listings) is in bounds: intents are
/// only ever appended, never removed.
pub(super) struct State {
    pub(super) intents: Vec<IntentRecord>,
    pub(super) by_id: HashMap<String, usize>,
    pub(super) by_key: HashMap<String, Stored>,
    pub(super) by_token: HashMap<String, Stored>,
    /// Users, oldest first; indexes into it are in bounds (users are never removed).
    pub(super) users: Vec<UserRecord>,
    pub(super) users_by_id: HashMap<String, usize>,
    pub(super) users_by_tag: HashMap<String, usize>,
    /// Tokens issued by `POST /tokenize`.
    pub(super) tokens: HashMap<String, TokenRecord>,
    /// Credentials issued so far (for their ids).
    pub(super) credentials_issued: u64,
    last_created: DateTime<Utc>,
    pub(super) stats: Stats,
    pub(super) faults: Faults,
    pub(super) webhooks: HashMap<usize, WebhookTarget>,
    /// Bounded: the oldest webhook is dropped first when it is full.
    pub(super) outbox: VecDeque<OutgoingWebhook>,
    /// One-shot faults for the next request to a route: (method, path suffix, fault).
    pub(super) targeted: Vec<(http::Method, String, Fault)>,
    /// How far the emulator's clock is ahead of the wall clock.
    pub(super) clock_offset: TimeDelta,
    /// Accounts, oldest first (never removed, so indexes stay in bounds).
    pub(super) accounts: Vec<AccountRecord>,
    pub(super) accounts_by_id: HashMap<String, usize>,
    /// Ledger entries, oldest first (never removed).
    pub(super) transactions: Vec<TransactionRecord>,
    pub(super) transactions_by_id: HashMap<String, usize>,
    /// Ledger entries by the id of what posted them (intent, refund, dispute, transfer), oldest
    /// first: an intent's JSON costs its own entries, not a walk of the whole ledger.
    pub(super) transactions_by_source: HashMap<String, Vec<usize>>,
    /// Transfers, oldest first (never removed).
    pub(super) transfers: Vec<TransferRecord>,
    pub(super) transfers_by_id: HashMap<String, usize>,
    pub(super) transfers_made: u64,
    /// The day of the last cut-off: every entry dated before it is settled.
    pub(super) settled_through: chrono::NaiveDate,
    /// Refunds, oldest first (never removed); at most one per intent.
    pub(super) refunds: Vec<RefundRecord>,
    pub(super) refunds_by_id: HashMap<String, usize>,
    pub(super) refund_by_intent: HashMap<usize, usize>,
    /// Disputes, oldest first (never removed); at most one per intent.
    pub(super) disputes: Vec<DisputeRecord>,
    pub(super) disputes_by_id: HashMap<String, usize>,
    /// The organisation's webhook registration (`POST /webhook/register`): URL and secret.
    pub(super) registration: Option<(String, Option<String>)>,
    /// Errors to inject for reconciliation to find, in order.
    pub(super) discrepancies: Vec<Discrepancy>,
    /// Push's rate limits, when enforced.
    pub(super) rate_limits: Option<super::rate_limits::Windows>,
}

impl State {
    pub(super) fn new(faults: Faults) -> Self {
        let mut state = Self {
            intents: Vec::new(),
            by_id: HashMap::new(),
            by_key: HashMap::new(),
            by_token: HashMap::new(),
            users: Vec::new(),
            users_by_id: HashMap::new(),
            users_by_tag: HashMap::new(),
            tokens: HashMap::new(),
            credentials_issued: 0,
            last_created: Utc::now().trunc_subsecs(3),
            stats: Stats::default(),
            faults,
            webhooks: HashMap::new(),
            outbox: VecDeque::new(),
            targeted: Vec::new(),
            clock_offset: TimeDelta::zero(),
            accounts: Vec::new(),
            accounts_by_id: HashMap::new(),
            transactions: Vec::new(),
            transactions_by_id: HashMap::new(),
            transactions_by_source: HashMap::new(),
            transfers: Vec::new(),
            transfers_by_id: HashMap::new(),
            transfers_made: 0,
            settled_through: Utc::now().date_naive(),
            refunds: Vec::new(),
            refunds_by_id: HashMap::new(),
            refund_by_intent: HashMap::new(),
            disputes: Vec::new(),
            disputes_by_id: HashMap::new(),
            registration: None,
            discrepancies: Vec::new(),
            rate_limits: None,
        };
        state.account_index(ACCOUNT_ID);
        state
    }

    /// The emulator's clock: the wall clock plus however far it was advanced.
    pub(super) fn now(&self) -> DateTime<Utc> {
        Utc::now()
            .checked_add_signed(self.clock_offset)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// The intent as `GET /intent/{id}` answers it: the record, with its ledger entries, its
    /// refund and its dispute.
    pub(super) fn intent_json(&self, index: usize) -> Value {
        let mut json = self.intents[index].to_json();
        let refund = self.refund_by_intent.get(&index).map(|&r| &self.refunds[r]);
        let dispute = self.disputes.iter().find(|d| d.intent == index);
        let mut sources = vec![self.intents[index].id.as_str()];
        sources.extend(refund.map(|r| r.id.as_str()));
        sources.extend(dispute.map(|d| d.id.as_str()));
        json["transactions"] = Value::Array(self.transactions_of(&sources));
        json["refund"] = refund.map_or(Value::Null, |r| r.to_json(self));
        json["dispute"] = dispute.map_or(Value::Null, |d| d.to_json(self));
        json
    }

    /// A creation time strictly after the last one, in whole milliseconds: "newest first" is
    /// well defined and filters compare what clients read.
    pub(super) fn next_created_at(&mut self) -> DateTime<Utc> {
        let created_at = self
            .now()
            .trunc_subsecs(3)
            .max(self.last_created + TimeDelta::milliseconds(1));
        self.last_created = created_at;
        created_at
    }

    /// Stores a credential on the user at `user`; returns its JSON.
    pub(super) fn add_credential(
        &mut self,
        user: usize,
        credential_type: &str,
        card_last4: &str,
    ) -> Value {
        self.credentials_issued += 1;
        let record = CredentialRecord {
            id: format!("cred_{}", suffix(self.credentials_issued + 1_000_000)),
            created_at: self.next_created_at(),
            card_last4: card_last4.to_owned(),
            credential_type: credential_type.to_owned(),
        };
        let json = record.to_json();
        self.users[user].credentials.push(record);
        json
    }

    /// Adds an intent; returns its index.
    pub(super) fn insert_intent(&mut self, new: NewIntent<'_>) -> usize {
        let seq = self.intents.len() as u64 + 1;
        let id = format!("intent_sandbox_{}", suffix(seq));
        let created_at = self.next_created_at();
        self.by_id.insert(id.clone(), self.intents.len());
        self.intents.push(IntentRecord {
            id,
            idempotency_key: new.idempotency_key,
            created_at,
            direction: new.direction,
            user_id: new.user_id,
            amount: new.amount,
            status: new.status,
            decline_category: new.decline_category,
            approval_mode: if new.manual { "manual" } else { "automatic" },
            account_id: new.account_id.unwrap_or(ACCOUNT_ID).to_owned(),
            intent_type: "push",
            refund_declines: new.refund_declines,
        });
        self.intents.len() - 1
    }
}

/// A short random-looking suffix, deterministic in the sequence number.
pub(super) fn suffix(seq: u64) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut x = seq.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5DEE_CE66_D1CE_4E5B;
    (0..22)
        .map(|_| {
            // In bounds: x % 62 < 62 == ALPHABET.len().
            let c = ALPHABET[(x % 62) as usize] as char;
            x = x
                .rotate_left(7)
                .wrapping_mul(0x2545_F491_4F6C_DD1D)
                .wrapping_add(seq);
            c
        })
        .collect()
}

/// Replays the stored answer for a key, refuses a key reused with another body, or runs `fresh`.
pub(super) fn idempotent(
    store: impl Fn(&mut State) -> &mut HashMap<String, Stored>,
    state: &mut State,
    key: Option<String>,
    fingerprint: Value,
    fresh: impl FnOnce(&mut State) -> Reply,
) -> (StatusCode, Bytes) {
    if let Some(key) = &key
        && let Some(stored) = store(state).get(key)
    {
        if stored.fingerprint != fingerprint {
            return encode(error(
                StatusCode::CONFLICT,
                "this idempotency key was already used with a different request body",
            ));
        }
        return (stored.status, stored.body.clone());
    }
    let (status, body) = encode(fresh(state));
    // Only answers that did something are replayed; a refused request may be corrected and sent again.
    if let (Some(key), true) = (
        key,
        status.is_success() || status == StatusCode::UNAUTHORIZED,
    ) {
        store(state).insert(
            key,
            Stored {
                fingerprint,
                status,
                body: body.clone(),
            },
        );
    }
    (status, body)
}
