//! `POST /intent/{id}/cancel`: cancel an outstanding intent that is not yet approved. See
//! [`super::intent_change`] for the answer's shapes.

super::intent_change::intent_transition!(
    /// A validated `POST /intent/{id}/cancel`.
    CancelIntent,
    "cancel",
    crate::IntentStatus::Canceled
);
