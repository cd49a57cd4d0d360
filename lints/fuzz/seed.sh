#!/bin/sh
# Fills corpus/<target>/ with seeds from the repository's rule fixtures, the demo crate and
# config samples, and writes corpus/rust.dict (Rust keywords and the fixtures' identifiers,
# for `-dict=`). With a directory argument (the vendored crates of
# ../shared/corpus/make-corpus.sh), also copies its .rs files under 64 KiB to corpus/real/,
# to pass as a second, read-only corpus. Run from anywhere; nothing here is committed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
mkdir -p "$here/corpus/check_text" "$here/corpus/config" "$here/corpus/marker"

n=0
for f in $(find "$repo/tests/fixtures/rules" "$repo/tests/demo/src" -name '*.rs' | sort); do
    n=$((n + 1))
    cp "$f" "$here/corpus/check_text/seed-$n-$(basename "$f")"
done

# configs: the demo's, the fixtures' `//@ ` lines, the sections the CLI reads
cp "$repo/tests/demo/aiguard.toml" "$here/corpus/config/seed-demo.toml"
for f in $(grep -rl '^//@ ' "$repo/tests/fixtures/rules" | sort); do
    sed -n 's,^//@ ,,p' "$f" > "$here/corpus/config/seed-$(basename "$f" .rs).toml"
done
cat > "$here/corpus/config/seed-all.toml" <<'TOML'
[ai]
paths = ["src/gen/**", "**/*_ai.rs", "{a,b}/[!c]*.rs"]
[rules]
unwrap_used = { ai = "deny", human = "warn", allow_lock = true }
expect_used = "allow"
hardcoded_secret = { ai = "warn" }
unknown_rule = "deny"
[vocab]
secret_words = ["pin", "otp"]
not_secret_suffixes = ["_len"]
check_fn_prefixes = ["ensure_"]
sanitizers = ["escape_html"]
[macro]
rustc = { deny = ["unsafe_code"], warn = ["missing_docs"], allow = ["dead_code"] }
clippy = { forbid = ["unwrap_used"], warn = ["pedantic"] }
TOML
cat > "$here/corpus/config/seed-workspace.toml" <<'TOML'
[workspace]
members = ["a"]
[workspace.metadata.aiguard]
ai.paths = ["**"]
rules.unwrap_used = "deny"
[package.metadata.aiguard.rules]
panic_macro = { human = "deny" }
TOML

# marker arguments
i=0
for args in \
    '' \
    'model = "claude"' \
    'model = "gpt-4o", reviewed = "bob", digest = "0123456789abcdef0123456789abcdef"' \
    'reviewed = "alice", digest = "5d1bfca723e9cb3d8241a0acc26c3c62"' \
    'allow(unwrap_used = "the regex is a literal checked by tests")' \
    'allow(unwrap_used = "a", expect_used = "b"), model = "m"' \
    'allow(unwrap-used)' \
    'modle = "x", model = 1, allow(nope = "r")'; do
    i=$((i + 1))
    printf '%s' "$args" > "$here/corpus/marker/seed-$i"
done
# a dictionary: keywords, punctuation, and identifiers the fixtures use twice or more
{
    for k in as async await break const continue crate dyn else enum extern fn for if impl in \
        let loop match mod move mut pub ref return self Self static struct super trait type \
        unsafe use where while yield macro_rules unwrap expect; do
        printf '"%s"\n' "$k"
    done
    for p in '::' '->' '=>' '#[' '#![' '..=' '?;' '.await' '||' '&&' "'a" '!(' 'r#"' '"#'; do
        printf '"%s"\n' "$p"
    done
    find "$repo/tests/fixtures/rules" -name '*.rs' -exec cat {} + |
        grep -oE '[A-Za-z_][A-Za-z0-9_]{2,}' | sort | uniq -c | awk '$1 >= 2 { print $2 }' |
        sed 's/.*/"&"/'
} | sort -u > "$here/corpus/rust.dict"

if [ $# -gt 0 ]; then
    mkdir -p "$here/corpus/real"
    find "$1" -name '*.rs' -size -64k | sort | while read -r f; do
        cp "$f" "$here/corpus/real/$(printf '%s' "$f" | sha1sum | cut -c1-16).rs"
    done
    echo "real: $(ls "$here/corpus/real" | wc -l) files"
fi
echo "seeded: $(ls "$here/corpus/check_text" | wc -l) check_text, $(ls "$here/corpus/config" | wc -l) config, $(ls "$here/corpus/marker" | wc -l) marker"
