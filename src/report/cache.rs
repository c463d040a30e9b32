//! Memoised aggregation for a session: the node table and the node-only
//! graph of a view depend only on the profile and a few options, and are
//! the expensive part of every report on a big profile. Keys are built from
//! the options that decide them; the session clears the cache when its
//! profile changes. A handful of entries are kept, most recent first.

use crate::aggregate::graph::{Graph, Trimmed};
use crate::aggregate::nodes::NodeTable;
use std::sync::Arc;

/// Entries kept per kind.
const KEEP: usize = 4;

struct Lru<T> {
    entries: Vec<(String, Arc<T>)>,
}

impl<T> Default for Lru<T> {
    fn default() -> Self {
        Lru {
            entries: Vec::new(),
        }
    }
}

impl<T> Lru<T> {
    fn get_or(&mut self, key: String, make: impl FnOnce() -> T) -> Arc<T> {
        if let Some(i) = self.entries.iter().position(|(k, _)| *k == key) {
            let e = self.entries.remove(i);
            self.entries.insert(0, e);
            return self.entries[0].1.clone();
        }
        let v = Arc::new(make());
        self.entries.insert(0, (key, v.clone()));
        self.entries.truncate(KEEP);
        v
    }
}

/// The session's aggregation cache.
#[derive(Default)]
pub struct Cache {
    tables: Lru<NodeTable>,
    nodes: Lru<Graph>,
    trimmed: Lru<Trimmed>,
}

impl Cache {
    /// The node table for `key`, built by `make` when missing.
    pub fn table(&mut self, key: String, make: impl FnOnce() -> NodeTable) -> Arc<NodeTable> {
        self.tables.get_or(key, make)
    }

    /// The node-only graph for `key`.
    pub fn nodes(&mut self, key: String, make: impl FnOnce() -> Graph) -> Arc<Graph> {
        self.nodes.get_or(key, make)
    }

    /// A cached trimmed graph, if present.
    pub fn peek_trimmed(&mut self, key: &str) -> Option<Arc<Trimmed>> {
        let i = self.trimmed.entries.iter().position(|(k, _)| k == key)?;
        Some(self.trimmed.entries[i].1.clone())
    }

    /// A trimmed graph for `key`.
    pub fn trimmed(&mut self, key: String, make: impl FnOnce() -> Trimmed) -> Arc<Trimmed> {
        self.trimmed.get_or(key, make)
    }

    /// Forgets everything (the profile changed).
    pub fn clear(&mut self) {
        *self = Cache::default();
    }
}
