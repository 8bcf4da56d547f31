//! One stored entry as raw columns, read back the same way by every backend: a bad value is a
//! [`JournalError::Corrupt`], never a panic.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::{Entry, JournalError, NewEntry};

/// The columns of `entries`, in the order [`Row`] holds them.
pub(crate) const COLUMNS: &str = "reference, operation, state, dedup, digest, amount, direction, user_id, \
                       owner, created_at, finished_at, result_id, result_status, detail";

pub(crate) fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn parse_time(text: &str) -> Result<DateTime<Utc>, JournalError> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.to_utc())
        .map_err(|err| JournalError::Corrupt(format!("timestamp `{text}`: {err}")))
}

/// The raw columns of a row, read without interpretation (so a bad value is a
/// [`JournalError::Corrupt`], not a panic or a SQLite error).
pub(crate) struct Row {
    pub(crate) text: [Option<String>; 13],
    pub(crate) amount: Option<i64>,
}

impl Row {
    pub(crate) fn entry(self) -> Result<Entry, JournalError> {
        let [
            reference,
            operation,
            state,
            dedup,
            digest,
            direction,
            user_id,
            owner,
            created_at,
            finished_at,
            result_id,
            result_status,
            detail,
        ] = self.text;
        let required = |value: Option<String>, name: &str| {
            value.ok_or_else(|| JournalError::Corrupt(format!("{name} is missing")))
        };
        let operation = required(operation, "operation")?
            .parse()
            .map_err(JournalError::Corrupt)?;
        let state = required(state, "state")?
            .parse()
            .map_err(JournalError::Corrupt)?;
        let call = NewEntry {
            reference: required(reference, "reference")?,
            operation,
            dedup,
            digest: required(digest, "digest")?,
            amount: self.amount,
            direction,
            user_id,
        };
        Ok(Entry {
            call,
            state,
            created_at: parse_time(&required(created_at, "created_at")?)?,
            finished_at: finished_at.as_deref().map(parse_time).transpose()?,
            result_id,
            result_status,
            detail,
            owner: required(owner, "owner")?,
        })
    }
}
