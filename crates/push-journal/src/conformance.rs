//! The conformance suite every backend passes: call [`run`] with an empty journal, and
//! [`concurrent_claims`] with a way to open more handles on the same store. Each check panics
//! with what broke.

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::{Claim, EntryState, Journal, JournalError, NewEntry, OperationKind, Outcome};

fn at(second: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_780_000_000 + second, 0)
        .single()
        .unwrap_or_default()
}

fn create(reference: &str) -> NewEntry {
    NewEntry::new(
        reference,
        OperationKind::CreateIntent,
        format!("digest-{reference}"),
    )
    .dedup(reference)
    .money(1450, "cash_in")
    .user("user_1")
    .request(r#"{"idempotency_key":"k","body":{"amount":1450}}"#)
}

/// Every single-handle promise, on an empty journal.
pub fn run(journal: &dyn Journal) {
    fresh_then_finished(journal);
    in_doubt_is_never_fresh(journal);
    a_reference_is_one_request(journal);
    a_known_failure_may_be_retried(journal);
    outcomes_are_stored_whole(journal);
    listings(journal);
    deliveries(journal);
}

fn fresh_then_finished(journal: &dyn Journal) {
    let call = create("conf-1");
    let Claim::Fresh(entry) = journal.claim(&call, "worker-a", at(0)).expect("claim") else {
        panic!("a new reference must be fresh")
    };
    assert_eq!(entry.state, EntryState::Pending);
    assert_eq!(entry.call, call, "the entry holds what was written ahead");
    assert_eq!(entry.owner, "worker-a");
    assert_eq!(entry.created_at, at(0));
    let done = Outcome::Done {
        id: "intent_1".into(),
        status: "approved".into(),
        result: Some(r#"{"id":"intent_1","url":null}"#.into()),
    };
    let finished = journal.finish("conf-1", &done, at(1)).expect("finish");
    assert_eq!(finished.state, EntryState::Done);
    assert_eq!(finished.result_id.as_deref(), Some("intent_1"));
    assert_eq!(finished.result_status.as_deref(), Some("approved"));
    assert_eq!(finished.finished_at, Some(at(1)));
    assert_eq!(
        finished.result.as_deref(),
        Some(r#"{"id":"intent_1","url":null}"#),
        "the answer is kept whole, to be returned again"
    );
    let Claim::Finished(again) = journal.claim(&call, "worker-b", at(2)).expect("claim") else {
        panic!("a finished reference answers with its result")
    };
    assert_eq!(again, finished);
    assert!(matches!(
        journal.finish("conf-1", &Outcome::Expired, at(3)),
        Err(JournalError::AlreadyFinished { .. })
    ));
    assert!(matches!(
        journal.finish("conf-none", &Outcome::Expired, at(3)),
        Err(JournalError::NotFound { .. })
    ));
}

fn in_doubt_is_never_fresh(journal: &dyn Journal) {
    let call = create("conf-2");
    assert!(matches!(
        journal.claim(&call, "worker-a", at(0)),
        Ok(Claim::Fresh(_))
    ));
    // Killed before the answer: the rerun finds it pending, never fresh.
    let Claim::InDoubt(entry) = journal.claim(&call, "worker-b", at(5)).expect("claim") else {
        panic!("a pending reference is in doubt")
    };
    assert_eq!(entry.state, EntryState::Pending);
    assert_eq!(entry.owner, "worker-a", "the claim is not taken over");
    let unknown = Outcome::Unknown {
        error: "connection reset".into(),
    };
    journal.finish("conf-2", &unknown, at(6)).expect("finish");
    assert!(matches!(
        journal.claim(&call, "worker-b", at(7)),
        Ok(Claim::InDoubt(_))
    ));
    // Recovery learns, and the unknown becomes done.
    let done = Outcome::Done {
        id: "intent_2".into(),
        status: "created".into(),
        result: None,
    };
    assert_eq!(
        journal
            .finish("conf-2", &done, at(8))
            .expect("finish")
            .state,
        EntryState::Done
    );
}

fn a_reference_is_one_request(journal: &dyn Journal) {
    let call = create("conf-3");
    journal.claim(&call, "w", at(0)).expect("claim");
    let mut other = call.clone();
    other.digest = "another request".into();
    assert!(matches!(
        journal.claim(&other, "w", at(1)),
        Err(JournalError::ReferenceReused { .. })
    ));
    let mut refund = call;
    refund.operation = OperationKind::CreateRefund;
    assert!(matches!(
        journal.claim(&refund, "w", at(1)),
        Err(JournalError::ReferenceReused { .. })
    ));
}

fn a_known_failure_may_be_retried(journal: &dyn Journal) {
    let call = create("conf-5");
    journal.claim(&call, "worker-a", at(0)).expect("claim");
    let failed = Outcome::Failed {
        error: "status 400".into(),
    };
    journal.finish("conf-5", &failed, at(1)).expect("finish");
    // Another request under the reference is still refused.
    let mut other = call.clone();
    other.digest = "another request".into();
    assert!(matches!(
        journal.claim(&other, "worker-b", at(2)),
        Err(JournalError::ReferenceReused { .. })
    ));
    // Nothing happened at Push: the same request claims it afresh, once.
    let Claim::Fresh(entry) = journal.claim(&call, "worker-b", at(3)).expect("claim") else {
        panic!("a failed entry is claimed afresh by the same request")
    };
    assert_eq!(entry.state, EntryState::Pending);
    assert_eq!(entry.owner, "worker-b");
    assert_eq!(entry.created_at, at(3));
    assert_eq!(entry.detail, None, "the old failure is cleared");
    assert!(matches!(
        journal.claim(&call, "worker-c", at(4)),
        Ok(Claim::InDoubt(_))
    ));
}

fn outcomes_are_stored_whole(journal: &dyn Journal) {
    let table: Vec<(Outcome, EntryState)> = vec![
        (
            Outcome::Declined {
                id: Some("intent_d".into()),
                reason: "insufficient_funds".into(),
                result: Some(r#"{"outcome":"declined"}"#.into()),
            },
            EntryState::Declined,
        ),
        (
            Outcome::Failed {
                error: "status 400: bad amount".into(),
            },
            EntryState::Failed,
        ),
        (
            Outcome::NeedsReview {
                candidates: "intent_a, intent_b".into(),
            },
            EntryState::NeedsReview,
        ),
        (Outcome::Expired, EntryState::Expired),
    ];
    for (i, (outcome, state)) in table.into_iter().enumerate() {
        let reference = format!("conf-4-{i}");
        let call = NewEntry::new(&reference, OperationKind::Authorize, "d")
            .dedup("tag-1")
            .money(-5, "cash_out");
        journal.claim(&call, "w", at(0)).expect("claim");
        let entry = journal.finish(&reference, &outcome, at(1)).expect("finish");
        assert_eq!(entry.state, state, "{outcome:?}");
        let read = journal.entry(&reference).expect("read").expect("present");
        assert_eq!(read, entry, "read back whole");
        assert_eq!(read.call.amount, Some(-5));
        let expected = match outcome {
            Outcome::Declined { ref reason, .. } => Some(reason.clone()),
            Outcome::Failed { ref error } => Some(error.clone()),
            Outcome::NeedsReview { ref candidates } => Some(candidates.clone()),
            _ => None,
        };
        assert_eq!(read.detail, expected);
        if let Outcome::Declined { result, .. } = outcome {
            assert_eq!(read.result, result);
        }
        // NeedsReview stays in doubt; the rest are final.
        assert_eq!(state.is_in_doubt(), state == EntryState::NeedsReview);
    }
    assert_eq!(journal.entry("conf-absent").expect("read"), None);
}

fn listings(journal: &dyn Journal) {
    let all = journal.entries(false).expect("list");
    let in_doubt = journal.entries(true).expect("list");
    assert!(all.len() >= in_doubt.len());
    assert!(in_doubt.iter().all(|e| e.state.is_in_doubt()));
    assert!(in_doubt.iter().any(|e| e.call.reference == "conf-3"));
    assert!(!in_doubt.iter().any(|e| e.call.reference == "conf-1"));
    let times: Vec<_> = all.iter().map(|e| e.created_at).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "oldest first");
    // Text of any kind round-trips (quotes, newlines, non-ASCII): nothing is interpolated.
    let odd = "o'ne \"two\"\nthree; DROP TABLE entries; -- é";
    journal
        .claim(&create(odd), "w", at(9) + Duration::seconds(1))
        .expect("claim");
    assert_eq!(
        journal
            .entry(odd)
            .expect("read")
            .expect("present")
            .call
            .reference,
        odd
    );
}

fn deliveries(journal: &dyn Journal) {
    assert!(journal.first_delivery(&"evt_1").expect("delivery"));
    assert!(!journal.first_delivery(&"evt_1").expect("delivery"));
    assert!(
        journal
            .first_delivery(&"evt_2".to_owned())
            .expect("delivery")
    );
    // A verified event is its own identity: redelivered (a later timestamp), still the same.
    let event = |at: &str| {
        push_core::WebhookEvent::from_json(
            format!(
                r#"{{"type":"intent.approved","timestamp":"{at}","data":{{"id":"intent_conf"}}}}"#
            )
            .as_bytes(),
        )
        .expect("an event")
    };
    assert!(
        journal
            .first_delivery(&event("2026-12-03T10:00:00Z"))
            .expect("delivery")
    );
    assert!(
        !journal
            .first_delivery(&event("2026-12-03T10:05:00Z"))
            .expect("delivery")
    );
}

/// Claims from `threads` handles at once (each from `open`, on the same store) of the same
/// `references` references: exactly one claim of each is fresh, and every other sees it.
pub fn concurrent_claims(
    open: impl Fn() -> Box<dyn Journal> + Sync,
    threads: usize,
    references: usize,
) {
    let fresh: Vec<Vec<String>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|worker| {
                let open = &open;
                scope.spawn(move || {
                    let journal = open();
                    let owner = format!("worker-{worker}");
                    (0..references)
                        .filter_map(|n| {
                            let call = create(&format!("race-{n}"));
                            match journal.claim(&call, &owner, at(0)).expect("claim") {
                                Claim::Fresh(entry) => Some(entry.call.reference),
                                Claim::InDoubt(_) | Claim::Finished(_) => None,
                            }
                        })
                        .collect()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().expect("a worker panicked"))
            .collect()
    });
    let mut all: Vec<String> = fresh.into_iter().flatten().collect();
    all.sort();
    let total = all.len();
    all.dedup();
    assert_eq!(total, references, "exactly one fresh claim per reference");
    assert_eq!(all.len(), references);
}
