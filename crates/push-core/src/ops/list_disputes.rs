//! `GET /dispute/list`: one page of disputes. The clients' `list_all_disputes` walks them all.

use super::{Operation, Window, list_operation, window_setters};
use crate::{Dispute, ValidationError};

/// A validated `GET /dispute/list`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListDisputes {
    window: Window,
}

impl ListDisputes {
    /// Starts a builder; with no filter every dispute is listed.
    pub fn builder() -> ListDisputesBuilder {
        ListDisputesBuilder::default()
    }

    /// The path and the query: timestamps are RFC 3339 in UTC.
    pub fn path_and_query(&self) -> String {
        self.window.path_and_query(self.path_template(), &[])
    }
}

/// Builder of [`ListDisputes`].
#[derive(Debug, Clone, Default)]
pub struct ListDisputesBuilder {
    inner: ListDisputes,
}

impl ListDisputesBuilder {
    window_setters!("disputes");

    /// Validates the filters.
    pub fn build(self) -> Result<ListDisputes, ValidationError> {
        self.inner.window.validate()?;
        Ok(self.inner)
    }
}

list_operation!(ListDisputes, Dispute, "/dispute/list");

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    #[test]
    fn query_encoding_is_exact() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let table = [
            (ListDisputes::builder(), "/dispute/list"),
            (
                ListDisputes::builder()
                    .created_after(at("2023-05-24T20:36:50.694Z"))
                    .created_before(at("2023-05-25T00:00:00+02:00"))
                    .cursor("vjl8vk3l4o8dhsjlzh=="),
                "/dispute/list?created_at.after=2023-05-24T20%3A36%3A50.694Z&created_at.before=2023-05-24T22%3A00%3A00Z&cursor=vjl8vk3l4o8dhsjlzh%3D%3D",
            ),
        ];
        for (builder, expected) in table {
            assert_eq!(builder.build().unwrap().path_and_query(), expected);
        }
        let err = ListDisputes::builder()
            .created_after(at("2023-05-25T00:00:00Z"))
            .created_before(at("2023-05-24T00:00:00Z"))
            .build()
            .unwrap_err();
        assert_eq!(err.field(), "created_at.after");
    }
}
