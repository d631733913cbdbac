//! The ticket log as numbers: names interned to indices, times as local milliseconds.
//!
//! Times are kept as *local* milliseconds since 1970-01-01 00:00 at each row's own offset
//! (the instant plus the offset), so hours and weekdays are the office's wall clock, as the
//! scenario's calendar is. Durations are differences of these (rows of one log share one
//! offset; a log mixing offsets would shift its durations by the difference).

use std::collections::BTreeMap;

use navbat_records::{Channel, Outcome, Stamp, Ticket};

/// Milliseconds in a minute, an hour and a day.
pub(crate) const MINUTE_MS: i64 = 60_000;
/// See [`MINUTE_MS`].
pub(crate) const HOUR_MS: i64 = 3_600_000;
/// See [`MINUTE_MS`].
pub(crate) const DAY_MS: i64 = 86_400_000;

/// The smallest duration kept, minutes: a recorded 0 s means "under a second" and is taken
/// as half a second.
pub(crate) const HALF_SECOND_MIN: f64 = 0.5 / 60.0;

/// Local milliseconds of a stamp.
pub(crate) fn local_ms(s: &Stamp) -> i64 {
    s.instant.as_millisecond() + i64::from(s.offset.seconds()) * 1000
}

/// Day number (days since 1970-01-01) of local milliseconds.
pub(crate) fn day_of(ms: i64) -> i64 {
    ms.div_euclid(DAY_MS)
}

/// Weekday of a day number, Monday = 0 (1970-01-01 was a Thursday).
pub(crate) fn weekday_of_day(day: i64) -> usize {
    (day + 3).rem_euclid(7) as usize
}

/// Hour of the day of local milliseconds.
pub(crate) fn hour_of(ms: i64) -> usize {
    (ms.rem_euclid(DAY_MS) / HOUR_MS) as usize
}

/// Hour of the week (Monday 0:00 = 0) of local milliseconds.
pub(crate) fn hour_of_week(ms: i64) -> usize {
    weekday_of_day(day_of(ms)) * 24 + hour_of(ms)
}

/// The civil date of a day number.
pub(crate) fn date_of_day(day: i64) -> jiff::civil::Date {
    let epoch = jiff::civil::date(1970, 1, 1);
    epoch.checked_add(jiff::Span::new().days(day)).unwrap_or(epoch)
}

/// Month (1..=12) of a day number.
pub(crate) fn month_of_day(day: i64) -> usize {
    date_of_day(day).month().unsigned_abs() as usize
}

/// Day number of a civil date.
pub(crate) fn day_number(date: jiff::civil::Date) -> i64 {
    i64::from(date.since(jiff::civil::date(1970, 1, 1)).map_or(0, |s| s.get_days()))
}

/// Names in a fixed order with their indices.
#[derive(Debug, Clone, Default)]
pub(crate) struct Names {
    pub(crate) list: Vec<String>,
    index: BTreeMap<String, usize>,
}

impl Names {
    pub(crate) fn from_list(list: Vec<String>) -> Names {
        let index = list.iter().enumerate().map(|(i, n)| (n.clone(), i)).collect();
        Names { list, index }
    }

    pub(crate) fn sorted<'a>(names: impl Iterator<Item = &'a str>) -> Names {
        let set: std::collections::BTreeSet<&str> = names.collect();
        Names::from_list(set.into_iter().map(str::to_owned).collect())
    }

    pub(crate) fn get(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }
}

/// The segment name of a ticket without one.
pub(crate) const NO_SEGMENT: &str = "all";

/// One ticket as numbers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Obs {
    pub(crate) site: usize,
    pub(crate) service: usize,
    pub(crate) segment: usize,
    pub(crate) channel: Channel,
    pub(crate) outcome: Outcome,
    /// Local ms.
    pub(crate) issued: i64,
    pub(crate) started: Option<i64>,
    pub(crate) finished: Option<i64>,
    /// Desk index within the site's desks (counter line) or kiosks (kiosk channel, or a
    /// pickup at a document terminal).
    pub(crate) desk: Option<usize>,
    /// Whether the person was in the counter line: a counter ticket, or a pickup not
    /// handed out by a kiosk.
    pub(crate) counter_line: bool,
    /// The counter ticket that continues a kiosk session which sent its person on
    /// ([`navbat_records::sent_on`]): in the counter line from its issue, but the same
    /// visit as the kiosk ticket, so not an arrival, a channel choice or a chance to balk.
    pub(crate) sent_on: bool,
}

impl Obs {
    /// Minutes from issue to the start of service (served).
    pub(crate) fn wait_min(&self) -> Option<f64> {
        self.started.map(|s| (s - self.issued) as f64 / MINUTE_MS as f64)
    }

    /// Minutes from start to end of service (served).
    pub(crate) fn service_min(&self) -> Option<f64> {
        match (self.started, self.finished) {
            (Some(s), Some(f)) if self.outcome == Outcome::Served => {
                Some((f - s) as f64 / MINUTE_MS as f64)
            }
            _ => None,
        }
    }

    /// Whether the ticket is a request that came to the site (not a pickup, not the portal,
    /// not the counter ticket of a visit that began at a kiosk).
    pub(crate) fn on_floor(&self) -> bool {
        matches!(self.channel, Channel::Counter | Channel::Kiosk) && !self.sent_on
    }

    /// Whether the ticket is a request's arrival, by any channel but pickups (not the
    /// counter ticket of a visit that began at a kiosk).
    pub(crate) fn arrival(&self) -> bool {
        self.channel != Channel::Pickup && !self.sent_on
    }
}

