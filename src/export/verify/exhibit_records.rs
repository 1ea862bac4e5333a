//! Exhibits against the chain (bundle format 2): an exhibit whose record
//! is disclosed must be exactly what that record says, so its hash, size,
//! name, time and incident rest on the hash chain, not only on the
//! bundle's signature.

use std::collections::HashMap;

use crate::export::bundle::{ExportedIncident, ManifestExhibit};
use crate::model::{Event, ExhibitAttached, LogRecord};

/// Whether `exhibit` matches the disclosed record it cites; `None` when
/// it cites none (attached by a format-1 diary).
pub(super) fn matches_record(
    exhibit: &ManifestExhibit,
    records: &HashMap<u64, LogRecord>,
    incidents: &[ExportedIncident],
) -> Option<bool> {
    let seq = exhibit.record?;
    let Some(LogRecord {
        recorded_at,
        event: Event::ExhibitAttach(ExhibitAttached { exhibit: e, .. }),
        ..
    }) = records.get(&seq)
    else {
        return Some(false);
    };
    let number = exhibit
        .label
        .rsplit('/')
        .next()
        .and_then(|n| n.parse::<u32>().ok());
    let incident = incidents
        .iter()
        .find(|i| i.id == e.incident)
        .map(|i| i.number);
    Some(
        *recorded_at == exhibit.attached_at
            && number == Some(e.number)
            && incident == Some(exhibit.incident)
            && hex::encode(e.sha256) == exhibit.sha256
            && e.size == exhibit.size
            && e.original_name == exhibit.original_name
            && e.media_type == exhibit.media_type
            && e.description == exhibit.description,
    )
}
