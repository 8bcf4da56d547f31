//! Crash safety of the real `push` binary: each run starts `push intents create`,
//! `push authorize --token`, `push authorize --credential-id` or `push refunds create` against
//! the emulator (its answer delayed, stalled or lost at random), kills it with SIGKILL at a
//! random moment (before, during or after the request), then reruns the same command or runs
//! `push recover`. At the end: no duplicate intent or refund, every intent the runs made is in
//! the journal with its id, and every entry is settled (`done`, `declined`, `failed`,
//! `expired`, or `needs_review` for a credential authorize only).
//!
//! `PUSH_CRASH_RUNS` (default 24; CI runs 200) and `PUSH_CRASH_SEED` (printed; replays a run).
//! Bounded: every command has a 20 s deadline and every child is killed or waited for.

mod common;

use std::{
    collections::{HashMap, HashSet},
    process::{Output, Stdio},
    time::Duration,
};

use common::{push_command, stderr};
use push_mock::{DEFAULT_TOKEN, EmulatorConfig, Fault, FaultConfig, MockServer};
use push_ureq::{
    Authorize, Client, Currency, Direction, TokenizeCard,
    http::Method,
    push_journal::{EntryState, Journal, OperationKind, SqliteJournal},
};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Create,
    Token,
    Credential,
    Refund,
}

struct Crash {
    server: MockServer,
    client: Client,
    journal: std::path::PathBuf,
    user: String,
    _dir: tempfile::TempDir,
}

impl Crash {
    fn run(&self, args: &[String]) -> Output {
        push_command()
            .arg("--journal")
            .arg(&self.journal)
            .args(["--timeout", "20"])
            .args(args)
            .env("PUSH_API_TOKEN", DEFAULT_TOKEN)
            .env("PUSH_BASE_URL", self.server.base_url())
            .env_remove("PUSH_VERBOSE")
            .output()
            .unwrap()
    }

    /// Starts `args` and kills it with SIGKILL after `after`.
    fn kill_after(&self, args: &[String], after: Duration) {
        let mut child = push_command()
            .arg("--journal")
            .arg(&self.journal)
            .args(["--timeout", "20"])
            .args(args)
            .env("PUSH_API_TOKEN", DEFAULT_TOKEN)
            .env("PUSH_BASE_URL", self.server.base_url())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(after);
        // SIGKILL (std's kill); an already-finished child is fine.
        let _ = child.kill();
        child.wait().unwrap();
    }

    /// A setup call through the library (no journal), repeated past any injected fault.
    fn retry<T>(&self, mut call: impl FnMut(&Client) -> Result<T, push_ureq::Error>) -> T {
        for _ in 0..5 {
            if let Ok(value) = call(&self.client) {
                return value;
            }
        }
        panic!("setup failed five times")
    }
}

