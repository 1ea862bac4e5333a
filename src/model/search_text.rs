//! The lower-cased text an incident is searched by, made once per version
//! when the log is replayed and kept only in memory.

use super::Incident;

/// Lower-cased text of every free-text field of an incident.
pub(crate) fn search_text(incident: &Incident) -> String {
    let mut parts: Vec<&str> = vec![
        &incident.title,
        &incident.narrative,
        &incident.location,
        &incident.impact,
        &incident.response,
        &incident.preserved,
        &incident.other_reports,
    ];
    parts.extend(incident.identifiers_seen.iter().map(String::as_str));
    parts.extend(incident.people_present.iter().map(String::as_str));
    parts.extend(incident.tags.iter().map(String::as_str));
    if let Some(police) = &incident.police {
        parts.extend([
            police.force.as_str(),
            &police.reference,
            &police.officer,
            &police.outcome,
        ]);
    }
    if let Some(breach) = &incident.breach {
        parts.push(&breach.condition);
    }
    let mut out = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for part in parts {
        push_lowercase(&mut out, part);
        out.push('\n');
    }
    out
}

/// Appends `text` lower-cased. ASCII text (most entries) takes a byte-wise
/// path several times faster than Unicode case mapping, which matters
/// because every incident is lower-cased on every unlock.
fn push_lowercase(out: &mut String, text: &str) {
    if text.is_ascii() {
        let start = out.len();
        out.push_str(text);
        out[start..].make_ascii_lowercase();
    } else {
        out.push_str(&text.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_lowercases_every_script() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-03-01T10:00:00Z").unwrap();
        let mut inc = Incident::new(at, "Grzegorz BRZĘCZYSZCZYKIEWICZ called");
        inc.title = "Text from FATIMA".into();
        inc.tags = vec!["ΣΟΦΙΑ".into()];
        let hay = search_text(&inc);
        assert!(hay.contains("text from fatima"));
        assert!(hay.contains("brzęczyszczykiewicz called"));
        assert!(hay.contains("σοφια"));
    }
}
