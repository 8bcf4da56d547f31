//! `GET /user/list`: one page of users, filtered. The clients' `list_all_users` walks them all.

use super::{Operation, Window, known, list_operation, window_setters};
use crate::{User, UserStatus, ValidationError};

/// A validated `GET /user/list`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListUsers {
    statuses: Vec<UserStatus>,
    window: Window,
}

impl ListUsers {
    /// Starts a builder; with no filter every user is listed.
    pub fn builder() -> ListUsersBuilder {
        ListUsersBuilder::default()
    }

    /// The path and the query: `status` repeats, timestamps are RFC 3339 in UTC.
    pub fn path_and_query(&self) -> String {
        let statuses: Vec<_> = self
            .statuses
            .iter()
            .map(|s| ("status", s.as_str()))
            .collect();
        self.window.path_and_query(self.path_template(), &statuses)
    }
}

/// Builder of [`ListUsers`].
#[derive(Debug, Clone, Default)]
pub struct ListUsersBuilder {
    inner: ListUsers,
}

impl ListUsersBuilder {
    /// Adds a status; users with any of the given statuses are listed.
    pub fn status(mut self, status: UserStatus) -> Self {
        self.inner.statuses.push(status);
        self
    }

    /// Adds several statuses.
    pub fn statuses(mut self, statuses: impl IntoIterator<Item = UserStatus>) -> Self {
        self.inner.statuses.extend(statuses);
        self
    }

    window_setters!("users");

    /// Validates the filters.
    pub fn build(self) -> Result<ListUsers, ValidationError> {
        for status in &self.inner.statuses {
            known("status", status, status.is_known())?;
        }
        self.inner.window.validate()?;
        Ok(self.inner)
    }
}

list_operation!(ListUsers, User, "/user/list");

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    #[test]
    fn query_encoding_is_exact() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let table = [
            (ListUsers::builder(), "/user/list"),
            (
                ListUsers::builder()
                    .status(UserStatus::Enabled)
                    .status(UserStatus::Suspended),
                "/user/list?status=enabled&status=suspended",
            ),
            (
                ListUsers::builder()
                    .created_after(at("2023-04-10T05:10:14.532Z"))
                    .created_before(at("2023-05-01T00:00:00Z"))
                    .cursor("a+b/c=="),
                "/user/list?created_at.after=2023-04-10T05%3A10%3A14.532Z&created_at.before=2023-05-01T00%3A00%3A00Z&cursor=a%2Bb%2Fc%3D%3D",
            ),
        ];
        for (builder, expected) in table {
            assert_eq!(builder.build().unwrap().path_and_query(), expected);
        }
        let err = ListUsers::builder()
            .status(UserStatus::from("frozen"))
            .build()
            .unwrap_err();
        assert_eq!(err.field(), "status");
    }
}
