//! Shards: a run's replications or a sweep's evaluations split between processes that share
//! nothing, each writing a shard folder that `navbat merge` ([`crate::merge`]) puts together
//! into the folder one machine would have written.
//!
//! A shard folder holds `shard.json` ([`ShardFile`]: the shard's command word by word, the
//! scenario's SHA-256, the seed, which part of the experiment it holds and what the merge
//! needs to write the whole), the scenario text, and the per-replication tables of its part,
//! every row naming its replication (and, for a sweep, its point or baseline). The tables
//! are the CSV files a results folder has: floats are written shortest-round-trip and read
//! back correctly rounded, so the merge recovers every number bit for bit and recomputes
//! means and intervals with the same code, over the replications in the same order.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Layout of `shard.json`; a merge refuses another one.
pub(crate) const SHARD_FORMAT: u32 = 1;

/// The file that makes a folder a shard folder.
pub(crate) const SHARD_FILE: &str = "shard.json";

/// Shard `index` of `count` (`--shard I/N`, numbered from 0 as Slurm array tasks and
/// Kubernetes completion indexes are).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Shard {
    /// This shard, `0..count`.
    pub(crate) index: u32,
    /// Shards in all.
    pub(crate) count: u32,
}

/// Most shards an experiment is split into.
pub(crate) const MAX_SHARDS: u32 = 100_000;

impl Shard {
    /// Parses `I/N` with `0 <= I < N <= MAX_SHARDS`.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let (i, n) = text
            .split_once('/')
            .ok_or_else(|| format!("expected I/N (shard I of N, from 0), found {text:?}"))?;
        let number = |s: &str, what: &str| {
            s.trim().parse::<u32>().map_err(|_| format!("{what} {s:?} in {text:?} is not a number"))
        };
        let (index, count) = (number(i, "shard")?, number(n, "count")?);
        if count == 0 || count > MAX_SHARDS {
            return Err(format!("{text}: the number of shards must be 1 to {MAX_SHARDS}"));
        }
        if index >= count {
            return Err(format!(
                "{text}: shards are numbered from 0, so shard {index} of {count} does not exist \
                 (the last is {}/{count})",
                count - 1
            ));
        }
        Ok(Self { index, count })
    }

    /// Whether evaluation number `unit` of an experiment's list belongs to this shard. The
    /// list is dealt like cards, one evaluation to each shard in turn, so neighbouring
    /// evaluations (which tend to cost alike) are spread over every shard.
    pub(crate) fn deals(self, unit: usize) -> bool {
        unit % self.count as usize == self.index as usize
    }

    /// The evaluations of a list of `total` that belong to this shard, in list order.
    pub(crate) fn units(self, total: usize) -> impl Iterator<Item = usize> {
        (self.index as usize..total).step_by(self.count as usize)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// `shard.json`: what a shard folder holds and how it was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ShardFile {
    /// [`SHARD_FORMAT`] when written by this navbat.
    pub(crate) format_version: u32,
    /// navbat's version: shards of different versions are not merged.
    pub(crate) navbat_version: String,
    /// The shard's command line, word by word.
    pub(crate) command: Vec<String>,
    /// SHA-256 of the scenario text saved beside this file (`scenario.ron`), lowercase hex.
    pub(crate) scenario_sha256: String,
    /// Master seed.
    pub(crate) seed: u64,
    /// The part of the experiment this shard holds.
    pub(crate) part: Part,
}

/// Which part of which experiment a shard holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum Part {
    /// Replications `first_replication..first_replication + replications` of a run (its
    /// baseline's too, when it has one).
    Run {
        /// First replication number.
        first_replication: u32,
        /// Replications held.
        replications: u32,
        /// The run's `run.json` as this shard would have written it alone.
        run: Box<navbat_record::RunFile>,
    },
    /// Every evaluation `k` of the sweep's list with `k % count == index`.
    Sweep {
        /// This shard.
        shard: Shard,
        /// The whole sweep.
        grid: Grid,
    },
    /// Every site evaluation `k` of an optimisation's screening table with
    /// `k % count == index` (`navbat optimise … --shard I/N`).
    Optimise {
        /// This shard.
        shard: Shard,
        /// Site evaluations in the whole table.
        evaluations: usize,
        /// Replications of each site configuration.
        replications: u32,
    },
}

/// A sweep as its merge needs it: the list of evaluations is every point's replications,
/// point by point, then every baseline's: evaluation `k` is replication `k % replications`
/// of job `k / replications` (points first, then baselines).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Grid {
    /// The sweep file as given on the command line.
    pub(crate) sweep: String,
    /// SHA-256 of the sweep file (`sweep.ron` beside `shard.json`).
    pub(crate) sweep_sha256: String,
    /// The sweep's scenario file, resolved against the sweep file's folder.
    pub(crate) scenario: String,
    /// Replications per point.
    pub(crate) replications: u32,
    /// The changed paths, one per axis.
    pub(crate) axes: Vec<String>,
    /// The points in grid order.
    pub(crate) points: Vec<GridPoint>,
    /// For each baseline, the point it was made from.
    pub(crate) baselines: Vec<usize>,
}

