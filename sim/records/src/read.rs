//! Streaming, checked readers of record files, plain or gzip, and of a records folder.

use std::collections::{BTreeSet, VecDeque};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use flate2::bufread::MultiGzDecoder;

use crate::error::{BadRow, Column, Location, Problem, ReadError, RowFault, SkipReport};
use crate::format::sealed::Format;
use crate::format::{Fields, Record};
use crate::rows::{KioskEvent, RosterShift, Ticket};

/// How a reader treats bad rows and which names it accepts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Skip bad rows and count them (lenient) instead of stopping at the first (strict, the
    /// default). Header problems stop reading either way.
    pub skip_bad_rows: bool,
    /// If given, a site outside this set is a bad row ("unknown site").
    pub known_sites: Option<BTreeSet<String>>,
    /// If given, a ticket's service outside this set is a bad row ("unknown service").
    pub known_services: Option<BTreeSet<String>>,
    /// Accept a (site, ticket) pair seen before instead of calling it a duplicate, for logs
    /// whose ids are recycled (the bank sample's call ids repeat within a day). Off by
    /// default: the pilot's ids are unique, and no set of ids is then kept.
    pub allow_repeated_tickets: bool,
}

impl ReadOptions {
    /// Stops at the first bad row; accepts any site and service.
    pub fn strict() -> ReadOptions {
        ReadOptions::default()
    }

    /// Skips bad rows, counting them; accepts any site and service.
    pub fn lenient() -> ReadOptions {
        ReadOptions { skip_bad_rows: true, ..ReadOptions::default() }
    }
}

/// The bytes of a record file: plain, or gzip (detected by its magic bytes `1f 8b`).
enum Source<R: Read> {
    Plain(BufReader<R>),
    Gzip(MultiGzDecoder<BufReader<R>>),
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Source::Plain(r) => r.read(buf),
            Source::Gzip(r) => r.read(buf),
        }
    }
}

/// Counts lines as the bytes go by, so a record's line is known from its byte offset.
///
/// The csv crate's own line count lags by one on some records, so the reader does not use
/// it. For every line that starts with content (not a CR or LF), this remembers its byte
/// offset and 1-based line number, dropping entries once records have passed them; only the
/// lines in the CSV reader's buffer are held.
struct LineCounter<R: Read> {
    inner: R,
    /// Bytes passed through so far.
    offset: u64,
    /// Line of the next byte.
    line: u64,
    /// Whether the last byte ended a line (true at the start).
    at_line_start: bool,
    /// (offset, line) of each content line start not yet passed by a record.
    starts: VecDeque<(u64, u64)>,
}

impl<R: Read> LineCounter<R> {
    fn new(inner: R) -> Self {
        LineCounter { inner, offset: 0, line: 1, at_line_start: true, starts: VecDeque::new() }
    }

