//! `proto` and `topproto`: reports written as new profiles (pprof's
//! `printProto` and `printTopProto`).
//!
//! `proto` materialises the filtered view (kept samples with their kept
//! frames and labels, every location with its possibly edited frames) with
//! `divide_by` applied to every value. `topproto` turns the trimmed `top`
//! graph into a profile with one location and one sample per node and the
//! sample types `cum/<unit>` and `flat/<unit>`. Both are encoded by
//! `source::encode`; nothing here touches wire types.

use super::Context;
use crate::model::{
    Function, FunctionId, Interner, Line, Location, LocationId, MappingId, Profile, Samples,
    ValueType,
};
use crate::render::units;
use crate::source::encode::encode;
use std::collections::HashMap;

/// The filtered view as a profile of its own.
pub fn filtered_profile(r: &Context) -> Profile {
    let view = &r.view;
    let p = view.profile();
    let mut locations = Vec::with_capacity(view.num_locations());
    let mut lines: Vec<Line> = Vec::with_capacity(p.lines.len());
    for loc in 0..view.num_locations() as u32 {
        let frames = view.lines(LocationId(loc));
        locations.push(Location {
            lines_start: lines.len() as u32,
            lines_len: frames.len() as u32,
            ..view.location(LocationId(loc)).clone()
        });
        lines.extend_from_slice(frames);
    }
    let mut samples = Samples::default();
    let (mut locs, mut values, mut labels) = (Vec::new(), Vec::new(), Vec::new());
    for k in 0..view.samples().len() {
        locs.clear();
        locs.extend(view.sample_locs(k));
        values.clear();
        values.extend(view.sample_values(k).iter().map(|&v| r.scale_ratio(v)));
        labels.clear();
        labels.extend(view.sample_labels(k).copied());
        samples.push(&locs, &values, &labels);
    }
    Profile {
        strings: p.strings.clone(),
        sample_types: p.sample_types.clone(),
        default_sample_type: p.default_sample_type,
        period_type: p.period_type,
        has_period_type: p.has_period_type,
        period: p.period,
        time_nanos: p.time_nanos,
        duration_nanos: p.duration_nanos,
        comments: p.comments.clone(),
        drop_frames: p.drop_frames,
        keep_frames: p.keep_frames,
        mappings: p.mappings.clone(),
        locations: locations.into(),
        lines: lines.into(),
        functions: p.functions.clone(),
        samples,
    }
}

/// Renders `proto`: the filtered profile, gzipped.
pub fn render(r: &Context) -> Vec<u8> {
    encode(&filtered_profile(r))
}

/// The trimmed `top` graph as a profile (values in the output unit,
/// truncated).
pub fn top_profile(r: &mut Context) -> Profile {
    let table = r.cached_table();
    let t = r.cached_trimmed(&table);
    let g = &t.graph;
    r.select_output_unit(
        g.nodes.iter().map(|n| (n.flat_value(), n.cum_value())),
        false,
    );
    let src = r.view.profile();
    let mut strings = Interner::new();
    let unit = strings.intern(&r.output_unit);
    let sample_types = vec![
        ValueType {
            ty: strings.intern("cum"),
            unit,
        },
        ValueType {
            ty: strings.intern("flat"),
            unit,
        },
    ];
    let period_type = ValueType {
        ty: strings.intern(src.str(src.period_type.ty)),
        unit: strings.intern(src.str(src.period_type.unit)),
    };
    let scaled = |v: i64| units::scale(v, &r.sample_unit, &r.output_unit).0 as i64;
    let mut functions: Vec<Function> = Vec::new();
    let mut function_ids: HashMap<(String, String, String, i64), FunctionId> = HashMap::new();
    let (mut locations, mut lines, mut samples) = (Vec::new(), Vec::new(), Samples::default());
    for (i, n) in g.nodes.iter().enumerate() {
        let info = &table.infos[n.id as usize];
        let key = (
            info.name.clone(),
            info.orig_name.clone(),
            info.file.clone(),
            info.start_line,
        );
        let function = *function_ids.entry(key).or_insert_with(|| {
            functions.push(Function {
                name: strings.intern(&info.name),
                system_name: strings.intern(&info.orig_name),
                filename: strings.intern(&info.file),
                start_line: info.start_line,
            });
            FunctionId::at(functions.len() - 1)
        });
        locations.push(Location {
            mapping: MappingId::NONE,
            address: info.address,
            lines_start: lines.len() as u32,
            lines_len: 1,
            is_folded: false,
        });
        lines.push(Line {
            function,
            line: info.line,
        });
        samples.push(
            &[LocationId(i as u32)],
            &[scaled(n.cum_value()), scaled(n.flat_value())],
            &[],
        );
    }
    Profile {
        strings: strings.strings.into(),
        sample_types,
        period_type,
        period: src.period,
        time_nanos: src.time_nanos,
        duration_nanos: src.duration_nanos,
        locations: locations.into(),
        lines: lines.into(),
        functions: functions.into(),
        samples,
        ..Default::default()
    }
}

/// Renders `topproto`: the top graph as a gzipped profile.
pub fn render_top(r: &mut Context) -> Vec<u8> {
    encode(&top_profile(r))
}
