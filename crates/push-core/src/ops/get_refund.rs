//! `GET /refund/{id}`: one refund (approved or declined).

use super::get_operation;
use crate::{Refund, RefundId};

get_operation! {
    /// A validated `GET /refund/{id}`.
    GetRefund(RefundId) -> Refund, "/refund/{id}", reserved: []
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::Operation;
    use crate::{ApiToken, Config, Environment};

    #[test]
    fn encodes_one_segment_and_refuses_ids_that_change_the_path() {
        let config = Config::new(ApiToken::new("t").unwrap(), Environment::Sandbox);
        let base = "/refund/";
        for (id, segment) in [
            (
                "refund_28CJjV7P4Go5PNJvfzghiD",
                "refund_28CJjV7P4Go5PNJvfzghiD",
            ),
            ("a/b", "a%2Fb"),
            ("../x", "..%2Fx"),
        ] {
            let request = GetRefund::new(id).unwrap().encode(&config).unwrap();
            assert_eq!(request.method(), http::Method::GET);
            assert_eq!(request.uri().path(), format!("{base}{segment}"));
            assert_eq!(request.uri().query(), None);
            assert!(request.body().is_empty());
        }
        for id in ["", ".", ".."] {
            assert_eq!(GetRefund::new(id).unwrap_err().field(), "id", "{id:?}");
        }
    }
}
