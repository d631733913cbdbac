//! `navbat merge`: checks that shard folders belong together and writes the results folder
//! one machine would have written, byte for byte, through the one folder writer.
//!
//! Every shard folder is checked against its manifest, and its scenario (and sweep) text
//! against the SHA-256 its `shard.json` records. Shards must share navbat's version, the
//! scenario, the seed and the command (a run) or the grid (a sweep); together they must hold
//! every replication exactly once. The per-replication rows are read back exactly (see
//! [`crate::shard`]) and put in replication order, and the files are written by the same
//! functions `navbat run` and `navbat sweep` use, so the merged folder is theirs.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use miette::{IntoDiagnostic, WrapErr};
use navbat_record::{
    BackOfficeRow, BreakdownRow, FaceRow, ReplicationRecord, RunSummary, SiteRecord, SweepPoint,
    SweepSummary,
};
use rayon::prelude::*;

use crate::shard::{Grid, Part, SHARD_FILE, SHARD_FORMAT, ShardFile};

/// `navbat merge DIR… --out DIR`.
#[derive(Args, Debug)]
pub(crate) struct MergeArgs {
    /// Shard folders, in any order: written by `navbat run … --first-replication K --out DIR`
    /// or by `navbat sweep … --shard I/N --out DIR`.
    #[arg(required = true, value_name = "SHARD")]
    shards: Vec<PathBuf>,
    /// Where to write the merged results folder (absent, empty or an earlier results folder
    /// of navbat's, replaced whole).
    #[arg(long)]
    out: PathBuf,
}

/// A shard folder, checked and read.
struct Loaded {
    dir: PathBuf,
    file: ShardFile,
    scenario_text: String,
}