#[test]
fn killed_at_any_moment_nothing_is_paid_twice_or_lost() {
    let runs: usize = std::env::var("PUSH_CRASH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24);
    let seed: u64 = std::env::var("PUSH_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    eprintln!("crash test: {runs} runs, PUSH_CRASH_SEED={seed}");
    let mut rng = fastrand::Rng::with_seed(seed);

    let server = MockServer::start_in_background(EmulatorConfig {
        faults: FaultConfig {
            stall: Duration::from_millis(300),
            ..FaultConfig::default()
        },
        ..EmulatorConfig::default()
    })
    .unwrap();
    let client = Client::builder()
        .token(DEFAULT_TOKEN)
        .base_url(&server.base_url())
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let crash = Crash {
        journal: dir.path().join("journal.sqlite3"),
        user: String::new(),
        server,
        client,
        _dir: dir,
    };
    let user = crash.retry(|c| c.create_user(push_mock::sample::create_user().build().unwrap()));
    let crash = Crash {
        user: user.id.as_str().to_owned(),
        ..crash
    };

    let mut setup_intents = HashSet::new();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for run in 0..runs {
        let kind = [Kind::Create, Kind::Token, Kind::Credential, Kind::Refund][run % 4];
        let tag = format!("crash-{seed}-{run}");
        // Unique amounts tell credential authorizes apart (Push's intents carry no tag).
        let amount = (10_000 + run).to_string();
        let (args, path) = match kind {
            Kind::Create => (
                vec![
                    "intents",
                    "create",
                    "--user-id",
                    &crash.user,
                    "--amount",
                    &amount,
                    "--currency",
                    "USD",
                    "--direction",
                    "cash_in",
                    "--idempotency-key",
                    &tag,
                ]
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>(),
                "/intent",
            ),
            Kind::Token | Kind::Credential => {
                let mut args: Vec<String> = [
                    "authorize",
                    "--amount",
                    &amount,
                    "--currency",
                    "USD",
                    "--direction",
                    "cash_in",
                    "--tag",
                    &tag,
                ]
                .map(str::to_owned)
                .to_vec();
                if kind == Kind::Token {
                    let card = TokenizeCard::builder()
                        .user_id(crash.user.as_str())
                        .pan("4111111111111111")
                        .cvv("123")
                        .exp_month("12")
                        .exp_year("30")
                        .build()
                        .unwrap();
                    let token = crash.retry(|c| c.tokenize_card(card.clone()));
                    args.extend(["--token".to_owned(), token.token.as_str().to_owned()]);
                } else {
                    args.extend(["--credential-id".to_owned(), "cred_crash".to_owned()]);
                }
                (args, "/authorize")
            }
            Kind::Refund => {
                let card = TokenizeCard::builder()
                    .user_id(crash.user.as_str())
                    .pan("4111111111111111")
                    .cvv("123")
                    .exp_month("12")
                    .exp_year("30")
                    .build()
                    .unwrap();
                let token = crash.retry(|c| c.tokenize_card(card.clone()));
                let paid = crash.retry(|c| {
                    c.authorize(
                        Authorize::builder()
                            .amount(5_000)
                            .currency(Currency::Usd)
                            .direction(Direction::CashIn)
                            .token(token.token.as_str())
                            .build()
                            .unwrap(),
                    )
                });
                setup_intents.insert(paid.intent_id().as_str().to_owned());
                (
                    [
                        "refunds",
                        "create",
                        "--intent-id",
                        paid.intent_id().as_str(),
                    ]
                    .map(str::to_owned)
                    .to_vec(),
                    "/refund",
                )
            }
        };
        // The answer: on time, slow, stalled 300 ms, or lost after taking effect.
        let fault = [
            None,
            Some(Fault::SlowBody),
            Some(Fault::StallBody),
            Some(Fault::CloseAfterCommit),
        ][rng.usize(..4)];
        if let Some(fault) = fault {
            crash
                .server
                .emulator()
                .fault_next(Method::POST, path, fault);
        }
        crash.kill_after(&args, Duration::from_millis(rng.u64(0..250)));
        if rng.bool() {
            let rerun = crash.run(&args);
            let code = rerun.status.code();
            assert!(
                matches!(code, Some(0 | 3 | 4)),
                "run {run} (seed {seed}): rerun exited {code:?}: {}",
                stderr(&rerun)
            );
            *counts.entry("reruns").or_default() += 1;
        } else {
            // Recovery is itself crash-safe: sometimes it is killed too, and run again.
            if rng.u8(..3) == 0 {
                crash.kill_after(
                    &["recover".to_owned()],
                    Duration::from_millis(rng.u64(0..60)),
                );
                *counts.entry("recovers killed").or_default() += 1;
            }
            let recover = crash.run(&["recover".to_owned()]);
            assert!(
                matches!(recover.status.code(), Some(0 | 4)),
                "run {run} (seed {seed}): recover: {}",
                stderr(&recover)
            );
            *counts.entry("recovers").or_default() += 1;
        }
    }
    // Settle what is left (faults injected for sends the killed runs never made).
    for _ in 0..5 {
        if crash.run(&["recover".to_owned()]).status.code() == Some(0) {
            break;
        }
    }

    let journal = SqliteJournal::open(&crash.journal).unwrap();
    let entries = journal.entries(false).unwrap();
    let mut states: HashMap<&str, usize> = HashMap::new();
    for entry in &entries {
        *states.entry(entry.state.as_str()).or_default() += 1;
        let settled = matches!(
            entry.state,
            EntryState::Done | EntryState::Declined | EntryState::Failed | EntryState::Expired
        ) || (entry.state == EntryState::NeedsReview
            && entry.call.operation == OperationKind::Authorize
            && entry.call.dedup.is_none());
        assert!(
            settled,
            "seed {seed}: an entry is left {}: {entry:?}",
            entry.state
        );
    }
    let known: HashSet<&str> = entries
        .iter()
        .filter_map(|e| e.result_id.as_deref())
        .collect();
    let intents = crash.server.emulator().intents();
    let mut by_key: HashMap<&str, usize> = HashMap::new();
    let mut by_amount: HashMap<i64, usize> = HashMap::new();
    let mut refunds = 0;
    for intent in &intents {
        if setup_intents.contains(intent.id.as_str()) {
            if let Some(refund) = &intent.refund {
                refunds += 1;
                assert!(
                    known.contains(refund.id.as_str()),
                    "seed {seed}: refund {} is not in the journal",
                    refund.id
                );
            }
            continue;
        }
        assert!(
            known.contains(intent.id.as_str()),
            "seed {seed}: intent {} ({}) is not in the journal",
            intent.id,
            intent.amount
        );
        if let Some(key) = &intent.idempotency_key {
            *by_key.entry(key).or_default() += 1;
        }
        *by_amount.entry(intent.amount).or_default() += 1;
    }
    assert!(
        by_key.values().all(|n| *n == 1),
        "seed {seed}: a key made two intents"
    );
    assert!(
        by_amount.values().all(|n| *n == 1),
        "seed {seed}: a payment was made twice"
    );
    eprintln!(
        "crash test: {runs} runs killed ({} reruns, {} recovers, {} of them after a killed \
         recover); {} intents, {refunds} refunds, 0 duplicates; journal entries by state: \
         {states:?}",
        counts.get("reruns").unwrap_or(&0),
        counts.get("recovers").unwrap_or(&0),
        counts.get("recovers killed").unwrap_or(&0),
        intents.len() - setup_intents.len(),
    );
}
