//! Filters: focus/ignore/hide/show, show_from, tag filters, tagshow/taghide
//! and prune_from, applied in pprof's order to produce a [`View`] — a
//! description of which samples, frames and label keys remain, over the
//! immutable profile. Nothing is copied but the small location/line tables
//! when a filter edits frames.
//!
//! Sits between the model and `aggregate`. Warnings ("Focus expression
//! matched no samples") are returned, not printed.

pub mod regexp;
pub mod tagroot;
pub mod tags;

use crate::model::prune::simplify_func;
use crate::model::{FunctionId, Line, Location, LocationId, MappingId, Profile};
use crate::request::FilterSpec;
use ::regex::Regex;
use std::sync::Arc;

/// The profile a [`View`] reads: the stored one, or one derived from it
/// (label frames added) and shared with the cache.
#[derive(Clone)]
pub enum Source<'a> {
    /// The stored profile.
    Borrowed(&'a Profile),
    /// A derived profile.
    Shared(Arc<Profile>),
}

impl std::ops::Deref for Source<'_> {
    type Target = Profile;
    fn deref(&self) -> &Profile {
        match self {
            Source::Borrowed(p) => p,
            Source::Shared(p) => p,
        }
    }
}

/// What the filters kept of a profile: everything in a [`View`] but the
/// profile itself. Shared between views of the same filters (the report
/// cache keeps it); a filter edits its own copy.
#[derive(Clone)]
pub struct Kept {
    /// Location table with edited frame ranges (`None`: the profile's).
    locations: Option<Vec<Location>>,
    /// Frame table, the profile's plus edited frame lists.
    lines: Option<Vec<Line>>,
    /// Locations removed from every sample (hide/show left no frames).
    removed: Option<Vec<bool>>,
    /// Indices of the kept samples, in profile order.
    samples: Vec<u32>,
    /// Per kept sample, the kept sub-range of its locations.
    ranges: Option<Vec<(u32, u32)>>,
    /// Per string id: whether a label key is still shown (tagshow/taghide).
    label_keys: Option<Vec<bool>>,
}

/// A filtered view of a profile: cheap to clone.
#[derive(Clone)]
pub struct View<'a> {
    profile: Source<'a>,
    kept: Arc<Kept>,
}

impl<'a> View<'a> {
    /// Everything, unfiltered.
    pub fn all(profile: Source<'a>) -> View<'a> {
        let n = profile.samples.len() as u32;
        View {
            profile,
            kept: Arc::new(Kept {
                locations: None,
                lines: None,
                removed: None,
                samples: (0..n).collect(),
                ranges: None,
                label_keys: None,
            }),
        }
    }

    /// A view of `profile` keeping what `kept` (taken from a view of the
    /// same profile with [`View::kept`]) says.
    pub fn with_kept(profile: Source<'a>, kept: Arc<Kept>) -> View<'a> {
        View { profile, kept }
    }

    /// What this view keeps, to share with [`View::with_kept`].
    pub fn kept(&self) -> Arc<Kept> {
        self.kept.clone()
    }

    /// The source profile (to share with [`View::with_kept`]).
    pub fn source(&self) -> &Source<'a> {
        &self.profile
    }

    /// Indices of the kept samples in the profile, in profile order.
    pub fn samples(&self) -> &[u32] {
        &self.kept.samples
    }

    fn kept_mut(&mut self) -> &mut Kept {
        Arc::make_mut(&mut self.kept)
    }

    /// The underlying profile.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// Number of locations.
    pub fn num_locations(&self) -> usize {
        self.profile.locations.len()
    }

    /// A location (with its possibly edited frame range).
    pub fn location(&self, loc: LocationId) -> &Location {
        match &self.kept.locations {
            Some(v) => &v[loc.index()],
            None => &self.profile.locations[loc.index()],
        }
    }

    /// The frames of a location, innermost first.
    pub fn lines(&self, loc: LocationId) -> &[Line] {
        let r = self.location(loc).line_range();
        match &self.kept.lines {
            Some(v) => &v[r],
            None => &self.profile.lines[r],
        }
    }

    /// True when hide/show removed the location from every sample.
    pub fn is_removed(&self, loc: LocationId) -> bool {
        self.kept.removed.as_ref().is_some_and(|r| r[loc.index()])
    }

    /// The locations of the `k`-th kept sample, leaf first.
    pub fn sample_locs(&self, k: usize) -> impl DoubleEndedIterator<Item = LocationId> + '_ {
        let s = self.kept.samples[k] as usize;
        let all = self.profile.samples.locs(s);
        let slice = match &self.kept.ranges {
            Some(r) => &all[r[k].0 as usize..r[k].1 as usize],
            None => all,
        };
        slice.iter().copied().filter(move |&l| !self.is_removed(l))
    }

