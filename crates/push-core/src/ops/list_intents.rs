//! `GET /intent/list`: one page of intents, filtered. The clients' `list_all` walks them all.

use chrono::{DateTime, SecondsFormat, Utc};
use http::Method;

use super::{Operation, known};
use crate::RetrySafety;
use crate::paging::{ListOperation, decode_page, push_cursor};
use crate::{
    Config, Cursor, Error, Intent, IntentPage, IntentStatus, IntentType, Request, Response,
    ValidationError,
};

/// A validated `GET /intent/list`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListIntents {
    statuses: Vec<IntentStatus>,
    intent_type: Option<IntentType>,
    created_after: Option<DateTime<Utc>>,
    created_before: Option<DateTime<Utc>>,
    cursor: Option<Cursor>,
}

impl ListIntents {
    /// Starts a builder; with no filter every intent is listed, newest first.
    pub fn builder() -> ListIntentsBuilder {
        ListIntentsBuilder::default()
    }

    /// The path and the query: `status` repeats, timestamps are RFC 3339 in UTC.
    pub fn path_and_query(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for status in &self.statuses {
            query.append_pair("status", status.as_str());
        }
        if let Some(intent_type) = &self.intent_type {
            query.append_pair("type", intent_type.as_str());
        }
        if let Some(after) = &self.created_after {
            query.append_pair(
                "created_at.after",
                &after.to_rfc3339_opts(SecondsFormat::AutoSi, true),
            );
        }
        if let Some(before) = &self.created_before {
            query.append_pair(
                "created_at.before",
                &before.to_rfc3339_opts(SecondsFormat::AutoSi, true),
            );
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

/// Builder of [`ListIntents`].
#[derive(Debug, Clone, Default)]
pub struct ListIntentsBuilder {
    inner: ListIntents,
}

impl ListIntentsBuilder {
    /// Adds a status; intents with any of the given statuses are listed.
    pub fn status(mut self, status: IntentStatus) -> Self {
        self.inner.statuses.push(status);
        self
    }

    /// Adds several statuses.
    pub fn statuses(mut self, statuses: impl IntoIterator<Item = IntentStatus>) -> Self {
        self.inner.statuses.extend(statuses);
        self
    }

    /// Only this payment flow type (`push` or `card_only`).
    pub fn intent_type(mut self, intent_type: IntentType) -> Self {
        self.inner.intent_type = Some(intent_type);
        self
    }

    /// [`Self::intent_type`] from an `Option` (`None` clears it), for callers holding options.
    pub fn set_intent_type(mut self, intent_type: Option<IntentType>) -> Self {
        self.inner.intent_type = intent_type;
        self
    }

    /// Only intents created after this instant.
    pub fn created_after(mut self, at: DateTime<Utc>) -> Self {
        self.inner.created_after = Some(at);
        self
    }

    /// [`Self::created_after`] from an `Option` (`None` clears it), for callers holding options.
    pub fn set_created_after(mut self, at: Option<DateTime<Utc>>) -> Self {
        self.inner.created_after = at;
        self
    }

    /// Only intents created before this instant.
    pub fn created_before(mut self, at: DateTime<Utc>) -> Self {
        self.inner.created_before = Some(at);
        self
    }

    /// [`Self::created_before`] from an `Option` (`None` clears it), for callers holding options.
    pub fn set_created_before(mut self, at: Option<DateTime<Utc>>) -> Self {
        self.inner.created_before = at;
        self
    }

    /// Starts (or resumes) from this cursor.
    pub fn cursor(mut self, cursor: impl Into<Cursor>) -> Self {
        self.inner.cursor = Some(cursor.into());
        self
    }

    /// [`Self::cursor`] from an `Option` (`None` clears it), for callers holding options.
    pub fn set_cursor(mut self, cursor: Option<impl Into<Cursor>>) -> Self {
        self.inner.cursor = cursor.map(Into::into);
        self
    }

    /// Validates the filters.
    pub fn build(self) -> Result<ListIntents, ValidationError> {
        for status in &self.inner.statuses {
            known("status", status, status.is_known())?;
        }
        if let Some(intent_type) = &self.inner.intent_type
            && !matches!(intent_type, IntentType::Push | IntentType::CardOnly)
        {
            return Err(ValidationError::new(
                "type",
                format!("must be push or card_only (got `{intent_type}`)"),
            ));
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

impl Operation for ListIntents {
    type Output = IntentPage;
    fn method(&self) -> Method {
        Method::GET
    }
    fn path_template(&self) -> &'static str {
        "/intent/list"
    }

    fn retry_safety(&self) -> RetrySafety {
        RetrySafety::Idempotent
    }

    fn encode(&self, config: &Config) -> Result<Request, Error> {
        Ok(config.request(self.method(), &self.path_and_query(), None)?)
    }

    fn decode(&self, response: Response) -> Result<IntentPage, Error> {
        decode_page(self, &response)
    }
}

impl ListOperation for ListIntents {
    type Item = Intent;

    fn cursor(&self) -> Option<&Cursor> {
        self.cursor.as_ref()
    }

    fn with_cursor(&self, cursor: Option<Cursor>) -> Self {
        Self {
            cursor,
            ..self.clone()
        }
    }

    fn item_id(item: &Intent) -> &str {
        item.id.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApiToken, Environment};

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn query_encoding_is_exact() {
        let table = [
            (ListIntents::builder(), "/intent/list"),
            (
                ListIntents::builder()
                    .status(IntentStatus::Approved)
                    .status(IntentStatus::Pending),
                "/intent/list?status=approved&status=pending",
            ),
            (
                ListIntents::builder().intent_type(IntentType::CardOnly),
                "/intent/list?type=card_only",
            ),
            (
                ListIntents::builder()
                    .created_after(at("2023-05-24T20:36:50.694Z"))
                    .created_before(at("2023-05-25T00:00:00+02:00")),
                "/intent/list?created_at.after=2023-05-24T20%3A36%3A50.694Z&created_at.before=2023-05-24T22%3A00%3A00Z",
            ),
            (
                ListIntents::builder().cursor("vjl8vk3l4o8dhsjlzh=="),
                "/intent/list?cursor=vjl8vk3l4o8dhsjlzh%3D%3D",
            ),
            (
                ListIntents::builder().cursor("a+b/c=d e&f"),
                "/intent/list?cursor=a%2Bb%2Fc%3Dd+e%26f",
            ),
            (
                ListIntents::builder()
                    .status(IntentStatus::Declined)
                    .intent_type(IntentType::Push)
                    .cursor("c"),
                "/intent/list?status=declined&type=push&cursor=c",
            ),
        ];
        for (builder, expected) in table {
            assert_eq!(builder.build().unwrap().path_and_query(), expected);
        }
    }

    #[test]
    fn the_query_parses_back_to_the_filters() {
        let op = ListIntents::builder()
            .status(IntentStatus::Created)
            .cursor("x+/=y")
            .build()
            .unwrap();
        let config = Config::new(ApiToken::new("t").unwrap(), Environment::Sandbox);
        let request = op.encode(&config).unwrap();
        let pairs: Vec<(String, String)> =
            form_urlencoded::parse(request.uri().query().unwrap().as_bytes())
                .into_owned()
                .collect();
        assert_eq!(
            pairs,
            [
                ("status".into(), "created".into()),
                ("cursor".into(), "x+/=y".into())
            ]
        );
        assert_eq!(request.uri().path(), "/intent/list");
    }

    #[test]
    fn filters_are_validated() {
        let table = [
            (
                ListIntents::builder().status(IntentStatus::from("held")),
                "status",
                "unknown value `held` cannot be sent",
            ),
            (
                ListIntents::builder().intent_type(IntentType::ApplePay),
                "type",
                "must be push or card_only (got `apple_pay`)",
            ),
            (
                ListIntents::builder()
                    .created_after(at("2024-01-02T00:00:00Z"))
                    .created_before(at("2024-01-01T00:00:00Z")),
                "created_at.after",
                "must be before created_at.before",
            ),
            (
                ListIntents::builder()
                    .created_after(at("2024-01-01T00:00:00Z"))
                    .created_before(at("2024-01-01T00:00:00Z")),
                "created_at.after",
                "must be before created_at.before",
            ),
            (
                ListIntents::builder().cursor(""),
                "cursor",
                "must not be empty",
            ),
        ];
        for (builder, field, rule) in table {
            let err = builder.build().unwrap_err();
            assert_eq!((err.field(), err.rule()), (field, rule));
        }
    }
}
