//! Every enum the pages publish, lenient on the way in and strict on the way out.
//!
//! Each enum keeps values it does not know in `Unknown(String)`: a response carrying a value
//! Push added after this SDK was released still decodes. Request builders refuse `Unknown`
//! values, so an unknown value can be read but never sent.

use std::{convert::Infallible, fmt, str::FromStr};

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $variant:ident = $value:literal $(=> $desc:literal)? ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $(
                #[doc = concat!("`", $value, "`", $(": ", $desc)?)]
                $variant,
            )+
            /// A value this version of the SDK does not know, kept as received. Readable, never
            /// sendable: request builders refuse it.
            Unknown(String),
        }

        impl $name {
            /// Every value this SDK knows, in the order the pages list them.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $value, )+
                    $name::Unknown(other) => other,
                }
            }

            /// Decodes one JSON string (`"enabled"`); an unknown value is kept, not refused.
            pub fn from_json(
                body: impl Into<bytes::Bytes>,
            ) -> Result<Self, crate::DecodeError> {
                crate::decode::json(None, &body.into())
            }

            /// False for [`Self::Unknown`].
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }

            /// What the pages say about this value, where they say anything.
            pub fn description(&self) -> Option<&'static str> {
                match self {
                    $( $name::$variant => Option::<&'static str>::None $( .or(Some($desc)) )?, )+
                    $name::Unknown(_) => None,
                }
            }

            /// Matches a borrowed string without allocating for known values.
            fn from_borrowed(value: &str) -> Option<Self> {
                match value {
                    $( $value => Some($name::$variant), )+
                    _ => None,
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::from_borrowed(value).unwrap_or_else(|| $name::Unknown(value.to_owned()))
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self::from_borrowed(&value).unwrap_or($name::Unknown(value))
            }
        }

        impl FromStr for $name {
            type Err = Infallible;
            fn from_str(value: &str) -> Result<Self, Infallible> {
                Ok(Self::from(value))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!("a string (", stringify!($name), ")"))
                    }
                    fn visit_str<E: de::Error>(self, value: &str) -> Result<$name, E> {
                        Ok($name::from(value))
                    }
                    fn visit_string<E: de::Error>(self, value: String) -> Result<$name, E> {
                        Ok($name::from(value))
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    };
}

string_enum! {
    /// Direction of a payment.
    pub enum Direction {
        CashIn = "cash_in" => "deposits or purchases",
        CashOut = "cash_out" => "withdrawals or redemptions",
    }
}

string_enum! {
    /// Currency of an amount; amounts are integers in the currency's smallest unit.
    pub enum Currency {
        Usd = "USD" => "US dollars, amounts in cents",
    }
}

string_enum! {
    /// Whether an intent is approved automatically or held for the operator.
    pub enum ApprovalMode {
        Automatic = "automatic" => "(Default) The intent will be automatically approved and submitted for processing within the user payment session",
        Manual = "manual" => "The intent must be manually approved by the operator before being submitted for processing. Manual approval can only be used with `cash_out` intents.",
    }
}

string_enum! {
    /// Status of an intent.
    pub enum IntentStatus {
        Created = "created" => "The intent was created",
        Approved = "approved" => "Push has approved the request",
        Declined = "declined" => "Push has declined the request",
        Pending = "pending" => "The payment is pending because the operator requested to manually approve it",
        Canceled = "canceled" => "The intent was canceled by the operator",
    }
}

string_enum! {
    /// The high level reason why an intent was declined.
    pub enum DeclineCategory {
        InsufficientFunds = "insufficient_funds" => "The transaction was declined due to insufficient funds.",
        UnapprovedAmount = "unapproved_amount" => "The transaction was declined due to the amount. The user may be able to retry with a lower amount.",
        FraudRisk = "fraud_risk" => "The transaction was declined due to fraud risk.",
        ConnectionError = "connection_error" => "A connection issue occurred while attempting to process the transaction. The user may be able to retry later.",
        TransactionLimit = "transaction_limit" => "The transaction was declined because it exceeded a configured transaction limit. The user may be able to retry later.",
        UnsupportedCard = "unsupported_card" => "The transaction was declined because the user's card is not supported.",
        SuspendedUser = "suspended_user" => "The transaction was declined because the user's account is suspended.",
    }
}

