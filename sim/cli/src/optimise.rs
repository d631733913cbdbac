//! `navbat optimise`: where stations go and how many kiosks each, within a capital budget,
//! with the twin as the judge (`navbat_optimise`). Writes the chosen plan as a scenario, its
//! table and map, the convergence chart and the plan against the surrogate's plan, the same
//! kiosks spread evenly and the scenario as it is, each with paired intervals.
//!
//! Evaluations are appended to `DIR.work/evaluations.jsonl` as they are made and saved in
//! `DIR/evaluations.jsonl` with the results, so a run stopped half way, or run again with
//! other settings, resumes from what `DIR` (or `DIR.work`) already holds. With `--shard I/N`
//! the process evaluates only its share of the screening table (every candidate at every
//! kiosk count and assistant level, on every replication of the search) and writes a shard
//! folder; `navbat merge` puts the shards' evaluations into one folder, and `navbat optimise
//! … --out` that folder then searches with the table already simulated.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use miette::{IntoDiagnostic, WrapErr};
use navbat_optimise::{
    Candidates, Evaluator, Plan, Procedure, Search, Settings, Universe, even_plan, scenario_plan,
};
use navbat_record::Estimate;

use crate::shard::{Part, SHARD_FILE, SHARD_FORMAT, Shard, ShardFile};

/// `navbat optimise SCENARIO --budget UZS --out DIR`.
#[derive(Args, Debug)]
pub(crate) struct OptimiseArgs {
    /// Scenario file (RON): its sites are the units a plan equips.
    scenario: PathBuf,
    /// Capital budget in the scenario's currency: kiosks at the economics block's price and
    /// new stations' fit-out.
    #[arg(long, value_parser = crate::positive)]
    budget: f64,
    /// Candidate file (RON, see scenarios/candidates-2026.ron); default: the scenario's own
    /// sites, no new stations.
    #[arg(long)]
    candidates: Option<PathBuf>,
    /// Most plans evaluated on the twin (a plan's value is the sum of its sites', so a plan
    /// whose sites were simulated before costs no simulation).
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    max_evaluations: u64,
    /// Fairness: no region's mean wait above this many minutes.
    #[arg(long, value_name = "MIN", value_parser = crate::positive)]
    fairness_max_wait: Option<f64>,
    /// Evaluate only shard I of N of the screening table and write a shard folder for
    /// `navbat merge` to `--out`.
    #[arg(long, value_name = "I/N", value_parser = Shard::parse)]
    shard: Option<Shard>,
    /// Results folder (absent, empty or an earlier one of navbat's: replaced whole); the
    /// evaluations it holds are reused.
    #[arg(long)]
    out: PathBuf,
    /// Master seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Replications every plan of the search is scored on (common random numbers).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(2..=1000))]
    replications: u32,
    /// Indifference zone of the final selection, in the currency a year (default: half a
    /// kiosk's yearly cost).
    #[arg(long, value_parser = crate::positive)]
    delta: Option<f64>,
    /// Probability of correct selection the final comparison guarantees.
    #[arg(long, default_value_t = 0.95)]
    pcs: f64,
    /// Replications of every finalist before the selection drops any.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(2..=1000))]
    first_stage: u32,
    /// Most replications of a finalist.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(2..=10_000))]
    max_replications: u32,
    /// Steps the surrogate shortlists for the twin at each greedy step.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=1000))]
    shortlist: u64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
}

/// The evaluation cache's file name, in the results folder and in its work folder.
const CACHE: &str = "evaluations.jsonl";

fn optimise_error(e: navbat_optimise::OptimiseError) -> miette::Report {
    miette::miette!("{e}")
}

