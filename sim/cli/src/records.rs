//! `navbat run --records DIR`: one replication's floor rows written as the pilot's record
//! files (ticket log, kiosk log, roster; docs/records.md) through `navbat_records`.
//!
//! The replication hands its rows (`navbat_engine::FloorRow`) to a boxed callback as it
//! runs; the callback only gathers them in batches and passes each batch to a writer
//! thread, which names them (site, service, segment, desk and kiosk ids from the scenario)
//! and writes the three files into the folder through `navbat_record::folder`: all or
//! nothing, with a manifest, and never over a folder holding files navbat did not write
//! there (the pilot's own records, say).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use clap::Args;
use miette::{IntoDiagnostic, WrapErr};
use navbat_engine::{
    FloorRow, RowTap, Server, TicketChannel, TicketNumber, TicketOutcome, TicketRow,
};
use navbat_records::{
    Channel, Compress, KioskEvent, KioskState, Outcome, RecordWriter, RosterShift, Stamp, TASHKENT,
    Ticket, WriteOptions,
};
use navbat_scenario::Scenario;

/// The record files' flags of `navbat run`.
#[derive(Args, Debug)]
pub(crate) struct RecordsArgs {
    /// Write one replication's ticket log, kiosk log and roster (docs/records.md) into this
    /// folder: `tickets.csv`, `kiosks.csv`, `roster.csv` and `manifest.sha256` (created if
    /// absent; an earlier records folder of navbat's is replaced whole, any other folder is
    /// refused). The run's results are the same with it or without.
    #[arg(long, value_name = "DIR")]
    records: Option<PathBuf>,
    /// The replication `--records` writes (0 is the first).
    #[arg(long, value_name = "N", default_value_t = 0)]
    records_replication: u32,
    /// Write the record files gzipped (`tickets.csv.gz`, …).
    #[arg(long)]
    records_gzip: bool,
}

/// The three files of a records folder, without their `.csv` / `.csv.gz` ending.
const FILES: [&str; 3] = ["tickets", "kiosks", "roster"];

/// Rows a batch gathers before the writer thread gets it.
const BATCH: usize = 8192;

/// Simulated times are Tashkent's civil time (UTC+5, no daylight saving) in milliseconds;
/// the instant is that much earlier in UTC.
const SIM_OFFSET_MS: i64 = 5 * navbat_engine::HOUR_MS;

impl RecordsArgs {
    /// Checks the folder and the replication before anything is simulated, and starts the
    /// writer; `None` without `--records`.
    pub(crate) fn start(
        &self,
        scenario: &Scenario,
        replications: u32,
    ) -> miette::Result<Option<Recording>> {
        let Some(dir) = &self.records else { return Ok(None) };
        if self.records_replication >= replications {
            return Err(miette::miette!(
                "--records-replication {}: the run has replications 0 to {}",
                self.records_replication,
                replications - 1
            ));
        }
        navbat_record::folder::check_writable(dir)
            .into_diagnostic()
            .wrap_err_with(|| format!("--records {}: cannot write there", dir.display()))?;
        let names = Names::of(scenario);
        let (tx, rx) = sync_channel::<Vec<FloorRow>>(4);
        let (dir2, gzip) = (dir.clone(), self.records_gzip);
        let writer = std::thread::Builder::new()
            .name("records".into())
            .spawn(move || write_folder(&dir2, gzip, &names, &rx))
            .into_diagnostic()
            .wrap_err("--records: cannot start the writer thread")?;
        let hold = tx.clone();
        let mut batch = Batch { rows: Vec::with_capacity(BATCH), tx };
        let export: navbat_engine::RowExporter = Box::new(move |row| batch.push(row));
        Ok(Some(Recording {
            tap: Some(RowTap { replication: self.records_replication, export }),
            hold,
            writer,
            dir: dir.clone(),
            replication: self.records_replication,
        }))
    }
}

