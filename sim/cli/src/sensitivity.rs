//! `navbat run … --sensitivity`: which estimated parameters matter, by Morris's method of
//! elementary effects (Morris 1991, with μ* as Campolongo, Cariboni and Saltelli 2007
//! define it), on common random numbers.
//!
//! The factors are the scenario's `sensitivity` block: each moves its paths together over
//! its range, whose ends are levels 0 and 1. A design of `r` random one-factor-at-a-time
//! trajectories over a grid of `p` levels (step Δ = p / (2(p − 1))) is simulated on the pilot
//! sites alone over a shortened horizon, each point with its no-kiosk baseline, and every
//! point with the same replication numbers, so two points of a trajectory differ only by the
//! factor moved. An elementary effect is the change of an output (per pilot site: the mean
//! wait difference, officer hours freed, the abandonment difference; and the net benefit of
//! all pilot sites) over the change of the level. Per factor and output: μ* (mean absolute
//! effect), μ, σ and a Student-t interval of μ* over the trajectories. The strongest factors
//! are then run at their low and high ends beside the scenario as written, each with its
//! baseline and the same replications, for the report's paired intervals and verdicts.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use clap::Args;
use miette::{IntoDiagnostic, Report, WrapErr};
use navbat_engine::{Model, Unit, run_units, without_kiosks};
use navbat_record::screening::{EffectRow, EndRow, Output, ScreenedFactor, Screening};
use navbat_record::{Estimate, ReplicationRecord};
use navbat_scenario::{Change, Override, RawScenario, Scenario, Sensitivity};

/// How the screening is made (`--sensitivity-*` options).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    /// Trajectories `r`.
    pub trajectories: u32,
    /// Levels `p` (even).
    pub levels: u32,
    /// Days simulated from the scenario's first day.
    pub horizon_days: u32,
    /// Replications at each point.
    pub replications: u32,
    /// Factors re-run at their ends.
    pub strongest: usize,
    /// Replications of each end run.
    pub end_replications: u32,
}

/// Trajectories `r` when not given (`--sensitivity-trajectories`, `--trajectories`).
pub(crate) const TRAJECTORIES: u32 = 4;
/// Days of the shortened horizon when not given.
pub(crate) const DAYS: u32 = 28;
/// Replications a point when not given.
pub(crate) const REPLICATIONS: u32 = 1;
/// Factors re-run at their ends when not given.
pub(crate) const STRONGEST: u32 = 4;
/// Replications of each end run when not given.
pub(crate) const END_REPLICATIONS: u32 = 5;
/// Days every screening point measures after its warm-up, at the least: one full week, so
/// that each weekday's pattern counts once.
const MEASURED_DAYS: u32 = 7;
/// Levels `p` of the grid.
pub(crate) const LEVELS: u32 = 4;

/// `navbat sensitivity`'s arguments: the screening of `run --sensitivity` on its own.
#[derive(Args, Debug)]
pub(crate) struct SensitivityArgs {
    /// Scenario file (RON) with a `sensitivity` block.
    scenario: PathBuf,
    /// Folder to write `screening.json` and the simulated scenario into, all or nothing
    /// (absent, empty, or an earlier folder of navbat's).
    #[arg(long)]
    out: PathBuf,
    /// Master seed (the design's and the replications').
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Change the scenario before screening: `path=value` (repeatable), as `run --set`.
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = crate::parse_override)]
    sets: Vec<Override>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
    /// Morris trajectories r (each moves every factor once).
    #[arg(long, default_value_t = TRAJECTORIES, value_parser = clap::value_parser!(u32).range(2..=100))]
    trajectories: u32,
    /// Days simulated at each point, from the scenario's first day.
    #[arg(long, default_value_t = DAYS, value_parser = clap::value_parser!(u32).range(7..=366))]
    days: u32,
    /// Replications at each point (the same numbers at every point).
    #[arg(long, default_value_t = REPLICATIONS, value_parser = clap::value_parser!(u32).range(1..=100))]
    replications: u32,
    /// Factors re-run at their low and high ends.
    #[arg(long, default_value_t = STRONGEST, value_parser = clap::value_parser!(u32).range(0..=50))]
    strongest: u32,
    /// Replications of each end run (and of the scenario as written beside them).
    #[arg(long, default_value_t = END_REPLICATIONS, value_parser = clap::value_parser!(u32).range(2..=1000))]
    end_replications: u32,
}