    /// The line of the record starting at byte `start` (blank lines before it skipped).
    fn line_at(&mut self, start: u64) -> u64 {
        while self.starts.front().is_some_and(|&(offset, _)| offset < start) {
            self.starts.pop_front();
        }
        self.starts.front().map_or(self.line, |&(_, line)| line)
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for (i, &b) in buf[..n].iter().enumerate() {
            match b {
                b'\n' => {
                    self.line += 1;
                    self.at_line_start = true;
                }
                b'\r' => {}
                _ if self.at_line_start => {
                    self.starts.push_back((self.offset + i as u64, self.line));
                    self.at_line_start = false;
                }
                _ => {}
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// Reads one record file row by row, checking every row as it goes.
///
/// An iterator of `Result<T, ReadError>`: in strict mode a bad row comes out as
/// [`ReadError::BadRow`] with its file, line and column; in lenient mode it is counted in
/// [`RecordReader::skipped`] and reading goes on. Memory stays flat except for the ticket
/// log's set of (site, ticket) pairs, kept to find duplicates.
pub struct RecordReader<T: Record, R: Read> {
    file: String,
    csv: csv::Reader<LineCounter<Source<R>>>,
    /// For each of the format's columns, its 0-based position in the file.
    positions: Vec<usize>,
    header_len: usize,
    extra_columns: Vec<String>,
    options: ReadOptions,
    record: csv::ByteRecord,
    seen: T::Seen,
    skipped: SkipReport,
    failed: bool,
    _rows: PhantomData<T>,
}

/// A reader of the ticket log.
pub type TicketReader<R> = RecordReader<Ticket, R>;
/// A reader of the kiosk log.
pub type KioskReader<R> = RecordReader<KioskEvent, R>;
/// A reader of the roster.
pub type RosterReader<R> = RecordReader<RosterShift, R>;

impl<T: Record> RecordReader<T, File> {
    /// Opens the file at `path` (gzip or plain) and reads its header.
    pub fn open(path: &Path, options: ReadOptions) -> Result<Self, ReadError> {
        let name = path.display().to_string();
        match File::open(path) {
            Ok(f) => RecordReader::from_reader(f, name, options),
            Err(source) => Err(ReadError::Io { file: name, source }),
        }
    }
}

impl<T: Record, R: Read> RecordReader<T, R> {
    /// Reads from `reader` (gzip or plain), naming it `file` in errors, and reads its header.
    pub fn from_reader(
        reader: R,
        file: impl Into<String>,
        options: ReadOptions,
    ) -> Result<Self, ReadError> {
        let file = file.into();
        let mut buffered = BufReader::with_capacity(64 * 1024, reader);
        let head =
            buffered.fill_buf().map_err(|source| ReadError::Io { file: file.clone(), source })?;
        let source = if head.starts_with(&[0x1f, 0x8b]) {
            Source::Gzip(MultiGzDecoder::new(buffered))
        } else {
            Source::Plain(buffered)
        };
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(64 * 1024)
            .from_reader(LineCounter::new(source));
        let mut header = csv::ByteRecord::new();
        let got = csv.read_byte_record(&mut header).map_err(|e| csv_error(&file, e))?;
        if !got {
            return Err(ReadError::EmptyFile { file });
        }
        let (positions, extra_columns) = map_header::<T>(&file, &header)?;
        Ok(RecordReader {
            file,
            csv,
            positions,
            header_len: header.len(),
            extra_columns,
            options,
            record: csv::ByteRecord::new(),
            seen: T::Seen::default(),
            skipped: SkipReport::default(),
            failed: false,
            _rows: PhantomData,
        })
    }

    /// Header columns the format does not know, in file order; they are read past.
    pub fn extra_columns(&self) -> &[String] {
        &self.extra_columns
    }

    /// What lenient mode skipped so far (empty in strict mode).
    pub fn skipped(&self) -> &SkipReport {
        &self.skipped
    }

    /// Reads every row into a [`Log`].
    pub fn read_all(mut self) -> Result<Log<T>, ReadError> {
        let mut rows = Vec::new();
        for row in &mut self {
            rows.push(row?);
        }
        Ok(Log { rows, extra_columns: self.extra_columns, skipped: self.skipped })
    }

    /// Parses and checks the record in `self.record`, which starts on `line`.
    fn parse_current(&mut self, line: u64) -> Result<T, BadRow> {
        let located = |me: &Self, fault: RowFault| -> BadRow {
            let column = fault.column.and_then(|name| {
                let i = T::COLUMNS.iter().position(|c| *c == name)?;
                Some(Column { name: name.to_owned(), index: me.positions[i] + 1 })
            });
            BadRow {
                location: Location { file: me.file.clone(), line, column },
                problem: fault.problem,
            }
        };
        if self.record.len() != self.header_len {
            let found = self.record.len();
            let column = self.first_absent_column(found);
            return Err(BadRow {
                location: Location { file: self.file.clone(), line, column },
                problem: Problem::ColumnCount { expected: self.header_len, found },
            });
        }
        let mut values: Vec<&str> = Vec::with_capacity(T::COLUMNS.len());
        for (i, &pos) in self.positions.iter().enumerate() {
            match std::str::from_utf8(&self.record[pos]) {
                Ok(v) => values.push(v),
                Err(e) => {
                    let fault = RowFault {
                        column: Some(T::COLUMNS[i]),
                        problem: Problem::Malformed { detail: format!("not UTF-8 text ({e})") },
                    };
                    return Err(located(self, fault));
                }
            }
        }
        let fields = Fields { columns: T::COLUMNS, values: &values };
        let row = T::parse(&fields).map_err(|f| located(self, f))?;
        if let Some(known) = &self.options.known_sites
            && !known.contains(row.site())
        {
            let problem = Problem::UnknownSite { value: row.site().to_owned() };
            return Err(located(self, RowFault { column: Some("site"), problem }));
        }
        if let (Some(known), Some(service)) = (&self.options.known_services, row.service())
            && !known.contains(service)
        {
            let problem = Problem::UnknownService { value: service.to_owned() };
            return Err(located(self, RowFault { column: Some("service"), problem }));
        }
        if !self.options.allow_repeated_tickets {
            let unique = row.check_unique(&mut self.seen, line);
            unique.map_err(|f| located(self, f))?;
        }
        Ok(row)
    }

    /// For a row of `found` fields: the first header column it lacks, or the first field
    /// past the header.
    fn first_absent_column(&self, found: usize) -> Option<Column> {
        if found < self.header_len {
            let name = self.header_name(found);
            Some(Column { name, index: found + 1 })
        } else {
            Some(Column { name: "past the header".to_owned(), index: self.header_len + 1 })
        }
    }

    fn header_name(&self, pos: usize) -> String {
        match self.positions.iter().position(|&p| p == pos) {
            Some(i) => T::COLUMNS[i].to_owned(),
            None => {
                let extra = (0..pos).filter(|p| !self.positions.contains(p)).count();
                self.extra_columns.get(extra).cloned().unwrap_or_default()
            }
        }
    }
}

impl<T: Record, R: Read> Iterator for RecordReader<T, R> {
    type Item = Result<T, ReadError>;

    fn next(&mut self) -> Option<Result<T, ReadError>> {
        loop {
            if self.failed {
                return None;
            }
            match self.csv.read_byte_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) => {}
                Err(e) => {
                    // An I/O or gzip failure: the rest of the stream cannot be trusted.
                    self.failed = true;
                    return Some(Err(csv_error(&self.file, e)));
                }
            }
            let start = self.record.position().map_or(0, csv::Position::byte);
            let line = self.csv.get_mut().line_at(start);
            match self.parse_current(line) {
                Ok(row) => return Some(Ok(row)),
                Err(bad) if self.options.skip_bad_rows => self.skipped.add(bad),
                Err(bad) => return Some(Err(ReadError::BadRow(Box::new(bad)))),
            }
        }
    }
}

fn csv_error(file: &str, e: csv::Error) -> ReadError {
    let source = match e.into_kind() {
        csv::ErrorKind::Io(source) => source,
        other => io::Error::new(io::ErrorKind::InvalidData, format!("{other:?}")),
    };
    ReadError::Io { file: file.to_owned(), source }
}

/// Finds each of the format's columns in the header; lists the others.
fn map_header<T: Format>(
    file: &str,
    header: &csv::ByteRecord,
) -> Result<(Vec<usize>, Vec<String>), ReadError> {
    let names: Vec<String> = header
        .iter()
        .map(|b| String::from_utf8_lossy(b).trim().trim_start_matches('\u{feff}').to_owned())
        .collect();
    let mut positions = vec![usize::MAX; T::COLUMNS.len()];
    let mut extra = Vec::new();
    for (pos, name) in names.iter().enumerate() {
        match T::COLUMNS.iter().position(|c| c == name) {
            Some(i) if positions[i] != usize::MAX => {
                return Err(ReadError::DuplicateColumn {
                    file: file.to_owned(),
                    name: name.clone(),
                    first: positions[i] + 1,
                    second: pos + 1,
                });
            }
            Some(i) => positions[i] = pos,
            None => extra.push(name.clone()),
        }
    }
    let missing: Vec<&'static str> = T::COLUMNS
        .iter()
        .zip(&positions)
        .filter(|(_, p)| **p == usize::MAX)
        .map(|(c, _)| *c)
        .collect();
    if !missing.is_empty() {
        return Err(ReadError::MissingColumns { file: file.to_owned(), missing });
    }
    Ok((positions, extra))
}

/// A whole record file read into memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Log<T> {
    /// The good rows, in file order.
    pub rows: Vec<T>,
    /// Header columns the format does not know (read past).
    pub extra_columns: Vec<String>,
    /// What lenient mode skipped.
    pub skipped: SkipReport,
}

impl<T: Record> Log<T> {
    /// Reads the file at `path` (gzip or plain) whole.
    pub fn read(path: &Path, options: ReadOptions) -> Result<Log<T>, ReadError> {
        RecordReader::<T, File>::open(path, options)?.read_all()
    }
}

/// The files of a records folder: `tickets.csv[.gz]`, and optionally `kiosks.csv[.gz]` and
/// `roster.csv[.gz]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordsDir {
    /// The ticket log.
    pub tickets: PathBuf,
    /// The kiosk log, if the folder has one.
    pub kiosks: Option<PathBuf>,
    /// The roster, if the folder has one.
    pub roster: Option<PathBuf>,
}