/// A records folder being written.
pub(crate) struct Recording {
    tap: Option<RowTap>,
    /// Keeps the writer from closing the folder until the run is known to be sound: an
    /// empty batch sent on it means "abandon" (the replication never sends one).
    hold: SyncSender<Vec<FloorRow>>,
    writer: JoinHandle<Result<[u64; 3], String>>,
    dir: PathBuf,
    replication: u32,
}

impl Recording {
    /// The callback to hand to the replication (once).
    pub(crate) fn tap(&mut self) -> Option<RowTap> {
        self.tap.take()
    }

    /// Waits for the writer (the replication has finished and dropped its callback) and
    /// says what it wrote.
    pub(crate) fn finish(mut self) -> miette::Result<()> {
        // A tap never handed over would keep the writer waiting.
        drop(self.tap.take());
        drop(self.hold);
        let counts = self
            .writer
            .join()
            .map_err(|_| miette::miette!("--records: the writer thread failed"))?
            .map_err(|e| miette::miette!("--records {}: {e}", self.dir.display()))?;
        eprintln!(
            "records of replication {}: {} tickets, {} kiosk changes, {} duty rows in {}",
            self.replication,
            counts[0],
            counts[1],
            counts[2],
            self.dir.display()
        );
        Ok(())
    }
}

impl Recording {
    /// Stops the writer without putting a folder in place (the run failed); waits for it to
    /// clean up its hidden folder.
    pub(crate) fn abandon(mut self) {
        drop(self.tap.take());
        let _writer_may_have_stopped_already = self.hold.send(Vec::new());
        drop(self.hold);
        let _abandoned_on_purpose = self.writer.join();
    }
}

/// Gathers rows and passes them to the writer a batch at a time; the last, partial batch
/// goes when the replication drops it.
struct Batch {
    rows: Vec<FloorRow>,
    tx: SyncSender<Vec<FloorRow>>,
}

impl Batch {
    fn push(&mut self, row: &FloorRow) {
        self.rows.push(*row);
        if self.rows.len() >= BATCH {
            let full = std::mem::replace(&mut self.rows, Vec::with_capacity(BATCH));
            // A writer that stopped has its error to report; the rows are dropped.
            let _reported_by_the_writer = self.tx.send(full);
        }
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        if !self.rows.is_empty() {
            let _reported_by_the_writer = self.tx.send(std::mem::take(&mut self.rows));
        }
    }
}

/// The file name of record file `base`, plain or gzip.
fn file_name(base: &str, gzip: bool) -> String {
    if gzip { format!("{base}.csv.gz") } else { format!("{base}.csv") }
}

/// The scenario's names for what the engine numbers.
struct Names {
    sites: Vec<String>,
    services: Vec<String>,
    segments: Vec<String>,
    /// Per site, each counter's desk id: `<counter group>-<n>`, n from 1 within the group.
    counters: Vec<Vec<String>>,
    /// Per site, each kiosk's id: `<kiosk group>-<n>`.
    kiosks: Vec<Vec<String>>,
}

impl Names {
    fn of(sc: &Scenario) -> Self {
        let numbered = |groups: &mut dyn Iterator<Item = (&str, u32)>| -> Vec<String> {
            groups.flat_map(|(id, count)| (1..=count).map(move |n| format!("{id}-{n}"))).collect()
        };
        Self {
            sites: sc.sites.iter().map(|s| s.id.clone()).collect(),
            services: sc.services.iter().map(|s| s.id.clone()).collect(),
            segments: sc.segments.iter().map(|s| s.id.clone()).collect(),
            counters: sc
                .sites
                .iter()
                .map(|s| numbered(&mut s.counters.iter().map(|g| (g.id.as_str(), g.count))))
                .collect(),
            kiosks: sc
                .sites
                .iter()
                .map(|s| numbered(&mut s.kiosks.iter().map(|g| (g.id.as_str(), g.count))))
                .collect(),
        }
    }
}

