//! `person` and `order`: who is involved and the orders that bind them.
//! Both are added and corrected the same way: JSON and flags merged into
//! one object, and a correction merged over the current version with a
//! reason, so nothing recorded earlier is lost.

use anyhow::{Context, Result};
use incident_diary::Diary;
use incident_diary::model::{Id, Order, Person};
use serde_json::{Map, Value, json};

use super::args::{OrderCommand, OrderFlags, PersonCommand, PersonFlags};
use super::input::{merge, parse_date, typed};
use super::output::{entry_json, print_json};
use super::profile::{from_json_and_flags, put, put_list};
use super::{Session, usage};

fn person_flags(f: PersonFlags) -> Map<String, Value> {
    let mut flags = Map::new();
    put(&mut flags, "role", f.role);
    put(&mut flags, "name", f.name);
    put(&mut flags, "relationship", f.relationship);
    put(&mut flags, "description", f.description);
    put_list(&mut flags, "aliases", f.aliases);
    put_list(&mut flags, "identifiers", f.identifiers);
    flags
}

fn order_flags(f: OrderFlags) -> Result<Map<String, Value>> {
    let mut flags = Map::new();
    put(&mut flags, "type", f.kind);
    put(&mut flags, "reference", f.reference);
    put(&mut flags, "court", f.court);
    if let Some(d) = f.made_on {
        flags.insert("made_on".into(), json!(parse_date("made_on", &d)?));
    }
    if let Some(d) = f.expires {
        flags.insert("expires".into(), json!(parse_date("expires", &d)?));
    }
    put_list(&mut flags, "conditions", f.conditions);
    Ok(flags)
}

fn parse_id(what: &str, text: &str) -> Result<Id> {
    text.trim().parse().map_err(|_| {
        usage(format!(
            "{what}: an id is 32 hexadecimal digits (see `{what} list`)"
        ))
    })
}

/// The current version of `current` with the JSON and flags merged over it.
fn amended<T: serde::Serialize + serde::de::DeserializeOwned>(
    current: &T,
    json_source: Option<String>,
    flags: Map<String, Value>,
) -> Result<T> {
    let patch = from_json_and_flags(json_source, flags)?;
    if !patch.is_object() {
        return Err(usage("expected one JSON object"));
    }
    let mut value = serde_json::to_value(current)?;
    merge(&mut value, patch);
    typed(value)
}

fn found<'a, T>(found: Option<&'a T>, what: &'static str, id: Id) -> Result<&'a T> {
    found.ok_or_else(|| {
        anyhow::Error::new(incident_diary::Error::NotFound {
            what,
            key: id.to_hex(),
        })
    })
}

pub fn person(session: &mut Session, cmd: PersonCommand) -> Result<()> {
    match cmd {
        PersonCommand::Add { json, fields } => {
            let person: Person = typed(from_json_and_flags(json, person_flags(fields))?)?;
            person.validate()?;
            let mut diary = session.unlock()?;
            let id = diary
                .add_person(person)
                .context("could not add the person")?;
            say!("added person {id}");
        }
        PersonCommand::Amend {
            person,
            json,
            reason,
            fields,
        } => {
            let id = parse_id("person", &person)?;
            let mut diary = session.unlock()?;
            let current = found(diary.state().person(id), "person", id)?;
            let new: Person = amended(&current.value, json, person_flags(fields))?;
            diary
                .amend_person(id, new, &reason)
                .context("could not correct the person")?;
            say!("person {id} corrected");
        }
        PersonCommand::List { json } => list_people(&session.unlock()?, json)?,
    }
    Ok(())
}

fn list_people(diary: &Diary, json: bool) -> Result<()> {
    let persons = diary.state().persons();
    if json {
        return print_json(&persons.iter().map(entry_json).collect::<Vec<_>>());
    }
    if persons.is_empty() {
        say!("No people recorded.");
    }
    for p in persons {
        let aliases = if p.value.aliases.is_empty() {
            String::new()
        } else {
            format!(" (also {})", p.value.aliases.join(", "))
        };
        say!(
            "{}  {:<11}  {}{aliases}  {}",
            p.id,
            p.value.role.as_str(),
            p.value.name,
            p.value.relationship
        );
        for i in &p.value.identifiers {
            say!("    identifier: {i}");
        }
        corrections(&p.amendments);
    }
    Ok(())
}

fn corrections<T>(amendments: &[incident_diary::state::Amendment<T>]) {
    for a in amendments {
        say!(
            "    corrected {}: {}",
            a.recorded_at.format("%Y-%m-%d %H:%M"),
            a.reason
        );
    }
}

pub fn order(session: &mut Session, cmd: OrderCommand) -> Result<()> {
    match cmd {
        OrderCommand::Add { json, fields } => {
            let order: Order = typed(from_json_and_flags(json, order_flags(fields)?)?)?;
            order.validate()?;
            let mut diary = session.unlock()?;
            let id = diary.add_order(order).context("could not add the order")?;
            say!("added order {id}");
        }
        OrderCommand::Amend {
            order,
            json,
            reason,
            fields,
        } => {
            let id = parse_id("order", &order)?;
            let flags = order_flags(fields)?;
            let mut diary = session.unlock()?;
            let current = found(
                diary.state().orders().iter().find(|o| o.id == id),
                "order",
                id,
            )?;
            let new: Order = amended(&current.value, json, flags)?;
            diary
                .amend_order(id, new, &reason)
                .context("could not correct the order")?;
            say!("order {id} corrected");
        }
        OrderCommand::List { json } => list_orders(&session.unlock()?, json)?,
    }
    Ok(())
}

fn list_orders(diary: &Diary, json: bool) -> Result<()> {
    let orders = diary.state().orders();
    if json {
        return print_json(&orders.iter().map(entry_json).collect::<Vec<_>>());
    }
    if orders.is_empty() {
        say!("No orders recorded.");
    }
    for o in orders {
        let dates = format!(
            "made {} expires {}",
            o.value.made_on.map(|d| d.to_string()).unwrap_or("?".into()),
            o.value.expires.map(|d| d.to_string()).unwrap_or("-".into())
        );
        say!(
            "{}  {}  {}  {dates}",
            o.id,
            o.value.kind.as_str(),
            o.value.reference
        );
        for c in &o.value.conditions {
            say!("    - {c}");
        }
        corrections(&o.amendments);
    }
    Ok(())
}
