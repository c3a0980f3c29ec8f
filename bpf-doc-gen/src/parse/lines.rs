//! The input as numbered lines, read the way the kernel script reads it.
//!
//! `bpf_doc.py` opens the file in text mode (universal newlines), finds a marker string with
//! `str.find`, and then reads line by line. [`Lines`] keeps the same view: lines without their
//! terminator, 0-based indices internally, 1-based numbers in errors.

/// The lines of one input file.
pub(crate) struct Lines<'a> {
    text: &'a str,
    lines: Vec<&'a str>,
}

impl<'a> Lines<'a> {
    /// Splits `text`, which must already have `\n` line ends only (see [`normalize_newlines`]).
    pub(crate) fn new(text: &'a str) -> Self {
        let mut lines: Vec<&str> = text.split('\n').collect();
        if text.ends_with('\n') || text.is_empty() {
            lines.pop();
        }
        Lines { text, lines }
    }

    /// Line `idx` (0-based), or `None` past the end of the file.
    pub(crate) fn get(&self, idx: usize) -> Option<&'a str> {
        self.lines.get(idx).copied()
    }

    /// Number of lines.
    pub(crate) fn len(&self) -> usize {
        self.lines.len()
    }

    /// Index of the line holding the first occurrence of `marker`, like the script's `seek_to`.
    pub(crate) fn find(&self, marker: &str) -> Option<usize> {
        let offset = self.text.find(marker)?;
        Some(memchr_count(&self.text.as_bytes()[..offset]))
    }
}

fn memchr_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// Converts `\r\n` and lone `\r` line ends to `\n`, as Python's text mode does.
pub(crate) fn normalize_newlines(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('\r') {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// The script's comment-line prefix ` \* ?`: the rest of the line after it, with the space
/// taken first and, if that leads nowhere, not taken (the order a backtracking regex tries).
pub(crate) fn after_star(line: &str) -> impl Iterator<Item = &str> {
    let base = line.strip_prefix(" *");
    let with_space = base.and_then(|b| b.strip_prefix(' '));
    with_space.into_iter().chain(base)
}

/// The script's first indentation level `(?:\t| {5,8})`: every way to consume it, in the order
/// a backtracking regex tries them.
pub(crate) fn after_indent(s: &str) -> impl Iterator<Item = &str> {
    let tab = s.strip_prefix('\t');
    let spaces = s.bytes().take(8).take_while(|&b| b == b' ').count();
    let space_options = (5..=spaces).rev().map(move |k| &s[k..]);
    tab.into_iter().chain(space_options)
}

/// The script's second indentation level `(?:\t| {8})`.
fn after_second_indent(s: &str) -> Option<&str> {
    s.strip_prefix('\t').or_else(|| s.strip_prefix("        "))
}

/// Text of a section body line ` \* ?(?:\t| {5,8})(?:\t| {8})(.*)`, or `None`.
pub(crate) fn body_text(line: &str) -> Option<&str> {
    after_star(line)
        .flat_map(after_indent)
        .find_map(after_second_indent)
}

/// Whether `line` is the section heading ` \* ?(?:\t| {5,8})HEADING$`.
pub(crate) fn is_heading(line: &str, heading: &str) -> bool {
    after_star(line)
        .flat_map(after_indent)
        .any(|s| s == heading)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_text_follows_regex_priority() {
        assert_eq!(body_text(" * \t\tfoo"), Some("foo"));
        assert_eq!(body_text(" *\t\t\tfoo"), Some("\tfoo"));
        assert_eq!(body_text(" *                 x"), Some("x"));
        assert_eq!(body_text(" *                  x"), Some(" x"));
        assert_eq!(body_text(" *          foo"), None);
        assert_eq!(body_text(" * \tReturn"), None);
        assert_eq!(body_text(" *"), None);
    }

    #[test]
    fn headings() {
        assert!(is_heading(" * \tDescription", "Description"));
        assert!(is_heading(" *\tReturn", "Return"));
        assert!(is_heading(" *      Return", "Return"));
        assert!(!is_heading(" * \t\tReturn", "Return"));
        assert!(!is_heading(" * \tReturn ", "Return"));
    }

    #[test]
    fn lines_and_find() {
        let l = Lines::new("a\nb marker\nc\n");
        assert_eq!(l.len(), 3);
        assert_eq!(l.find("marker"), Some(1));
        assert_eq!(l.get(3), None);
        let l = Lines::new("a\nb");
        assert_eq!(l.len(), 2);
        assert_eq!(normalize_newlines("a\r\nb\rc"), "a\nb\nc");
    }
}
