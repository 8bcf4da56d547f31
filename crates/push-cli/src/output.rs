//! stdout: JSON by default; a human table or CSV for listings.

use std::io::{self, BufWriter, Stdout, Write};

use chrono::SecondsFormat;
use push_ureq::{Account, Currency, Dispute, Intent, Transaction, Transfer, User};
use serde::Serialize;

use crate::{args::Format, terminal_safe};

/// Compact JSON in which the control characters serde_json leaves raw (DEL and the C1 range,
/// where U+009B starts a terminal escape sequence) are `\u` escapes: still the same JSON
/// values, but nothing a server sends can drive the terminal.
struct TerminalSafe;

impl serde_json::ser::Formatter for TerminalSafe {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (at, c) in fragment.char_indices() {
            if c.is_control() {
                // In bounds, on char boundaries: `start` and `at` come from char_indices.
                writer.write_all(&fragment.as_bytes()[start..at])?;
                write!(writer, "\\u{:04x}", u32::from(c))?;
                start = at + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

/// `value` as one line of terminal-safe JSON, for standard error.
pub(crate) fn json_line(value: &impl Serialize) -> String {
    let mut out = Vec::new();
    match write_json(&mut out, value) {
        Ok(()) => String::from_utf8_lossy(&out).into_owned(),
        Err(err) => format!("(could not be encoded: {err})"),
    }
}

fn write_json(out: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(out, TerminalSafe);
    value.serialize(&mut serializer).map_err(io::Error::from)
}

pub(crate) struct Printer {
    out: BufWriter<Stdout>,
    csv: Option<csv::Writer<Stdout>>,
}

/// What a listing prints per item, besides JSON: a table line and a CSV record.
pub(crate) trait Row: Serialize {
    /// The table's column names.
    const TABLE_HEADER: &'static [&'static str];
    /// The CSV's column names.
    const CSV_HEADER: &'static [&'static str];
    /// How the table's columns are laid out, one per header.
    const TABLE_COLUMNS: &'static [Column];
    /// The cells of a table line, as shown.
    fn table_cells(&self) -> Vec<String>;
    /// The CSV record.
    fn csv_record(&self) -> Vec<String>;
}

/// A table column: padded to a width on the left or the right, or the rest of the line.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Column {
    Left(usize),
    Right(usize),
    Rest,
}

/// One table line of `cells` laid out by `columns`: one space between columns, two after a
/// right-aligned one followed by a left-aligned one (so amounts stand apart from ids).
pub(crate) fn table_line(columns: &[Column], cells: &[String]) -> String {
    let mut line = String::new();
    let mut previous = None;
    for (i, column) in columns.iter().enumerate() {
        let text = cells.get(i).map_or("", String::as_str);
        match (previous, column) {
            (None, _) => {}
            (Some(Column::Right(_)), Column::Left(_) | Column::Rest) => line.push_str("  "),
            _ => line.push(' '),
        }
        match *column {
            Column::Left(width) => line.push_str(&format!("{text:<width$}")),
            Column::Right(width) => line.push_str(&format!("{text:>width$}")),
            Column::Rest => line.push_str(text),
        }
        previous = Some(*column);
    }
    line
}

impl Row for Intent {
    const TABLE_HEADER: &'static [&'static str] =
        &["ID", "CREATED_AT", "STATUS", "DIRECTION", "AMOUNT", "USER"];
    const CSV_HEADER: &'static [&'static str] = &[
        "id",
        "created_at",
        "status",
        "direction",
        "amount_usd",
        "currency",
        "user_id",
    ];

    fn table_cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.created_at.to_rfc3339_opts(SecondsFormat::Millis, true),
            self.status.to_string(),
            self.direction.to_string(),
            dollars(self.amount, &self.currency),
            self.user_id.to_string(),
        ]
    }

    const TABLE_COLUMNS: &'static [Column] = &[
        Column::Left(40),
        Column::Left(24),
        Column::Left(9),
        Column::Left(9),
        Column::Right(12),
        Column::Rest,
    ];

    fn csv_record(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.created_at.to_rfc3339_opts(SecondsFormat::Millis, true),
            self.status.to_string(),
            self.direction.to_string(),
            plain_amount(self.amount),
            self.currency.to_string(),
            self.user_id.to_string(),
        ]
    }
}

impl Row for User {
    const TABLE_HEADER: &'static [&'static str] =
        &["ID", "CREATED_AT", "STATUS", "NAME", "EMAIL", "TAG"];
    const CSV_HEADER: &'static [&'static str] = &[
        "id",
        "created_at",
        "status",
        "first",
        "last",
        "email",
        "tag",
    ];

    fn table_cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.created_at
                .map(|at| at.to_rfc3339_opts(SecondsFormat::Millis, true))
                .unwrap_or_default(),
            self.status.to_string(),
            format!("{} {}", self.name.first, self.name.last),
            self.email.clone(),
            self.tag.clone().unwrap_or_default(),
        ]
    }

    const TABLE_COLUMNS: &'static [Column] = &[
        Column::Left(32),
        Column::Left(24),
        Column::Left(9),
        Column::Left(24),
        Column::Left(32),
        Column::Rest,
    ];

    fn csv_record(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.created_at
                .map(|at| at.to_rfc3339_opts(SecondsFormat::Millis, true))
                .unwrap_or_default(),
            self.status.to_string(),
            self.name.first.clone(),
            self.name.last.clone(),
            self.email.clone(),
            self.tag.clone().unwrap_or_default(),
        ]
    }
}

