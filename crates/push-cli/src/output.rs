//! stdout: JSON by default; a human table or CSV for listings.

use std::io::{self, BufWriter, Stdout, Write};

use chrono::SecondsFormat;
use push_ureq::{Currency, Intent};
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

fn write_json(out: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(out, TerminalSafe);
    value.serialize(&mut serializer).map_err(io::Error::from)
}

pub(crate) struct Printer {
    out: BufWriter<Stdout>,
    csv: Option<csv::Writer<Stdout>>,
}

const TABLE_HEADER: [&str; 6] = ["ID", "CREATED_AT", "STATUS", "DIRECTION", "AMOUNT", "USER"];
const CSV_HEADER: [&str; 7] = [
    "id",
    "created_at",
    "status",
    "direction",
    "amount",
    "currency",
    "user_id",
];

/// `$14.50` for USD; `14.50 EUR` for anything else.
fn dollars(amount: i64, currency: &Currency) -> String {
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

    pub(crate) fn header(&mut self, format: Format) -> io::Result<()> {
        match format {
            Format::Json => Ok(()),
            Format::Table => self.table_row(TABLE_HEADER.map(str::to_owned)),
            Format::Csv => {
                let mut writer = csv::Writer::from_writer(io::stdout());
                writer.write_record(CSV_HEADER).map_err(io::Error::other)?;
                writer.flush()?;
                self.csv = Some(writer);
                Ok(())
            }
        }
    }

    fn table_row(&mut self, cells: [String; 6]) -> io::Result<()> {
        let [id, created, status, direction, amount, user] = cells.map(|c| terminal_safe(&c));
        writeln!(
            self.out,
            "{id:<40} {created:<24} {status:<9} {direction:<9} {amount:>12}  {user}"
        )
    }

    /// One intent as a line: JSON Lines, a table row or a CSV record. Flushed at once, so an
    /// interrupted listing has printed every line it counted.
    pub(crate) fn stream(&mut self, format: Format, intent: &Intent) -> io::Result<()> {
        let created = intent
            .created_at
            .to_rfc3339_opts(SecondsFormat::Millis, true);
        match format {
            Format::Json => {
                write_json(&mut self.out, intent)?;
                writeln!(self.out)?;
            }
            Format::Table => self.table_row([
                intent.id.to_string(),
                created,
                intent.status.to_string(),
                intent.direction.to_string(),
                dollars(intent.amount, &intent.currency),
                intent.user_id.to_string(),
            ])?,
            Format::Csv => {
                if let Some(writer) = &mut self.csv {
                    writer
                        .write_record([
                            intent.id.as_str(),
                            &created,
                            intent.status.as_str(),
                            intent.direction.as_str(),
                            &plain_amount(intent.amount),
                            intent.currency.as_str(),
                            intent.user_id.as_str(),
                        ])
                        .map_err(io::Error::other)?;
                    writer.flush()?;
                }
            }
        }
        self.out.flush()
    }

    /// A whole page as table or CSV rows, header first.
    pub(crate) fn rows(&mut self, format: Format, intents: &[Intent]) -> io::Result<()> {
        self.header(format)?;
        for intent in intents {
            self.stream(format, intent)?;
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
