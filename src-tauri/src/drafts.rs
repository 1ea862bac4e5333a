//! Drafts, one per form: the new entry being added, each entry being
//! amended, the risk check being answered, and each person or order being
//! added or corrected. The page sends the form it is following (`{"kind": "add"}` or
//! `{"kind": "amend", "number": N}` with its values); they are kept
//! together, sealed, as one JSON object by slot, so starting to amend one
//! entry never overwrites an entry half-added, or another amendment.

use serde_json::{Map, Value};

/// The slot a draft belongs in: `add`, or `amend:N`.
fn slot(draft: &Value) -> Option<String> {
    match draft.get("kind")?.as_str()? {
        "add" => Some("add".into()),
        "risk" => Some("risk".into()),
        kind @ ("person" | "order") => {
            let id = draft.get("id")?.as_str()?;
            let fits = id == "new" || (id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()));
            fits.then(|| format!("{kind}:{id}"))
        }
        "amend" => Some(format!("amend:{}", draft.get("number")?.as_u64()?)),
        _ => None,
    }
}

/// The drafts kept, by slot. A single draft as kept before there were
/// slots is read into its slot; anything else that is not JSON is none.
fn slots(kept: Option<&[u8]>) -> Map<String, Value> {
    let Some(value) = kept.and_then(|b| serde_json::from_slice::<Value>(b).ok()) else {
        return Map::new();
    };
    if let Some(key) = slot(&value) {
        return Map::from_iter([(key, value)]);
    }
    match value {
        Value::Object(map) => map
            .into_iter()
            .filter(|(k, v)| slot(v).as_ref() == Some(k))
            .collect(),
        _ => Map::new(),
    }
}

/// What to keep once `draft` is saved over `kept`; `None` when the draft
/// names no form.
pub fn saved(kept: Option<&[u8]>, draft: &Value) -> Option<Vec<u8>> {
    let key = slot(draft)?;
    let mut all = slots(kept);
    all.insert(key, draft.clone());
    Some(serde_json::to_vec(&all).unwrap_or_default())
}

/// Every draft kept: the new entry, the amendments, the risk check.
pub fn listed(kept: Option<&[u8]>) -> Vec<Value> {
    slots(kept).into_iter().map(|(_, v)| v).collect()
}

/// What to keep once the draft of `which` goes (saved, or thrown away);
/// `None` when nothing is left.
pub fn without(kept: Option<&[u8]>, which: &Value) -> Option<Vec<u8>> {
    let mut all = slots(kept);
    if let Some(key) = slot(which) {
        all.remove(&key);
    }
    (!all.is_empty()).then(|| serde_json::to_vec(&all).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_amendment_never_overwrites_an_entry_half_added() {
        let add = json!({"kind": "add", "values": {"narrative": "He was at the gate"}});
        let amend3 = json!({"kind": "amend", "number": 3, "values": {"narrative": "x"}});
        let amend4 = json!({"kind": "amend", "number": 4, "values": {"narrative": "y"}});
        let kept = saved(None, &add).unwrap();
        let kept = saved(Some(&kept), &amend3).unwrap();
        let kept = saved(Some(&kept), &amend4).unwrap();
        assert_eq!(
            listed(Some(&kept)),
            vec![add.clone(), amend3.clone(), amend4]
        );
        let newer = json!({"kind": "amend", "number": 3, "values": {"narrative": "xz"}});
        let kept = saved(Some(&kept), &newer).unwrap();
        assert_eq!(listed(Some(&kept))[1], newer);
        let kept = without(Some(&kept), &json!({"kind": "amend", "number": 4})).unwrap();
        let kept = without(Some(&kept), &json!({"kind": "amend", "number": 3})).unwrap();
        assert_eq!(listed(Some(&kept)), vec![add]);
        assert_eq!(without(Some(&kept), &json!({"kind": "add"})), None);
    }

    #[test]
    fn a_draft_kept_before_slots_is_read_and_nonsense_is_none() {
        let old = serde_json::to_vec(&json!({"kind": "add", "values": {}})).unwrap();
        assert_eq!(listed(Some(&old)).len(), 1);
        assert!(listed(Some(b"not json")).is_empty());
        assert!(listed(Some(br#"{"add": {"kind": "amend", "number": 1}}"#)).is_empty());
        assert_eq!(saved(None, &json!({"kind": "other"})), None);
        let risk = json!({"kind": "risk", "values": {"very_frightened": "yes"}});
        let kept = saved(Some(&old), &risk).unwrap();
        assert_eq!(
            listed(Some(&kept)).len(),
            2,
            "a risk check beside the entry"
        );
        let person = json!({"kind": "person", "id": "new", "values": {"name": "M"}});
        let order = json!({"kind": "order", "id": "ab".repeat(16), "values": {}});
        let kept = saved(Some(&kept), &person).unwrap();
        let kept = saved(Some(&kept), &order).unwrap();
        assert_eq!(listed(Some(&kept)).len(), 4);
        assert_eq!(saved(None, &json!({"kind": "person", "id": "../x"})), None);
    }
}
