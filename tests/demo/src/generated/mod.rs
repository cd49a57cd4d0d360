//! Code generated wholesale by an assistant; `[ai] paths` in aiguard.toml marks these files.

pub mod report;
