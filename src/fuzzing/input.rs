//! What the owner types or pastes: JSON input and RFC 7386 merge patches.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::model::{CaseProfile, Incident, Order, Person, RiskCheck, ValidationError};

/// What the CLI's `--json` and the app's forms give: read, checked, and
/// when valid written and read back to the same value.
pub fn json_input(data: &[u8]) {
    fn round_trip<T>(data: &[u8], validate: fn(&T) -> Result<(), ValidationError>)
    where
        T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
    {
        let Ok(value) = serde_json::from_slice::<T>(data) else {
            return;
        };
        if validate(&value).is_err() {
            return;
        }
        let written = serde_json::to_vec(&value).expect("a valid value always writes");
        let back: T = serde_json::from_slice(&written).expect("what was written reads back");
        assert_eq!(back, value);
    }
    round_trip::<Incident>(data, Incident::validate);
    round_trip::<Person>(data, Person::validate);
    round_trip::<Order>(data, Order::validate);
    round_trip::<CaseProfile>(data, CaseProfile::validate);
    round_trip::<RiskCheck>(data, RiskCheck::validate);
}

/// RFC 7386 on `[base, patch]`: applying a patch twice changes nothing
/// more, a patch that is not an object replaces, and no `null` of a patch
/// object is ever kept.
pub fn merge_patch(data: &[u8]) {
    let Ok(Value::Array(pair)) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let [base, patch] = <[Value; 2]>::try_from(pair).unwrap_or([Value::Null, Value::Null]);
    let mut once = base;
    crate::merge_patch::merge(&mut once, patch.clone());
    if !patch.is_object() {
        assert_eq!(once, patch);
        return;
    }
    let mut twice = once.clone();
    crate::merge_patch::merge(&mut twice, patch.clone());
    assert_eq!(once, twice, "a merge patch is idempotent");
    fn nulls_gone(result: &Value, patch: &Value) {
        if let (Value::Object(r), Value::Object(p)) = (result, patch) {
            for (key, value) in p {
                match value {
                    Value::Null => assert!(!r.contains_key(key), "{key} kept as null"),
                    Value::Object(_) => nulls_gone(&r[key], value),
                    _ => assert_eq!(&r[key], value),
                }
            }
        }
    }
    nulls_gone(&once, &patch);
}
