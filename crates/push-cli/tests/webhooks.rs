//! The webhook dev loop through the binary: `webhooks sign`, `push listen`, `push trigger`,
//! and `push completions`.

mod common;

use std::{
    io::{BufRead, BufReader, Write},
    process::{Child, Output, Stdio},
    time::{Duration, Instant},
};

use common::{json, push, push_command, stderr, stdout};
use push_mock::{Action, DEFAULT_TOKEN, EmulatorConfig, MockServer, Reply, ScriptedServer};
use push_ureq::{WebhookSecret, webhook};

const SECRET: &str = "whsec_listen_and_forward_0123456789abcdef";

fn with_stdin(args: &[&str], secret: &str, body: &[u8]) -> Output {
    let mut child = push_command()
        .args(args)
        .env("PUSH_WEBHOOK_SECRET", secret)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(body);
    child.wait_with_output().unwrap()
}

#[test]
fn webhooks_sign_prints_the_signature_push_sends_and_verify_accepts_it() {
    let body = format!(
        r#"{{"type":"intent.approved","timestamp":"{}","data":{{"id":"intent_1","amount":100}}}}"#,
        chrono::Utc::now().to_rfc3339()
    );
    let out = with_stdin(&["webhooks", "sign"], SECRET, body.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let signature = stdout(&out).trim().to_owned();
    assert_eq!(
        signature,
        webhook::sign(&WebhookSecret::new(SECRET).unwrap(), body.as_bytes())
    );
    let verified = with_stdin(
        &["webhooks", "verify", "--signature", &signature],
        SECRET,
        body.as_bytes(),
    );
    assert_eq!(verified.status.code(), Some(0), "{}", stderr(&verified));
    assert_eq!(json(&verified)["data"]["id"], "intent_1");
    // Not from argv, and a short secret is named as the rule it breaks.
    let out = with_stdin(&["webhooks", "sign", "--secret", SECRET], SECRET, b"{}");
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains(SECRET));
    let out = with_stdin(&["webhooks", "sign"], "short", b"{}");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("32 to 4096"), "{}", stderr(&out));
}

/// Waits for the child to exit, killing it past the deadline (the test then fails).
fn wait(mut child: Child, within: Duration) -> Output {
    let deadline = Instant::now() + within;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn listen_forwards_triggered_events_signed_one_line_each() {
    let server = MockServer::start_in_background(EmulatorConfig::default()).unwrap();
    let url = server.base_url();
    let receiver = ScriptedServer::start([
        Action::Respond(Reply::new(200)),
        Action::Respond(Reply::new(500)),
    ])
    .unwrap();
    let forward_to = format!("{}/webhooks", receiver.base_url());
    let mut listener = push_command()
        .args([
            "listen",
            "--forward-to",
            &forward_to,
            "--count",
            "2",
            "--format",
            "json",
        ])
        .env("PUSH_API_TOKEN", DEFAULT_TOKEN)
        .env("PUSH_BASE_URL", &url)
        .env("PUSH_WEBHOOK_SECRET", SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut ready = String::new();
    BufReader::new(listener.stderr.as_mut().unwrap())
        .read_line(&mut ready)
        .unwrap();
    assert!(ready.contains("ready"), "{ready}");
    assert!(!ready.contains(SECRET));

    let approved = push(&url, &["trigger", "intent.approved", "--tag", "order-7"]);
    assert_eq!(approved.status.code(), Some(0), "{}", stderr(&approved));
    assert_eq!(json(&approved)["webhooks"], 1);
    let declined = push(&url, &["trigger", "intent.declined"]);
    assert_eq!(declined.status.code(), Some(0), "{}", stderr(&declined));

    let out = wait(listener, Duration::from_secs(30));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{}", stdout(&out));
    let mut seen: Vec<(String, i64)> = lines
        .iter()
        .map(|l| {
            (
                l["type"].as_str().unwrap().to_owned(),
                l["status"].as_i64().unwrap(),
            )
        })
        .collect();
    seen.sort();
    // The receiver answered 200 then 500 in arrival order; both statuses are reported.
    let statuses: Vec<i64> = {
        let mut s: Vec<i64> = seen.iter().map(|(_, s)| *s).collect();
        s.sort();
        s
    };
    assert_eq!(statuses, [200, 500]);
    assert_eq!(
        seen.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(),
        ["intent.approved", "intent.declined"]
    );
    let approved_line = lines
        .iter()
        .find(|l| l["type"] == "intent.approved")
        .unwrap();
    assert_eq!(approved_line["tag"], "order-7");
    assert_eq!(approved_line["intent_id"], json(&approved)["intent_id"]);
    let secret = WebhookSecret::new(SECRET).unwrap();
    let received = receiver.requests();
    assert_eq!(received.len(), 2);
    for request in &received {
        assert_eq!(request.path(), "/webhooks");
        assert_eq!(
            request.header(webhook::SIGNATURE_HEADER),
            Some(webhook::sign(&secret, &request.body).as_str())
        );
    }
}

#[test]
fn trigger_without_a_registered_endpoint_says_so_and_listen_refuses_to_register_with_push() {
    let server = MockServer::start_in_background(EmulatorConfig::default()).unwrap();
    let out = push(&server.base_url(), &["trigger", "intent.declined"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["webhooks"], 0);
    assert!(stderr(&out).contains("push listen"), "{}", stderr(&out));
    assert_eq!(
        push(&server.base_url(), &["trigger", "intent.refunded"])
            .status
            .code(),
        Some(2)
    );

    // Against a non-loopback base URL, registering 127.0.0.1 would replace the real endpoint.
    let out = push_command()
        .args(["listen", "--forward-to", "http://127.0.0.1:9/"])
        .env("PUSH_API_TOKEN", DEFAULT_TOKEN)
        .env_remove("PUSH_BASE_URL")
        .env("PUSH_WEBHOOK_SECRET", SECRET)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--no-register"), "{}", stderr(&out));
    let out = push_command()
        .args(["listen", "--forward-to", "https://127.0.0.1/hook"])
        .env("PUSH_API_TOKEN", DEFAULT_TOKEN)
        .env("PUSH_BASE_URL", server.base_url())
        .env("PUSH_WEBHOOK_SECRET", SECRET)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--forward-to"), "{}", stderr(&out));
}

#[test]
fn completions_are_printed_for_bash_zsh_and_fish() {
    for shell in ["bash", "zsh", "fish"] {
        let out = push_command()
            .args(["completions", shell])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = stdout(&out);
        assert!(script.contains("push"), "{shell}");
        assert!(
            script.contains("reconcile"),
            "{shell}: subcommands are completed"
        );
    }
    assert_eq!(
        push_command()
            .args(["completions", "powershell-7"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
}
