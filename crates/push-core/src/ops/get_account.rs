//! `GET /account/{id}`: one settlement or dispute account and its balance.

use super::get_operation;
use crate::{Account, AccountId};

get_operation! {
    /// A validated `GET /account/{id}`.
    GetAccount(AccountId) -> Account, "/account/{id}", reserved: ["list"]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::Operation;
    use crate::{ApiToken, Config, Environment};

    #[test]
    fn encodes_one_segment_and_refuses_ids_that_change_the_path() {
        let config = Config::new(ApiToken::new("t").unwrap(), Environment::Sandbox);
        let base = "/account/";
        for (id, segment) in [
            (
                "account_WsELzpJOvU6fNafvzWbF6K",
                "account_WsELzpJOvU6fNafvzWbF6K",
            ),
            ("a/b", "a%2Fb"),
            ("../x", "..%2Fx"),
        ] {
            let request = GetAccount::new(id).unwrap().encode(&config).unwrap();
            assert_eq!(request.method(), http::Method::GET);
            assert_eq!(request.uri().path(), format!("{base}{segment}"));
            assert_eq!(request.uri().query(), None);
            assert!(request.body().is_empty());
        }
        for id in ["", ".", "..", "list"] {
            assert_eq!(GetAccount::new(id).unwrap_err().field(), "id", "{id:?}");
        }
    }
}
