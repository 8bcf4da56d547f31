//! `GET /dispute/{id}`: one dispute.

use super::get_operation;
use crate::{Dispute, DisputeId};

get_operation! {
    /// A validated `GET /dispute/{id}`.
    GetDispute(DisputeId) -> Dispute, "/dispute/{id}", reserved: ["list"]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::Operation;
    use crate::{ApiToken, Config, Environment};

    #[test]
    fn encodes_one_segment_and_refuses_ids_that_change_the_path() {
        let config = Config::new(ApiToken::new("t").unwrap(), Environment::Sandbox);
        let base = "/dispute/";
        for (id, segment) in [
            ("dispute_0293cj9ru032lisdjow", "dispute_0293cj9ru032lisdjow"),
            ("a/b", "a%2Fb"),
            ("../x", "..%2Fx"),
        ] {
            let request = GetDispute::new(id).unwrap().encode(&config).unwrap();
            assert_eq!(request.method(), http::Method::GET);
            assert_eq!(request.uri().path(), format!("{base}{segment}"));
            assert_eq!(request.uri().query(), None);
            assert!(request.body().is_empty());
        }
        for id in ["", ".", "..", "list"] {
            assert_eq!(GetDispute::new(id).unwrap_err().field(), "id", "{id:?}");
        }
    }
}
