//! Importing an mdBook book (`quire import mdbook`).

use super::Plan;
use anyhow::Result;
use std::path::Path;

/// Reads the mdBook book at `source` and plans the Quire site.
pub fn plan(source: &Path) -> Result<Plan> {
    anyhow::bail!("importing {} from mdBook is not built yet", source.display())
}
