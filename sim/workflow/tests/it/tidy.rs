//! Tidy checks as tests: `//!` first lines, no ignored tests, service files cite sources.

use std::path::{Path, PathBuf};

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

#[test]
fn every_rust_file_starts_with_a_module_doc() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut rs = Vec::new();
    for d in ["src", "tests", "benches"] {
        files(&root.join(d), "rs", &mut rs);
    }
    assert!(rs.len() > 10);
    let ignore_attr = ["#[", "ignore]"].concat();
    for p in rs {
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        assert!(text.starts_with("//!"), "{} lacks a //! first line", p.display());
        assert!(!text.contains(&ignore_attr), "{} ignores a test", p.display());
    }
}

#[test]
fn service_files_cite_the_parameters_or_mark_estimates() {
    let mut ron = Vec::new();
    files(&crate::drive::services_dir(), "ron", &mut ron);
    assert_eq!(ron.len(), 10);
    for p in ron {
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        assert!(text.contains("parameters.md"), "{}", p.display());
        // Every deadline figure sits beside a citation or an [est.] mark.
        let lines: Vec<&str> = text.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            if l.trim_start().starts_with("working_days:") {
                let context = lines[i.saturating_sub(3)..=i].join("\n");
                assert!(
                    context.contains("parameters.md") || context.contains("[est.]"),
                    "{}:{} deadline without a source",
                    p.display(),
                    i + 1
                );
            }
        }
    }
}

#[test]
fn the_crate_depends_on_no_workspace_crate_but_the_text_locator() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .unwrap_or_default();
    let deps = manifest.split("[dependencies]").nth(1).unwrap_or_default();
    assert!(deps.contains("sha2"), "the dependency section was found");
    // navbat-locate (positions in RON text, no dependencies of its own) is the one allowed.
    let others = deps.lines().filter(|l| l.contains("navbat-") && !l.starts_with("navbat-locate"));
    assert_eq!(others.count(), 0, "workflow knows no simulator crate");
    assert!(!deps.contains("bevy"), "workflow has no Bevy");
}
