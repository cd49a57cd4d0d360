//! Warn findings become compiler warnings at the offending tokens, also in trait impls,
//! where the macro may not add an associated item: the warning lives in the method body.
//! The error at the end only makes trybuild keep the warnings.
use aiguard_macros::ai_generated;

struct Store;

trait Fetch {
    fn get(&self, key: Option<&str>) -> usize;
    fn both(&self, a: Option<u8>, b: Result<u8, ()>) -> u8;
}

impl Fetch for Store {
    #[ai_generated(model = "gpt-4o")]
    fn get(&self, key: Option<&str>) -> usize {
        key.unwrap().len()
    }

    #[ai_generated]
    fn both(&self, a: Option<u8>, b: Result<u8, ()>) -> u8 {
        #![deny(clippy::unwrap_used)]
        a.unwrap().saturating_add(b.unwrap())
    }
}

// A whole impl marked: the warnings go beside it.
#[ai_generated]
impl Store {
    fn first(&self, items: &[u8]) -> u8 {
        *items.first().unwrap()
    }
}

fn main() {
    let _ = (
        Store.get(Some("k")),
        Store.both(Some(1), Ok(2)),
        Store.first(&[1]),
    );
}

compile_error!("end of test: keeps the warnings above in the expected output");
