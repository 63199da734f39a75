//! Importing a Zola site (`quire import zola`).

use super::Plan;
use anyhow::Result;
use std::path::Path;

/// Reads the Zola site at `source` and plans the Quire site.
pub fn plan(source: &Path) -> Result<Plan> {
    anyhow::bail!("importing {} from Zola is not built yet", source.display())
}
