use syn::spanned::Spanned;

use crate::analysis::{body, locals, macros, paths};
use crate::cx::Cx;
use crate::fnlike::{FnKind, FnLike};
use crate::rule::{NodeKind, Rule};

declare_rule! {
    /// ### What it does
    /// Flags a check-named function (`validate*`, `verify*`, `check*`, `is_valid*`,
    /// `is_authorized`, `authorize*`, `can_*`, `sanitize*`, `escape*`, ..) that cannot fail:
    ///
    /// - it returns a constant success (`true`, `Ok(())`, `Ok(true)`, `Some(..)`) on every
    ///   path, with no `?`, `bail!`, `assert!` or other way out;
    /// - or it never reads one of its parameters (other than `self`): the value it was
    ///   given to check plays no part in the verdict. A leading `_` does not excuse this:
    ///   `_token` is how an assistant silences the warning about the check it skipped,
    ///   and so is `let _ = token;`. Only a parameter written as the bare pattern `_` in a
    ///   trait impl or trait default method is left alone: the trait fixes the signature
    ///   and the author said outright that this implementation needs no such value;
    /// - or it is a `sanitize*`/`escape*` function that returns its input unchanged.
    ///
    /// Not flagged: bodies that are `todo!()`/`unimplemented!()` (`placeholder_code`'s
    /// business), empty bodies (`{}`: a no-op hook returns no verdict), test code,
    /// functions under `#[cfg(..)]` (one of several platform or feature variants), a
    /// constant from a function with no input at all, or from a parameterless trait impl
    /// method, which states a property of the type
    /// (`impl Role for Admin { fn is_admin(&self) -> bool { true } }`). In human code,
    /// `#[allow(unused_variables)]` on the function records a deliberate decision about
    /// its parameters. A deliberate "always allow" implementation says so with
    /// `#[ai_generated(allow(vacuous_check = "reason"))]`.
    ///
    /// ### Why is this bad?
    /// The callers trust the name. A `verify_signature` that returns `Ok(())`, an
    /// `is_authorized(user, resource)` that never looks at `resource`, or a
    /// `sanitize_html` that hands back its input all pass review at a glance and every
    /// test that only exercises the happy path, and leave the door they were meant to
    /// guard open (CWE-1164, irrelevant code; CWE-863, incorrect authorization).
    ///
    /// ### Example
    /// ```rust,ignore
    /// fn verify_signature(payload: &[u8], signature: &str) -> Result<(), AuthError> {
    ///     tracing::debug!(len = payload.len(), "verifying webhook");
    ///     Ok(())
    /// }
    /// ```
    ///
    /// ### Use instead
    /// ```rust,ignore
    /// fn verify_signature(payload: &[u8], signature: &str, key: &[u8]) -> Result<(), AuthError> {
    ///     let expected = hex::decode(signature).map_err(|_| AuthError::BadSignature)?;
    ///     let mut mac = Hmac::<Sha256>::new_from_slice(key).map_err(|_| AuthError::BadKey)?;
    ///     mac.update(payload);
    ///     mac.verify_slice(&expected).map_err(|_| AuthError::BadSignature)
    /// }
    /// ```
    ///
    /// ### References
    /// - CWE-1164: Irrelevant Code
    /// - CWE-863: Incorrect Authorization
    /// - clippy: `unused_self`, `needless_pass_by_value` (related: unused inputs)
    pub struct VacuousCheck;
    name = "vacuous_check",
    family = Logic,
    ai = Deny,
    human = Warn,
    cwe = 1164,
    summary = "check-named function that cannot fail or ignores what it checks",
}

impl Rule for VacuousCheck {
    fn interests(&self) -> &'static [NodeKind] {
        &[NodeKind::Fn]
    }

    fn check_fn(&self, cx: &mut Cx<'_>, f: &FnLike<'_>) {
        if !cx.in_check_fn()
            || cx.in_test()
            || !cx.enabled(&Self::META)
            || f.block.stmts.is_empty()
            || is_placeholder(f.block)
            || has_attr(f.attrs, "cfg")
        {
            return;
        }
        if constant_success(cx, f) || unread_params(cx, f) {
            return;
        }
        identity_sanitizer(cx, f);
    }
}

