//! One handler for SIGINT, SIGTERM and SIGHUP, set once: what an interruption means depends
//! on what the command is doing at that moment.
//!
//! - During a write that may have reached Push (from just before its first byte until its
//!   answer is printed): exit 4 with how to check and which key or tag to reuse, since the
//!   payment or intent may exist.
//! - During a listing: exit 130 with the cursor to resume at.
//! - Otherwise: exit 130.

use std::sync::Mutex;

/// What the command is doing, for the handler.
enum Doing {
    Nothing,
    /// A write may be in flight: the how-to-check hint.
    Writing(String),
    /// A listing, and where it would resume (`None`: from the start).
    Listing(Option<String>),
}

static DOING: Mutex<Doing> = Mutex::new(Doing::Nothing);

/// Exit code 130: interrupted (128 + SIGINT), as shells report it.
const INTERRUPTED: i32 = 130;

fn set(doing: Doing) {
    // A poisoned lock only means a panic elsewhere; the slot is plain data.
    *DOING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = doing;
}

/// Installs the handler (once, before any request).
pub(crate) fn install() {
    let _ = ctrlc::set_handler(|| {
        let doing = DOING
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match &*doing {
            Doing::Writing(hint) => {
                eprintln!(
                    "push: interrupted while the request may have been in flight: outcome unknown"
                );
                eprintln!("push: {hint}");
                std::process::exit(i32::from(crate::OUTCOME_UNKNOWN));
            }
            Doing::Listing(Some(cursor)) => {
                eprintln!("push: interrupted; resume with --cursor {cursor}");
            }
            Doing::Listing(None) => {
                eprintln!("push: interrupted; resume from the start (no --cursor)");
            }
            Doing::Nothing => eprintln!("push: interrupted"),
        }
        std::process::exit(INTERRUPTED);
    });
}

/// A write is about to be sent; until the guard is dropped (its answer printed), an
/// interruption exits 4 with `hint`.
pub(crate) fn writing(hint: String) -> Guard {
    set(Doing::Writing(hint));
    Guard
}

/// A listing is under way and would resume at `cursor`.
pub(crate) fn listing(cursor: Option<String>) {
    set(Doing::Listing(cursor));
}

/// Ends the state it was made for.
pub(crate) struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        set(Doing::Nothing);
    }
}
