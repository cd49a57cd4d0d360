//! Command-line arguments (clap derive). Invoked as `cargo aiguard ...` (cargo passes
//! `aiguard` as the first argument) or as `cargo-aiguard ...`; `main` normalises both forms
//! to `cargo aiguard ...` before parsing.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// `cargo`, as the parser sees it: the only subcommand is `aiguard`.
#[derive(Debug, Parser)]
#[command(name = "cargo", bin_name = "cargo", styles = clap::builder::styling::Styles::styled())]
pub enum Cargo {
    /// Check AI-generated Rust code against stricter rules
    #[command(version, about, long_about = None)]
    Aiguard(AiguardArgs),
}

/// `cargo aiguard [check] [PATHS..]`, `cargo aiguard explain RULE`, `cargo aiguard rules`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AiguardArgs {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Without a subcommand: `check`.
    #[command(flatten)]
    pub check: CheckArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the workspace, or just PATHS (files or directories; no cargo needed)
    Check(CheckArgs),
    /// Show a rule's documentation
    Explain(ExplainArgs),
    /// List every rule with its family, levels and CWE
    Rules(RulesArgs),
    /// Inventory of AI-generated code: items, models, review status, findings
    List(ListArgs),
    /// Write a commented aiguard.toml and say how to mark AI code
    Init(InitArgs),
    /// Stamp an AI item as reviewed: `review --by NAME FILE:LINE` or `review --by NAME ITEM::PATH`
    Review(crate::commands::review::ReviewArgs),
}

#[derive(Debug, Default, Args)]
pub struct CheckArgs {
    /// Files or directories to check instead of the cargo workspace
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    /// Path to Cargo.toml
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Package to check (repeatable)
    #[arg(short, long = "package", value_name = "SPEC")]
    pub packages: Vec<String>,
    /// Check every workspace member
    #[arg(long, visible_alias = "all")]
    pub workspace: bool,
    /// Exclude packages from the check (with `--workspace`)
    #[arg(long, value_name = "SPEC")]
    pub exclude: Vec<String>,

    /// Output format
    #[arg(long, value_name = "FMT", default_value = "human")]
    pub message_format: MessageFormat,
    /// Write the report to FILE instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Report only findings not recorded in the baseline FILE
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings in FILE; they are not reported
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Coloring
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    pub color: ColorWhen,
    /// No summary line
    #[arg(short, long)]
    pub quiet: bool,
    /// Say which packages and config files are used
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// `-D warnings`: warnings fail the check too
    #[arg(short = 'D', long = "deny", value_name = "LINT")]
    pub deny: Vec<DenyWhat>,
    /// Report only findings in AI-generated code
    #[arg(long)]
    pub ai_only: bool,

    /// Accepted for rust-analyzer's check command; has no effect
    #[arg(long, hide = true)]
    pub keep_going: bool,
    /// Accepted for rust-analyzer's check command; has no effect (every target is checked)
    #[arg(long, hide = true)]
    pub all_targets: bool,
    /// Accepted for rust-analyzer's check command; has no effect
    #[arg(long, hide = true, value_name = "TRIPLE")]
    pub target: Vec<String>,
    /// Accepted for rust-analyzer's check command; has no effect (cfg is ignored)
    #[arg(short = 'F', long, hide = true, value_name = "FEATURES")]
    pub features: Vec<String>,
    /// Accepted for rust-analyzer's check command; has no effect
    #[arg(long, hide = true)]
    pub all_features: bool,
    /// Accepted for rust-analyzer's check command; has no effect
    #[arg(long, hide = true)]
    pub no_default_features: bool,
    /// Accepted for rust-analyzer's check command; has no effect
    #[arg(long, hide = true, value_name = "DIR")]
    pub target_dir: Option<PathBuf>,
    /// Accepted like cargo's; has no effect (aiguard never uses the network)
    #[arg(long, hide = true)]
    pub locked: bool,
    /// Accepted like cargo's; has no effect (aiguard never uses the network)
    #[arg(long, hide = true)]
    pub offline: bool,
    /// Accepted like cargo's; has no effect (aiguard never uses the network)
    #[arg(long, hide = true)]
    pub frozen: bool,
}

