//! A JavaScript lexer that is just enough to find a module's static imports, so that the word
//! `import` in a comment, string, template or regex is not taken for a statement.

/// A JavaScript token, as much as finding module specifiers needs.
#[derive(Debug, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Punct(u8),
    /// A number, regex or template literal: a value.
    Value,
}

/// The module specifiers of `src`'s static imports: `import … from 's'`, `import 's'`,
/// `export … from 's'`. Not `import('s')` (dynamic: loaded on demand) nor `import.meta`.
/// Comments, strings, templates and regex literals are skipped, so the word "import" in them
/// is not taken for a statement.
pub(crate) fn static_imports(src: &str) -> Vec<String> {
    let mut toks = Vec::new();
    let mut i = 0;
    lex(src.as_bytes(), &mut i, false, &mut toks);
    let is = |k: usize, t: &Tok| toks.get(k) == Some(t);
    // `from 's'` after an import/export clause of names, braces, commas and `*`.
    let from_clause = |start: usize| {
        for k in start..toks.len() {
            match &toks[k] {
                Tok::Ident(w) if w == "from" => {
                    if let Some(Tok::Str(s)) = toks.get(k + 1) {
                        return Some(s.clone());
                    }
                }
                Tok::Ident(_) | Tok::Punct(b'{' | b'}' | b',' | b'*') => {}
                // Quoted export names (`{ "a-b" as c }`).
                Tok::Str(_) if k > start => {}
                _ => return None,
            }
        }
        None
    };
    let mut out = Vec::new();
    for (k, t) in toks.iter().enumerate() {
        let Tok::Ident(word) = t else { continue };
        // `x.import` is a property, not a statement.
        if k > 0 && is(k - 1, &Tok::Punct(b'.')) {
            continue;
        }
        let spec = match (word.as_str(), toks.get(k + 1)) {
            ("import", Some(Tok::Str(s))) => Some(s.clone()),
            ("import", Some(Tok::Punct(b'(' | b'.'))) => None,
            ("import", Some(_)) => from_clause(k + 1),
            ("export", Some(Tok::Punct(b'*' | b'{'))) => from_clause(k + 1),
            _ => None,
        };
        out.extend(spec);
    }
    out
}

