#!/usr/bin/env bash
# Scan throughput against bare `syn::parse_file` (cargo-aiguard/benches/scan.rs), the usual
# set: every rule at its AI level, then the default config; 1 and 2 threads; 3 rounds.
#
#   scripts/bench.sh DIR          # e.g. a corpus made by ../shared/corpus/make-corpus.sh
#   REPEAT=5 scripts/bench.sh DIR
#
# Goals (issue 8): throughput ratio at least 0.5, 2 threads at least 1.6x faster than 1,
# peak memory under 300 MB on the whole corpus.
set -euo pipefail

DIR=${1:?usage: scripts/bench.sh DIR}
REPEAT=${REPEAT:-3}
cd "$(dirname "$0")/.."
cargo bench -p cargo-aiguard --bench scan -- "$DIR" --threads 1,2 --repeat "$REPEAT" --ai
cargo bench -p cargo-aiguard --bench scan -- "$DIR" --threads 1,2 --repeat "$REPEAT"
