//! The scenario-level blocks beyond the floor: the back office (`workflows`, its teams and
//! skills) the prices (`economics`) and the extension rule (`decision`).

use super::*;

pub(super) fn skill(name: &str, path: &Path) -> Check<String> {
    if SKILLS.contains(&name) {
        Ok(name.to_owned())
    } else {
        problem(path, format!("expected a skill ({}), found {name:?}", SKILLS.join(", ")))
    }
}

/// A built-in skill or a named task of the loaded service definitions.
fn skill_or_task(
    name: &str,
    catalog: &navbat_workflow::ServiceCatalog,
    path: &Path,
) -> Check<String> {
    if SKILLS.contains(&name) || catalog.tasks().iter().any(|t| t == name) {
        Ok(name.to_owned())
    } else {
        problem(
            path,
            format!(
                "expected a skill ({}) or a named task of the service definitions, found {name:?}",
                SKILLS.join(", ")
            ),
        )
    }
}

/// The audit key file: it must exist and hold at least 32 bytes (its bytes are not kept).
pub(super) fn audit_key(file: &std::path::Path, path: &Path) -> Check<std::path::PathBuf> {
    match std::fs::metadata(file) {
        Ok(m) if m.is_file() && m.len() >= 32 => Ok(file.to_path_buf()),
        Ok(m) if m.is_file() => problem(
            path,
            format!("expected a key of at least 32 bytes, {} holds {}", file.display(), m.len()),
        ),
        Ok(_) => problem(path, format!("expected a key file, {} is not a file", file.display())),
        Err(e) => problem(path, format!("cannot read the key file {}: {e}", file.display())),
    }
}

