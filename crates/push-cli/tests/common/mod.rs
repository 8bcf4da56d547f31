//! Helpers every CLI test file shares: run the real binary, read its output, start emulators.

#![allow(dead_code)] // Each test file uses a different subset.

use std::process::{Command, Output};

use push_mock::{DEFAULT_TOKEN, EmulatorConfig, MockServer};
use serde_json::Value;

/// The `push` binary, with a journal of this test's own (its state directory is named after
/// the test, under Cargo's temporary directory), so that tests never share one or write to the
/// home directory.
pub(crate) fn push_command() -> Command {
    let test = std::thread::current()
        .name()
        .unwrap_or("main")
        .replace("::", "-");
    let state = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("push-cli-state")
        .join(format!("{}-{test}", std::process::id()));
    std::fs::create_dir_all(&state).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_push"));
    command
        .env("XDG_STATE_HOME", state)
        .env_remove("PUSH_JOURNAL");
    command
}

/// Runs `push` against `base_url` with the emulator's token.
pub(crate) fn push(base_url: &str, args: &[&str]) -> Output {
    push_command()
        .args(args)
        .env("PUSH_API_TOKEN", DEFAULT_TOKEN)
        .env("PUSH_BASE_URL", base_url)
        .env_remove("PUSH_VERBOSE")
        .output()
        .unwrap()
}

pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

pub(crate) fn json(output: &Output) -> Value {
    serde_json::from_str(stdout(output).trim())
        .unwrap_or_else(|e| panic!("{e}: {}", stdout(output)))
}

/// The emulator's intent ids as Push lists them: newest first.
pub(crate) fn newest_first(server: &MockServer) -> Vec<String> {
    server
        .emulator()
        .intents()
        .iter()
        .rev()
        .map(|i| i.id.to_string())
        .collect()
}

pub(crate) fn emulator(intents: usize, page_size: usize) -> MockServer {
    let server = MockServer::start_in_background(EmulatorConfig {
        page_size,
        ..EmulatorConfig::default()
    })
    .unwrap();
    server.emulator().seed_intents(intents);
    server
}

/// `intents create` with every required flag.
pub(crate) const CREATE: &[&str] = &[
    "intents",
    "create",
    "--user-id",
    "user_1",
    "--amount",
    "100",
    "--currency",
    "USD",
    "--direction",
    "cash_in",
];

/// `users create` with every required flag; `extra` replaces a flag's value where the flag is
/// already there (clap refuses a flag given twice), and is appended otherwise.
pub(crate) fn create_user_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "users",
        "create",
        "--first",
        "Alfred",
        "--last",
        "Hitchcock",
        "--email",
        "alfred@imdb.com",
        "--date-of-birth",
        "1899-08-13",
        "--address-line-1",
        "1609 10th Ave",
        "--locality",
        "Bodega Bay",
        "--administrative-area",
        "CA",
        "--postal-code",
        "94923",
        "--country",
        "us",
        "--government-id-type",
        "passport",
        "--government-id-last4",
        "7349",
    ];
    let mut extra = extra.iter().copied().peekable();
    while let Some(flag) = extra.next() {
        let value = extra.next_if(|next| !next.starts_with("--"));
        match (args.iter().position(|a| *a == flag), value) {
            (Some(at), Some(value)) => args[at + 1] = value,
            (_, value) => args.extend([flag].into_iter().chain(value)),
        }
    }
    args
}

/// `authorize` with its required flags and `extra`.
pub(crate) fn authorize_args(extra: &[&'static str]) -> Vec<&'static str> {
    let mut args = vec![
        "authorize",
        "--amount",
        "1000",
        "--currency",
        "USD",
        "--direction",
        "cash_in",
    ];
    args.extend_from_slice(extra);
    args
}
