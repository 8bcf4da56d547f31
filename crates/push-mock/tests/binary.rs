//! `push-mock` the program: serves on loopback, prints its base URL, answers like Push.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
};

use push_core::{ClientBuilder, ListIntents};

struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_binary_serves_the_emulator_and_prints_its_url() {
    let child = Command::new(env!("CARGO_BIN_EXE_push-mock"))
        .args([
            "--port",
            "0",
            "--token",
            "sk_test_binary",
            "--seed-intents",
            "25",
            "--page-size",
            "10",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut child = Killed(child);
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let client: push_ureq::Client = ClientBuilder::new()
        .token("sk_test_binary")
        .base_url(url)
        .build()
        .unwrap();
    let listed = client
        .list_all_intents(ListIntents::default())
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    assert_eq!(listed.len(), 25);
    let wrong: push_ureq::Client = ClientBuilder::new()
        .token("sk_test_wrong")
        .base_url(url)
        .build()
        .unwrap();
    let err = wrong.list_intents(ListIntents::default()).unwrap_err();
    assert!(
        matches!(err, push_core::Error::Authentication(_)),
        "{err:?}"
    );
}

#[test]
fn bad_flags_are_refused() {
    let output = Command::new(env!("CARGO_BIN_EXE_push-mock"))
        .args(["--fault-rate", "2"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("0.0 to 1.0"));
}
