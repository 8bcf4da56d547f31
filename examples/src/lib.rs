//! Examples live as `[[example]]` targets of this package.
//!
//! The README's Rust blocks are compiled as doctests here, so the README cannot drift from the
//! API.
#![doc = include_str!("../../README.md")]
