//! `GET /user/list`: one page of users, filtered. The clients' `list_all_users` walks them all.

use chrono::{DateTime, SecondsFormat, Utc};
use http::Method;

use super::{Operation, known};
use crate::paging::{ListOperation, decode_page, push_cursor};
use crate::{
    Config, Cursor, Error, Page, Request, Response, RetrySafety, User, UserStatus, ValidationError,
};

/// A validated `GET /user/list`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListUsers {
    statuses: Vec<UserStatus>,
    created_after: Option<DateTime<Utc>>,
    created_before: Option<DateTime<Utc>>,
    cursor: Option<Cursor>,
}

impl ListUsers {
    /// Starts a builder; with no filter every user is listed.
    pub fn builder() -> ListUsersBuilder {
        ListUsersBuilder::default()
    }

    /// The path and the query: `status` repeats, timestamps are RFC 3339 in UTC.
    pub fn path_and_query(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for status in &self.statuses {
            query.append_pair("status", status.as_str());
        }
        for (name, at) in [
            ("created_at.after", self.created_after),
            ("created_at.before", self.created_before),
        ] {
            if let Some(at) = at {
                query.append_pair(name, &at.to_rfc3339_opts(SecondsFormat::AutoSi, true));
            }
        }
        if let Some(page) = push_cursor(self.cursor.as_ref()) {
            query.append_pair("cursor", page.as_str());
        }
        let query = query.finish();
        if query.is_empty() {
            self.path_template().to_owned()
        } else {
            format!("{}?{query}", self.path_template())
        }
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

    /// Only users created after this instant.
    pub fn created_after(mut self, at: DateTime<Utc>) -> Self {
        self.inner.created_after = Some(at);
        self
    }

    /// [`Self::created_after`] from an `Option` (`None` clears it).
    pub fn set_created_after(mut self, at: Option<DateTime<Utc>>) -> Self {
        self.inner.created_after = at;
        self
    }

    /// Only users created before this instant.
    pub fn created_before(mut self, at: DateTime<Utc>) -> Self {
        self.inner.created_before = Some(at);
        self
    }

    /// [`Self::created_before`] from an `Option` (`None` clears it).
    pub fn set_created_before(mut self, at: Option<DateTime<Utc>>) -> Self {
        self.inner.created_before = at;
        self
    }

    /// Starts (or resumes) from this cursor.
    pub fn cursor(mut self, cursor: impl Into<Cursor>) -> Self {
        self.inner.cursor = Some(cursor.into());
        self
    }

    /// [`Self::cursor`] from an `Option` (`None` clears it).
    pub fn set_cursor(mut self, cursor: Option<impl Into<Cursor>>) -> Self {
        self.inner.cursor = cursor.map(Into::into);
        self
    }

    /// Validates the filters.
    pub fn build(self) -> Result<ListUsers, ValidationError> {
        for status in &self.inner.statuses {
            known("status", status, status.is_known())?;
        }
        if let (Some(after), Some(before)) = (self.inner.created_after, self.inner.created_before)
            && after >= before
        {
            return Err(ValidationError::new(
                "created_at.after",
                "must be before created_at.before",
            ));
        }
        if self
            .inner
            .cursor
            .as_ref()
            .is_some_and(|c| c.as_str().is_empty())
        {
            return Err(ValidationError::new("cursor", "must not be empty"));
        }
        Ok(self.inner)
    }
}

impl Operation for ListUsers {
    type Output = Page<User>;

    fn method(&self) -> Method {
        Method::GET
    }

    fn path_template(&self) -> &'static str {
        "/user/list"
    }

    fn retry_safety(&self) -> RetrySafety {
        RetrySafety::Idempotent
    }

    fn encode(&self, config: &Config) -> Result<Request, Error> {
        Ok(config.request(self.method(), &self.path_and_query(), None)?)
    }

    fn decode(&self, response: Response) -> Result<Page<User>, Error> {
        decode_page(self, &response)
    }
}

impl ListOperation for ListUsers {
    type Item = User;

    fn cursor(&self) -> Option<&Cursor> {
        self.cursor.as_ref()
    }

    fn with_cursor(&self, cursor: Option<Cursor>) -> Self {
        Self {
            cursor,
            ..self.clone()
        }
    }

    fn item_id(item: &User) -> &str {
        item.id.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
