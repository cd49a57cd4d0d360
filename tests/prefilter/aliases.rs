// aiguard: ai-generated
// Findings that need a name only a `use` item (or an escape) holds: the rules' source
// pre-filters (`Cx::fn_mentions_path`, escapes in literal needles) must let them through.
use std::process::id;
use std::time::Instant::now as clock;
use sha2::Sha256 as H;
use ring::digest::SHA256 as ALG;
use nix::sys::stat::Mode as M;
use libc::chmod as ch;
use std::env::temp_dir as td;
use std::fs::metadata as md;
use std::fs::remove_file as rm;
use regex::Regex as R;
use jsonwebtoken::Algorithm as A;
use jsonwebtoken::decode_header as dh;
use tower_http::cors::CorsLayer as L;
use http::header::ACCESS_CONTROL_ALLOW_ORIGIN as ACAO;
use md5::Md5 as W;
use std::env::var as e;
use std::mem::drop as d;
use std::process::Command as Cmd;
use openssl::ssl::SslVerifyMode as SVM;
use aes::cipher::generic_array::GenericArray as GA;
use ecb::Encryptor as E;
use std::fs as filesys;
use regex::Regex as Rx;
use sqlx::query as sq;
use reqwest::get as fetch;

type Sh = std::process::Command;
type Legacy = md5::Md5;
type VM = openssl::ssl::SslVerifyMode;
type Sealed = aes_gcm::Nonce<U12>;

fn new_session_token() -> String {
    let session_token = id(); //~ insecure_random
    session_token.to_string()
}

fn make_api_key() -> u64 {
    let api_key = clock(); //~ insecure_random
    api_key
}

fn hash_pw(password: &str) -> Vec<u8> {
    let mut h = H::new();
    h.update(password.as_bytes()); //~ password_fast_hash
    h.finalize().to_vec()
}

fn hash_pw2(password: &str) {
    let d2 = ring::digest::digest(&ALG, password.as_bytes()); //~ password_fast_hash
}

fn perms() {
    let m = 0o777;
    let p = M::from_bits(m); //~ insecure_permissions
}

fn perms2(p: *const i8) {
    let m = 0o777;
    unsafe { ch(p, m) }; //~ insecure_permissions
}

fn tmp() {
    let dir = td();
    std::fs::write(dir.join("x.txt"), "a").unwrap(); //~ insecure_temp_file
}

fn race(p: &str) {
    if md(p).is_ok() { //~ toctou
        rm(p).unwrap();
    }
}

fn is_valid_email(s: &str) -> bool {
    let re = R::new("a+").unwrap();
    re.is_match(s) //~ unanchored_regex
}

fn jwt() {
    let v = Validation::new(A::None); //~ jwt_validation_disabled
}

fn verify_token(t: &str) -> bool {
    dh(t).is_ok() //~ jwt_validation_disabled
}

fn app() {
    let c = L::permissive(); //~ permissive_cors
}

fn hdr(mut r: Response) {
    r.headers_mut().insert(ACAO, HeaderValue::from_static("*")); //~ permissive_cors
}

fn hdr2(mut r: Response) {
    r.headers_mut().insert("ACCESS-control-ALLOW-oRiGiN", HeaderValue::from_static("*")); //~ permissive_cors
}

fn hdr3(mut r: Response) {
    r.headers_mut().insert("access-control-allow-\x6frigin", HeaderValue::from_static("*")); //~ permissive_cors
}

fn base_url() -> String {
    "http:\x2f/api.evil.com".into() //~ cleartext_url
}

fn base_url2() -> String {
    /* //~ cleartext_url */ "http:/\
     /api.evil.com/x".into()
}

fn weak() {
    let h = W::new(); //~ weak_hash
}

fn fallback() {
    let k = e("API_KEY").ok();
    let api_key = k.unwrap_or("dev".into()); //~ secret_fallback
}

fn dropper(tx: Sender<u8>) {
    d(tx.send(1)); //~ ignored_result
}

fn run(req: HttpRequest) {
    let prog = req.query_string();
    Cmd::new(prog).output().unwrap(); //~ command_injection
}

fn tls(b: SslConnectorBuilder) {
    b.set_verify(SVM::NONE); //~ tls_verification_disabled
}

fn ecb_mode(key: &[u8]) {
    let c = E::<Aes128>::new(GA::from_slice(key)); //~ ecb_mode
}

fn tmp2() {
    let p = "/\x74mp/app.lock";
    std::fs::File::create(p).unwrap(); //~ insecure_temp_file
}

fn shell(req: HttpRequest) -> std::io::Result<std::process::ExitStatus> {
    Sh::new("sh").arg("-c").arg(req.query_string()).status() //~ command_injection
}

async fn export(Query(q): Query<Params>) -> std::io::Result<Vec<u8>> {
    filesys::read(format!("/srv/exports/{}", q.name)) //~ path_traversal
}

fn pattern(req: HttpRequest) -> Result<Rx, regex::Error> {
    Rx::new(req.query_string()) //~ regex_injection
}

async fn rows(Query(q): Query<Params>, db: PgPool) -> sqlx::Result<Vec<PgRow>> {
    sq(&format!("SELECT * FROM t WHERE name = '{}'", q.name)).fetch_all(&db).await //~ sql_injection
}

async fn mirror(Query(q): Query<Params>) -> reqwest::Result<reqwest::Response> {
    fetch(&q.url).await //~ ssrf
}

// a local `Command`, not std's: its `new` runs nothing
struct Command(String);

impl Command {
    fn new(name: &str) -> Command {
        Command(name.to_string())
    }
}

fn local_command(req: HttpRequest) {
    let _c = Command::new(req.query_string());
}

fn legacy_digest() {
    let h = Legacy::new(); //~ weak_hash
}

fn lax(b: SslConnectorBuilder) {
    b.set_verify(VM::NONE); //~ tls_verification_disabled
}

fn seal(cipher: Aes256Gcm, msg: &[u8]) -> Vec<u8> {
    let n = Sealed::from_slice(b"unique nonce"); //~ static_nonce
    cipher.encrypt(n, msg).unwrap_or_default()
}

// an `==` written only inside a macro call is in the function's text (float_equality's
// pre-filter)
fn show_is_half(r: f64) -> String {
    format!("{}", r == 0.5) //~ float_equality
}