/// `navbat sensitivity SCENARIO --out DIR`: screens, writes the folder, prints the ranking.
pub(crate) fn sensitivity(args: &SensitivityArgs) -> miette::Result<()> {
    navbat_record::folder::check_writable(&args.out)
        .into_diagnostic()
        .wrap_err_with(|| format!("--out {}: cannot write there", args.out.display()))?;
    let pool = crate::thread_pool(args.threads)?;
    let settings = Settings {
        trajectories: args.trajectories,
        levels: LEVELS,
        horizon_days: args.days,
        replications: args.replications,
        strongest: args.strongest as usize,
        end_replications: args.end_replications,
    };
    let s = screen(&args.scenario, &args.sets, args.seed, settings, &pool)?;
    let json = serde_json::to_vec_pretty(&s).into_diagnostic()?;
    let scenario = crate::simulated_text(&args.scenario, &args.sets)?;
    navbat_record::folder::write_folder(
        &args.out,
        &[("screening.json", json), ("scenario.ron", scenario.into_bytes())],
    )
    .into_diagnostic()
    .wrap_err_with(|| format!("--out {}: the screening was not saved", args.out.display()))?;
    crate::emit(&ranking(&s))?;
    eprintln!("wrote {}", args.out.join("screening.json").display());
    Ok(())
}

/// The factors by μ* on the net benefit, largest first, and the strongest re-run.
fn ranking(s: &Screening) -> String {
    let mut net: Vec<&EffectRow> =
        s.effects.iter().filter(|e| e.output == Output::NetBenefit).collect();
    net.sort_by(|a, b| b.mu_star.total_cmp(&a.mu_star).then(a.factor.cmp(&b.factor)));
    let mut out = String::new();
    outln!(
        out,
        "{} factors, {} trajectories, {} points ({} simulated), {} days, {} replication(s) a \
         point; {:.1} s",
        s.factors.len(),
        s.trajectories,
        s.points,
        s.points_simulated,
        s.horizon_days,
        s.replications,
        s.seconds
    );
    outln!(out, "{:<24} {:>14} {:>29} {:>14}", "factor", "mu* net", "95 % interval", "sigma");
    for e in net {
        outln!(
            out,
            "{:<24} {:>14.0} {:>29} {:>14.0}",
            e.factor,
            e.mu_star,
            format!("[{:.0}, {:.0}]", e.mu_star_low, e.mu_star_high),
            e.sigma
        );
    }
    outln!(out, "re-run at their ends: {}", s.strongest.join(", "));
    out
}

/// The four outputs of one point, per pilot site, averaged over its replications.
#[derive(Debug, Clone, Copy, Default)]
struct SiteOut {
    wait_difference: f64,
    hours_freed: f64,
    abandonment_difference: f64,
    citizen_hours_saved: f64,
}