pub(super) fn workflows(
    w: &crate::raw::RawWorkflows,
    base: &std::path::Path,
    services: &[RawService],
    path: &Path,
) -> Check<crate::model::Workflows> {
    let services_dir = base.join(&w.services);
    if !services_dir.is_dir() {
        return problem(
            &path.field("services"),
            format!(
                "expected a folder of service definitions, {} is not one",
                services_dir.display()
            ),
        );
    }
    let catalog = navbat_workflow::load_services_shared(&services_dir).or_else(|e| {
        problem(&path.field("services"), format!("cannot load the service definitions: {e}"))
    })?;
    for (i, s) in services.iter().enumerate() {
        if catalog.id(&s.id).is_none() {
            return problem(
                &Path::default().field("services").index(i).field("id"),
                format!(
                    "expected a workflow definition named {:?} in {}",
                    s.id,
                    services_dir.display()
                ),
            );
        }
    }
    // A service the portal offers needs a no-visit path in its definition.
    for (i, s) in services.iter().enumerate() {
        let def = catalog.id(&s.id).and_then(|id| catalog.get(id));
        if s.portal && !def.is_some_and(|d| d.facts.iter().any(|f| f == navbat_workflow::ONLINE)) {
            return problem(
                &Path::default().field("services").index(i).field("portal"),
                format!(
                    "expected {:?}'s definition in {} to declare the fact {:?} (its no-visit \
                     path) since the portal offers it",
                    s.id,
                    services_dir.display(),
                    navbat_workflow::ONLINE
                ),
            );
        }
    }
    // Reviewers' reasons come from the definitions: every human task step gives them.
    for (i, s) in services.iter().enumerate() {
        let def = catalog.id(&s.id).and_then(|id| catalog.get(id));
        // A named task is performed, not decided: it gives none.
        let reviews = |st: &&navbat_workflow::Step| st.task.is_some_and(|t| !t.is_named());
        if let Some(step) =
            def.and_then(|d| d.steps.iter().filter(reviews).find(|st| st.reasons.is_none()))
        {
            return problem(
                &Path::default().field("services").index(i).field("id"),
                format!(
                    "expected {:?}'s step {:?} in {} to give its review reasons \
                     (`reasons: Some((approve: [..], refuse: [..]))`)",
                    s.id,
                    step.name,
                    services_dir.display()
                ),
            );
        }
    }
    if w.back_office.is_empty() {
        return problem(&path.field("back_office"), "expected at least one back-office team");
    }
    let mut teams = Vec::with_capacity(w.back_office.len());
    for (i, t) in w.back_office.iter().enumerate() {
        let tp = path.field("back_office").index(i);
        if t.officers == 0 || t.officers > MAX_TEAM_OFFICERS {
            return problem(
                &tp.field("officers"),
                format!("expected 1 to {MAX_TEAM_OFFICERS} officers, found {}", t.officers),
            );
        }
        if t.skills.is_empty() {
            return problem(&tp.field("skills"), "expected at least one skill");
        }
        let skills = t
            .skills
            .iter()
            .enumerate()
            .map(|(j, s)| skill_or_task(s, &catalog, &tp.field("skills").index(j)))
            .collect::<Check<Vec<_>>>()?;
        teams.push(crate::model::Team {
            id: t.id.clone(),
            officers: t.officers,
            skills,
            hours: hours(&t.hours, &tp.field("hours"))?,
        });
    }
    let mut task_minutes = Vec::with_capacity(w.task_minutes.len());
    for (i, (name, d)) in w.task_minutes.iter().enumerate() {
        let ip = path.field("task_minutes").index(i);
        let name = skill_or_task(name, &catalog, &ip.index(0))?;
        task_minutes.push((name, dist(d, &ip.index(1), Unit::Minutes)?));
    }
    for name in SKILLS.iter().copied().chain(catalog.tasks().iter().map(String::as_str)) {
        if !task_minutes.iter().any(|(s, _)| s == name) {
            return problem(
                &path.field("task_minutes"),
                format!("expected officer minutes for every skill; {name:?} has none"),
            );
        }
    }
    // A named task nobody may perform would leave its cases waiting for ever.
    for name in catalog.tasks() {
        if !teams.iter().any(|t| t.skills.contains(name)) {
            return problem(
                &path.field("back_office"),
                format!("expected a team that performs the named task {name:?}; none does"),
            );
        }
    }
    let mut approve = Vec::with_capacity(w.approve.len());
    for (i, (name, p)) in w.approve.iter().enumerate() {
        let ip = path.field("approve").index(i);
        approve.push((skill(name, &ip.index(0))?, probability(*p, &ip.index(1))?));
    }
    let mut reviewer_errors = Vec::with_capacity(w.reviewer_errors.len());
    for (i, e) in w.reviewer_errors.iter().enumerate() {
        let ep = path.field("reviewer_errors").index(i);
        let name = skill(&e.skill, &ep.field("skill"))?;
        if reviewer_errors.iter().any(|(s, _)| *s == name) {
            return problem(&ep.field("skill"), format!("{name:?} is listed twice"));
        }
        let errors = crate::model::ReviewerErrors {
            false_approval: probability(e.false_approval, &ep.field("false_approval"))?,
            false_refusal: probability(e.false_refusal, &ep.field("false_refusal"))?,
        };
        reviewer_errors.push((name, errors));
    }
    let share = |x: f64, f: &'static str| probability(x, &path.field(f));
    if w.check_hit + w.check_failed > 1.0 {
        return problem(&path.field("check_failed"), "expected check_hit + check_failed <= 1");
    }
    if w.consent_refused + w.consent_no_answer > 1.0 {
        return problem(
            &path.field("consent_no_answer"),
            "expected consent_refused + consent_no_answer <= 1",
        );
    }
    let known_service = |name: &str, at: &Path| -> Check<&RawService> {
        services.iter().find(|s| s.id == name).map_or_else(
            || problem(at, format!("expected a service id of this scenario, found {name:?}")),
            Ok,
        )
    };
    let mut production_days_by_service = Vec::with_capacity(w.production_days_by_service.len());
    for (i, (name, d)) in w.production_days_by_service.iter().enumerate() {
        let ip = path.field("production_days_by_service").index(i);
        known_service(name, &ip.index(0))?;
        production_days_by_service.push((name.clone(), dist(d, &ip.index(1), Unit::Days)?));
    }
    let mut facts = Vec::with_capacity(w.facts.len());
    for (i, f) in w.facts.iter().enumerate() {
        let fp = path.field("facts").index(i);
        known_service(&f.service, &fp.field("service"))?;
        let def = catalog.id(&f.service).and_then(|id| catalog.get(id));
        if !def.is_some_and(|d| d.facts.contains(&f.fact)) {
            let listed = def.map(|d| d.facts.join(", ")).unwrap_or_default();
            return problem(
                &fp.field("fact"),
                format!(
                    "expected a fact of {:?}'s definition ({}), found {:?}",
                    f.service,
                    if listed.is_empty() { "it has none" } else { &listed },
                    f.fact
                ),
            );
        }
        facts.push((f.service.clone(), f.fact.clone(), probability(f.share, &fp.field("share"))?));
    }
    let mut truth = vec![[0.0; 2]; services.len()];
    for (i, t) in w.truth.iter().enumerate() {
        let tp = path.field("truth").index(i);
        known_service(&t.service, &tp.field("service"))?;
        let ineligible = probability(t.ineligible, &tp.field("ineligible"))?;
        let fraudulent = probability(t.fraudulent, &tp.field("fraudulent"))?;
        if ineligible + fraudulent > 1.0 {
            return problem(&tp.field("fraudulent"), "expected ineligible + fraudulent <= 1");
        }
        if let Some(k) = services.iter().position(|s| s.id == t.service) {
            truth[k] = [ineligible, fraudulent];
        }
    }
    let audit_key = match &w.audit_key {
        None => None,
        Some(rel) => Some(audit_key(&base.join(rel), &path.field("audit_key"))?),
    };
    Ok(crate::model::Workflows {
        audit_key,
        services_dir,
        catalog,
        teams,
        task_minutes,
        approve,
        truth,
        reviewer_errors,
        pay_at_visit: share(w.pay_at_visit, "pay_at_visit")?,
        pay_later_days: dist(&w.pay_later_days, &path.field("pay_later_days"), Unit::Days)?,
        never_pay: share(w.never_pay, "never_pay")?,
        check_minutes: dist(&w.check_minutes, &path.field("check_minutes"), Unit::Minutes)?,
        check_hit: share(w.check_hit, "check_hit")?,
        check_failed: share(w.check_failed, "check_failed")?,
        check_hit_unsound: match w.check_hit_unsound {
            None => w.check_hit,
            Some(p) => {
                let p = share(p, "check_hit_unsound")?;
                if p + w.check_failed > 1.0 {
                    return problem(
                        &path.field("check_hit_unsound"),
                        "expected check_hit_unsound + check_failed <= 1",
                    );
                }
                p
            }
        },
        consent_hours: dist(&w.consent_hours, &path.field("consent_hours"), Unit::Hours)?,
        consent_refused: share(w.consent_refused, "consent_refused")?,
        consent_no_answer: share(w.consent_no_answer, "consent_no_answer")?,
        production_days: dist(&w.production_days, &path.field("production_days"), Unit::Days)?,
        production_days_by_service,
        facts,
        pickup_days: dist(&w.pickup_days, &path.field("pickup_days"), Unit::Days)?,
        never_collect: share(w.never_collect, "never_collect")?,
        pickup_counter_minutes: dist(
            &w.pickup_counter_minutes,
            &path.field("pickup_counter_minutes"),
            Unit::Minutes,
        )?,
        pickup_kiosk_minutes: dist(
            &w.pickup_kiosk_minutes,
            &path.field("pickup_kiosk_minutes"),
            Unit::Minutes,
        )?,
        appeal: share(w.appeal, "appeal")?,
        appeal_wrongful: share(w.appeal_wrongful.unwrap_or(w.appeal), "appeal_wrongful")?,
        liveness_mean: share(w.liveness_mean, "liveness_mean")?,
    })
}

