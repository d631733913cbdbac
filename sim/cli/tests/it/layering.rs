//! The crate layering as a test: every `sim/*/Cargo.toml` and `benches/Cargo.toml` may name
//! only the navbat crates the layering puts below it.

use std::path::Path;

/// What a crate may depend on.
#[derive(Clone, Copy)]
enum May {
    /// Only these navbat crates.
    Only(&'static [&'static str]),
    /// Any navbat crate (the binary and the benches sit on top).
    Any,
}

/// The allowed edges: the diagram in ARCHITECTURE.md's "Bird's-eye view", leaves first. Change
/// the diagram and this table together.
const LAYERS: &[(&str, May)] = &[
    ("navbat-locate", May::Only(&[])),
    ("navbat-matching", May::Only(&[])),
    ("navbat-workflow", May::Only(&["navbat-locate"])),
    ("navbat-record", May::Only(&[])),
    ("navbat-fit", May::Only(&[])),
    ("navbat-select", May::Only(&[])),
    ("navbat-records", May::Only(&[])),
    ("navbat-scenario", May::Only(&["navbat-workflow", "navbat-locate"])),
    (
        "navbat-engine",
        May::Only(&["navbat-scenario", "navbat-record", "navbat-matching", "navbat-workflow"]),
    ),
    ("navbat-report", May::Only(&["navbat-record"])),
    (
        "navbat-calibrate",
        May::Only(&["navbat-fit", "navbat-records", "navbat-scenario", "navbat-record"]),
    ),
    ("navbat-discover", May::Only(&["navbat-fit", "navbat-scenario", "navbat-workflow"])),
    (
        "navbat-planner",
        May::Only(&["navbat-scenario", "navbat-record", "navbat-engine", "navbat-optimise"]),
    ),
    (
        "navbat-optimise",
        May::Only(&[
            "navbat-scenario",
            "navbat-record",
            "navbat-engine",
            "navbat-locate",
            "navbat-select",
        ]),
    ),
    ("navbat", May::Any),
    ("navbat-benches", May::Any),
];

/// A package's manifest, as far as the layering cares.
#[derive(Debug)]
struct Manifest {
    /// Where it was read (for messages).
    file: String,
    /// `[package] name`.
    name: String,
    /// Every crate named in a dependency table (normal, dev, build, per target), with the
    /// table: `(crate, table)`.
    deps: Vec<(String, String)>,
}

/// The section a line of a manifest is in.
enum Section {
    Package,
    /// A dependency table such as `[dependencies]` or `[target.'cfg(unix)'.dev-dependencies]`.
    Deps(String),
    /// One dependency as a table, `[dependencies.NAME]`: its index in `deps`.
    Dep(usize),
    Other,
}

const DEP_TABLES: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];

/// The line without its `#` comment (a `#` inside a string stays).
fn without_comment(line: &str) -> &str {
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '#' if !quoted => return &line[..i],
            _ => {}
        }
    }
    line
}

/// The string value of `key = "..."` inside `text` (an inline table or a line).
fn string_value(text: &str, key: &str) -> Option<String> {
    let rest = text.split(key).skip(1).find_map(|after| after.trim_start().strip_prefix('='))?;
    let rest = rest.trim_start().strip_prefix('"')?;
    rest.split('"').next().map(str::to_owned)
}

/// Reads the parts of a manifest the layering needs: the package name and the crates named
/// in dependency tables (the `package = "..."` of a renamed dependency counts, not its key).
fn parse(file: &str, text: &str) -> Result<Manifest, String> {
    let mut name = None;
    let mut deps: Vec<(String, String)> = Vec::new();
    let mut section = Section::Other;
    for raw in text.lines() {
        let line = without_comment(raw).trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('[') {
            let header = line.trim_matches(|c| c == '[' || c == ']').trim();
            let parts: Vec<&str> = header.split('.').collect();
            section = match parts.iter().position(|p| DEP_TABLES.contains(p)) {
                _ if header == "package" => Section::Package,
                Some(i) if i + 1 == parts.len() => Section::Deps(header.to_owned()),
                Some(i) => {
                    let dep = parts[i + 1..].join(".").trim_matches('"').to_owned();
                    deps.push((dep, parts[..=i].join(".")));
                    Section::Dep(deps.len() - 1)
                }
                None => Section::Other,
            };
            continue;
        }
        // Lines without `=` continue a multi-line array.
        let Some((key, value)) = line.split_once('=') else { continue };
        let key = key.trim();
        match &section {
            Section::Package if key == "name" => name = string_value(line, "name"),
            Section::Deps(table) => {
                // `foo.workspace = true`, `foo = "1"`, `foo = { package = "bar", ... }`.
                let key = key.split('.').next().unwrap_or(key).trim_matches('"');
                let crate_name = string_value(value, "package").unwrap_or_else(|| key.to_owned());
                deps.push((crate_name, table.clone()));
            }
            Section::Dep(i) if key == "package" => {
                if let (Some(dep), Some(renamed)) =
                    (deps.get_mut(*i), string_value(line, "package"))
                {
                    dep.0 = renamed;
                }
            }
            _ => {}
        }
    }
    let name = name.ok_or_else(|| format!("{file}: no [package] name"))?;
    Ok(Manifest { file: file.to_owned(), name, deps })
}

