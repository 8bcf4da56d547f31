//! [`Recovery`]: how an entry in doubt is resolved, as far as the API allows, without IO. A
//! client drives it: [`Recovery::start`], send each [`RecoveryRequest`] it asks for, hand the
//! answer to [`Recovery::receive`], until it says [`Step::Finish`] (record the outcome) or
//! [`Step::Leave`] (the entry stays in doubt; try again later).
//!
//! | operation | how it is resolved |
//! | --- | --- |
//! | `create_intent` | resent with its idempotency key: Push answers the intent it made, or makes it |
//! | `create_user` | resent with its tag: Push answers the user it registered, or registers it; without a tag, `needs_review` |
//! | `authorize` with a token | resent: a token backs one authorization |
//! | `authorize` with a credential | no deduplication at Push: intents created around the send are listed and matched by amount and direction (Push's intents do not carry the tag); one match resolves it, none or several leave it `needs_review` with the candidates |
//! | `create_refund` | the intent is read: its refund, or none (nothing happened) |
//! | `approve_intent`, `cancel_intent` | the intent is read: already approved (cancelled), `done`; still pending, resent; anything else, `failed` (the call did nothing) |
//! | `tokenize_card` | never resent (the card is not kept): closed as `expired` |
//!
//! Every step is safe to repeat, so a recovery killed halfway is run again from the start.

use std::{collections::HashSet, time::Duration};

use push_core::{
    ApproveIntent, Authorize, AuthorizeOutcome, CancelIntent, Config, CreateIntent, CreateRefund,
    CreateUser, CreatedIntent, CreatedUser, Error, GetIntent, Intent, IntentChange, IntentPage,
    IntentStatus, ListIntents, RefundDeclined, RefundOutcome, RefundStatus, Request, Response,
    RetrySafety, http, journal::Journaled, ops::Operation, paging::ListOperation,
};

use crate::{Entry, OperationKind, Outcome, flow};

/// How far the clocks of this machine and Push's may disagree: a credential authorize is
/// looked for among intents created from this long before its send.
pub const CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);

/// How long after its send an intent of a credential authorize may have been created (the
/// longest call, retries included, plus [`CLOCK_SKEW`]).
pub const MATCH_AFTER: Duration = Duration::from_secs(15 * 60);

/// Pages of intents read at most while matching one credential authorize.
pub const MAX_PAGES: u32 = 100;

/// A request recovery sends: one of the operations, under one type so that a client drives
/// them all with one loop.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum RecoveryRequest {
    /// Resend a create with its key.
    CreateIntent(CreateIntent),
    /// Resend a user with its tag.
    CreateUser(CreateUser),
    /// Resend a token authorize.
    Authorize(Authorize),
    /// Resend an approve.
    ApproveIntent(ApproveIntent),
    /// Resend a cancel.
    CancelIntent(CancelIntent),
    /// Read an intent (a refund's).
    GetIntent(GetIntent),
    /// List intents (a credential authorize's candidates).
    ListIntents(ListIntents),
}

/// The answer to a [`RecoveryRequest`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum RecoveryAnswer {
    /// To a create.
    CreatedIntent(CreatedIntent),
    /// To a user.
    CreatedUser(CreatedUser),
    /// To an authorize.
    Authorized(AuthorizeOutcome),
    /// To an approve or a cancel.
    Changed(IntentChange),
    /// To a read.
    Intent(Box<Intent>),
    /// To a listing.
    Page(IntentPage),
}

macro_rules! delegate {
    ($self:ident, $op:ident => $body:expr) => {
        match $self {
            RecoveryRequest::CreateIntent($op) => $body,
            RecoveryRequest::CreateUser($op) => $body,
            RecoveryRequest::Authorize($op) => $body,
            RecoveryRequest::ApproveIntent($op) => $body,
            RecoveryRequest::CancelIntent($op) => $body,
            RecoveryRequest::GetIntent($op) => $body,
            RecoveryRequest::ListIntents($op) => $body,
        }
    };
}