/// Screens the estimated parameters of the scenario at `path` (with the run's `--set`
/// changes) and runs the strongest at their ends.
pub(crate) fn screen(
    path: &Path,
    sets: &[Override],
    seed: u64,
    settings: Settings,
    pool: &rayon::ThreadPool,
) -> miette::Result<Screening> {
    let started = Instant::now();
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read {file}"))?;
    let raw = navbat_scenario::parse_raw(&file, &text).map_err(Report::new)?;
    let raw = navbat_scenario::apply_overrides(&raw, sets).map_err(|problem| {
        Report::new(navbat_scenario::ScenarioError::Override { file: file.clone(), problem })
    })?;
    let base = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let full = navbat_scenario::from_raw_at(&file, &raw, base).map_err(Report::new)?;
    let sens = full.sensitivity.clone();
    if sens.factors.is_empty() {
        return Err(miette::miette!(
            help = "list the estimated parameters in a `sensitivity` block (see scenarios/pilot-2026.ron)",
            "{file}: --sensitivity needs the scenario's estimated parameters, and it lists none"
        ));
    }
    let short = screening_raw(&raw, &full, settings.horizon_days)?;
    let k = sens.factors.len();
    let at = |levels: &[f64], what: &str| -> miette::Result<Scenario> {
        let changed = sens.apply(&short, levels).map_err(|problem| {
            Report::new(navbat_scenario::ScenarioError::Override { file: file.clone(), problem })
        })?;
        navbat_scenario::from_raw_at(&format!("{file}, sensitivity {what}"), &changed, base)
            .map_err(Report::new)
    };
    // Every factor's ends must load, and leave days measured after the warm-up, before
    // anything is simulated.
    for (i, f) in sens.factors.iter().enumerate() {
        for (level, end) in [(0.0, "low"), (1.0, "high")] {
            let mut levels = vec![f64::NAN; k];
            levels[i] = level;
            let sc = at(&levels, &format!("factor `{}` at its {end} end", f.id))?;
            if sc.days() < sc.warm_up_days + MEASURED_DAYS {
                return Err(miette::miette!(
                    "{file}: the screening's horizon of {} days leaves factor `{}` at its {end} \
                     end (a warm-up of {} days) fewer than {MEASURED_DAYS} days measured: give \
                     at least {} days",
                    sc.days(),
                    f.id,
                    sc.warm_up_days,
                    sc.warm_up_days + MEASURED_DAYS
                ));
            }
        }
    }
    let design = trajectories(k, settings.trajectories, settings.levels, seed);
    let mut scenarios = Vec::with_capacity(design.len());
    for (n, point) in design.iter().enumerate() {
        scenarios.push(at(&point.levels, &format!("point {n}"))?);
    }
    let (outputs, simulated) = simulate_points(&scenarios, seed, settings.replications, pool)?;
    let sites: Vec<(String, String)> =
        scenarios[0].sites.iter().map(|s| (s.id.clone(), s.name.clone())).collect();
    let y: Vec<Vec<f64>> =
        outputs.iter().zip(&scenarios).map(|(out, sc)| output_vector(out, sc)).collect();
    let effects = effects(&sens, &design, &y, &sites);
    let strongest = strongest(&sens, &effects, settings.strongest);
    let mut configs: Vec<(String, &str, Vec<f64>)> =
        vec![(String::new(), "base", vec![f64::NAN; k])];
    for id in &strongest {
        let i = sens.factors.iter().position(|f| &f.id == id).unwrap_or(0);
        for (level, end) in [(0.0, "low"), (1.0, "high")] {
            let mut levels = vec![f64::NAN; k];
            levels[i] = level;
            configs.push((id.clone(), end, levels));
        }
    }
    let mut end_scenarios = Vec::with_capacity(configs.len());
    for (id, end, levels) in &configs {
        end_scenarios.push(at(levels, &format!("factor `{id}` at its {end} end"))?);
    }
    let (runs, _) = run_pairs(&end_scenarios, seed, settings.end_replications, pool)?;
    let mut ends = Vec::new();
    for ((id, end, _), (sc, (pilot, baseline))) in
        configs.iter().zip(end_scenarios.iter().zip(&runs))
    {
        ends.extend(end_rows(id, end, sc, pilot, baseline));
    }
    Ok(Screening {
        trajectories: settings.trajectories,
        levels: settings.levels,
        delta: delta(settings.levels),
        horizon_days: scenarios[0].days(),
        replications: settings.replications,
        seed,
        points_simulated: u32::try_from(simulated.points).unwrap_or(u32::MAX),
        points: u32::try_from(design.len()).unwrap_or(u32::MAX),
        seconds: started.elapsed().as_secs_f64(),
        sites,
        factors: sens
            .factors
            .iter()
            .map(|f| ScreenedFactor {
                id: f.id.clone(),
                reason: f.reason.clone(),
                ranges: f.vary.iter().map(range_text).collect(),
            })
            .collect(),
        not_varied: sens.not_varied.iter().map(|n| (n.path.clone(), n.reason.clone())).collect(),
        effects,
        strongest,
        end_replications: settings.end_replications,
        ends,
    })
}

fn range_text(c: &Change) -> String {
    let (low, high) = c.ends();
    match c {
        Change::Set { path, .. } => format!("{path} = {low} to {high}"),
        Change::Scale { path, .. } => format!("{path} × {low} to {high}"),
    }
}

