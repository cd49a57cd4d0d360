//! Arbitrary text as an aiguard config, in each place a config can stand: errors are fine,
//! panics are bugs. A config that validates is also merged and queried.
#![no_main]

use aiguard_lints::config::{ConfigSection, parse_config};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for section in [
        ConfigSection::Root,
        ConfigSection::WorkspaceMetadata,
        ConfigSection::PackageMetadata,
    ] {
        let (config, errors) = parse_config(text, section);
        for e in &errors {
            assert!(
                e.span.start <= e.span.end && e.span.end <= text.len(),
                "error span {:?} outside the text ({} bytes): {}",
                e.span,
                text.len(),
                e.message
            );
            assert!(!e.message.is_empty());
        }
        if let Some(config) = config {
            let merged = config.merged_with(&config);
            for rule in aiguard_lints::registry::all() {
                let _ = merged.level(rule.meta(), true);
                let _ = merged.level(rule.meta(), false);
            }
        }
    }
});