/// One point of a [`Grid`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct GridPoint {
    /// The scenario name at this point.
    pub(crate) name: String,
    /// Each axis's value as `sweep.csv` writes it.
    pub(crate) values: Vec<String>,
    /// Each axis's value as `summary.json` writes it.
    pub(crate) set: BTreeMap<String, serde_json::Value>,
    /// The point's baseline, when the sweep has baselines.
    pub(crate) baseline: Option<usize>,
}

impl Grid {
    /// Jobs: points, then baselines.
    pub(crate) fn jobs(&self) -> usize {
        self.points.len() + self.baselines.len()
    }

    /// Evaluations in the list.
    pub(crate) fn units(&self) -> usize {
        self.jobs() * self.replications as usize
    }

    /// Evaluation number of replication `replication` of job `job`.
    pub(crate) fn unit(&self, job: usize, replication: u32) -> usize {
        job * self.replications as usize + replication as usize
    }
}

/// A shard's command word by word: the program's arguments as the operating system gave them.
pub(crate) fn command_words() -> Vec<String> {
    std::env::args().collect()
}

/// The command one machine would have been given for the whole run that `shard_command`
/// (a `navbat run … --first-replication K` command) is a part of: without
/// `--first-replication`, with `--replications total` and `--out out`. This is what the
/// merged `run.json` records, so a merged folder is the folder of that command, byte for byte.
pub(crate) fn whole_run_command(shard_command: &[String], total: u32, out: &str) -> String {
    let mut words = Vec::with_capacity(shard_command.len() + 2);
    let mut replications_given = false;
    let mut it = shard_command.iter();
    while let Some(word) = it.next() {
        match word.as_str() {
            "--first-replication" => {
                it.next();
            }
            w if w.starts_with("--first-replication=") => {}
            "--replications" => {
                it.next();
                words.extend(["--replications".to_owned(), total.to_string()]);
                replications_given = true;
            }
            w if w.starts_with("--replications=") => {
                words.push(format!("--replications={total}"));
                replications_given = true;
            }
            "--out" => {
                it.next();
                words.extend(["--out".to_owned(), out.to_owned()]);
            }
            w if w.starts_with("--out=") => words.push(format!("--out={out}")),
            w => words.push(w.to_owned()),
        }
    }
    if !replications_given && total != crate::DEFAULT_REPLICATIONS {
        words.extend(["--replications".to_owned(), total.to_string()]);
    }
    words.join(" ")
}

/// The words of a shard's command that every shard of one run must share: all but the
/// program's path, `--first-replication`, `--replications`, `--out` and `--threads`.
pub(crate) fn shared_words(command: &[String]) -> Vec<String> {
    let mut words = Vec::new();
    let mut it = command.iter().skip(1);
    while let Some(word) = it.next() {
        let flag = word.split('=').next().unwrap_or(word);
        match flag {
            "--first-replication" | "--replications" | "--out" | "--threads" => {
                if !word.contains('=') {
                    it.next();
                }
            }
            _ => words.push(word.clone()),
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_numbered_from_zero_and_checked() {
        assert_eq!(Shard::parse("0/4"), Ok(Shard { index: 0, count: 4 }));
        assert_eq!(Shard::parse("3/4"), Ok(Shard { index: 3, count: 4 }));
        let err = Shard::parse("4/4").unwrap_err();
        assert!(err.contains("the last is 3/4"), "{err}");
        assert!(Shard::parse("0/0").is_err());
        assert!(Shard::parse("1").is_err());
        assert!(Shard::parse("a/2").unwrap_err().contains("not a number"));
    }

    #[test]
    fn every_unit_goes_to_exactly_one_shard() {
        for count in 1..=7 {
            let mut seen = vec![0; 23];
            for index in 0..count {
                let shard = Shard { index, count };
                for u in shard.units(23) {
                    assert!(shard.deals(u));
                    seen[u] += 1;
                }
            }
            assert!(seen.iter().all(|&n| n == 1), "{count}: {seen:?}");
        }
    }

    #[test]
    fn the_whole_run_command_drops_the_shard_and_counts_every_replication() {
        let words = |s: &str| s.split(' ').map(str::to_owned).collect::<Vec<_>>();
        let shard = words("navbat run s.ron --replications 5 --first-replication 5 --out a");
        assert_eq!(
            whole_run_command(&shard, 10, "all"),
            "navbat run s.ron --replications 10 --out all"
        );
        let shard = words("navbat run s.ron --first-replication=10 --out=b --seed 3");
        assert_eq!(
            whole_run_command(&shard, 20, "all"),
            "navbat run s.ron --out=all --seed 3 --replications 20"
        );
        assert_eq!(whole_run_command(&shard, 10, "all"), "navbat run s.ron --out=all --seed 3");
        assert_eq!(
            shared_words(&words("x run s.ron --threads 2 --replications=3 --out o --seed 3")),
            words("run s.ron --seed 3")
        );
    }
}
