//! `navbat sweep`: a grid of scenario variants, each point validated first and its model
//! built only when it runs.

use super::*;

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
