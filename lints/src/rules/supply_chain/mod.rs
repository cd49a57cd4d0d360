//! The `supply-chain` family: manifests and build scripts (CLI only).

rules! {
    build_script_download::BuildScriptDownload,
    suspicious_dependency::SuspiciousDependency,
    wildcard_dependency::WildcardDependency,
}