/// Merges `args.shards` into `args.out`.
pub(crate) fn merge(args: &MergeArgs) -> miette::Result<()> {
    use navbat_record::folder;
    folder::check_writable(&args.out)
        .into_diagnostic()
        .wrap_err_with(|| format!("--out {}: cannot write there", args.out.display()))?;
    for dir in &args.shards {
        folder::check_apart(dir, &args.out).into_diagnostic().wrap_err_with(|| {
            format!(
                "--out {} and the shard {} are the same folder, or one holds the other",
                args.out.display(),
                dir.display()
            )
        })?;
    }
    let started = Instant::now();
    let shards: Vec<Loaded> =
        args.shards.par_iter().map(|d| load(d)).collect::<miette::Result<_>>()?;
    let first = &shards[0];
    for s in &shards[1..] {
        same(s, first, "navbat version", &s.file.navbat_version, &first.file.navbat_version)?;
        same(s, first, "scenario SHA-256", &s.file.scenario_sha256, &first.file.scenario_sha256)?;
        same(s, first, "seed", &s.file.seed, &first.file.seed)?;
    }
    let kind = |l: &Loaded| match l.file.part {
        Part::Run { .. } => "a run's",
        Part::Sweep { .. } => "a sweep's",
        Part::Optimise { .. } => "an optimisation's",
    };
    if let Some(other) = shards.iter().find(|s| kind(s) != kind(first)) {
        return Err(miette::miette!(
            "{} holds {} shard, but {} holds {} shard: merge shards of one experiment",
            other.dir.display(),
            kind(other),
            first.dir.display(),
            kind(first)
        ));
    }
    let units = match first.file.part {
        Part::Run { .. } => merge_run(&shards, &args.out)?,
        Part::Sweep { .. } => merge_sweep(&shards, &args.out)?,
        Part::Optimise { .. } => merge_optimise(&shards, &args.out)?,
    };
    eprintln!(
        "merged {} shards ({units} replications) into {} in {:.2} s",
        shards.len(),
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Errors unless `mine` (of shard `s`) equals `theirs` (of shard `first`).
fn same<T: PartialEq + std::fmt::Display>(
    s: &Loaded,
    first: &Loaded,
    what: &str,
    mine: &T,
    theirs: &T,
) -> miette::Result<()> {
    if mine == theirs {
        return Ok(());
    }
    Err(miette::miette!(
        "{}: {what} {mine}, but {} has {theirs}: these shards are not of one experiment",
        s.dir.display(),
        first.dir.display()
    ))
}

/// Checks `dir` against its manifest and reads its `shard.json` and scenario (and sweep)
/// text, whose SHA-256 must be the recorded one.
fn load(dir: &Path) -> miette::Result<Loaded> {
    let where_ = || format!("shard {}", dir.display());
    let listed = navbat_record::folder::verify_folder(dir)
        .into_diagnostic()
        .wrap_err_with(|| format!("{}: not a complete, unchanged shard folder", where_()))?;
    if !listed.iter().any(|f| f == SHARD_FILE) {
        return Err(miette::miette!(
            "{}: no {SHARD_FILE}, so not a shard folder (a whole run's or sweep's results \
             folder needs no merge)",
            where_()
        ));
    }
    let path = dir.join(SHARD_FILE);
    let text = read_text(&path)?;
    let layout: serde_json::Value = serde_json::from_str(&text)
        .into_diagnostic()
        .wrap_err_with(|| format!("{}: not JSON", path.display()))?;
    if layout.get("format_version").and_then(serde_json::Value::as_u64)
        != Some(u64::from(SHARD_FORMAT))
    {
        return Err(miette::miette!(
            "{}: shard layout {} (format_version), but this navbat merges layout {SHARD_FORMAT}: \
             make the shards again with this navbat",
            path.display(),
            layout.get("format_version").map_or_else(|| "none".to_owned(), ToString::to_string)
        ));
    }
    let file: ShardFile = serde_json::from_str(&text)
        .into_diagnostic()
        .wrap_err_with(|| format!("{}: not a shard file", path.display()))?;
    let scenario_text = read_text(&dir.join("scenario.ron"))?;
    check_hash(dir, "scenario.ron", &scenario_text, &file.scenario_sha256)?;
    if let Part::Sweep { grid, .. } = &file.part {
        check_hash(dir, "sweep.ron", &read_text(&dir.join("sweep.ron"))?, &grid.sweep_sha256)?;
    }
    Ok(Loaded { dir: dir.to_path_buf(), file, scenario_text })
}

fn check_hash(dir: &Path, name: &str, text: &str, recorded: &str) -> miette::Result<()> {
    let found = navbat_record::folder::sha256_hex(text.as_bytes());
    if found != recorded {
        return Err(miette::miette!(
            "{}: its SHA-256 is {found}, but {SHARD_FILE} records {recorded}",
            dir.join(name).display()
        ));
    }
    Ok(())
}

fn read_text(path: &Path) -> miette::Result<String> {
    std::fs::read_to_string(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read {}", path.display()))
}

/// Reads every row of the CSV file `name` in `dir` (none when the file is absent).
fn read_rows<T: serde::de::DeserializeOwned>(dir: &Path, name: &str) -> miette::Result<Vec<T>> {
    let path = dir.join(name);
    if !path.exists() {
        return Ok(Vec::new());
    }
    let mut reader = csv::Reader::from_path(&path)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read {}", path.display()))?;
    reader
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .into_diagnostic()
        .wrap_err_with(|| format!("{}: a row is not a row of this table", path.display()))
}

/// Rows grouped by replication, for replications `first..first + count`.
fn by_replication<T>(
    rows: Vec<T>,
    replication: impl Fn(&T) -> u32,
    first: u32,
    count: u32,
    file: &Path,
) -> miette::Result<Vec<Vec<T>>> {
    let mut out: Vec<Vec<T>> = (0..count).map(|_| Vec::new()).collect();
    for row in rows {
        let r = replication(&row);
        let slot = r.checked_sub(first).and_then(|i| out.get_mut(i as usize));
        let Some(slot) = slot else {
            return Err(miette::miette!(
                "{}: a row of replication {r}, but this shard holds replications {first} to {}",
                file.display(),
                first + count - 1
            ));
        };
        slot.push(row);
    }
    Ok(out)
}

/// The replication records of one run shard: its own and its baseline's (sites only).
type RunRecords = (Vec<ReplicationRecord>, Option<Vec<ReplicationRecord>>);

/// Reads the tables of run shard `l` (replications `first..first + count`).
fn read_run_shard(
    l: &Loaded,
    first: u32,
    count: u32,
    baseline: bool,
) -> miette::Result<RunRecords> {
    let dir = &l.dir;
    let sites = by_replication(
        read_rows::<SiteRecord>(dir, "replications.csv")?,
        |s| s.replication,
        first,
        count,
        &dir.join("replications.csv"),
    )?;
    let breakdown = by_replication(
        read_rows::<BreakdownRow>(dir, "breakdown.csv")?,
        |b| b.replication,
        first,
        count,
        &dir.join("breakdown.csv"),
    )?;
    let face = by_replication(
        read_rows::<FaceRow>(dir, "face.csv")?,
        |f| f.replication,
        first,
        count,
        &dir.join("face.csv"),
    )?;
    let office = by_replication(
        read_rows::<BackOfficeRow>(dir, "backoffice.csv")?,
        |b| b.replication,
        first,
        count,
        &dir.join("backoffice.csv"),
    )?;
    let reps: Vec<ReplicationRecord> = sites
        .into_iter()
        .zip(breakdown)
        .zip(face)
        .zip(office)
        .zip(first..)
        .map(|((((sites, breakdown), face), back_office), replication)| ReplicationRecord {
            replication,
            events: 0,
            sites,
            breakdown,
            face,
            back_office,
            // A shard is written only from sound replications.
            fault: None,
        })
        .collect();
    check_sites(&reps, &dir.join("replications.csv"))?;
    let base = if baseline {
        let file = dir.join("baseline.csv");
        if !file.exists() {
            return Err(miette::miette!("{}: missing, but the run has a baseline", file.display()));
        }
        let rows = by_replication(
            read_rows::<SiteRecord>(dir, "baseline.csv")?,
            |s| s.replication,
            first,
            count,
            &file,
        )?;
        let base: Vec<ReplicationRecord> =
            rows.into_iter().zip(first..).map(|(sites, r)| sites_only(r, sites)).collect();
        check_sites(&base, &file)?;
        Some(base)
    } else {
        None
    };
    Ok((reps, base))
}

fn sites_only(replication: u32, sites: Vec<SiteRecord>) -> ReplicationRecord {
    ReplicationRecord {
        replication,
        events: 0,
        sites,
        breakdown: Vec::new(),
        face: Vec::new(),
        back_office: Vec::new(),
        fault: None,
    }
}

/// Every replication has rows, for the same sites in the same order.
fn check_sites(reps: &[ReplicationRecord], file: &Path) -> miette::Result<()> {
    let ids = |r: &ReplicationRecord| r.sites.iter().map(|s| s.site.clone()).collect::<Vec<_>>();
    let Some(first) = reps.first() else { return Ok(()) };
    for r in reps {
        if r.sites.is_empty() {
            return Err(miette::miette!(
                "{}: no rows for replication {}",
                file.display(),
                r.replication
            ));
        }
        if ids(r) != ids(first) {
            return Err(miette::miette!(
                "{}: replication {} has the sites {:?}, replication {} has {:?}",
                file.display(),
                r.replication,
                ids(r),
                first.replication,
                ids(first)
            ));
        }
    }
    Ok(())
}

/// Merges run shards; returns the number of replications.
fn merge_run(shards: &[Loaded], out: &Path) -> miette::Result<usize> {
    let mut parts: Vec<(&Loaded, u32, u32, &navbat_record::RunFile)> = Vec::new();
    for s in shards {
        if let Part::Run { first_replication, replications, run } = &s.file.part {
            parts.push((s, *first_replication, *replications, run));
        }
    }
    parts.sort_by_key(|p| p.1);
    let (head, _, _, head_run) = parts[0];
    let shared = crate::shard::shared_words(&head.file.command);
    let blank = |run: &navbat_record::RunFile| {
        let mut r = run.clone();
        r.run.command = String::new();
        r.run.replications = 0;
        r
    };
    let mut expected = 0u32;
    let mut previous: Option<&Loaded> = None;
    for &(s, first, count, run) in &parts {
        if crate::shard::shared_words(&s.file.command) != shared {
            return Err(miette::miette!(
                "{} was made by `{}`, {} by `{}`: the shards of one run differ only in \
                 --first-replication, --replications, --out and --threads",
                s.dir.display(),
                s.file.command.join(" "),
                head.dir.display(),
                head.file.command.join(" ")
            ));
        }
        if blank(run) != blank(head_run) {
            return Err(miette::miette!(
                "{}: its run (scenario outline, overrides, baseline) is not the run of {}",
                s.dir.display(),
                head.dir.display()
            ));
        }
        let after = previous.map_or_else(String::new, |p| format!(" (after {})", p.dir.display()));
        if first > expected {
            return Err(miette::miette!(
                "replications {expected} to {} are in no shard: {} starts at {first}{after}",
                first - 1,
                s.dir.display()
            ));
        }
        if first < expected {
            return Err(miette::miette!(
                "replication {first} is in two shards: {} holds {first} to {}{after}, which \
                 ends at {}",
                s.dir.display(),
                first + count - 1,
                expected - 1
            ));
        }
        expected = first + count;
        previous = Some(s);
    }
    let total = expected;
    let baseline = head_run.run.baseline;
    let read: Vec<RunRecords> = parts
        .par_iter()
        .map(|&(s, first, count, _)| read_run_shard(s, first, count, baseline))
        .collect::<miette::Result<_>>()?;
    let mut reps = Vec::with_capacity(total as usize);
    let mut base = baseline.then(|| Vec::with_capacity(total as usize));
    for (r, b) in read {
        reps.extend(r);
        if let (Some(all), Some(b)) = (base.as_mut(), b) {
            all.extend(b);
        }
    }
    let sites = |r: &ReplicationRecord| r.sites.iter().map(|s| s.site.clone()).collect::<Vec<_>>();
    if let Some(odd) = reps.iter().find(|r| sites(r) != sites(&reps[0])) {
        return Err(miette::miette!(
            "replication {} has the sites {:?}, replication 0 has {:?}",
            odd.replication,
            sites(odd),
            sites(&reps[0])
        ));
    }
    let mut summary = RunSummary::from_replications(&head_run.scenario.name, head.file.seed, &reps);
    if let Some(b) = &base {
        summary = summary.with_baseline(&reps, b);
    }
    let mut run = head_run.clone();
    run.run.command =
        crate::shard::whole_run_command(&head.file.command, total, &out.display().to_string());
    run.run.replications = total;
    crate::output::write_run_files(
        out,
        &head.scenario_text,
        &run,
        &reps,
        base.as_deref(),
        None,
        &summary,
        Vec::new(),
    )?;
    crate::emit(&crate::output::summary_table(&summary))?;
    Ok(total as usize)
}

/// One sweep shard's rows: (job, replication) → its site records.
type SweepRows = Vec<(usize, u32, Vec<SiteRecord>)>;

/// Reads `name` (`sweep.csv` or `baselines.csv`) of sweep shard `l`: `keys` columns, then a
/// site record's; `job_of` turns the first key into a job number and checks the others.
fn read_keyed(
    l: &Loaded,
    name: &str,
    keys: &[String],
    job_of: &dyn Fn(&csv::StringRecord) -> Result<usize, String>,
) -> miette::Result<SweepRows> {
    let path = l.dir.join(name);
    let mut rows: SweepRows = Vec::new();
    if !path.exists() {
        return Ok(rows);
    }
    let bad = |line: u64, what: String| miette::miette!("{}, line {line}: {what}", path.display());
    let mut reader = csv::Reader::from_path(&path)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read {}", path.display()))?;
    let header = reader.headers().into_diagnostic()?.clone();
    if header.is_empty() {
        // A shard dealt none of these evaluations wrote the table empty.
        return Ok(rows);
    }
    let found: Vec<&str> = header.iter().take(keys.len()).collect();
    if found != keys.iter().map(String::as_str).collect::<Vec<_>>() {
        return Err(bad(1, format!("the key columns are {found:?}, expected {keys:?}")));
    }
    let site_header: csv::StringRecord = header.iter().skip(keys.len()).collect();
    for row in reader.records() {
        let row =
            row.into_diagnostic().wrap_err_with(|| format!("cannot read {}", path.display()))?;
        let line = row.position().map_or(0, csv::Position::line);
        let job = job_of(&row).map_err(|e| bad(line, e))?;
        let rest: csv::StringRecord = row.iter().skip(keys.len()).collect();
        let site: SiteRecord =
            rest.deserialize(Some(&site_header)).map_err(|e| bad(line, e.to_string()))?;
        match rows.last_mut() {
            Some((j, r, sites)) if *j == job && *r == site.replication => sites.push(site),
            _ => rows.push((job, site.replication, vec![site])),
        }
    }
    Ok(rows)
}

/// Merges sweep shards; returns the number of evaluations.
fn merge_sweep(shards: &[Loaded], out: &Path) -> miette::Result<usize> {
    let parts: Vec<(&Loaded, crate::shard::Shard, &Grid)> = shards
        .iter()
        .filter_map(|s| match &s.file.part {
            Part::Sweep { shard, grid } => Some((s, *shard, grid)),
            Part::Run { .. } | Part::Optimise { .. } => None,
        })
        .collect();
    let (head, head_shard, grid) = parts[0];
    let count = head_shard.count;
    let mut holder: Vec<Option<&Loaded>> = vec![None; count as usize];
    for &(s, shard, g) in &parts {
        if g != grid {
            return Err(miette::miette!(
                "{}: another sweep than {} (sweep file, scenario, axes, points, replications \
                 or baselines differ)",
                s.dir.display(),
                head.dir.display()
            ));
        }
        if shard.count != count {
            return Err(miette::miette!(
                "{} is shard {shard}, but {} is shard {head_shard}: the sweep was split in two \
                 ways",
                s.dir.display(),
                head.dir.display()
            ));
        }
        if let Some(other) = holder[shard.index as usize].replace(s) {
            return Err(miette::miette!(
                "shard {shard} given twice: {} and {}",
                other.dir.display(),
                s.dir.display()
            ));
        }
    }
    let missing: Vec<String> = holder
        .iter()
        .enumerate()
        .filter(|(_, h)| h.is_none())
        .map(|(i, _)| format!("{i}/{count}"))
        .collect();
    if !missing.is_empty() {
        return Err(miette::miette!(
            "{} of {count} shards missing: {}{}",
            missing.len(),
            missing.iter().take(20).cloned().collect::<Vec<_>>().join(", "),
            if missing.len() > 20 { ", …" } else { "" }
        ));
    }
    let n_points = grid.points.len();
    let mut point_keys = vec!["point".to_owned()];
    point_keys.extend(grid.axes.iter().cloned());
    let read: Vec<(crate::shard::Shard, &Loaded, SweepRows)> = parts
        .par_iter()
        .map(|&(s, shard, _)| {
            let point_of = |row: &csv::StringRecord| -> Result<usize, String> {
                let p: usize = row
                    .get(0)
                    .and_then(|v| v.parse().ok())
                    .filter(|&p| p < n_points)
                    .ok_or_else(|| format!("{:?} is not a point of the sweep", row.get(0)))?;
                let values: Vec<&str> = row.iter().skip(1).take(grid.axes.len()).collect();
                if values != grid.points[p].values {
                    return Err(format!(
                        "point {p} has the values {values:?}, the sweep gives it {:?}",
                        grid.points[p].values
                    ));
                }
                Ok(p)
            };
            let baseline_of = |row: &csv::StringRecord| -> Result<usize, String> {
                row.get(0)
                    .and_then(|v| v.parse::<usize>().ok())
                    .filter(|&b| b < grid.baselines.len())
                    .map(|b| n_points + b)
                    .ok_or_else(|| format!("{:?} is not a baseline of the sweep", row.get(0)))
            };
            let mut rows = read_keyed(s, "sweep.csv", &point_keys, &point_of)?;
            rows.extend(read_keyed(s, "baselines.csv", &["baseline".to_owned()], &baseline_of)?);
            Ok((shard, s, rows))
        })
        .collect::<miette::Result<_>>()?;
    let reps = grid.replications;
    let name = |job: usize| match job.checked_sub(n_points) {
        None => format!("point {job}"),
        Some(b) => format!("baseline {b} (of point {})", grid.baselines[b]),
    };
    let mut slots: Vec<Vec<Option<Vec<SiteRecord>>>> =
        (0..grid.jobs()).map(|_| (0..reps).map(|_| None).collect()).collect();
    for (shard, s, rows) in read {
        for (job, r, sites) in rows {
            let unit = grid.unit(job, r);
            if r >= reps || !shard.deals(unit) {
                return Err(miette::miette!(
                    "{}: rows of {} replication {r}, which is not dealt to shard {shard}",
                    s.dir.display(),
                    name(job)
                ));
            }
            if slots[job][r as usize].replace(sites).is_some() {
                return Err(miette::miette!(
                    "{}: the rows of {} replication {r} appear twice",
                    s.dir.display(),
                    name(job)
                ));
            }
        }
    }
    let mut runs: Vec<Vec<ReplicationRecord>> = Vec::with_capacity(grid.jobs());
    for (job, slot) in slots.into_iter().enumerate() {
        let mut records = Vec::with_capacity(reps as usize);
        for (r, sites) in (0u32..).zip(slot) {
            let Some(sites) = sites else {
                let shard = crate::shard::Shard {
                    index: u32::try_from(grid.unit(job, r) % count as usize).unwrap_or(0),
                    count,
                };
                let dir = holder[shard.index as usize]
                    .map_or_else(String::new, |h| format!(" ({})", h.dir.display()));
                return Err(miette::miette!(
                    "shard {shard}{dir} has no rows for {} replication {r}",
                    name(job)
                ));
            };
            records.push(sites_only(r, sites));
        }
        runs.push(records);
    }
    let mut points = Vec::with_capacity(n_points);
    let mut table = Vec::with_capacity(n_points);
    for (p, point) in grid.points.iter().enumerate() {
        let mut summary = RunSummary::from_replications(&point.name, head.file.seed, &runs[p]);
        if let Some(b) = point.baseline {
            summary = summary.with_baseline(&runs[p], &runs[n_points + b]);
        }
        points.push(SweepPoint { point: p, set: point.set.clone(), summary });
        table.push((point.values.clone(), runs[p].clone()));
    }
    let summary = SweepSummary {
        sweep: grid.sweep.clone(),
        scenario: grid.scenario.clone(),
        seed: head.file.seed,
        replications: reps,
        axes: grid.axes.clone(),
        points,
    };
    crate::output::write_sweep(out, &summary.axes, &table, &summary)?;
    crate::emit(&crate::output::sweep_table(&summary.axes, &table, &summary.points))?;
    Ok(grid.units())
}

/// Puts an optimisation's shards together: every shard of the same table exactly once, their
/// evaluations in one `evaluations.jsonl` (sorted, as `navbat optimise` writes it), beside the
/// scenario (and candidate) text, in a folder `navbat optimise … --out` resumes from.
fn merge_optimise(shards: &[Loaded], out: &Path) -> miette::Result<usize> {
    let mut parts: Vec<(&Loaded, crate::shard::Shard, usize, u32)> = Vec::new();
    for s in shards {
        if let Part::Optimise { shard, evaluations, replications } = &s.file.part {
            parts.push((s, *shard, *evaluations, *replications));
        }
    }
    let (first, shard0, total, reps) = parts[0];
    let mut seen = vec![false; shard0.count as usize];
    for &(s, shard, t, r) in &parts {
        if shard.count != shard0.count || t != total || r != reps {
            return Err(miette::miette!(
                "{}: shard {shard} of a table of {t} evaluations x {r} replications, but {} is \
                 shard {shard0} of {total} x {reps}: these shards are not of one optimisation",
                s.dir.display(),
                first.dir.display()
            ));
        }
        let slot = &mut seen[shard.index as usize];
        if *slot {
            return Err(miette::miette!("{}: shard {shard} is given twice", s.dir.display()));
        }
        *slot = true;
    }
    if let Some(missing) = seen.iter().position(|s| !s) {
        return Err(miette::miette!(
            "shard {missing}/{} is missing: merge every shard of the optimisation",
            shard0.count
        ));
    }
    let mut lines: Vec<String> = Vec::new();
    for &(s, ..) in &parts {
        let text = read_text(&s.dir.join("evaluations.jsonl"))?;
        lines.extend(text.lines().filter(|l| !l.is_empty()).map(str::to_owned));
    }
    lines.sort();
    lines.dedup();
    let mut cache = lines.join("\n");
    cache.push('\n');
    let mut files = vec![
        ("scenario.ron", first.scenario_text.clone().into_bytes()),
        ("evaluations.jsonl", cache.into_bytes()),
    ];
    // The candidate file is part of what the shards evaluated: every shard must hold the
    // same one (or none).
    let read_candidates = |dir: &Path| -> miette::Result<Option<String>> {
        let path = dir.join("candidates.ron");
        if path.exists() { read_text(&path).map(Some) } else { Ok(None) }
    };
    let candidates = read_candidates(&first.dir)?;
    for &(s, ..) in &parts[1..] {
        if read_candidates(&s.dir)? != candidates {
            return Err(miette::miette!(
                "{}: its candidates.ron differs from that of {}: these shards are not of one \
                 optimisation",
                s.dir.display(),
                first.dir.display()
            ));
        }
    }
    if let Some(text) = candidates {
        files.push(("candidates.ron", text.into_bytes()));
    }
    crate::output::write_files(out, &files)?;
    Ok(lines.len())
}
