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

use super::flame::{Detail, Layout};
use super::{FilterKey, Filtered, ViewKey};
use crate::aggregate::graph::{Graph, Trimmed, ValueOptions};
use crate::aggregate::nodes::NodeTable;
use crate::request::TrimOptions;
use crate::store::ProfileId;
use std::sync::{Arc, Mutex};

/// Entries kept per kind and profile.
const KEEP: usize = 8;
/// Flame graphs kept per profile: one may hold a frame per stack.
const KEEP_FLAMES: usize = 2;
/// Filtered views kept per profile: one holds an index per kept sample.
const KEEP_FILTERED: usize = 4;
/// `list` and `peek` aggregates kept per profile (one per regexp).
const KEEP_SELECTED: usize = 4;

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
        match self.try_get_or(key, || Ok::<T, std::convert::Infallible>(make())) {
            Ok(v) => v,
            Err(never) => match never {},
        }
    }

    /// [`Lru::get_or`] with a build that may fail (nothing is kept then).
    fn try_get_or<E>(&self, key: K, make: impl FnOnce() -> Result<T, E>) -> Result<Arc<T>, E> {
        if let Some(v) = self.peek(&key) {
            return Ok(v);
        }
        let v = Arc::new(make()?);
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
        Ok(v)
    }

    /// Any entry for which `hit` holds.
    fn find(&self, hit: impl Fn(&K, &T) -> bool) -> Option<Arc<T>> {
        let e = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        e.iter().find(|(k, v)| hit(k, v)).map(|(_, v)| v.clone())
    }

    fn forget(&self, keep: impl Fn(&K) -> bool) {
        let mut e = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        e.retain(|(k, _)| keep(k));
    }
}

type FilteredKey = (ProfileId, FilterKey);
type TableKey = (ProfileId, ViewKey);
type NodesKey = (ProfileId, ViewKey, ValueOptions);
type TrimmedKey = (ProfileId, ViewKey, ValueOptions, TrimOptions);
/// `list`'s key: its view, values and regexp.
type ListedKey = (ProfileId, ViewKey, ValueOptions, String);
/// `peek`'s key: its view, values, trimming and regexp.
type PeekedKey = (ProfileId, ViewKey, ValueOptions, TrimOptions, String);
/// A flame graph's key: its view, values, root regexp and detail.
type FlameKey = (ProfileId, ViewKey, ValueOptions, Option<String>, Detail);

impl OfProfile for FilteredKey {
    fn profile(&self) -> ProfileId {
        self.0
    }
}
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
impl OfProfile for ListedKey {
    fn profile(&self) -> ProfileId {
        self.0
    }
}
impl OfProfile for PeekedKey {
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
    filtered: Lru<FilteredKey, Filtered>,
    tables: Lru<TableKey, NodeTable>,
    nodes: Lru<NodesKey, Graph>,
    trimmed: Lru<TrimmedKey, Trimmed>,
    listed: Lru<ListedKey, (NodeTable, Graph)>,
    peeked: Lru<PeekedKey, Trimmed>,
    flames: Lru<FlameKey, Layout>,
}

impl Default for Cache {
    fn default() -> Self {
        Cache {
            filtered: Lru::new(KEEP_FILTERED),
            tables: Lru::default(),
            nodes: Lru::default(),
            trimmed: Lru::default(),
            listed: Lru::new(KEEP_SELECTED),
            peeked: Lru::new(KEEP_SELECTED),
            flames: Lru::new(KEEP_FLAMES),
        }
    }
}

impl Cache {
    /// The filtered view `key` of profile `id`; a failed build (a bad
    /// filter) is not kept.
    pub fn filtered(
        &self,
        id: ProfileId,
        key: &FilterKey,
        make: impl FnOnce() -> crate::Result<Filtered>,
    ) -> crate::Result<Arc<Filtered>> {
        self.filtered.try_get_or((id, key.clone()), make)
    }

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

    /// A cached trimmed graph of the same view, values and fractions that
    /// kept the nodes `kept` (by node id), whatever its order and count.
    pub fn same_cuts(
        &self,
        id: ProfileId,
        key: &ViewKey,
        vo: ValueOptions,
        t: TrimOptions,
        kept: &[bool],
    ) -> Option<Arc<Trimmed>> {
        self.trimmed.find(|k, v| {
            k.0 == id
                && k.1 == *key
                && k.2 == vo
                && k.3.node_fraction == t.node_fraction
                && k.3.edge_fraction == t.edge_fraction
                && v.kept == kept
        })
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

    /// `list`'s node table (the functions matching regexp `symbol`) and
    /// their node-only graph.
    pub fn listed(
        &self,
        id: ProfileId,
        key: &ViewKey,
        vo: ValueOptions,
        symbol: &str,
        make: impl FnOnce() -> (NodeTable, Graph),
    ) -> Arc<(NodeTable, Graph)> {
        self.listed
            .get_or((id, key.clone(), vo, symbol.to_string()), make)
    }

    /// `peek`'s graph: every node, the edges of those matching `symbol`.
    pub fn peeked(
        &self,
        id: ProfileId,
        key: &ViewKey,
        vo: ValueOptions,
        t: TrimOptions,
        symbol: &str,
        make: impl FnOnce() -> Trimmed,
    ) -> Arc<Trimmed> {
        self.peeked
            .get_or((id, key.clone(), vo, t, symbol.to_string()), make)
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
        self.filtered.forget(|k| k.0 != id);
        self.tables.forget(|k| k.0 != id);
        self.nodes.forget(|k| k.0 != id);
        self.trimmed.forget(|k| k.0 != id);
        self.listed.forget(|k| k.0 != id);
        self.peeked.forget(|k| k.0 != id);
        self.flames.forget(|k| k.0 != id);
    }
}

#[cfg(test)]
mod tests {
    //! A repeated report reuses what the first one built: the filtered
    //! view, `list`'s and `peek`'s graphs, and the trimmed graph when only
    //! the order of the same kept nodes changes.
    use super::*;
    use crate::commands::command;
    use crate::config::Config;
    use crate::model::Profile;
    use crate::model::testkit::profile;
    use crate::report::Context;
    use crate::request::{Caller, ReportOptions};

