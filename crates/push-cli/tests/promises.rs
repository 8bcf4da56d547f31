//! Issue 22's regressions for the CLI: each test fails on the code before it.

mod common;

use std::{
    fs::OpenOptions,
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};

use common::{CREATE, authorize_args, create_user_args, emulator, push, stderr, stdout};

fn authorize() -> Vec<&'static str> {
    authorize_args(&["--credential-id", "cred_1", "--tag", "order-77"])
}
use push_mock::{Action, DEFAULT_TOKEN, Reply, ScriptedServer, sample};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../push-core/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// `push` with standard output on `/dev/full`: every write to it fails (ENOSPC).
fn push_to_full_disk(base_url: &str, args: &[&str]) -> Output {
    let full = OpenOptions::new().write(true).open("/dev/full").unwrap();
    common::push_command()
        .args(args)
        .env("PUSH_API_TOKEN", DEFAULT_TOKEN)
        .env("PUSH_BASE_URL", base_url)
        .env_remove("PUSH_VERBOSE")
        .stdout(Stdio::from(full))
        .output()
        .unwrap()
}

/// Regression (A3): a payment that succeeded exited 1 ("nothing happened") when its output
/// could not be written, without its id or key; a script would rerun and pay again. It exits
/// 4 and prints the answer on stderr. Reads stay as they were.
#[test]
fn an_answered_write_whose_output_fails_exits_4_with_the_result() {
    let server = emulator(0, 10);
    let url = server.base_url();
    let out = push_to_full_disk(&url, CREATE);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    let intent = server.emulator().intents()[0].id.to_string();
    assert!(err.contains(&intent), "{err}");
    assert!(err.contains("idempotency key"), "{err}");

    for (reply, args) in [
        (fixture("authorize_approved_004.json"), authorize()),
        (
            fixture("refund_create.json"),
            vec!["refunds", "create", "--intent-id", "intent_1"],
        ),
    ] {
        let scripted = ScriptedServer::start([Action::Respond(Reply::json(200, reply))]).unwrap();
        let out = push_to_full_disk(&scripted.base_url(), &args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(4), "{args:?}: {err}");
        assert!(
            err.contains("\"id\""),
            "{args:?}: the result is on stderr: {err}"
        );
    }

    // A read whose output fails is an ordinary failure (exit 1).
    let out = push_to_full_disk(&url, &["intents", "get", &intent]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

/// Regression (A6): the generated key lived in memory only; it is on stderr before the first
/// byte is sent (the server's copy is the same key), and the tag of an authorize with it.
#[test]
fn the_key_and_the_tag_are_printed_before_sending() {
    let server = emulator(0, 10);
    let out = push(&server.base_url(), CREATE);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let created: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let intent = created["id"].as_str().unwrap();
    let key = server
        .emulator()
        .intents()
        .iter()
        .find(|i| i.id.as_str() == intent)
        .and_then(|i| i.idempotency_key.clone())
        .expect("the emulator keeps the key");
    assert!(
        stderr(&out).contains(&format!("idempotency key {key}")),
        "{}",
        stderr(&out)
    );

    let scripted = ScriptedServer::start([Action::Respond(Reply::json(
        200,
        fixture("authorize_approved_004.json"),
    ))])
    .unwrap();
    let out = push(&scripted.base_url(), &authorize());
    assert!(stderr(&out).contains("tag order-77"), "{}", stderr(&out));
}

/// Regression (A6): SIGTERM while a write was in flight exited silently. It exits 4 with the
/// key to reuse.
#[test]
fn a_signal_during_a_write_exits_4_with_the_key() {
    let server = ScriptedServer::start([Action::StallBody {
        reply: Reply::json(200, sample::intent("intent_1", 100)),
        sent: 1,
        hold: Duration::from_secs(5),
    }])
    .unwrap();
    let child = common::push_command()
        .args(CREATE)
        .env("PUSH_API_TOKEN", DEFAULT_TOKEN)
        .env("PUSH_BASE_URL", server.base_url())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Until the request has arrived: bounded in count and time.
    for _ in 0..500 {
        if !server.requests().is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(server.requests().len(), 1, "the request never arrived");
    let key = server.requests()[0]
        .header("x-idempotency-key")
        .unwrap()
        .to_owned();
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains(&format!("--idempotency-key {key}")), "{err}");
}

/// Regression (B10): `--timeout 2` took 40 s (per attempt, waits outside it). It bounds the
/// whole call; a create it ends after sending exits 4.
#[test]
fn timeout_bounds_the_whole_call() {
    let stall = || Action::StallBody {
        reply: Reply::json(200, sample::intent("intent_1", 100)),
        sent: 1,
        hold: Duration::from_secs(4),
    };
    let server = ScriptedServer::start([stall(), stall(), stall()]).unwrap();
    let started = Instant::now();
    let out = push(&server.base_url(), &[&["--timeout", "1"], CREATE].concat());
    let took = started.elapsed();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.starts_with("push: idempotency key"), "{err}");
    assert!(err.contains("outcome unknown"), "{err}");
    // Three attempts of four seconds each would be twelve: the deadline cut the first.
    assert!(took < Duration::from_secs(4), "took {took:?}");
    assert_eq!(server.requests().len(), 1);
}

/// Environment variables, flags, and the name the refusal must carry.
type Case = (
    &'static [(&'static str, &'static str)],
    &'static [&'static str],
    &'static str,
);