pub(crate) fn optimise(args: &OptimiseArgs) -> miette::Result<()> {
    let started = Instant::now();
    let text = std::fs::read_to_string(&args.scenario)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read {}", args.scenario.display()))?;
    let raw = navbat_scenario::parse_raw(&args.scenario.display().to_string(), &text)
        .map_err(miette::Report::new)?;
    let base = args.scenario.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let (candidates, candidates_text) = match &args.candidates {
        Some(path) => {
            let t = std::fs::read_to_string(path)
                .into_diagnostic()
                .wrap_err_with(|| format!("cannot read {}", path.display()))?;
            (
                Candidates::parse(&path.display().to_string(), &t, &raw).map_err(optimise_error)?,
                Some(t),
            )
        }
        None => (Candidates::units_of(&raw), None),
    };
    let universe = Universe::new(&raw, candidates, &base).map_err(optimise_error)?;
    let Some(economics) = universe.scenario.economics.clone() else {
        return Err(miette::miette!(
            "{}: the scenario has no economics block, so plans cannot be valued",
            args.scenario.display()
        ));
    };
    navbat_record::folder::check_writable(&args.out)
        .into_diagnostic()
        .wrap_err_with(|| format!("--out {}: cannot write there", args.out.display()))?;
    if !(args.pcs > 0.5 && args.pcs < 1.0) {
        return Err(miette::miette!("--pcs {}: must lie between 0.5 and 1", args.pcs));
    }
    let kiosk_year =
        economics.kiosk_capital / economics.kiosk_life_years + economics.kiosk_running_per_year;
    let settings = Settings {
        budget: args.budget,
        max_evaluations: usize::try_from(args.max_evaluations).unwrap_or(usize::MAX),
        replications: args.replications,
        fairness_max_wait_min: args.fairness_max_wait,
        shortlist: usize::try_from(args.shortlist).unwrap_or(8),
        neighbours: 4,
        final_few: 4,
        procedure: Procedure {
            delta: args.delta.unwrap_or(0.5 * kiosk_year),
            pcs: args.pcs,
            first_stage: args.first_stage,
            max_replications: args.max_replications.max(args.first_stage),
        },
    };
    let pool = crate::thread_pool(args.threads)?;
    if let Some(shard) = args.shard {
        return optimise_shard(
            args,
            &universe,
            &settings,
            shard,
            &text,
            candidates_text.as_deref(),
            &pool,
        );
    }
    // The cache: what an earlier complete folder holds, and what a stopped run appended.
    let name =
        args.out.file_name().map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let work = args.out.with_file_name(format!("{name}.work"));
    std::fs::create_dir_all(&work)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot create the work folder {}", work.display()))?;
    let mut ev =
        Evaluator::new(&universe, args.seed, Some(&work.join(CACHE))).map_err(optimise_error)?;
    if navbat_record::folder::verify_folder(&args.out).is_ok() {
        ev.loaded += ev.read_cache(&args.out.join(CACHE)).map_err(optimise_error)?;
    }
    let bar = spinner("optimise");
    let tick = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let found =
        pool.install(|| Search::new(&mut ev, settings, &tick).run()).map_err(optimise_error)?;
    // Comparisons, paired by replication on the search's replications.
    let reps = settings.replications;
    let even = even_plan(&universe, found.best.total_kiosks(), universe.assistants(&found.best));
    let as_is = scenario_plan(&universe);
    let others: [(&str, &Plan); 3] = [
        ("the surrogate's own plan", &found.surrogate),
        ("the same kiosks spread evenly over the units", &even),
        ("the scenario as it is", &as_is),
    ];
    let mut all: Vec<&Plan> = vec![&found.best];
    all.extend(others.iter().map(|(_, p)| *p));
    pool.install(|| ev.ensure(&all, 0..reps, &tick)).map_err(optimise_error)?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let nets = |ev: &mut Evaluator<'_>,
                p: &Plan|
     -> miette::Result<Vec<navbat_optimise::PlanReplication>> {
        (0..reps)
            .map(|r| {
                ev.value(p, r).ok_or_else(|| miette::miette!("replication {r} was not simulated"))
            })
            .collect()
    };
    let chosen = nets(&mut ev, &found.best)?;
    let mut compare = Vec::new();
    for (label, p) in others {
        let theirs = nets(&mut ev, p)?;
        let diff: Vec<f64> = chosen.iter().zip(&theirs).map(|(a, b)| a.net - b.net).collect();
        compare.push((
            label,
            p,
            Estimate::from_samples(&theirs.iter().map(|v| v.net).collect::<Vec<_>>()),
            Estimate::from_samples(&diff),
        ));
    }
    let chosen_net = Estimate::from_samples(&chosen.iter().map(|v| v.net).collect::<Vec<_>>());
    let elapsed = started.elapsed().as_secs_f64();
    // The files.
    let mut plan_raw = universe.plan_raw(&found.best);
    if let Some(w) = plan_raw.workflows.as_mut() {
        let services = Path::new(&w.services);
        if services.is_relative() {
            let abs =
                std::fs::canonicalize(base.join(services)).unwrap_or_else(|_| base.join(services));
            w.services = abs.display().to_string();
        }
    }
    plan_raw.name = format!("{} (optimised)", raw.name);
    let plan_text = format!(
        "// Written by `{}`: the chosen plan of `navbat optimise`, ready for `navbat run`.\n{}",
        crate::shard::command_words().join(" "),
        navbat_scenario::to_ron(&plan_raw)
    );
    navbat_scenario::from_str_at("plan.ron", &plan_text, &base).map_err(miette::Report::new)?;
    let currency = economics.currency.clone();
    let map = navbat_optimise::plan_map(&universe, &found.best, "The chosen plan")
        .map_err(optimise_error)?;
    let conv = navbat_optimise::convergence(&found.trace, &currency).map_err(optimise_error)?;
    let table = plan_table(&universe, &mut ev, &found.best, reps)?;
    let mut trace_csv = String::from("evaluation,phase,score,best\n");
    for t in &found.trace {
        let _ = writeln!(trace_csv, "{},{},{},{}", t.evaluations, t.phase, t.score, t.best);
    }
    let mut cmp_csv = String::from(
        "plan,kiosks,assistants,capital,net_mean,net_ci95_low,net_ci95_high,chosen_minus_mean,chosen_minus_ci95_low,chosen_minus_ci95_high\n",
    );
    let _ = writeln!(
        cmp_csv,
        "chosen,{},{},{},{},{},{},0,0,0",
        found.best.total_kiosks(),
        universe.assistants(&found.best),
        universe.capital(&found.best),
        chosen_net.mean,
        chosen_net.ci95_low,
        chosen_net.ci95_high
    );
    for (label, p, own, diff) in &compare {
        let _ = writeln!(
            cmp_csv,
            "\"{label}\",{},{},{},{},{},{},{},{},{}",
            p.total_kiosks(),
            universe.assistants(p),
            universe.capital(p),
            own.mean,
            own.ci95_low,
            own.ci95_high,
            diff.mean,
            diff.ci95_low,
            diff.ci95_high
        );
    }
    let summary =
        summary_text(args, &universe, &found, &chosen_net, &compare, reps, &currency, &ev, elapsed);
    let selection = serde_json::json!({
        "finalists": found.finalists.iter().map(|p| serde_json::json!({"kiosks": p.kiosks, "assistants": p.assistants})).collect::<Vec<_>>(),
        "best": found.selection.best,
        "replications": found.selection.replications,
        "means": found.selection.means,
        "eliminated_after": found.selection.eliminated_after,
        "capped": found.selection.capped,
        "delta": settings.procedure.delta,
        "pcs": settings.procedure.pcs,
        "first_stage": settings.procedure.first_stage,
        "max_replications": settings.procedure.max_replications,
    });
    let meta = serde_json::json!({
        "navbat_version": env!("CARGO_PKG_VERSION"),
        "command": crate::shard::command_words(),
        "scenario": args.scenario.display().to_string(),
        "scenario_sha256": navbat_record::folder::sha256_hex(text.as_bytes()),
        "candidates": args.candidates.as_ref().map(|p| p.display().to_string()),
        "seed": args.seed,
        "budget": args.budget,
        "replications": args.replications,
        "fairness_max_wait_min": args.fairness_max_wait,
        "plans_evaluated": found.evaluations,
        "steps_pruned_by_surrogate": found.pruned,
        "site_replications_simulated": ev.simulated,
        "site_replications_reused": ev.loaded,
        "seconds": elapsed,
    });
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("plan.ron", plan_text.into_bytes()),
        ("plan.csv", table.into_bytes()),
        ("map.svg", map.svg.into_bytes()),
        ("map.png", map.png),
        ("convergence.svg", conv.svg.into_bytes()),
        ("convergence.png", conv.png),
        ("convergence.csv", trace_csv.into_bytes()),
        ("comparison.csv", cmp_csv.into_bytes()),
        ("selection.json", serde_json::to_vec_pretty(&selection).into_diagnostic()?),
        ("optimise.json", serde_json::to_vec_pretty(&meta).into_diagnostic()?),
        ("summary.md", summary.clone().into_bytes()),
        (CACHE, ev.cache_lines()),
    ];
    drop(ev);
    crate::output::write_files(&args.out, &files)?;
    let _ = std::fs::remove_dir_all(&work);
    crate::emit(&summary)?;
    Ok(())
}

