//! `navbat discover LOG --out DIR`: learn the back office from a case log — successions
//! with rare ones filtered, case arrivals, processing times fitted with navbat-fit, resource
//! roles with sizes and calendars, and what could not be learned — saved as
//! `DIR/discovery.json`, with the runnable model `DIR/scenario.ron` and
//! `DIR/services/discovered.ron` (`crate::discovered`). The folder is written all or nothing
//! through `navbat_record::folder` (never over a folder navbat did not write), and the
//! scenario is loaded and validated in the hidden folder before it is renamed into place.

use std::path::PathBuf;

use clap::Args;
use miette::{IntoDiagnostic, WrapErr};
use navbat_discover::{LearnOptions, learn};

use crate::compare::read_filtered;

/// `navbat discover`'s arguments.
#[derive(Args, Debug)]
pub(crate) struct DiscoverArgs {
    /// The case log: `.xes`, `.xes.gz` or `.jsonocel`.
    log: PathBuf,
    /// Folder to write `discovery.json`, `scenario.ron` and `services/` into (replaced only
    /// if navbat wrote it).
    #[arg(long)]
    out: PathBuf,
    /// Keep only activities whose name starts with this prefix (repeatable).
    #[arg(long, value_name = "PREFIX")]
    activity_prefix: Vec<String>,
    /// A succession below this share of its source's successions is dropped as noise.
    #[arg(long, default_value_t = 0.02)]
    noise_threshold: f64,
}

/// Why the discovered folder could not be written.
struct Failed(miette::Report);

impl From<navbat_record::folder::FolderError> for Failed {
    fn from(e: navbat_record::folder::FolderError) -> Self {
        Failed(miette::Report::msg(e.to_string()))
    }
}

pub(crate) fn discover(args: &DiscoverArgs) -> miette::Result<()> {
    let mut out = String::new();
    if !(0.0..1.0).contains(&args.noise_threshold) {
        miette::bail!("--noise-threshold {} is not in [0, 1)", args.noise_threshold);
    }
    let log = read_filtered(&args.log, &args.activity_prefix)?;
    let options = LearnOptions { noise_threshold: args.noise_threshold, ..LearnOptions::default() };
    let d = learn(&log, options);
    let source = args
        .log
        .file_name()
        .map_or_else(|| args.log.display().to_string(), |n| n.to_string_lossy().into_owned());
    let files = crate::discovered::model_files(&d, &log, &source);
    let mut json = d.to_json();
    if let Some(o) = json.as_object_mut() {
        // For validate-twin's naive reference and filter.
        let source = std::path::absolute(&args.log).unwrap_or_else(|_| args.log.clone());
        o.insert("source".to_owned(), serde_json::json!(source.display().to_string()));
        o.insert("activity_prefix".to_owned(), serde_json::json!(args.activity_prefix));
    }
    let json = serde_json::to_string_pretty(&json).into_diagnostic()? + "\n";
    navbat_record::folder::write_folder_with(&args.out, |tmp: &std::path::Path| {
        let write = |name: &str, text: &str| -> Result<(), Failed> {
            let path = tmp.join(name);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .into_diagnostic()
                    .wrap_err_with(|| format!("{}", dir.display()))
                    .map_err(Failed)?;
            }
            std::fs::write(&path, text)
                .into_diagnostic()
                .wrap_err_with(|| format!("{}", path.display()))
                .map_err(Failed)
        };
        write("discovery.json", &json)?;
        write("scenario.ron", &files.scenario)?;
        write(&format!("services/{}.ron", crate::discovered::SERVICE), &files.service)?;
        // What is written must load: the scenario and its service, as `navbat run` will.
        navbat_scenario::load(&tmp.join("scenario.ron")).map_err(|e| {
            Failed(miette::Report::new(e).wrap_err("the discovered scenario does not load"))
        })?;
        Ok(())
    })
    .map_err(|Failed(e)| e)
    .wrap_err_with(|| format!("writing {}", args.out.display()))?;
    let path = args.out.join("scenario.ron");
    outln!(
        out,
        "{} cases, {} activities, {} roles; successions kept {}, dropped {} below {:.0} % ({} of {} transitions, {} cases)",
        d.cases,
        d.activities.len(),
        d.roles.len(),
        d.successions.len(),
        d.noise.dropped_successions,
        100.0 * d.noise.threshold,
        d.noise.dropped_transitions,
        d.noise.transitions,
        d.noise.cases_affected
    );
    for r in &d.roles {
        outln!(
            out,
            "  {}: {} members, {} h/week on duty, {}",
            r.id,
            r.members.len(),
            r.hours_per_week(),
            r.activities.join(", ")
        );
    }
    outln!(out, "not learned:");
    for s in d.not_learned.iter().chain(&files.notes) {
        outln!(out, "  - {s}");
    }
    outln!(out, "wrote {}", path.display());
    crate::emit(&out)
}
