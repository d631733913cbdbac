//! `navbat sweep`: a grid of scenario variants, each point validated first and its model
//! built only when it runs.

use super::*;
use crate::shard::{Grid, GridPoint, Part, Shard, ShardFile};

pub(crate) fn sweep(args: &SweepArgs) -> miette::Result<()> {
    let sweep = navbat_scenario::load_sweep(&args.sweep).map_err(Report::new)?;
    if let Some(dir) = &args.out {
        navbat_record::folder::check_writable(dir)
            .into_diagnostic()
            .wrap_err_with(|| format!("--out {}: cannot write there", dir.display()))?;
    }
    // Check every point before running any, but keep none of their models: a point's model
    // is built when its turn comes, so memory does not grow with the number of points.
    // Points that differ only in their kiosks share one baseline; a baseline is known by the
    // digest of its scenario and made from the first point that needs it.
    let mut names = Vec::with_capacity(sweep.points.len());
    let mut baselines: Vec<usize> = Vec::new();
    let mut base_points: Vec<(String, usize)> = Vec::new();
    for (p, point) in sweep.points.iter().enumerate() {
        let scenario = navbat_scenario::load_with(&sweep.scenario, point).map_err(Report::new)?;
        names.push(scenario.name.clone());
        if sweep.baseline {
            let digest = navbat_record::folder::sha256_hex(
                format!("{:?}", without_kiosks(&scenario)).as_bytes(),
            );
            let i = match base_points.iter().position(|(d, _)| *d == digest) {
                Some(i) => i,
                None => {
                    base_points.push((digest, p));
                    base_points.len() - 1
                }
            };
            baselines.push(i);
        }
    }
    let n_points = sweep.points.len();
    if let (Some(shard), Some(dir)) = (args.shard, &args.out) {
        let grid = Grid {
            sweep: args.sweep.display().to_string(),
            sweep_sha256: String::new(),
            scenario: sweep.scenario.display().to_string(),
            replications: sweep.replications,
            axes: sweep.points[0].iter().map(|o| o.path.clone()).collect(),
            points: sweep
                .points
                .iter()
                .enumerate()
                .map(|(p, point)| GridPoint {
                    name: names[p].clone(),
                    values: point.iter().map(|o| o.value.to_string()).collect(),
                    set: point.iter().map(|o| (o.path.clone(), o.value.clone())).collect(),
                    baseline: baselines.get(p).copied(),
                })
                .collect(),
            baselines: base_points.iter().map(|(_, p)| *p).collect(),
        };
        return sweep_shard(args, &sweep, grid, shard, dir);
    }
    // Jobs 0..n_points are the points, then one job per baseline.
    let model_of = |job: usize| -> miette::Result<std::sync::Arc<Model>> {
        let (point, baseline) = match job.checked_sub(n_points) {
            None => (job, false),
            Some(b) => (base_points.get(b).map_or(0, |(_, p)| *p), true),
        };
        let scenario = navbat_scenario::load_with(&sweep.scenario, &sweep.points[point])
            .map_err(Report::new)?;
        Ok(Model::new(if baseline { without_kiosks(&scenario) } else { scenario }))
    };
    let pool = thread_pool(args.threads)?;
    let jobs = n_points + base_points.len();
    let bar = progress(jobs as u64 * u64::from(sweep.replications), "sweep");
    let started = Instant::now();
    let mut runs = Vec::with_capacity(jobs);
    let chunk = pool.current_num_threads().max(1) * 2;
    for first in (0..jobs).step_by(chunk) {
        let models: Vec<std::sync::Arc<Model>> =
            (first..jobs.min(first + chunk)).map(model_of).collect::<miette::Result<_>>()?;
        runs.extend(pool.install(|| {
            run_models(&models, sweep.seed, sweep.replications, &|| {
                if let Some(b) = &bar {
                    b.inc(1);
                }
            })
        }));
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    for (p, runs) in runs.iter().enumerate() {
        let name = names.get(p).map_or("a baseline of the sweep", String::as_str);
        crate::no_fault(runs, name)?;
    }
    let elapsed = started.elapsed();
    let axes: Vec<String> = sweep.points[0].iter().map(|o| o.path.clone()).collect();
    let mut points = Vec::with_capacity(n_points);
    let mut table = Vec::with_capacity(n_points);
    for (p, point) in sweep.points.iter().enumerate() {
        let mut summary = RunSummary::from_replications(&names[p], sweep.seed, &runs[p]);
        if let Some(&b) = baselines.get(p) {
            summary = summary.with_baseline(&runs[p], &runs[n_points + b]);
        }
        let values: Vec<String> = point.iter().map(|o| o.value.to_string()).collect();
        points.push(SweepPoint {
            point: p,
            set: point.iter().map(|o| (o.path.clone(), o.value.clone())).collect(),
            summary,
        });
        table.push((values, runs[p].clone()));
    }
    let out = SweepSummary {
        sweep: args.sweep.display().to_string(),
        scenario: sweep.scenario.display().to_string(),
        seed: sweep.seed,
        replications: sweep.replications,
        axes,
        points,
    };
    if let Some(dir) = &args.out {
        output::write_sweep(dir, &out.axes, &table, &out)?;
    }
    if args.json {
        emit(&format!("{}\n", serde_json::to_string(&out).into_diagnostic()?))?;
    } else {
        emit(&output::sweep_table(&out.axes, &table, &out.points))?;
        eprintln!(
            "{} points x {} replications (+{} baselines) in {:.2} s",
            n_points,
            sweep.replications,
            base_points.len(),
            elapsed.as_secs_f64()
        );
    }
    Ok(())
}

/// Runs shard `shard` of the sweep's evaluations (see [`Grid`]) and writes its shard folder:
/// `shard.json`, the sweep and scenario files, `sweep.csv` with its points' rows and
/// `baselines.csv` with its baselines' rows (the baseline's number first).
fn sweep_shard(
    args: &SweepArgs,
    sweep: &navbat_scenario::Sweep,
    mut grid: Grid,
    shard: Shard,
    dir: &std::path::Path,
) -> miette::Result<()> {
    let read = |path: &std::path::Path| {
        std::fs::read_to_string(path)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot read {}", path.display()))
    };
    let sweep_text = read(&args.sweep)?;
    let scenario_text = read(&sweep.scenario)?;
    grid.sweep_sha256 = navbat_record::folder::sha256_hex(sweep_text.as_bytes());
    let n_points = grid.points.len();
    let reps = grid.replications;
    let mine: Vec<usize> = shard.units(grid.units()).collect();
    let model_of = |job: usize| -> miette::Result<std::sync::Arc<Model>> {
        let (point, baseline) = match job.checked_sub(n_points) {
            None => (job, false),
            Some(b) => (grid.baselines.get(b).copied().unwrap_or(0), true),
        };
        let scenario = navbat_scenario::load_with(&sweep.scenario, &sweep.points[point])
            .map_err(Report::new)?;
        Ok(Model::new(if baseline { without_kiosks(&scenario) } else { scenario }))
    };
    let pool = thread_pool(args.threads)?;
    let bar = progress(mine.len() as u64, &format!("sweep shard {shard}"));
    let started = Instant::now();
    // Models are built a few jobs at a time, so memory does not grow with the grid.
    let chunk = pool.current_num_threads().max(1) * 2;
    let mut records: Vec<(usize, navbat_record::ReplicationRecord)> =
        Vec::with_capacity(mine.len());
    let jobs: Vec<usize> = {
        let mut j: Vec<usize> = mine.iter().map(|u| u / reps as usize).collect();
        j.dedup();
        j
    };
    for group in jobs.chunks(chunk) {
        let models: Vec<std::sync::Arc<Model>> =
            group.iter().map(|&j| model_of(j)).collect::<miette::Result<_>>()?;
        let units: Vec<navbat_engine::Unit> = mine
            .iter()
            .filter_map(|&u| {
                let job = u / reps as usize;
                let model = group.iter().position(|&j| j == job)?;
                Some(navbat_engine::Unit {
                    model,
                    replication: u32::try_from(u % reps as usize).unwrap_or(u32::MAX),
                })
            })
            .collect();
        let done = pool.install(|| {
            navbat_engine::run_units(&models, sweep.seed, &units, &|| {
                if let Some(b) = &bar {
                    b.inc(1);
                }
            })
        });
        records.extend(units.iter().map(|u| group[u.model]).zip(done));
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    crate::no_fault(records.iter().map(|(_, r)| r), "a sweep evaluation of this shard")?;
    let elapsed = started.elapsed();
    let mut header = vec!["point".to_owned()];
    header.extend(grid.axes.iter().cloned());
    let point_rows = records.iter().filter(|(job, _)| *job < n_points).flat_map(|(job, r)| {
        let point = &grid.points[*job];
        r.sites.iter().map(move |s| {
            let mut key = vec![job.to_string()];
            key.extend(point.values.iter().cloned());
            (key, s)
        })
    });
    let mut table = Vec::new();
    navbat_record::write_keyed_site_csv(&mut table, &header, point_rows).into_diagnostic()?;
    let base_rows = records
        .iter()
        .filter(|(job, _)| *job >= n_points)
        .flat_map(|(job, r)| r.sites.iter().map(move |s| (vec![(job - n_points).to_string()], s)));
    let mut base_table = Vec::new();
    navbat_record::write_keyed_site_csv(&mut base_table, &["baseline".to_owned()], base_rows)
        .into_diagnostic()?;
    let total = grid.units();
    let file = ShardFile {
        format_version: crate::shard::SHARD_FORMAT,
        navbat_version: env!("CARGO_PKG_VERSION").to_owned(),
        command: crate::shard::command_words(),
        scenario_sha256: navbat_record::folder::sha256_hex(scenario_text.as_bytes()),
        seed: sweep.seed,
        part: Part::Sweep { shard, grid },
    };
    let mut files = vec![
        (crate::shard::SHARD_FILE, serde_json::to_vec_pretty(&file).into_diagnostic()?),
        ("sweep.ron", sweep_text.into_bytes()),
        ("scenario.ron", scenario_text.into_bytes()),
        ("sweep.csv", table),
    ];
    if !base_table.is_empty() {
        files.push(("baselines.csv", base_table));
    }
    output::write_files(dir, &files)?;
    eprintln!(
        "sweep shard {shard}: {} of {} evaluations in {:.2} s, written to {}",
        mine.len(),
        total,
        elapsed.as_secs_f64(),
        dir.display()
    );
    Ok(())
}
