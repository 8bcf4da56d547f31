//! After the payment: `push refunds`, `disputes`, `accounts`, `transactions`, `transfers`,
//! `webhooks register`, and the emulator's controls (`push emulator`).

use std::process::ExitCode;

use push_ureq::{
    CreateRefund, ListDisputes, ListTransactions, ListTransfers, RefundOutcome, ops::Raw,
};
use serde_json::json;

use crate::{
    Failure, Push,
    args::{
        Accounts, DiscrepancyArg, DisputeOutcomeArg, Disputes, EmulatorControl, Format, Refunds,
        Transactions, Transfers,
    },
    list,
    output::Printer,
    print,
};

/// Exit code 3: the issuer declined (an authorization or a refund).
const DECLINED: u8 = 3;

pub(crate) fn refunds(
    client: &Push,
    cli: &crate::args::Cli,
    command: &Refunds,
) -> Result<ExitCode, Failure> {
    match command {
        Refunds::Create { intent_id, amount } => {
            let request = CreateRefund::builder()
                .intent_id(intent_id.as_str())
                .set_amount(*amount)
                .build()?;
            let _writing = crate::announce(&cli.command, None, None);
            let outcome = crate::journal::pay(client, request)?;
            crate::deliver(&outcome)?;
            Ok(match outcome {
                RefundOutcome::Approved(_) => ExitCode::SUCCESS,
                RefundOutcome::Declined(_) => ExitCode::from(DECLINED),
            })
        }
        Refunds::Get { id } => print(&client.get_refund(id.as_str())?),
    }
}

pub(crate) fn disputes(client: &Push, command: &Disputes) -> Result<ExitCode, Failure> {
    match command {
        Disputes::List(args) => {
            let request = ListDisputes::builder()
                .set_created_after(args.listing.created_after)
                .set_created_before(args.listing.created_before)
                .set_cursor(args.listing.cursor.as_deref())
                .build()?;
            list(client, request, &args.listing)
        }
        Disputes::Get { id } => print(&client.get_dispute(id.as_str())?),
    }
}

pub(crate) fn accounts(client: &Push, command: &Accounts) -> Result<ExitCode, Failure> {
    match command {
        Accounts::List { format } => {
            let accounts = client.list_accounts()?;
            match format {
                Format::Json => Printer::stdout().json(&accounts)?,
                format => Printer::stdout().rows(*format, &accounts.data)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Accounts::Get { id } => print(&client.get_account(id.as_str())?),
    }
}

pub(crate) fn transactions(client: &Push, command: &Transactions) -> Result<ExitCode, Failure> {
    match command {
        Transactions::List(args) => {
            let request = ListTransactions::builder()
                .set_account_id(args.account_id.as_deref())
                .set_created_after(args.listing.created_after)
                .set_created_before(args.listing.created_before)
                .set_cursor(args.listing.cursor.as_deref())
                .build()?;
            list(client, request, &args.listing)
        }
        Transactions::Get { id } => print(&client.get_transaction(id.as_str())?),
    }
}

pub(crate) fn transfers(client: &Push, command: &Transfers) -> Result<ExitCode, Failure> {
    match command {
        Transfers::List(args) => {
            let request = ListTransfers::builder()
                .set_date_after(args.date_after)
                .set_date_before(args.date_before)
                .set_created_after(args.listing.created_after)
                .set_created_before(args.listing.created_before)
                .set_cursor(args.listing.cursor.as_deref())
                .build()?;
            list(client, request, &args.listing)
        }
        Transfers::Get { id } => print(&client.get_transfer(id.as_str())?),
    }
}

/// The emulator's controls, over HTTP (`/_emulator/...`), with the CLI's token and base URL.
pub(crate) fn emulator(client: &Push, command: &EmulatorControl) -> Result<ExitCode, Failure> {
    let (path, body) = match command {
        EmulatorControl::Advance { days, seconds } => {
            let total = days
                .checked_mul(86_400)
                .and_then(|d| d.checked_add(*seconds))
                .ok_or_else(|| Failure::Usage("--days and --seconds are too large".to_owned()))?;
            (
                "/_emulator/clock/advance".to_owned(),
                json!({ "seconds": total }),
            )
        }
        EmulatorControl::OpenDispute { intent_id, code } => (
            "/_emulator/dispute".to_owned(),
            json!({ "intent_id": intent_id, "code": code }),
        ),
        EmulatorControl::ResolveDispute { id, status } => (
            push_ureq::ops::fill_path("/_emulator/dispute/{id}/resolve", &[id.as_str()]),
            json!({ "status": match status {
                DisputeOutcomeArg::Won => "won",
                DisputeOutcomeArg::Lost => "lost",
            }}),
        ),
        EmulatorControl::InjectDiscrepancy { kind, delta } => {
            let (kind, by_delta) = match kind {
                DiscrepancyArg::TransferAmount => ("transfer_amount", true),
                DiscrepancyArg::IntentAmount => ("intent_amount", true),
                DiscrepancyArg::DoubleNetted => ("double_netted", false),
                DiscrepancyArg::TwoOwnEntries => ("two_own_entries", false),
                DiscrepancyArg::WrongCurrency => ("wrong_currency", false),
                DiscrepancyArg::WrongDate => ("wrong_date", false),
                DiscrepancyArg::Unsettled => ("unsettled", false),
                DiscrepancyArg::UnknownIntent => ("unknown_intent", false),
            };
            let body = match (by_delta, delta) {
                (true, Some(0) | None) => {
                    return Err(Failure::Usage(format!(
                        "--kind {kind} needs a --delta other than 0"
                    )));
                }
                (true, Some(delta)) => json!({ "kind": kind, "delta": delta }),
                (false, Some(_)) => {
                    return Err(Failure::Usage(format!("--kind {kind} takes no --delta")));
                }
                (false, None) => json!({ "kind": kind }),
            };
            ("/_emulator/discrepancy".to_owned(), body)
        }
    };
    let request = Raw::post(path)?.json(&body)?;
    print(&client.send(request)?)
}
