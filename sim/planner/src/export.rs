//! "Export report": the full one-year evaluation report of the layout as edited, made by the
//! same path as `navbat run SCENARIO --report DIR` (the layout against its no-kiosk baseline,
//! the expansion proposal, the report's folder rules), on a background thread.
//!
//! The planner does not write results folders itself: it writes the layout to a temporary
//! scenario file, runs the `navbat` binary on it, and removes the file. `navbat run` checks the
//! report folder before simulating (absent, empty, or an earlier report of navbat's and
//! nothing else), so nothing navbat did not write is ever deleted; its results go to
//! `DIR.results` beside the report.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread::JoinHandle;

/// The `navbat` binary: `NAVBAT_BIN` when set; this process when it is `navbat` (`navbat
/// plan`); `navbat` beside this program or one folder up (cargo's `examples/`); else `navbat`
/// on the `PATH`.
pub fn navbat_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("NAVBAT_BIN") {
        return PathBuf::from(bin);
    }
    let name = format!("navbat{}", std::env::consts::EXE_SUFFIX);
    if let Ok(exe) = std::env::current_exe() {
        if exe.file_name().is_some_and(|n| n == name.as_str()) {
            return exe;
        }
        let beside = exe.parent().map(|d| d.join(&name));
        let above = exe.parent().and_then(Path::parent).map(|d| d.join(&name));
        if let Some(found) = [beside, above].into_iter().flatten().find(|p| p.is_file()) {
            return found;
        }
    }
    PathBuf::from(name)
}

/// The command that writes the report of `scenario` into `out`.
pub fn report_command(navbat: &Path, scenario: &Path, out: &Path, seed: u64) -> Command {
    let mut cmd = Command::new(navbat);
    cmd.arg("run").arg(scenario).arg("--seed").arg(seed.to_string()).arg("--report").arg(out);
    cmd
}

/// A report being written in the background.
#[derive(Debug)]
pub struct ReportJob {
    /// Where the report goes.
    pub out: PathBuf,
    handle: Option<JoinHandle<Result<PathBuf, String>>>,
    result: Option<Result<PathBuf, String>>,
}

impl ReportJob {
    /// Runs `navbat run` on `scenario_text` (a layout whose relative paths are already
    /// absolute) with `seed`, writing the report into `out`; the temporary scenario file is
    /// removed afterwards.
    pub fn start(scenario_text: String, out: PathBuf, seed: u64, navbat: PathBuf) -> Self {
        let target = out.clone();
        let handle = std::thread::spawn(move || {
            let file = std::env::temp_dir()
                .join(format!("navbat-planner-layout-{}-{seed}.ron", std::process::id()));
            std::fs::write(&file, scenario_text)
                .map_err(|e| format!("{}: cannot write: {e}", file.display()))?;
            let output = report_command(&navbat, &file, &target, seed).output();
            // The scenario's text is also in the results folder (scenario.ron).
            let _ = std::fs::remove_file(&file);
            let output = output.map_err(|e| format!("cannot run {}: {e}", navbat.display()))?;
            if output.status.success() {
                Ok(target.join("index.html"))
            } else {
                let stderr = String::from_utf8_lossy(&output.stderr);
                let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
                Err(format!("navbat run failed ({}): {}", output.status, last.trim()))
            }
        });
        Self { out, handle: Some(handle), result: None }
    }

    /// The report's `index.html` once written (`Err` with navbat's message otherwise).
    pub fn poll(&mut self) -> Option<&Result<PathBuf, String>> {
        if self.result.is_none() && self.handle.as_ref().is_some_and(JoinHandle::is_finished) {
            let handle = self.handle.take()?;
            self.result = Some(
                handle.join().unwrap_or_else(|_| Err("the report's worker failed".to_owned())),
            );
        }
        self.result.as_ref()
    }

    /// Waits for the report (tests and scripts).
    pub fn wait(mut self) -> Result<PathBuf, String> {
        if let Some(r) = self.result.take() {
            return r;
        }
        match self.handle.take() {
            Some(h) => h.join().unwrap_or_else(|_| Err("the report's worker failed".to_owned())),
            None => Err("the report has no worker".to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_is_asked_of_navbat_run() {
        let cmd = report_command(Path::new("navbat"), Path::new("l.ron"), Path::new("out"), 7);
        let args: Vec<_> = cmd.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
        assert_eq!(args, ["run", "l.ron", "--seed", "7", "--report", "out"]);
    }

    #[test]
    fn a_missing_binary_is_an_error_not_a_panic() {
        let job = ReportJob::start(
            String::new(),
            std::env::temp_dir().join("navbat-planner-no-report"),
            1,
            PathBuf::from("/nonexistent/navbat"),
        );
        let err = job.wait().unwrap_err();
        assert!(err.contains("cannot run /nonexistent/navbat"), "{err}");
    }
}
