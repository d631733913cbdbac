//! The typed rows of the three record files and the rules a single row must keep.

use std::fmt;

use crate::error::{Problem, RowFault};
use crate::stamp::Stamp;

/// Declares a closed set of lower-case words read from and written to a column.
macro_rules! word_enum {
    ($(#[$doc:meta])* $name:ident, $expected:literal, { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            /// Every value, in the order the format lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];
            /// The allowed words, as an error message lists them.
            pub(crate) const EXPECTED: &'static str = $expected;

            /// The word written in the file.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The value a word stands for, exactly as written (lower case), if any.
            pub fn from_word(word: &str) -> Option<$name> {
                match word {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

word_enum!(
    /// How the ticket was issued.
    Channel, "counter, kiosk, portal or pickup", {
        /// Drawn at the entrance for a counter.
        Counter = "counter",
        /// Served (or started) at a self-service kiosk.
        Kiosk = "kiosk",
        /// Booked on the online portal (an appointment).
        Portal = "portal",
        /// Collecting a finished document.
        Pickup = "pickup",
    }
);

word_enum!(
    /// How the ticket ended.
    Outcome, "served, abandoned, balked, sent-home or redirected", {
        /// Served to the end at a desk (or kiosk).
        Served = "served",
        /// Left the queue after waiting (or did not come when called: a no-show).
        Abandoned = "abandoned",
        /// Left on seeing the queue, without waiting.
        Balked = "balked",
        /// Still waiting at closing and sent home.
        SentHome = "sent-home",
        /// Sent to another service, channel or site.
        Redirected = "redirected",
    }
);

word_enum!(
    /// A kiosk's state after an event.
    KioskState, "up or down", {
        /// Working again (or working at the start of the log).
        Up = "up",
        /// Out of service.
        Down = "down",
    }
);

/// One row of the ticket log: one ticket from issue to its end.
///
/// Which times are present follows the outcome (see [`Ticket::check`] and docs/records.md).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ticket {
    /// The office (or kiosk hall) code.
    pub site: String,
    /// The ticket's pseudonymous id, unique within the site.
    pub ticket: String,
    /// The service asked for.
    pub service: String,
    /// How the ticket was issued.
    pub channel: Channel,
    /// The applicant segment (e.g. `priority`), if the system records one.
    pub segment: Option<String>,
    /// When the ticket was issued (arrival).
    pub issued_at: Stamp,
    /// When a desk called the ticket; `None` if it never was.
    pub called_at: Option<Stamp>,
    /// When service started; `None` if it never did.
    pub started_at: Option<Stamp>,
    /// When the ticket ended: service done, or the moment the person left; `None` if unknown.
    pub finished_at: Option<Stamp>,
    /// The desk (or kiosk) that called the ticket; present exactly when `called_at` is.
    pub desk: Option<String>,
    /// How the ticket ended.
    pub outcome: Outcome,
}

/// One row of the kiosk log: a kiosk went down or came back up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KioskEvent {
    /// The site the kiosk stands in.
    pub site: String,
    /// The kiosk's id.
    pub kiosk: String,
    /// When the state changed.
    pub at: Stamp,
    /// The state from `at` on.
    pub state: KioskState,
    /// What failed (e.g. `camera`, `payment`, `printer`), for `down` only; `None` if unknown.
    pub component: Option<String>,
}

/// One row of the roster: a desk staffed over one interval.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterShift {
    /// The site.
    pub site: String,
    /// The desk (counter) id.
    pub desk: String,
    /// Start of the shift.
    pub on_duty_from: Stamp,
    /// End of the shift, not before its start.
    pub on_duty_to: Stamp,
}

fn fault(column: &'static str, problem: Problem) -> RowFault {
    RowFault { column: Some(column), problem }
}

impl Ticket {
    /// Checks the rules a single ticket keeps (uniqueness is the reader's job):
    ///
    /// - `desk` is present exactly when `called_at` is; `started_at` needs `called_at` and
    ///   `finished_at`;
    /// - `served` has every time; `abandoned`, `balked` and `sent-home` never started;
    ///   `balked` and `sent-home` were never called;
    /// - `finished_at` is not before `issued_at`, and the present times keep
    ///   issued ≤ called ≤ started ≤ finished.
    pub fn check(&self) -> Result<(), RowFault> {
        let outcome = self.outcome;
        let mismatch = |column: &'static str, present: bool| {
            fault(column, Problem::OutcomeMismatch { outcome, present })
        };
        match outcome {
            Outcome::Served => {
                for (column, time) in [
                    ("called_at", self.called_at),
                    ("started_at", self.started_at),
                    ("finished_at", self.finished_at),
                ] {
                    if time.is_none() {
                        return Err(mismatch(column, false));
                    }
                }
            }
            Outcome::Abandoned | Outcome::Balked | Outcome::SentHome => {
                if matches!(outcome, Outcome::Balked | Outcome::SentHome)
                    && self.called_at.is_some()
                {
                    return Err(mismatch("called_at", true));
                }
                if self.started_at.is_some() {
                    return Err(mismatch("started_at", true));
                }
            }
            Outcome::Redirected => {}
        }
        let needs = |column: &'static str, because: &'static str| {
            fault(column, Problem::Incomplete { because })
        };
        match (self.called_at.is_some(), self.desk.is_some()) {
            (true, false) => return Err(needs("desk", "called_at")),
            (false, true) => return Err(needs("called_at", "desk")),
            _ => {}
        }
        if self.started_at.is_some() {
            if self.called_at.is_none() {
                return Err(needs("called_at", "started_at"));
            }
            if self.finished_at.is_none() {
                return Err(needs("finished_at", "started_at"));
            }
        }
        if let Some(finished) = self.finished_at
            && finished.instant < self.issued_at.instant
        {
            return Err(fault("finished_at", Problem::FinishedBeforeIssued));
        }
        let chain = [
            ("issued_at", Some(self.issued_at)),
            ("called_at", self.called_at),
            ("started_at", self.started_at),
            ("finished_at", self.finished_at),
        ];
        let mut last = ("issued_at", self.issued_at);
        for (column, time) in chain.into_iter().skip(1) {
            let Some(time) = time else { continue };
            if time.instant < last.1.instant {
                return Err(fault(column, Problem::TimesOutOfOrder { earlier: last.0 }));
            }
            last = (column, time);
        }
        Ok(())
    }
}

impl KioskEvent {
    /// Checks that an `up` event names no component.
    pub fn check(&self) -> Result<(), RowFault> {
        match (&self.state, &self.component) {
            (KioskState::Up, Some(component)) => {
                Err(fault("component", Problem::ComponentWhenUp { component: component.clone() }))
            }
            _ => Ok(()),
        }
    }
}

impl RosterShift {
    /// Checks that the shift does not end before it starts.
    pub fn check(&self) -> Result<(), RowFault> {
        if self.on_duty_to.instant < self.on_duty_from.instant {
            return Err(fault("on_duty_to", Problem::TimesOutOfOrder { earlier: "on_duty_from" }));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stamp::TASHKENT;

    fn at(minute: i64) -> Stamp {
        let base = jiff::Timestamp::from_second(1_772_424_000).unwrap_or_else(|e| panic!("{e}"));
        Stamp::new(base + jiff::SignedDuration::from_mins(minute), TASHKENT)
    }

    fn served() -> Ticket {
        Ticket {
            site: "tashkent-1".into(),
            ticket: "A001".into(),
            service: "passport".into(),
            channel: Channel::Counter,
            segment: None,
            issued_at: at(0),
            called_at: Some(at(5)),
            started_at: Some(at(6)),
            finished_at: Some(at(15)),
            desk: Some("3".into()),
            outcome: Outcome::Served,
        }
    }

    fn check(change: impl FnOnce(&mut Ticket), expected: Option<(&str, Problem)>) {
        let mut t = served();
        change(&mut t);
        let got = t.check().err().map(|f| (f.column.unwrap_or("-"), f.problem));
        assert_eq!(got, expected);
    }

    #[test]
    fn ticket_rules() {
        use Outcome::*;
        check(|_| {}, None);
        check(
            |t| t.started_at = None,
            Some(("started_at", Problem::OutcomeMismatch { outcome: Served, present: false })),
        );
        check(
            |t| {
                t.outcome = Abandoned;
                t.called_at = None;
                t.started_at = None;
                t.desk = None;
            },
            None,
        );
        check(
            |t| t.outcome = Abandoned,
            Some(("started_at", Problem::OutcomeMismatch { outcome: Abandoned, present: true })),
        );
        check(
            |t| t.outcome = Balked,
            Some(("called_at", Problem::OutcomeMismatch { outcome: Balked, present: true })),
        );
        check(|t| t.desk = None, Some(("desk", Problem::Incomplete { because: "called_at" })));
        check(
            |t| {
                t.outcome = Redirected;
                t.finished_at = None;
            },
            Some(("finished_at", Problem::Incomplete { because: "started_at" })),
        );
        check(
            |t| t.finished_at = Some(at(-1)),
            Some(("finished_at", Problem::FinishedBeforeIssued)),
        );
        check(
            |t| t.called_at = Some(at(7)),
            Some(("started_at", Problem::TimesOutOfOrder { earlier: "called_at" })),
        );
        check(
            |t| t.called_at = Some(at(-1)),
            Some(("called_at", Problem::TimesOutOfOrder { earlier: "issued_at" })),
        );
    }

    #[test]
    fn words_round_trip() {
        for c in Channel::ALL {
            assert_eq!(Channel::from_word(c.as_str()), Some(*c));
        }
        for o in Outcome::ALL {
            assert_eq!(Outcome::from_word(o.as_str()), Some(*o));
        }
        assert_eq!(Outcome::from_word("Served"), None);
        assert_eq!(KioskState::from_word("down"), Some(KioskState::Down));
    }
}