/// Why the records folder could not be written.
struct Failed(String);

impl From<navbat_record::folder::FolderError> for Failed {
    fn from(e: navbat_record::folder::FolderError) -> Self {
        Failed(e.to_string())
    }
}

/// The writer thread: the three files written into a fresh hidden folder that replaces `dir`
/// once they are complete. Returns the rows written per file.
fn write_folder(
    dir: &Path,
    gzip: bool,
    names: &Names,
    rx: &Receiver<Vec<FloorRow>>,
) -> Result<[u64; 3], String> {
    let mut counts = [0; 3];
    navbat_record::folder::write_folder_with(dir, |tmp: &Path| {
        counts = write_files(tmp, gzip, names, rx).map_err(Failed)?;
        Ok::<(), Failed>(())
    })
    .map_err(|Failed(e)| e)?;
    Ok(counts)
}

/// Every batch the writer receives, into the three files of `dir`. After an error it goes
/// on receiving (so the replication never waits on it) and reports the first error at the
/// end.
fn write_files(
    dir: &Path,
    gzip: bool,
    names: &Names,
    rx: &Receiver<Vec<FloorRow>>,
) -> Result<[u64; 3], String> {
    let compress = if gzip { Compress::Gzip } else { Compress::No };
    let options = WriteOptions::tashkent();
    let open = |base: &str| -> Result<std::io::BufWriter<std::fs::File>, String> {
        let path = dir.join(file_name(base, gzip));
        std::fs::File::create(&path)
            .map(std::io::BufWriter::new)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))
    };
    let named = |base: &str| file_name(base, gzip);
    let e = |e: navbat_records::WriteError| e.to_string();
    let mut tickets =
        RecordWriter::<Ticket, _>::to_writer(open(FILES[0])?, named(FILES[0]), compress, options)
            .map_err(e)?;
    let mut kiosks = RecordWriter::<KioskEvent, _>::to_writer(
        open(FILES[1])?,
        named(FILES[1]),
        compress,
        options,
    )
    .map_err(e)?;
    let mut roster = RecordWriter::<RosterShift, _>::to_writer(
        open(FILES[2])?,
        named(FILES[2]),
        compress,
        options,
    )
    .map_err(e)?;
    let mut pickups = vec![0u64; names.sites.len()];
    let mut error: Option<String> = None;
    for batch in rx {
        if batch.is_empty() {
            error.get_or_insert_with(|| "the run failed: no records written".to_owned());
        }
        if error.is_some() {
            continue;
        }
        for row in &batch {
            let written = match row {
                FloorRow::Ticket(t) => {
                    ticket(t, names, &mut pickups).and_then(|t| tickets.push(&t).map_err(e))
                }
                FloorRow::Kiosk(k) => {
                    kiosk_event(k, names).and_then(|k| kiosks.push(&k).map_err(e))
                }
                FloorRow::Duty(d) => shift(d, names).and_then(|d| roster.push(&d).map_err(e)),
            };
            if let Err(err) = written {
                error = Some(err);
                break;
            }
        }
    }
    if let Some(err) = error {
        return Err(err);
    }
    let counts = [tickets.rows(), kiosks.rows(), roster.rows()];
    // The folder writer syncs every file before it moves the folder into place.
    let flush = |w: std::io::BufWriter<std::fs::File>| -> Result<(), String> {
        w.into_inner().map(drop).map_err(|e| e.to_string())
    };
    flush(tickets.finish().map_err(e)?)?;
    flush(kiosks.finish().map_err(e)?)?;
    flush(roster.finish().map_err(e)?)?;
    Ok(counts)
}

/// A simulated instant as a stamp at +05:00.
fn stamp(t: navbat_engine::SimTime) -> Result<Stamp, String> {
    jiff::Timestamp::from_millisecond(t.0 - SIM_OFFSET_MS)
        .map(|instant| Stamp::new(instant, TASHKENT))
        .map_err(|e| format!("simulated time {} ms out of range: {e}", t.0))
}

