//! After the payment: `push refunds`, `disputes`, `accounts`, `transactions`, `transfers`,
//! `webhooks register`, `reconcile`, and the emulator's controls (`push emulator`).

use std::{collections::HashMap, io, process::ExitCode};

use chrono::{NaiveDate, TimeDelta};
use push_ureq::{
    CreateRefund, Error, Intent, ListDisputes, ListTransactions, ListTransfers, RefundOutcome,
    RegisterWebhook, ops::Raw, reconcile,
};
use serde_json::{Value, json};

use crate::{
    Failure, Push,
    args::{
        Accounts, DiscrepancyArg, DisputeOutcomeArg, Disputes, EmulatorControl, Format, Reconcile,
        ReconcileFormat, Refunds, Register, Transactions, Transfers,
    },
    list,
    output::{Printer, dollars},
    print, terminal_safe,
};

/// Exit code 3: the issuer declined (an authorization or a refund).
const DECLINED: u8 = 3;
/// Exit code 5: reconciliation found a discrepancy.
const DISCREPANCY: u8 = 5;

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

pub(crate) fn register_webhook(client: &Push, args: &Register) -> Result<ExitCode, Failure> {
    let secret = RegisterWebhook::secret(args.secret.as_str())?;
    let request = RegisterWebhook::new(&args.url, secret)?;
    let url = request.url().to_owned();
    client.register_webhook(request)?;
    print(&json!({ "url": url }))
}

/// The intent behind `id`, `None` when Push answers 404; each looked up once.
fn intent_lookup<'a>(
    client: &'a Push,
    cache: &'a mut HashMap<String, Option<Intent>>,
) -> impl FnMut(&str) -> Result<Option<Intent>, Error> + 'a {
    move |id| {
        if let Some(known) = cache.get(id) {
            return Ok(known.clone());
        }
        let found = match client.get_intent(id) {
            Ok(intent) => Some(intent),
            Err(err) if err.status().map(|s| s.as_u16()) == Some(404) => None,
            Err(err) => return Err(err),
        };
        cache.insert(id.to_owned(), found.clone());
        Ok(found)
    }
}

/// `push reconcile --date D`: every transfer dated D, checked; then D's open items.
pub(crate) fn reconcile(client: &Push, args: &Reconcile) -> Result<ExitCode, Failure> {
    let day = args.date;
    let listed = client
        .list_all_transfers(ListTransfers::on(day))
        .collect::<Result<Vec<_>, _>>()?;
    let mut cache = HashMap::new();
    let mut checks = Vec::with_capacity(listed.len());
    for summary in &listed {
        let transfer = client.get_transfer(summary.id.clone())?;
        // A transfer listed for the day must be dated that day.
        checks.push(reconcile::check_transfer_on(
            &transfer,
            Some(day),
            intent_lookup(client, &mut cache),
        )?);
    }
    let open_items = open_items(client, day)?;
    let failed = checks.iter().filter(|c| !c.ok).count();
    let mut printer = Printer::stdout();
    match args.format {
        ReconcileFormat::Json => {
            for check in &checks {
                printer.json(check)?;
            }
            printer.json(&json!({ "summary": {
                "date": day.format("%Y-%m-%d").to_string(),
                "transfers": checks.len(),
                "ok": checks.len() - failed,
                "failed": failed,
                "open_items": open_items,
            }}))?;
        }
        ReconcileFormat::Table => {
            print_table(&checks, &open_items, day)?;
        }
    }
    Ok(if failed > 0 {
        ExitCode::from(DISCREPANCY)
    } else {
        ExitCode::SUCCESS
    })
}

/// The day's transactions (by UTC creation day) that are still open: pending, unreconciled or
/// of a type this SDK does not know.
fn open_items(client: &Push, day: NaiveDate) -> Result<Vec<Value>, Failure> {
    let start = day.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    let (Some(start), Some(end)) = (start, day.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0)))
    else {
        return Err(Failure::Usage(format!("{day} has no following day")));
    };
    // "after" may be exclusive: ask from a millisecond before, keep the day's own.
    let request = ListTransactions::builder()
        .created_after(start - TimeDelta::milliseconds(1))
        .created_before(end.and_utc())
        .build()?;
    let mut items = Vec::new();
    for transaction in client.list_all_transactions(request) {
        let transaction = transaction?;
        if transaction.created_at.date_naive() != day {
            continue;
        }
        if let Some(reason) = reconcile::open_item(&transaction) {
            items.push(json!({
                "transaction": transaction.id,
                "reason": reason,
                "amount": transaction.amount,
                "account_id": transaction.account_id,
                "source_id": transaction.source_id,
            }));
        }
    }
    Ok(items)
}

fn print_table(
    checks: &[reconcile::TransferCheck],
    open_items: &[Value],
    day: NaiveDate,
) -> io::Result<()> {
    use io::Write;
    let mut out = io::BufWriter::new(io::stdout().lock());
    writeln!(out, "{:<40} {:>14}  RESULT", "TRANSFER", "AMOUNT")?;
    for check in checks {
        let amount = check
            .amount
            .map(|a| dollars(a, &push_ureq::Currency::Usd))
            .unwrap_or_else(|| "?".to_owned());
        let result = if check.ok { "ok" } else { "DISCREPANCY" };
        writeln!(
            out,
            "{:<40} {:>14}  {result}",
            terminal_safe(check.transfer.as_str()),
            amount
        )?;
        for problem in &check.problems {
            writeln!(out, "  problem: {}", terminal_safe(&problem.to_string()))?;
        }
        for note in &check.notes {
            writeln!(out, "  note: {}", terminal_safe(note))?;
        }
    }
    if !open_items.is_empty() {
        writeln!(out, "open items:")?;
        for item in open_items {
            let amount = item["amount"].as_i64().unwrap_or_default();
            writeln!(
                out,
                "  {:<38} {:>14}  {}",
                terminal_safe(item["transaction"].as_str().unwrap_or_default()),
                dollars(amount, &push_ureq::Currency::Usd),
                terminal_safe(item["reason"].as_str().unwrap_or_default()),
            )?;
        }
    }
    let failed = checks.iter().filter(|c| !c.ok).count();
    writeln!(
        out,
        "{day}: {} transfers, {} ok, {failed} with discrepancies, {} open items",
        checks.len(),
        checks.len() - failed,
        open_items.len()
    )?;
    out.flush()
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
