//! Examples live as `[[example]]` targets of this package.
//!
//! The README's Rust blocks are compiled as doctests here, so the README cannot drift from the
//! API.
#![doc = include_str!("../../README.md")]

/// The crash-safety guide's Rust blocks, compiled as doctests like the README's.
#[doc = include_str!("../../docs/crash-safety.md")]
pub mod crash_safety_guide {}

/// The reconciliation runbook's Rust blocks, compiled as doctests like the README's.
#[doc = include_str!("../../docs/reconciliation.md")]
pub mod reconciliation_runbook {}

/// The errors guide's Rust blocks, compiled as doctests like the README's.
#[doc = include_str!("../../docs/errors.md")]
pub mod errors_guide {}

/// The testing guide's Rust blocks (a whole `#[tokio::test]` and a whole `#[test]`), compiled
/// and run as doctests.
#[doc = include_str!("../../docs/testing.md")]
pub mod testing_guide {}