/// Regression (B12, B13): the CLI ignored PUSH_RATE_LIMIT, PUSH_PROXY and
/// PUSH_PROXY_FROM_ENV and took invalid values with exit 0; timeouts that round to nothing
/// were taken. Each is exit 2 naming the variable or flag, nothing sent.
#[test]
fn the_environment_is_read_by_the_libraries_table() {
    let server = emulator(0, 10);
    let url = server.base_url();
    let cases: [Case; 6] = [
        (&[("PUSH_RATE_LIMIT", "bogus")], &[], "PUSH_RATE_LIMIT"),
        (&[("PUSH_PROXY", "http://proxy:99999")], &[], "PUSH_PROXY"),
        (
            &[("PUSH_PROXY_FROM_ENV", "maybe")],
            &[],
            "PUSH_PROXY_FROM_ENV",
        ),
        (&[("PUSH_TIMEOUT", "1e-12")], &[], "PUSH_TIMEOUT"),
        (&[("PUSH_DEADLINE", "0")], &[], "PUSH_DEADLINE"),
        (&[], &["--timeout", "0.0000000001"], "--timeout"),
    ];
    for (vars, flags, named) in cases {
        let mut command = common::push_command();
        command
            .args(flags)
            .args(["intents", "list"])
            .env("PUSH_API_TOKEN", DEFAULT_TOKEN)
            .env("PUSH_BASE_URL", &url);
        for (name, value) in vars {
            command.env(name, value);
        }
        let out = command.output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{named}: {err}");
        assert!(err.contains(named), "{named}: {err}");
    }
    assert_eq!(server.emulator().stats().requests, 0, "nothing was sent");

    // PUSH_PROXY is used: an https destination goes through it (a CONNECT).
    let proxy = push_mock::ConnectProxy::start().unwrap();
    let out = common::push_command()
        .args(["--max-retries", "0", "intents", "get", "intent_1"])
        .env("PUSH_API_TOKEN", DEFAULT_TOKEN)
        .env("PUSH_BASE_URL", "https://localhost:9")
        .env("PUSH_PROXY", proxy.url())
        .env_remove("HTTPS_PROXY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&proxy.seen()).starts_with("CONNECT localhost:9"),
        "{}",
        stderr(&out)
    );
}

fn page(items: &[&str], next: Option<&str>) -> Action {
    Action::Respond(Reply::json(200, sample::page(items.iter().copied(), next)))
}

/// Regression (C14, C15, C16): a page whose cursor repeated was dropped unseen, `--all`
/// stopping on an error said nothing about where to resume, and an item repeated across a
/// page boundary was printed twice.
#[test]
fn a_listing_prints_what_it_received_once_then_fails_with_a_resume_cursor() {
    let server = ScriptedServer::start([
        page(&["intent_1", "intent_2", "intent_3"], Some("A")),
        page(&["intent_3", "intent_4", "intent_5", "intent_6"], Some("A")),
    ])
    .unwrap();
    let out = push(
        &server.base_url(),
        &["intents", "list", "--all", "--format", "csv"],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let text = stdout(&out);
    for id in ["intent_1", "intent_4", "intent_5", "intent_6"] {
        assert_eq!(text.matches(&format!("{id},")).count(), 1, "{id}: {text}");
    }
    assert_eq!(text.matches("intent_3,").count(), 1, "printed once: {text}");
    assert!(err.contains("skipped 1 item"), "{err}");
    assert!(err.contains("resume with --cursor"), "{err}");

    // Three 500s on page 2: the resume cursor is printed.
    let server = ScriptedServer::start([
        page(&["intent_1"], Some("B")),
        Action::Respond(Reply::json(500, "{}")),
        Action::Respond(Reply::json(500, "{}")),
        Action::Respond(Reply::json(500, "{}")),
    ])
    .unwrap();
    let out = push(&server.base_url(), &["intents", "list", "--all"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("resume with --cursor B"), "{err}");
}

/// Regression (C17): bidi controls in server text reached the terminal raw.
#[test]
fn bidi_controls_are_escaped() {
    let hostile = "pay \u{202E}001$ \u{2066}x\u{2069}";
    let body = serde_json::json!({ "message": hostile }).to_string();
    let server = ScriptedServer::start([Action::Respond(Reply::json(400, body))]).unwrap();
    let out = push(&server.base_url(), &["intents", "get", "intent_1"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for c in ['\u{202E}', '\u{2066}', '\u{2069}'] {
        assert!(!err.contains(c), "{err:?}");
    }
    assert!(err.contains("\\u{202e}"), "{err:?}");
}

/// Regression (C18): the hint searched from the local start time (a clock ahead of Push's
/// hides the intent), and the users hint had a run of spaces in its command.
#[test]
fn the_hint_searches_from_five_minutes_earlier() {
    let server = ScriptedServer::start([Action::CloseAfterRead]).unwrap();
    let before = chrono::Utc::now();
    let out = push(&server.base_url(), &authorize());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    let at = err
        .split("--created-after ")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .unwrap_or_else(|| panic!("{err}"));
    let since = chrono::DateTime::parse_from_rfc3339(at).unwrap();
    let margin = before.signed_duration_since(since.to_utc());
    assert!(
        margin >= chrono::Duration::seconds(299) && margin <= chrono::Duration::seconds(302),
        "{margin:?}: {err}"
    );
    assert!(err.contains("5 minutes before"), "{err}");
    assert!(err.contains("order-77"), "the tag to look for: {err}");

    let server = ScriptedServer::start([Action::CloseAfterRead]).unwrap();
    let out = push(&server.base_url(), &create_user_args(&[]));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(!err.contains("  "), "{err:?}");
}