/// A spinner counting site replications simulated, on a terminal.
fn spinner(message: &str) -> Option<indicatif::ProgressBar> {
    std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {msg}: {pos} site replications simulated, {elapsed}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.set_message(message.to_owned());
        bar
    })
}

/// The plan's table: every site it equips or opens, with its simulated mean wait.
fn plan_table(
    u: &Universe,
    ev: &mut Evaluator<'_>,
    plan: &Plan,
    reps: u32,
) -> miette::Result<String> {
    let mut out = String::from(
        "site,name,kind,region,lat,lon,new_station,kiosks,assistants,yearly_demand,mean_wait_min\n",
    );
    for c in 0..u.len() {
        let Some(cfg) = u.config(plan, c) else { continue };
        if cfg.kiosks == 0 {
            continue;
        }
        let cand = &u.candidates.sites[c];
        let demand: f64 =
            u.raw.sites[u.site_of[c]].demand.iter().zip(&cfg.keep).map(|(d, k)| d.yearly * k).sum();
        let mut wait = 0.0;
        for r in 0..reps {
            wait += ev.outcome(&cfg, r).map_or(f64::NAN, |o| o.mean_wait_min);
        }
        let _ = writeln!(
            out,
            "{},\"{}\",{:?},\"{}\",{},{},{},{},{},{},{}",
            cand.id,
            cand.name,
            cand.kind,
            cand.region,
            cand.lat,
            cand.lon,
            u.is_new(c),
            cfg.kiosks,
            cfg.assistants,
            demand,
            wait / f64::from(reps)
        );
    }
    Ok(out)
}