    /// The values of the `k`-th kept sample.
    pub fn sample_values(&self, k: usize) -> &[i64] {
        self.profile.values(self.kept.samples[k] as usize)
    }

    /// The labels of the `k`-th kept sample that tagshow/taghide keep.
    pub fn sample_labels(&self, k: usize) -> impl Iterator<Item = &crate::model::Label> + '_ {
        let s = self.kept.samples[k] as usize;
        self.profile.samples.labels(s).iter().filter(move |l| {
            self.kept
                .label_keys
                .as_ref()
                .is_none_or(|keys| keys[l.key.index()])
        })
    }

    fn edit_tables(&mut self) -> (&mut Vec<Location>, &mut Vec<Line>) {
        let profile = &*self.profile;
        let kept = Arc::make_mut(&mut self.kept);
        let locations = kept
            .locations
            .get_or_insert_with(|| profile.locations.to_vec());
        let lines = kept.lines.get_or_insert_with(|| profile.lines.to_vec());
        (locations, lines)
    }

    /// Replaces a location's frames by `new` (a subset of its frames).
    fn set_lines(&mut self, loc: LocationId, new: Vec<Line>) {
        let (locs, lines) = self.edit_tables();
        let l = &mut locs[loc.index()];
        if new.as_slice() == &lines[l.line_range()] {
            return;
        }
        l.lines_start = lines.len() as u32;
        l.lines_len = new.len() as u32;
        lines.extend(new);
    }

    fn retain_samples(&mut self, mut keep: impl FnMut(&Self, usize) -> Option<(u32, u32)>) {
        let n = self.kept.samples.len();
        let mut samples = Vec::with_capacity(n);
        let mut ranges = Vec::with_capacity(n);
        for k in 0..n {
            if let Some(r) = keep(self, k) {
                samples.push(self.kept.samples[k]);
                ranges.push(r);
            }
        }
        let kept = self.kept_mut();
        kept.samples = samples;
        kept.ranges = Some(ranges);
    }

    fn range(&self, k: usize) -> (u32, u32) {
        match &self.kept.ranges {
            Some(r) => r[k],
            None => (
                0,
                self.profile
                    .samples
                    .locs(self.kept.samples[k] as usize)
                    .len() as u32,
            ),
        }
    }
}

/// True when a location matches `re` by frame function name, file name, or
/// its mapping's file.
fn loc_matches(view: &View, loc: LocationId, re: &Regex) -> bool {
    let p = view.profile();
    view.lines(loc).iter().any(|ln| {
        ln.function != FunctionId::NONE && {
            let f = &p.functions[ln.function.index()];
            re.is_match(p.str(f.name)) || re.is_match(p.str(f.filename))
        }
    }) || mapping_matches(view, loc, re)
}

fn mapping_matches(view: &View, loc: LocationId, re: &Regex) -> bool {
    let p = view.profile();
    let m = view.location(loc).mapping;
    m != MappingId::NONE && re.is_match(p.str(p.mappings[m.index()].file))
}

fn line_matches(p: &Profile, ln: &Line, re: &Regex) -> bool {
    if ln.function == FunctionId::NONE {
        return false;
    }
    let f = &p.functions[ln.function.index()];
    re.is_match(p.str(f.name)) || re.is_match(p.str(f.filename))
}

/// Compiles option `name`'s regexp `value` (`None` when empty).
fn option_regex(name: &str, value: &str) -> crate::Result<Option<Regex>> {
    if value.is_empty() {
        return Ok(None);
    }
    regexp::compile_for(&format!("parsing {name} regexp"), value).map(Some)
}

/// The compiled filters of one report.
pub struct Filters {
    focus: Option<Regex>,
    ignore: Option<Regex>,
    hide: Option<Regex>,
    show: Option<Regex>,
    show_from: Option<Regex>,
    tagfocus: Option<tags::TagFilter>,
    tagignore: Option<tags::TagFilter>,
    prune_from: Option<Regex>,
    tagshow: Option<Regex>,
    taghide: Option<Regex>,
}

