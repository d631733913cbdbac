//! Track-and-trace: verify a case's hash chain, and rebuild its state by replaying its log.

use crate::case::{self, Advance, CaseId, CaseState, Hash, Input, LogEntry};
use crate::chain::{chain_hash, genesis};
use crate::definition::ServiceCatalog;
use crate::error::WorkflowError;
use crate::store::Case;
use crate::time::WorkCalendar;

/// Check that `log` is the complete, unaltered chain of case `id` ending in `head`.
///
/// Detects an edited entry (its hash no longer matches), a deleted, inserted or reordered
/// entry (sequence numbers and links break) and a truncated log (the last hash is not the
/// head kept apart from the log).
pub fn verify_log(id: CaseId, log: &[LogEntry], head: &Hash) -> Result<(), WorkflowError> {
    let broken = |index: usize, problem: &'static str| WorkflowError::ChainBroken {
        case: id.0,
        index,
        problem,
    };
    let mut prev = genesis(id);
    for (i, e) in log.iter().enumerate() {
        if usize::try_from(e.seq).ok() != Some(i) {
            return Err(broken(
                i,
                "sequence number out of place (deleted, inserted or reordered entry)",
            ));
        }
        if chain_hash(&prev, e) != e.hash {
            return Err(broken(i, "hash does not match the entry and its predecessor"));
        }
        prev = e.hash;
    }
    if &prev != head {
        return Err(broken(log.len(), "last hash is not the case's head (truncated log)"));
    }
    Ok(())
}

/// [`verify_log`] over a stored case, against the head in its state.
pub fn verify_chain(case: &Case) -> Result<(), WorkflowError> {
    verify_log(case.id, &case.log, &case.state.head)
}

/// Rebuild a case's state from its log alone, checking that every recomputed entry equals
/// the logged one (hash included).
pub fn replay(
    catalog: &ServiceCatalog,
    calendar: &WorkCalendar,
    id: CaseId,
    log: &[LogEntry],
) -> Result<CaseState, WorkflowError> {
    let diverged = |index: usize, problem: &'static str| WorkflowError::ReplayDiverged {
        case: id.0,
        index,
        problem,
    };
    let first = log.first().ok_or_else(|| diverged(0, "empty log"))?;
    let Input::Open { service, subject, facts } = first.input else {
        return Err(diverged(0, "first entry is not an Open"));
    };
    let def = catalog.get(service).ok_or(WorkflowError::UnknownService { service: service.0 })?;
    let mut adv = Advance::scratch();
    case::open(def, calendar, id, service, subject, facts, first.at, &mut adv);
    if &adv.entry != first {
        return Err(diverged(0, "recomputed entry differs"));
    }
    let mut state = adv.state;
    for (i, e) in log.iter().enumerate().skip(1) {
        case::advance(def, calendar, id, &state, e.input, e.at, &mut adv)
            .map_err(|_| diverged(i, "logged input is rejected by the definition"))?;
        if &adv.entry != e {
            return Err(diverged(i, "recomputed entry differs"));
        }
        state = adv.state;
    }
    Ok(state)
}