fn millions(e: &Estimate) -> String {
    format!("{:.0} ({:.0} to {:.0})", e.mean / 1e6, e.ci95_low / 1e6, e.ci95_high / 1e6)
}

#[expect(clippy::too_many_arguments, reason = "one summary of one run's pieces")]
fn summary_text(
    args: &OptimiseArgs,
    u: &Universe,
    found: &navbat_optimise::Found,
    chosen: &Estimate,
    compare: &[(&str, &Plan, Estimate, Estimate)],
    reps: u32,
    currency: &str,
    ev: &Evaluator<'_>,
    seconds: f64,
) -> String {
    let best = &found.best;
    let stations = (0..u.len()).filter(|&c| u.is_new(c) && best.kiosks[c] > 0).count();
    let sites = (0..u.len()).filter(|&c| best.kiosks[c] > 0).count();
    let mut s = String::new();
    let _ = writeln!(s, "# Placement of {}\n", u.raw.name);
    let _ = writeln!(
        s,
        "Budget {:.0} million {currency}; the chosen plan puts {} kiosks and {} floor assistants at {} sites ({} of them new stations), capital {:.0} million {currency}.\n",
        args.budget / 1e6,
        best.total_kiosks(),
        u.assistants(best),
        sites,
        stations,
        u.capital(best) / 1e6
    );
    let _ = writeln!(
        s,
        "Yearly net benefit against no kiosks (officer and citizen hours valued at the scenario's prices, less the plan's yearly cost), million {currency}, mean (95 % CI) over {reps} replications paired by replication:\n"
    );
    let _ = writeln!(s, "| Plan | Kiosks | Net benefit | Chosen minus this plan |");
    let _ = writeln!(s, "|---|---:|---:|---:|");
    let _ = writeln!(s, "| Chosen | {} | {} | |", best.total_kiosks(), millions(chosen));
    for (label, p, own, diff) in compare {
        let _ = writeln!(
            s,
            "| {label} | {} | {} | {} |",
            p.total_kiosks(),
            millions(own),
            millions(diff)
        );
    }
    let sel = &found.selection;
    let _ = writeln!(
        s,
        "\nSearch: {} plans evaluated on the twin (greedy marginal allocation shortlisted by the Erlang C surrogate, {} steps kept off the twin by it; then local search by moves and swaps), {} site replications simulated and {} reused from the cache, in {:.0} s. Final {} plans compared by KN++ (indifference zone {:.0} {currency}, probability of correct selection {}): {}; replications per finalist {:?}.\n",
        found.evaluations,
        found.pruned,
        ev.simulated,
        ev.loaded,
        seconds,
        found.finalists.len(),
        sel.procedure.delta,
        sel.procedure.pcs,
        if sel.capped {
            "stopped at the cap, so without its guarantee".to_owned()
        } else {
            format!("finalist {} selected", sel.best)
        },
        sel.replications
    );
    if let Some(bound) = args.fairness_max_wait {
        let _ = writeln!(
            s,
            "Fairness bound: no region's mean wait above {bound} minutes (a penalty in the score).\n"
        );
    }
    let _ = writeln!(
        s,
        "Each site is simulated alone (sites share only the back office and the app's routing); run `navbat run plan.ron --baseline --report DIR` to judge the whole plan with both."
    );
    s
}