/// Each answer, as a [`RecoveryAnswer`].
macro_rules! answer {
    ($self:ident, $value:ident => $map:ident) => {
        match $self {
            RecoveryRequest::CreateIntent(op) => op.$map($value).map(RecoveryAnswer::CreatedIntent),
            RecoveryRequest::CreateUser(op) => op.$map($value).map(RecoveryAnswer::CreatedUser),
            RecoveryRequest::Authorize(op) => op.$map($value).map(RecoveryAnswer::Authorized),
            RecoveryRequest::ApproveIntent(op) => op.$map($value).map(RecoveryAnswer::Changed),
            RecoveryRequest::CancelIntent(op) => op.$map($value).map(RecoveryAnswer::Changed),
            RecoveryRequest::GetIntent(op) => op
                .$map($value)
                .map(|intent| RecoveryAnswer::Intent(Box::new(intent))),
            RecoveryRequest::ListIntents(op) => op.$map($value).map(RecoveryAnswer::Page),
        }
    };
}

impl Operation for RecoveryRequest {
    type Output = RecoveryAnswer;

    fn method(&self) -> http::Method {
        delegate!(self, op => op.method())
    }

    fn path_template(&self) -> &str {
        delegate!(self, op => op.path_template())
    }

    fn retry_safety(&self) -> RetrySafety {
        delegate!(self, op => op.retry_safety())
    }

    fn is_final(&self, status: http::StatusCode) -> bool {
        delegate!(self, op => op.is_final(status))
    }

    fn has_effect(&self) -> bool {
        delegate!(self, op => op.has_effect())
    }

    fn confirm_request(&self, config: &Config) -> Option<Result<Request, Error>> {
        delegate!(self, op => op.confirm_request(config))
    }

    fn confirmed(&self, response: &Response) -> Result<Option<RecoveryAnswer>, Error> {
        let answer = match self {
            RecoveryRequest::ApproveIntent(op) => {
                op.confirmed(response)?.map(RecoveryAnswer::Changed)
            }
            RecoveryRequest::CancelIntent(op) => {
                op.confirmed(response)?.map(RecoveryAnswer::Changed)
            }
            _ => None,
        };
        Ok(answer)
    }

    fn body_secrets(&self) -> Vec<bytes::Bytes> {
        delegate!(self, op => op.body_secrets())
    }

    fn idempotency_key(&self) -> Option<&push_core::IdempotencyKey> {
        delegate!(self, op => Operation::idempotency_key(op))
    }

    fn encode(&self, config: &Config) -> Result<Request, Error> {
        delegate!(self, op => op.encode(config))
    }

    fn decode(&self, response: Response) -> Result<RecoveryAnswer, Error> {
        answer!(self, response => decode)
    }
}

/// What to do next.
#[derive(Debug)]
// Exhaustive on purpose: a client drives every case.
pub enum Step {
    /// Send this, and hand the answer to [`Recovery::receive`].
    Send(Box<RecoveryRequest>),
    /// Record this outcome ([`crate::Journal::finish`]).
    Finish(Outcome),
    /// The entry stays in doubt (this error said nothing about it): try again later.
    Leave(Error),
}

#[derive(Debug)]
enum Stage {
    Resend,
    ReadRefund,
    /// An approve or cancel: the intent is read first; resent only while still pending.
    ReadTransition(Option<Box<RecoveryRequest>>, IntentStatus),
    Match {
        list: ListIntents,
        found: Vec<Intent>,
        pages: u32,
    },
}

/// The resolution of one entry in doubt (see the [module](self) docs).
#[derive(Debug)]
pub struct Recovery {
    entry: Entry,
    known: HashSet<String>,
    stage: Stage,
}

impl Recovery {
    /// Resolves `entry`. `known`: the ids of objects other entries already hold, which a
    /// credential authorize is never matched to.
    pub fn new(entry: Entry, known: HashSet<String>) -> Self {
        Self {
            entry,
            known,
            stage: Stage::Resend,
        }
    }

    /// The entry being resolved.
    pub fn entry(&self) -> &Entry {
        &self.entry
    }

