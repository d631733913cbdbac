//! navbat-discover's integration tests: readers on files, the measures against the PyPI
//! package `log-distance-measures`.

mod ldm;
mod read;
