//! One stored entry as raw columns, read back the same way by every backend: a bad value is a
//! [`JournalError::Corrupt`], never a panic.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::{Entry, JournalError, NewEntry};

/// The columns of `entries`, in the order [`Row`] holds them (`amount` apart).
pub(crate) const COLUMNS: &str = "reference, operation, state, dedup, digest, amount, direction, user_id, \
                       owner, created_at, finished_at, result_id, result_status, detail, request, result";

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
    pub(crate) text: [Option<String>; 15],
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
            request,
            result,
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
            request,
        };
        Ok(Entry {
            call,
            state,
            created_at: parse_time(&required(created_at, "created_at")?)?,
            finished_at: finished_at.as_deref().map(parse_time).transpose()?,
            result_id,
            result_status,
            detail,
            result,
            owner: required(owner, "owner")?,
        })
    }
}

/// The positions of [`Row::text`]'s columns in [`COLUMNS`] (all but `amount`, 5).
pub(crate) const TEXT_INDEXES: [usize; 15] = [0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/// Sets a failed entry (nothing happened at Push) pending again under a new owner, when the same
/// request claims it: a known failure may be retried. `$1` reference, `$2` owner, `$3` time,
/// `$4` digest, `$5` operation.
pub(crate) const REOPEN: &str = "SET state = 'pending', owner = $2, created_at = $3, \
     finished_at = NULL, result_id = NULL, result_status = NULL, detail = NULL, result = NULL \
     WHERE reference = $1 AND state = 'failed' AND digest = $4 AND operation = $5";

/// Records an outcome: `$1` reference, `$2` state, `$3` time, `$4`-`$7` the outcome's columns.
pub(crate) const FINISH: &str = "SET state = $2, finished_at = $3, result_id = $4, \
     result_status = $5, detail = $6, result = $7 WHERE reference = $1";

/// The values of a claim's insert: the written-ahead columns, then the outcome's, empty.
pub(crate) const INSERT_VALUES: &str = "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
     NULL, NULL, NULL, NULL, $11, NULL) ON CONFLICT (reference) DO NOTHING";
