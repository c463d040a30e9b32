//! Function names as pprof shows them: mangled Rust (legacy and v0) and
//! C++ names demangled, then simplified by the `demangle=` mode — by
//! default without parameters, template arguments and clone suffixes
//! (`std::__new_allocator::allocate`). Names that do not demangle but look
//! like demangled C++ get the same simplification by bracket matching.
//!
//! Runs once over every function after symbolization (pprof's
//! `symbolizer.Demangle`). Pure string functions; no profile access.

use std::borrow::Cow;

/// pprof's `demangle=` modes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Style {
    /// No parameters, no template arguments.
    #[default]
    Simplified,
    /// No parameters, template arguments kept.
    Templates,
    /// Everything but clone suffixes.
    Full,
    /// pprof's `demangle=none`, which in fact runs its demangler without
    /// options: everything, clone suffixes (` [clone .cold]`) included.
    Everything,
}

/// The display name for `system_name`.
pub fn demangle(system_name: &str, style: Style) -> Cow<'_, str> {
    if let Some(d) = demangle_mangled(system_name, style) {
        return Cow::Owned(d);
    }
    if !looks_like_demangled_cpp(system_name) {
        return Cow::Borrowed(system_name);
    }
    let mut name = system_name.to_string();
    if matches!(style, Style::Simplified | Style::Templates) {
        name = remove_matching(&name, b'(', b')');
    }
    if style == Style::Simplified {
        name = remove_matching(&name, b'<', b'>');
    }
    Cow::Owned(name)
}

/// Demangles a Rust or C++ symbol; `None` if it is not one.
fn demangle_mangled(name: &str, style: Style) -> Option<String> {
    if name.starts_with("_R") {
        let base = name.split('.').next().unwrap_or(name);
        return rustc_demangle::try_demangle(base)
            .ok()
            .map(|d| format!("{d:#}"));
    }
    if name.starts_with("_ZN") {
        let base = match name.rfind("E.") {
            Some(i) if i > 0 => &name[..=i],
            _ => name,
        };
        if is_legacy_rust(base)
            && let Some(d) = legacy_rust(&base[3..base.len() - 20])
        {
            return Some(d);
        }
    }
    if !name.starts_with("_Z") {
        return None;
    }
    demangle_cpp(name, style)
}

/// Itanium C++ names. Clone suffixes (`.cold`, `.constprop.0`) and symbol
/// versions (`@GLIBCXX_3.4`) are dropped except in [`Style::Everything`],
/// which prints the former and rejects the latter; special names (thunks, vtables, transaction clones) keep
/// their parameters, as pprof's demangler prints them.
fn demangle_cpp(name: &str, style: Style) -> Option<String> {
    let base = if style == Style::Everything {
        name
    } else {
        name.split(['.', '@']).next().unwrap_or(name)
    };
    let (prefix, inner, params) = match special_name(base) {
        Some((prefix, rest, params)) => (prefix, format!("_Z{rest}"), params),
        None => ("", base.to_string(), false),
    };
    let mut opts = cpp_demangle::DemangleOptions::new();
    if !matches!(style, Style::Full | Style::Everything) {
        opts = opts.no_return_type();
        if !params {
            opts = opts.no_params();
        }
    }
    let plain = |m: &str| {
        let sym = cpp_demangle::Symbol::new(m).ok()?;
        sym.demangle_with_options(&opts).ok()
    };
    let d = match plain(&inner) {
        Some(d) => d,
        // pprof's demangler reads only the name when parameters are not
        // printed, so a signature it cannot parse (or a `@VERSION` tail)
        // does not matter there: take the shortest prefix that is a name.
        None if !matches!(style, Style::Full | Style::Everything) && !params => inner
            .match_indices('E')
            .find_map(|(i, _)| plain(&inner[..=i]))?,
        None => return None,
    };
    // cpp_demangle prints an empty parameter pack as `<T, >`.
    let d = format!("{prefix}{}", unabbreviate(&d).replace(", >", ">"));
    Some(match style {
        Style::Simplified => strip_templates(&d),
        _ => d,
    })
}