/// `--shard I/N`: the screening table (every candidate at every kiosk count and assistant
/// level, the units as no station draws on them, on replications `0..R`), dealt like cards,
/// this shard's share simulated and written as a shard folder.
fn optimise_shard(
    args: &OptimiseArgs,
    u: &Universe,
    settings: &Settings,
    shard: Shard,
    scenario_text: &str,
    candidates_text: Option<&str>,
    pool: &rayon::ThreadPool,
) -> miette::Result<()> {
    let started = Instant::now();
    let mut configs = Vec::new();
    let empty = Plan::empty(u.len());
    for c in 0..u.len() {
        for k in 0..=u.candidates.max_kiosks {
            for a in 0..=u.candidates.max_assistants {
                if k == 0 && a > 0 {
                    continue;
                }
                let mut p = empty.clone();
                p.kiosks[c] = k;
                p.assistants[c] = a;
                if let Some(cfg) = u.config(&p, c) {
                    configs.push(cfg);
                }
            }
        }
    }
    let mut ev = Evaluator::new(u, args.seed, None).map_err(optimise_error)?;
    let all = ev.missing(&configs, 0..settings.replications);
    let total = all.len();
    let mine: Vec<_> = shard.units(total).map(|i| all[i].clone()).collect();
    let bar = crate::progress(mine.len() as u64, &format!("optimise shard {shard}"));
    pool.install(|| {
        ev.run(&mine, &|| {
            if let Some(b) = &bar {
                b.inc(1);
            }
        })
    })
    .map_err(optimise_error)?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let file = ShardFile {
        format_version: SHARD_FORMAT,
        navbat_version: env!("CARGO_PKG_VERSION").to_owned(),
        command: crate::shard::command_words(),
        scenario_sha256: navbat_record::folder::sha256_hex(scenario_text.as_bytes()),
        seed: args.seed,
        part: Part::Optimise { shard, evaluations: total, replications: settings.replications },
    };
    let mut files = vec![
        (SHARD_FILE, serde_json::to_vec_pretty(&file).into_diagnostic()?),
        ("scenario.ron", scenario_text.as_bytes().to_vec()),
        (CACHE, ev.cache_lines()),
    ];
    if let Some(t) = candidates_text {
        files.push(("candidates.ron", t.as_bytes().to_vec()));
    }
    crate::output::write_files(&args.out, &files)?;
    eprintln!(
        "optimise shard {shard}: {} of {total} site evaluations in {:.2} s, written to {}",
        mine.len(),
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    Ok(())
}
