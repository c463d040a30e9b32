//! The profile store: the loaded profiles of a session, each with an id, a
//! name (its source) and its time, shared immutably (`Arc`) so that several
//! threads can report on them at once. Ids are never reused: replacing a
//! profile (a `normalize` rebuild) gives it a new id, so nothing cached
//! under the old one can be mistaken for it.
//!
//! Sits after loading and symbolization; reports and front ends read it.

use crate::model::Profile;
use std::sync::Arc;

/// A stored profile's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProfileId(pub u32);

/// A profile in the store.
#[derive(Clone)]
pub struct Stored {
    /// Its id.
    pub id: ProfileId,
    /// Where it came from (file names or URLs, joined by `, `).
    pub name: String,
    /// The profile.
    pub profile: Arc<Profile>,
    /// True for a snapshot of a series: its symbol tables are the series'
    /// union (`model::series::share`), holding entries of other snapshots.
    pub shares_tables: bool,
}

impl Stored {
    /// The profile's `time_nanos` (0 when unknown).
    pub fn time_nanos(&self) -> i64 {
        self.profile.time_nanos
    }
}

/// The loaded profiles, in the order they were added.
#[derive(Default)]
pub struct Store {
    entries: Vec<Stored>,
    next: u32,
}

impl Store {
    /// An empty store.
    pub fn new() -> Store {
        Store::default()
    }

    /// Adds a profile; returns its id.
    pub fn add(&mut self, name: impl Into<String>, profile: Profile) -> ProfileId {
        self.push(name.into(), profile, false)
    }

    /// Adds a snapshot of a series whose tables `model::series::share`
    /// made common; returns its id.
    pub fn add_snapshot(&mut self, name: impl Into<String>, profile: Profile) -> ProfileId {
        self.push(name.into(), profile, true)
    }

    fn push(&mut self, name: String, profile: Profile, shares_tables: bool) -> ProfileId {
        let id = ProfileId(self.next);
        self.next += 1;
        self.entries.push(Stored {
            id,
            name,
            profile: Arc::new(profile),
            shares_tables,
        });
        id
    }

    /// Replaces profile `id` with `profile` under a new id (same place and
    /// name); returns the new id, or `None` when `id` is unknown.
    pub fn replace(&mut self, id: ProfileId, profile: Profile) -> Option<ProfileId> {
        let i = self.entries.iter().position(|e| e.id == id)?;
        let new = ProfileId(self.next);
        self.next += 1;
        self.entries[i] = Stored {
            id: new,
            name: std::mem::take(&mut self.entries[i].name),
            profile: Arc::new(profile),
            shares_tables: self.entries[i].shares_tables,
        };
        Some(new)
    }

    /// The profile with id `id`.
    pub fn get(&self, id: ProfileId) -> Option<&Stored> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// Every stored profile, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Stored> {
        self.entries.iter()
    }

    /// How many profiles are stored.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_not_reused_on_replace() {
        let mut s = Store::new();
        let a = s.add("a.pb.gz", Profile::default());
        let b = s.add("b.pb.gz", Profile::default());
        let a2 = s.replace(a, Profile::default()).unwrap();
        assert_ne!(a2, a);
        assert_ne!(a2, b);
        assert!(s.get(a).is_none());
        assert_eq!(s.get(a2).unwrap().name, "a.pb.gz");
        let order: Vec<ProfileId> = s.iter().map(|e| e.id).collect();
        assert_eq!(order, vec![a2, b]);
    }
}