/// Entry `i` of `list`, or an error naming what was looked up.
fn name<'a>(list: &'a [String], i: usize, what: &str) -> Result<&'a str, String> {
    list.get(i).map(String::as_str).ok_or_else(|| format!("no {what} number {i} in the scenario"))
}

/// The ticket-log row of `t`.
fn ticket(t: &TicketRow, names: &Names, pickups: &mut [u64]) -> Result<Ticket, String> {
    let number = match t.number {
        TicketNumber::Request(n) => format!("R{n}"),
        TicketNumber::Return(n, visit) => format!("R{n}-{visit}"),
        TicketNumber::SentOn(n, 0) => format!("R{n}.c"),
        TicketNumber::SentOn(n, visit) => format!("R{n}-{visit}.c"),
        TicketNumber::Pickup(_) => {
            let n = pickups.get_mut(t.site).ok_or_else(|| format!("no site {}", t.site))?;
            *n += 1;
            format!("P{n}")
        }
    };
    let desk = match t.desk {
        Some(Server::Counter(c)) => {
            Some(name(names.counters.get(t.site).map_or(&[], |v| v), usize::from(c), "counter")?)
        }
        Some(Server::Kiosk(k)) => {
            Some(name(names.kiosks.get(t.site).map_or(&[], |v| v), usize::from(k), "kiosk")?)
        }
        None => None,
    };
    let started = t.started.map(stamp).transpose()?;
    Ok(Ticket {
        site: name(&names.sites, t.site, "site")?.to_owned(),
        ticket: number,
        service: name(&names.services, usize::from(t.service), "service")?.to_owned(),
        channel: match t.channel {
            TicketChannel::Counter => Channel::Counter,
            TicketChannel::Kiosk => Channel::Kiosk,
            TicketChannel::Portal => Channel::Portal,
            TicketChannel::Pickup => Channel::Pickup,
        },
        segment: Some(name(&names.segments, usize::from(t.segment), "segment")?.to_owned()),
        issued_at: stamp(t.issued)?,
        // The twin's servers call the next person and start at the same instant.
        called_at: started,
        started_at: started,
        finished_at: Some(stamp(t.finished)?),
        desk: desk.map(str::to_owned),
        outcome: match t.outcome {
            TicketOutcome::Served => Outcome::Served,
            TicketOutcome::Abandoned => Outcome::Abandoned,
            TicketOutcome::Balked => Outcome::Balked,
            TicketOutcome::SentHome => Outcome::SentHome,
            TicketOutcome::Redirected => Outcome::Redirected,
        },
    })
}

/// The kiosk-log row of `k`.
fn kiosk_event(k: &navbat_engine::KioskRow, names: &Names) -> Result<KioskEvent, String> {
    let kiosks = names.kiosks.get(k.site).map_or(&[][..], |v| v);
    Ok(KioskEvent {
        site: name(&names.sites, k.site, "site")?.to_owned(),
        kiosk: name(kiosks, usize::from(k.kiosk), "kiosk")?.to_owned(),
        at: stamp(k.at)?,
        state: if k.up { KioskState::Up } else { KioskState::Down },
        // A component's breakdown names it; the kiosk group's calendar-time failures are
        // the whole device's.
        component: (!k.up).then(|| k.component.map_or("device", |c| c.name()).to_owned()),
    })
}

/// The roster row of `d`.
fn shift(d: &navbat_engine::DutyRow, names: &Names) -> Result<RosterShift, String> {
    let counters = names.counters.get(d.site).map_or(&[][..], |v| v);
    Ok(RosterShift {
        site: name(&names.sites, d.site, "site")?.to_owned(),
        desk: name(counters, usize::from(d.counter), "counter")?.to_owned(),
        on_duty_from: stamp(d.from)?,
        on_duty_to: stamp(d.to)?,
    })
}
