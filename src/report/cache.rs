//! Memoised aggregation, shared by every front end and thread: the node
//! table, the node-only graph and the flame graph of a view depend only on
//! the stored profile and a few typed options, and are the expensive part
//! of every report on a big profile. Keys are (profile id, typed options), never
//! text. A handful of entries are kept per kind and profile, most recent
//! first (a series of N snapshots keeps each snapshot's aggregates).
//!
//! Building happens outside the lock, so a slow build never blocks a
//! report that hits the cache; two threads missing the same key may both
//! build it (the second result is kept, both are equal).

use super::ViewKey;
use super::flame::{Detail, Layout};
use crate::aggregate::graph::{Graph, Trimmed, ValueOptions};
use crate::aggregate::nodes::NodeTable;
use crate::request::TrimOptions;
use crate::store::ProfileId;
use std::sync::{Arc, Mutex};

/// Entries kept per kind and profile.
const KEEP: usize = 8;
/// Flame graphs kept per profile: one may hold a frame per stack.
const KEEP_FLAMES: usize = 2;

/// A cache key: which profile it belongs to.
trait OfProfile {
    fn profile(&self) -> ProfileId;
}

struct Lru<K, T> {
    entries: Mutex<Vec<(K, Arc<T>)>>,
    /// Entries kept per profile.
    keep: usize,
}

impl<K, T> Lru<K, T> {
    fn new(keep: usize) -> Self {
        Lru {
            entries: Mutex::new(Vec::new()),
            keep,
        }
    }
}

impl<K, T> Default for Lru<K, T> {
    fn default() -> Self {
        Lru::new(KEEP)
    }
}

impl<K: PartialEq + OfProfile, T> Lru<K, T> {
    fn peek(&self, key: &K) -> Option<Arc<T>> {
        let mut e = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let i = e.iter().position(|(k, _)| k == key)?;
        let hit = e.remove(i);
        let v = hit.1.clone();
        e.insert(0, hit);
        Some(v)
    }

    fn get_or(&self, key: K, make: impl FnOnce() -> T) -> Arc<T> {
        if let Some(v) = self.peek(&key) {
            return v;
        }
        let v = Arc::new(make());
        let mut e = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        e.retain(|(k, _)| *k != key);
        let id = key.profile();
        e.insert(0, (key, v.clone()));
        let mut seen = 0;
        e.retain(|(k, _)| {
            if k.profile() != id {
                return true;
            }
            seen += 1;
            seen <= self.keep
        });
        v
    }

    fn forget(&self, keep: impl Fn(&K) -> bool) {
        let mut e = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        e.retain(|(k, _)| keep(k));
    }
}

type TableKey = (ProfileId, ViewKey);
type NodesKey = (ProfileId, ViewKey, ValueOptions);
type TrimmedKey = (ProfileId, ViewKey, ValueOptions, TrimOptions);
/// A flame graph's key: its view, values, root regexp and detail.
type FlameKey = (ProfileId, ViewKey, ValueOptions, Option<String>, Detail);

impl OfProfile for TableKey {
    fn profile(&self) -> ProfileId {
        self.0
    }
}
impl OfProfile for NodesKey {
    fn profile(&self) -> ProfileId {
        self.0
    }
}
impl OfProfile for TrimmedKey {
    fn profile(&self) -> ProfileId {
        self.0
    }
}
impl OfProfile for FlameKey {
    fn profile(&self) -> ProfileId {
        self.0
    }
}

/// The aggregation cache (safe to share between threads).
pub struct Cache {
    tables: Lru<TableKey, NodeTable>,
    nodes: Lru<NodesKey, Graph>,
    trimmed: Lru<TrimmedKey, Trimmed>,
    flames: Lru<FlameKey, Layout>,
}

impl Default for Cache {
    fn default() -> Self {
        Cache {
            tables: Lru::default(),
            nodes: Lru::default(),
            trimmed: Lru::default(),
            flames: Lru::new(KEEP_FLAMES),
        }
    }
}

impl Cache {
    /// The node table of view `key` of profile `id`.
    pub fn table(
        &self,
        id: ProfileId,
        key: &ViewKey,
        make: impl FnOnce() -> NodeTable,
    ) -> Arc<NodeTable> {
        self.tables.get_or((id, key.clone()), make)
    }

    /// The node-only graph of a view.
    pub fn nodes(
        &self,
        id: ProfileId,
        key: &ViewKey,
        vo: ValueOptions,
        make: impl FnOnce() -> Graph,
    ) -> Arc<Graph> {
        self.nodes.get_or((id, key.clone(), vo), make)
    }

    /// A cached trimmed graph, if present.
    pub fn peek_trimmed(
        &self,
        id: ProfileId,
        key: &ViewKey,
        vo: ValueOptions,
        t: TrimOptions,
    ) -> Option<Arc<Trimmed>> {
        self.trimmed.peek(&(id, key.clone(), vo, t))
    }

    /// The trimmed graph of a view.
    pub fn trimmed(
        &self,
        id: ProfileId,
        key: &ViewKey,
        vo: ValueOptions,
        t: TrimOptions,
        make: impl FnOnce() -> Trimmed,
    ) -> Arc<Trimmed> {
        self.trimmed.get_or((id, key.clone(), vo, t), make)
    }

    /// The flame graph of a view rooted at frames matching `root` (a
    /// regexp's text), cut to `detail`.
    pub fn flame(
        &self,
        id: ProfileId,
        key: &ViewKey,
        vo: ValueOptions,
        root: Option<&str>,
        detail: Detail,
        make: impl FnOnce() -> Layout,
    ) -> Arc<Layout> {
        let key = (id, key.clone(), vo, root.map(str::to_string), detail);
        self.flames.get_or(key, make)
    }

    /// Forgets everything about profile `id` (it left the store).
    pub fn forget(&self, id: ProfileId) {
        self.tables.forget(|k| k.0 != id);
        self.nodes.forget(|k| k.0 != id);
        self.trimmed.forget(|k| k.0 != id);
        self.flames.forget(|k| k.0 != id);
    }
}
