//! A strict checker for the report's HTML: every element closed in order, void elements
//! excepted, self-closing tags accepted (inline SVG). Enough for markup we generate; not a
//! general HTML parser.

const VOID: [&str; 6] = ["meta", "br", "hr", "img", "input", "link"];

/// Checks that tags balance; returns what is wrong at the first problem.
pub(crate) fn check_balanced(html: &str) -> Result<(), String> {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let end = after.find('>').ok_or_else(|| "unterminated tag".to_owned())?;
        let tag = &after[..end];
        rest = &after[end + 1..];
        if tag.starts_with('!') || tag.starts_with('?') {
            continue;
        }
        if tag.contains('<') {
            return Err(format!("'<' inside a tag: {tag:?}"));
        }
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim().to_ascii_lowercase();
            match stack.pop() {
                Some(open) if open == name => {}
                Some(open) => return Err(format!("</{name}> closes <{open}>")),
                None => return Err(format!("</{name}> closes nothing")),
            }
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() {
            return Err(format!("bad tag {tag:?}"));
        }
        if tag.ends_with('/') || VOID.contains(&name.as_str()) {
            continue;
        }
        stack.push(name);
    }
    if rest.contains('>') && !stack.is_empty() {
        return Err("stray '>'".to_owned());
    }
    match stack.last() {
        Some(open) => Err(format!("<{open}> never closed")),
        None => Ok(()),
    }
}