/// `_Z` special names: the text pprof prints before the entity, the
/// mangled entity after the prefix (without `_Z`), and whether its
/// parameters are printed.
fn special_name(name: &str) -> Option<(&'static str, &str, bool)> {
    let s = name.strip_prefix("_Z")?;
    const TYPES: [(&str, &str); 4] = [
        ("TV", "vtable for "),
        ("TT", "VTT for "),
        ("TI", "typeinfo for "),
        ("TS", "typeinfo name for "),
    ];
    for (code, text) in TYPES {
        if let Some(r) = s.strip_prefix(code) {
            return Some((text, r, false));
        }
    }
    if let Some(r) = s.strip_prefix("GV") {
        return Some(("guard variable for ", r, false));
    }
    if let Some(r) = s.strip_prefix("GTt") {
        return Some(("transaction clone for ", r, true));
    }
    if let Some(r) = s.strip_prefix("Tc") {
        let r = call_offset(call_offset(r)?)?;
        return Some(("covariant return thunk to ", r, true));
    }
    let r = s.strip_prefix('T')?;
    let text = if r.starts_with('h') {
        "non-virtual thunk to "
    } else {
        "virtual thunk to "
    };
    Some((text, call_offset(r)?, true))
}

/// Skips an Itanium `<call-offset>` (`h <n> _` or `v <n> _ <n> _`).
fn call_offset(s: &str) -> Option<&str> {
    fn number(s: &str) -> Option<&str> {
        let s = s.strip_prefix('n').unwrap_or(s);
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        (digits > 0).then_some(())?;
        s[digits..].strip_prefix('_')
    }
    match s.as_bytes().first()? {
        b'h' => number(&s[1..]),
        b'v' => number(number(&s[1..])?),
        _ => None,
    }
}

/// The standard `Ss`/`Si`/`So`/`Sd` abbreviations name their full class
/// template in constructors and destructors, as pprof's demangler prints
/// them (`std::basic_string<char, …>::basic_string`).
fn unabbreviate(d: &str) -> String {
    const FULL: [(&str, &str); 4] = [
        (
            "string",
            "basic_string<char, std::char_traits<char>, std::allocator<char> >",
        ),
        ("istream", "basic_istream<char, std::char_traits<char> >"),
        ("ostream", "basic_ostream<char, std::char_traits<char> >"),
        ("iostream", "basic_iostream<char, std::char_traits<char> >"),
    ];
    let mut out = d.to_string();
    for (short, full) in FULL {
        for tilde in ["", "~"] {
            let from = format!("std::{short}::{tilde}{short}");
            let to = format!("std::{full}::{tilde}basic_{short}");
            let mut from_at = 0;
            while let Some(i) = out[from_at..].find(&from).map(|i| i + from_at) {
                let end = i + from.len();
                let boundary = out[end..]
                    .bytes()
                    .next()
                    .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == b'_'));
                if boundary {
                    out.replace_range(i..end, &to);
                    from_at = i + to.len();
                } else {
                    from_at = end;
                }
            }
        }
    }
    out
}

/// The legacy Rust scheme: `_ZN…17h<16 hex digits>E`, the hash using at
/// least five distinct digits.
fn is_legacy_rust(name: &str) -> bool {
    let b = name.as_bytes();
    if b.len() <= 23 || !name.ends_with('E') || &b[b.len() - 20..b.len() - 17] != b"17h" {
        return false;
    }
    let mut seen = 0u16;
    for &c in &b[b.len() - 17..b.len() - 1] {
        match (c as char).to_digit(16) {
            Some(d) if !c.is_ascii_uppercase() => seen |= 1 << d,
            _ => return false,
        }
    }
    seen.count_ones() >= 5
}

/// Demangles the path of a legacy Rust symbol (between `_ZN` and the
/// hash), exactly as pprof's demangler does — including its reading of an
/// underscore after a length as a separator, which turns
/// `28__rust_begin_short_backtrace` into `_rust_begin_short_backtrace`.
fn legacy_rust(mut rest: &str) -> Option<String> {
    let mut out = String::new();
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let mut len = 0usize;
        for c in rest[..digits].bytes() {
            let add = usize::from(c - b'0');
            if len >= (i32::MAX as usize) / 10 - add {
                return None;
            }
            len = len * 10 + add;
        }
        rest = &rest[digits..];
        if let Some(r) = rest.strip_prefix('_') {
            rest = r;
            len = len.checked_sub(1)?;
        }
        if rest.len() < len || !rest.is_char_boundary(len) {
            return None;
        }
        let (mut id, tail) = rest.split_at(len);
        rest = tail;
        if !out.is_empty() {
            out.push_str("::");
        }
        if id.starts_with("_$") {
            id = &id[1..];
        }
        unescape_legacy(id, &mut out);
    }
    Some(out)
}