/// What the pages tell a user whose payment was declined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UserRetry {
    /// "The user may be able to retry with a lower amount."
    WithLowerAmount,
    /// "The user may be able to retry later."
    Later,
    /// The pages do not suggest retrying (or the category is unknown to this SDK).
    NotAdvised,
}

impl DeclineCategory {
    /// Whether, and how, the user may retry, as the category's description says.
    pub fn user_retry(&self) -> UserRetry {
        match self {
            DeclineCategory::UnapprovedAmount => UserRetry::WithLowerAmount,
            DeclineCategory::ConnectionError | DeclineCategory::TransactionLimit => {
                UserRetry::Later
            }
            _ => UserRetry::NotAdvised,
        }
    }

    /// True when the description says the user may be able to retry.
    pub fn user_may_retry(&self) -> bool {
        self.user_retry() != UserRetry::NotAdvised
    }
}

string_enum! {
    /// The payment rail used to complete an intent, once processed.
    pub enum Rail {
        Card = "card" => "The payment was processed using a card.",
        Ach = "ach" => "The payment was processed using ACH.",
    }
}

string_enum! {
    /// The payment flow type of an intent (also of the intent behind a dispute).
    pub enum IntentType {
        Push = "push",
        CardOnly = "card_only",
        ApplePay = "apple_pay",
        SecureDebit = "secure_debit" => "A bank-authenticated debit card (2026 pages)",
        CardOnlyCredit = "card_only_credit" => "A credit card, deposits only (2026 pages)",
        CardOnlyDebit = "card_only_debit" => "A debit card, deposits only (2026 pages)",
    }
}

string_enum! {
    /// The type of a transaction.
    pub enum TransactionType {
        Intent = "intent" => "A transaction associated with an intent",
        Transfer = "transfer" => "A transaction associated with a transfer",
        Unreconciled = "unreconciled" => "Movement of funds not associated with any activity on the Push platform.",
    }
}

string_enum! {
    /// A transaction's settlement status.
    pub enum TransactionStatus {
        Settled = "settled" => "The transaction is settled and funds are now available",
        Pending = "pending" => "The transaction is awaiting settlement",
    }
}

string_enum! {
    /// The direction of a transaction, as indicated by the sign of its amount.
    pub enum TransactionDirection {
        Credit = "credit",
        Debit = "debit",
    }
}

string_enum! {
    /// The direction of a transfer between Push and your operational account.
    pub enum TransferDirection {
        Credit = "credit" => "A payout from Push to your operational account",
        Debit = "debit" => "A pull by Push from your operational account",
    }
}

string_enum! {
    /// The status of a dispute.
    pub enum DisputeStatus {
        Created = "created" => "The dispute is pending",
        Won = "won" => "The dispute was won",
        Lost = "lost" => "The dispute was lost",
    }
}

string_enum! {
    /// The status of a refund.
    pub enum RefundStatus {
        Approved = "approved" => "The refund was successfully processed",
        Declined = "declined" => "The refund was declined",
    }
}

string_enum! {
    /// The type of a settlement account.
    pub enum AccountType {
        Settlement = "settlement" => "The settlement balance will receive funds from settled intents and will be available for withdrawal subject to the Push Cash minimum balance requirement.",
        Dispute = "dispute" => "The dispute balance tracks the sum of all outstanding disputes. If you have not received a dispute, the account may not exist.",
    }
}

string_enum! {
    /// Where a user stands with Push.
    pub enum UserStatus {
        Created = "created",
        Enabled = "enabled",
        Suspended = "suspended",
        Disabled = "disabled",
    }
}

string_enum! {
    /// The kind of government id a user was verified with.
    pub enum GovernmentIdType {
        DriversLicense = "drivers_license" => "needs the issuing `state`",
        Passport = "passport",
        StateId = "state_id" => "needs the issuing `state`",
        MilitaryId = "military_id",
        Ssn = "ssn",
    }
}

string_enum! {
    /// The kind of a stored payment credential.
    pub enum CredentialType {
        SecureDebit = "secure_debit" => "bank-authenticated debit card: deposits and withdrawals",
        CardOnlyCredit = "card_only_credit" => "credit card: deposits only",
        CardOnlyDebit = "card_only_debit" => "debit card: deposits only",
        ApplePayDebit = "apple_pay_debit" => "debit card stored via Apple Pay: usable for withdrawals",
    }
}

