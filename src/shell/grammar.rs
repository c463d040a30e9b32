//! The command-line grammar of the shell, written with nom.
//!
//! A line is either an assignment (`name=value`, `name = value //: note`, or
//! a bare `name`, decided by the caller against the option table) or a
//! report command: a name (`top10` splits into `top 10`) followed by
//! arguments — a number (node count), `>file` / `> file`, `-cum`, `-RE`
//! (ignore) or `RE` (focus). Words are separated by white space; as in
//! pprof there is no quoting. nom's own errors never leave this module.

use nom::branch::alt;
use nom::bytes::complete::{tag, take_till};
use nom::character::complete::{anychar, digit1, one_of};
use nom::combinator::{all_consuming, eof, opt, recognize, rest};
use nom::multi::many_till;
use nom::sequence::preceded;
use nom::{IResult, Parser};

/// The assignment reading of a line: the name before the first `=` (or the
/// whole line), and the value after it with a trailing `//: comment` cut.
#[derive(Debug, PartialEq, Eq)]
pub struct Assignment<'a> {
    pub name: &'a str,
    /// `None` for a bare word without `=`.
    pub value: Option<&'a str>,
}

fn name_eq_value(line: &str) -> IResult<&str, (&str, Option<&str>)> {
    (take_till(|c| c == '='), opt(preceded(tag("="), rest))).parse(line)
}

/// Reads `line` as an assignment.
pub fn assignment(line: &str) -> Assignment<'_> {
    let (name, value) = match name_eq_value(line) {
        Ok((_, (n, v))) => (n, v),
        Err(_) => (line, None),
    };
    let value = value.map(|v| match v.rfind("//:") {
        Some(i) => v[..i].trim(),
        None => v.trim(),
    });
    Assignment {
        name: name.trim(),
        value,
    }
}

/// Splits a line into words on runs of white space.
pub fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

fn trailing_digits(word: &str) -> IResult<&str, (Vec<char>, (&str, &str))> {
    many_till(anychar, (digit1, eof)).parse(word)
}

/// `top10` → `("top", "10")`; `None` when the word does not end in digits
/// or is all digits.
pub fn split_digits(word: &str) -> Option<(&str, &str)> {
    let (_, (prefix, (digits, _))) = trailing_digits(word).ok()?;
    if prefix.is_empty() {
        return None;
    }
    let cut = word.len() - digits.len();
    Some((&word[..cut], digits))
}

/// One argument of a report command.
#[derive(Debug, PartialEq, Eq)]
pub enum Arg<'a> {
    /// A number: the node count.
    Count(i64),
    /// `>file`.
    Output(&'a str),
    /// `-cum` / `--cum`.
    Cum,
    /// `-depth=N` / `--depth=N`, without its first `-`: the rows of a
    /// flame graph (for other commands, pprof's ignore regexp `depth=N`).
    Depth(&'a str),
    /// `-RE`: appended to the ignore regexp.
    Ignore(&'a str),
    /// `RE`: appended to the focus regexp.
    Focus(&'a str),
}

fn signed_int(w: &str) -> IResult<&str, &str> {
    all_consuming(recognize((opt(one_of("+-")), digit1))).parse(w)
}

fn word_arg(w: &str) -> IResult<&str, Arg<'_>> {
    alt((
        signed_int.map_res(|s| s.parse::<i64>().map(Arg::Count)),
        preceded(tag(">"), rest).map(Arg::Output),
        all_consuming(alt((tag("--cum"), tag("-cum")))).map(|_| Arg::Cum),
        preceded(tag("-"), recognize((opt(tag("-")), tag("depth="), rest))).map(Arg::Depth),
        preceded(tag("-"), rest).map(Arg::Ignore),
        rest.map(Arg::Focus),
    ))
    .parse(w)
}

/// Classifies the arguments of a report command.
pub fn args<'a>(tokens: &[&'a str]) -> crate::Result<Vec<Arg<'a>>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let (_, a) = word_arg(tokens[i])
            .map_err(|_| crate::Error::Usage(format!("cannot parse argument {:?}", tokens[i])))?;
        match a {
            Arg::Output("") => {
                i += 1;
                let f = tokens
                    .get(i)
                    .ok_or_else(|| crate::Error::Usage("unexpected end of line after >".into()))?;
                out.push(Arg::Output(f));
            }
            other => out.push(other),
        }
        i += 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn assignments() {
        assert_eq!(
            assignment("nodecount=2  //: my comment"),
            Assignment {
                name: "nodecount",
                value: Some("2")
            }
        );
        assert_eq!(
            assignment(" focus = a=b "),
            Assignment {
                name: "focus",
                value: Some("a=b")
            }
        );
        assert_eq!(
            assignment("mean"),
            Assignment {
                name: "mean",
                value: None
            }
        );
        assert_eq!(
            assignment("top 5"),
            Assignment {
                name: "top 5",
                value: None
            }
        );
    }

    #[test]
    fn digit_splitting() {
        assert_eq!(split_digits("top10"), Some(("top", "10")));
        assert_eq!(split_digits("a1b22"), Some(("a1b", "22")));
        assert_eq!(split_digits("999"), None);
        assert_eq!(split_digits("top"), None);
        assert_eq!(split_digits("top=5"), Some(("top=", "5")));
    }

    #[test]
    fn arguments() {
        let a = args(&["5", "main", "-runtime", "-cum", ">", "out.txt", ">x"]).unwrap();
        assert_eq!(
            a,
            vec![
                Arg::Count(5),
                Arg::Focus("main"),
                Arg::Ignore("runtime"),
                Arg::Cum,
                Arg::Output("out.txt"),
                Arg::Output("x")
            ]
        );
        assert_eq!(args(&["-3"]).unwrap(), vec![Arg::Count(-3)]);
        assert_eq!(
            args(&[">"]).unwrap_err().to_string(),
            "unexpected end of line after >"
        );
    }

    proptest! {
        #[test]
        fn any_line_parses_without_panic(s in "\\PC{0,40}") {
            let _ = assignment(&s);
            let w = words(&s);
            let _ = args(&w);
            for t in w { let _ = split_digits(t); }
        }

        #[test]
        fn split_digits_round_trips(name in "[a-z_]{1,8}", n in 0u32..100000) {
            let w = format!("{name}{n}");
            let (a, b) = split_digits(&w).unwrap();
            prop_assert_eq!(format!("{a}{b}"), w.clone());
            prop_assert_eq!(a, name.as_str());
        }
    }
}
