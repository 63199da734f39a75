//! Quire: a static documentation-site generator with a built-in glossary.
//!
//! The pipeline runs one way, one module per stage:
//! [`config`] → [`content`] → [`markdown`] (+ [`glossary`]) → [`site::Site`] →
//! [`render`] → [`output`]. [`build`] strings the stages together; the dev
//! server reuses it rather than having a renderer of its own.

#![warn(missing_docs)]

pub mod build;
pub mod cache;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod glossary;
pub mod import;
pub mod markdown;
pub mod output;
pub mod publish;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod site;

pub use build::{BuildOptions, BuildReport, build, check};
pub use diagnostics::{BuildError, Diagnostic};
pub use site::Site;
