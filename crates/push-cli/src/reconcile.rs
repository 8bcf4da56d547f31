//! `push reconcile`: a thin layer over `client.reconcile(day, options)`: our records from
//! `--expected` (and an explicit `--journal`), a progress line on a terminal, the report as a
//! table, JSON Lines or CSV, exit 5 on any discrepancy.

use std::{
    io::{self, IsTerminal, Write},
    path::Path,
    process::ExitCode,
    sync::{Arc, Mutex},
};

use push_ureq::{
    Currency, Direction,
    push_journal::{self, EntryState, OperationKind},
    reconcile::{DayReport, ExpectedMiss, ExpectedPayment, Progress, ReconcileOptions},
};
use serde::Serialize;
use serde_json::json;

use crate::{
    Failure, Push,
    args::{Cli, Reconcile, ReconcileFormat},
    output::{Column, Printer, Row, dollars},
    terminal_safe,
};

/// Exit code 5: reconciliation found a discrepancy.
const DISCREPANCY: u8 = 5;

pub(crate) fn reconcile(client: &Push, cli: &Cli, args: &Reconcile) -> Result<ExitCode, Failure> {
    let mut options = ReconcileOptions::new()
        .lookback_days(args.lookback_days)
        .strict(args.strict);
    if let Some(at) = args.as_of {
        options = options.as_of(at);
    }
    let mut records = None;
    if let Some(path) = &args.expected {
        records = Some(read_expected(path)?);
    }
    let mut in_doubt = Vec::new();
    if let Some(location) = cli.journal.as_deref().filter(|_| !cli.no_journal) {
        let (payments, doubtful) = journal_records(location)?;
        records.get_or_insert_with(Vec::new).extend(payments);
        in_doubt = doubtful;
    }
    if let Some(records) = records {
        options = options.expected(records);
    }
    let progress = ProgressLine::new();
    if let Some(line) = &progress {
        let line = line.clone();
        options = options.progress(move |p| line.draw(p));
    }
    let result = client.reconcile(args.date, options);
    if let Some(line) = &progress {
        line.finish();
    }
    let mut report = result?;
    report.expected_problems.extend(in_doubt);
    match args.format {
        ReconcileFormat::Json => print_json(&report)?,
        ReconcileFormat::Table => print_table(&report)?,
        ReconcileFormat::Csv => {
            let mut printer = Printer::stdout();
            printer.rows(crate::args::Format::Csv, &findings(&report))?;
        }
    }
    Ok(if report.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(DISCREPANCY)
    })
}

/// `--expected FILE`: every record, or an error naming the line and the field.
fn read_expected(path: &Path) -> Result<Vec<ExpectedPayment>, Failure> {
    let usage =
        |message: String| Failure::Usage(format!("--expected {}: {message}", path.display()));
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|err| usage(err.to_string()))?;
    let headers = reader
        .headers()
        .map_err(|err| usage(err.to_string()))?
        .clone();
    let column = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| {
            usage(format!(
                "the header must name reference,intent_id,amount,direction,currency (no `{name}`)"
            ))
        })
    };
    let (reference, intent_id, amount, direction, currency) = (
        column("reference")?,
        column("intent_id")?,
        column("amount")?,
        column("direction")?,
        column("currency")?,
    );
    let mut records = Vec::new();
    for (n, row) in reader.records().enumerate() {
        let line = n + 2;
        let row = row.map_err(|err| usage(format!("line {line}: {err}")))?;
        let field = |at: usize| row.get(at).unwrap_or_default();
        let bad = |name: &str, rule: &str| usage(format!("line {line}: {name} {rule}"));
        if field(reference).is_empty() {
            return Err(bad("reference", "is required"));
        }
        let cents = field(amount)
            .parse::<i64>()
            .ok()
            .filter(|a| *a > 0)
            .ok_or_else(|| bad("amount", "must be a whole number of cents above 0"))?;
        let way = match field(direction) {
            "cash_in" => Direction::CashIn,
            "cash_out" => Direction::CashOut,
            _ => return Err(bad("direction", "must be cash_in or cash_out")),
        };
        let money = match field(currency) {
            "USD" | "usd" | "" => Currency::Usd,
            _ => return Err(bad("currency", "must be USD")),
        };
        records.push(
            ExpectedPayment::new(field(reference), cents, way)
                .intent_id(field(intent_id))
                .currency(money),
        );
    }
    Ok(records)
}

