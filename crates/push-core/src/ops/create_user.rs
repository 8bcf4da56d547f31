//! `POST /user`: register an end user with Push, once per user of yours.
//!
//! Push deduplicates on `tag` (your own user id): the same tag returns the same user. So a
//! `CreateUser` with a tag is retried like a read, and one without is retried only when it
//! provably never left. Set the tag.

use chrono::NaiveDate;
use http::Method;
use serde::{Deserialize, Serialize};

use super::{Operation, decode_success, json_body, known};
use crate::{
    Address, Config, CreatedUser, Error, GovernmentId, GovernmentIdType, LegalName, Request,
    Response, RetrySafety, ValidationError, validate,
};

/// A validated `POST /user`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateUser {
    body: Body,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Body {
    name: LegalName,
    email: String,
    address: Address,
    date_of_birth: NaiveDate,
    government_id: GovernmentId,
    identity_verified: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tag: Option<String>,
}

impl CreateUser {
    /// Starts a builder: name, email, address, date of birth, government id and whether you
    /// verified the user's identity are required; phone number and tag are optional.
    pub fn builder() -> CreateUserBuilder {
        CreateUserBuilder::default()
    }

    /// The tag: your user id, and Push's deduplication key for this call.
    pub fn tag(&self) -> Option<&str> {
        self.body.tag.as_deref()
    }
}

/// Builder of [`CreateUser`]; everything is checked in [`CreateUserBuilder::build`].
#[derive(Debug, Clone, Default)]
pub struct CreateUserBuilder {
    name: Option<LegalName>,
    email: Option<String>,
    address: Option<Address>,
    date_of_birth: Option<String>,
    government_id: Option<GovernmentId>,
    identity_verified: Option<bool>,
    phone_number: Option<String>,
    tag: Option<String>,
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident, $set:ident: $ty:ty => $into:expr;)+) => {$(
        $(#[$doc])*
        pub fn $name(mut self, value: impl Into<$ty>) -> Self {
            self.$name = Some($into(value.into()));
            self
        }

        #[doc = concat!("[`Self::", stringify!($name), "`] from an `Option` (`None` clears it).")]
        pub fn $set(mut self, value: Option<impl Into<$ty>>) -> Self {
            self.$name = value.map(|v| $into(v.into()));
            self
        }
    )+};
}

impl CreateUserBuilder {
    setters! {
        /// The legal name (required).
        name, set_name: LegalName => std::convert::identity;
        /// The email address (required).
        email, set_email: String => std::convert::identity;
        /// The primary residential address (required).
        address, set_address: Address => std::convert::identity;
        /// The date of birth (required): `YYYY-MM-DD` text or a `NaiveDate`.
        date_of_birth, set_date_of_birth: crate::DateInput => |d: crate::DateInput| d.0;
        /// The government id the user was verified with (required).
        government_id, set_government_id: GovernmentId => std::convert::identity;
        /// The phone number.
        phone_number, set_phone_number: String => std::convert::identity;
        /// Your own user id: shown in settlement reports, and Push returns the same user for
        /// the same tag, which makes the call safe to retry.
        tag, set_tag: String => std::convert::identity;
    }

    /// Whether you verified the user's identity (KYC); required, `true` where KYC applies.
    pub fn identity_verified(mut self, verified: bool) -> Self {
        self.identity_verified = Some(verified);
        self
    }

    /// [`Self::identity_verified`] from an `Option` (`None` clears it).
    pub fn set_identity_verified(mut self, verified: Option<bool>) -> Self {
        self.identity_verified = verified;
        self
    }

