//! Your working copy of the workshop.
//!
//! Read chapter 01 of the book (`cargo xtask book`), then run `cargo xtask start 01`: this
//! crate then holds step 01's code with chapter 01's tasks left as `todo!()`s, and
//! `cargo xtask check 01` runs step 01's tests against it.