    /// The first step.
    pub fn start(&mut self) -> Step {
        let request = self.entry.call.request.clone().unwrap_or_default();
        let step = match self.entry.call.operation {
            OperationKind::TokenizeCard => return Step::Finish(Outcome::Expired),
            OperationKind::CreateIntent => {
                CreateIntent::replay(&request).map(RecoveryRequest::CreateIntent)
            }
            OperationKind::CreateUser => match CreateUser::replay(&request) {
                Ok(user) if user.tag().is_none() => {
                    return Step::Finish(Outcome::NeedsReview {
                        candidates: "a user registered without a tag: Push cannot deduplicate \
                                     it; look for the user (push users list) before registering \
                                     again"
                            .into(),
                    });
                }
                other => other.map(RecoveryRequest::CreateUser),
            },
            OperationKind::ApproveIntent => ApproveIntent::replay(&request).and_then(|approve| {
                let read = GetIntent::new(approve.id().clone())?;
                self.stage = Stage::ReadTransition(
                    Some(Box::new(RecoveryRequest::ApproveIntent(approve))),
                    IntentStatus::Approved,
                );
                Ok(RecoveryRequest::GetIntent(read))
            }),
            OperationKind::CancelIntent => CancelIntent::replay(&request).and_then(|cancel| {
                let read = GetIntent::new(cancel.id().clone())?;
                self.stage = Stage::ReadTransition(
                    Some(Box::new(RecoveryRequest::CancelIntent(cancel))),
                    IntentStatus::Canceled,
                );
                Ok(RecoveryRequest::GetIntent(read))
            }),
            OperationKind::CreateRefund => CreateRefund::replay(&request).and_then(|refund| {
                self.stage = Stage::ReadRefund;
                Ok(RecoveryRequest::GetIntent(GetIntent::new(
                    refund.intent_id().clone(),
                )?))
            }),
            OperationKind::Authorize => Authorize::replay(&request).and_then(|authorize| {
                if authorize.token().is_some() {
                    return Ok(RecoveryRequest::Authorize(authorize));
                }
                let sent = self.entry.created_at;
                let list = ListIntents::builder()
                    .created_after(
                        sent - chrono::Duration::from_std(CLOCK_SKEW).unwrap_or_default(),
                    )
                    .created_before(
                        sent + chrono::Duration::from_std(MATCH_AFTER).unwrap_or_default(),
                    )
                    .build()?;
                self.stage = Stage::Match {
                    list: list.clone(),
                    found: Vec::new(),
                    pages: 0,
                };
                Ok(RecoveryRequest::ListIntents(list))
            }),
        };
        match step {
            Ok(request) => Step::Send(Box::new(request)),
            Err(err) => Step::Finish(Outcome::NeedsReview {
                candidates: format!("the journal's request cannot be resent: {err}"),
            }),
        }
    }

    /// The next step, from the answer to the last request.
    pub fn receive(&mut self, answer: Result<RecoveryAnswer, Error>) -> Step {
        let answer = match answer {
            Ok(answer) => answer,
            Err(err) if settles(&err) => {
                return match self.stage {
                    // The intent is not there to refund: nothing happened.
                    Stage::ReadRefund | Stage::Resend | Stage::ReadTransition(..) => {
                        Step::Finish(Outcome::Failed {
                            error: err.to_string(),
                        })
                    }
                    Stage::Match { .. } => Step::Leave(err),
                };
            }
            Err(err) => return Step::Leave(err),
        };
        match (&mut self.stage, answer) {
            (Stage::Resend, RecoveryAnswer::CreatedIntent(out)) => finish::<CreateIntent>(Ok(out)),
            (Stage::Resend, RecoveryAnswer::CreatedUser(out)) => finish::<CreateUser>(Ok(out)),
            (Stage::Resend, RecoveryAnswer::Authorized(out)) => finish::<Authorize>(Ok(out)),
            (Stage::Resend, RecoveryAnswer::Changed(out)) => finish::<ApproveIntent>(Ok(out)),
            (Stage::ReadRefund, RecoveryAnswer::Intent(intent)) => match intent.refund {
                Some(refund) if refund.status == RefundStatus::Declined => finish::<CreateRefund>(
                    Ok(RefundOutcome::Declined(RefundDeclined::from(refund))),
                ),
                Some(refund) => finish::<CreateRefund>(Ok(RefundOutcome::Approved(refund))),
                None => Step::Finish(Outcome::Failed {
                    error: format!("intent {} holds no refund: nothing happened", intent.id),
                }),
            },
            (Stage::ReadTransition(_, wanted), RecoveryAnswer::Intent(intent))
                if intent.status == *wanted =>
            {
                // The lost call took effect: its answer is the intent as it stands.
                finish::<ApproveIntent>(Ok(IntentChange::Updated(intent)))
            }
            (Stage::ReadTransition(resend, _), RecoveryAnswer::Intent(intent))
                if intent.status == IntentStatus::Pending =>
            {
                // Not yet: the call did nothing, and sending it now is the call.
                match resend.take() {
                    Some(resend) => {
                        self.stage = Stage::Resend;
                        Step::Send(resend)
                    }
                    None => Step::Leave(flow::journal_failure(
                        Some(&self.entry.call.reference),
                        "recovery read the intent twice",
                    )),
                }
            }
            (Stage::ReadTransition(_, wanted), RecoveryAnswer::Intent(intent)) => {
                Step::Finish(Outcome::Failed {
                    error: format!(
                        "intent {} is {}, not {wanted}: the call did nothing",
                        intent.id, intent.status
                    ),
                })
            }
            (Stage::Match { list, found, pages }, RecoveryAnswer::Page(page)) => {
                *pages += 1;
                let (amount, direction) = (self.entry.call.amount, &self.entry.call.direction);
                found.extend(page.data.into_iter().filter(|intent| {
                    Some(intent.amount) == amount
                        && direction.as_deref() == Some(intent.direction.as_str())
                        && !self.known.contains(intent.id.as_str())
                }));
                match page.next_cursor {
                    Some(cursor) if *pages < MAX_PAGES => Step::Send(Box::new(
                        RecoveryRequest::ListIntents(list.with_cursor(Some(cursor))),
                    )),
                    _ => matched(std::mem::take(found)),
                }
            }
            (_, other) => Step::Leave(flow::journal_failure(
                Some(&self.entry.call.reference),
                format!("recovery got an answer it did not ask for: {other:?}"),
            )),
        }
    }
}

