//! The SQLite journal passes the conformance suite, serializes claims across handles (separate
//! connections to one file, as separate processes have), and keeps a claim when the process
//! that made it dies before it records anything.

use push_journal::{
    Claim, EntryState, Journal, NewEntry, OperationKind, SqliteJournal, conformance,
};

#[test]
fn passes_the_conformance_suite() {
    let dir = tempfile::tempdir().unwrap();
    let journal = SqliteJournal::open(dir.path().join("journal.sqlite3")).unwrap();
    conformance::run(&journal);
}

#[test]
fn one_fresh_claim_per_reference_across_handles() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite3");
    drop(SqliteJournal::open(&path).unwrap());
    conformance::concurrent_claims(|| Box::new(SqliteJournal::open(&path).unwrap()), 8, 100);
}

#[test]
fn an_unwritable_journal_is_an_error_up_front() {
    let dir = tempfile::tempdir().unwrap();
    let err = SqliteJournal::open(dir.path().join("missing").join("journal.sqlite3")).unwrap_err();
    assert!(err.to_string().contains("could not be written"), "{err}");
}

/// The child half of the crash test: claims, then dies without unwinding or closing anything.
#[test]
fn claim_then_die() {
    let Ok(path) = std::env::var("PUSH_JOURNAL_CRASH_PATH") else {
        return;
    };
    let journal = SqliteJournal::open(&path).unwrap();
    let call = NewEntry::new("crash-1", OperationKind::CreateIntent, "d").dedup("crash-1");
    assert!(matches!(
        journal.claim(&call, "child", chrono::Utc::now()).unwrap(),
        Claim::Fresh(_)
    ));
    std::process::abort();
}

#[test]
fn a_claim_survives_the_death_of_its_process() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite3");
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "claim_then_die", "--nocapture"])
        .env("PUSH_JOURNAL_CRASH_PATH", &path)
        .status()
        .unwrap();
    assert!(!status.success(), "the child died");
    let journal = SqliteJournal::open(&path).unwrap();
    let entry = journal
        .entry("crash-1")
        .unwrap()
        .expect("the claim is on disk");
    assert_eq!(entry.state, EntryState::Pending);
    assert_eq!(entry.owner, "child");
    let call = NewEntry::new("crash-1", OperationKind::CreateIntent, "d").dedup("crash-1");
    assert!(matches!(
        journal.claim(&call, "restart", chrono::Utc::now()).unwrap(),
        Claim::InDoubt(_)
    ));
}
