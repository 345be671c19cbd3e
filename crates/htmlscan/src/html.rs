//! The downloads an HTML page names (attributes and inline module imports), and how a URL in
//! `dist/` resolves to a file.

use crate::js::static_imports;

/// A URL found in index.html: an attribute value, or (`import`) a module specifier of an
/// inline `<script type="module">`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct HtmlRef {
    pub url: String,
    pub import: bool,
}

/// The downloads an HTML page names: `src` on any element, `href` on `<link>` (not `<a>`: a
/// navigation), and the static imports of inline module scripts. Handles Trunk's minified
/// output (unquoted attribute values).
pub(crate) fn html_refs(html: &str) -> Vec<HtmlRef> {
    let s = html.as_bytes();
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(at) = html[i..].find('<').map(|k| i + k) {
        i = at + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(s.len(), |k| i + k + 3);
            continue;
        }
        if !s.get(i).is_some_and(u8::is_ascii_alphabetic) {
            // `</tag>`, `<!doctype>` or a stray `<`.
            continue;
        }
        let name_end = (i..s.len())
            .find(|&k| !s[k].is_ascii_alphanumeric() && s[k] != b'-')
            .unwrap_or(s.len());
        let tag = lower[i..name_end].to_string();
        i = name_end;
        let mut attrs = Vec::new();
        loop {
            while i < s.len() && (s[i].is_ascii_whitespace() || s[i] == b'/') {
                i += 1;
            }
            if i >= s.len() || s[i] == b'>' {
                i += 1;
                break;
            }
            let n0 = i;
            while i < s.len() && !s[i].is_ascii_whitespace() && !b"=>/".contains(&s[i]) {
                i += 1;
            }
            let name = lower[n0..i].to_string();
            while i < s.len() && s[i].is_ascii_whitespace() {
                i += 1;
            }
            let mut value = String::new();
            if s.get(i) == Some(&b'=') {
                i += 1;
                while i < s.len() && s[i].is_ascii_whitespace() {
                    i += 1;
                }
                if let Some(&q @ (b'"' | b'\'')) = s.get(i) {
                    let end = html[i + 1..].find(q as char).map_or(s.len(), |k| i + 1 + k);
                    value = html[i + 1..end].to_string();
                    i = (end + 1).min(s.len());
                } else {
                    let v0 = i;
                    while i < s.len() && !s[i].is_ascii_whitespace() && s[i] != b'>' {
                        i += 1;
                    }
                    value = html[v0..i].to_string();
                }
            }
            attrs.push((name, value));
        }
        i = i.min(s.len());
        let attr = |n: &str| attrs.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
        if let Some(src) = attr("src") {
            out.push(HtmlRef {
                url: src.trim().to_string(),
                import: false,
            });
        }
        if tag == "link" {
            if let Some(href) = attr("href") {
                out.push(HtmlRef {
                    url: href.trim().to_string(),
                    import: false,
                });
            }
        }
        if tag == "script" || tag == "style" {
            // Raw text up to the closing tag.
            let close = format!("</{tag}");
            let end = lower[i..].find(&close).map_or(s.len(), |k| i + k);
            let is_module = attr("type").is_some_and(|t| t.trim().eq_ignore_ascii_case("module"));
            if tag == "script" && is_module && attr("src").is_none() {
                out.extend(
                    static_imports(&html[i..end])
                        .into_iter()
                        .map(|url| HtmlRef { url, import: true }),
                );
            }
            i = end;
        }
    }
    out
}

/// The path under `dist/` that `url`, found in the file in folder `base_dir`, names; None for
/// other origins, `data:`/`blob:` URLs and bare module specifiers (not a file; `bare_is_local`
/// for HTML attributes, where `a.css` means `./a.css`). Assumes Trunk's default public URL `/`.
pub(crate) fn resolve(base_dir: &str, url: &str, bare_is_local: bool) -> Option<String> {
    let url = url.split(['#', '?']).next().unwrap_or("");
    if url.is_empty() || url.starts_with("//") {
        return None;
    }
    let scheme = url.find(':').is_some_and(|c| !url[..c].contains('/'));
    if scheme {
        return None;
    }
    let joined = if let Some(abs) = url.strip_prefix('/') {
        abs.to_string()
    } else if url.starts_with("./") || url.starts_with("../") || bare_is_local {
        format!("{base_dir}/{url}")
    } else {
        return None;
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    // `/` itself is the page, not another download.
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::TRUNK_HTML;

    #[test]
    fn html_refs_of_trunk_output() {
        let refs: Vec<(String, bool)> = html_refs(TRUNK_HTML)
            .into_iter()
            .map(|r| (r.url, r.import))
            .collect();
        let r = |u: &str, import| (u.to_string(), import);
        assert_eq!(
            refs,
            [
                r("/main-86.css", false),
                r("job-83.css", false),
                r("/fastexec-e3.js", true),
                r("/fastexec-e3.js", false),
                r("/fastexec-e3_bg.wasm", false),
                r("https://example.com/x.png", false),
            ]
        );
    }

    #[test]
    fn resolve_paths_like_a_browser() {
        assert_eq!(resolve("", "/a.js?v=1#x", false).as_deref(), Some("a.js"));
        assert_eq!(
            resolve("snippets/x", "../../b.js", false).as_deref(),
            Some("b.js")
        );
        assert_eq!(
            resolve("", "./snippets/x/inline0.js", false).as_deref(),
            Some("snippets/x/inline0.js")
        );
        assert_eq!(resolve("", "main.css", true).as_deref(), Some("main.css"));
        // A bare specifier is a package name, not a file.
        assert_eq!(resolve("", "leptos", false), None);
        assert_eq!(resolve("", "https://cdn.example/a.js", true), None);
        assert_eq!(resolve("", "//cdn.example/a.js", true), None);
        assert_eq!(resolve("", "data:text/css,a", true), None);
        assert_eq!(resolve("", "/", true), None);
    }
}
