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

/// Writes one row per (point, replication, site): the point number, one column per sweep
/// axis with the point's value, then every field of [`crate::SiteRecord`].
pub fn write_sweep_csv<W: Write>(
    out: W,
    axes: &[String],
    points: &[(Vec<String>, Vec<ReplicationRecord>)],
) -> Result<(), RecordError> {
    let mut header = vec!["point".to_owned()];
    header.extend(axes.iter().cloned());
    let rows = points.iter().enumerate().flat_map(|(p, (values, reps))| {
        reps.iter().flat_map(|r| &r.sites).map(move |s| {
            let mut keys = vec![p.to_string()];
            keys.extend(values.iter().cloned());
            (keys, s)
        })
    });
    write_keyed_site_csv(out, &header, rows)
}

/// Writes one row per item of `rows`: its key columns (named by `keys`), then every field of
/// its [`crate::SiteRecord`] exactly as in `replications.csv`. Nothing at all, not even the
/// header, when `rows` is empty. A sweep's table is this with the point and the axis values
/// as keys; a shard of a sweep writes its baselines' rows with the baseline's number.
pub fn write_keyed_site_csv<'a, W: Write>(
    out: W,
    keys: &[String],
    rows: impl IntoIterator<Item = (Vec<String>, &'a crate::SiteRecord)>,
) -> Result<(), RecordError> {
    let mut w = csv::Writer::from_writer(out);
    let mut header_written = false;
    for (key, s) in rows {
        // The record's own columns, exactly as in replications.csv.
        let mut one = csv::Writer::from_writer(Vec::new());
        one.serialize(s)?;
        let bytes =
            one.into_inner().map_err(|e| RecordError::Csv { source: e.into_error().into() })?;
        let mut rdr = csv::Reader::from_reader(bytes.as_slice());
        if !header_written {
            let mut header = keys.to_vec();
            header.extend(rdr.headers()?.iter().map(str::to_owned));
            w.write_record(&header)?;
            header_written = true;
        }
        for row in rdr.records() {
            let mut fields = key.clone();
            fields.extend(row?.iter().map(str::to_owned));
            w.write_record(&fields)?;
        }
    }
    w.flush().map_err(|e| RecordError::Csv { source: e.into() })?;
    Ok(())
}

/// Writes every breakdown row of every replication (long format: one row per replication,
/// site, dimension and key).
pub fn write_breakdown_csv<W: Write>(
    out: W,
    reps: &[ReplicationRecord],
) -> Result<(), RecordError> {
    let mut w = csv::Writer::from_writer(out);
    for row in reps.iter().flat_map(|r| &r.breakdown) {
        w.serialize(row)?;
    }
    w.flush().map_err(|e| RecordError::Csv { source: e.into() })?;
    Ok(())
}

/// Writes the Face-ID rows of every replication.
pub fn write_face_csv<W: Write>(out: W, reps: &[ReplicationRecord]) -> Result<(), RecordError> {
    let mut w = csv::Writer::from_writer(out);
    for row in reps.iter().flat_map(|r| &r.face) {
        w.serialize(row)?;
    }
    w.flush().map_err(|e| RecordError::Csv { source: e.into() })?;
    Ok(())
}

/// Writes the back-office rows of every replication.
pub fn write_back_office_csv<W: Write>(
    out: W,
    reps: &[ReplicationRecord],
) -> Result<(), RecordError> {
    write_rows_csv(out, reps.iter().flat_map(|r| &r.back_office))
}

/// Writes any rows (e.g. [`crate::ExpansionRow`], [`crate::SensitivityRow`]) with a header.
pub fn write_rows_csv<'a, W: Write, T: serde::Serialize + 'a>(
    out: W,
    rows: impl IntoIterator<Item = &'a T>,
) -> Result<(), RecordError> {
    let mut w = csv::Writer::from_writer(out);
    for row in rows {
        w.serialize(row)?;
    }
    w.flush().map_err(|e| RecordError::Csv { source: e.into() })?;
    Ok(())
}
