//! Node identity: which graph node each frame of the (filtered) profile
//! belongs to, for a granularity. This is pprof's `Aggregate` plus
//! `CreateNodes`, computed as a lookup table instead of rewriting the
//! profile: `frame_nodes[loc]` lists the node of each of the location's
//! frames (innermost first), or one node for a location without frames.
//!
//! Input: a [`View`]; output: a [`NodeTable`]. Knows nothing about values.

use crate::config::Granularity;
use crate::filter::View;
use crate::model::merge::FastMap;
use crate::model::{FunctionId, LocationId, MappingId, NONE, StrId};

/// What identifies a node; printed as its name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct NodeInfo {
    pub name: String,
    pub orig_name: String,
    pub address: u64,
    pub file: String,
    pub start_line: i64,
    pub line: i64,
    pub objfile: String,
}

impl NodeInfo {
    /// The components of the printable name (address, name, file:line or
    /// file, or `[binary]`, or `<unknown>`).
    pub fn name_components(&self) -> Vec<String> {
        let mut v = Vec::new();
        if self.address != 0 {
            v.push(format!("{:016x}", self.address));
        }
        if !self.name.is_empty() {
            v.push(self.name.clone());
        }
        if self.line != 0 {
            v.push(format!("{}:{}", self.file, self.line));
        } else if !self.file.is_empty() {
            v.push(self.file.clone());
        } else if !self.name.is_empty() {
        } else if !self.objfile.is_empty() {
            v.push(format!("[{}]", basename(&self.objfile)));
        } else {
            v.push("<unknown>".to_string());
        }
        v
    }

    /// The printable name: components joined by spaces.
    pub fn printable_name(&self) -> String {
        self.name_components().join(" ")
    }

    /// Go's `fmt.Sprint` of the NodeInfo struct, the last-resort sort key.
    pub fn go_repr(&self) -> String {
        format!(
            "{{{} {} {} {} {} {} {}}}",
            self.name,
            self.orig_name,
            self.address,
            self.file,
            self.start_line,
            self.line,
            self.objfile
        )
    }
}

pub use crate::model::basename;

/// Go's `filepath.Clean` for slash-separated paths.
pub fn clean_path(p: &str) -> String {
    if p.is_empty() {
        return ".".to_string();
    }
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            x => out.push(x),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// pprof's `trimPath`: the display form of a source file name.
pub fn trim_path(path: &str, trim: &str, search: &str) -> String {
    if trim.is_empty() {
        for dir in search.split(':').filter(|d| !d.is_empty()) {
            let want = format!("/{}/", basename(dir));
            if let Some(i) = path.find(&want) {
                return path[i + want.len()..].to_string();
            }
        }
    }
    let mut prefixes: Vec<String> = trim
        .split(':')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    prefixes.push("/proc/self/cwd/./".into());
    prefixes.push("/proc/self/cwd/".into());
    for mut t in prefixes {
        if !t.ends_with('/') {
            t.push('/');
        }
        if let Some(rest) = path.strip_prefix(&t) {
            return rest.to_string();
        }
    }
    path.to_string()
}

/// Options that decide node identity.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NodeOptions {
    pub granularity: Granularity,
    pub noinlines: bool,
    /// Keep object file names and start lines (raw, list, weblist, disasm,
    /// callgrind).
    pub obj_names: bool,
    pub trim_path: String,
    pub source_path: String,
    /// Apply the `trim_path`/`source_path` display trimming to file names
    /// (pprof does it for every graph report, but not for `traces`).
    pub trim_files: bool,
}

/// The node of every frame.
pub struct NodeTable {
    pub infos: Vec<NodeInfo>,
    /// `frame_nodes[frame_start[loc]..frame_start[loc+1]]`: nodes of the
    /// location's frames, innermost first (after `noinlines`); [`NONE`]
    /// only in tables from [`NodeTable::build_selected`].
    pub frame_start: Vec<u32>,
    pub frame_nodes: Vec<u32>,
}

impl NodeTable {
    /// Nodes of a location's frames, innermost first.
    pub fn frames(&self, loc: LocationId) -> &[u32] {
        let i = loc.index();
        &self.frame_nodes[self.frame_start[i] as usize..self.frame_start[i + 1] as usize]
    }

    /// Builds the table for every location of the view.
    pub fn build(view: &View, o: &NodeOptions) -> NodeTable {
        Self::build_selected(view, o, None)
    }

