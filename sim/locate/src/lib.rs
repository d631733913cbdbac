//! Finds where a value sits in RON text, so errors found after parsing can point at it:
//! scenario files, `--set` overrides shown as RON, and service definitions.
//!
//! serde forgets positions once a value is built, so checks that run on the raw types report
//! a path (`sites[2].kiosks[0].count`) and this module walks the text along that path. It only
//! runs on text that `ron` has already parsed, so it can be forgiving.

use std::fmt;

/// One step of a path into a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A named field of a struct.
    Field(&'static str),
    /// An element of a list or tuple.
    Index(usize),
}

/// A path from the top of a scenario file to one value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path(pub Vec<Step>);

impl Path {
    /// This path, then the field `name`.
    pub fn field(&self, name: &'static str) -> Self {
        let mut p = self.clone();
        p.0.push(Step::Field(name));
        p
    }

    /// This path, then element `i`.
    pub fn index(&self, i: usize) -> Self {
        let mut p = self.clone();
        p.0.push(Step::Index(i));
        p
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for step in &self.0 {
            match step {
                Step::Field(name) if first => write!(f, "{name}")?,
                Step::Field(name) => write!(f, ".{name}")?,
                Step::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

/// Byte range of the value at `path` in `text`, or of the closest enclosing value found.
pub fn locate(text: &str, path: &Path) -> (usize, usize) {
    let mut cur = Cursor { b: text.as_bytes(), pos: 0 };
    cur.skip_ws();
    let mut span = cur.value_span();
    for step in &path.0 {
        let mut inner = Cursor { b: text.as_bytes(), pos: span.0 };
        match inner.find_child(step) {
            Some(child) => span = child,
            None => break,
        }
    }
    span
}

struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        loop {
            match self.peek() {
                Some(c) if c.is_ascii_whitespace() => self.pos += 1,
                Some(b'/') if self.b.get(self.pos + 1) == Some(&b'/') => {
                    while let Some(c) = self.peek() {
                        self.pos += 1;
                        if c == b'\n' {
                            break;
                        }
                    }
                }
                Some(b'/') if self.b.get(self.pos + 1) == Some(&b'*') => {
                    self.pos += 2;
                    let mut depth = 1;
                    while depth > 0 && self.pos < self.b.len() {
                        if self.b[self.pos..].starts_with(b"/*") {
                            depth += 1;
                            self.pos += 2;
                        } else if self.b[self.pos..].starts_with(b"*/") {
                            depth -= 1;
                            self.pos += 2;
                        } else {
                            self.pos += 1;
                        }
                    }
                }
                _ => return,
            }
        }
    }

    fn ident(&mut self) -> &[u8] {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == b'_' {
                self.pos += 1;
            } else {
                break;
            }
        }
        &self.b[start..self.pos]
    }

    /// Skips one value and returns its span.
    fn value_span(&mut self) -> (usize, usize) {
        self.skip_ws();
        let start = self.pos;
        match self.peek() {
            Some(b'"') => self.skip_string(),
            Some(b'\'') => {
                self.pos += 1;
                while let Some(c) = self.peek() {
                    self.pos += 1;
                    if c == b'\\' {
                        self.pos += 1;
                    } else if c == b'\'' {
                        break;
                    }
                }
            }
            Some(b'(' | b'[' | b'{') => self.skip_group(),
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                self.ident();
                let save = self.pos;
                self.skip_ws();
                if self.peek() == Some(b'(') {
                    self.skip_group();
                } else {
                    self.pos = save;
                }
            }
            Some(_) => {
                while let Some(c) = self.peek() {
                    if matches!(c, b',' | b')' | b']' | b'}') || c.is_ascii_whitespace() {
                        break;
                    }
                    self.pos += 1;
                }
            }
            None => {}
        }
        (start, self.pos.max(start + 1).min(self.b.len().max(start)))
    }

    fn skip_string(&mut self) {
        self.pos += 1;
        while let Some(c) = self.peek() {
            self.pos += 1;
            if c == b'\\' {
                self.pos += 1;
            } else if c == b'"' {
                break;
            }
        }
    }

    fn skip_group(&mut self) {
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            match c {
                b'"' => {
                    self.skip_string();
                    continue;
                }
                b'/' => {
                    let before = self.pos;
                    self.skip_ws();
                    if self.pos != before {
                        continue;
                    }
                }
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.pos += 1;
                        return;
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
    }

    /// Whether the identifier that started at `start` was exactly `Some`.
    fn ident_was_some(&self, start: usize) -> bool {
        self.b[start..].starts_with(b"Some")
            && !self.b.get(start + 4).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
    }

    /// Positioned at the start of a value, finds the span of the child `step`.
    fn find_child(&mut self, step: &Step) -> Option<(usize, usize)> {
        self.skip_ws();
        // `Some(value)` stands for the value itself: look inside.
        while self.b[self.pos..].starts_with(b"Some") {
            let save = self.pos;
            self.ident();
            self.skip_ws();
            if self.ident_was_some(save) && self.peek() == Some(b'(') {
                self.pos += 1;
                self.skip_ws();
            } else {
                self.pos = save;
                break;
            }
        }
        if self.peek().is_some_and(|c| c.is_ascii_alphabetic() || c == b'_') {
            self.ident();
            self.skip_ws();
        }
        let open = self.peek()?;
        if !matches!(open, b'(' | b'[' | b'{') {
            return None;
        }
        self.pos += 1;
        let mut index = 0usize;
        loop {
            self.skip_ws();
            match self.peek()? {
                b')' | b']' | b'}' => return None,
                b',' => {
                    self.pos += 1;
                    continue;
                }
                _ => {}
            }
            // A struct field is `name: value`; anything else is a positional element.
            let save = self.pos;
            let name = self.ident().to_vec();
            self.skip_ws();
            let is_field = !name.is_empty() && self.peek() == Some(b':') && open == b'(';
            if is_field {
                self.pos += 1;
                let span = self.value_span();
                if let Step::Field(wanted) = step
                    && wanted.as_bytes() == name.as_slice()
                {
                    return Some(span);
                }
            } else {
                self.pos = save;
                let span = self.value_span();
                if open == b'{' {
                    self.skip_ws();
                    if self.peek() == Some(b':') {
                        self.pos += 1;
                        self.value_span();
                    }
                }
                if *step == Step::Index(index) {
                    return Some(span);
                }
                index += 1;
            }
        }
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, col)
}
