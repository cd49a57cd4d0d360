//! `cargo aiguard init`: writes a commented `aiguard.toml` at the workspace root (the
//! current directory outside a cargo workspace) and says how to mark AI code. It never
//! overwrites a config.

use std::io::Write;
use std::path::Path;

use aiguard_lints::config::{ConfigSection, parse_config};

use crate::cli::{CheckArgs, InitArgs};
use crate::exit::ExitStatus;
use crate::workspace::{self, display_relative};
use crate::{Fatal, write_or_pipe};

/// The commented template; a test parses it.
pub const TEMPLATE: &str = include_str!("../templates/aiguard.toml");

pub fn run(args: &InitArgs) -> Result<ExitStatus, Fatal> {
    let cwd = std::env::current_dir().map_err(|e| {
        Fatal(format!(
            "could not read the current directory: {}",
            workspace::io_message(&e)
        ))
    })?;
    let select = CheckArgs {
        manifest_path: args.manifest_path.clone(),
        workspace: true,
        ..CheckArgs::default()
    };
    let (root, members) = match workspace::from_cargo(&select, &cwd) {
        Ok(ws) => {
            let members: Vec<String> = ws.packages.into_iter().map(|p| p.name).collect();
            (ws.root, members)
        }
        Err(d) if args.manifest_path.is_some() => return Err(Fatal(d.message)),
        Err(_) => (cwd.clone(), Vec::new()),
    };
    let file = root.join("aiguard.toml");
    let shown = display_relative(&cwd, &file);
    if file.exists() {
        return refuse(
            &format!("`{shown}` already exists"),
            "edit it, or remove it to start over",
        );
    }
    if in_workspace_metadata(&root.join("Cargo.toml")) {
        return refuse(
            "this workspace keeps its aiguard config in `Cargo.toml` under `[workspace.metadata.aiguard]`",
            "edit it there: an aiguard.toml would take its place",
        );
    }
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&file)
        .and_then(|mut f| f.write_all(TEMPLATE.as_bytes()));
    if let Err(e) = written {
        return Err(Fatal(format!(
            "could not write `{shown}`: {}",
            workspace::io_message(&e)
        )));
    }
    let mut out = std::io::stdout().lock();
    write_or_pipe(out.write_all(next_steps(&shown, &members).as_bytes()))?;
    Ok(ExitStatus::Clean)
}

fn refuse(error: &str, help: &str) -> Result<ExitStatus, Fatal> {
    let mut err = std::io::stderr().lock();
    write_or_pipe(writeln!(err, "error: {error}\nhelp: {help}"))?;
    Ok(ExitStatus::Incomplete)
}

/// Whether `manifest` holds a `[workspace.metadata.aiguard]` table.
fn in_workspace_metadata(manifest: &Path) -> bool {
    std::fs::read_to_string(manifest).is_ok_and(|text| {
        parse_config(&text, ConfigSection::WorkspaceMetadata)
            .0
            .is_some()
    })
}

/// What to do after `init`, for a workspace with these members.
pub fn next_steps(shown: &str, members: &[String]) -> String {
    let add = match members {
        [_] | [] => "    cargo add aiguard-macros\n".to_string(),
        [first, ..] => {
            format!("    cargo add -p {first} aiguard-macros    # in each package with AI code\n")
        }
    };
    format!(
        "\
    Created `{shown}`: every option, commented out

Mark the code an assistant wrote. Add the attribute crate:
{add}
then mark each item (a fn, an impl, a module, ...):
    use aiguard_macros::ai_generated;

    #[ai_generated(model = \"gpt-4o\")]
    pub fn parse_header(raw: &str) -> Option<Header> {{ .. }}

Whole generated files: list them under `[ai] paths` in `{shown}`,
or start them with a `// aiguard: ai-generated` comment.

Then run `cargo aiguard` (in CI: `cargo aiguard -D warnings`), and
`cargo aiguard list` for an inventory of the AI code.
"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_is_a_valid_config() {
        let (config, errors) = parse_config(TEMPLATE, ConfigSection::Root);
        assert!(errors.is_empty(), "{errors:?}");
        assert!(config.is_some());
    }
}