string_enum! {
    /// What a user URL opens (`POST /user/{id}/url`); none: the widget with every processing
    /// type enabled for the instance.
    pub enum UserUrlType {
        ApplePay = "apple_pay" => "the Apple Pay launcher",
        CardOnly = "card_only" => "the widget, card-only processing",
        SecureDebit = "secure_debit" => "the widget, secure debit processing",
    }
}

string_enum! {
    /// The kind of credential the sandbox simulates (`POST /sandbox/credential`).
    pub enum SimulatedCredentialType {
        SecureDebit = "secure_debit",
        CardOnlyCredit = "card_only_credit",
        CardOnlyDebit = "card_only_debit",
        ApplePay = "apple_pay",
        ApplePayDebit = "apple_pay_debit",
    }
}

string_enum! {
    /// The brand of a card.
    pub enum CardBrand {
        Mastercard = "mastercard",
        Visa = "visa",
        Amex = "amex",
        Discover = "discover",
    }
}

string_enum! {
    /// The network code of a dispute: Visa (`10.1`..`13.9`), Mastercard (`48xx`, `4999`) and ACH
    /// return codes (`R01`..`R85`).
    pub enum DisputeCode {
        Visa10_1 = "10.1" => "EMV Liability Shift Counterfeit Fraud",
        Visa10_2 = "10.2" => "EMV Liability Shift Non-Counterfeit Fraud",
        Visa10_3 = "10.3" => "Other Fraud - Card Present Environment",
        Visa10_4 = "10.4" => "Other Fraud - Card Absent Environment",
        Visa10_5 = "10.5" => "Visa Fraud Monitoring Program",
        Visa11_1 = "11.1" => "Card Recovery Bulletin or Exception File",
        Visa11_2 = "11.2" => "Declined Authorization",
        Visa11_3 = "11.3" => "No Authorization",
        Visa12_1 = "12.1" => "Late Presentment",
        Visa12_2 = "12.2" => "Incorrect Transaction Code",
        Visa12_3 = "12.3" => "Incorrect Currency",
        Visa12_4 = "12.4" => "Incorrect Transaction Account Number",
        Visa12_5 = "12.5" => "Incorrect Transaction Amount",
        Visa12_6 = "12.6" => "Duplicate Processing or Paid by Other Means",
        Visa12_7 = "12.7" => "Invalid Data",
        Visa13_1 = "13.1" => "Services Not Provided or Merchandise Not Received",
        Visa13_2 = "13.2" => "Cancelled Recurring Transaction",
        Visa13_3 = "13.3" => "Not as Described or Defective Merchandise/Services",
        Visa13_4 = "13.4" => "Counterfeit Merchandise",
        Visa13_5 = "13.5" => "Misrepresentation of the purchased good and/or service",
        Visa13_6 = "13.6" => "Credit Not Processed",
        Visa13_7 = "13.7" => "Cancelled Merchandise/Services",
        Visa13_8 = "13.8" => "Original Credit Transaction Not Accepted",
        Visa13_9 = "13.9" => "Non-Receipt of Cash or Load Transaction Value at ATM",
        Mastercard4837 = "4837" => "No Cardholder Authorization",
        Mastercard4840 = "4840" => "Fraudulent Processing of Transactions",
        Mastercard4849 = "4849" => "Questionable Merchant Activity",
        Mastercard4863 = "4863" => "Cardholder Does Not Recognize—Potential Fraud",
        Mastercard4870 = "4870" => "Chip Liability Shift",
        Mastercard4871 = "4871" => "Chip/PIN Liability Shift",
        Mastercard4807 = "4807" => "Warning Bulletin File",
        Mastercard4808 = "4808" => "Authorization-Related Chargeback",
        Mastercard4812 = "4812" => "Account Number Not On File",
        Mastercard4834 = "4834" => "Point-of-Interaction Error",
        Mastercard4831 = "4831" => "Transaction Amount Differs",
        Mastercard4842 = "4842" => "Late Presentment",
        Mastercard4846 = "4846" => "Correct Transaction Currency Code Not Provided",
        Mastercard4850 = "4850" => "Installment Billing Dispute",
        Mastercard4999 = "4999" => "Domestic Chargeback Dispute (Europe Region Only)",
        Mastercard4853 = "4853" => "Cardholder Dispute",
        Mastercard4841 = "4841" => "Canceled Recurring or Digital Goods Transactions",
        Mastercard4854 = "4854" => "Cardholder Dispute—Not Elsewhere Classified (U.S. Region Only)",
        Mastercard4855 = "4855" => "Goods or Services Not Provided",
        Mastercard4859 = "4859" => "Addendum, No-show, or ATM Dispute",
        Mastercard4860 = "4860" => "Credit Not Processed",
        AchR01 = "R01" => "Insufficient Funds",
        AchR02 = "R02" => "Account Closed",
        AchR03 = "R03" => "No Account/ Unable to Locate Account",
        AchR04 = "R04" => "Invalid Account Number Structure",
        AchR05 = "R05" => "Unauthorized Debit to Consumer Account Using Corporate SEC Code",
        AchR06 = "R06" => "Returned per ODFI’s Request",
        AchR07 = "R07" => "Authorization Revoked by Customer",
        AchR08 = "R08" => "Payment Stopped",
        AchR09 = "R09" => "Uncollected Funds",
        AchR10 = "R10" => "Customer Advises Not Authorized",
        AchR11 = "R11" => "Check Truncation Entry Return",
        AchR12 = "R12" => "Account Sold to Another DFI",
        AchR13 = "R13" => "Invalid ACH Routing Number",
        AchR14 = "R14" => "Representative Payee Deceased or Unable to Continue in That Capacity",
        AchR15 = "R15" => "Beneficiary or Account Holder Deceased",
        AchR16 = "R16" => "Account Frozen/Entry Returned Per OFAC Instruction",
        AchR17 = "R17" => "File Record Edit Criteria/Entry with Invalid Account Number",
        AchR18 = "R18" => "Improper Effectove Entry Date",
        AchR19 = "R19" => "Amount Field Error",
        AchR20 = "R20" => "Non-Transaction Account",
        AchR21 = "R21" => "Invalid Company Identification",
        AchR22 = "R22" => "Invalid Individual ID Number",
        AchR23 = "R23" => "Credit Entry Refused by Receiver",
        AchR24 = "R24" => "Duplicate Entry",
        AchR25 = "R25" => "Addenda Error",
        AchR26 = "R26" => "Mandatory Field Error",
        AchR27 = "R27" => "Trace Number Error",
        AchR28 = "R28" => "Routing Number Check Digit Error",
        AchR29 = "R29" => "Corporate Customer Advises Not Authorized",
        AchR30 = "R30" => "RDFI Not Participant in Check Truncation Program",
        AchR31 = "R31" => "Permissible Return Entry (CCD and CTX only)",
        AchR32 = "R32" => "RDFI Non- Settlement",
        AchR33 = "R33" => "Return of XCK Entry",
        AchR34 = "R34" => "Limited Participation DFI",
        AchR35 = "R35" => "Return of Improper Debit Entry",
        AchR36 = "R36" => "Return of Improper Credit Entry",
        AchR37 = "R37" => "Source Document Presented for Payment",
        AchR38 = "R38" => "Stop Payment on Source Document",
        AchR39 = "R39" => "Improper Source Document/ Source Document Presented for Payment",
        AchR40 = "R40" => "Return of ENR Entry by Federal Government Agency",
        AchR41 = "R41" => "Invalid Transaction Code",
        AchR42 = "R42" => "Routing Number/Check Digit Error",
        AchR43 = "R43" => "Invalid DFI Account Number",
        AchR44 = "R44" => "Invalid Individual ID Number/ Identification Number",
        AchR45 = "R45" => "Invalid Individual Name/Company Name",
        AchR46 = "R46" => "Invalid Representative Payee Indicator",
        AchR47 = "R47" => "Duplicate Enrollment",
        AchR50 = "R50" => "State Law Affecting RCK Acceptance",
        AchR51 = "R51" => "Item Related to RCK Entry is Ineligible or RCK Entry is Improper.",
        AchR52 = "R52" => "Stop Payment on Item Related to RCK Entry",
        AchR53 = "R53" => "Item and RCK Entry Presented for Payment",
        AchR61 = "R61" => "Misrouted Return",
        AchR62 = "R62" => "Return of Erroneous or Reversing Debit",
        AchR67 = "R67" => "Duplicate Return",
        AchR68 = "R68" => "Untimely Return",
        AchR69 = "R69" => "Field Error(s)",
        AchR70 = "R70" => "Permissible Return Entry Not Accepted/ Return Not Requested by ODFI",
        AchR71 = "R71" => "Misrouted Dishonored Return",
        AchR72 = "R72" => "Untimely Dishonored Return",
        AchR73 = "R73" => "Timely Original Return",
        AchR74 = "R74" => "Corrected Return",
        AchR75 = "R75" => "Return Not a Duplicate",
        AchR76 = "R76" => "No Errors Found",
        AchR77 = "R77" => "Non-Acceptance of R62 Dishonored Return",
        AchR80 = "R80" => "IAT Entry Coding Error",
        AchR81 = "R81" => "Non-Participant in IAT Program",
        AchR82 = "R82" => "Invalid Foreign Receiving DFI Identification",
        AchR83 = "R83" => "Foreign Receiving DFI Unable to Settle",
        AchR84 = "R84" => "Entry Not Processed by Gateway",
        AchR85 = "R85" => "Incorrectly Coded Outbound International Payment",
    }
}