/// The scenario the screening simulates: the pilot sites only (candidates left to the
/// expansion proposal), the first `days` days, no sensitivity block of its own.
fn screening_raw(raw: &RawScenario, full: &Scenario, days: u32) -> miette::Result<RawScenario> {
    let mut short = raw.clone();
    let candidates: Vec<String> =
        full.candidates.iter().map(|&i| full.sites[i].id.clone()).collect();
    short.sites.retain(|s| !candidates.contains(&s.id));
    short.candidates.clear();
    short.sensitivity = None;
    if days < full.days() {
        let last = full
            .start
            .checked_add(jiff::Span::new().days(i64::from(days) - 1))
            .into_diagnostic()
            .wrap_err("--sensitivity-days: the shortened horizon's last day")?;
        short.horizon.end = last.to_string();
    }
    Ok(short)
}

/// Δ in units of a factor's range.
fn delta(levels: u32) -> f64 {
    f64::from(levels) / (2.0 * f64::from(levels - 1))
}

/// One point of the design: every factor's level, and which factor the step to it moved.
#[derive(Debug, Clone, PartialEq)]
struct Point {
    levels: Vec<f64>,
    /// The trajectory.
    trajectory: u32,
    /// The factor moved from the trajectory's previous point (none at its start).
    moved: Option<usize>,
}

/// SplitMix64: a small seeded generator for the design (the simulation has its own streams).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n small: the bias of the modulus is below 2^-50).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// `r` random trajectories of `k` factors over `p` levels (Morris 1991): a start drawn
/// uniformly on the grid, the factors moved once each in a random order by Δ = p/2 grid
/// steps, up where that stays on the grid, else down. `k + 1` points each.
fn trajectories(k: usize, r: u32, p: u32, seed: u64) -> Vec<Point> {
    let p = p as usize;
    let jump = p / 2;
    let grid = |g: usize| g as f64 / (p - 1) as f64;
    let mut rng = SplitMix(seed ^ 0x6D6F_7272_6973_2D65);
    let mut out = Vec::with_capacity(r as usize * (k + 1));
    for t in 0..r {
        let mut g: Vec<usize> = (0..k).map(|_| rng.below(p)).collect();
        let mut order: Vec<usize> = (0..k).collect();
        for i in (1..k).rev() {
            order.swap(i, rng.below(i + 1));
        }
        out.push(Point {
            levels: g.iter().map(|&x| grid(x)).collect(),
            trajectory: t,
            moved: None,
        });
        for &f in &order {
            g[f] = if g[f] + jump < p { g[f] + jump } else { g[f] - jump };
            out.push(Point {
                levels: g.iter().map(|&x| grid(x)).collect(),
                trajectory: t,
                moved: Some(f),
            });
        }
    }
    out
}

/// The scenario's simulated part, as a key: two points that differ only in prices share
/// one simulation.
fn simulated_key(sc: &Scenario) -> miette::Result<String> {
    let mut s = sc.clone();
    s.economics = None;
    serde_json::to_string(&s).into_diagnostic()
}

/// Simulates every distinct scenario once (with its baseline) and returns each point's
/// outputs per site, and how many points and baselines were simulated.
fn simulate_points(
    scenarios: &[Scenario],
    seed: u64,
    replications: u32,
    pool: &rayon::ThreadPool,
) -> miette::Result<(Vec<Vec<SiteOut>>, Simulated)> {
    let (runs, simulated) = run_pairs(scenarios, seed, replications, pool)?;
    let outs = scenarios
        .iter()
        .zip(&runs)
        .map(|(sc, (pilot, baseline))| site_outputs(sc, pilot, baseline))
        .collect();
    Ok((outs, simulated))
}

/// How many distinct scenarios a set of pairs took to simulate.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Simulated {
    /// Distinct scenarios with kiosks.
    pub(crate) points: usize,
    /// Distinct no-kiosk baselines.
    pub(crate) baselines: usize,
}

/// One scenario's replications and its baseline's, paired by replication number.
type Pair = (Vec<ReplicationRecord>, Vec<ReplicationRecord>);

/// Models simulated together: enough units to keep every core busy to the end of a batch,
/// few enough that memory stays that of a few dozen models.
const MODELS_PER_BATCH: usize = 32;

