//! `GET /transaction/{id}`: one ledger transaction.

use super::get_operation;
use crate::{Transaction, TransactionId};

get_operation! {
    /// A validated `GET /transaction/{id}`.
    GetTransaction(TransactionId) -> Transaction, "/transaction/{id}", reserved: ["list"]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::Operation;
    use crate::{ApiToken, Config, Environment};

    #[test]
    fn encodes_one_segment_and_refuses_ids_that_change_the_path() {
        let config = Config::new(ApiToken::new("t").unwrap(), Environment::Sandbox);
        let base = "/transaction/";
        for (id, segment) in [
            ("txn_CpiSd1bptYB5P55ysTDHg", "txn_CpiSd1bptYB5P55ysTDHg"),
            ("a/b", "a%2Fb"),
            ("../x", "..%2Fx"),
        ] {
            let request = GetTransaction::new(id).unwrap().encode(&config).unwrap();
            assert_eq!(request.method(), http::Method::GET);
            assert_eq!(request.uri().path(), format!("{base}{segment}"));
            assert_eq!(request.uri().query(), None);
            assert!(request.body().is_empty());
        }
        for id in ["", ".", "..", "list"] {
            assert_eq!(GetTransaction::new(id).unwrap_err().field(), "id", "{id:?}");
        }
    }
}
