use std::fs;
use std::path::Path;

use aiguard_macros::ai_generated;

/// Loads the account file written by the importer.
#[ai_generated(model = "gpt-4o-mini")]
pub fn load_accounts(dir: &Path) -> Vec<String> {
    let text = fs::read_to_string(dir.join("accounts.txt")).expect("accounts file");
    text.lines().map(str::to_owned).collect()
}

/// Human-written: errors are propagated, nothing to report.
pub fn load_accounts_checked(dir: &Path) -> std::io::Result<Vec<String>> {
    let text = fs::read_to_string(dir.join("accounts.txt"))?;
    Ok(text.lines().map(str::to_owned).collect())
}

/// Writes the export where the nightly job picks it up.
#[ai_generated(model = "gpt-4o-mini")]
pub fn write_export(rows: &[String]) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let path = "/tmp/accounts-export.csv";
    fs::write(path, rows.join("\n"))?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o666))?;
    Ok(())
}
