//! The write-ahead journal in the CLI: where it is, which commands use it, `push journal list`
//! and `push recover`.

use std::{path::PathBuf, process::ExitCode};

use push_ureq::{
    JournalTarget,
    journal::Journaled,
    push_journal::{self, Entry, EntryState, OperationKind, Recovered},
};
use serde::{Serialize, de::DeserializeOwned};

use crate::{
    Failure, OUTCOME_UNKNOWN, Push,
    args::{Cli, Command, Format, Intents, JournalFormat, Refunds, Users},
    output::{Column, Printer, Row},
};

/// Whether `command` moves money (or registers a user): only these are journaled, so every
/// other command works without the journal.
pub(crate) fn is_money(command: &Command) -> bool {
    matches!(
        command,
        Command::Intents(Intents::Create(_) | Intents::Approve { .. } | Intents::Cancel { .. })
            | Command::Authorize(_)
            | Command::Users(Users::Create(_))
            | Command::Tokenize(_)
            | Command::Refunds(Refunds::Create { .. })
            | Command::Recover
    )
}

/// The journal's location: `--journal`, else `PUSH_JOURNAL`, else the XDG state directory;
/// `None` with `--no-journal`. The default's folders are created.
pub(crate) fn location(cli: &Cli) -> Result<Option<String>, Failure> {
    if cli.no_journal {
        return Ok(None);
    }
    let given = cli.journal.clone().or_else(|| {
        std::env::var("PUSH_JOURNAL")
            .ok()
            .filter(|value| !value.trim().is_empty())
    });
    if let Some(location) = given {
        return Ok(Some(location));
    }
    let state = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|dir| dir.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local").join("state"))
        })
        .ok_or_else(|| {
            Failure::Usage(
                "no journal location: set PUSH_JOURNAL, XDG_STATE_HOME or HOME, pass \
                 --journal PATH, or --no-journal"
                    .to_owned(),
            )
        })?;
    let dir = state.join("push");
    std::fs::create_dir_all(&dir).map_err(|err| {
        Failure::Push(push_ureq::push_journal::flow::journal_failure(
            None,
            format!("cannot create {}: {err}", dir.display()),
        ))
    })?;
    Ok(Some(
        dir.join("journal.sqlite3").to_string_lossy().into_owned(),
    ))
}

/// A money-moving call through the client (and its journal, when it has one); says on stderr
/// when the answer came from the journal and nothing was sent.
pub(crate) fn pay<O>(client: &Push, operation: O) -> Result<O::Output, Failure>
where
    O: Journaled,
    O::Output: Serialize + DeserializeOwned,
{
    if client.config().journal().is_none() {
        return Ok(client.send(operation)?);
    }
    let recorded = client.send_journaled(operation)?;
    if recorded.replayed {
        eprintln!(
            "push: {}",
            crate::terminal_safe(&format!(
                "answered from the journal (reference {}): nothing was sent",
                recorded.reference
            ))
        );
    }
    Ok(recorded.value)
}

/// One entry as `push journal list` and `push recover` print it.
#[derive(Debug, Serialize)]
struct Line<'a> {
    reference: &'a str,
    operation: &'a str,
    state: &'a str,
    result_id: Option<&'a str>,
    idempotency_key: Option<&'a str>,
    created_at: String,
    finished_at: Option<String>,
    result_status: Option<&'a str>,
    amount: Option<i64>,
    direction: Option<&'a str>,
    user_id: Option<&'a str>,
    detail: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

impl<'a> Line<'a> {
    fn new(entry: &'a Entry, error: Option<String>) -> Self {
        let call = &entry.call;
        Self {
            reference: &call.reference,
            operation: call.operation.as_str(),
            state: entry.state.as_str(),
            result_id: entry.result_id.as_deref(),
            // The key Push deduplicates a create by; other operations have none.
            idempotency_key: (call.operation == OperationKind::CreateIntent)
                .then_some(call.dedup.as_deref())
                .flatten(),
            created_at: timestamp(entry.created_at),
            finished_at: entry.finished_at.map(timestamp),
            result_status: entry.result_status.as_deref(),
            amount: call.amount,
            direction: call.direction.as_deref(),
            user_id: call.user_id.as_deref(),
            detail: entry.detail.as_deref(),
            error,
        }
    }
}

impl Row for Line<'_> {
    const TABLE_HEADER: &'static [&'static str] =
        &["CREATED", "OPERATION", "STATE", "RESULT", "REFERENCE"];
    const CSV_HEADER: &'static [&'static str] = Self::TABLE_HEADER;
    const TABLE_COLUMNS: &'static [Column] = &[
        Column::Left(27),
        Column::Left(14),
        Column::Left(12),
        Column::Left(30),
        Column::Rest,
    ];

    fn table_cells(&self) -> Vec<String> {
        vec![
            self.created_at.clone(),
            self.operation.to_owned(),
            self.state.to_owned(),
            self.result_id.unwrap_or("-").to_owned(),
            self.reference.to_owned(),
        ]
    }

    fn csv_record(&self) -> Vec<String> {
        self.table_cells()
    }
}

/// `push journal list`: reads the journal only (no token, nothing sent).
pub(crate) fn list(cli: &Cli, in_doubt: bool, format: JournalFormat) -> Result<ExitCode, Failure> {
    let location = location(cli)?
        .ok_or_else(|| Failure::Usage("--no-journal: there is no journal to list".to_owned()))?;
    let journal = push_journal::open(&JournalTarget::Location(location))
        .map_err(|err| Failure::Push(err.into()))?;
    let entries = journal
        .entries(in_doubt)
        .map_err(|err| Failure::Push(err.into()))?;
    let format = match format {
        JournalFormat::Json => Format::Json,
        JournalFormat::Table => Format::Table,
    };
    let lines: Vec<Line<'_>> = entries.iter().map(|e| Line::new(e, None)).collect();
    let mut printer = Printer::stdout();
    printer.rows(format, &lines)?;
    Ok(ExitCode::SUCCESS)
}

/// `push recover`: one JSON line per entry looked at; exit 4 while any is left in doubt.
pub(crate) fn recover(client: &Push) -> Result<ExitCode, Failure> {
    let report: Vec<Recovered> = client.recover()?;
    let mut printer = Printer::stdout();
    let mut left = 0;
    for recovered in &report {
        let error = recovered.error.as_ref().map(ToString::to_string);
        printer.stream(Format::Json, &Line::new(&recovered.entry, error))?;
        if recovered.entry.state.is_in_doubt() {
            left += 1;
            let hint = match recovered.entry.state {
                EntryState::NeedsReview => {
                    "needs a person: Push cannot deduplicate a credential authorize. Check \
                     the candidates in `detail` (push intents get ID), then settle it by hand"
                }
                EntryState::Pending if recovered.error.is_none() => {
                    "another worker is sending it now: run `push recover` again later"
                }
                _ => "could not be resolved now: run `push recover` again",
            };
            eprintln!(
                "push: {}",
                crate::terminal_safe(&format!("{}: {hint}", recovered.entry.call.reference))
            );
        }
    }
    printer.flush()?;
    Ok(if left == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(OUTCOME_UNKNOWN)
    })
}