    fn leak() -> Profile {
        profile(&[("samples", "count")])
            .sample(&["bytes.Repeat", "main.Track", "main.main"], &[90])
            .sample(&["main.Track;main.handle", "main.main"], &[5])
            .sample(&["fmt.Sprintf", "main.handle", "main.main"], &[4])
            .sample(&["runtime.malg", "main.main"], &[1])
            .build()
    }

    fn options(name: &str, set: &[(&str, &str)]) -> ReportOptions {
        let mut cfg = Config::default();
        for &(k, v) in set {
            match k {
                "sort" => cfg.put_choice(v),
                _ => cfg.put(k, v),
            }
        }
        ReportOptions::new(&cfg, command(name).unwrap(), Caller::Shell).unwrap()
    }

    fn context<'a>(
        p: &'a Profile,
        cache: &'a Cache,
        opts: &ReportOptions,
        messages: &mut Vec<String>,
    ) -> Context<'a> {
        Context::new(p, ProfileId(0), cache, opts, messages).unwrap()
    }

    #[test]
    fn a_repeated_report_shares_the_filtered_view_and_its_warnings() {
        let (p, cache) = (leak(), Cache::default());
        let opts = options("top", &[("focus", "Track"), ("ignore", "nothing")]);
        let (mut m1, mut m2) = (Vec::new(), Vec::new());
        let a = context(&p, &cache, &opts, &mut m1);
        let b = context(&p, &cache, &opts, &mut m2);
        assert!(Arc::ptr_eq(&a.view.kept(), &b.view.kept()));
        assert_eq!(a.view.samples(), &[0, 1]);
        assert_eq!(m1, ["Ignore expression matched no samples"]);
        assert_eq!(m1, m2, "warnings are repeated with every report");
        assert_eq!((a.total, b.total), (100, 100));
        let other = context(&p, &cache, &options("top", &[]), &mut Vec::new());
        assert_eq!(other.view.samples(), &[0, 1, 2, 3]);
    }

    #[test]
    fn a_bad_filter_is_not_kept_and_its_error_repeats() {
        let (p, cache) = (leak(), Cache::default());
        let opts = options("top", &[("focus", "(")]);
        for _ in 0..2 {
            let e = Context::new(&p, ProfileId(0), &cache, &opts, &mut Vec::new());
            assert!(e.is_err());
        }
    }

    #[test]
    fn list_and_peek_reuse_their_graphs() {
        let (p, cache) = (leak(), Cache::default());
        let re = regex::Regex::new("Track").unwrap();
        let opts = options("peek", &[]);
        let a = context(&p, &cache, &opts, &mut Vec::new());
        let b = context(&p, &cache, &opts, &mut Vec::new());
        assert!(Arc::ptr_eq(&a.cached_listed(&re), &b.cached_listed(&re)));
        let table = a.cached_table();
        let selected: Vec<bool> = table
            .infos
            .iter()
            .map(|i| re.is_match(&i.printable_name()))
            .collect();
        assert!(Arc::ptr_eq(
            &a.cached_peeked(&table, &re, &selected),
            &b.cached_peeked(&table, &re, &selected)
        ));
    }

    /// A node: name, flat, cum, in-edges as (source name, inline).
    type Row = (String, i64, i64, Vec<(String, bool)>);

    /// The nodes in order.
    fn rows(t: &Trimmed) -> Vec<Row> {
        let g = &t.graph;
        g.nodes
            .iter()
            .map(|n| {
                let ins = g
                    .in_edges(n)
                    .map(|e| (t.names[e.src as usize].clone(), e.inline))
                    .collect();
                (t.names[n.id as usize].clone(), n.flat, n.cum, ins)
            })
            .collect()
    }

    #[test]
    fn a_new_order_of_the_same_nodes_resorts_the_cached_graph() {
        let p = leak();
        let (cache, fresh) = (Cache::default(), Cache::default());
        let flat = options("top", &[("nodecount", "0")]);
        let cum = options("top", &[("nodecount", "0"), ("sort", "cum")]);
        let a = context(&p, &cache, &flat, &mut Vec::new());
        let by_flat = a.cached_trimmed(&a.cached_table());
        let b = context(&p, &cache, &cum, &mut Vec::new());
        let table = b.cached_table();
        let t = b.trim_options();
        let key = b.view_key();
        assert!(
            cache
                .same_cuts(ProfileId(0), &key, b.values, t, &by_flat.kept)
                .is_some()
        );
        let resorted = b.cached_trimmed(&table);
        let c = context(&p, &fresh, &cum, &mut Vec::new());
        let built = c.cached_trimmed(&c.cached_table());
        assert_eq!(rows(&resorted), rows(&built));
        assert_eq!(rows(&resorted)[0].0, "main.main");
        assert_eq!(rows(&by_flat)[0].0, "bytes.Repeat");
        // Keeping two nodes is a different cut: that graph is built anew.
        let top2 = options("top", &[("nodecount", "2"), ("sort", "cum")]);
        let d = context(&p, &cache, &top2, &mut Vec::new());
        let sel =
            crate::aggregate::graph::select(&table, d.trim_options(), &d.cached_nodes(&table));
        assert!(
            cache
                .same_cuts(ProfileId(0), &key, d.values, d.trim_options(), &sel.kept)
                .is_none()
        );
    }
}
