//! No code: a dependency of every crate in the workspace that enables, for each shared
//! dependency, the features the workspace as a whole enables.
//!
//! Cargo picks a dependency's features from the packages it is building, so `cargo test -p
//! step01-dynamodb` and `cargo test --workspace` would otherwise compile tokio, hyper and the
//! AWS SDK with different features, each set once: minutes per step on a learner's laptop.
//! With this crate every member resolves the same features and reuses the same build.
//! (Cargo's `resolver.feature-unification = "workspace"` will do this job once it is stable.)