/// Runs each scenario and its no-kiosk baseline, replications `0..replications` each.
/// Scenarios whose simulated part is the same (they differ only in prices) are simulated
/// once, and so are equal baselines: a factor that moves only the kiosks, their users or
/// the prices leaves the baseline as it is, so the points of a design share few baselines.
/// A run is a function of its scenario, seed and replication number, so sharing changes no
/// record.
fn run_pairs(
    scenarios: &[Scenario],
    seed: u64,
    replications: u32,
    pool: &rayon::ThreadPool,
) -> miette::Result<(Vec<Pair>, Simulated)> {
    // Every wanted scenario (point, baseline, point, baseline, …) mapped to a distinct one.
    let mut distinct: Vec<Scenario> = Vec::new();
    let mut index_of: HashMap<String, usize> = HashMap::new();
    let mut which = Vec::with_capacity(2 * scenarios.len());
    let mut simulated = Simulated::default();
    for sc in scenarios {
        for (wanted, baseline) in [(sc.clone(), false), (without_kiosks(sc), true)] {
            let key = simulated_key(&wanted)?;
            let next = distinct.len();
            let d = *index_of.entry(key).or_insert(next);
            if d == next {
                distinct.push(wanted);
                if baseline {
                    simulated.baselines += 1;
                } else {
                    simulated.points += 1;
                }
            }
            which.push(d);
        }
    }
    let n = replications as usize;
    let mut records: Vec<Vec<ReplicationRecord>> = Vec::with_capacity(distinct.len());
    for batch in distinct.chunks(MODELS_PER_BATCH) {
        let models: Vec<Arc<Model>> = batch.iter().map(|sc| Model::new(sc.clone())).collect();
        let units: Vec<Unit> = (0..models.len())
            .flat_map(|model| (0..replications).map(move |replication| Unit { model, replication }))
            .collect();
        let done = pool.install(|| run_units(&models, seed, &units, &|| {}));
        crate::no_fault(&done, "the sensitivity screening")?;
        let mut it = done.into_iter();
        records.extend(batch.iter().map(|_| it.by_ref().take(n).collect::<Vec<_>>()));
    }
    let pairs =
        which.chunks(2).map(|pair| (records[pair[0]].clone(), records[pair[1]].clone())).collect();
    Ok((pairs, simulated))
}

/// Officer hours a year from hours over the horizon (officers are busy from the first day).
fn per_year(sc: &Scenario) -> f64 {
    365.0 / f64::from(sc.days().max(1))
}

/// Citizen hours a year from those counted (people who came after the warm-up).
fn per_year_counted(sc: &Scenario) -> f64 {
    365.0 / f64::from(sc.days().saturating_sub(sc.warm_up_days).max(1))
}

fn abandoned_pct(r: &navbat_record::SiteRecord) -> f64 {
    if r.arrivals > 0 { 100.0 * r.abandoned() as f64 / r.arrivals as f64 } else { 0.0 }
}

/// Per site, the outputs averaged over paired replications.
fn site_outputs(
    sc: &Scenario,
    pilot: &[ReplicationRecord],
    baseline: &[ReplicationRecord],
) -> Vec<SiteOut> {
    let (scale, counted) = (per_year(sc), per_year_counted(sc));
    let n = pilot.len().max(1) as f64;
    let mut out = vec![SiteOut::default(); sc.sites.len()];
    for (p, b) in pilot.iter().zip(baseline) {
        for ((o, ps), bs) in out.iter_mut().zip(&p.sites).zip(&b.sites) {
            o.wait_difference += (ps.mean_wait_min - bs.mean_wait_min) / n;
            o.hours_freed += (bs.officer_busy_hours - ps.officer_busy_hours) * scale / n;
            o.abandonment_difference += (abandoned_pct(ps) - abandoned_pct(bs)) / n;
            o.citizen_hours_saved += (bs.citizen_hours - ps.citizen_hours) * counted / n;
        }
    }
    out
}

/// Kiosks of site `i`.
fn kiosks(sc: &Scenario, i: usize) -> f64 {
    f64::from(sc.sites[i].kiosks.iter().map(|k| k.count).sum::<u32>())
}

/// A site's net benefit a year at the scenario's prices (0 without prices).
fn net_benefit(sc: &Scenario, i: usize, officer_hours: f64, citizen_hours: f64) -> f64 {
    sc.economics.as_ref().map_or(0.0, |e| {
        officer_hours * e.officer_hour + citizen_hours * e.citizen_hour
            - kiosks(sc, i) * e.kiosk_per_year()
    })
}