impl RecordsDir {
    /// Finds the files in `dir`; a file present both plain and gzipped is refused.
    pub fn locate(dir: &Path) -> Result<RecordsDir, ReadError> {
        let tickets = locate_one(dir, Ticket::STEM)?.ok_or_else(|| ReadError::NotFound {
            dir: dir.display().to_string(),
            stem: Ticket::STEM,
        })?;
        Ok(RecordsDir {
            tickets,
            kiosks: locate_one(dir, KioskEvent::STEM)?,
            roster: locate_one(dir, RosterShift::STEM)?,
        })
    }
}

fn locate_one(dir: &Path, stem: &'static str) -> Result<Option<PathBuf>, ReadError> {
    let plain = dir.join(format!("{stem}.csv"));
    let gz = dir.join(format!("{stem}.csv.gz"));
    match (plain.is_file(), gz.is_file()) {
        (true, true) => Err(ReadError::Ambiguous { dir: dir.display().to_string(), stem }),
        (true, false) => Ok(Some(plain)),
        (false, true) => Ok(Some(gz)),
        (false, false) => Ok(None),
    }
}

/// A records folder read whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Records {
    /// The ticket log.
    pub tickets: Log<Ticket>,
    /// The kiosk log, if the folder has one.
    pub kiosks: Option<Log<KioskEvent>>,
    /// The roster, if the folder has one.
    pub roster: Option<Log<RosterShift>>,
}

impl Records {
    /// Reads the records folder `dir` (see [`RecordsDir`]) with the same options for each file.
    pub fn read(dir: &Path, options: &ReadOptions) -> Result<Records, ReadError> {
        let files = RecordsDir::locate(dir)?;
        Ok(Records {
            tickets: Log::read(&files.tickets, options.clone())?,
            kiosks: files.kiosks.map(|p| Log::read(&p, options.clone())).transpose()?,
            roster: files.roster.map(|p| Log::read(&p, options.clone())).transpose()?,
        })
    }
}