/// Every breach of [`LAYERS`] among `manifests`, one sentence each.
fn check(manifests: &[Manifest]) -> Vec<String> {
    let layer = |name: &str| LAYERS.iter().find(|(n, _)| *n == name).map(|(_, may)| *may);
    let ours = |name: &str| name.starts_with("navbat") || layer(name).is_some();
    let mut problems = Vec::new();
    for m in manifests {
        let Some(may) = layer(&m.name) else {
            problems.push(format!(
                "{}: crate {} is not in the layering table; add it (tests/it/layering.rs) and to \
                 ARCHITECTURE.md's diagram",
                m.file, m.name
            ));
            continue;
        };
        for (dep, table) in &m.deps {
            let allowed = match may {
                May::Any => layer(dep).is_some(),
                May::Only(below) => below.contains(&dep.as_str()),
            };
            if ours(dep) && !allowed {
                problems.push(format!(
                    "{}: {} depends on {dep} in [{table}], which the layering does not allow \
                     (see ARCHITECTURE.md's diagram and the table in tests/it/layering.rs)",
                    m.file, m.name
                ));
            }
        }
    }
    for (name, _) in LAYERS {
        if !manifests.iter().any(|m| m.name == *name) {
            problems.push(format!("the layering table names {name}, but no manifest does"));
        }
    }
    problems
}

/// Every `sim/*/Cargo.toml` and `benches/Cargo.toml` of the workspace.
fn workspace_manifests() -> Vec<Manifest> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = vec![root.join("benches/Cargo.toml")];
    for entry in std::fs::read_dir(root.join("sim")).expect("read sim/") {
        let file = entry.expect("sim/ entry").path().join("Cargo.toml");
        if file.is_file() {
            files.push(file);
        }
    }
    files.sort();
    files
        .iter()
        .map(|file| {
            let shown = file.strip_prefix(&root).unwrap_or(file).display().to_string();
            let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{shown}: {e}"));
            parse(&shown, &text).unwrap_or_else(|e| panic!("{e}"))
        })
        .collect()
}

#[test]
fn every_crate_depends_only_on_crates_below_it() {
    let manifests = workspace_manifests();
    assert_eq!(manifests.len(), LAYERS.len(), "{manifests:#?}");
    let edges = manifests
        .iter()
        .flat_map(|m| &m.deps)
        .filter(|(d, _)| LAYERS.iter().any(|(n, _)| n == d))
        .count();
    assert!(edges >= 10, "the manifests name only {edges} navbat crates: {manifests:#?}");
    let problems = check(&manifests);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn manifest(name: &str, deps: &str) -> Manifest {
    let text = format!("[package]\nname = \"{name}\" # the crate\nversion = \"0.1.0\"\n{deps}");
    parse(&format!("sim/{name}/Cargo.toml"), &text).expect("parses")
}

/// `manifest`'s problems, without the other layers' (they are not in the list).
fn breaches(m: Manifest) -> Vec<String> {
    check(&[m]).into_iter().filter(|p| !p.starts_with("the layering table")).collect()
}

#[test]
fn an_upward_edge_is_found_however_the_dependency_is_written() {
    for deps in [
        "[dependencies]\nnavbat-scenario.workspace = true\n",
        "[dependencies]\nnavbat-scenario = { path = \"../scenario\" }\n",
        "[dependencies]\nscenario = { workspace = true, package = \"navbat-scenario\" }\n",
        "[dependencies.navbat-scenario]\nworkspace = true\n",
        "[dependencies.scenario]\npackage = \"navbat-scenario\"\n",
        "[dev-dependencies]\nnavbat-scenario.workspace = true\n",
        "[target.'cfg(unix)'.build-dependencies]\nnavbat-scenario = \"0.1\"\n",
    ] {
        let found = breaches(manifest("navbat-report", deps));
        assert_eq!(found.len(), 1, "{deps}: {found:?}");
        assert!(found[0].contains("navbat-report depends on navbat-scenario"), "{found:?}");
    }
    // Allowed edges and other crates pass.
    let fine = "[dependencies]\nnavbat-record.workspace = true\nserde = \"1\" # navbat-engine\n";
    assert_eq!(breaches(manifest("navbat-report", fine)), Vec::<String>::new());
    assert!(
        breaches(manifest("navbat-record", "[dependencies]\nnavbat-engine = \"0.1\"\n"))
            .iter()
            .any(|p| p.contains("navbat-record depends on navbat-engine"))
    );
    // A new crate must be placed in the table, and so must what the top depends on.
    assert_eq!(breaches(manifest("navbat-gateway", "")).len(), 1);
    assert_eq!(breaches(manifest("navbat", "[dependencies]\nnavbat-gateway = \"0.1\"\n")).len(), 1);
}
