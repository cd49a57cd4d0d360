//! `#[ai_generated]` on every item kind where an attribute macro is allowed, all clean: the
//! item compiles as written and nothing is reported (`deny(warnings)` turns any aiguard
//! warning into a failure here).
#![deny(warnings)]
#![allow(dead_code)]

use aiguard_macros::ai_generated;

/// A free fn with docs of its own.
#[ai_generated(model = "gpt-4o")]
pub fn parse_port(text: &str) -> Result<u16, std::num::ParseIntError> {
    text.trim().parse()
}

#[ai_generated]
async fn fetch(id: u32) -> Option<u32> {
    id.checked_add(1)
}

#[ai_generated]
const fn double(x: u32) -> Option<u32> {
    x.checked_mul(2)
}

#[ai_generated]
const LIMIT: usize = 16;

#[ai_generated]
static NAME: &str = "service";

#[ai_generated]
type Pair = (u32, u32);

#[ai_generated]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Point {
    x: i32,
    y: i32,
}

#[ai_generated]
enum Shape {
    Dot,
    Line(Point, Point),
}

#[ai_generated]
#[repr(C)]
union Bits {
    int: u32,
    float: f32,
}

#[ai_generated]
mod geometry {
    pub fn origin() -> super::Point {
        super::Point { x: 0, y: 0 }
    }
}

#[ai_generated]
trait Area {
    fn area(&self) -> u64;
    fn is_empty(&self) -> bool {
        self.area() == 0
    }
}

trait Named {
    const KIND: &'static str;
    type Id;
    fn name(&self) -> String;
    fn id(&self) -> Self::Id;
}

#[ai_generated]
impl Point {
    fn manhattan(&self) -> Option<i32> {
        self.x.checked_abs()?.checked_add(self.y.checked_abs()?)
    }
}

impl Shape {
    #[ai_generated]
    fn is_dot(&self) -> bool {
        matches!(self, Shape::Dot)
    }
}

#[ai_generated(model = "claude")]
impl Area for Shape {
    fn area(&self) -> u64 {
        0
    }
}

impl Named for Point {
    #[ai_generated]
    const KIND: &'static str = "point";
    #[ai_generated]
    type Id = (i32, i32);
    #[ai_generated]
    fn name(&self) -> String {
        format!("({}, {})", self.x, self.y)
    }
    #[ai_generated]
    fn id(&self) -> Self::Id {
        (self.x, self.y)
    }
}

trait WithDefaults {
    #[ai_generated]
    fn required(&self) -> u8;
    #[ai_generated]
    fn provided(&self) -> u8 {
        self.required()
    }
    #[ai_generated]
    const DEFAULT: u8;
}

unsafe extern "C" {
    #[ai_generated]
    safe fn abs(x: i32) -> i32;
}

fn main() {
    #[ai_generated]
    fn local_helper(values: &[u32]) -> Option<&u32> {
        values.first()
    }
    let p = Point { x: 1, y: -2 };
    assert_eq!(p.manhattan(), Some(3));
    assert_eq!(p.name(), "(1, -2)");
    assert_eq!(<Point as Named>::KIND, "point");
    assert_eq!(local_helper(&[7]), Some(&7));
    assert_eq!(double(2), Some(4));
    assert_eq!(parse_port("80"), Ok(80));
    assert!(Shape::Dot.is_dot() && Shape::Dot.is_empty());
    assert_eq!(abs(-3), 3);
    let _ = (fetch(1), LIMIT, NAME, geometry::origin(), Bits { int: 1 });
    let _: Pair = (1, 2);
}