/// The `$..$` escapes and `..` separators of one legacy identifier.
fn unescape_legacy(mut id: &str, out: &mut String) {
    while let Some(c) = id.chars().next() {
        match c {
            '$' => {
                let b = id.as_bytes();
                let code = if b.len() > 2 && b[1] == b'C' && b[2] == b'$' {
                    Some((',', 3))
                } else if b.len() > 4 && b[1] == b'u' && b[4] == b'$' {
                    let hex = |c: u8| (c as char).to_digit(16).filter(|_| !c.is_ascii_uppercase());
                    match (hex(b[2]), hex(b[3])) {
                        (Some(h), Some(l)) if h <= 7 && h * 16 + l >= 0x20 => {
                            Some((char::from((h * 16 + l) as u8), 5))
                        }
                        _ => None,
                    }
                } else if b.len() > 3 && b[3] == b'$' {
                    let c = match &id[1..3] {
                        "SP" => Some('@'),
                        "BP" => Some('*'),
                        "RF" => Some('&'),
                        "LT" => Some('<'),
                        "GT" => Some('>'),
                        "LP" => Some('('),
                        "RP" => Some(')'),
                        _ => None,
                    };
                    c.map(|c| (c, 4))
                } else {
                    None
                };
                match code {
                    Some((c, n)) => {
                        out.push(c);
                        id = &id[n..];
                    }
                    None => {
                        out.push_str(id);
                        return;
                    }
                }
            }
            '.' if id.starts_with("..") => {
                out.push_str("::");
                id = &id[2..];
            }
            _ => {
                out.push(c);
                id = &id[c.len_utf8()..];
            }
        }
    }
}

/// pprof's `looksLikeDemangledCPlusPlus`.
fn looks_like_demangled_cpp(name: &str) -> bool {
    if name.contains(".<") || name.contains("]).") {
        return false;
    }
    name.contains(['<', '>', '[', ']']) || name.contains("::")
}

/// pprof's `removeMatching`: drops every outermost `start…end` group. A
/// stray `end` stops the scan (the rest stays as it is), and so does an
/// unclosed group.
fn remove_matching(name: &str, start: u8, end: u8) -> String {
    let b = name.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut depth = 0usize;
    let mut group_start = 0usize;
    for (i, &c) in b.iter().enumerate() {
        if c == start {
            if depth == 0 {
                group_start = out.len();
            }
            depth += 1;
        } else if c == end {
            if depth == 0 {
                out.extend_from_slice(&b[i..]);
                break;
            }
            depth -= 1;
            if depth == 0 {
                out.truncate(group_start);
                continue;
            }
        }
        out.push(c);
    }
    String::from_utf8(out).unwrap_or_else(|_| name.to_string())
}

/// Operator tokens that contain `<` or `>`, longest first.
const OPERATORS: [&str; 11] = [
    "<<=", ">>=", "<=>", "->*", "<<", ">>", "<=", ">=", "->", "<", ">",
];