/// The network a [`DisputeCode`] belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DisputeNetwork {
    /// Visa reason codes (`10.1` to `13.9`).
    Visa,
    /// Mastercard reason codes (`4807` to `4999`).
    Mastercard,
    /// ACH return codes (`R01` to `R85`).
    Ach,
}

impl DisputeCode {
    /// The network whose code this is; `None` for a code unknown to this SDK.
    pub fn network(&self) -> Option<DisputeNetwork> {
        if !self.is_known() {
            return None;
        }
        let code = self.as_str();
        Some(if code.starts_with('R') {
            DisputeNetwork::Ach
        } else if code.contains('.') {
            DisputeNetwork::Visa
        } else {
            DisputeNetwork::Mastercard
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip_through_their_wire_string() {
        for code in DisputeCode::KNOWN {
            assert_eq!(&DisputeCode::from(code.as_str()), code);
            assert!(code.description().is_some(), "{code} has no description");
            assert!(code.network().is_some());
        }
        assert_eq!(DisputeCode::KNOWN.len(), 115);
    }

    #[test]
    fn unknown_values_are_kept_and_reported() {
        let value: IntentStatus = serde_json::from_str("\"on_hold\"").unwrap();
        assert_eq!(value, IntentStatus::Unknown("on_hold".into()));
        assert!(!value.is_known());
        assert_eq!(serde_json::to_string(&value).unwrap(), "\"on_hold\"");
        assert_eq!(value.description(), None);
    }

    #[test]
    fn non_strings_are_refused() {
        let err = serde_json::from_str::<Direction>("12").unwrap_err();
        assert!(err.to_string().contains("a string (Direction)"), "{err}");
    }

    #[test]
    fn dispute_codes_carry_network_and_description() {
        assert_eq!(DisputeCode::from("R01"), DisputeCode::AchR01);
        assert_eq!(
            DisputeCode::AchR01.description(),
            Some("Insufficient Funds")
        );
        assert_eq!(DisputeCode::AchR01.network(), Some(DisputeNetwork::Ach));
        assert_eq!(
            DisputeCode::from("10.4").network(),
            Some(DisputeNetwork::Visa)
        );
        assert_eq!(
            DisputeCode::from("4853").network(),
            Some(DisputeNetwork::Mastercard)
        );
        assert_eq!(
            DisputeCode::from("4853").description(),
            Some("Cardholder Dispute")
        );
        assert_eq!(DisputeCode::from("R99").network(), None);
    }

    #[test]
    fn decline_categories_say_whether_the_user_may_retry() {
        let table = [
            ("insufficient_funds", UserRetry::NotAdvised),
            ("unapproved_amount", UserRetry::WithLowerAmount),
            ("fraud_risk", UserRetry::NotAdvised),
            ("connection_error", UserRetry::Later),
            ("transaction_limit", UserRetry::Later),
            ("unsupported_card", UserRetry::NotAdvised),
            ("suspended_user", UserRetry::NotAdvised),
            ("brand_new_reason", UserRetry::NotAdvised),
        ];
        for (wire, expected) in table {
            let category = DeclineCategory::from(wire);
            assert_eq!(category.user_retry(), expected, "{wire}");
            assert_eq!(category.user_may_retry(), expected != UserRetry::NotAdvised);
        }
    }
}
