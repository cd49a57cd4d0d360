//! Syntactic type hints: the types a function's parameters and annotated `let`s declare,
//! numeric types visible from literal suffixes and casts. No inference beyond that.

use std::collections::HashMap;

use quote::ToTokens;
use syn::visit::{self, Visit};

use crate::fnlike::FnLike;

/// A primitive numeric type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Num {
    pub bits: u32,
    pub signed: bool,
    pub float: bool,
}

impl Num {
    pub fn parse(name: &str) -> Option<Num> {
        let (signed, float, rest) = match name.chars().next()? {
            'u' => (false, false, &name[1..]),
            'i' => (true, false, &name[1..]),
            'f' => (true, true, &name[1..]),
            _ => return None,
        };
        let bits = match rest {
            "size" if !float => 64,
            "8" | "16" | "32" | "64" | "128" => rest.parse().ok()?,
            _ => return None,
        };
        Some(Num {
            bits,
            signed,
            float,
        })
    }
}

/// The numeric type a `syn::Type` names, through references.
pub fn num_of_type(ty: &syn::Type) -> Option<Num> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
            Num::parse(&p.path.segments[0].ident.to_string())
        }
        syn::Type::Reference(r) => num_of_type(&r.elem),
        syn::Type::Paren(p) => num_of_type(&p.elem),
        syn::Type::Group(g) => num_of_type(&g.elem),
        _ => None,
    }
}

/// Names with a declared numeric type in one function: its parameters and the `let`s of its
/// body that annotate a type, are initialized by a cast or a suffixed/float literal
/// (scoping ignored: the last declaration of a name wins).
pub fn numeric_env(f: &FnLike<'_>) -> HashMap<String, Num> {
    let mut env = HashMap::new();
    for p in f.params() {
        if let syn::Pat::Ident(id) = &*p.pat
            && let Some(n) = num_of_type(&p.ty)
        {
            env.insert(id.ident.to_string(), n);
        }
    }
    struct W<'e> {
        env: &'e mut HashMap<String, Num>,
    }
    impl<'a> Visit<'a> for W<'_> {
        fn visit_local(&mut self, l: &'a syn::Local) {
            let (name, ty) = match &l.pat {
                syn::Pat::Type(t) => match &*t.pat {
                    syn::Pat::Ident(id) => (Some(id.ident.to_string()), num_of_type(&t.ty)),
                    _ => (None, None),
                },
                syn::Pat::Ident(id) => (Some(id.ident.to_string()), None),
                _ => (None, None),
            };
            if let Some(name) = name {
                let from_init = l.init.as_ref().and_then(|i| literal_or_cast_num(&i.expr));
                match ty.or(from_init) {
                    Some(n) => {
                        self.env.insert(name, n);
                    }
                    None => {
                        self.env.remove(&name);
                    }
                }
            }
            visit::visit_local(self, l);
        }
        fn visit_item(&mut self, _: &'a syn::Item) {}
        fn visit_expr_closure(&mut self, c: &'a syn::ExprClosure) {
            for input in &c.inputs {
                if let syn::Pat::Type(t) = input
                    && let syn::Pat::Ident(id) = &*t.pat
                    && let Some(n) = num_of_type(&t.ty)
                {
                    self.env.insert(id.ident.to_string(), n);
                }
            }
            visit::visit_expr_closure(self, c);
        }
    }
    W { env: &mut env }.visit_block(f.block);
    env
}

/// The type of a suffixed or float literal, or of a cast: `3u8`, `0.5`, `x as i64`.
pub fn literal_or_cast_num(expr: &syn::Expr) -> Option<Num> {
    match expr {
        syn::Expr::Lit(l) => match &l.lit {
            syn::Lit::Int(i) => Num::parse(i.suffix()),
            syn::Lit::Float(f) => Num::parse(f.suffix()).or(Some(Num {
                bits: 64,
                signed: true,
                float: true,
            })),
            _ => None,
        },
        syn::Expr::Cast(c) => num_of_type(&c.ty),
        syn::Expr::Paren(p) => literal_or_cast_num(&p.expr),
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => literal_or_cast_num(&u.expr),
        _ => None,
    }
}

/// The numeric type of an expression, where the syntax shows it: a name in `env`, `len()` /
/// `count()` (usize), a suffixed literal, a cast, arithmetic over such operands.
pub fn num_of_expr(expr: &syn::Expr, env: &HashMap<String, Num>) -> Option<Num> {
    match expr {
        syn::Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
            env.get(&p.path.segments[0].ident.to_string()).copied()
        }
        syn::Expr::MethodCall(m) => match m.method.to_string().as_str() {
            "len" | "count" | "capacity" if m.args.is_empty() => Some(Num {
                bits: 64,
                signed: false,
                float: false,
            }),
            "abs" | "pow" | "min" | "max" | "clamp" | "wrapping_add" | "wrapping_sub"
            | "wrapping_mul" | "saturating_add" | "saturating_sub" | "saturating_mul" => {
                num_of_expr(&m.receiver, env)
            }
            _ => None,
        },
        syn::Expr::Binary(b) => match b.op {
            syn::BinOp::Add(_)
            | syn::BinOp::Sub(_)
            | syn::BinOp::Mul(_)
            | syn::BinOp::Div(_)
            | syn::BinOp::Rem(_)
            | syn::BinOp::BitAnd(_)
            | syn::BinOp::BitOr(_)
            | syn::BinOp::BitXor(_) => {
                num_of_expr(&b.left, env).or_else(|| num_of_expr(&b.right, env))
            }
            syn::BinOp::Shl(_) | syn::BinOp::Shr(_) => num_of_expr(&b.left, env),
            _ => None,
        },
        syn::Expr::Paren(p) => num_of_expr(&p.expr, env),
        syn::Expr::Group(g) => num_of_expr(&g.expr, env),
        syn::Expr::Unary(u) => num_of_expr(&u.expr, env),
        syn::Expr::Reference(r) => num_of_expr(&r.expr, env),
        syn::Expr::Lit(_) | syn::Expr::Cast(_) => literal_or_cast_num(expr),
        _ => None,
    }
}

/// Token text of a type, whitespace removed.
pub fn type_text(ty: &syn::Type) -> String {
    let mut s = ty.to_token_stream().to_string();
    s.retain(|c| !c.is_whitespace());
    s
}
