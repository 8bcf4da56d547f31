//! `POST /intent/{id}/approve`: approve a `pending` intent (created with `approval_mode: manual`)
//! and submit it for processing. See [`super::intent_change`] for the answer's shapes.

super::intent_change::intent_transition!(
    /// A validated `POST /intent/{id}/approve`.
    ApproveIntent,
    "approve",
    crate::IntentStatus::Approved
);