/// An RFC 3339 timestamp with milliseconds, as Push writes them.
fn at(time: &chrono::DateTime<chrono::Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn or_empty(value: Option<impl ToString>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

impl Row for Dispute {
    const TABLE_HEADER: &'static [&'static str] =
        &["ID", "CREATED_AT", "STATUS", "CODE", "AMOUNT", "INTENT"];
    const CSV_HEADER: &'static [&'static str] = &[
        "id",
        "created_at",
        "status",
        "code",
        "amount_usd",
        "currency",
        "intent_id",
    ];

    fn table_cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            at(&self.created_at),
            self.status.to_string(),
            self.code.to_string(),
            dollars(self.amount, &self.currency),
            self.intent_id.to_string(),
        ]
    }

    const TABLE_COLUMNS: &'static [Column] = &[
        Column::Left(32),
        Column::Left(24),
        Column::Left(8),
        Column::Left(5),
        Column::Right(12),
        Column::Rest,
    ];

    fn csv_record(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            at(&self.created_at),
            self.status.to_string(),
            self.code.to_string(),
            plain_amount(self.amount),
            self.currency.to_string(),
            self.intent_id.to_string(),
        ]
    }
}

impl Row for Transaction {
    const TABLE_HEADER: &'static [&'static str] = &[
        "ID",
        "CREATED_AT",
        "DATE",
        "TYPE",
        "STATUS",
        "AMOUNT",
        "SOURCE",
    ];
    const CSV_HEADER: &'static [&'static str] = &[
        "id",
        "created_at",
        "date",
        "type",
        "status",
        "amount_usd",
        "currency",
        "account_id",
        "source_id",
    ];

    fn table_cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            at(&self.created_at),
            or_empty(self.date),
            or_empty(self.transaction_type.as_ref()),
            or_empty(self.status.as_ref()),
            dollars(self.amount, &self.currency),
            self.source_id.clone().unwrap_or_default(),
        ]
    }

    const TABLE_COLUMNS: &'static [Column] = &[
        Column::Left(32),
        Column::Left(24),
        Column::Left(10),
        Column::Left(12),
        Column::Left(8),
        Column::Right(12),
        Column::Rest,
    ];

    fn csv_record(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            at(&self.created_at),
            or_empty(self.date),
            or_empty(self.transaction_type.as_ref()),
            or_empty(self.status.as_ref()),
            plain_amount(self.amount),
            self.currency.to_string(),
            or_empty(self.account_id.as_ref()),
            self.source_id.clone().unwrap_or_default(),
        ]
    }
}

impl Row for Transfer {
    const TABLE_HEADER: &'static [&'static str] = &[
        "ID",
        "DATE",
        "DIRECTION",
        "AMOUNT",
        "TRANSACTIONS",
        "ACCOUNT",
    ];
    const CSV_HEADER: &'static [&'static str] = &[
        "id",
        "created_at",
        "date",
        "direction",
        "amount_usd",
        "currency",
        "transactions",
        "account_id",
    ];

    fn table_cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            or_empty(self.date),
            self.direction.to_string(),
            dollars(self.amount, &self.currency),
            self.transactions.len().to_string(),
            or_empty(self.account.as_ref().map(|a| &a.id)),
        ]
    }

    const TABLE_COLUMNS: &'static [Column] = &[
        Column::Left(32),
        Column::Left(10),
        Column::Left(9),
        Column::Right(14),
        Column::Right(12),
        Column::Rest,
    ];

    fn csv_record(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            at(&self.created_at),
            or_empty(self.date),
            self.direction.to_string(),
            plain_amount(self.amount),
            self.currency.to_string(),
            self.transactions.len().to_string(),
            or_empty(self.account.as_ref().map(|a| &a.id)),
        ]
    }
}

impl Row for Account {
    const TABLE_HEADER: &'static [&'static str] = &["ID", "TYPE", "NAME", "BALANCE"];
    const CSV_HEADER: &'static [&'static str] =
        &["id", "type", "name", "balance_usd", "created_at"];

    fn table_cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.account_type.to_string(),
            self.name.clone(),
            self.balance
                .map(|b| dollars(b, &Currency::Usd))
                .unwrap_or_default(),
        ]
    }

    const TABLE_COLUMNS: &'static [Column] = &[
        Column::Left(40),
        Column::Left(10),
        Column::Left(32),
        Column::Right(14),
    ];

    fn csv_record(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.account_type.to_string(),
            self.name.clone(),
            self.balance.map(plain_amount).unwrap_or_default(),
            at(&self.created_at),
        ]
    }
}