/// The journal's payments: a finished authorize is a payment Push approved; a finished
/// create_intent names an intent of ours. Entries still in doubt are findings of their own.
fn journal_records(location: &str) -> Result<(Vec<ExpectedPayment>, Vec<ExpectedMiss>), Failure> {
    let journal = push_journal::open(&push_ureq::JournalTarget::Location(location.to_owned()))
        .map_err(|err| Failure::Push(err.into()))?;
    let entries = journal
        .entries(false)
        .map_err(|err| Failure::Push(err.into()))?;
    let mut payments = Vec::new();
    let mut in_doubt = Vec::new();
    for entry in entries {
        let paying = matches!(
            entry.call.operation,
            OperationKind::CreateIntent | OperationKind::Authorize
        );
        if !paying {
            continue;
        }
        match entry.state {
            EntryState::Done => {
                let (Some(id), Some(amount), Some(direction)) = (
                    entry.result_id.clone(),
                    entry.call.amount,
                    entry.call.direction.as_deref(),
                ) else {
                    continue;
                };
                // A created intent is only ours once the user approved it: its id is matched,
                // its status is what Push says.
                let approved = entry.call.operation == OperationKind::Authorize
                    || entry.result_status.as_deref() == Some("approved");
                if approved {
                    payments.push(
                        ExpectedPayment::new(
                            entry.call.reference.clone(),
                            amount,
                            Direction::from(direction),
                        )
                        .intent_id(id),
                    );
                }
            }
            EntryState::Pending | EntryState::Unknown | EntryState::NeedsReview => {
                in_doubt.push(ExpectedMiss::new(
                    entry.call.reference.clone(),
                    entry.result_id.clone(),
                    "in_doubt",
                    format!(
                        "journal entry {} is {}: run `push recover`",
                        entry.call.reference,
                        entry.state.as_str()
                    ),
                ));
            }
            _ => {}
        }
    }
    Ok((payments, in_doubt))
}

/// The progress line on stderr, only when it is a terminal: a script's stderr stays clean.
#[derive(Clone)]
struct ProgressLine {
    drawn: Arc<Mutex<bool>>,
}

impl ProgressLine {
    fn new() -> Option<Self> {
        io::stderr().is_terminal().then(|| Self {
            drawn: Arc::new(Mutex::new(false)),
        })
    }

    fn draw(&self, progress: &Progress) {
        let mut line = format!("reconcile: {} reads", progress.reads);
        if let Some(left) = progress.reads_left {
            line.push_str(&format!(", {left} left this hour"));
        }
        if let Some(wait) = progress.next_slot_in {
            line.push_str(&format!(", paced: next read in {} s", wait.as_secs()));
        }
        let mut err = io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
        if let Ok(mut drawn) = self.drawn.lock() {
            *drawn = true;
        }
    }

    fn finish(&self) {
        if self.drawn.lock().map(|d| *d).unwrap_or(false) {
            let _ = writeln!(io::stderr());
        }
    }
}

/// One line of the report: a transfer's verdict or one finding.
#[derive(Debug, Serialize)]
struct Finding {
    kind: String,
    id: String,
    amount: Option<i64>,
    transfer: Option<String>,
    detail: String,
}

impl Row for Finding {
    const TABLE_HEADER: &'static [&'static str] = &["KIND", "ID", "AMOUNT", "DETAIL"];
    const CSV_HEADER: &'static [&'static str] = &["kind", "id", "amount_usd", "transfer", "detail"];
    const TABLE_COLUMNS: &'static [Column] = &[
        Column::Left(16),
        Column::Left(36),
        Column::Right(14),
        Column::Rest,
    ];

    fn table_cells(&self) -> Vec<String> {
        vec![
            self.kind.clone(),
            self.id.clone(),
            self.amount.map(usd).unwrap_or_default(),
            self.detail.clone(),
        ]
    }

    fn csv_record(&self) -> Vec<String> {
        vec![
            self.kind.clone(),
            self.id.clone(),
            self.amount
                .map(|a| {
                    format!(
                        "{}{}.{:02}",
                        if a < 0 { "-" } else { "" },
                        a.unsigned_abs() / 100,
                        a.unsigned_abs() % 100
                    )
                })
                .unwrap_or_default(),
            self.transfer.clone().unwrap_or_default(),
            self.detail.clone(),
        ]
    }
}

fn usd(amount: i64) -> String {
    dollars(amount, &Currency::Usd)
}

/// Every transfer and every finding, in the report's order.
fn findings(report: &DayReport) -> Vec<Finding> {
    let mut rows = Vec::new();
    for check in &report.transfers {
        if check.ok {
            rows.push(Finding {
                kind: "transfer_ok".to_owned(),
                id: check.transfer.to_string(),
                amount: check.amount,
                transfer: Some(check.transfer.to_string()),
                detail: check.notes.join("; "),
            });
        }
        for problem in &check.problems {
            rows.push(Finding {
                kind: problem.kind().to_owned(),
                id: check.transfer.to_string(),
                amount: check.amount,
                transfer: Some(check.transfer.to_string()),
                detail: problem.to_string(),
            });
        }
    }
    let settlements = [
        ("unsettled", &report.unsettled),
        ("double_settled", &report.double_settled),
        ("not_yet_due", &report.not_yet_due),
    ];
    for (kind, items) in settlements {
        for item in items {
            let mut detail = match kind {
                "unsettled" => format!("due by {}, netted by no transfer", item.settles_by),
                "double_settled" => format!("netted by {}", item.transfers.join(", ")),
                _ => format!("due by {}", item.settles_by),
            };
            if let Some(refund) = &item.refund {
                detail.push_str(&format!("; refunded ({refund})"));
            }
            if let Some(dispute) = &item.dispute {
                detail.push_str(&format!("; disputed ({dispute})"));
            }
            rows.push(Finding {
                kind: kind.to_owned(),
                id: item.intent.clone(),
                amount: Some(item.amount),
                transfer: item.transfers.first().cloned(),
                detail,
            });
        }
    }
    for item in &report.unknown_to_us {
        rows.push(Finding {
            kind: "unknown_to_us".to_owned(),
            id: item.intent.clone(),
            amount: Some(item.amount),
            transfer: None,
            detail: format!(
                "{} of user {} at {}: in no record of ours",
                item.direction, item.user_id, item.created_at
            ),
        });
    }
    for miss in &report.expected_problems {
        rows.push(Finding {
            kind: format!("expected_{}", miss.problem),
            id: miss.reference.clone(),
            amount: None,
            transfer: None,
            detail: miss.detail.clone(),
        });
    }
    for item in &report.open_items {
        rows.push(Finding {
            kind: "open_item".to_owned(),
            id: item.transaction.clone(),
            amount: Some(item.amount),
            transfer: None,
            detail: item.reason.clone(),
        });
    }
    for warning in &report.warnings {
        rows.push(Finding {
            kind: if report.strict {
                "no_transfers"
            } else {
                "warning"
            }
            .to_owned(),
            id: report.date.to_string(),
            amount: None,
            transfer: None,
            detail: warning.clone(),
        });
    }
    rows
}

