//! `GET /intent/list`: one page of intents, filtered. The clients' `list_all` walks them all.

use super::{Operation, Window, known, list_operation, window_setters};
use crate::{Intent, IntentStatus, IntentType, ValidationError};

/// A validated `GET /intent/list`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListIntents {
    statuses: Vec<IntentStatus>,
    intent_type: Option<IntentType>,
    window: Window,
}

impl ListIntents {
    /// Starts a builder; with no filter every intent is listed, newest first.
    pub fn builder() -> ListIntentsBuilder {
        ListIntentsBuilder::default()
    }

    /// The path and the query: `status` repeats, timestamps are RFC 3339 in UTC.
    pub fn path_and_query(&self) -> String {
        let mut filters: Vec<_> = self
            .statuses
            .iter()
            .map(|s| ("status", s.as_str()))
            .collect();
        if let Some(intent_type) = &self.intent_type {
            filters.push(("type", intent_type.as_str()));
        }
        self.window.path_and_query(self.path_template(), &filters)
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

    window_setters!("intents");

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
        self.inner.window.validate()?;
        Ok(self.inner)
    }
}

list_operation!(ListIntents, Intent, "/intent/list");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApiToken, Config, Environment};
    use chrono::{DateTime, Utc};

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