    /// Validates every field, naming the first that breaks a rule.
    pub fn build(self) -> Result<CreateUser, ValidationError> {
        validate::required(&[
            ("name", "is required", self.name.is_some()),
            ("email", "is required", self.email.is_some()),
            ("address", "is required", self.address.is_some()),
            ("date_of_birth", "is required", self.date_of_birth.is_some()),
            ("government_id", "is required", self.government_id.is_some()),
            (
                "identity_verified",
                "is required",
                self.identity_verified.is_some(),
            ),
        ])?;
        let required = |field: &'static str| ValidationError::new(field, "is required");
        let name = self.name.ok_or_else(|| required("name"))?;
        validate::text("name.first", &name.first, 255)?;
        validate::text("name.last", &name.last, 255)?;
        let email = self.email.ok_or_else(|| required("email"))?;
        validate::email(&email)?;
        let mut address = self.address.ok_or_else(|| required("address"))?;
        validate::text("address_line_1", &address.address_line_1, 255)?;
        validate::text("locality", &address.locality, 255)?;
        validate::state_code("administrative_area", &address.administrative_area)?;
        validate::postal_code(&address.postal_code)?;
        address.country = validate::country(&address.country)?;
        let date_of_birth = self
            .date_of_birth
            .ok_or_else(|| required("date_of_birth"))?;
        let date_of_birth = validate::date("date_of_birth", &date_of_birth)?;
        let government_id = self
            .government_id
            .ok_or_else(|| required("government_id"))?;
        check_government_id(&government_id)?;
        let identity_verified = self
            .identity_verified
            .ok_or_else(|| required("identity_verified"))?;
        if let Some(phone) = &self.phone_number {
            validate::text("phone_number", phone, 64)?;
        }
        if let Some(tag) = &self.tag {
            validate::visible_ascii("tag", tag, 255)?;
        }
        Ok(CreateUser {
            body: Body {
                name,
                email,
                address,
                date_of_birth,
                government_id,
                identity_verified,
                phone_number: self.phone_number,
                tag: self.tag,
            },
        })
    }
}

/// The type is known, `last4` is four characters, and `state` is there exactly for the types
/// that are issued by a state.
fn check_government_id(id: &GovernmentId) -> Result<(), ValidationError> {
    known("government_id.type", &id.id_type, id.id_type.is_known())?;
    if id.last4.chars().count() != 4 || !id.last4.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ValidationError::new(
            "government_id.last4",
            "must be the last four characters (letters or digits) of the document number",
        ));
    }
    let by_state = matches!(
        id.id_type,
        GovernmentIdType::DriversLicense | GovernmentIdType::StateId
    );
    match (&id.state, by_state) {
        (None, true) => Err(ValidationError::new(
            "government_id.state",
            format!("is required for {}", id.id_type),
        )),
        (Some(_), false) => Err(ValidationError::new(
            "government_id.state",
            format!("must not be sent for {}", id.id_type),
        )),
        (Some(state), true) => validate::state_code("government_id.state", state),
        (None, false) => Ok(()),
    }
}

impl Operation for CreateUser {
    type Output = CreatedUser;

    fn method(&self) -> Method {
        Method::POST
    }

    fn path_template(&self) -> &'static str {
        "/user"
    }

    /// Push returns the same user for the same `tag`; without one, a repeat could register the
    /// user twice.
    fn retry_safety(&self) -> RetrySafety {
        if self.body.tag.is_some() {
            RetrySafety::Idempotent
        } else {
            RetrySafety::OnlyIfNotSent
        }
    }

    fn encode(&self, config: &Config) -> Result<Request, Error> {
        Ok(config.request(
            self.method(),
            self.path_template(),
            Some(json_body(&self.body)?),
        )?)
    }

    fn decode(&self, response: Response) -> Result<CreatedUser, Error> {
        decode_success(&response)
    }
}

impl crate::journal::Journaled for CreateUser {
    fn journal_form(&self) -> crate::journal::JournalForm {
        let mut form = crate::journal::JournalForm::new("create_user");
        form.request = crate::journal::request_json(&self.body);
        form.reference = self.body.tag.clone();
        form.dedup = self.body.tag.clone();
        form
    }

    fn journal_answer(output: &CreatedUser) -> crate::journal::JournalAnswer {
        crate::journal::JournalAnswer::new(output.id.as_str(), "created", false)
    }

    fn replay(request: &str) -> Result<Self, Error> {
        let body = serde_json::from_str(request)
            .map_err(|err| crate::journal::replay_error("create_user", err))?;
        Ok(Self { body })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApiToken, Environment};

    /// The published request example, built field by field.
    pub(crate) fn alfred() -> CreateUserBuilder {
        CreateUser::builder()
            .name(LegalName::new("Alfred", "Hitchcock"))
            .email("alfred@imdb.com")
            .address(Address::new(
                "1609 10th Ave",
                "Bodega Bay",
                "CA",
                "94923",
                "US",
            ))
            .date_of_birth("1899-08-13")
            .government_id(GovernmentId::new(GovernmentIdType::Passport, "7349"))
            .phone_number("(555) 681-3485")
            .tag("4c8e6b4f")
            .identity_verified(true)
    }