/// Findings that are discrepancies of their own (a transfer's are on its line).
fn is_discrepancy(kind: &str) -> bool {
    matches!(
        kind,
        "unsettled" | "double_settled" | "unknown_to_us" | "no_transfers"
    ) || kind.starts_with("expected_")
}

/// JSON Lines: a line per transfer, a line per other discrepancy, then the summary (open items
/// and intents not yet due in it): a clean day is its transfers and the summary.
fn print_json(report: &DayReport) -> io::Result<()> {
    let mut printer = Printer::stdout();
    for check in &report.transfers {
        printer.json(check)?;
    }
    for row in findings(report).iter().filter(|r| is_discrepancy(&r.kind)) {
        printer.json(row)?;
    }
    let failed = report.transfers.iter().filter(|c| !c.ok).count();
    printer.json(&json!({ "summary": {
        "date": report.date.format("%Y-%m-%d").to_string(),
        "as_of": report.as_of,
        "window_from": report.window_from.format("%Y-%m-%d").to_string(),
        "transfers": report.transfers.len(),
        "ok": report.transfers.len() - failed,
        "failed": failed,
        "settled": report.settled,
        "unsettled": report.unsettled.len(),
        "double_settled": report.double_settled.len(),
        "not_yet_due": report.not_yet_due,
        "unknown_to_us": report.unknown_to_us.len(),
        "expected_checked": report.expected_checked,
        "expected_problems": report.expected_problems.len(),
        "open_items": report.open_items,
        "warnings": report.warnings,
        "discrepancies": report.discrepancies(),
        "reads": report.reads,
    }}))
}

fn print_table(report: &DayReport) -> io::Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    writeln!(out, "{:<40} {:>14}  RESULT", "TRANSFER", "AMOUNT")?;
    for check in &report.transfers {
        let amount = check.amount.map(usd).unwrap_or_else(|| "?".to_owned());
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
    let rest: Vec<Finding> = findings(report)
        .into_iter()
        .filter(|r| r.transfer.as_deref() != Some(r.id.as_str()))
        .collect();
    if !rest.is_empty() {
        writeln!(out)?;
        let header = Finding::TABLE_HEADER
            .iter()
            .map(|h| h.to_string())
            .collect::<Vec<_>>();
        writeln!(
            out,
            "{}",
            crate::output::table_line(Finding::TABLE_COLUMNS, &header)
        )?;
        for row in &rest {
            let cells: Vec<String> = row.table_cells().iter().map(|c| terminal_safe(c)).collect();
            writeln!(
                out,
                "{}",
                crate::output::table_line(Finding::TABLE_COLUMNS, &cells)
            )?;
        }
    }
    let failed = report.transfers.iter().filter(|c| !c.ok).count();
    writeln!(
        out,
        "{}: {} transfers, {} ok, {failed} with discrepancies; {} intents settled, {} unsettled, \
         {} double-settled, {} not yet due, {} unknown to us, {} of {} records not as written; \
         {} open items; {} discrepancies",
        report.date,
        report.transfers.len(),
        report.transfers.len() - failed,
        report.settled,
        report.unsettled.len(),
        report.double_settled.len(),
        report.not_yet_due.len(),
        report.unknown_to_us.len(),
        report.expected_problems.len(),
        report.expected_checked,
        report.open_items.len(),
        report.discrepancies(),
    )?;
    writeln!(
        out,
        "reads: {} ({}); {}",
        report.reads.total,
        report
            .reads
            .by_route
            .iter()
            .map(|(route, n)| format!("{route}: {n}"))
            .collect::<Vec<_>>()
            .join(", "),
        report.reads.choice
    )?;
    for warning in &report.warnings {
        writeln!(out, "warning: {}", terminal_safe(warning))?;
    }
    out.flush()
}