/// The outputs in a fixed order: per site wait, freed, abandonment; then the net benefit.
fn output_vector(out: &[SiteOut], sc: &Scenario) -> Vec<f64> {
    let mut y = Vec::with_capacity(3 * out.len() + 1);
    let mut net = 0.0;
    for (i, o) in out.iter().enumerate() {
        y.extend([o.wait_difference, o.hours_freed, o.abandonment_difference]);
        net += net_benefit(sc, i, o.hours_freed, o.citizen_hours_saved);
    }
    y.push(net);
    y
}

/// The elementary-effect statistics of every factor on every output.
fn effects(
    sens: &Sensitivity,
    design: &[Point],
    y: &[Vec<f64>],
    sites: &[(String, String)],
) -> Vec<EffectRow> {
    let k = sens.factors.len();
    let outputs = y.first().map_or(0, Vec::len);
    let mut ee: Vec<Vec<Vec<f64>>> = vec![vec![Vec::new(); outputs]; k];
    for (j, point) in design.iter().enumerate().skip(1) {
        let Some(f) = point.moved else { continue };
        let dx = point.levels[f] - design[j - 1].levels[f];
        for (o, list) in ee[f].iter_mut().enumerate() {
            list.push((y[j][o] - y[j - 1][o]) / dx);
        }
    }
    let label = |o: usize| -> (String, Output) {
        if o + 1 == outputs {
            return (String::new(), Output::NetBenefit);
        }
        let kind =
            [Output::WaitDifference, Output::HoursFreed, Output::AbandonmentDifference][o % 3];
        (sites.get(o / 3).map_or_else(String::new, |s| s.0.clone()), kind)
    };
    let mut rows: Vec<EffectRow> = Vec::with_capacity(k * outputs);
    for (f, per_output) in ee.iter().enumerate() {
        for (o, list) in per_output.iter().enumerate() {
            let (site, output) = label(o);
            let stats = morris_statistics(list);
            rows.push(EffectRow {
                factor: sens.factors[f].id.clone(),
                site,
                output,
                mu_star: stats.mu_star.mean,
                mu: stats.mu,
                sigma: stats.sigma,
                mu_star_low: stats.mu_star.ci95_low.max(0.0),
                mu_star_high: stats.mu_star.ci95_high,
                relative: 0.0,
            });
        }
    }
    for o in 0..outputs {
        let top = (0..k).map(|f| rows[f * outputs + o].mu_star).fold(0.0, f64::max);
        for f in 0..k {
            let r = &mut rows[f * outputs + o];
            r.relative = if top > 0.0 { r.mu_star / top } else { 0.0 };
        }
    }
    rows
}

/// μ* with its t interval, μ and σ of a factor's elementary effects on one output.
struct MorrisStatistics {
    mu_star: Estimate,
    mu: f64,
    sigma: f64,
}

