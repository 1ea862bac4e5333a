//! The log against a model: random sequences of add, amend, withdraw,
//! attach, delete, passphrase change, key rotation and reopen, after each
//! of which the diary (real SQLite files, the real KDF at its cheapest)
//! and a plain in-memory model agree on every entry, every exhibit's bytes
//! and the key epoch. What the diary refuses (amending a withdrawn entry,
//! deleting a deleted file) the model refuses too.

use std::path::Path;

use incident_diary::model::{Id, Incident};
use incident_diary::{Diary, KdfParams, Passphrase, SystemClock};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Add(String),
    /// The entry at this place (modulo how many there are).
    Amend(usize, String),
    Withdraw(usize),
    Attach(usize, Vec<u8>),
    /// The exhibit at this place.
    Delete(usize),
    ChangePassphrase,
    Rotate,
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    let words = "[a-z ]{1,40}";
    prop_oneof![
        4 => words.prop_map(Op::Add),
        3 => (any::<usize>(), words).prop_map(|(i, w)| Op::Amend(i, w)),
        1 => any::<usize>().prop_map(Op::Withdraw),
        3 => (any::<usize>(), proptest::collection::vec(any::<u8>(), 0..3000))
            .prop_map(|(i, b)| Op::Attach(i, b)),
        1 => any::<usize>().prop_map(Op::Delete),
        1 => Just(Op::ChangePassphrase),
        1 => Just(Op::Rotate),
        1 => Just(Op::Reopen),
    ]
}

/// What the diary should hold.
#[derive(Default)]
struct Model {
    /// Narrative, withdrawn, amendments.
    incidents: Vec<(String, bool, usize)>,
    /// The entry's place, the bytes, deleted.
    exhibits: Vec<(usize, Vec<u8>, bool)>,
    passphrase: String,
    epoch: u32,
}

fn at() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339("2026-03-01T10:00:00Z").unwrap()
}

fn ids(diary: &Diary) -> Vec<Id> {
    diary.state().incidents().iter().map(|r| r.id).collect()
}

/// Applies `op` to the diary and the model; whether the diary refused
/// must be what the model expects.
fn step(diary: &mut Option<Diary>, model: &mut Model, op: &Op, dir: &Path, files: &Path) {
    let d = diary.as_mut().expect("open");
    let n = model.incidents.len();
    match op {
        Op::Add(words) => {
            let text = format!("x{words}");
            d.add_incident(Incident::new(at(), &text)).unwrap();
            model.incidents.push((text, false, 0));
        }
        Op::Amend(i, words) if n > 0 => {
            let i = i % n;
            let text = format!("y{words}");
            let done = d.amend_incident(ids(d)[i], Incident::new(at(), &text), "corrected");
            let m = &mut model.incidents[i];
            assert_eq!(done.is_ok(), !m.1, "amend of entry {i}");
            if !m.1 {
                m.0 = text;
                m.2 += 1;
            }
        }
        Op::Withdraw(i) if n > 0 => {
            let i = i % n;
            let done = d.withdraw_incident(ids(d)[i], "made in error");
            assert_eq!(done.is_ok(), !model.incidents[i].1, "withdraw of entry {i}");
            model.incidents[i].1 = true;
        }
        Op::Attach(i, bytes) if n > 0 => {
            let i = i % n;
            let path = files.join(format!("f{}", model.exhibits.len()));
            std::fs::write(&path, bytes).unwrap();
            let done = d.attach(ids(d)[i], &path, "a file");
            assert_eq!(done.is_ok(), !model.incidents[i].1, "attach to entry {i}");
            if done.is_ok() {
                model.exhibits.push((i, bytes.clone(), false));
            }
        }
        Op::Delete(e) if !model.exhibits.is_empty() => {
            let e = e % model.exhibits.len();
            let done = d.delete_exhibit(e as u32 + 1, "not needed");
            assert_eq!(done.is_ok(), !model.exhibits[e].2, "delete of exhibit {e}");
            model.exhibits[e].2 = true;
        }
        Op::ChangePassphrase => {
            model.passphrase = format!("{}a", model.passphrase);
            d.change_passphrase(&Passphrase::new(model.passphrase.clone()), None)
                .unwrap();
        }
        Op::Rotate => {
            model.passphrase = format!("{}r", model.passphrase);
            d.rotate_keys(&Passphrase::new(model.passphrase.clone()), None)
                .unwrap();
            // As the CLI and the app do once the new recovery key is shown.
            d.recovery_key_shown();
            model.epoch += 1;
        }
        Op::Reopen => {
            drop(diary.take());
            let pass = Passphrase::new(model.passphrase.clone());
            *diary = Some(Diary::unlock(dir, &pass, Box::new(SystemClock)).unwrap());
        }
        // Amend, withdraw, attach or delete with nothing to act on.
        _ => {}
    }
}

fn agree(diary: &Diary, model: &Model) {
    let state = diary.state();
    assert_eq!(state.incidents().len(), model.incidents.len());
    for (r, (text, withdrawn, amendments)) in state.incidents().iter().zip(&model.incidents) {
        assert_eq!(&r.current().narrative, text);
        assert_eq!(r.withdrawn.is_some(), *withdrawn);
        assert_eq!(r.amendments(), *amendments);
    }
    assert_eq!(state.exhibits().len(), model.exhibits.len());
    let numbers: Vec<Id> = state.incidents().iter().map(|r| r.id).collect();
    for (n, (e, (owner, bytes, deleted))) in
        state.exhibits().iter().zip(&model.exhibits).enumerate()
    {
        assert_eq!(e.exhibit.incident, numbers[*owner]);
        assert_eq!(e.deleted.is_some(), *deleted);
        let read = diary.exhibit_bytes(n as u32 + 1, 1 << 20);
        if *deleted {
            assert!(read.is_err(), "a deleted exhibit's file opened");
        } else {
            assert_eq!(read.unwrap().as_slice(), bytes.as_slice());
        }
    }
    assert_eq!(diary.key_epoch(), model.epoch);
}

proptest! {
    // Each case creates a vault and may run the KDF several times: a few
    // dozen cases of up to 24 steps keep this under a minute.
    #![proptest_config(ProptestConfig { cases: 24, max_shrink_iters: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_diary_agrees_with_the_model_after_every_step(ops in proptest::collection::vec(op(), 1..24)) {
        crate::util::anchors_in_target();
        let tmp = tempfile::tempdir().unwrap();
        let (dir, files) = (tmp.path().join("vault"), tmp.path().join("files"));
        std::fs::create_dir(&files).unwrap();
        let mut model = Model { passphrase: "p".into(), ..Model::default() };
        let created = Diary::create(&dir, &Passphrase::new("p".into()), KdfParams::cheapest(), Box::new(SystemClock));
        let mut diary = Some(created.unwrap().0);
        for op in &ops {
            step(&mut diary, &mut model, op, &dir, &files);
            agree(diary.as_ref().unwrap(), &model);
        }
        // And once more from the files alone.
        step(&mut diary, &mut model, &Op::Reopen, &dir, &files);
        agree(diary.as_ref().unwrap(), &model);
        diary.unwrap().check().unwrap();
    }
}