/// (b): parameters the body never reads; one finding per fn. Returns true if reported.
fn unread_params(cx: &mut Cx<'_>, f: &FnLike<'_>) -> bool {
    // In human code, `#[allow(unused_variables)]` is a deliberate decision; in AI code it is
    // how the warning about the skipped check was silenced (and lint_suppression says so).
    if !cx.in_ai() && allows_unused(f.attrs) {
        return false;
    }
    let unread: Vec<(&syn::PatType, String)> = f
        .params()
        .filter_map(|pt| ignored_param(f, pt).map(|n| (pt, n)))
        .collect();
    let Some((first, _)) = unread.first() else {
        return false;
    };
    let fn_name = f.name();
    let names: Vec<String> = unread.iter().map(|(_, n)| format!("`{n}`")).collect();
    let (what, them) = if names.len() == 1 {
        ("parameter", "it")
    } else {
        ("parameters", "them")
    };
    let mut r = cx
        .report(
            &VacuousCheck::META,
            first.pat.span(),
            format!("`{fn_name}` never reads its {what} {}", names.join(", ")),
        )
        .label(f.name_span(), "this check's verdict does not depend on it");
    for (pt, _) in unread.iter().skip(1) {
        r = r.label(pt.pat.span(), "never read either");
    }
    r.help(format!(
        "use {them} in the check, or remove the {what} if the check does not need {them}"
    ));
    true
}

fn has_attr(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs.iter().any(|a| a.path().is_ident(name))
}

/// `#[allow(unused_variables)]`, `#[allow(unused)]`, `#[expect(..)]` alike.
fn allows_unused(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        (a.path().is_ident("allow") || a.path().is_ident("expect"))
            && matches!(&a.meta, syn::Meta::List(l) if {
                let t = l.tokens.to_string();
                t.contains("unused_variables") || t.split(',').any(|p| p.trim() == "unused")
            })
    })
}

/// (a): every exit is a constant success. Reports and returns true if so.
fn constant_success(cx: &mut Cx<'_>, f: &FnLike<'_>) -> bool {
    let exits = body::exits(f.block);
    if exits.opaque || exits.values.is_empty() {
        return false;
    }
    let Some(first) = exits.values.first() else {
        return false;
    };
    let Some(shown) = success_literal(first) else {
        return false;
    };
    if !exits.values.iter().all(|v| success_literal(v).is_some()) {
        return false;
    }
    // With no input there is nothing to check: a fn of no parameters returning a constant
    // is a feature switch, and a parameterless trait impl method states a property of the
    // type (`impl Role for Admin { fn is_admin(&self) -> bool { true } }`).
    let no_params = f.params().next().is_none();
    if no_params && (!f.has_self() || matches!(f.kind, FnKind::TraitImpl { .. })) {
        return false;
    }
    let name = f.name();
    let mut r = cx
        .report(
            &VacuousCheck::META,
            f.name_span(),
            format!("`{name}` returns `{shown}` on every path"),
        )
        .label(first.span(), "the only verdict this check can give");
    for v in exits.values.iter().skip(1) {
        r = r.label(v.span(), "and here");
    }
    let unread: Vec<String> = f
        .params()
        .filter_map(|pt| ignored_param(f, pt))
        .map(|n| format!("`{n}`"))
        .collect();
    if !unread.is_empty() {
        r = r.note(format!("it never reads {}", unread.join(", ")));
    }
    r.help("implement the check so that it can fail, or remove it");
    true
}

/// `true`, `Ok(())`, `Ok(true)`, `Some(..)`: the text to show, if `e` is one.
fn success_literal(e: &syn::Expr) -> Option<String> {
    let e = paths::peel(e);
    if paths::lit_bool(e) == Some(true) {
        return Some("true".into());
    }
    let syn::Expr::Call(c) = e else {
        return None;
    };
    let syn::Expr::Path(p) = paths::peel(&c.func) else {
        return None;
    };
    let ctor = p.path.segments.last()?.ident.to_string();
    let arg = (c.args.len() == 1).then(|| c.args.first()).flatten()?;
    match ctor.as_str() {
        "Ok" => {
            if matches!(paths::peel(arg), syn::Expr::Tuple(t) if t.elems.is_empty()) {
                Some("Ok(())".into())
            } else if paths::lit_bool(arg) == Some(true) {
                Some("Ok(true)".into())
            } else {
                None
            }
        }
        "Some" => Some("Some(..)".into()),
        _ => None,
    }
}

/// (b): the name of a parameter the body never reads, if `pt` is one.
fn ignored_param(f: &FnLike<'_>, pt: &syn::PatType) -> Option<String> {
    match &*pt.pat {
        syn::Pat::Wild(_) => {
            // A bare `_` in a trait method: the trait fixes the signature.
            let in_trait = matches!(
                f.kind,
                FnKind::TraitImpl { .. } | FnKind::TraitDefault { .. }
            );
            (!in_trait).then(|| "_".to_string())
        }
        pat => {
            let ident = body::pat_ident(pat)?;
            let name = ident.to_string();
            (!body::reads_name(f.block, &name)).then_some(name)
        }
    }
}

