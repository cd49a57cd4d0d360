//! The `arithmetic` family.

rules! {
    float_equality::FloatEquality,
    len_underflow::LenUnderflow,
    off_by_one_range::OffByOneRange,
    truncating_cast::TruncatingCast,
    unchecked_arithmetic::UncheckedArithmetic,
}