    /// [`NodeTable::build`] restricted to the frames whose node name (the
    /// function name, `""` without one) satisfies `select`; the other
    /// frames map to [`NONE`] and get no node. `select` is asked once per
    /// function. Cheap when few functions are wanted (`list`).
    pub fn build_selected(
        view: &View,
        o: &NodeOptions,
        mut select: Option<&mut dyn FnMut(&str) -> bool>,
    ) -> NodeTable {
        let p = view.profile();
        // Per function index (and last, for frames without one): 0 = not
        // asked yet, 1 = selected, 2 = not.
        let mut chosen = vec![
            0u8;
            if select.is_some() {
                p.functions.len() + 1
            } else {
                0
            }
        ];
        let mut selected = |f: FunctionId| -> bool {
            let Some(sel) = select.as_mut() else {
                return true;
            };
            let i = if f.is_some() {
                f.index()
            } else {
                p.functions.len()
            };
            if chosen[i] == 0 {
                let name = if !f.is_some() {
                    ""
                } else {
                    p.str(p.functions[i].name)
                };
                chosen[i] = if sel(name) { 1 } else { 2 };
            }
            chosen[i] == 1
        };
        let (keep_fn, keep_file, keep_line, keep_addr) = match o.granularity {
            Granularity::Addresses => (true, true, true, true),
            Granularity::Lines => (true, true, true, false),
            Granularity::Files => (false, true, false, false),
            Granularity::Functions => (true, false, false, false),
            Granularity::FileFunctions => (true, true, false, false),
        };
        // Display file name of every function, computed once.
        let mut file_cache: FastMap<StrId, String> = FastMap::default();
        // Node of each (function, kept line, kept address, mapping): frames
        // that repeat these ids reuse the node without building its strings.
        let mut by_ids: FastMap<(FunctionId, i64, u64, MappingId), u32> = FastMap::default();
        let mut index: FastMap<NodeInfo, u32> = FastMap::default();
        let mut infos = Vec::new();
        let mut frame_start = Vec::with_capacity(view.num_locations() + 1);
        let mut frame_nodes = Vec::with_capacity(view.num_locations());
        frame_start.push(0);
        for loc in 0..view.num_locations() as u32 {
            let l = view.location(LocationId(loc));
            let mut lines = view.lines(LocationId(loc));
            if o.noinlines && lines.len() > 1 {
                lines = &lines[lines.len() - 1..];
            }
            let objfile = if l.mapping != MappingId::NONE {
                p.str(p.mappings[l.mapping.index()].file)
            } else {
                ""
            };
            let address = if keep_addr { l.address } else { 0 };
            let mut intern = |info: NodeInfo| {
                let next = infos.len() as u32;
                *index.entry(info).or_insert_with_key(|k| {
                    infos.push(k.clone());
                    next
                })
            };
            if lines.is_empty() {
                let id = if selected(FunctionId::NONE) {
                    intern(NodeInfo {
                        address,
                        objfile: objfile.to_string(),
                        ..Default::default()
                    })
                } else {
                    NONE
                };
                frame_nodes.push(id);
            }
            for ln in lines {
                if !selected(ln.function) {
                    frame_nodes.push(NONE);
                    continue;
                }
                if ln.function == FunctionId::NONE {
                    frame_nodes.push(intern(NodeInfo {
                        address,
                        objfile: objfile.to_string(),
                        ..Default::default()
                    }));
                    continue;
                }
                let line = if keep_line { ln.line } else { 0 };
                let key = (ln.function, line, address, l.mapping);
                if let Some(&id) = by_ids.get(&key) {
                    frame_nodes.push(id);
                    continue;
                }
                let f = &p.functions[ln.function.index()];
                let mut info = NodeInfo {
                    address,
                    ..Default::default()
                };
                if keep_fn {
                    info.name = p.str(f.name).to_string();
                }
                info.line = line;
                if keep_file && f.filename != StrId::EMPTY {
                    info.file = file_cache
                        .entry(f.filename)
                        .or_insert_with(|| {
                            let name = p.str(f.filename);
                            if o.trim_files {
                                clean_path(&trim_path(name, &o.trim_path, &o.source_path))
                            } else {
                                clean_path(name)
                            }
                        })
                        .clone();
                }
                if o.obj_names || info.name.is_empty() {
                    info.objfile = objfile.to_string();
                    info.start_line = f.start_line;
                }
                let id = intern(info);
                by_ids.insert(key, id);
                frame_nodes.push(id);
            }
            frame_start.push(frame_nodes.len() as u32);
        }
        NodeTable {
            infos,
            frame_start,
            frame_nodes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(clean_path("a//b/./c/../d"), "a/b/d");
        assert_eq!(clean_path("/../x"), "/x");
        assert_eq!(
            trim_path("/go/src/example.com/prog/main.go", "", "/x/y/prog"),
            "main.go"
        );
        assert_eq!(
            trim_path("example.com/prog/main.go", "example.com", ""),
            "prog/main.go"
        );
        assert_eq!(basename("/usr/bin/app"), "app");
    }

    #[test]
    fn printable_names() {
        let n = NodeInfo {
            name: "main.f".into(),
            file: "m.go".into(),
            line: 3,
            ..Default::default()
        };
        assert_eq!(n.printable_name(), "main.f m.go:3");
        let u = NodeInfo {
            objfile: "/bin/app".into(),
            ..Default::default()
        };
        assert_eq!(u.printable_name(), "[app]");
        assert_eq!(NodeInfo::default().printable_name(), "<unknown>");
    }
}
