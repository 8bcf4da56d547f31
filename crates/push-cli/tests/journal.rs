//! The CLI's journal: money-moving commands are journaled by default; a rerun after a lost
//! answer resolves it and never pays twice; `push journal list` and `push recover` show and
//! settle what is in doubt; a journal that cannot be written stops the command before sending.

mod common;

use common::{CREATE, emulator, json, push_command, stderr, stdout};
use push_mock::{DEFAULT_TOKEN, Fault, MockServer};
use serde_json::Value;

/// Runs `push` with the journal at `journal`.
fn push(server: &MockServer, journal: &std::path::Path, args: &[&str]) -> std::process::Output {
    push_command()
        .arg("--journal")
        .arg(journal)
        .args(args)
        .env("PUSH_API_TOKEN", DEFAULT_TOKEN)
        .env("PUSH_BASE_URL", server.base_url())
        .env_remove("PUSH_VERBOSE")
        .output()
        .unwrap()
}

fn lines(output: &std::process::Output) -> Vec<Value> {
    stdout(output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn a_rerun_after_a_lost_answer_resolves_it_and_never_pays_twice() {
    let server = emulator(0, 50);
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.sqlite3");
    let mut create: Vec<&str> = vec!["--max-retries", "0"];
    create.extend_from_slice(CREATE);
    create.extend_from_slice(&["--idempotency-key", "order-77"]);

    server.emulator().fault_next(
        push_ureq::http::Method::POST,
        "/intent",
        Fault::CloseAfterCommit,
    );
    let lost = push(&server, &journal, &create);
    assert_eq!(lost.status.code(), Some(4), "{}", stderr(&lost));
    assert!(stderr(&lost).contains("push recover"), "{}", stderr(&lost));

    let listed = push(&server, &journal, &["journal", "list", "--in-doubt"]);
    assert_eq!(listed.status.code(), Some(0), "{}", stderr(&listed));
    let entries = lines(&listed);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["reference"], "order-77");
    assert_eq!(entries[0]["operation"], "create_intent");
    assert_eq!(entries[0]["state"], "unknown");
    assert_eq!(entries[0]["idempotency_key"], "order-77");
    assert_eq!(entries[0]["result_id"], Value::Null);
    assert!(entries[0]["created_at"].as_str().unwrap().ends_with('Z'));

    let rerun = push(&server, &journal, &create);
    assert_eq!(rerun.status.code(), Some(0), "{}", stderr(&rerun));
    let id = json(&rerun)["id"].as_str().unwrap().to_owned();
    assert_eq!(server.emulator().intent_count(), 1, "never a second intent");

    let requests = server.emulator().stats().requests;
    let again = push(&server, &journal, &create);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(json(&again)["id"], id.as_str());
    assert!(
        stderr(&again).contains("answered from the journal"),
        "{}",
        stderr(&again)
    );
    assert_eq!(server.emulator().stats().requests, requests, "nothing sent");

    let all = lines(&push(&server, &journal, &["journal", "list"]));
    assert_eq!(all[0]["state"], "done");
    assert_eq!(all[0]["result_id"], id.as_str());
    assert!(lines(&push(&server, &journal, &["journal", "list", "--in-doubt"])).is_empty());
    let table = push(&server, &journal, &["journal", "list", "--format", "table"]);
    assert!(stdout(&table).contains("create_intent") && stdout(&table).contains(&id));

    // The same key for another payment: refused, nothing sent.
    let mut other: Vec<&str> = CREATE.to_vec();
    other.extend_from_slice(&["--idempotency-key", "order-77"]);
    let amount = other.iter().position(|a| *a == "--amount").unwrap();
    other[amount + 1] = "999";
    let refused = push(&server, &journal, &other);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("nothing was sent"));
    assert_eq!(server.emulator().stats().requests, requests);
}

fn authorize(tag: &str, amount: &str) -> Vec<String> {
    [
        "--max-retries",
        "0",
        "authorize",
        "--amount",
        amount,
        "--currency",
        "USD",
        "--direction",
        "cash_in",
        "--credential-id",
        "cred_cli",
        "--tag",
        tag,
    ]
    .map(str::to_owned)
    .to_vec()
}

#[test]
fn recover_settles_a_credential_authorize_and_exits_4_when_a_person_must_decide() {
    let server = emulator(0, 50);
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.sqlite3");
    let run = |args: &[String]| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        push(&server, &journal, &args)
    };
    server.emulator().fault_next(
        push_ureq::http::Method::POST,
        "/authorize",
        Fault::CloseAfterCommit,
    );
    assert_eq!(run(&authorize("pay-1", "4321")).status.code(), Some(4));

    let recovered = push(&server, &journal, &["recover"]);
    assert_eq!(recovered.status.code(), Some(0), "{}", stderr(&recovered));
    let report = lines(&recovered);
    assert_eq!(report.len(), 1);
    assert_eq!(report[0]["reference"], "pay-1");
    assert_eq!(report[0]["state"], "done");
    let id = report[0]["result_id"].as_str().unwrap().to_owned();
    assert!(
        server
            .emulator()
            .intents()
            .iter()
            .any(|i| i.id.as_str() == id)
    );

    // The rerun prints the recorded approval; no second authorization.
    let rerun = run(&authorize("pay-1", "4321"));
    assert_eq!(rerun.status.code(), Some(0), "{}", stderr(&rerun));
    assert_eq!(json(&rerun)["id"], id.as_str());
    assert_eq!(server.emulator().stats().authorizations, 1);

    // Two lost authorizes that look alike: a person decides, exit 4, and no rerun charges.
    for tag in ["twin-a", "twin-b"] {
        server.emulator().fault_next(
            push_ureq::http::Method::POST,
            "/authorize",
            Fault::CloseAfterCommit,
        );
        assert_eq!(run(&authorize(tag, "2500")).status.code(), Some(4));
    }
    let review = push(&server, &journal, &["recover"]);
    assert_eq!(review.status.code(), Some(4), "{}", stderr(&review));
    let report = lines(&review);
    assert_eq!(report.len(), 2);
    assert!(report.iter().all(|line| line["state"] == "needs_review"));
    assert!(
        report[0]["detail"]
            .as_str()
            .unwrap()
            .contains("several intents match")
    );
    assert!(stderr(&review).contains("needs a person"));
    assert_eq!(run(&authorize("twin-a", "2500")).status.code(), Some(4));
    assert_eq!(server.emulator().stats().authorizations, 3);
}