pub(super) fn economics(
    e: &crate::raw::RawEconomics,
    path: &Path,
) -> Check<crate::model::Economics> {
    if e.currency.trim().is_empty() {
        return problem(&path.field("currency"), "expected a currency code such as \"UZS\"");
    }
    let amount = |x: f64, f: &'static str| -> Check<f64> {
        if x.is_finite() && x >= 0.0 {
            Ok(x)
        } else {
            problem(&path.field(f), format!("expected a finite amount >= 0, found {x}"))
        }
    };
    if !(e.kiosk_life_years.is_finite() && e.kiosk_life_years > 0.0) {
        return problem(
            &path.field("kiosk_life_years"),
            format!("expected a number of years > 0, found {}", e.kiosk_life_years),
        );
    }
    Ok(crate::model::Economics {
        currency: e.currency.clone(),
        kiosk_capital: amount(e.kiosk_capital, "kiosk_capital")?,
        kiosk_life_years: e.kiosk_life_years,
        kiosk_running_per_year: amount(e.kiosk_running_per_year, "kiosk_running_per_year")?,
        officer_hour: amount(e.officer_hour, "officer_hour")?,
        citizen_hour: amount(e.citizen_hour, "citizen_hour")?,
    })
}

pub(super) fn decision(
    d: Option<&crate::raw::RawDecision>,
    path: &Path,
) -> Check<crate::model::Decision> {
    let stated = d.is_some();
    let d = d.cloned().unwrap_or_default();
    let m = d.abandonment_margin_points;
    if !(m.is_finite() && (0.0..100.0).contains(&m)) {
        return problem(
            &path.field("abandonment_margin_points"),
            format!("expected percentage points from 0 to below 100, found {m}"),
        );
    }
    for (x, f) in [(d.precision, "precision"), (d.family_alpha, "family_alpha")] {
        if !(x.is_finite() && x > 0.0 && x < 1.0) {
            return problem(
                &path.field(f),
                format!("expected a number between 0 and 1, found {x}"),
            );
        }
    }
    Ok(crate::model::Decision {
        abandonment_margin_points: m,
        precision: d.precision,
        family_alpha: d.family_alpha,
        stated,
    })
}
