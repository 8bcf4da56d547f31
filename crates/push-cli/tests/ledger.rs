//! `push refunds`, `disputes`, `accounts`, `transactions`, `transfers`, `webhooks register`,
//! `reconcile` and `emulator`: the real binary against the emulator, and against a scripted
//! server for exact bytes and refusals. Only 127.0.0.1 is ever contacted.

use push_mock::{Action, DEFAULT_TOKEN, EmulatorConfig, MockServer, Reply, ScriptedServer};
use serde_json::Value;

mod common;
use common::{json, push, stderr, stdout};

const SECRET: &str = "whsec_a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6";

fn server() -> MockServer {
    MockServer::start_in_background(EmulatorConfig {
        page_size: 3,
        ..EmulatorConfig::default()
    })
    .unwrap()
}

/// Authorizes `amount` cents through the CLI; the intent id.
fn pay(base_url: &str, amount: i64, direction: &str) -> String {
    pay_expecting(base_url, amount, direction, 0)
}

fn pay_expecting(base_url: &str, amount: i64, direction: &str, code: i32) -> String {
    let out = push(
        base_url,
        &[
            "authorize",
            "--amount",
            &amount.to_string(),
            "--currency",
            "USD",
            "--direction",
            direction,
            "--credential-id",
            "cred_1",
        ],
    );
    assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
    json(&out)["id"].as_str().unwrap().to_owned()
}

