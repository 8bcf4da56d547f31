//! `GET /transfer/list`: one page of transfers, by settlement day and creation time. The
//! clients' `list_all_transfers` walks them all.
//!
//! `date.after` is published as "on or after"; `date.before` was cut off in every stored page
//! and is read as "on or before" (symmetric). To ask for one day, give it as both.

use chrono::NaiveDate;

use super::{Operation, Window, list_operation, window_setters};
use crate::{Transfer, ValidationError};

/// A validated `GET /transfer/list`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListTransfers {
    date_after: Option<NaiveDate>,
    date_before: Option<NaiveDate>,
    window: Window,
}

impl ListTransfers {
    /// Starts a builder; with no filter every transfer is listed.
    pub fn builder() -> ListTransfersBuilder {
        ListTransfersBuilder::default()
    }

    /// The transfers dated `day`: `date.after` and `date.before` both `day`.
    pub fn on(day: NaiveDate) -> Self {
        Self {
            date_after: Some(day),
            date_before: Some(day),
            window: Window::default(),
        }
    }

    /// The path and the query: `date.after`, `date.before` (`YYYY-MM-DD`), then the window
    /// (RFC 3339 in UTC) and the cursor.
    pub fn path_and_query(&self) -> String {
        let after = self.date_after.map(|d| d.format("%Y-%m-%d").to_string());
        let before = self.date_before.map(|d| d.format("%Y-%m-%d").to_string());
        let filters: Vec<_> = [("date.after", &after), ("date.before", &before)]
            .into_iter()
            .filter_map(|(name, value)| value.as_deref().map(|v| (name, v)))
            .collect();
        self.window.path_and_query(self.path_template(), &filters)
    }
}

/// Builder of [`ListTransfers`].
#[derive(Debug, Clone, Default)]
pub struct ListTransfersBuilder {
    inner: ListTransfers,
}

impl ListTransfersBuilder {
    /// Only transfers dated on or after this day.
    pub fn date_after(mut self, day: NaiveDate) -> Self {
        self.inner.date_after = Some(day);
        self
    }

    /// [`Self::date_after`] from an `Option` (`None` clears it).
    pub fn set_date_after(mut self, day: Option<NaiveDate>) -> Self {
        self.inner.date_after = day;
        self
    }

    /// Only transfers dated on or before this day.
    pub fn date_before(mut self, day: NaiveDate) -> Self {
        self.inner.date_before = Some(day);
        self
    }

    /// [`Self::date_before`] from an `Option` (`None` clears it).
    pub fn set_date_before(mut self, day: Option<NaiveDate>) -> Self {
        self.inner.date_before = day;
        self
    }

    window_setters!("transfers");

    /// Validates the filters: `date.after` not later than `date.before`.
    pub fn build(self) -> Result<ListTransfers, ValidationError> {
        if let (Some(after), Some(before)) = (self.inner.date_after, self.inner.date_before)
            && after > before
        {
            return Err(ValidationError::new(
                "date.after",
                "must not be later than date.before",
            ));
        }
        self.inner.window.validate()?;
        Ok(self.inner)
    }
}

list_operation!(ListTransfers, Transfer, "/transfer/list");

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    #[test]
    fn query_encoding_is_exact() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        let table = [
            (ListTransfers::builder(), "/transfer/list"),
            (
                ListTransfers::builder().date_after(day("2023-05-24")),
                "/transfer/list?date.after=2023-05-24",
            ),
            (
                ListTransfers::builder()
                    .date_before(day("2023-05-31"))
                    .date_after(day("2023-05-01"))
                    .created_after(at("2023-05-01T16:00:00-04:00"))
                    .cursor("vjl8vk3l4o8dhsjlzh=="),
                "/transfer/list?date.after=2023-05-01&date.before=2023-05-31&created_at.after=2023-05-01T20%3A00%3A00Z&cursor=vjl8vk3l4o8dhsjlzh%3D%3D",
            ),
            (
                ListTransfers::builder()
                    .date_after(day("2023-05-24"))
                    .date_before(day("2023-05-24")),
                "/transfer/list?date.after=2023-05-24&date.before=2023-05-24",
            ),
        ];
        for (builder, expected) in table {
            assert_eq!(builder.build().unwrap().path_and_query(), expected);
        }
        assert_eq!(
            ListTransfers::on(day("2023-05-24")).path_and_query(),
            "/transfer/list?date.after=2023-05-24&date.before=2023-05-24"
        );
        let err = ListTransfers::builder()
            .date_after(day("2023-05-25"))
            .date_before(day("2023-05-24"))
            .build()
            .unwrap_err();
        assert_eq!(err.field(), "date.after");
        assert_eq!(err.rule(), "must not be later than date.before");
    }
}
