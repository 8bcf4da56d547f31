//! `GET /account/list`: every settlement and dispute account, with balances. Push does not page
//! it and takes no filter (the reference has none; an older guide's `?type=settlement` on
//! `/accounts/list` disagrees with it and is not sent).

use http::Method;

use super::{Operation, decode_success};
use crate::{Accounts, Config, Error, Request, Response, RetrySafety};

/// `GET /account/list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ListAccounts;

impl Operation for ListAccounts {
    type Output = Accounts;

    fn method(&self) -> Method {
        Method::GET
    }

    fn path_template(&self) -> &'static str {
        "/account/list"
    }

    fn retry_safety(&self) -> RetrySafety {
        RetrySafety::Idempotent
    }

    fn encode(&self, config: &Config) -> Result<Request, Error> {
        Ok(config.request(self.method(), self.path_template(), None)?)
    }

    fn decode(&self, response: Response) -> Result<Accounts, Error> {
        decode_success(&response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApiToken, Environment};

    #[test]
    fn sends_no_query_and_reads_a_data_list() {
        let config = Config::new(ApiToken::new("t").unwrap(), Environment::Sandbox);
        let request = ListAccounts.encode(&config).unwrap();
        assert_eq!(request.method(), Method::GET);
        assert_eq!(
            request.uri().to_string(),
            "https://sandbox.pushcash.com/account/list"
        );
        let response = http::Response::builder()
            .status(200)
            .body(bytes::Bytes::from_static(
                br#"{"data":[{"id":"account_1","type":"settlement","name":"NJ","balance":-5,"created_at":"2024-01-01T17:50:43Z"}]}"#,
            ))
            .unwrap();
        let accounts = ListAccounts.decode(response).unwrap();
        assert_eq!(accounts.data[0].balance, Some(-5));
        assert_eq!(accounts.next_cursor, None);
    }
}
