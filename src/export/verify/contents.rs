//! The `contents` layer: what the export holds and what it left out, as the
//! signed manifest states it, checked against the files beside it. An
//! officer handed a bundle of three incidents sees at once that it is
//! three of forty, narrowed to one behaviour, and why the rest are not
//! there. The chain hides what the withheld entries are, so the number in
//! the diary is the diary's word; what is checked is that the parts add up
//! and that the incidents file holds as many as the manifest says.

use super::super::bundle::{IncidentsFile, Manifest, ProfileFile};
use super::{Layer, fail, pass};

pub(super) fn check_contents(
    manifest: &Result<Manifest, String>,
    incidents: &Result<IncidentsFile, String>,
    profile: &Result<ProfileFile, String>,
) -> Layer {
    let name = "contents";
    let (manifest, incidents) = match (manifest, incidents) {
        (Ok(m), Ok(i)) => (m, i),
        (Err(e), _) | (_, Err(e)) => return fail(name, e.clone()),
    };
    let c = &manifest.counts;
    let mut problems = Vec::new();
    if c.incidents != incidents.incidents.len() {
        problems.push(format!(
            "the manifest counts {} incidents, the incidents file holds {}",
            c.incidents,
            incidents.incidents.len()
        ));
    }
    let accounted = c.incidents.checked_add(c.left_out());
    if accounted != Some(c.incidents_in_diary) {
        problems.push(format!(
            "{} exported and {} left out do not make the {} the manifest says the diary holds",
            c.incidents,
            c.left_out(),
            c.incidents_in_diary
        ));
    }
    let filed = manifest
        .exhibits
        .iter()
        .filter(|e| e.file.is_some())
        .count();
    let deleted = manifest
        .exhibits
        .iter()
        .filter(|e| e.deleted.is_some())
        .count();
    if (filed, deleted) != (c.exhibits, c.deleted_exhibits) {
        problems.push(format!(
            "the register lists {filed} exhibit files and {deleted} deleted, the counts say {} and {}",
            c.exhibits, c.deleted_exhibits
        ));
    }
    if !problems.is_empty() {
        return fail(name, super::summarise(&problems));
    }
    pass(name, describe(manifest, profile.as_ref().ok()))
}

/// "3 of 40 incidents in the diary; period ...; only ...; left out: ...".
fn describe(manifest: &Manifest, profile: Option<&ProfileFile>) -> String {
    let c = &manifest.counts;
    let mut parts = vec![format!(
        "{} of {} incidents in the diary ({} pack)",
        c.incidents, c.incidents_in_diary, manifest.pack
    )];
    match (manifest.from, manifest.to) {
        (None, None) => parts.push("whole period".into()),
        (from, to) => parts.push(format!(
            "period {} to {}",
            from.map_or("the start".into(), |d| d.to_string()),
            to.map_or("the end".into(), |d| d.to_string())
        )),
    }
    if let Some(only) = manifest.only.as_ref().filter(|o| !o.is_everything()) {
        let mut said = Vec::new();
        if !only.behaviours.is_empty() {
            let names: Vec<&str> = only.behaviours.iter().map(|b| b.as_str()).collect();
            said.push(format!("behaviour {}", names.join(" or ")));
        }
        if let Some(id) = only.person {
            let named = profile
                .and_then(|p| p.persons.iter().find(|p| p.id == id))
                .map_or_else(|| id.to_hex(), |p| p.person.name.clone());
            said.push(format!("involving {named}"));
        }
        if let Some(words) = only.text.as_deref().filter(|t| !t.trim().is_empty()) {
            said.push(format!(
                "containing the words \"{words}\" (in the entry or a person's name)"
            ));
        }
        parts.push(format!("only {}", said.join(", ")));
    }
    let reasons = [
        (c.outside_period, "outside the period"),
        (c.not_matching, "not matching"),
        (c.withdrawn, "withdrawn"),
        (c.excluded_by_victim, "at the victim's request"),
    ];
    let left: Vec<String> = reasons
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, why)| format!("{n} {why}"))
        .collect();
    if !left.is_empty() {
        parts.push(format!("left out: {}", left.join(", ")));
    }
    parts.push(format!(
        "{} exhibit files, {} deleted",
        c.exhibits, c.deleted_exhibits
    ));
    parts.join("; ")
}
