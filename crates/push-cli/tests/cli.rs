//! The real `push` binary against the emulator (and a scripted server for exact faults): every
//! command, flag, format and exit code. Only 127.0.0.1 is ever contacted.

use std::{
    io::{BufRead, BufReader, Read},
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};

use push_mock::{Action, DEFAULT_TOKEN, Reply, ScriptedServer, sample};
use serde_json::Value;

mod common;
use common::{CREATE, authorize_args, emulator, json, newest_first, push, stderr, stdout};

const SECRET_TOKEN: &str = "sk_test_CLI_SECRET_7731";

#[test]
fn intents_create_explicit_and_tokenized() {
    let server = emulator(0, 10);
    let url = server.base_url();
    let out = push(
        &url,
        &[
            "intents",
            "create",
            "--user-id",
            "user_1",
            "--amount",
            "1450",
            "--currency",
            "USD",
            "--direction",
            "cash_in",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let created = json(&out);
    assert!(
        created["id"]
            .as_str()
            .unwrap()
            .starts_with("intent_sandbox_")
    );
    assert!(created["url"].as_str().unwrap().starts_with("https://"));
    assert_eq!(created.as_object().unwrap().len(), 2, "exactly id and url");

    let out = push(
        &url,
        &[
            "intents",
            "create",
            "--user-id",
            "user_1",
            "--token",
            "token_abc",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let all_flags = [
        "intents",
        "create",
        "--user-id",
        "user_2",
        "--amount",
        "990",
        "--currency",
        "USD",
        "--direction",
        "cash_out",
        "--account-id",
        "account_9",
        "--approval-mode",
        "manual",
        "--redirect-url",
        "https://shop.example/done",
        "--webhook-url",
        "https://shop.example/hooks",
        "--idempotency-key",
        "order-42",
    ];
    let first = json(&push(&url, &all_flags));
    let again = json(&push(&url, &all_flags));
    assert_eq!(
        first, again,
        "the same idempotency key gives the same intent"
    );
    let intent = json(&push(
        &url,
        &["intents", "get", first["id"].as_str().unwrap()],
    ));
    assert_eq!(intent["idempotency_key"], "order-42");
    assert_eq!(intent["approval_mode"], "manual");
    assert_eq!(intent["account"]["id"], "account_9");
    assert_eq!(intent["direction"], "cash_out");
    assert_eq!(server.emulator().intent_count(), 3);
}

#[test]
fn validation_errors_exit_2_name_the_field_and_send_nothing() {
    let server = emulator(0, 10);
    let url = server.base_url();
    let cases: [(&[&str], &str); 6] = [
        (
            &[
                "intents",
                "create",
                "--user-id",
                "u",
                "--amount",
                "0",
                "--currency",
                "USD",
                "--direction",
                "cash_in",
            ],
            "amount",
        ),
        (
            &[
                "intents",
                "create",
                "--user-id",
                "u",
                "--amount",
                "5",
                "--currency",
                "EUR",
                "--direction",
                "cash_in",
            ],
            "currency",
        ),
        (
            &[
                "intents",
                "create",
                "--user-id",
                "u",
                "--amount",
                "5",
                "--currency",
                "USD",
                "--direction",
                "cash_in",
                "--approval-mode",
                "manual",
            ],
            "approval_mode",
        ),
        (
            &[
                "intents",
                "create",
                "--user-id",
                "u",
                "--amount",
                "5",
                "--currency",
                "USD",
                "--direction",
                "cash_in",
                "--webhook-url",
                "http://shop.example",
            ],
            "webhook_url",
        ),
        (
            &[
                "authorize",
                "--amount",
                "5",
                "--currency",
                "USD",
                "--direction",
                "cash_in",
                "--token",
                "t",
                "--tag",
                "has space",
            ],
            "tag",
        ),
        (
            &[
                "authorize",
                "--amount",
                "5",
                "--currency",
                "USD",
                "--direction",
                "cash_in",
                "--token",
                "t",
                "--webhook-secret",
                "short",
            ],
            "webhook_secret",
        ),
    ];
    for (args, field) in cases {
        let out = push(&url, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(err.contains(&format!("invalid {field}:")), "{err}");
        assert_eq!(err.lines().count(), 1, "one line a failure: {err}");
    }
    assert_eq!(server.emulator().stats().requests, 0, "nothing was sent");
}

#[test]
fn usage_errors_exit_2() {
    let server = emulator(0, 10);
    let url = server.base_url();
    let cases: [&[&str]; 8] = [
        &[
            "intents",
            "create",
            "--user-id",
            "u",
            "--amount",
            "5",
            "--currency",
            "USD",
            "--direction",
            "sideways",
        ],
        &[
            "intents",
            "create",
            "--user-id",
            "u",
            "--amount",
            "5",
            "--token",
            "t",
            "--currency",
            "USD",
            "--direction",
            "cash_in",
        ],
        &["intents", "create", "--user-id", "u"],
        &["intents", "list", "--status", "held"],
        &["intents", "list", "--created-after", "yesterday"],
        &["--timeout", "abc", "intents", "list"],
        &[
            "authorize",
            "--amount",
            "5",
            "--currency",
            "USD",
            "--direction",
            "cash_in",
        ],
        &["--sandbox", "--production", "intents", "list"],
    ];
    for args in cases {
        let out = push(&url, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
    let no_token = common::push_command()
        .args(["intents", "list", "--base-url", &url])
        .env_remove("PUSH_API_TOKEN")
        .output()
        .unwrap();
    assert_eq!(no_token.status.code(), Some(2));
    assert!(stderr(&no_token).contains("--api-token"));
    assert_eq!(server.emulator().stats().requests, 0);
}

#[test]
fn plaintext_off_loopback_is_refused_before_connecting() {
    let out = push("http://push.example.com", &["intents", "get", "intent_1"]);
    assert_eq!(out.status.code(), Some(2));
    // From the environment, the variable is named.
    assert!(stderr(&out).contains("PUSH_BASE_URL"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing was sent"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn get_prints_the_intent_and_unknown_values_as_received() {
    let mut intent: Value =
        serde_json::from_str(&sample::intent("intent_sandbox_x", 1450)).unwrap();
    intent["status"] = Value::from("on_hold");
    intent["rail"] = Value::from("rtp");
    let server = ScriptedServer::start([
        Action::Respond(Reply::json(200, intent.to_string())),
        Action::Respond(Reply::json(404, r#"{"message":"intent nope not found"}"#)),
    ])
    .unwrap();
    let out = push(&server.base_url(), &["intents", "get", "intent_sandbox_x"]);
    assert_eq!(out.status.code(), Some(0));
    let printed = json(&out);
    assert_eq!(printed["status"], "on_hold");
    assert_eq!(printed["rail"], "rtp");
    assert_eq!(printed["amount"], 1450);
    let out = push(&server.base_url(), &["intents", "get", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("404") && err.contains("intent nope not found"),
        "{err}"
    );
    assert_eq!(server.requests()[1].target, "/intent/nope");
}

#[test]
fn a_response_that_does_not_decode_names_the_json_path() {
    let broken = sample::intent("intent_1", 1).replace(r#""amount":1,"#, r#""amount":"1","#);
    let server = ScriptedServer::start([Action::Respond(Reply::json(200, broken))]).unwrap();
    let out = push(&server.base_url(), &["intents", "get", "intent_1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("`amount`"), "{}", stderr(&out));
}

#[test]
fn list_formats_filters_and_paging() {
    let server = emulator(25, 10);
    let url = server.base_url();
    let page = json(&push(&url, &["intents", "list"]));
    assert_eq!(page["data"].as_array().unwrap().len(), 10);
    let cursor = page["next_cursor"].as_str().unwrap().to_owned();
    let next = json(&push(&url, &["intents", "list", "--cursor", &cursor]));
    assert_ne!(next["data"][0]["id"], page["data"][0]["id"]);

    let lines = stdout(&push(&url, &["intents", "list", "--all"]));
    let ids: Vec<String> = lines
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let expected = newest_first(&server);
    assert_eq!(ids, expected, "JSON Lines, every intent once, newest first");

    assert_eq!(
        stdout(&push(&url, &["intents", "list", "--all", "--limit", "13"]))
            .lines()
            .count(),
        13
    );
    let limited = json(&push(&url, &["intents", "list", "--limit", "3"]));
    assert_eq!(limited["data"].as_array().unwrap().len(), 3);

    let declined = stdout(&push(
        &url,
        &["intents", "list", "--all", "--status", "declined"],
    ));
    assert_eq!(declined.lines().count(), 5);
    assert!(
        declined
            .lines()
            .all(|l| l.contains(r#""status":"declined""#))
    );
    let either = stdout(&push(
        &url,
        &[
            "intents", "list", "--all", "--status", "declined", "--status", "approved", "--type",
            "push",
        ],
    ));
    assert_eq!(either.lines().count(), 25);
    assert_eq!(
        stdout(&push(
            &url,
            &["intents", "list", "--all", "--type", "card_only"]
        ))
        .lines()
        .count(),
        0
    );

    let middle = server.emulator().intents()[12].created_at.to_rfc3339();
    let after = stdout(&push(
        &url,
        &["intents", "list", "--all", "--created-after", &middle],
    ));
    assert_eq!(after.lines().count(), 12);
    let before = stdout(&push(
        &url,
        &["intents", "list", "--all", "--created-before", &middle],
    ));
    assert_eq!(before.lines().count(), 12);

    let table = stdout(&push(
        &url,
        &["intents", "list", "--all", "--format", "table"],
    ));
    let mut rows = table.lines();
    let header = rows.next().unwrap();
    for column in ["ID", "CREATED_AT", "STATUS", "DIRECTION", "AMOUNT", "USER"] {
        assert!(header.contains(column), "{header}");
    }
    assert_eq!(rows.clone().count(), 25);
    assert!(rows.all(|row| row.contains("$")), "{table}");

    let csv = stdout(&push(&url, &["intents", "list", "--format", "csv"]));
    let mut records = csv.lines();
    assert_eq!(
        records.next(),
        Some("id,created_at,status,direction,amount_usd,currency,user_id")
    );
    let first: Vec<&str> = records.next().unwrap().split(',').collect();
    let newest = server.emulator().intents().last().unwrap().clone();
    assert_eq!(first[0], newest.id.as_str());
    assert_eq!(
        first[4],
        format!("{}.{:02}", newest.amount / 100, newest.amount % 100)
    );
}

#[test]
fn authorize_outcomes_and_exit_codes() {
    let server = emulator(0, 10);
    let url = server.base_url();
    let base = ["authorize", "--currency", "USD", "--direction", "cash_in"];
    let run = |extra: &[&str]| push(&url, &[&base[..], extra].concat());

    let approved = run(&["--amount", "1000", "--token", "token_a"]);
    assert_eq!(approved.status.code(), Some(0));
    let body = json(&approved);
    assert_eq!(body["outcome"], "approved");
    assert_eq!(body["amount"], 1000);
    assert_eq!(body["credential"]["last4"], "6018");

    let auth = run(&["--amount", "150000", "--credential-id", "cred_1"]);
    assert_eq!(auth.status.code(), Some(0));
    assert_eq!(json(&auth)["outcome"], "authentication_required");
    assert!(json(&auth)["url"].as_str().unwrap().starts_with("https://"));

    let declined = run(&["--amount", "1003", "--credential-id", "cred_1"]);
    assert_eq!(declined.status.code(), Some(3));
    assert_eq!(json(&declined)["outcome"], "declined");
    assert_eq!(json(&declined)["decline_category"], "fraud_risk");

    let every_flag = push(
        &url,
        &[
            "authorize",
            "--amount",
            "2500",
            "--currency",
            "USD",
            "--direction",
            "cash_out",
            "--token",
            "token_b",
            "--redirect-url",
            "https://app.example/back",
            "--webhook-url",
            "https://app.example/hooks",
            "--webhook-secret",
            "whsec_a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6",
            "--tag",
            "tx_1234567890",
            "--account-id",
            "account_1",
            "--approval-mode",
            "manual",
        ],
    );
    assert_eq!(every_flag.status.code(), Some(0), "{}", stderr(&every_flag));
    assert!(
        !stdout(&every_flag).contains("whsec_"),
        "the webhook secret is not printed"
    );
    assert_eq!(server.emulator().stats().authorizations, 4);
}

#[test]
fn verbose_shows_each_attempt_of_a_503_then_success() {
    let server = ScriptedServer::start([
        Action::Respond(Reply::json(503, "{}")),
        Action::Respond(Reply::json(200, sample::intent("intent_1", 5))),
    ])
    .unwrap();
    let out = push(&server.base_url(), &["-v", "intents", "get", "intent_1"]);
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].starts_with("GET /intent/intent_1 503 attempt=1 ") && lines[0].ends_with("ms"),
        "{err}"
    );
    assert!(
        lines[1].starts_with("GET /intent/intent_1 200 attempt=2 "),
        "{err}"
    );
}

#[test]
fn max_retries_and_timeout_are_honoured() {
    let server = ScriptedServer::start([
        Action::Respond(Reply::json(503, "{}")),
        Action::Respond(Reply::json(200, "{}")),
    ])
    .unwrap();
    let out = push(
        &server.base_url(),
        &["--max-retries", "0", "intents", "get", "intent_1"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("503"));
    assert_eq!(server.requests().len(), 1);

    let stall = Action::StallBody {
        reply: Reply::json(200, sample::intent("i", 1)),
        sent: 10,
        hold: Duration::from_secs(5),
    };
    let server = ScriptedServer::start([stall]).unwrap();
    let started = Instant::now();
    let out = push(
        &server.base_url(),
        &[
            "--timeout",
            "0.5",
            "--max-retries",
            "0",
            "intents",
            "get",
            "i",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("timed out"), "{}", stderr(&out));
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[test]
fn the_token_never_appears_in_any_output() {
    let server = ScriptedServer::start([
        Action::Respond(Reply::json(401, r#"{"message":"bad token"}"#)),
        Action::Respond(Reply::json(503, "{}")),
        Action::CloseAfterRead,
        Action::Respond(Reply::json(200, sample::page(["intent_1"], None))),
    ])
    .unwrap();
    let mut outputs = String::new();
    for args in [
        &["-v", "intents", "get", "intent_1"][..],
        &[
            "-v",
            "--max-retries",
            "1",
            "authorize",
            "--amount",
            "5",
            "--currency",
            "USD",
            "--direction",
            "cash_in",
            "--credential-id",
            "c",
        ],
        &["-v", "intents", "list", "--all"],
        &[
            "-v",
            "intents",
            "create",
            "--user-id",
            "u",
            "--amount",
            "0",
            "--currency",
            "USD",
            "--direction",
            "cash_in",
        ],
        &["--help"],
    ] {
        let out = common::push_command()
            .args(args)
            .env("PUSH_API_TOKEN", SECRET_TOKEN)
            .env("PUSH_BASE_URL", server.base_url())
            .output()
            .unwrap();
        outputs.push_str(&stdout(&out));
        outputs.push_str(&stderr(&out));
    }
    assert!(outputs.contains("attempt=1"), "{outputs}");
    assert!(!outputs.contains("CLI_SECRET"), "{outputs}");
    assert!(
        server.requests()[0]
            .header("authorization")
            .unwrap()
            .contains(SECRET_TOKEN)
    );
}

#[test]
fn ctrl_c_during_list_all_exits_promptly_with_the_cursor_to_resume_from() {
    let server = emulator(10_000, 25);
    let url = server.base_url();
    let mut child = common::push_command()
        .args(["intents", "list", "--all"])
        .env("PUSH_API_TOKEN", DEFAULT_TOKEN)
        .env("PUSH_BASE_URL", &url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut printed = Vec::new();
    for _ in 0..40 {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        printed.push(line);
    }
    let interrupted = Instant::now();
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let mut rest = String::new();
    reader.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(
        interrupted.elapsed() < Duration::from_secs(3),
        "took {:?}",
        interrupted.elapsed()
    );
    assert_eq!(status.code(), Some(130));
    printed.extend(rest.lines().map(|l| format!("{l}\n")));
    assert!(printed.len() < 10_000, "the listing was interrupted");

    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let cursor = err
        .split("--cursor ")
        .nth(1)
        .unwrap_or_else(|| panic!("{err}"))
        .trim()
        .to_owned();
    let resumed = stdout(&push(
        &url,
        &["intents", "list", "--all", "--cursor", &cursor],
    ));
    let id = |line: &str| {
        serde_json::from_str::<Value>(line).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let printed_ids: Vec<String> = printed
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| id(l))
        .collect();
    let resumed_ids: Vec<String> = resumed.lines().map(id).collect();
    // Nothing lost: the resumed listing starts at or before the first intent not yet printed.
    let expected = newest_first(&server);
    let start = expected.iter().position(|i| *i == resumed_ids[0]).unwrap();
    assert!(
        start <= printed_ids.len(),
        "resumed at {start}, {} printed",
        printed_ids.len()
    );
    assert_eq!(&expected[..printed_ids.len()], &printed_ids[..]);
    assert_eq!(&expected[start..], &resumed_ids[..]);
}

#[test]
fn push_mock_serves_until_interrupted() {
    let mut child = common::push_command()
        .args([
            "mock",
            "--port",
            "0",
            "--token",
            "sk_test_cli_mock",
            "--seed",
            "3",
            "--fault-rate",
            "0",
            "--seed-intents",
            "4",
        ])
        .env_remove("PUSH_API_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let out = common::push_command()
        .args([
            "--api-token",
            "sk_test_cli_mock",
            "--base-url",
            &url,
            "intents",
            "list",
            "--all",
        ])
        .output()
        .unwrap();
    assert_eq!(stdout(&out).lines().count(), 4, "{}", stderr(&out));
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let bad = common::push_command()
        .args(["mock", "--fault-rate", "2"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

/// Peak resident memory (VmHWM) of `push intents list --all` over `intents` intents, sampled
/// until it exits; returns the peak in KiB and the lines printed.
fn peak_rss_of_listing(intents: usize) -> (u64, usize) {
    let server = emulator(intents, 100);
    let mut child = common::push_command()
        .args(["intents", "list", "--all"])
        .env("PUSH_API_TOKEN", DEFAULT_TOKEN)
        .env("PUSH_BASE_URL", server.base_url())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let stdout = child.stdout.take().unwrap();
    let counter = std::thread::spawn(move || BufReader::new(stdout).lines().count());
    let (mut peak, deadline) = (0, Instant::now() + Duration::from_secs(120));
    while child.try_wait().unwrap().is_none() && Instant::now() < deadline {
        if let Ok(status) = std::fs::read_to_string(&status_file) {
            let hwm = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok());
            peak = peak.max(hwm.unwrap_or(0));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(child.wait().unwrap().success());
    (peak, counter.join().unwrap())
}

#[test]
fn list_all_streams_a_hundred_thousand_intents_in_flat_memory() {
    let (small, small_lines) = peak_rss_of_listing(2_000);
    let (large, large_lines) = peak_rss_of_listing(100_000);
    assert_eq!((small_lines, large_lines), (2_000, 100_000));
    println!(
        "push intents list --all: peak RSS {small} KiB for 2,000 intents, {large} KiB for 100,000"
    );
    assert!(small > 0 && large > 0, "VmHWM was read");
    assert!(
        large * 2 <= small * 3,
        "peak RSS grew with the listing: {small} KiB -> {large} KiB"
    );
}

#[test]
fn intents_approve_and_cancel_enforce_the_transitions() {
    let server = emulator(0, 10);
    let url = server.base_url();
    let manual = [
        "intents",
        "create",
        "--user-id",
        "u",
        "--amount",
        "900",
        "--currency",
        "USD",
        "--direction",
        "cash_out",
        "--approval-mode",
        "manual",
    ];
    let held = json(&push(&url, &manual))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let approved = push(&url, &["intents", "approve", &held]);
    assert_eq!(approved.status.code(), Some(0), "{}", stderr(&approved));
    assert_eq!(json(&approved)["status"], "approved");
    let again = push(&url, &["intents", "approve", &held]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("409") && stderr(&again).contains("pending"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        push(&url, &["intents", "cancel", &held]).status.code(),
        Some(1)
    );

    let other = json(&push(&url, &manual))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let canceled = push(&url, &["intents", "cancel", &other]);
    assert_eq!(
        (canceled.status.code(), json(&canceled)["status"].clone()),
        (Some(0), Value::from("canceled"))
    );
    assert_eq!(
        push(&url, &["intents", "approve", "list"]).status.code(),
        Some(2),
        "an id that changes the path"
    );
}

fn verify(secret: &str, signature: &str, body: &str) -> Output {
    let mut child = common::push_command()
        .args(["webhooks", "verify", "--signature", signature])
        .env("PUSH_WEBHOOK_SECRET", secret)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A refused secret exits before reading stdin: the pipe may already be closed.
    if let Err(err) = std::io::Write::write_all(&mut child.stdin.take().unwrap(), body.as_bytes()) {
        assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe, "{err}");
    }
    child.wait_with_output().unwrap()
}

/// Regression (issue 22 D20): a signed event nested past 128 levels printed `"data":null`
/// with exit 0; a 64 MiB body was read and hashed. Both are refused (exit 1).
#[test]
fn webhooks_verify_refuses_what_it_cannot_decode_whole_and_huge_bodies() {
    let secret = "whsec_a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6";
    let sign = |body: &str| {
        push_ureq::webhook::sign(
            &push_ureq::WebhookSecret::new(secret).unwrap(),
            body.as_bytes(),
        )
    };
    let deep = format!(
        r#"{{"type":"intent.refunded","timestamp":"{}","data":{}1{}}}"#,
        chrono::Utc::now().to_rfc3339(),
        "[".repeat(200),
        "]".repeat(200)
    );
    let out = verify(secret, &sign(&deep), &deep);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    let huge = format!("{{\"pad\":\"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let out = verify(secret, &sign(&huge), &huge);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("more than"), "{}", stderr(&out));
}

#[test]
fn webhooks_verify_prints_the_event_or_the_failed_check() {
    let secret = "whsec_a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6";
    let body = |at: chrono::DateTime<chrono::Utc>| {
        format!(
            r#"{{"type":"intent.declined","timestamp":"{}","data":{{"id":"intent_1","amount":1003,"decline_category":"fraud_risk","tag":"t1"}}}}"#,
            at.to_rfc3339()
        )
    };
    let now = body(chrono::Utc::now());
    let sign = |body: &str| {
        push_ureq::webhook::sign(
            &push_ureq::WebhookSecret::new(secret).unwrap(),
            body.as_bytes(),
        )
    };

    let ok = verify(secret, &sign(&now), &now);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    let event = json(&ok);
    assert_eq!(event["type"], "intent.declined");
    assert_eq!(event["data"]["decline_category"], "fraud_risk");
    assert_eq!(event["data"]["tag"], "t1");

    let tampered = now.replace("1003", "1004");
    let out = verify(secret, &sign(&now), &tampered);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("does not match"), "{}", stderr(&out));
    let out = verify(
        "whsec_a_different_secret_of_enough_length",
        &sign(&now),
        &now,
    );
    assert_eq!(out.status.code(), Some(1));
    let stale = body(chrono::Utc::now() - chrono::TimeDelta::minutes(10));
    let out = verify(secret, &sign(&stale), &stale);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("old"), "{}", stderr(&out));
    let out = verify("too short", &sign(&now), &now);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("webhook_secret"), "{}", stderr(&out));
    assert!(
        !format!("{}{}", stdout(&ok), stderr(&out)).contains("a1b2c3"),
        "the secret is never printed"
    );
}

fn ids_of(output: &Output) -> Vec<String> {
    let text = stdout(output);
    let value: Value = serde_json::from_str(text.trim()).unwrap();
    value["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Regression: `--limit 3` printed the page's own `next_cursor`, so `--cursor <next_cursor>`
/// never showed 7 of 25 intents. Every limit, followed page by page, shows every intent once.
#[test]
fn list_limit_then_cursor_loses_nothing() {
    let server = emulator(25, 10);
    let url = server.base_url();
    let expected = newest_first(&server);
    for limit in ["3", "10", "12"] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..30 {
            let mut args = vec!["intents", "list", "--limit", limit];
            if let Some(c) = &cursor {
                args.extend(["--cursor", c.as_str()]);
            }
            let out = push(&url, &args);
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
            seen.extend(ids_of(&out));
            match json(&out)["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        assert_eq!(
            seen, expected,
            "--limit {limit}: every intent once, in order"
        );
    }
    // With --all the Ctrl-C / limit rule is the same: --all --limit 3, then resume.
    let out = push(&url, &["intents", "list", "--limit", "3"]);
    let next = json(&out)["next_cursor"].as_str().unwrap().to_owned();
    let rest = stdout(&push(
        &url,
        &["intents", "list", "--all", "--cursor", &next],
    ));
    assert_eq!(rest.lines().count(), 22);
}

/// Regression: a page without `next_cursor` ended the listing silently with exit 0.
#[test]
fn a_page_without_next_cursor_is_a_decode_error() {
    let server =
        ScriptedServer::start([Action::Respond(Reply::json(200, r#"{"data":[]}"#))]).unwrap();
    let out = push(&server.base_url(), &["intents", "list", "--all"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("next_cursor"), "{}", stderr(&out));
}

/// Regression: `X-RateLimit-Reset: 18446744073709551615` panicked (exit 101), after the POST
/// had reached the server, so the key to retry with was never printed.
#[test]
fn absurd_rate_limit_headers_never_panic_and_a_sent_create_names_its_key() {
    let absurd = || {
        Action::Respond(
            Reply::json(503, r#"{"message":"busy"}"#)
                .header("x-ratelimit-remaining", "0")
                .header("x-ratelimit-reset", "18446744073709551615")
                .header("retry-after", "99999999999999999999"),
        )
    };
    let server = ScriptedServer::start([absurd(), absurd()]).unwrap();
    let url = server.base_url();
    let out = push(&url, &["intents", "get", "intent_1"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let out = push(&url, &[CREATE, &["--idempotency-key", "order-77"]].concat());
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--idempotency-key order-77"),
        "{}",
        stderr(&out)
    );
    assert_eq!(server.requests().len(), 2);
}

/// Regression: an authorize whose outcome is unknown exited 1, like a clean refusal, and an
/// operator who reran it could charge twice. It exits 4 and says how to check.
#[test]
fn unknown_outcomes_exit_4_and_say_how_to_check() {
    let cases: Vec<(Action, i32, &str)> = vec![
        (Action::CloseAfterRead, 4, "may have gone through"),
        (
            Action::Respond(Reply::json(502, "bad gateway")),
            4,
            "may have gone through",
        ),
        (
            Action::Respond(Reply::json(200, "{broken")),
            4,
            "may have gone through",
        ),
        (
            Action::Respond(Reply::json(400, r#"{"message":"bad amount"}"#)),
            1,
            "bad amount",
        ),
    ];
    for (action, code, says) in cases {
        let server = ScriptedServer::start([action]).unwrap();
        let out = push(
            &server.base_url(),
            &authorize_args(&["--credential-id", "cred_1"]),
        );
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(code), "{err}");
        assert!(err.contains(says), "{err}");
        if code == 4 {
            assert!(err.contains("push intents list --created-after"), "{err}");
        }
        assert_eq!(
            server.requests().len(),
            1,
            "a credential_id authorize is sent once"
        );
    }
    // A create whose retries are exhausted after sending: exit 4, naming the key.
    let server = ScriptedServer::start([
        Action::CloseAfterRead,
        Action::CloseAfterRead,
        Action::CloseAfterRead,
    ])
    .unwrap();
    let out = push(
        &server.base_url(),
        &[&["--max-retries", "2"], CREATE].concat(),
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    let key = server.requests()[0]
        .header("x-idempotency-key")
        .unwrap()
        .to_owned();
    assert!(err.contains(&format!("--idempotency-key {key}")), "{err}");
    assert_eq!(server.requests().len(), 3);
}

/// Regression: `--production --base-url URL` silently ignored the URL.
#[test]
fn conflicting_environment_flags_are_a_usage_error() {
    for flags in [
        ["--production", "--base-url", "https://api.example"],
        ["--sandbox", "--base-url", "https://api.example"],
    ] {
        let mut args = flags.to_vec();
        args.extend(["intents", "get", "intent_1"]);
        let out = push("http://127.0.0.1:9", &args);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {}", stderr(&out));
    }
    // PUSH_BASE_URL from the environment still loses to an explicit --sandbox: it is not a
    // conflict, and the sandbox is what gets contacted (no connection to 127.0.0.1:9).
    let out = common::push_command()
        .args(["--sandbox", "intents", "get", ""])
        .env("PUSH_API_TOKEN", DEFAULT_TOKEN)
        .env("PUSH_BASE_URL", "http://127.0.0.1:9")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("invalid id"), "{}", stderr(&out));
}

/// Regression: a server's error text reached the terminal raw (escape sequences, carriage
/// returns). Every control character is escaped, in errors and in table cells.
#[test]
fn server_text_cannot_drive_the_terminal() {
    let hostile = "\u{1b}[2J\u{1b}]0;pwned\u{7}\rfake prompt$ \u{9b}31m";
    let body = serde_json::json!({ "message": hostile }).to_string();
    let server = ScriptedServer::start([
        Action::Respond(Reply::json(400, body)),
        Action::Respond(Reply::json(
            200,
            sample::page(["intent_PLACEHOLDER"], None).replace(
                "\"intent_PLACEHOLDER\"",
                &serde_json::to_string("intent_\u{1b}[31mred\u{9b}").unwrap(),
            ),
        )),
    ])
    .unwrap();
    let url = server.base_url();
    let out = push(&url, &["intents", "get", "intent_1"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("fake prompt"), "{err}");
    assert!(!err.trim_end().chars().any(char::is_control), "{err:?}");
    let out = push(&url, &["intents", "list", "--format", "table"]);
    let text = stdout(&out);
    assert!(text.contains("intent_"), "{text}");
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
}

/// `push` reads HTTPS_PROXY for an https base URL (a CONNECT tunnel: the proxy sees the host,
/// never the token) and never sends a plaintext request through a proxy.
#[test]
fn push_reads_the_proxy_variables_for_https_only() {
    let proxy = push_mock::ConnectProxy::start().unwrap();
    // A TLS peer is not needed: the proxy records the CONNECT, then the handshake fails
    // against the scripted (plaintext) server, before any request byte: exit 1, not 4.
    let target = ScriptedServer::start([]).unwrap();
    let out = common::push_command()
        .args(["--max-retries", "0", "intents", "get", "intent_1"])
        .env("PUSH_API_TOKEN", SECRET_TOKEN)
        .env(
            "PUSH_BASE_URL",
            format!("https://localhost:{}", target.addr().port()),
        )
        .env("HTTPS_PROXY", proxy.url())
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let seen = String::from_utf8_lossy(&proxy.seen()).into_owned();
    assert!(
        seen.starts_with(&format!("CONNECT localhost:{}", target.addr().port())),
        "{seen}"
    );
    assert!(!seen.contains(SECRET_TOKEN));

    let server = emulator(1, 10);
    let out = common::push_command()
        .args(["intents", "list"])
        .env("PUSH_API_TOKEN", DEFAULT_TOKEN)
        .env("PUSH_BASE_URL", server.base_url())
        .env("HTTPS_PROXY", proxy.url())
        .env("ALL_PROXY", proxy.url())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(proxy.connections(), 1, "plaintext went direct");
}

/// `--all` on a terminal keeps a running count on stderr; piped, stderr stays clean. The
/// terminal is `script`'s pseudo-terminal (util-linux).
#[test]
fn list_all_counts_on_a_terminal_and_stays_quiet_in_a_pipe() {
    let server = emulator(3_000, 20);
    let url = server.base_url();
    let piped = push(&url, &["intents", "list", "--all", "--format", "csv"]);
    assert_eq!(piped.status.code(), Some(0));
    assert_eq!(
        stderr(&piped),
        "",
        "no progress line when stderr is not a terminal"
    );

    let binary = env!("CARGO_BIN_EXE_push");
    let terminal = Command::new("script")
        .args([
            "-qec",
            &format!("{binary} intents list --all --format csv 2>&1 >/dev/null"),
            "/dev/null",
        ])
        .env("PUSH_API_TOKEN", DEFAULT_TOKEN)
        .env("PUSH_BASE_URL", &url)
        .env_remove("PUSH_VERBOSE")
        .output()
        .expect("this test needs `script` (util-linux / bsdutils) for a pseudo-terminal");
    let seen = String::from_utf8_lossy(&terminal.stdout);
    assert_eq!(terminal.status.code(), Some(0), "{seen}");
    assert!(seen.contains("push: 3000 listed"), "{seen}");
}

/// A profile supplies the base URL and the token (from a command), so no token is on argv or
/// in the environment; the environment still wins over it.
#[test]
fn a_profile_supplies_the_base_url_and_the_token() {
    let server = emulator(3, 10);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.local]\nbase_url = \"{}\"\ntoken_command = \"echo {DEFAULT_TOKEN}\"\n\
             [profiles.elsewhere]\nbase_url = \"http://127.0.0.1:9\"\ntoken_command = \"echo {DEFAULT_TOKEN}\"\n",
            server.base_url()
        ),
    )
    .unwrap();
    let run = |args: &[&str], vars: &[(&str, &str)]| {
        let mut command = common::push_command();
        command
            .args(args)
            .env("PUSH_CONFIG", &config)
            .env_remove("PUSH_API_TOKEN")
            .env_remove("PUSH_BASE_URL")
            .env_remove("PUSH_PROFILE");
        for (name, value) in vars {
            command.env(name, value);
        }
        command.output().unwrap()
    };
    let listed = run(&["intents", "list", "--profile", "local"], &[]);
    assert_eq!(listed.status.code(), Some(0), "{}", stderr(&listed));
    assert_eq!(json(&listed)["data"].as_array().unwrap().len(), 3);
    let by_variable = run(&["intents", "list"], &[("PUSH_PROFILE", "local")]);
    assert_eq!(
        by_variable.status.code(),
        Some(0),
        "{}",
        stderr(&by_variable)
    );
    // PUSH_BASE_URL wins over the profile's base_url.
    let overridden = run(
        &["intents", "list", "--profile", "elsewhere"],
        &[("PUSH_BASE_URL", &server.base_url())],
    );
    assert_eq!(overridden.status.code(), Some(0), "{}", stderr(&overridden));
    // A connection refused names the URL it tried, and where that came from.
    let refused = run(
        &[
            "intents",
            "list",
            "--profile",
            "elsewhere",
            "--max-retries",
            "0",
        ],
        &[],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("is http://127.0.0.1:9 the right base URL"),
        "{}",
        stderr(&refused)
    );
    let unknown = run(&["intents", "list", "--profile", "staging"], &[]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("[profiles.staging]"),
        "{}",
        stderr(&unknown)
    );
    let none = run(&["intents", "list"], &[]);
    assert_eq!(none.status.code(), Some(2));
    assert!(
        stderr(&none).contains("PUSH_API_TOKEN"),
        "{}",
        stderr(&none)
    );
}