/// What `-D` may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DenyWhat {
    /// Warnings fail the check too
    Warnings,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// rustc-style diagnostics with source snippets
    #[default]
    Human,
    /// `file:line:col: level[rule]: message`, one a line
    Short,
    /// cargo's JSON messages, one a line (`compiler-message`, then `build-finished`)
    Json,
    /// `json`, with ANSI colors in `rendered` (rust-analyzer passes this)
    JsonDiagnosticRenderedAnsi,
    /// `json`, with the short form in `rendered`
    JsonDiagnosticShort,
    /// SARIF 2.1.0, for GitHub code scanning
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request
    Github,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorWhen {
    pub fn choice(self) -> anstream::ColorChoice {
        match self {
            ColorWhen::Auto => anstream::ColorChoice::Auto,
            ColorWhen::Always => anstream::ColorChoice::Always,
            ColorWhen::Never => anstream::ColorChoice::Never,
        }
    }
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule's name (`unwrap_used` or `unwrap-used`)
    pub rule: String,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format
    #[arg(long, value_name = "FMT", default_value = "table")]
    pub format: RulesFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// An aligned text table
    Table,
    /// The rules reference page (docs/rules.md)
    Md,
    /// One JSON array of rule objects
    Json,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Files or directories to list instead of the cargo workspace
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// Path to Cargo.toml
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Package to list (repeatable)
    #[arg(short, long = "package", value_name = "SPEC")]
    pub packages: Vec<String>,
    /// List every workspace member
    #[arg(long, visible_alias = "all")]
    pub workspace: bool,
    /// Exclude packages (with `--workspace`)
    #[arg(long, value_name = "SPEC")]
    pub exclude: Vec<String>,
    /// Output format
    #[arg(long, value_name = "FMT", default_value = "table")]
    pub format: ListFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned text
    Table,
    /// One JSON object
    Json,
}

impl ListArgs {
    /// The workspace selection as check arguments.
    pub fn check_args(&self) -> CheckArgs {
        CheckArgs {
            paths: self.paths.clone(),
            manifest_path: self.manifest_path.clone(),
            packages: self.packages.clone(),
            workspace: self.workspace,
            exclude: self.exclude.clone(),
            ..CheckArgs::default()
        }
    }
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Path to Cargo.toml: aiguard.toml goes into its workspace root
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
}

impl CheckArgs {
    pub fn deny_warnings(&self) -> bool {
        self.deny.contains(&DenyWhat::Warnings)
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn debug_assert() {
        Cargo::command().debug_assert();
    }

    fn parse(args: &[&str]) -> AiguardArgs {
        let Cargo::Aiguard(a) = Cargo::try_parse_from(args).expect("parses");
        a
    }

    #[test]
    fn forms() {
        let a = parse(&["cargo", "aiguard", "src/lib.rs", "-D", "warnings"]);
        assert!(a.command.is_none());
        assert_eq!(a.check.paths, vec![PathBuf::from("src/lib.rs")]);
        assert!(a.check.deny_warnings());
        let a = parse(&[
            "cargo",
            "aiguard",
            "check",
            "-p",
            "a",
            "-p",
            "b",
            "--ai-only",
        ]);
        let Some(Command::Check(c)) = a.command else {
            panic!("not check");
        };
        assert_eq!(c.packages, ["a", "b"]);
        assert!(c.ai_only);
        let a = parse(&["cargo", "aiguard", "explain", "unwrap-used"]);
        assert!(matches!(a.command, Some(Command::Explain(e)) if e.rule == "unwrap-used"));
        let a = parse(&["cargo", "aiguard", "rules", "--format", "md"]);
        assert!(matches!(a.command, Some(Command::Rules(r)) if r.format == RulesFormat::Md));
    }
}
