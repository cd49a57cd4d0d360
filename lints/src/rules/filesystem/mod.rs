//! The `filesystem` family.

rules! {
    insecure_permissions::InsecurePermissions,
    insecure_temp_file::InsecureTempFile,
}
