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

/// At most this many forms kept at once, and this many bytes in all (the
/// core refuses a side file over 256 KiB): past either, the drafts least
/// recently typed in go first, never the one being saved.
const MAX_SLOTS: usize = 24;
const BUDGET: usize = 240 * 1024;

/// The form being typed is longer than a draft can hold.
#[derive(Debug, PartialEq)]
pub struct TooLong;

/// When a draft was saved, relative to the others (0 for one kept before
/// drafts were counted).
fn order(draft: &Value) -> u64 {
    draft.get("saved").and_then(Value::as_u64).unwrap_or(0)
}

/// What to keep once `draft` is saved over `kept`; `None` when the draft
/// names no form.
pub fn saved(kept: Option<&[u8]>, draft: &Value) -> Result<Option<Vec<u8>>, TooLong> {
    let Some(key) = slot(draft) else {
        return Ok(None);
    };
    let mut all = slots(kept);
    all.remove(&key);
    let next = all.values().map(order).max().unwrap_or(0) + 1;
    let mut draft = draft.clone();
    if let Value::Object(fields) = &mut draft {
        fields.insert("saved".into(), next.into());
    }
    all.insert(key.clone(), draft);
    loop {
        let bytes = serde_json::to_vec(&all).unwrap_or_default();
        if all.len() <= MAX_SLOTS && bytes.len() <= BUDGET {
            return Ok(Some(bytes));
        }
        let oldest = all
            .iter()
            .filter(|(k, _)| **k != key)
            .min_by_key(|(_, v)| order(v))
            .map(|(k, _)| k.clone());
        match oldest {
            Some(k) => all.remove(&k),
            None => return Err(TooLong),
        };
    }
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
        let kept = keep(None, &add);
        let kept = keep(Some(&kept), &amend3);
        let kept = keep(Some(&kept), &amend4);
        assert_eq!(forms(&kept), vec![add.clone(), amend3.clone(), amend4]);
        let newer = json!({"kind": "amend", "number": 3, "values": {"narrative": "xz"}});
        let kept = keep(Some(&kept), &newer);
        assert_eq!(forms(&kept)[1], newer);
        let kept = without(Some(&kept), &json!({"kind": "amend", "number": 4})).unwrap();
        let kept = without(Some(&kept), &json!({"kind": "amend", "number": 3})).unwrap();
        assert_eq!(forms(&kept), vec![add]);
        assert_eq!(without(Some(&kept), &json!({"kind": "add"})), None);
    }

    #[test]
    fn a_draft_kept_before_slots_is_read_and_nonsense_is_none() {
        let old = serde_json::to_vec(&json!({"kind": "add", "values": {}})).unwrap();
        assert_eq!(listed(Some(&old)).len(), 1);
        assert!(listed(Some(b"not json")).is_empty());
        assert!(listed(Some(br#"{"add": {"kind": "amend", "number": 1}}"#)).is_empty());
        assert_eq!(saved(None, &json!({"kind": "other"})), Ok(None));
        let risk = json!({"kind": "risk", "values": {"very_frightened": "yes"}});
        let kept = keep(Some(&old), &risk);
        assert_eq!(
            listed(Some(&kept)).len(),
            2,
            "a risk check beside the entry"
        );
        let person = json!({"kind": "person", "id": "new", "values": {"name": "M"}});
        let order = json!({"kind": "order", "id": "ab".repeat(16), "values": {}});
        let kept = keep(Some(&kept), &person);
        let kept = keep(Some(&kept), &order);
        assert_eq!(listed(Some(&kept)).len(), 4);
        assert_eq!(
            saved(None, &json!({"kind": "person", "id": "../x"})),
            Ok(None)
        );
    }

    /// Dozens of amendments started and left: the oldest go, the side
    /// file stays under the core's limit, and the form being typed is
    /// never the one dropped.
    #[test]
    fn stale_drafts_make_room_and_the_one_typed_stays() {
        let long = "x".repeat(20 * 1024);
        let mut kept = keep(
            None,
            &json!({"kind": "add", "values": {"narrative": "first"}}),
        );
        for n in 1..=40u64 {
            let amend = json!({"kind": "amend", "number": n, "values": {"narrative": long}});
            kept = keep(Some(&kept), &amend);
            assert!(kept.len() <= BUDGET, "{} bytes", kept.len());
            let numbers: Vec<u64> = listed(Some(&kept))
                .iter()
                .filter_map(|d| d.get("number").and_then(Value::as_u64))
                .collect();
            assert!(numbers.contains(&n), "the draft being typed was dropped");
        }
        let left = listed(Some(&kept));
        assert!(left.len() < 15, "{} drafts", left.len());
        assert!(
            left.iter().all(|d| d["kind"] != "add"),
            "the oldest (the entry) went first"
        );
        assert!(left.iter().any(|d| d["number"] == 40));
        // Many small ones: at most MAX_SLOTS.
        let mut kept = Vec::new();
        for n in 0..100u64 {
            kept = keep(
                Some(&kept),
                &json!({"kind": "amend", "number": n, "values": {}}),
            );
        }
        assert_eq!(listed(Some(&kept)).len(), MAX_SLOTS);
        // One form longer than a draft can hold is said to be, not cut.
        let huge = json!({"kind": "add", "values": {"narrative": "y".repeat(BUDGET)}});
        assert_eq!(saved(Some(&kept), &huge), Err(TooLong));
    }

    fn keep(kept: Option<&[u8]>, draft: &Value) -> Vec<u8> {
        saved(kept, draft).unwrap().unwrap()
    }

    /// The drafts kept, without the order they were saved in.
    fn forms(kept: &[u8]) -> Vec<Value> {
        listed(Some(kept))
            .into_iter()
            .map(|mut d| {
                d.as_object_mut().unwrap().remove("saved");
                d
            })
            .collect()
    }
}
