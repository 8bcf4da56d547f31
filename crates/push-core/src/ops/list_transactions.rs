//! `GET /transaction/list`: one page of ledger transactions, by account and creation time. The
//! clients' `list_all_transactions` walks them all.

use super::{Operation, Window, list_operation, window_setters};
use crate::{AccountId, Transaction, ValidationError};

/// A validated `GET /transaction/list`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListTransactions {
    account_id: Option<AccountId>,
    window: Window,
}

impl ListTransactions {
    /// Starts a builder; with no filter every transaction of every account is listed.
    pub fn builder() -> ListTransactionsBuilder {
        ListTransactionsBuilder::default()
    }

    /// The transactions created on `day` (UTC), like `ListTransfers::on(day)` for transfers:
    /// `created_at.after` a millisecond before its midnight (Push may read "after" as
    /// exclusive), `created_at.before` the next midnight.
    pub fn on(day: chrono::NaiveDate) -> Self {
        let midnight = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        let window = Window {
            created_after: Some(midnight(day) - chrono::TimeDelta::milliseconds(1)),
            created_before: day.succ_opt().map(midnight),
            ..Window::default()
        };
        Self {
            account_id: None,
            window,
        }
    }

    /// The account filter, if any.
    pub fn account_id(&self) -> Option<&AccountId> {
        self.account_id.as_ref()
    }

    /// The path and the query: `account_id`, then the window (RFC 3339 in UTC) and the cursor.
    pub fn path_and_query(&self) -> String {
        let filters: Vec<_> = self
            .account_id
            .iter()
            .map(|id| ("account_id", id.as_str()))
            .collect();
        self.window.path_and_query(self.path_template(), &filters)
    }
}

/// Builder of [`ListTransactions`].
#[derive(Debug, Clone, Default)]
pub struct ListTransactionsBuilder {
    inner: ListTransactions,
}

impl ListTransactionsBuilder {
    /// Only this account's transactions.
    pub fn account_id(mut self, id: impl Into<AccountId>) -> Self {
        self.inner.account_id = Some(id.into());
        self
    }

    /// [`Self::account_id`] from an `Option` (`None` clears it).
    pub fn set_account_id(mut self, id: Option<impl Into<AccountId>>) -> Self {
        self.inner.account_id = id.map(Into::into);
        self
    }

    window_setters!("transactions");

    /// Validates the filters.
    pub fn build(self) -> Result<ListTransactions, ValidationError> {
        if let Some(id) = &self.inner.account_id
            && id.as_str().trim().is_empty()
        {
            return Err(ValidationError::new("account_id", "must not be empty"));
        }
        self.inner.window.validate()?;
        Ok(self.inner)
    }
}

list_operation!(ListTransactions, Transaction, "/transaction/list");

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    #[test]
    fn one_day() {
        let day: chrono::NaiveDate = "2026-12-03".parse().unwrap();
        assert_eq!(
            ListTransactions::on(day).path_and_query(),
            "/transaction/list?created_at.after=2026-12-02T23%3A59%3A59.999Z&created_at.before=2026-12-04T00%3A00%3A00Z"
        );
    }

    #[test]
    fn query_encoding_is_exact() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let table = [
            (ListTransactions::builder(), "/transaction/list"),
            (
                ListTransactions::builder().account_id("account_28CJjV7P4Go5PNJvfzghiD"),
                "/transaction/list?account_id=account_28CJjV7P4Go5PNJvfzghiD",
            ),
            (
                ListTransactions::builder()
                    .account_id("acc&x=1")
                    .created_after(at("2023-05-24T00:00:00Z"))
                    .created_before(at("2023-05-25T00:00:00.5Z"))
                    .cursor("a+b/c=="),
                "/transaction/list?account_id=acc%26x%3D1&created_at.after=2023-05-24T00%3A00%3A00Z&created_at.before=2023-05-25T00%3A00%3A00.500Z&cursor=a%2Bb%2Fc%3D%3D",
            ),
        ];
        for (builder, expected) in table {
            assert_eq!(builder.build().unwrap().path_and_query(), expected);
        }
        for bad in ["", "  "] {
            let err = ListTransactions::builder()
                .account_id(bad)
                .build()
                .unwrap_err();
            assert_eq!(err.field(), "account_id");
        }
    }
}
