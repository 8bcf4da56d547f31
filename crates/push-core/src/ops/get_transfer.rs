//! `GET /transfer/{id}`: one transfer, with the transactions it nets.

use super::get_operation;
use crate::{Transfer, TransferId};

get_operation! {
    /// A validated `GET /transfer/{id}`.
    GetTransfer(TransferId) -> Transfer, "/transfer/{id}", reserved: ["list"]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::Operation;
    use crate::{ApiToken, Config, Environment};

    #[test]
    fn encodes_one_segment_and_refuses_ids_that_change_the_path() {
        let config = Config::new(ApiToken::new("t").unwrap(), Environment::Sandbox);
        let base = "/transfer/";
        for (id, segment) in [
            ("transfer_xle830ef8djeoiu", "transfer_xle830ef8djeoiu"),
            ("a/b", "a%2Fb"),
            ("../x", "..%2Fx"),
        ] {
            let request = GetTransfer::new(id).unwrap().encode(&config).unwrap();
            assert_eq!(request.method(), http::Method::GET);
            assert_eq!(request.uri().path(), format!("{base}{segment}"));
            assert_eq!(request.uri().query(), None);
            assert!(request.body().is_empty());
        }
        for id in ["", ".", "..", "list"] {
            assert_eq!(GetTransfer::new(id).unwrap_err().field(), "id", "{id:?}");
        }
    }
}
