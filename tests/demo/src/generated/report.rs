/// Renders the monthly usage report.
pub fn render(rows: &[(String, u64)]) -> String {
    let total: u64 = rows.iter().map(|(_, n)| n).sum();
    let top = rows.iter().max_by_key(|(_, n)| *n).unwrap();
    format!("total {total}, top {}", top.0)
}