fn finish<O>(result: Result<O::Output, Error>) -> Step
where
    O: Journaled,
    O::Output: serde::Serialize,
{
    Step::Finish(flow::outcome::<O>(&result))
}

/// Whether a refusal of a recovery request settles the entry: Push looked at the request and
/// refused it, so the original did nothing either (the same request, the same refusal). A
/// refusal of the caller (401, 403), a rate limit or a timeout says nothing about it.
fn settles(err: &Error) -> bool {
    let Some(status) = err.status() else {
        return false;
    };
    status.is_client_error()
        && !matches!(status.as_u16(), 401 | 403 | 408 | 429)
        && !err.is_outcome_unknown()
}

/// One candidate resolves a credential authorize; none or several leave it to a person.
fn matched(found: Vec<Intent>) -> Step {
    if let [intent] = found.as_slice() {
        let id = intent.id.as_str().to_owned();
        let status = intent.status.as_str().to_owned();
        // The answer the authorize would have had, where the intent tells it.
        let answer = match intent.status {
            IntentStatus::Approved => Some(serde_json::json!({
                "outcome": "approved",
                "id": intent.id,
                "amount": intent.amount,
                "direction": intent.direction,
                "currency": intent.currency,
            })),
            IntentStatus::Declined => intent.decline_category.as_ref().map(|category| {
                serde_json::json!({
                    "outcome": "declined",
                    "id": intent.id,
                    "decline_category": category,
                })
            }),
            _ => None,
        };
        let result = answer
            .and_then(|answer| serde_json::from_value::<AuthorizeOutcome>(answer).ok())
            .and_then(|outcome| serde_json::to_string(&outcome).ok());
        return Step::Finish(if intent.status == IntentStatus::Declined {
            Outcome::Declined {
                id: Some(id),
                reason: intent
                    .decline_category
                    .as_ref()
                    .map_or("declined", |c| c.as_str())
                    .to_owned(),
                result,
            }
        } else {
            Outcome::Done { id, status, result }
        });
    }
    let candidates = if found.is_empty() {
        "no intent of this amount and direction was created around the send: it may never \
         have reached Push (check the intents, then rerun with a new tag or close it)"
            .to_owned()
    } else {
        let ids: Vec<String> = found
            .iter()
            .map(|intent| format!("{} ({}, {})", intent.id, intent.status, intent.created_at))
            .collect();
        format!("several intents match: {}", ids.join(", "))
    };
    Step::Finish(Outcome::NeedsReview { candidates })
}