impl Filters {
    /// Compiles every filter option, in pprof's order; the first error wins.
    /// Informational lines (range interpretations) are pushed to `notes`.
    pub fn compile(
        spec: &FilterSpec,
        units: &tags::NumUnits,
        notes: &mut Vec<String>,
    ) -> crate::Result<Filters> {
        Ok(Filters {
            focus: option_regex("focus", &spec.focus)?,
            ignore: option_regex("ignore", &spec.ignore)?,
            hide: option_regex("hide", &spec.hide)?,
            show: option_regex("show", &spec.show)?,
            show_from: option_regex("show_from", &spec.show_from)?,
            tagfocus: tags::TagFilter::compile("tagfocus", &spec.tagfocus, units, notes)?,
            tagignore: tags::TagFilter::compile("tagignore", &spec.tagignore, units, notes)?,
            prune_from: option_regex("prune_from", &spec.prune_from)?,
            tagshow: option_regex("tagshow", &spec.tagshow)?,
            taghide: option_regex("taghide", &spec.taghide)?,
        })
    }

    /// Applies the filters to `view`; warnings for filters that matched
    /// nothing are pushed to `warnings`.
    pub fn apply(&self, view: &mut View, warnings: &mut Vec<String>) {
        let mut warn = |ok: bool, name: &str| {
            if !ok {
                warnings.push(format!("{name} expression matched no samples"));
            }
        };
        if self.focus.is_some()
            || self.ignore.is_some()
            || self.hide.is_some()
            || self.show.is_some()
        {
            let (fm, im, hm, sm) = self.by_name(view);
            warn(self.focus.is_none() || fm, "Focus");
            warn(self.ignore.is_none() || im, "Ignore");
            warn(self.hide.is_none() || hm, "Hide");
            warn(self.show.is_none() || sm, "Show");
        } else {
            drop_stackless(view);
        }
        if let Some(re) = &self.show_from {
            warn(show_from(view, re), "ShowFrom");
        }
        if self.tagfocus.is_some() || self.tagignore.is_some() {
            let (fm, im) =
                tags::filter_samples(view, self.tagfocus.as_ref(), self.tagignore.as_ref());
            warn(self.tagfocus.is_none() || fm, "TagFocus");
            warn(self.tagignore.is_none() || im, "TagIgnore");
        }
        if self.tagshow.is_some() || self.taghide.is_some() {
            let (sm, hm) = tags::filter_keys(view, self.tagshow.as_ref(), self.taghide.as_ref());
            warn(self.tagshow.is_none() || sm, "TagShow");
            warn(self.taghide.is_none() || hm, "TagHide");
        }
        if let Some(re) = &self.prune_from {
            prune_from(view, re);
        }
    }

    /// focus/ignore/hide/show in one pass (pprof's `FilterSamplesByName`).
    fn by_name(&self, view: &mut View) -> (bool, bool, bool, bool) {
        let (mut fm, mut im, mut hm, mut sm) = (false, false, false, false);
        let n = view.num_locations();
        // 0 = neither, 1 = focused, 2 = ignored.
        let mut state = vec![0u8; n];
        let mut hidden = vec![false; n];
        let mut any_hidden = false;
        for loc in 0..n as u32 {
            if self
                .ignore
                .as_ref()
                .is_some_and(|re| loc_matches(view, LocationId(loc), re))
            {
                im = true;
                state[loc as usize] = 2;
            } else if self
                .focus
                .as_ref()
                .is_none_or(|re| loc_matches(view, LocationId(loc), re))
            {
                fm = true;
                state[loc as usize] = 1;
            }
            if let Some(re) = &self.hide
                && loc_matches(view, LocationId(loc), re)
            {
                hm = true;
                let kept: Vec<Line> = if mapping_matches(view, LocationId(loc), re) {
                    Vec::new()
                } else {
                    view.lines(LocationId(loc))
                        .iter()
                        .filter(|ln| !line_matches(view.profile(), ln, re))
                        .copied()
                        .collect()
                };
                if kept.is_empty() {
                    hidden[loc as usize] = true;
                    any_hidden = true;
                }
                view.set_lines(LocationId(loc), kept);
            }
            if let Some(re) = &self.show {
                let kept: Vec<Line> = if mapping_matches(view, LocationId(loc), re) {
                    view.lines(LocationId(loc)).to_vec()
                } else {
                    let p = view.profile();
                    view.lines(LocationId(loc))
                        .iter()
                        .filter(|ln| ln.function == FunctionId::NONE || line_matches(p, ln, re))
                        .copied()
                        .collect()
                };
                if kept.is_empty() {
                    hidden[loc as usize] = true;
                    any_hidden = true;
                } else {
                    sm = true;
                }
                view.set_lines(LocationId(loc), kept);
            }
        }
        if any_hidden {
            view.kept_mut().removed = Some(hidden);
        }
        view.retain_samples(|v, k| {
            let mut focused = false;
            let any_left = v.sample_locs(k).next().is_some();
            let s = v.samples()[k] as usize;
            let r = v.range(k);
            for &l in &v.profile.samples.locs(s)[r.0 as usize..r.1 as usize] {
                match state[l.index()] {
                    1 => focused = true,
                    2 => return None,
                    _ => {}
                }
            }
            (focused && any_left).then_some(r)
        });
        (fm, im, hm, sm)
    }
}