fn lines(output: &std::process::Output) -> Vec<Value> {
    stdout(output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn refunds_against_the_emulator() {
    let server = server();
    let url = server.base_url();
    let intent = pay(&url, 1450, "cash_in");
    let out = push(
        &url,
        &[
            "refunds",
            "create",
            "--intent-id",
            &intent,
            "--amount",
            "500",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let refund = json(&out);
    assert_eq!(refund["outcome"], "approved");
    assert_eq!(refund["amount"], 500);
    assert_eq!(refund["intent_id"], intent.as_str());
    let id = refund["id"].as_str().unwrap();
    // One refund per intent: a rerun answers the same refund.
    let again = push(&url, &["refunds", "create", "--intent-id", &intent]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(json(&again), refund);
    let got = push(&url, &["refunds", "get", id]);
    assert_eq!(json(&got)["status"], "approved");
    // More than the intent: Push's 400, exit 1.
    let other = pay(&url, 1000, "cash_in");
    let out = push(
        &url,
        &[
            "refunds",
            "create",
            "--intent-id",
            &other,
            "--amount",
            "1001",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("amount"), "{}", stderr(&out));
    // Validation before sending: exit 2.
    for bad in ["0", "-5"] {
        let out = push(
            &url,
            &["refunds", "create", "--intent-id", &other, "--amount", bad],
        );
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(stderr(&out).contains("invalid amount"), "{}", stderr(&out));
    }
}

#[test]
fn refund_outcomes_and_exact_bytes() {
    let server = ScriptedServer::start([
        Action::Respond(Reply::json(401, r#"{"id":"refund_declined_1"}"#)),
        Action::Respond(Reply::json(401, r#"{"message":"bad token"}"#)),
        Action::CloseAfterRead,
    ])
    .unwrap();
    let url = server.base_url();
    // The outcomes as Push's answers map them, each sent (no journal answering the rerun).
    let declined = push(
        &url,
        &[
            "--no-journal",
            "refunds",
            "create",
            "--intent-id",
            "intent_1",
        ],
    );
    assert_eq!(declined.status.code(), Some(3), "{}", stderr(&declined));
    assert_eq!(
        json(&declined),
        serde_json::json!({"outcome": "declined", "id": "refund_declined_1"})
    );
    let refused = push(
        &url,
        &[
            "--no-journal",
            "refunds",
            "create",
            "--intent-id",
            "intent_1",
            "--amount",
            "7",
        ],
    );
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    let lost = push(
        &url,
        &[
            "--no-journal",
            "--max-retries",
            "0",
            "refunds",
            "create",
            "--intent-id",
            "intent_1",
        ],
    );
    assert_eq!(lost.status.code(), Some(4), "{}", stderr(&lost));
    assert!(
        stderr(&lost).contains("push intents get intent_1"),
        "{}",
        stderr(&lost)
    );
    let bodies: Vec<String> = server
        .requests()
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r.method,
                r.target,
                String::from_utf8_lossy(&r.body)
            )
        })
        .collect();
    assert_eq!(
        bodies,
        [
            r#"POST /refund {"intent_id":"intent_1"}"#,
            r#"POST /refund {"intent_id":"intent_1","amount":7}"#,
            r#"POST /refund {"intent_id":"intent_1"}"#,
        ]
    );
}

#[test]
fn list_queries_are_exact() {
    let page = r#"{"data":[],"next_cursor":null}"#;
    let server = ScriptedServer::start(
        std::iter::repeat_with(|| Action::Respond(Reply::json(200, page))).take(4),
    )
    .unwrap();
    let url = server.base_url();
    let runs: [&[&str]; 4] = [
        &[
            "transfers",
            "list",
            "--date-after",
            "2023-05-01",
            "--date-before",
            "2023-05-31",
            "--created-after",
            "2023-05-01T00:00:00Z",
            "--cursor",
            "a+b/c==",
        ],
        &[
            "transactions",
            "list",
            "--account-id",
            "account_28CJjV7P4Go5PNJvfzghiD",
            "--created-before",
            "2023-05-25T00:00:00.5Z",
        ],
        &[
            "disputes",
            "list",
            "--created-after",
            "2023-05-24T20:36:50.694Z",
        ],
        &["disputes", "list"],
    ];
    for args in runs {
        let out = push(&url, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(json(&out)["data"], serde_json::json!([]));
    }
    let targets: Vec<String> = server.requests().iter().map(|r| r.target.clone()).collect();
    assert_eq!(
        targets,
        [
            "/transfer/list?date.after=2023-05-01&date.before=2023-05-31&created_at.after=2023-05-01T00%3A00%3A00Z&cursor=a%2Bb%2Fc%3D%3D",
            "/transaction/list?account_id=account_28CJjV7P4Go5PNJvfzghiD&created_at.before=2023-05-25T00%3A00%3A00.500Z",
            "/dispute/list?created_at.after=2023-05-24T20%3A36%3A50.694Z",
            "/dispute/list",
        ]
    );
    // A reversed date window never leaves the machine.
    let out = push(
        &url,
        &[
            "transfers",
            "list",
            "--date-after",
            "2023-05-02",
            "--date-before",
            "2023-05-01",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("date.after"), "{}", stderr(&out));
    let out = push(&url, &["transfers", "list", "--date-after", "05/01/2023"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(server.requests().len(), 4);
}

#[test]
fn webhook_registration() {
    let server = ScriptedServer::start([
        Action::Respond(Reply::json(200, "")),
        Action::Respond(Reply::json(400, r#"{"message":"unreachable url"}"#)),
    ])
    .unwrap();
    let url = server.base_url();
    let out = common::push_command()
        .args([
            "webhooks",
            "register",
            "--url",
            "https://api.example.com/push",
        ])
        .env("PUSH_API_TOKEN", DEFAULT_TOKEN)
        .env("PUSH_BASE_URL", &url)
        .env("PUSH_WEBHOOK_SECRET", SECRET)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        json(&out),
        serde_json::json!({"url": "https://api.example.com/push"})
    );
    let sent = &server.requests()[0];
    assert_eq!(
        (sent.method.as_str(), sent.target.as_str()),
        ("POST", "/webhook/register")
    );
    assert_eq!(
        String::from_utf8_lossy(&sent.body),
        format!(r#"{{"url":"https://api.example.com/push","secret":"{SECRET}"}}"#)
    );
    // From a file, its first line (the line ending is not part of the secret).
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, secret: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, format!("{secret}\n")).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let good = file("good", SECRET);
    let out = push(
        &url,
        &[
            "webhooks",
            "register",
            "--url",
            "https://x.example/h",
            "--secret-file",
            &good,
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(!stderr(&out).contains("a1b2c3"), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&server.requests()[1].body),
        format!(r#"{{"url":"https://x.example/h","secret":"{SECRET}"}}"#)
    );
    let short = file("short", "too-short-secret");
    for (hook, secret_file, field) in [
        ("http://example.com/h", good.as_str(), "url"),
        ("https://example.com/h", short.as_str(), "secret"),
    ] {
        let out = push(
            &url,
            &[
                "webhooks",
                "register",
                "--url",
                hook,
                "--secret-file",
                secret_file,
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{hook}");
        assert!(
            stderr(&out).contains(&format!("invalid {field}")),
            "{}",
            stderr(&out)
        );
        assert!(!stderr(&out).contains("too-short-secret"));
    }
    // A secret on the command line is refused before anything is sent, and never echoed.
    let out = push(
        &url,
        &[
            "webhooks",
            "register",
            "--url",
            "https://x.example/h",
            "--secret",
            SECRET,
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("PUSH_WEBHOOK_SECRET"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains(SECRET), "{}", stderr(&out));
    let missing = dir.path().join("missing");
    let out = push(
        &url,
        &[
            "webhooks",
            "register",
            "--url",
            "https://x.example/h",
            "--secret-file",
            missing.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--secret-file"), "{}", stderr(&out));
    assert_eq!(server.requests().len(), 2, "refused input is never sent");
}

/// The whole after-payment day through the CLI: payments, a refund and a dispute, a day on the
/// emulator's clock, the ledger listed, and reconciliation clean; then a discrepancy the
/// emulator is told to inject, found with exit 5.
#[test]
fn a_day_reconciles_and_an_injected_discrepancy_is_found() {
    let server = server();
    let url = server.base_url();
    let day = server.emulator().now().date_naive().to_string();
    let paid = pay(&url, 2500, "cash_in");
    pay(&url, 700, "cash_out");
    pay_expecting(&url, 1003, "cash_in", 3); // declined: no ledger entry
    let refund = push(
        &url,
        &["refunds", "create", "--intent-id", &paid, "--amount", "100"],
    );
    assert_eq!(refund.status.code(), Some(0));
    let disputed = pay(&url, 4000, "cash_in");
    let dispute = push(
        &url,
        &[
            "emulator",
            "open-dispute",
            "--intent-id",
            &disputed,
            "--code",
            "R01",
        ],
    );
    assert_eq!(dispute.status.code(), Some(0), "{}", stderr(&dispute));
    let dispute_id = json(&dispute)["id"].as_str().unwrap().to_owned();
    let won = push(
        &url,
        &[
            "emulator",
            "resolve-dispute",
            &dispute_id,
            "--status",
            "won",
        ],
    );
    assert_eq!(json(&won)["status"], "won");

    // Before the cut-off: no transfer, today's entries are open items, nothing fails.
    let early = push(&url, &["reconcile", "--date", &day, "--format", "json"]);
    assert_eq!(early.status.code(), Some(0), "{}", stderr(&early));
    let summary = &lines(&early)[0]["summary"];
    assert_eq!(summary["transfers"], 0);
    assert_eq!(summary["open_items"].as_array().unwrap().len(), 6);

    let advanced = push(&url, &["emulator", "advance", "--days", "1"]);
    assert_eq!(advanced.status.code(), Some(0), "{}", stderr(&advanced));
    assert_eq!(
        json(&advanced)["transfers"],
        2,
        "settlement and dispute accounts"
    );

    let out = push(&url, &["reconcile", "--date", &day, "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let report = lines(&out);
    assert_eq!(report.len(), 3, "two transfers, then the summary");
    for line in &report[..2] {
        assert_eq!(line["ok"], true, "{line}");
        assert_eq!(line["problems"], serde_json::json!([]));
        assert!(line["transfer"].as_str().unwrap().starts_with("transfer_"));
    }
    let amounts: Vec<i64> = report[..2]
        .iter()
        .map(|l| l["amount"].as_i64().unwrap())
        .collect();
    assert!(amounts.contains(&(2500 - 700 - 100 + 4000)), "{amounts:?}");
    assert!(amounts.contains(&(-4000 + 4000)), "{amounts:?}");
    assert_eq!(report[2]["summary"]["failed"], 0);
    assert_eq!(report[2]["summary"]["open_items"], serde_json::json!([]));

    let table = push(&url, &["reconcile", "--date", &day]);
    assert_eq!(table.status.code(), Some(0));
    assert!(
        stdout(&table).contains("2 transfers, 2 ok, 0 with discrepancies"),
        "{}",
        stdout(&table)
    );

    // The ledger, listed.
    let transfers = push(
        &url,
        &[
            "transfers",
            "list",
            "--date-after",
            &day,
            "--date-before",
            &day,
        ],
    );
    assert_eq!(json(&transfers)["data"].as_array().unwrap().len(), 2);
    let accounts = push(&url, &["accounts", "list"]);
    let accounts = json(&accounts);
    assert_eq!(accounts["data"].as_array().unwrap().len(), 2);
    assert!(
        accounts["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["balance"] == 0)
    );
    let settlement = accounts["data"][0]["id"].as_str().unwrap().to_owned();
    let all = push(
        &url,
        &["transactions", "list", "--account-id", &settlement, "--all"],
    );
    assert_eq!(all.status.code(), Some(0));
    assert_eq!(
        lines(&all).len(),
        5,
        "three payments, a refund, the transfer's entry"
    );
    let table = push(&url, &["accounts", "list", "--format", "table"]);
    assert!(stdout(&table).starts_with("ID"), "{}", stdout(&table));
    let disputes = push(&url, &["disputes", "list", "--format", "csv"]);
    assert!(stdout(&disputes).contains(&dispute_id));

    // Day two: the emulator is told to get the transfer wrong.
    let day2 = server.emulator().now().date_naive().to_string();
    let inject = push(
        &url,
        &[
            "emulator",
            "inject-discrepancy",
            "--kind",
            "transfer_amount",
            "--delta",
            "-100",
        ],
    );
    assert_eq!(inject.status.code(), Some(0), "{}", stderr(&inject));
    pay(&url, 3000, "cash_in");
    push(&url, &["emulator", "advance", "--days", "1"]);
    let out = push(&url, &["reconcile", "--date", &day2, "--format", "json"]);
    assert_eq!(out.status.code(), Some(5), "{}", stdout(&out));
    let report = lines(&out);
    assert_eq!(report[0]["ok"], false);
    let problems = report[0]["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2, "its own entry and the sum: {problems:?}");
    assert_eq!(report[1]["summary"]["failed"], 1);
    let table = push(&url, &["reconcile", "--date", &day2]);
    assert_eq!(table.status.code(), Some(5));
    assert!(stdout(&table).contains("DISCREPANCY"), "{}", stdout(&table));
}

#[test]
fn reconcile_refuses_bad_dates_and_reports_api_errors() {
    let server = ScriptedServer::start([Action::Respond(Reply::json(
        500,
        r#"{"message":"ledger unavailable"}"#,
    ))])
    .unwrap();
    let url = server.base_url();
    for bad in ["2026-02-30", "yesterday", "26-11-21"] {
        let out = push(&url, &["reconcile", "--date", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
    let out = push(
        &url,
        &["--max-retries", "0", "reconcile", "--date", "2026-11-21"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("ledger unavailable"),
        "{}",
        stderr(&out)
    );
}

/// Each ledger error an adversarial Push could answer with, made by the emulator on demand, is
/// found: exit 5, the problem named. Each once passed as `ok` (exit 0).
#[test]
fn double_postings_own_entries_currencies_and_dates_are_discrepancies() {
    for (kind, expected) in [
        ("double_netted", "is netted 2 times"),
        ("two_own_entries", "2 entries for the transfer itself"),
        ("wrong_currency", "is in EUR, the transfer in USD"),
        ("wrong_date", "as asked"),
    ] {
        let server = server();
        let url = server.base_url();
        let day = server.emulator().now().date_naive().to_string();
        pay(&url, 2500, "cash_in");
        pay(&url, 700, "cash_out");
        let injected = push(&url, &["emulator", "inject-discrepancy", "--kind", kind]);
        assert_eq!(
            injected.status.code(),
            Some(0),
            "{kind}: {}",
            stderr(&injected)
        );
        assert_eq!(
            push(&url, &["emulator", "advance", "--days", "1"])
                .status
                .code(),
            Some(0)
        );
        let out = push(&url, &["reconcile", "--date", &day, "--format", "json"]);
        assert_eq!(out.status.code(), Some(5), "{kind}: {}", stdout(&out));
        let report = lines(&out);
        let problems: Vec<String> = report
            .iter()
            .filter_map(|line| line["problems"].as_array())
            .flatten()
            .filter_map(|p| p.as_str().map(str::to_owned))
            .collect();
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{kind}: {problems:?}"
        );
    }
    let server = server();
    let misuse = push(
        &server.base_url(),
        &[
            "emulator",
            "inject-discrepancy",
            "--kind",
            "wrong_date",
            "--delta",
            "5",
        ],
    );
    assert_eq!(misuse.status.code(), Some(2));
    let missing = push(
        &server.base_url(),
        &[
            "emulator",
            "inject-discrepancy",
            "--kind",
            "transfer_amount",
        ],
    );
    assert_eq!(missing.status.code(), Some(2));
}

/// The other direction and our records: an intent Push never netted is `unsettled`, one nobody
/// named is `unknown_to_us`, a record Push does not have is found missing; reads are counted
/// (the emulator's own counter agrees), intents are listed, and a script's stderr stays clean.
#[test]
fn unsettled_and_unknown_intents_and_our_records() {
    let server = server();
    let url = server.base_url();
    let day = server.emulator().now().date_naive().to_string();
    let a = pay(&url, 2500, "cash_in");
    let b = pay(&url, 700, "cash_out");
    let c = pay(&url, 1200, "cash_in");
    let held = push(
        &url,
        &["emulator", "inject-discrepancy", "--kind", "unsettled"],
    );
    assert_eq!(held.status.code(), Some(0), "{}", stderr(&held));
    let unknown = push(
        &url,
        &["emulator", "inject-discrepancy", "--kind", "unknown_intent"],
    );
    assert_eq!(unknown.status.code(), Some(0), "{}", stderr(&unknown));
    let unknown = json(&unknown)["intent_id"].as_str().unwrap().to_owned();
    // Three days on: everything made today is due (4 PM Eastern, the day after its window).
    let advanced = push(&url, &["emulator", "advance", "--days", "3"]);
    assert_eq!(advanced.status.code(), Some(0));

    let before = server.emulator().stats().requests;
    let out = push(&url, &["reconcile", "--date", &day, "--format", "json"]);
    let reads = server.emulator().stats().requests - before;
    assert_eq!(out.status.code(), Some(5), "{}", stdout(&out));
    assert_eq!(
        stderr(&out),
        "",
        "no progress line when stderr is not a terminal"
    );
    let report = lines(&out);
    let unsettled: Vec<&Value> = report.iter().filter(|l| l["kind"] == "unsettled").collect();
    assert_eq!(unsettled.len(), 1, "{report:?}");
    let held = unsettled[0]["id"].as_str().unwrap();
    assert!([&a, &b, &c, &unknown].iter().any(|id| id.as_str() == held));
    let summary = &report.last().unwrap()["summary"];
    assert_eq!(summary["unsettled"], 1);
    assert_eq!(summary["settled"], 3);
    assert_eq!(summary["discrepancies"], 1);
    assert_eq!(summary["unknown_to_us"], 0, "no records, no such check");
    assert_eq!(summary["reads"]["total"].as_u64(), Some(reads));
    assert!(summary["reads"]["by_route"]["GET /intent/list"].as_u64() >= Some(1));
    assert_eq!(
        summary["reads"]["by_route"].get("GET /intent/{id}"),
        None,
        "every netted intent is in the window: none read one by one"
    );

    // Our records: a and b (b matched by amount), c by id, one Push never heard of.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("reconcile-expected");
    std::fs::create_dir_all(&dir).unwrap();
    let records = dir.join("records.csv");
    std::fs::write(
        &records,
        format!(
            "reference,intent_id,amount,direction,currency\n\
             order-a,{a},2500,cash_in,USD\n\
             order-b,,700,cash_out,USD\n\
             order-c,{c},1200,cash_in,USD\n\
             order-x,intent_nobody_made,900,cash_in,USD\n"
        ),
    )
    .unwrap();
    let out = push(
        &url,
        &[
            "reconcile",
            "--date",
            &day,
            "--format",
            "json",
            "--expected",
            records.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let report = lines(&out);
    let kinds = |kind: &str| -> Vec<String> {
        report
            .iter()
            .filter(|l| l["kind"] == kind)
            .map(|l| l["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(kinds("unknown_to_us"), std::slice::from_ref(&unknown));
    assert_eq!(kinds("expected_missing"), ["order-x"]);
    let summary = &report.last().unwrap()["summary"];
    assert_eq!(summary["expected_checked"], 4);
    assert_eq!(
        summary["reads"]["by_route"]["GET /intent/{id}"], 1,
        "only the record outside the window is read by id"
    );

    // CSV: the unit in the header, one row per finding.
    let csv = push(&url, &["reconcile", "--date", &day, "--format", "csv"]);
    assert_eq!(csv.status.code(), Some(5));
    let text = stdout(&csv);
    let mut rows = text.lines();
    assert_eq!(rows.next(), Some("kind,id,amount_usd,transfer,detail"));
    assert!(
        text.lines()
            .any(|r| r.starts_with(&format!("unsettled,{held},"))),
        "{text}"
    );
    assert!(
        text.lines().any(|r| r.starts_with("transfer_ok,transfer_")),
        "{text}"
    );

    // Bad records are refused by line and field, before anything is sent.
    std::fs::write(
        &records,
        "reference,intent_id,amount,direction,currency\norder-a,,ten,cash_in,USD\n",
    )
    .unwrap();
    let before = server.emulator().stats().requests;
    let out = push(
        &url,
        &[
            "reconcile",
            "--date",
            &day,
            "--expected",
            records.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("line 2: amount"), "{}", stderr(&out));
    assert_eq!(server.emulator().stats().requests, before, "nothing sent");
    let out = push(
        &url,
        &["reconcile", "--date", &day, "--lookback-days", "93"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("lookback-days"), "{}", stderr(&out));
}

/// A day without transfers though its intents were due: a warning, and a discrepancy under
/// `--strict` (Push's `date.before` being exclusive would otherwise make every day clean).
#[test]
fn a_day_without_transfers_warns_and_fails_when_strict() {
    let server = server();
    let url = server.base_url();
    let today = server.emulator().now().date_naive();
    pay(&url, 2500, "cash_in");
    assert_eq!(
        push(&url, &["emulator", "advance", "--days", "3"])
            .status
            .code(),
        Some(0)
    );
    // The next day has no transfer; today's intent could have been netted on it.
    let next = (today + chrono::Days::new(1)).to_string();
    let out = push(&url, &["reconcile", "--date", &next, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let report = lines(&out);
    let summary = &report.last().unwrap()["summary"];
    let warnings = summary["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{summary}");
    assert!(warnings[0].as_str().unwrap().contains("no transfers dated"));
    assert_eq!(summary["settled"], 1, "netted by the day before's transfer");
    let strict = push(
        &url,
        &["reconcile", "--date", &next, "--format", "json", "--strict"],
    );
    assert_eq!(strict.status.code(), Some(5), "{}", stdout(&strict));
    assert!(lines(&strict).iter().any(|l| l["kind"] == "no_transfers"));
}

/// `--journal` makes the journal's finished payments our records: what the CLI paid is known,
/// the intent made elsewhere is `unknown_to_us`.
#[test]
fn the_journal_is_our_records() {
    let server = server();
    let url = server.base_url();
    let day = server.emulator().now().date_naive().to_string();
    let journal = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("reconcile-journal-{}.sqlite3", std::process::id()));
    let _ = std::fs::remove_file(&journal);
    let journal = journal.to_str().unwrap().to_owned();
    let mut paid = Vec::new();
    for (tag, amount) in [("order-1", "2500"), ("order-2", "800")] {
        let out = push(
            &url,
            &[
                "--journal",
                &journal,
                "authorize",
                "--amount",
                amount,
                "--currency",
                "USD",
                "--direction",
                "cash_in",
                "--credential-id",
                "cred_1",
                "--tag",
                tag,
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        paid.push(json(&out)["id"].as_str().unwrap().to_owned());
    }
    let unknown = push(
        &url,
        &["emulator", "inject-discrepancy", "--kind", "unknown_intent"],
    );
    let unknown = json(&unknown)["intent_id"].as_str().unwrap().to_owned();
    assert_eq!(
        push(&url, &["emulator", "advance", "--days", "3"])
            .status
            .code(),
        Some(0)
    );
    let out = push(
        &url,
        &[
            "reconcile",
            "--date",
            &day,
            "--format",
            "json",
            "--journal",
            &journal,
        ],
    );
    assert_eq!(out.status.code(), Some(5), "{}", stdout(&out));
    let report = lines(&out);
    let unknown_to_us: Vec<&str> = report
        .iter()
        .filter(|l| l["kind"] == "unknown_to_us")
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(unknown_to_us, [unknown.as_str()]);
    let summary = &report.last().unwrap()["summary"];
    assert_eq!(summary["expected_checked"], 2);
    assert_eq!(summary["expected_problems"], 0);
    assert_eq!(summary["settled"], 3);
    // Without the journal there are no records: the same day is clean.
    let out = push(&url, &["reconcile", "--date", &day, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}
