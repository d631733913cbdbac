//! Integration tests of navbat-workflow: definitions, engine, audit chain, exports.

mod audit;
mod bounds;
mod definitions;
mod drive;
mod engine;
mod export;
mod random;
mod sealed;
mod tidy;
