//! CSV tables of a run: one row per replication and site.

use std::io::Write;

use crate::ReplicationRecord;

/// Why a table could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// Writing CSV failed.
    #[error("cannot write CSV: {source}")]
    Csv {
        /// The writer's error.
        #[from]
        source: csv::Error,
    },
}

/// Writes one row per (replication, site) with every field of [`crate::SiteRecord`].
pub fn write_replication_csv<W: Write>(
    out: W,
    reps: &[ReplicationRecord],
) -> Result<(), RecordError> {
    let mut w = csv::Writer::from_writer(out);
    for s in reps.iter().flat_map(|r| &r.sites) {
        w.serialize(s)?;
    }
    w.flush().map_err(|e| RecordError::Csv { source: e.into() })?;
    Ok(())
}