    #[test]
    fn encodes_the_published_example_exactly() {
        let config = Config::new(ApiToken::new("sk_test_u").unwrap(), Environment::Sandbox);
        let op = alfred().build().unwrap();
        let request = op.encode(&config).unwrap();
        assert_eq!(request.method(), Method::POST);
        assert_eq!(request.uri(), "https://sandbox.pushcash.com/user");
        assert_eq!(
            std::str::from_utf8(request.body()).unwrap(),
            r#"{"name":{"first":"Alfred","last":"Hitchcock"},"email":"alfred@imdb.com","address":{"address_line_1":"1609 10th Ave","locality":"Bodega Bay","administrative_area":"CA","postal_code":"94923","country":"US"},"date_of_birth":"1899-08-13","government_id":{"type":"passport","last4":"7349"},"identity_verified":true,"phone_number":"(555) 681-3485","tag":"4c8e6b4f"}"#
        );
        assert_eq!(op.retry_safety(), RetrySafety::Idempotent);
        let untagged = alfred()
            .set_tag(None::<String>)
            .set_phone_number(None::<String>);
        let op = untagged.identity_verified(false).build().unwrap();
        assert_eq!(op.retry_safety(), RetrySafety::OnlyIfNotSent);
        let body = op.encode(&config).unwrap();
        let body = std::str::from_utf8(body.body()).unwrap().to_owned();
        assert!(body.ends_with(r#""identity_verified":false}"#), "{body}");
        assert!(!body.contains("null"), "absent, not null: {body}");
    }

    #[test]
    fn every_rule_names_its_field() {
        type Edit = fn(CreateUserBuilder) -> CreateUserBuilder;
        let table: [(Edit, &str); 17] = [
            (|b| b.set_name(None::<LegalName>), "name"),
            (|b| b.name(LegalName::new(" ", "H")), "name.first"),
            (|b| b.email("alfred"), "email"),
            (|b| b.set_email(None::<String>), "email"),
            (|b| b.date_of_birth("1899-02-30"), "date_of_birth"),
            (|b| b.date_of_birth("13/08/1899"), "date_of_birth"),
            (
                |b| b.address(Address::new("1 A St", "X", "Ca", "94923", "US")),
                "administrative_area",
            ),
            (
                |b| b.address(Address::new("1 A St", "X", "CA", "9492", "US")),
                "postal_code",
            ),
            (
                |b| b.address(Address::new("1 A St", "X", "CA", "94923", "USA")),
                "country",
            ),
            (
                |b| b.address(Address::new("", "X", "CA", "94923", "US")),
                "address_line_1",
            ),
            (
                |b| b.government_id(GovernmentId::new(GovernmentIdType::Passport, "734")),
                "government_id.last4",
            ),
            (
                |b| b.government_id(GovernmentId::new(GovernmentIdType::DriversLicense, "Y7B9")),
                "government_id.state",
            ),
            (
                |b| {
                    b.government_id(
                        GovernmentId::new(GovernmentIdType::Passport, "7349").with_state("OR"),
                    )
                },
                "government_id.state",
            ),
            (
                |b| {
                    b.government_id(
                        GovernmentId::new(GovernmentIdType::StateId, "7349").with_state("Oregon"),
                    )
                },
                "government_id.state",
            ),
            (
                |b| b.government_id(GovernmentId::new("national_card".into(), "7349")),
                "government_id.type",
            ),
            (|b| b.set_identity_verified(None), "identity_verified"),
            (|b| b.tag("has space"), "tag"),
        ];
        for (edit, field) in table {
            let err = edit(alfred()).build().unwrap_err();
            assert_eq!(err.field(), field, "{err}");
        }
        let ok = alfred()
            .government_id(
                GovernmentId::new(GovernmentIdType::DriversLicense, "Y7B9").with_state("OR"),
            )
            .address(Address::new("1 A St", "X", "CA", "94923-1234", "us"))
            .build()
            .unwrap();
        assert_eq!(ok.body.address.country, "US", "sent in capitals");
    }
}