/// The ticket log as numbers, with the names of sites, services, segments and desks.
#[derive(Debug, Clone)]
pub(crate) struct TicketData {
    pub(crate) sites: Names,
    pub(crate) services: Names,
    pub(crate) segments: Names,
    /// Per site, counter desks seen.
    pub(crate) desks: Vec<Names>,
    /// Per site, kiosks seen serving.
    pub(crate) kiosks: Vec<Names>,
    pub(crate) rows: Vec<Obs>,
    /// First and last day number of the tickets.
    pub(crate) first_day: i64,
    pub(crate) last_day: i64,
}

impl TicketData {
    /// Interns `tickets`; with `order`, sites, services and segments keep its order (the
    /// base scenario's) and a name outside it is an error naming the ticket.
    pub(crate) fn new(
        tickets: &[Ticket],
        order: Option<(&[String], &[String], &[String])>,
    ) -> Result<TicketData, crate::CalibrateError> {
        let first = tickets.first().ok_or(crate::CalibrateError::NoTickets)?;
        let segment_of = |t: &Ticket| t.segment.clone().unwrap_or_else(|| NO_SEGMENT.to_owned());
        let (sites, services, segments) = match order {
            Some((a, b, c)) => (Names::from_list(a.to_vec()), Names::from_list(b.to_vec()), {
                Names::from_list(c.to_vec())
            }),
            None => (
                Names::sorted(tickets.iter().map(|t| t.site.as_str())),
                Names::sorted(tickets.iter().map(|t| t.service.as_str())),
                Names::from_list(
                    tickets
                        .iter()
                        .map(segment_of)
                        .collect::<std::collections::BTreeSet<_>>()
                        .into_iter()
                        .collect(),
                ),
            ),
        };
        let mut desk_sets: Vec<std::collections::BTreeSet<&str>> =
            vec![Default::default(); sites.len()];
        let mut kiosk_sets = desk_sets.clone();
        let unknown = |what: &'static str, name: &str, n: usize| crate::CalibrateError::Unknown {
            what,
            name: name.to_owned(),
            ticket: n + 1,
        };
        // Kiosks first: a pickup's desk is a kiosk when kiosk tickets name it.
        for (n, t) in tickets.iter().enumerate() {
            let site = sites.get(&t.site).ok_or_else(|| unknown("site", &t.site, n))?;
            if let (Some(d), Channel::Kiosk) = (&t.desk, t.channel) {
                kiosk_sets[site].insert(d.as_str());
            }
        }
        for (n, t) in tickets.iter().enumerate() {
            let site = sites.get(&t.site).ok_or_else(|| unknown("site", &t.site, n))?;
            if let Some(d) = &t.desk
                && t.channel != Channel::Kiosk
                && !kiosk_sets[site].contains(d.as_str())
            {
                desk_sets[site].insert(d.as_str());
            }
        }
        let desks: Vec<Names> =
            desk_sets.into_iter().map(|s| Names::sorted(s.into_iter())).collect();
        let kiosks: Vec<Names> =
            kiosk_sets.into_iter().map(|s| Names::sorted(s.into_iter())).collect();
        let mut rows = Vec::with_capacity(tickets.len());
        let sent_on = navbat_records::sent_on(tickets);
        let (mut first_day, mut last_day) = (day_of(local_ms(&first.issued_at)), i64::MIN);
        for (n, t) in tickets.iter().enumerate() {
            let site = sites.get(&t.site).ok_or_else(|| unknown("site", &t.site, n))?;
            let service =
                services.get(&t.service).ok_or_else(|| unknown("service", &t.service, n))?;
            let seg_name = segment_of(t);
            let segment =
                segments.get(&seg_name).ok_or_else(|| unknown("segment", &seg_name, n))?;
            let at_kiosk = t.channel == Channel::Kiosk
                || t.desk.as_deref().is_some_and(|d| kiosks[site].get(d).is_some());
            let desk = t
                .desk
                .as_deref()
                .and_then(|d| if at_kiosk { kiosks[site].get(d) } else { desks[site].get(d) });
            let counter_line = match t.channel {
                Channel::Counter => true,
                Channel::Pickup => !at_kiosk,
                _ => false,
            };
            let issued = local_ms(&t.issued_at);
            first_day = first_day.min(day_of(issued));
            last_day = last_day.max(day_of(issued));
            rows.push(Obs {
                site,
                service,
                segment,
                channel: t.channel,
                outcome: t.outcome,
                issued,
                started: t.started_at.as_ref().map(local_ms),
                finished: t.finished_at.as_ref().map(local_ms),
                desk,
                counter_line,
                sent_on: sent_on[n],
            });
        }
        rows.sort_by_key(|o| (o.site, o.issued));
        Ok(TicketData { sites, services, segments, desks, kiosks, rows, first_day, last_day })
    }

    /// Days in the period (first to last day, inclusive).
    pub(crate) fn days(&self) -> i64 {
        self.last_day - self.first_day + 1
    }

    /// The rows of site `s` (sorted by issue time).
    pub(crate) fn site_rows(&self, s: usize) -> &[Obs] {
        let lo = self.rows.partition_point(|o| o.site < s);
        let hi = self.rows.partition_point(|o| o.site <= s);
        &self.rows[lo..hi]
    }

    /// Dates of the period per weekday (Monday = 0).
    pub(crate) fn dates_per_weekday(&self) -> [u32; 7] {
        let mut n = [0u32; 7];
        for d in self.first_day..=self.last_day {
            n[weekday_of_day(d)] += 1;
        }
        n
    }
}