/// Drops the samples without locations, as pprof's `FilterSamplesByName`
/// does on every report (such a sample is never focused), when no name
/// filter ran [`Filters::by_name`], which drops them too.
fn drop_stackless(view: &mut View) {
    let stackless = |v: &View, k: usize| {
        let r = v.range(k);
        r.0 == r.1
    };
    if (0..view.samples().len()).any(|k| stackless(view, k)) {
        view.retain_samples(|v, k| (!stackless(v, k)).then(|| v.range(k)));
    }
}

/// pprof's `ShowFrom`: cut each sample above its root-most matching
/// location; drop samples without one.
fn show_from(view: &mut View, re: &Regex) -> bool {
    let n = view.num_locations();
    let mut matched_locs = vec![false; n];
    let mut matched = false;
    for loc in 0..n as u32 {
        let hit = if mapping_matches(view, LocationId(loc), re) {
            true
        } else if let Some(i) = view
            .lines(LocationId(loc))
            .iter()
            .rposition(|ln| line_matches(view.profile(), ln, re))
        {
            let kept = view.lines(LocationId(loc))[..=i].to_vec();
            view.set_lines(LocationId(loc), kept);
            true
        } else {
            false
        };
        if hit {
            matched_locs[loc as usize] = true;
            matched = true;
        }
    }
    view.retain_samples(|v, k| {
        let s = v.samples()[k] as usize;
        let (a, b) = v.range(k);
        let locs = &v.profile.samples.locs(s)[a as usize..b as usize];
        // A location that hide/show removed is no longer in the sample
        // (pprof deletes it), so it cannot be the one kept from.
        locs.iter()
            .rposition(|&l| matched_locs[l.index()] && !v.is_removed(l))
            .map(|i| (a, a + i as u32 + 1))
    });
    matched
}

/// pprof's `PruneFrom`: drop frames leaf-ward of the first location whose
/// (simplified) function name matches. rpprof keeps Go method receivers in
/// the simplified name, so `prune_from=Track` matches
/// `main.(*RequestTracker).Track`.
fn prune_from(view: &mut View, re: &Regex) {
    let n = view.num_locations();
    let mut marked = vec![false; n];
    for loc in 0..n as u32 {
        let p = view.profile();
        let hit = view.lines(LocationId(loc)).iter().position(|ln| {
            ln.function != FunctionId::NONE && {
                let name = p.str(p.functions[ln.function.index()].name);
                !name.is_empty() && re.is_match(simplify_func(name, true))
            }
        });
        if let Some(i) = hit {
            marked[loc as usize] = true;
            let kept = view.lines(LocationId(loc))[i..].to_vec();
            view.set_lines(LocationId(loc), kept);
        }
    }
    view.retain_samples(|v, k| {
        let s = v.samples()[k] as usize;
        let (a, b) = v.range(k);
        let locs = &v.profile.samples.locs(s)[a as usize..b as usize];
        Some(match locs.iter().position(|&l| marked[l.index()]) {
            Some(i) => (a + i as u32, b),
            None => (a, b),
        })
    });
}

#[cfg(test)]
mod tests;
