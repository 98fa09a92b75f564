//! Your working copy of the workshop.
//!
//! Read chapter 01 of the book (`cargo xtask book`), then run `cargo xtask start 02`: this
//! crate then holds step 01's code, and you write chapter 02's there. `cargo xtask check 02`
//! runs step 02's tests against it.
