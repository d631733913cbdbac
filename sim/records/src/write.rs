//! Deterministic writers of record files, one row at a time, plain or gzip.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::marker::PhantomData;
use std::path::Path;

use flate2::Compression;
use flate2::GzBuilder;
use flate2::write::GzEncoder;
use jiff::tz::Offset;

use crate::error::WriteError;
use crate::format::{Field, Record};
use crate::rows::{KioskEvent, RosterShift, Ticket};
use crate::stamp::{Precision, Stamp, TASHKENT};

/// How a writer renders times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriteOptions {
    /// The UTC offset every time is rendered at (whatever offset a row's [`Stamp`] carries).
    pub offset: Offset,
    /// Digits of the seconds; finer ones are cut off.
    pub precision: Precision,
}

impl WriteOptions {
    /// The pilot's: Tashkent time (+05:00), whole seconds.
    pub fn tashkent() -> WriteOptions {
        WriteOptions { offset: TASHKENT, precision: Precision::Seconds }
    }
}

/// Where the bytes go: as they are, or through gzip.
enum Sink<W: Write> {
    Plain(W),
    Gzip(GzEncoder<W>),
}

impl<W: Write> Write for Sink<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Plain(w) => w.write(buf),
            Sink::Gzip(w) => w.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Plain(w) => w.flush(),
            Sink::Gzip(w) => w.flush(),
        }
    }
}

/// Whether a writer compresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compress {
    /// Plain CSV.
    No,
    /// Gzip, with an empty header (no name, no time), so the bytes depend on the rows only.
    Gzip,
}

/// Writes one record file a row at a time: the engine pushes rows as events happen and
/// nothing is buffered beyond the CSV and gzip buffers.
///
/// The output is deterministic: the same rows with the same options give the same bytes
/// (LF line ends, fields quoted only when they hold a comma, quote or line break, the
/// format's column order). Each row is checked as the reader would check it before it is
/// written, so a file written here reads back (duplicates and unknown names aside, which
/// only the reader checks). Call [`RecordWriter::finish`] at the end: it writes the gzip
/// trailer and flushes.
pub struct RecordWriter<T: Record, W: Write> {
    file: String,
    csv: csv::Writer<Sink<W>>,
    options: WriteOptions,
    rows: u64,
    /// The row's rendered times (a ticket has at most four), reused from row to row.
    times: [String; 4],
    _rows: PhantomData<T>,
}

/// A writer of the ticket log.
pub type TicketWriter<W> = RecordWriter<Ticket, W>;
/// A writer of the kiosk log.
pub type KioskWriter<W> = RecordWriter<KioskEvent, W>;
/// A writer of the roster.
pub type RosterWriter<W> = RecordWriter<RosterShift, W>;

impl<T: Record> RecordWriter<T, BufWriter<File>> {
    /// Creates (or truncates) the file at `path`, gzip if the name ends in `.gz`, and writes
    /// the header.
    pub fn create(path: &Path, options: WriteOptions) -> Result<Self, WriteError> {
        let name = path.display().to_string();
        let compress = match path.extension() {
            Some(ext) if ext == "gz" => Compress::Gzip,
            _ => Compress::No,
        };
        match File::create(path) {
            Ok(f) => RecordWriter::to_writer(BufWriter::new(f), name, compress, options),
            Err(source) => Err(WriteError::Io { file: name, source }),
        }
    }
}

impl<T: Record, W: Write> RecordWriter<T, W> {
    /// Writes to `writer`, naming it `file` in errors, and writes the header.
    pub fn to_writer(
        writer: W,
        file: impl Into<String>,
        compress: Compress,
        options: WriteOptions,
    ) -> Result<Self, WriteError> {
        let sink = match compress {
            Compress::No => Sink::Plain(writer),
            Compress::Gzip => Sink::Gzip(GzBuilder::new().write(writer, Compression::default())),
        };
        let csv = csv::WriterBuilder::new()
            .has_headers(false)
            .terminator(csv::Terminator::Any(b'\n'))
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(sink);
        let mut me = RecordWriter {
            file: file.into(),
            csv,
            options,
            rows: 0,
            times: Default::default(),
            _rows: PhantomData,
        };
        let header = me.csv.write_record(T::COLUMNS);
        header.map_err(|e| me.io(e))?;
        Ok(me)
    }

    /// Checks `row` and appends it. A row that breaks the format's rules is refused with
    /// [`WriteError::BadRow`] and nothing of it is written.
    pub fn push(&mut self, row: &T) -> Result<(), WriteError> {
        self.rows += 1;
        if let Err(fault) = row.check_row() {
            return Err(WriteError::BadRow { file: self.file.clone(), row: self.rows, fault });
        }
        // Render the times first, so a time that cannot be rendered leaves no half row.
        let (offset, precision) = (self.options.offset, self.options.precision);
        let mut slots = self.times.iter_mut();
        row.fields(&mut |field| {
            if let Field::Time(Some(stamp)) = field
                && let Some(slot) = slots.next()
            {
                Stamp::render_at(stamp.instant, offset, precision, slot)?;
            }
            Ok::<(), jiff::Error>(())
        })
        .map_err(|e| WriteError::Time {
            file: self.file.clone(),
            row: self.rows,
            detail: e.to_string(),
        })?;
        let mut n = 0;
        let (csv, times) = (&mut self.csv, &self.times);
        let written = row.fields(&mut |field| match field {
            Field::Text(text) => csv.write_field(text),
            Field::Time(None) => csv.write_field(""),
            Field::Time(Some(_)) => {
                let text = times.get(n).map_or("", String::as_str);
                n += 1;
                csv.write_field(text)
            }
        });
        written.and_then(|()| self.csv.write_record(None::<&[u8]>)).map_err(|e| self.io(e))
    }

    /// Rows pushed so far (refused ones included).
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Flushes, writes the gzip trailer, and returns the underlying writer (flushed).
    pub fn finish(self) -> Result<W, WriteError> {
        let file = self.file;
        let io = |source| WriteError::Io { file: file.clone(), source };
        let sink = self.csv.into_inner().map_err(|e| io(e.into_error()))?;
        let mut inner = match sink {
            Sink::Plain(w) => w,
            Sink::Gzip(gz) => gz.finish().map_err(io)?,
        };
        inner.flush().map_err(io)?;
        Ok(inner)
    }

    fn io(&self, e: csv::Error) -> WriteError {
        let source = match e.into_kind() {
            csv::ErrorKind::Io(source) => source,
            other => io::Error::other(format!("{other:?}")),
        };
        WriteError::Io { file: self.file.clone(), source }
    }
}