/// Tokenises `s` from `*i`; with `in_template`, stops after the `}` closing a template's
/// `${`.
fn lex(s: &[u8], i: &mut usize, in_template: bool, out: &mut Vec<Tok>) {
    let mut depth = 0usize;
    while *i < s.len() {
        let c = s[*i];
        let next = s.get(*i + 1).copied();
        match c {
            _ if c.is_ascii_whitespace() => *i += 1,
            b'/' if next == Some(b'/') => {
                *i = s[*i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(s.len(), |k| *i + k);
            }
            b'/' if next == Some(b'*') => {
                *i = s[*i + 2..]
                    .windows(2)
                    .position(|w| w == b"*/")
                    .map_or(s.len(), |k| *i + 2 + k + 2);
            }
            b'\'' | b'"' => {
                let mut text = Vec::new();
                *i += 1;
                while *i < s.len() && s[*i] != c && s[*i] != b'\n' {
                    if s[*i] == b'\\' {
                        *i += 1;
                    }
                    if let Some(&b) = s.get(*i) {
                        text.push(b);
                    }
                    *i += 1;
                }
                *i += 1;
                out.push(Tok::Str(String::from_utf8_lossy(&text).into_owned()));
            }
            b'`' => {
                *i += 1;
                while *i < s.len() && s[*i] != b'`' {
                    if s[*i] == b'\\' {
                        *i += 2;
                    } else if s[*i] == b'$' && s.get(*i + 1) == Some(&b'{') {
                        *i += 2;
                        lex(s, i, true, &mut Vec::new());
                    } else {
                        *i += 1;
                    }
                }
                *i += 1;
                out.push(Tok::Value);
            }
            b'/' if regex_may_follow(out.last()) => {
                *i += 1;
                let mut class = false;
                while *i < s.len() && s[*i] != b'\n' {
                    match s[*i] {
                        b'\\' => *i += 1,
                        b'[' => class = true,
                        b']' => class = false,
                        b'/' if !class => break,
                        _ => {}
                    }
                    *i += 1;
                }
                *i += 1;
                out.push(Tok::Value);
            }
            _ if c.is_ascii_alphabetic() || c == b'_' || c == b'$' || c >= 0x80 => {
                let start = *i;
                while *i < s.len()
                    && (s[*i].is_ascii_alphanumeric()
                        || s[*i] == b'_'
                        || s[*i] == b'$'
                        || s[*i] >= 0x80)
                {
                    *i += 1;
                }
                out.push(Tok::Ident(
                    String::from_utf8_lossy(&s[start..*i]).into_owned(),
                ));
            }
            _ if c.is_ascii_digit() => {
                while *i < s.len()
                    && (s[*i].is_ascii_alphanumeric() || s[*i] == b'.' || s[*i] == b'_')
                {
                    *i += 1;
                }
                out.push(Tok::Value);
            }
            _ => {
                *i += 1;
                if c == b'{' {
                    depth += 1;
                } else if c == b'}' {
                    if in_template && depth == 0 {
                        return;
                    }
                    depth = depth.saturating_sub(1);
                }
                out.push(Tok::Punct(c));
            }
        }
    }
}

/// Whether a `/` after `prev` starts a regex literal rather than dividing (the usual
/// heuristic: after an operator, an opening bracket or a keyword, a value is expected).
fn regex_may_follow(prev: Option<&Tok>) -> bool {
    match prev {
        None => true,
        Some(Tok::Punct(c)) => !matches!(c, b')' | b']'),
        Some(Tok::Ident(w)) => matches!(
            w.as_str(),
            "return"
                | "typeof"
                | "instanceof"
                | "in"
                | "of"
                | "new"
                | "delete"
                | "void"
                | "throw"
                | "case"
                | "do"
                | "else"
                | "yield"
                | "await"
        ),
        Some(Tok::Str(_) | Tok::Value) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_imports_skip_dynamic_imports_comments_and_strings() {
        let js = r#"
            import { load_job } from './snippets/fastexec-1a/inline0.js';
            import * as b from "../lib.js"; import def, { x as y } from './c.js'
            import './side-effect.js';
            export { z } from './re-export.js';
            export * from "./star.js";
            export { initSync }; export default __wbg_init;
            // import nope from './comment.js';
            /* import './block-comment.js'; */
            const s = "import quoted from './string.js'";
            const t = `${a + `import('${b}')`} import x from './template.js'`;
            const re = /['"]/g; const q = 'import r from "./after-regex.js"';
            const half = n / 2; obj.import('./prop.js');
            const m = await import('./dynamic.js'); const u = new URL('x_bg.wasm', import.meta.url);
            const o = { import: 1, from: './object.js' };
        "#;
        assert_eq!(
            static_imports(js),
            [
                "./snippets/fastexec-1a/inline0.js",
                "../lib.js",
                "./c.js",
                "./side-effect.js",
                "./re-export.js",
                "./star.js",
            ]
        );
    }

    fn tokens(src: &str) -> Vec<Tok> {
        let mut out = Vec::new();
        lex(src.as_bytes(), &mut 0, false, &mut out);
        out
    }

    #[test]
    fn a_slash_divides_after_a_value_and_starts_a_regex_elsewhere() {
        use Tok::{Ident, Punct, Value};
        let id = |s: &str| Ident(s.into());
        assert_eq!(
            tokens("a / b / c"),
            [id("a"), Punct(b'/'), id("b"), Punct(b'/'), id("c")]
        );
        assert_eq!(
            tokens("(x) / 2"),
            [Punct(b'('), id("x"), Punct(b')'), Punct(b'/'), Value]
        );
        assert_eq!(tokens("x = /a'b/g"), [id("x"), Punct(b'='), Value, id("g")]);
        assert_eq!(tokens("return /[/]/"), [id("return"), Value]);
    }

    #[test]
    fn templates_nest_and_strings_keep_their_escaped_text() {
        use Tok::{Ident, Punct, Str, Value};
        assert_eq!(
            tokens("`a${ {b: `c${d}`} }e` ; 'x\\'y' \"z\""),
            [Value, Punct(b';'), Str("x'y".into()), Str("z".into())]
        );
        assert_eq!(tokens("1.5e3 _$x9"), [Value, Ident("_$x9".into())]);
    }
}