#[test]
fn the_journal_is_on_by_default_off_with_no_journal_and_required_when_on() {
    let server = emulator(0, 50);
    let state = tempfile::tempdir().unwrap();
    let run = |extra: &[&str], env_journal: Option<&str>| {
        let mut command = push_command();
        command
            .args(extra)
            .args(CREATE)
            .env("XDG_STATE_HOME", state.path())
            .env("PUSH_API_TOKEN", DEFAULT_TOKEN)
            .env("PUSH_BASE_URL", server.base_url());
        if let Some(journal) = env_journal {
            command.env("PUSH_JOURNAL", journal);
        }
        command.output().unwrap()
    };
    let default = state.path().join("push").join("journal.sqlite3");
    assert_eq!(run(&["--no-journal"], None).status.code(), Some(0));
    assert!(!default.exists(), "--no-journal writes no journal");
    assert_eq!(run(&[], None).status.code(), Some(0));
    assert!(
        default.exists(),
        "the default journal is in $XDG_STATE_HOME/push"
    );

    let env_journal = state.path().join("env.sqlite3");
    assert_eq!(
        run(&[], Some(env_journal.to_str().unwrap())).status.code(),
        Some(0)
    );
    assert!(env_journal.exists(), "PUSH_JOURNAL names the journal");

    // A journal that cannot be written: exit 1 before anything is sent.
    let before = server.emulator().stats().requests;
    let out = run(&["--journal", "/nonexistent-push-dir/j.sqlite3"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("journal"), "{}", stderr(&out));
    assert_eq!(
        server.emulator().stats().requests,
        before,
        "nothing was sent"
    );
    // Reads never need the journal.
    let read = push_command()
        .args([
            "--journal",
            "/nonexistent-push-dir/j.sqlite3",
            "intents",
            "list",
        ])
        .env("PUSH_API_TOKEN", DEFAULT_TOKEN)
        .env("PUSH_BASE_URL", server.base_url())
        .output()
        .unwrap();
    assert_eq!(read.status.code(), Some(0), "{}", stderr(&read));
}

#[test]
fn no_secret_reaches_the_cli_journal() {
    use std::io::Write;
    let server = emulator(0, 50);
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.sqlite3");
    let user = push_mock::sample::create_user().build().unwrap();
    let client = push_ureq::Client::builder()
        .token(DEFAULT_TOKEN)
        .base_url(&server.base_url())
        .build()
        .unwrap();
    let user = client.create_user(user).unwrap().id.as_str().to_owned();
    let (pan, cvv, secret) = (
        "4000056655665556",
        "8642",
        "whsec_cli_journal_4b6d8f0a2c4e6a8c0e2f",
    );
    let mut child = push_command()
        .arg("--journal")
        .arg(&journal)
        .args(["tokenize", "--user-id", &user])
        .env("PUSH_API_TOKEN", DEFAULT_TOKEN)
        .env("PUSH_BASE_URL", server.base_url())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    write!(
        child.stdin.take().unwrap(),
        r#"{{"pan":"{pan}","cvv":"{cvv}","exp_month":"12","exp_year":"31"}}"#
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let token = json(&out)["token"].as_str().unwrap().to_owned();
    let paid = push_command()
        .arg("--journal")
        .arg(&journal)
        .args([
            "authorize",
            "--amount",
            "900",
            "--currency",
            "USD",
            "--direction",
            "cash_in",
            "--token",
            &token,
            "--webhook-url",
            "https://example.com/hook",
            "--tag",
            "secret-1",
        ])
        .env("PUSH_API_TOKEN", DEFAULT_TOKEN)
        .env("PUSH_WEBHOOK_SECRET", secret)
        .env("PUSH_BASE_URL", server.base_url())
        .output()
        .unwrap();
    assert!(
        matches!(paid.status.code(), Some(0 | 3)),
        "{}",
        stderr(&paid)
    );
    assert_eq!(
        lines(&push(&server, &journal, &["journal", "list"])).len(),
        2
    );
    for file in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(file.unwrap().path()).unwrap();
        for needle in [pan, cvv, secret, DEFAULT_TOKEN] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "`{needle}` is in the journal's files"
            );
        }
    }
}