fn morris_statistics(effects: &[f64]) -> MorrisStatistics {
    let abs: Vec<f64> = effects.iter().map(|e| e.abs()).collect();
    let s = Estimate::from_samples(effects);
    let n = effects.len() as f64;
    let sigma = if effects.len() > 1 {
        (effects.iter().map(|e| (e - s.mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        f64::NAN
    };
    MorrisStatistics { mu_star: Estimate::from_samples(&abs), mu: s.mean, sigma }
}

/// The `m` factors with the largest relative μ* on any output, strongest first (ties by the
/// mean relative μ* over the outputs, then the scenario's order); factors without effect
/// are never chosen.
fn strongest(sens: &Sensitivity, effects: &[EffectRow], m: usize) -> Vec<String> {
    let mut score: Vec<(f64, f64, usize)> = sens
        .factors
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let own = || effects.iter().filter(|e| e.factor == f.id).map(|e| e.relative);
            let best = own().fold(0.0, f64::max);
            let mean = own().sum::<f64>() / own().count().max(1) as f64;
            (best, mean, i)
        })
        .filter(|(s, _, _)| *s > 0.0)
        .collect();
    score.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
    score.into_iter().take(m).map(|(_, _, i)| sens.factors[i].id.clone()).collect()
}

/// The saved rows of one end run.
fn end_rows(
    factor: &str,
    end: &str,
    sc: &Scenario,
    pilot: &[ReplicationRecord],
    baseline: &[ReplicationRecord],
) -> Vec<EndRow> {
    let (scale, counted) = (per_year(sc), per_year_counted(sc));
    let mut rows = Vec::new();
    for (p, b) in pilot.iter().zip(baseline) {
        for (i, (ps, bs)) in p.sites.iter().zip(&b.sites).enumerate() {
            let freed = (bs.officer_busy_hours - ps.officer_busy_hours) * scale;
            let saved = (bs.citizen_hours - ps.citizen_hours) * counted;
            rows.push(EndRow {
                factor: factor.to_owned(),
                end: end.to_owned(),
                replication: p.replication,
                site: ps.site.clone(),
                pilot_wait_min: ps.mean_wait_min,
                baseline_wait_min: bs.mean_wait_min,
                pilot_busy_hours: ps.officer_busy_hours * scale,
                baseline_busy_hours: bs.officer_busy_hours * scale,
                pilot_abandoned_pct: abandoned_pct(ps),
                baseline_abandoned_pct: abandoned_pct(bs),
                net_benefit: net_benefit(sc, i, freed, saved),
            });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trajectory_moves_each_factor_once_by_delta() {
        let k = 5;
        let design = trajectories(k, 3, 4, 7);
        assert_eq!(design.len(), 3 * (k + 1));
        for t in design.chunks(k + 1) {
            let mut moved: Vec<usize> = t.iter().filter_map(|p| p.moved).collect();
            moved.sort_unstable();
            assert_eq!(moved, (0..k).collect::<Vec<_>>());
            for w in t.windows(2) {
                let f = w[1].moved.expect("a step moves a factor");
                for i in 0..k {
                    let d = (w[1].levels[i] - w[0].levels[i]).abs();
                    let want = if i == f { 2.0 / 3.0 } else { 0.0 };
                    assert!((d - want).abs() < 1e-12, "factor {i}: moved {d}");
                }
                assert!(w[1].levels.iter().all(|x| (0.0..=1.0).contains(x)));
            }
        }
        assert_eq!(design, trajectories(k, 3, 4, 7), "the design is a function of the seed");
        assert_ne!(design, trajectories(k, 3, 4, 8));
    }

    /// A sensitivity block of `k` factors (their paths are never read by `effects`).
    fn factors(k: usize) -> Sensitivity {
        Sensitivity {
            factors: (0..k)
                .map(|i| navbat_scenario::Factor {
                    id: format!("f{i}"),
                    reason: "test".to_owned(),
                    vary: vec![Change::Set { path: "x".to_owned(), low: 0.0, high: 1.0 }],
                })
                .collect(),
            not_varied: Vec::new(),
        }
    }

    #[test]
    fn a_factor_without_effect_ranks_last_and_a_strong_one_first() {
        // y = 10 x0 + x1 + 0 x2 + 3 x1 x3 + noise-free: x0 strongest, x2 inert, x3 and x1
        // interact (σ > 0), on one site's three outputs and the net benefit alike.
        let k = 4;
        let sens = factors(k);
        let design = trajectories(k, 6, 4, 11);
        let f = |x: &[f64]| 10.0 * x[0] + x[1] + 3.0 * x[1] * x[3];
        let y: Vec<Vec<f64>> = design.iter().map(|p| vec![f(&p.levels); 4]).collect();
        let sites = [("s".to_owned(), "Site".to_owned())];
        let rows = effects(&sens, &design, &y, &sites);
        let on = |id: &str| {
            rows.iter()
                .find(|r| r.factor == id && r.output == Output::NetBenefit)
                .expect(id)
                .clone()
        };
        assert!((on("f0").mu_star - 10.0).abs() < 1e-9, "linear: every effect is 10");
        assert!(on("f0").sigma.abs() < 1e-9);
        assert_eq!(on("f2").mu_star, 0.0);
        assert!(on("f3").sigma > 0.0, "an interaction spreads the effects");
        assert_eq!(on("f0").relative, 1.0);
        let order = strongest(&sens, &rows, 4);
        assert_eq!(order.first().map(String::as_str), Some("f0"));
        assert!(!order.contains(&"f2".to_owned()), "an inert factor is never re-run: {order:?}");
        assert_eq!(order.len(), 3);
        // The interval of μ* holds the value for a linear factor and is a point for it.
        assert!(on("f0").mu_star_low <= 10.0 + 1e-9 && on("f0").mu_star_high >= 10.0 - 1e-9);
    }
}
