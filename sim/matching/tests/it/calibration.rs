//! Calibration of the default model against its published targets.
