//! 1.14 变更情况: what changed since the last audit.
//!
//! When a record names last year's (`previous`), the name and address changes are computed from
//! the two records, not typed ([`computed`]); the other changes (structure, management, other)
//! are always as the record states them ([`effective`]).

use crate::model::record::{Change, Changes, Record};

/// The name and address changes between two consecutive records: name, registered address,
/// business (audit) address. `None` where nothing changed.
pub fn computed(previous: &Record, current: &Record) -> [Option<Change>; 3] {
    let change = |from: &str, to: &str| {
        (from.trim() != to.trim()).then(|| Change { from: from.trim().to_owned(), to: to.trim().to_owned() })
    };
    [
        change(&previous.client.name, &current.client.name),
        change(&previous.client.registered_address, &current.client.registered_address),
        change(&previous.client.audit_address, &current.client.audit_address),
    ]
}

/// The changes 1.14 reports: as stated, with the name and addresses computed from last year's
/// record when the record names it.
pub fn effective(record: &Record, previous: Option<&Record>) -> Changes {
    let mut changes = record.changes.clone().unwrap_or_default();
    if let Some(previous) = previous {
        [changes.name, changes.registered_address, changes.business_address] = computed(previous, record);
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::markup::Prose;

    #[test]
    fn changes_are_computed_from_two_records() {
        let mut previous = Record::default();
        previous.client.name = "旧名".into();
        previous.client.registered_address = "甲地".into();
        let mut current = previous.clone();
        current.client.registered_address = "乙地".into();
        let [name, registered, business] = computed(&previous, &current);
        assert!(name.is_none() && business.is_none());
        assert_eq!(registered, Some(Change { from: "甲地".into(), to: "乙地".into() }));
    }

    #[test]
    fn computed_changes_replace_the_stated_ones_and_the_rest_is_kept() {
        let previous = Record::default();
        let mut current = previous.clone();
        current.client.name = "新名".into();
        current.changes = Some(Changes {
            registered_address: Some(Change { from: "甲".into(), to: "乙".into() }),
            management: Some(Prose::from("总经理更换")),
            ..Changes::default()
        });
        let changes = effective(&current, Some(&previous));
        assert_eq!(changes.name, Some(Change { from: String::new(), to: "新名".into() }));
        assert_eq!(changes.registered_address, None);
        assert!(changes.management.is_some());
        let stated = effective(&current, None);
        assert_eq!(stated.registered_address, Some(Change { from: "甲".into(), to: "乙".into() }));
    }
}