/// (c): a `sanitize*`/`escape*` fn whose every exit is its (unmodified) input.
fn identity_sanitizer(cx: &mut Cx<'_>, f: &FnLike<'_>) {
    let name = f.name();
    if !cx.vocab().is_sanitizer(&name) {
        return;
    }
    let mut params = f.params();
    let (Some(pt), None) = (params.next(), params.next()) else {
        return;
    };
    let syn::Pat::Ident(pi) = &*pt.pat else {
        return;
    };
    if pi.mutability.is_some()
        || matches!(&*pt.ty, syn::Type::Reference(r) if r.mutability.is_some())
    {
        return;
    }
    let input = pi.ident.to_string();
    // Rebinding the input (`let input = input.replace(..)`) or assigning to it changes it.
    if body::let_binding(f.block, &input).is_some() || assigns_to(f.block, &input) {
        return;
    }
    let exits = body::exits(f.block);
    let lets = body::LetIndex::new(f.block);
    if exits.opaque
        || exits.values.is_empty()
        || !exits
            .values
            .iter()
            .all(|v| is_identity(&lets, v, &input, 0))
    {
        return;
    }
    let span = exits
        .values
        .first()
        .map_or_else(|| f.name_span(), Spanned::span);
    cx.report(
        &VacuousCheck::META,
        f.name_span(),
        format!("`{name}` returns its input `{input}` unchanged"),
    )
    .label(span, "the input comes back as it went in")
    .help("escape or reject the dangerous characters, or use a vetted library (`html_escape`, `ammonia`)");
}

fn assigns_to(block: &syn::Block, name: &str) -> bool {
    let mut found = false;
    locals::for_each_expr(block, &mut |e| {
        if let syn::Expr::Assign(a) = e
            && matches!(paths::peel(&a.left), syn::Expr::Path(p) if p.path.is_ident(name))
        {
            found = true;
        }
    });
    found
}

/// Whether `e` is `input` itself, through conversions that keep the text:
/// `input.to_string()`, `String::from(input)`, `Cow::Borrowed(input)`, `Ok(input)`,
/// `format!("{input}")`.
fn is_identity(lets: &body::LetIndex<'_>, e: &syn::Expr, input: &str, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    let is_identity = |x: &syn::Expr, input: &str| is_identity(lets, x, input, depth + 1);
    match paths::peel(e) {
        // `let s = input.trim(); s.to_string()`: through a `let` alias.
        syn::Expr::Path(p) => {
            p.path.is_ident(input)
                || p.path.get_ident().is_some_and(|id| {
                    // A `let mut` alias may be edited in place (`s.retain(..)`).
                    lets.binding(&id.to_string()).is_some_and(|b| {
                        !b.mutable && b.init.is_some_and(|i| is_identity(i, input))
                    })
                })
        }
        syn::Expr::MethodCall(m) => {
            m.args.is_empty()
                && (paths::is_transparent_method(&m.method.to_string()) || m.method == "into_owned")
                && is_identity(&m.receiver, input)
        }
        syn::Expr::Call(c) => {
            let syn::Expr::Path(p) = paths::peel(&c.func) else {
                return false;
            };
            let segs = paths::segments(&p.path);
            let wraps = ["Ok", "Some", "Borrowed", "Owned"];
            let converts = paths::ends_with(&segs, &["String", "from"])
                || paths::ends_with(&segs, &["Cow", "from"])
                || paths::ends_with(&segs, &["From", "from"]);
            let wrapper = segs.last().is_some_and(|s| wraps.contains(&s.as_str()));
            (wrapper || converts)
                && c.args.len() == 1
                && c.args.first().is_some_and(|a| is_identity(a, input))
        }
        syn::Expr::Macro(m) if macros::macro_name(&m.mac) == "format" => {
            let fa = macros::parse_format_args(&m.mac);
            let Some(t) = &fa.template else {
                return false;
            };
            let t = t.value();
            (t == "{}"
                && fa.args.len() == 1
                && fa.args.first().is_some_and(|a| is_identity(a, input)))
                || (t == format!("{{{input}}}") && fa.args.is_empty())
        }
        _ => false,
    }
}

/// A body that is only `todo!()`/`unimplemented!()`: placeholder_code reports it.
fn is_placeholder(block: &syn::Block) -> bool {
    let [stmt] = block.stmts.as_slice() else {
        return false;
    };
    let mac = match stmt {
        syn::Stmt::Macro(m) => &m.mac,
        syn::Stmt::Expr(syn::Expr::Macro(m), _) => &m.mac,
        _ => return false,
    };
    matches!(macros::macro_name(mac).as_str(), "todo" | "unimplemented")
}