/// Removes template argument lists from a demangled C++ name, leaving the
/// `<` of operator names (`operator<`, `operator<<=`, `operator->`) alone.
fn strip_templates(d: &str) -> String {
    let b = d.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    let mut depth = 0usize;
    while i < b.len() {
        if b[i..].starts_with(b"operator") {
            let rest = &b[i + 8..];
            let op = OPERATORS
                .iter()
                .find(|op| rest.starts_with(op.as_bytes()))
                .map_or(0, |op| op.len());
            if depth == 0 {
                out.extend_from_slice(&b[i..i + 8 + op]);
            }
            i += 8 + op;
            continue;
        }
        match b[i] {
            b'<' => {
                // `operator< <int>`: the space only separated the brackets.
                if depth == 0 && out.last() == Some(&b' ') {
                    out.pop();
                }
                depth += 1
            }
            b'>' if depth > 0 => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
        i += 1;
    }
    // Only ASCII bytes were removed, so the rest is still UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> String {
        demangle(s, Style::Simplified).into_owned()
    }

    #[test]
    fn rust_legacy_and_v0() {
        assert_eq!(
            d("_ZN5alloc7raw_vec19RawVec$LT$T$C$A$GT$7reserve17h0123456789abcdefE"),
            "alloc::raw_vec::RawVec<T,A>::reserve"
        );
        assert_eq!(
            d("_ZN8rustheap14handle_request17h9f8e7d6c5b4a3921E.llvm.123"),
            "rustheap::handle_request"
        );
        // v0: generic arguments and closures are kept, suffixes dropped.
        assert_eq!(
            d("_RNvMs_NtCs4fqI2P2rA04_4core3fmtNtB4_9Formatter3pad"),
            "<core::fmt::Formatter>::pad"
        );
        assert_eq!(
            d("_RNCNvCs1234_7mycrate4main0B3_.cold"),
            "mycrate::main::{closure#0}"
        );
    }

    #[test]
    fn legacy_rust_follows_pprof() {
        assert_eq!(
            d("_ZN3std3sys9backtrace28__rust_begin_short_backtrace17h1a2b3c4d5e6f7a8bE"),
            "std::sys::backtrace::_rust_begin_short_backtrace"
        );
        assert_eq!(
            d(
                "_ZN4core3ptr85drop_in_place$LT$std..rt..lang_start$LT$$LP$$RP$$GT$..$u7b$$u7b$closure$u7d$$u7d$$GT$17h0011223344556677E"
            ),
            "core::ptr::drop_in_place<std::rt::lang_start<()>::{{closure}}>"
        );
        // Fewer than five distinct hash digits: not Rust, so C++ rules.
        assert_eq!(
            d("_ZN3foo3bar17h0000000000000000E"),
            "foo::bar::h0000000000000000"
        );
    }

    #[test]
    fn cpp_simplified() {
        assert_eq!(
            d("_ZNSt15__new_allocatorIiE8allocateEmPKv"),
            "std::__new_allocator::allocate"
        );
        assert_eq!(
            d("_ZN12_GLOBAL__N_14pool4freeEPv.constprop.0"),
            "(anonymous namespace)::pool::free"
        );
        assert_eq!(
            d("_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEixERS3_"),
            "std::map::operator[]"
        );
        assert_eq!(d("_ZltRK1AS1_"), "operator<");
        assert_eq!(strip_templates("ns::Größe<é>::f"), "ns::Größe::f");
        assert_eq!(
            d("_ZN9__gnu_cxxeqIPcSsEEbRKNS_17__normal_iteratorIT_T0_EES7_"),
            "__gnu_cxx::operator=="
        );
        assert_eq!(d("_ZNSsC1EOSs"), "std::basic_string::basic_string");
        assert_eq!(
            d("_ZStltIcSt11char_traitsIcESaIcEEbRKNSt7__cxx1112basic_stringIT_T0_T1_EESA_"),
            "std::operator<"
        );
        // Signatures cpp_demangle cannot read, and version tails.
        assert_eq!(
            d(
                "_ZSt9__fill_a1IPddEN9__gnu_cxx11__enable_ifIXsrSt11__is_scalarIT0_E7__valueEvE6__typeET_S8_RKS4_"
            ),
            "std::__fill_a1"
        );
        assert_eq!(d("_ZNSt6localeC1Ev@GLIBCXX_3.4"), "std::locale::locale");
        assert_eq!(d("_ZNSo9_M_insertIlEERSoT_"), "std::ostream::_M_insert");
        assert_eq!(
            d("_ZThn8_N2ns1D1gEl"),
            "non-virtual thunk to ns::D::g(long)"
        );
        assert_eq!(d("_ZTv0_n24_N2ns1DD1Ev"), "virtual thunk to ns::D::~D()");
        assert_eq!(d("_ZTVN2ns1DE"), "vtable for ns::D");
        assert_eq!(
            d("_ZGTtNKSt9exception4whatEv"),
            "transaction clone for std::exception::what() const"
        );
        assert_eq!(
            demangle("_ZNSt15__new_allocatorIiE8allocateEmPKv", Style::Templates),
            "std::__new_allocator<int>::allocate"
        );
        assert_eq!(
            demangle("_ZN8workload4Pool3AddEi.cold", Style::Everything),
            "workload::Pool::Add(int) [clone .cold]"
        );
        assert_eq!(
            demangle("_ZN8workload4Pool3AddEi.cold", Style::Full),
            "workload::Pool::Add(int)"
        );
    }

    #[test]
    fn plain_and_already_demangled_names() {
        assert_eq!(d("main"), "main");
        assert_eq!(
            d("main.(*RequestTracker).Track"),
            "main.(*RequestTracker).Track"
        );
        assert_eq!(d("ns::Box<long>::get() const"), "ns::Box::get const");
        assert_eq!(d("a::b(int"), "a::b(int");
        assert_eq!(d("a::b)x"), "a::b)x");
        assert_eq!(
            d("_GLOBAL__sub_I_eh_alloc.cc"),
            "_GLOBAL__sub_I_eh_alloc.cc"
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics(tail in "[A-Za-z0-9_$.@<>()~ é]{0,40}", prefix in 0usize..4) {
            let name = format!("{}{tail}", ["_Z", "_ZN", "_R", ""][prefix]);
            for style in [Style::Simplified, Style::Templates, Style::Full, Style::Everything] {
                let _ = demangle(&name, style);
            }
        }
    }
}