/// `$14.50` for USD; `14.50 EUR` for anything else.
pub(crate) fn dollars(amount: i64, currency: &Currency) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    let (units, cents) = (amount.unsigned_abs() / 100, amount.unsigned_abs() % 100);
    match currency {
        Currency::Usd => format!("{sign}${units}.{cents:02}"),
        other => format!("{sign}{units}.{cents:02} {other}"),
    }
}

fn plain_amount(amount: i64) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:02}",
        amount.unsigned_abs() / 100,
        amount.unsigned_abs() % 100
    )
}

impl Printer {
    pub(crate) fn stdout() -> Self {
        Self {
            out: BufWriter::new(io::stdout()),
            csv: None,
        }
    }

    /// One JSON document and a newline.
    pub(crate) fn json(&mut self, value: &impl Serialize) -> io::Result<()> {
        write_json(&mut self.out, value)?;
        writeln!(self.out)?;
        self.out.flush()
    }

    /// One line of text (already made terminal-safe), flushed.
    pub(crate) fn line(&mut self, text: &str) -> io::Result<()> {
        writeln!(self.out, "{text}")?;
        self.out.flush()
    }

    pub(crate) fn header<R: Row>(&mut self, format: Format) -> io::Result<()> {
        match format {
            Format::Json => Ok(()),
            Format::Table => {
                let header: Vec<String> = R::TABLE_HEADER.iter().map(|h| (*h).to_owned()).collect();
                writeln!(self.out, "{}", table_line(R::TABLE_COLUMNS, &header))
            }
            Format::Csv => {
                let mut writer = csv::Writer::from_writer(io::stdout());
                writer
                    .write_record(R::CSV_HEADER)
                    .map_err(io::Error::other)?;
                writer.flush()?;
                self.csv = Some(writer);
                Ok(())
            }
        }
    }

    /// One item as a line: JSON Lines, a table row or a CSV record. Flushed at once, so an
    /// interrupted listing has printed every line it counted.
    pub(crate) fn stream<R: Row>(&mut self, format: Format, item: &R) -> io::Result<()> {
        match format {
            Format::Json => {
                write_json(&mut self.out, item)?;
                writeln!(self.out)?;
            }
            Format::Table => {
                let cells: Vec<String> = item
                    .table_cells()
                    .iter()
                    .map(|c| terminal_safe(c))
                    .collect();
                writeln!(self.out, "{}", table_line(R::TABLE_COLUMNS, &cells))?;
            }
            Format::Csv => {
                if let Some(writer) = &mut self.csv {
                    writer
                        .write_record(item.csv_record())
                        .map_err(io::Error::other)?;
                    writer.flush()?;
                }
            }
        }
        self.out.flush()
    }

    /// A whole page as table or CSV rows, header first.
    pub(crate) fn rows<R: Row>(&mut self, format: Format, items: &[R]) -> io::Result<()> {
        self.header::<R>(format)?;
        for item in items {
            self.stream(format, item)?;
        }
        self.flush()
    }

    pub(crate) fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_output_escapes_every_control_character_and_stays_the_same_json() {
        let hostile = "a\u{1b}[2Jb\u{9b}31mc\u{7f}d\re\u{85}é";
        let mut out = Vec::new();
        write_json(&mut out, &serde_json::json!({ "id": hostile })).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.chars().all(|c| !c.is_control()), "{text:?}");
        assert_eq!(text, r#"{"id":"a\u001b[2Jb\u009b31mc\u007fd\re\u0085é"}"#);
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["id"], hostile);
    }

    /// The layout the hand-written format strings had: `{:<40} {:<9} {:>12}  {}`.
    #[test]
    fn table_lines_keep_their_layout() {
        let cells: Vec<String> = ["a", "b", "$1.00", "c"].map(String::from).to_vec();
        let columns = [
            Column::Left(4),
            Column::Left(3),
            Column::Right(6),
            Column::Rest,
        ];
        assert_eq!(table_line(&columns, &cells), "a    b    $1.00  c");
        assert_eq!(
            table_line(&[Column::Right(3), Column::Right(3)], &cells),
            "  a   b"
        );
        assert_eq!(
            table_line(&columns, &cells[..1]),
            format!("a{}", " ".repeat(16))
        );
    }

    #[test]
    fn amounts_print_as_dollars() {
        assert_eq!(dollars(1450, &Currency::Usd), "$14.50");
        assert_eq!(dollars(5, &Currency::Usd), "$0.05");
        assert_eq!(dollars(-1450, &Currency::Usd), "-$14.50");
        assert_eq!(dollars(100, &Currency::from("EUR")), "1.00 EUR");
        assert_eq!(plain_amount(123456), "1234.56");
        assert_eq!(plain_amount(i64::MIN), "-92233720368547758.08");
    }
}
