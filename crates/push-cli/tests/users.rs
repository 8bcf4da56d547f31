//! `push users`, `push tokenize`, `push keys verify` and `push sandbox credential`, the real
//! binary against the emulator (and a scripted server for exact bytes and faults). Only
//! 127.0.0.1 is ever contacted.

use std::{
    io::Write,
    process::{Output, Stdio},
};

use push_mock::{Action, DEFAULT_TOKEN, Reply, ScriptedServer};
use serde_json::Value;

mod common;
use common::{create_user_args, emulator, json, push, stderr, stdout};

const PAN: &str = "5555555555554444";
const CVV: &str = "737";

/// Runs `push` with `stdin` as standard input.
fn push_with_stdin(base_url: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = common::push_command()
        .args(args)
        .env("PUSH_API_TOKEN", DEFAULT_TOKEN)
        .env("PUSH_BASE_URL", base_url)
        .env_remove("PUSH_VERBOSE")
        .env_remove("PUSH_TOKENS_BASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn card_json() -> String {
    format!(r#"{{"pan":"{PAN}","cvv":"{CVV}","exp_month":"12","exp_year":"28"}}"#)
}

#[test]
fn users_create_sends_exactly_the_flags_given() {
    let server = ScriptedServer::start([
        Action::Respond(Reply::json(200, r#"{"id":"user_lVpbPL0K1XIiHx0DxipRbD"}"#)),
        Action::Respond(Reply::json(200, r#"{"id":"user_2"}"#)),
    ])
    .unwrap();
    let out = push(&server.base_url(), &create_user_args(&[]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        json(&out),
        serde_json::json!({"id": "user_lVpbPL0K1XIiHx0DxipRbD"})
    );
    let out = push(
        &server.base_url(),
        &create_user_args(&[
            "--identity-verified",
            "--phone-number",
            "(555) 681-3485",
            "--tag",
            "4c8e6b4f",
            "--government-id-type",
            "drivers_license",
            "--government-id-state",
            "OR",
        ]),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].target, "/user");
    assert_eq!(
        String::from_utf8_lossy(&requests[0].body),
        r#"{"name":{"first":"Alfred","last":"Hitchcock"},"email":"alfred@imdb.com","address":{"address_line_1":"1609 10th Ave","locality":"Bodega Bay","administrative_area":"CA","postal_code":"94923","country":"US"},"date_of_birth":"1899-08-13","government_id":{"type":"passport","last4":"7349"},"identity_verified":false}"#,
        "false without the flag, absent options left out, country in capitals"
    );
    let second: Value = serde_json::from_slice(&requests[1].body).unwrap();
    assert_eq!(second["identity_verified"], true);
    assert_eq!(second["phone_number"], "(555) 681-3485");
    assert_eq!(second["tag"], "4c8e6b4f");
    assert_eq!(
        second["government_id"],
        serde_json::json!({"type": "drivers_license", "last4": "7349", "state": "OR"})
    );
}

#[test]
fn users_create_refuses_bad_fields_before_sending() {
    let server = ScriptedServer::start([]).unwrap();
    let table: [(&[&str], &str); 6] = [
        (&["--email", "alfred"], "email"),
        (&["--date-of-birth", "1899-02-30"], "date_of_birth"),
        (&["--postal-code", "9492"], "postal_code"),
        (&["--administrative-area", "Ca"], "administrative_area"),
        (&["--government-id-state", "OR"], "government_id.state"),
        (&["--tag", "has space"], "tag"),
    ];
    for (extra, field) in table {
        let out = push(&server.base_url(), &create_user_args(extra));
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("invalid {field}:")),
            "{extra:?}: {}",
            stderr(&out)
        );
    }
    let out = push(
        &server.base_url(),
        &create_user_args(&["--government-id-type", "drivers_license"]),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("government_id.state"),
        "{}",
        stderr(&out)
    );
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[test]
fn the_user_flow_against_the_emulator() {
    let server = emulator(0, 2);
    let url = server.base_url();
    let tagged = create_user_args(&["--identity-verified", "--tag", "my-user-1"]);
    let user = json(&push(&url, &tagged))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let again = json(&push(&url, &tagged))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(user, again, "the same tag is the same user");
    assert_eq!(server.emulator().stats().users_created, 1);

    let got = json(&push(&url, &["users", "get", &user]));
    assert_eq!(got["status"], "enabled");
    assert_eq!(got["address"]["country"], "US");
    let missing = push(&url, &["users", "get", "user_missing"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("not found"),
        "{}",
        stderr(&missing)
    );

    // Tokenize the test card from standard input; the token pays once and stores the card.
    let out = push_with_stdin(&url, &["tokenize", "--user-id", &user], &card_json());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let token = json(&out)["token"].as_str().unwrap().to_owned();
    for text in [stdout(&out), stderr(&out)] {
        assert!(!text.contains(PAN) && !text.contains(&PAN[..8]), "{text}");
        assert!(!text.contains(&format!("\"{CVV}\"")), "{text}");
    }
    let pay = [
        "authorize",
        "--amount",
        "2000",
        "--currency",
        "USD",
        "--direction",
        "cash_in",
        "--token",
        &token,
    ];
    let paid = push(&url, &pay);
    assert_eq!(paid.status.code(), Some(0), "{}", stderr(&paid));
    let credentials = json(&push(&url, &["users", "credentials", &user]));
    let data = credentials["data"].as_array().unwrap();
    assert_eq!(data.len(), 1, "{credentials}");
    assert_eq!(data[0]["card_last4"], "4444");
    let narrowed = json(&push(
        &url,
        &["users", "credentials", &user, "--type", "card_only_credit"],
    ));
    assert_eq!(narrowed["data"], serde_json::json!([]));

    // A second token stored explicitly.
    let out = push_with_stdin(
        &url,
        &["tokenize", "--user-id", &user, "--type", "card_only"],
        r#"{"pan":5555555555554444,"cvv":737,"exp_month":3,"exp_year":29}"#,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "numbers accepted: {}",
        stderr(&out)
    );
    let token = json(&out)["token"].as_str().unwrap().to_owned();
    let stored = push(&url, &["users", "add-credential", &user, "--token", &token]);
    assert_eq!(stored.status.code(), Some(0), "{}", stderr(&stored));
    assert!(json(&stored)["id"].as_str().unwrap().starts_with("cred_"));
    let reused = push(&url, &["users", "add-credential", &user, "--token", &token]);
    assert_eq!(
        reused.status.code(),
        Some(1),
        "a token backs one credential"
    );

    let widget = json(&push(
        &url,
        &[
            "users",
            "url",
            &user,
            "--type",
            "card_only",
            "--direction",
            "cash_in",
        ],
    ));
    assert!(
        widget["url"].as_str().unwrap().contains("type=card_only"),
        "{widget}"
    );

    let sandbox = push(
        &url,
        &[
            "sandbox",
            "credential",
            "--user-id",
            &user,
            "--type",
            "secure_debit",
        ],
    );
    assert_eq!(sandbox.status.code(), Some(0), "{}", stderr(&sandbox));
    assert_eq!(json(&sandbox)["type"], "secure_debit");

    // Listing users: every format, the limit and the resume cursor, as for intents.
    for n in 2..=3 {
        push(&url, &create_user_args(&["--tag", &format!("my-user-{n}")]));
    }
    let all = push(&url, &["users", "list", "--all"]);
    let ids: Vec<String> = stdout(&all)
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 3);
    assert_eq!(ids[2], user, "newest first");
    let page = json(&push(&url, &["users", "list", "--limit", "1"]));
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    let cursor = page["next_cursor"].as_str().unwrap().to_owned();
    let rest = push(&url, &["users", "list", "--all", "--cursor", &cursor]);
    assert_eq!(
        stdout(&rest).lines().count(),
        2,
        "nothing lost after --limit 1"
    );
    let table = stdout(&push(&url, &["users", "list", "--format", "table"]));
    assert!(table.starts_with("ID"), "{table}");
    let csv = stdout(&push(
        &url,
        &["users", "list", "--status", "created", "--format", "csv"],
    ));
    assert_eq!(
        csv.lines().next().unwrap(),
        "id,created_at,status,first,last,email,tag"
    );
    assert_eq!(
        csv.lines().count(),
        3,
        "two users without identity_verified: {csv}"
    );
}

#[test]
fn keys_verify_prints_the_organisation() {
    let server = emulator(0, 10);
    let out = push(&server.base_url(), &["keys", "verify"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "Push Mock Organisation\n");
    let bad = common::push_command()
        .args(["keys", "verify"])
        .env("PUSH_API_TOKEN", "sk_test_wrong")
        .env("PUSH_BASE_URL", server.base_url())
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1), "{}", stderr(&bad));
}

#[test]
fn sandbox_credential_is_refused_against_production_before_sending() {
    let server = emulator(0, 10);
    let out = common::push_command()
        .args([
            "sandbox",
            "credential",
            "--user-id",
            "user_1",
            "--type",
            "secure_debit",
        ])
        .env("PUSH_API_TOKEN", "pcsk_production_abc.def")
        .env("PUSH_BASE_URL", server.base_url())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("sandbox"), "{}", stderr(&out));
    assert_eq!(server.emulator().stats().requests, 0, "nothing was sent");
}

#[test]
fn a_lost_tokenize_is_not_resent_and_exits_4() {
    let server = ScriptedServer::start([
        Action::Respond(Reply::json(502, r#"{"message":"bad gateway"}"#)),
        Action::Respond(Reply::json(200, r#"{"token":"token_never"}"#)),
    ])
    .unwrap();
    let out = push_with_stdin(
        &server.base_url(),
        &["tokenize", "--user-id", "user_1"],
        &card_json(),
    );
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("push tokenize"), "{}", stderr(&out));
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "never resent");
    assert_eq!(requests[0].target, "/tokenize");
    for text in [stdout(&out), stderr(&out)] {
        assert!(!text.contains(&PAN[..8]), "{text}");
    }
    let bad = push_with_stdin(
        &server.base_url(),
        &["tokenize", "--user-id", "user_1"],
        r#"{"pan":"5555555555554445","cvv":"737","exp_month":"12","exp_year":"28"}"#,
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("invalid pan"), "{}", stderr(&bad));
    assert!(!stderr(&bad).contains("555555"), "{}", stderr(&bad));
    let not_json = push_with_stdin(&server.base_url(), &["tokenize", "--user-id", "u"], "5555");
    assert_eq!(not_json.status.code(), Some(2));
    assert!(!stderr(&not_json).contains("5555"), "{}", stderr(&not_json));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn tokens_go_to_the_tokens_base_url_when_set() {
    let main = ScriptedServer::start([]).unwrap();
    let tokens = ScriptedServer::start([Action::Respond(Reply::json(
        200,
        r#"{"token":"token_from_tokens_host"}"#,
    ))])
    .unwrap();
    let out = push_with_stdin(
        &main.base_url(),
        &[
            "--tokens-base-url",
            &tokens.base_url(),
            "tokenize",
            "--user-id",
            "user_1",
        ],
        &card_json(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["token"], "token_from_tokens_host");
    assert!(main.requests().is_empty());
    assert_eq!(tokens.requests().len(), 1);
}
