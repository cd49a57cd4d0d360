//! Where the lines of a text start: turns proc-macro2 line/column positions (lines counted
//! after each `\n`, columns in characters) into byte offsets and back with a binary search
//! and a walk of one line, where `Span::byte_range` walks the text from the last offset it
//! computed.

/// The byte offset of the start of each line of a text; the first is 0.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// The byte offset where 1-based `line` starts; `None` past the last line (or line 0).
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    /// The 1-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }

    /// The byte offset in `text` (the text this index was made from) of 1-based `line` and
    /// 0-based `column` in characters; `None` when there is no such place.
    pub fn offset(&self, text: &str, line: usize, column: usize) -> Option<usize> {
        let line_start = self.line_start(line)?;
        let rest = text.get(line_start..)?;
        rest.char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(rest.len()))
            .nth(column)
            .map(|i| line_start + i)
    }
}

#[cfg(test)]
mod tests {
    use super::LineIndex;

    #[test]
    fn lines_and_columns_to_bytes_and_back() {
        let text = "ab\né中x\n\nz";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_start(1), Some(0));
        assert_eq!(idx.line_start(2), Some(3));
        assert_eq!(idx.line_start(5), None);
        assert_eq!(idx.line_start(0), None);
        // `x` is the third character of line 2, after two multi-byte ones
        assert_eq!(idx.offset(text, 2, 2), text.find('x'));
        // just past the last character of the text
        assert_eq!(idx.offset(text, 4, 1), Some(text.len()));
        assert_eq!(idx.offset(text, 4, 2), None);
        assert_eq!(idx.line_of(0), 1);
        assert_eq!(idx.line_of(text.find('x').unwrap_or(0)), 2);
        assert_eq!(idx.line_of(text.len()), 4);
    }
}
