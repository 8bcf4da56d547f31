//! What every list route shares: the `created_at.after` / `created_at.before` window, the
//! cursor (an index into the store, opaque and full of `+`, `/` and `=` on the wire), and the
//! newest-first page walk.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::StatusCode;
use serde_json::{Value, json};

use super::request::{Reply, cursor_for, index_of, invalid};

/// A list request's window and where its page starts.
pub(super) struct Window {
    after: Option<DateTime<Utc>>,
    before: Option<DateTime<Utc>>,
    /// Items below this index are listed, newest (highest) first.
    start: usize,
}

impl Window {
    /// Reads the window and cursor of a list over `len` items; every other parameter goes to
    /// `filter`, which may refuse it.
    pub(super) fn parse(
        request: &http::Request<Bytes>,
        len: usize,
        mut filter: impl FnMut(&str, &str) -> Result<(), Reply>,
    ) -> Result<Self, Reply> {
        let mut window = Window {
            after: None,
            before: None,
            start: len,
        };
        let query = request.uri().query().unwrap_or("");
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            let timestamp = |value: &str| {
                DateTime::parse_from_rfc3339(value)
                    .map(|d| d.to_utc())
                    .map_err(|_| invalid(&name, "must be an RFC 3339 timestamp"))
            };
            match name.as_ref() {
                "created_at.after" => window.after = Some(timestamp(&value)?),
                "created_at.before" => window.before = Some(timestamp(&value)?),
                "cursor" => match index_of(&value) {
                    Some(index) if index <= len => window.start = index,
                    _ => return Err(invalid("cursor", "is not a cursor this server issued")),
                },
                other => filter(other, &value)?,
            }
        }
        Ok(window)
    }

    /// One page of `items` (oldest first in the store) newest first: those in the window that
    /// `matches` keeps, as `to_json` writes them, with the cursor of the next page if any.
    pub(super) fn page<T>(
        &self,
        items: &[T],
        page_size: usize,
        created_at: impl Fn(&T) -> DateTime<Utc>,
        matches: impl Fn(&T) -> bool,
        to_json: impl Fn(&T) -> Value,
    ) -> Reply {
        let keep = |item: &T| {
            let at = created_at(item);
            matches(item)
                && self.after.is_none_or(|after| at > after)
                && self.before.is_none_or(|before| at < before)
        };
        let mut data = Vec::with_capacity(page_size);
        // In bounds: `start` is at most `items.len()` (checked in `parse`), and only decreases.
        let mut index = self.start.min(items.len());
        while index > 0 && data.len() < page_size {
            index -= 1;
            if keep(&items[index]) {
                data.push(to_json(&items[index]));
            }
        }
        let more = items[..index].iter().any(keep);
        (
            StatusCode::OK,
            json!({ "data": data, "next_cursor": more.then(|| cursor_for(index)) }),
        )
    }
}
